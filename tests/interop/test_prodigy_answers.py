"""A real Prodigy `ner.teach` dataset (accept, reject and ignore decisions;
tests/fixtures/thirdparty/prodigy/) converted by the `marginalia` tool, then
made into training data the way Prodigy's `data-to-spacy` does and read by
spaCy and seqeval: only accepted spans may become entities. Expectations come
from the fixture as Prodigy wrote it (Python's `text[start:end]`)."""

from __future__ import annotations

import json
import pathlib
import subprocess
import sys

import pytest

from conll_files import conll_sentences
from test_formats import ROOT, run

TEACH = ROOT / "tests" / "fixtures" / "thirdparty" / "prodigy" / "ner_teach_reddit_product.jsonl"


def tasks() -> list[dict]:
    return [json.loads(l) for l in TEACH.read_text(encoding="utf-8").splitlines() if l.strip()]


def entities(answers: set[str]) -> set[tuple[str, int, int, str]]:
    """(text, start, end, label) of every span of the tasks answered so."""
    return {
        (t["text"], s["start"], s["end"], s["label"])
        for t in tasks()
        if t.get("answer", "accept") in answers
        for s in t.get("spans", [])
    }


def test_the_fixture_holds_every_answer_and_rejected_spans_that_are_not_accepted():
    answers = {t["answer"] for t in tasks()}
    assert answers == {"accept", "reject", "ignore"}
    assert entities({"reject", "ignore"}) - entities({"accept"}), "a rejected span to look for"


def test_data_to_spacy_from_our_spacy_export_holds_only_accepted_spans(tmp_path):
    import spacy
    from spacy.tokens import DocBin

    out = tmp_path / "teach.spacy.jsonl"
    run("convert", "--from", "spacy", "--to", "spacy", TEACH, "-o", out)
    converted = [json.loads(l) for l in out.read_text(encoding="utf-8").splitlines()]
    # Every task is kept, with its answer and hashes: data-to-spacy needs them.
    assert [(t["answer"], t["_input_hash"], t["_task_hash"]) for t in converted] == [
        (t["answer"], t["_input_hash"], t["_task_hash"]) for t in tasks()
    ]
    # As data-to-spacy builds NER examples: accepted tasks only, their spans
    # merged per input (_input_hash), each a strict char_span of the text.
    nlp = spacy.blank("en")
    merged: dict[int, tuple[str, set]] = {}
    for t in converted:
        if t["answer"] != "accept":
            continue
        text, spans = merged.setdefault(t["_input_hash"], (t["text"], set()))
        assert text == t["text"]
        spans.update((s["start"], s["end"], s["label"]) for s in t["spans"])
    db = DocBin()
    for text, spans in merged.values():
        doc = nlp.make_doc(text)
        doc.ents = [doc.char_span(s, e, label=l) for s, e, l in sorted(spans)]
        db.add(doc)
    back = list(db.get_docs(nlp.vocab))
    found = {(d.text, e.start_char, e.end_char, e.label_) for d in back for e in d.ents}
    assert found == entities({"accept"})
    assert not found & (entities({"reject", "ignore"}) - entities({"accept"}))


@pytest.mark.parametrize("scheme", ["iob2", "bilou"])
def test_conll_export_holds_only_accepted_spans_unless_asked_for_all(tmp_path, scheme):
    from seqeval.scheme import BILOU, IOB2, Entities

    mode = {"iob2": IOB2, "bilou": BILOU}[scheme]

    def read(path: pathlib.Path) -> set[tuple[str, str, str]]:
        sents = conll_sentences(path)
        tags = [[t for _, t in s] for s in sents]
        found = set()
        for s, ents in zip(sents, Entities(tags, scheme=mode).entities):
            words = " ".join(w for w, _ in s)
            for e in ents:
                found.add((words, " ".join(w for w, _ in s[e.start : e.end]), e.tag))
        return found

    def want(answers: set[str]) -> set[tuple[str, str, str]]:
        nlp_words = lambda text: " ".join(text.split())
        return {(nlp_words(text), text[s:e], l) for text, s, e, l in entities(answers)}

    default = tmp_path / f"teach.{scheme}"
    proc = run("convert", "--from", "spacy", "--to", scheme, TEACH, "-o", default)
    rejected = sum(t["answer"] == "reject" for t in tasks())
    assert f"{rejected} tasks answered reject" in proc.stderr, proc.stderr
    found = read(default)
    assert {(w, l) for _, w, l in found} == {(w, l) for _, w, l in want({"accept"})}
    only_rejected = {(w, l) for _, w, l in want({"reject", "ignore"})} - {(w, l) for _, w, l in want({"accept"})}
    assert not {(w, l) for _, w, l in found} & only_rejected

    everything = tmp_path / f"all.{scheme}"
    run("convert", "--from", "spacy", "--to", scheme, "--answers", "all", TEACH, "-o", everything)
    assert {(w, l) for _, w, l in read(everything)} == {(w, l) for _, w, l in want({"accept", "reject", "ignore"})}


def test_spacy_convert_of_the_iob2_export_holds_only_accepted_entities(tmp_path):
    import spacy
    from spacy.tokens import DocBin

    path = tmp_path / "teach.conll"
    run("convert", "--from", "spacy", "--to", "iob2", TEACH, "-o", path)
    out = tmp_path / "converted"
    out.mkdir()
    subprocess.run(
        [sys.executable, "-m", "spacy", "convert", str(path), str(out), "--converter", "ner", "-n", "0"],
        check=True,
        capture_output=True,
    )
    nlp = spacy.blank("en")
    docs = [d for f in out.glob("*.spacy") for d in DocBin().from_disk(f).get_docs(nlp.vocab)]
    found = sorted(e.text for d in docs for e in d.ents)
    assert found == sorted(text[s:e] for text, s, e, _ in entities({"accept"}))
