"""Our exports, read by the tools that consume them.

Annotated records of the fixtures are built HERE, in Python (offsets from
`str.find`, i.e. code points; hashes from hashlib), independently of the Rust
code. The `marginalia` command-line tool converts them into every format, and
each file is handed to its consumer: spaCy 3.8 (Doc from the exported tokens,
strict `char_span`, `doc.ents`, `doc.spans`, DocBin, `spacy convert` on the
CoNLL export), seqeval (strict IOB2 and BILOU), PyLD (the W3C export expands,
with the W3C context vendored in `assets/w3c/`, and loses no value). For
every format, Python slicing of each span equals the span's text, and the
file converts back to the same annotations.

Set MARGINALIA_BIN to a built `marginalia` binary, or let the test build it.

Run: .venv/bin/python -m pytest tests/interop/test_formats.py
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import pathlib
import subprocess

import pytest

from cargo_artifacts import cargo_executable
from conll_files import conll_sentences

ROOT = pathlib.Path(__file__).resolve().parents[2]
ARTICLES = ROOT / "assets" / "articles"
ANNO_CONTEXT = ROOT / "assets" / "w3c" / "anno.jsonld"

# A third text: combining marks (decomposed), a ZWJ sequence, a flag, CJK and
# Hebrew/Arabic, so every hard case sits in one short document.
COMBINING = (
    "Re\u0301union a\u0300 Bamako: le ministre Moussa Diarra\u0301 (מאלי) a rencontre\u0301 "
    "l\u2019agence 国際協力機構 et Al Jazeera (الجزيرة).\n"
    "Selon lui, \u201cles prix ont double\u0301\u201d \U0001F1F2\U0001F1F1 pour la famille \U0001F468\u200d\U0001F469\u200d\U0001F467."
)


@functools.lru_cache(maxsize=None)
def marginalia_bin() -> str:
    return cargo_executable("marginalia-cli", "marginalia", env_var="MARGINALIA_BIN")


def run(*args, check=True) -> subprocess.CompletedProcess:
    proc = subprocess.run([marginalia_bin(), *map(str, args)], capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise AssertionError(f"marginalia {' '.join(map(str, args))} failed ({proc.returncode}):\n{proc.stderr}")
    return proc


# ----------------------------------------------------------------- records


def find(text: str, needle: str, n: int = 0) -> tuple[int, int]:
    start = -1
    for _ in range(n + 1):
        start = text.find(needle, start + 1)
        assert start >= 0, f"{needle!r} (occurrence {n}) is not in the text"
    return start, start + len(needle)


def record(doc_id: str, text: str, entities, claims=(), relations=(), document_labels=None) -> dict:
    """entities: (needle, n, label); claims: (needle, n, attributes);
    relations: (claim index, label, entity index or free text)."""
    spans = []
    for needle, n, label in entities:
        # A needle is found (its n-th occurrence), or given as (start, end).
        s, e = needle if isinstance(needle, tuple) else find(text, needle, n)
        spans.append({"id": f"s{len(spans) + 1}", "start": s, "end": e, "label": label, "layer": "entity", "text": text[s:e]})
    first_claim = len(spans)
    for needle, n, attributes in claims:
        s, e = find(text, needle, n)
        spans.append({"id": f"s{len(spans) + 1}", "start": s, "end": e, "label": "CLAIM", "layer": "claim",
                      "text": text[s:e], "attributes": attributes})
    rels = []
    for claim, label, to in relations:
        rel = {"id": f"r{len(rels) + 1}", "label": label, "from": spans[first_claim + claim]["id"]}
        if isinstance(to, int):
            rel["to"] = spans[to]["id"]
        else:
            rel["to_text"] = to
        rels.append(rel)
    rec = {
        "text": text, "spans": spans, "relations": rels,
        "meta": {"doc_id": doc_id, "title": doc_id}, "answer": "accept", "format_version": 1,
        "text_sha256": hashlib.sha256(text.encode("utf-8")).hexdigest(), "annotator": "interop",
    }
    if document_labels:
        rec["document_labels"] = document_labels
    return rec


CLAIM_ATTRS = {"claim_type": "quote", "stance": "refutes", "check_worthy": "yes", "verdict": "unverified",
               "note": "Said at the UN — “verbatim” 👍🏽"}


def fixture_records() -> list[dict]:
    mali = (ARTICLES / "mali-russia-wagner.txt").read_text(encoding="utf-8")
    stress = (ARTICLES / "unicode-stress.txt").read_text(encoding="utf-8")
    claim = "Wagner as “a criminal organization that commits widespread atrocities and human rights violations in Mali and elsewhere”"
    return [
        record("mali-russia-wagner", mali,
               [("Abdallah Diop", 0, "PERSON"), ("Richard Mills", 0, "PERSON"), ("Wagner", 0, "ORG"),
                ("Mali", 0, "GPE"), ("Russia", 0, "GPE"), ("Kremlin", 0, "ORG")],
               [(claim, 0, CLAIM_ATTRS)],
               [(0, "claimed_by", 1), (0, "about", 2), (0, "claimed_by", "the US mission, 北京 office")],
               {"section": "world", "contains_check_worthy_claims": True}),
        record("unicode-stress", stress,
               [("Aïssata Traoré", 0, "PERSON"), ("Choguel Kokalla Maïga", 0, "PERSON"), ("国際協力機構", 0, "ORG"),
                ("الجزيرة", 0, "ORG"), ("Zoë Nguyễn", 0, "PERSON"), ("🇲🇱", 0, "GPE"), ("👨‍👩‍👧‍👦", 0, "MISC"),
                ("Bamako", 0, "GPE")],
               [("inflation was “under control”", 0, {"claim_type": "quote", "check_worthy": "unsure"})],
               [(0, "claimed_by", 1)]),
        record("combining", COMBINING,
               [("Moussa Diarra\u0301", 0, "PERSON"), ("מאלי", 0, "GPE"), ("国際協力機構", 0, "ORG"),
                ("الجزيرة", 0, "ORG"), ("\U0001F1F2\U0001F1F1", 0, "GPE"), ("Re\u0301union", 0, "EVENT")],
               [("\u201cles prix ont double\u0301\u201d", 0, {"claim_type": "quote"})],
               [(0, "about", 4)]),
    ]


def overlapping_record() -> dict:
    """Nested entities, which token tags cannot hold."""
    text = (ARTICLES / "mali-russia-wagner.txt").read_text(encoding="utf-8")
    outer = find(text, "US Deputy Ambassador Richard Mills")
    us = (outer[0], outer[0] + 2)
    mills = (outer[1] - len("Richard Mills"), outer[1])
    return record("nested", text, [(outer, 0, "PERSON"), (us, 0, "GPE"), (mills, 0, "PERSON")])


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> pathlib.Path:
    d = tmp_path_factory.mktemp("formats")
    with open(d / "fixtures.jsonl", "w", encoding="utf-8") as f:
        for rec in fixture_records():
            f.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return d


def convert(work: pathlib.Path, to: str, src: str = "fixtures.jsonl", frm: str = "marginalia") -> pathlib.Path:
    out = work / f"{pathlib.Path(src).stem}.{to}"
    if to == "brat":
        out = work / f"brat-{pathlib.Path(src).stem}"
    run("convert", "--from", frm, "--to", to, work / src, "-o", out)
    return out


def lines(path: pathlib.Path) -> list[dict]:
    return [json.loads(l) for l in path.read_text(encoding="utf-8").splitlines() if l.strip()]


def expected_spans(rec) -> list[tuple[int, int, str, str]]:
    return sorted((s["start"], s["end"], s["label"], s["layer"]) for s in rec["spans"])


# ----------------------------------------------------------------- checks


def test_fixtures_validate(work):
    proc = run("validate", work / "fixtures.jsonl")
    assert proc.returncode == 0


def test_spacy_rebuilds_docs_spans_ents_and_docbin(work, tmp_path):
    import spacy
    from spacy.tokens import Doc, DocBin, Span

    nlp = spacy.blank("en")
    tasks = lines(convert(work, "spacy"))
    records = fixture_records()
    assert len(tasks) == len(records)
    bin_ = DocBin(store_user_data=True)
    for task, rec in zip(tasks, records):
        words = [t["text"] for t in task["tokens"]]
        spaces = [bool(t["ws"]) for t in task["tokens"]]
        doc = Doc(nlp.vocab, words=words, spaces=spaces)
        assert doc.text == rec["text"]
        ents, claims = [], []
        for s in task["spans"]:
            assert rec["text"][s["start"]:s["end"]] == doc.text[s["start"]:s["end"]]
            span = doc.char_span(s["start"], s["end"], label=s["label"], alignment_mode="strict")
            assert span is not None, f"{rec['meta']['doc_id']}: {s} is not on token boundaries"
            assert (span.start, span.end - 1) == (s["token_start"], s["token_end"])
            (claims if s.get("layer") == "claim" else ents).append(span)
        doc.ents = ents  # raises on overlaps
        doc.spans["claim"] = claims
        assert sorted((e.start_char, e.end_char, e.label_) for e in doc.ents) == sorted(
            (s["start"], s["end"], s["label"]) for s in rec["spans"] if s["layer"] == "entity")
        # Relations: head/child are the last tokens of the spans they join.
        for rel in task.get("relations", []):
            for end, token in (("head_span", "head"), ("child_span", "child")):
                if end in rel:
                    assert doc[rel[token]].idx < rel[end]["end"] <= doc[rel[token]].idx + len(doc[rel[token]])
        bin_.add(doc)
    path = tmp_path / "train.spacy"
    bin_.to_disk(path)
    back = list(DocBin().from_disk(path).get_docs(nlp.vocab))
    assert [d.text for d in back] == [r["text"] for r in records]
    assert [len(d.ents) for d in back] == [sum(s["layer"] == "entity" for s in r["spans"]) for r in records]
    assert [len(d.spans["claim"]) for d in back] == [sum(s["layer"] == "claim" for s in r["spans"]) for r in records]


def unspaced(c: str) -> bool:
    """A character of a script written without spaces (a token each)."""
    import unicodedata

    return unicodedata.name(c, "").startswith(("CJK", "HIRAGANA", "KATAKANA", "IDEOGRAPHIC", "THAI", "LAO", "KHMER", "MYANMAR"))


@pytest.mark.parametrize("scheme", ["iob2", "bilou"])
def test_seqeval_reads_the_tags_strictly(work, scheme):
    from seqeval.metrics import classification_report
    from seqeval.scheme import BILOU, IOB2, Entities

    path = convert(work, scheme)
    sents = conll_sentences(path)
    tags = [[t for _, t in s] for s in sents]
    mode = {"iob2": IOB2, "bilou": BILOU}[scheme]
    classification_report(tags, tags, mode="strict", scheme=mode)  # raises on an invalid sequence
    found = []
    def joined(words):
        # Characters of a script written without spaces are a token each
        # (as spaCy's Chinese pipeline cuts them): joined as written.
        out = ""
        for w in words:
            glue = out and not (unspaced(out[-1]) and unspaced(w[0]))
            out += (" " if glue else "") + w
        return out

    for s, ents in zip(sents, Entities(tags, scheme=mode).entities):
        for e in ents:
            found.append((joined([w for w, _ in s[e.start:e.end]]), e.tag))
    want = []
    for rec in fixture_records():
        for sp in rec["spans"]:
            if sp["layer"] == "entity":
                want.append((" ".join(sp["text"].split()), sp["label"]))
    assert sorted(found) == sorted(want)


def test_spacy_convert_reads_the_conll_export(work, tmp_path):
    path = convert(work, "iob2")
    out = tmp_path / "converted"
    out.mkdir()
    proc = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "-m", "spacy", "convert", str(path), str(out), "--converter", "ner", "-n", "0"],
        capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    docs = list(DocBin().from_disk(next(out.glob("*.spacy"))).get_docs(nlp.vocab))
    labels = sorted(e.label_ for d in docs for e in d.ents)
    want = sorted(s["label"] for r in fixture_records() for s in r["spans"] if s["layer"] == "entity")
    assert labels == want


def test_conll_export_says_what_it_dropped(work):
    with open(work / "nested.jsonl", "w", encoding="utf-8") as f:
        f.write(json.dumps(overlapping_record(), ensure_ascii=False) + "\n")
    proc = run("convert", "--from", "marginalia", "--to", "iob2", work / "nested.jsonl", "-o", work / "nested.conll")
    assert "overlap" in proc.stderr.lower(), proc.stderr
    tags = [t for s in conll_sentences(work / "nested.conll") for _, t in s]
    assert sum(t.startswith("B-") for t in tags) == 1, "one of three nested spans can be tagged"


def test_pyld_expands_the_w3c_export_without_dropping_anything(work):
    from pyld import jsonld

    context = json.loads(ANNO_CONTEXT.read_text(encoding="utf-8"))

    def loader(url, options=None):
        if url.rstrip("/") in ("http://www.w3.org/ns/anno.jsonld", "https://www.w3.org/ns/anno.jsonld"):
            return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url, "document": context}
        raise AssertionError(f"the export needs a network fetch of {url}")

    def leaves(value, out):
        if isinstance(value, dict):
            for k, v in value.items():
                if k != "@context":
                    leaves(v, out)
        elif isinstance(value, list):
            for v in value:
                leaves(v, out)
        elif isinstance(value, (str, int, float, bool)):
            out.append(value)
        return out

    def terms_of(doc) -> dict:
        """The term definitions in force: the W3C context, then the inline ones."""
        terms = dict(context["@context"])
        ctx = doc.get("@context", [])
        for c in ctx if isinstance(ctx, list) else [ctx]:
            if isinstance(c, dict):
                terms.update(c)
        return terms

    def iri(term: str, terms: dict) -> str:
        """What a key or a type name expands to (a keyword or an absolute IRI)."""
        for _ in range(5):
            if term.startswith("@") or "://" in term or term.startswith("urn:"):
                return term
            d = terms.get(term)
            if isinstance(d, dict):
                d = d.get("@id", term)
            if isinstance(d, str) and d != term:
                term = d
                continue
            prefix, _, rest = term.partition(":")
            if rest and isinstance(terms.get(prefix), str):
                term = terms[prefix] + rest
                continue
            return term
        return term

    def keys_and_types(value, terms, out):
        if isinstance(value, dict):
            for k, v in value.items():
                if k == "@context":
                    continue
                out.add(iri(k, terms))
                if k in ("type", "@type"):
                    for t in v if isinstance(v, list) else [v]:
                        out.add(("type", iri(t, terms)))
                keys_and_types(v, terms, out)
        elif isinstance(value, list):
            for v in value:
                keys_and_types(v, terms, out)
        return out

    def expanded_keys_and_types(value, out):
        if isinstance(value, dict):
            for k, v in value.items():
                out.add(k)
                if k == "@type":
                    for t in v if isinstance(v, list) else [v]:
                        out.add(("type", t))
                if k == "@value" and value.get("@type") == "@json":
                    continue
                expanded_keys_and_types(v, out)
        elif isinstance(value, list):
            for v in value:
                expanded_keys_and_types(v, out)
        return out

    records = fixture_records()
    docs = lines(convert(work, "w3c"))
    assert len(docs) == len(records)
    for doc, rec in zip(docs, records):
        terms = terms_of(doc)
        expanded = jsonld.expand(doc, {"documentLoader": loader})
        written = keys_and_types(doc, terms, set())
        kept = expanded_keys_and_types(expanded, set())
        # Keyword aliases (`id`, `type`, `value` as @value…) expand to keywords.
        missing = {k for k in written if k not in kept and not (isinstance(k, str) and k.startswith("@"))}
        assert not missing, f"the JSON-LD expansion dropped {sorted(map(str, missing))}"
        # And every plain value written survives (a dropped key drops its value).
        values = set(map(json.dumps, leaves(expanded, [])))
        for v in leaves(doc, []):
            if isinstance(v, str) and (v in terms or ":" in v and iri(v, terms) != v):
                continue  # a term or a compact IRI, checked as a type above
            assert json.dumps(v) in values or any(json.dumps(v) in x for x in values), f"{v!r} was dropped"
        texts = []
        for a in doc["first"]["items"]:
            target = a.get("target")
            selectors = target.get("selector", []) if isinstance(target, dict) else []
            by_type = {s["type"]: s for s in (selectors if isinstance(selectors, list) else [selectors])}
            if "TextPositionSelector" in by_type:
                p, q = by_type["TextPositionSelector"], by_type["TextQuoteSelector"]
                assert rec["text"][p["start"]:p["end"]] == q["exact"]
                assert rec["text"][:p["start"]].endswith(q.get("prefix", ""))
                assert rec["text"][p["end"]:].startswith(q.get("suffix", ""))
                texts.append(q["exact"])
        assert sorted(texts) == sorted(s["text"] for s in rec["spans"])


def test_every_format_slices_to_the_span_texts(work):
    records = fixture_records()
    by_doc = {r["meta"]["doc_id"]: r for r in records}
    want = {r["meta"]["doc_id"]: sorted(s["text"] for s in r["spans"]) for r in records}
    # spaCy / Prodigy
    for task in lines(convert(work, "spacy")):
        assert sorted(task["text"][s["start"]:s["end"]] for s in task["spans"]) == want[task["meta"]["doc_id"]]
    # Label Studio (a JSON array of tasks)
    for task, rec in zip(json.loads(convert(work, "label-studio").read_text(encoding="utf-8")), records):
        got = [(r["value"]["start"], r["value"]["end"], r["value"]["text"]) for r in task["annotations"][0]["result"] if r["type"] == "labels"]
        for s, e, t in got:
            assert task["data"]["text"][s:e] == t
        assert sorted(t for _, _, t in got) == want[rec["meta"]["doc_id"]]
    # doccano: UTF-16 code units
    for task, rec in zip(lines(convert(work, "doccano")), records):
        u16 = task["text"].encode("utf-16-le")
        # `label` triples, or doccano's relation-extraction `entities` when the record has relations between spans.
        ranges = [(s, e) for s, e, _ in task["label"]] if "label" in task else [(x["start_offset"], x["end_offset"]) for x in task["entities"]]
        got = sorted(u16[2 * s:2 * e].decode("utf-16-le") for s, e in ranges)
        assert got == want[rec["meta"]["doc_id"]]
    # brat: one .txt/.ann pair per document
    out = convert(work, "brat")
    for doc_id, rec in by_doc.items():
        text = (out / f"{doc_id}.txt").read_text(encoding="utf-8")
        assert text == rec["text"]
        got = []
        for line in (out / f"{doc_id}.ann").read_text(encoding="utf-8").splitlines():
            if line.startswith("T"):
                _, kind, quoted = line.split("\t")
                frags = [tuple(map(int, f.split())) for f in kind.split(" ", 1)[1].split(";")]
                assert " ".join(text[a:b] for a, b in frags) == quoted
                got.append(text[frags[0][0]:frags[-1][1]])
        assert sorted(got) == want[doc_id]


@pytest.mark.parametrize("fmt", ["marginalia", "spacy", "label-studio", "doccano", "w3c", "brat"])
def test_every_readable_format_converts_back_to_the_same_annotations(work, fmt):
    exported = convert(work, fmt)
    src = exported.name
    back = work / f"back-{fmt}.jsonl"
    run("convert", "--from", fmt, "--to", "marginalia", exported, "-o", back)
    got = {r["meta"]["doc_id"]: r for r in lines(back)}
    for rec in fixture_records():
        r = got[rec["meta"]["doc_id"]]
        assert r["text"] == rec["text"]
        spans = sorted((s["start"], s["end"], s["label"]) for s in r["spans"])
        assert spans == sorted((s["start"], s["end"], s["label"]) for s in rec["spans"]), fmt
        for s in r["spans"]:
            assert r["text"][s["start"]:s["end"]] == s.get("text", r["text"][s["start"]:s["end"]])
        if fmt in ("marginalia", "spacy", "label-studio", "w3c"):
            # These hold everything: attributes and relations too.
            assert expected_spans(r) == expected_spans(rec)
            attrs = sorted(json.dumps(s.get("attributes", {}), sort_keys=True) for s in r["spans"])
            assert attrs == sorted(json.dumps(s.get("attributes", {}), sort_keys=True) for s in rec["spans"])
            assert len(r["relations"]) == len(rec["relations"])
