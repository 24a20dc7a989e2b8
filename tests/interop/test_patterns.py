"""Marginalia's pattern matcher (crates/core/src/patterns.rs) against spaCy's.

The reference is `spacy.blank("en")` with an `entity_ruler` (spaCy 3.x):
for the sample articles and `tests/fixtures/patterns/news.patterns.jsonl`,
our `as_entity_ruler` matches must equal `doc.ents` as (start_char,
end_char, label, ent_id_), in code points, and our `all_matches` must equal
what spaCy's `Matcher` and `PhraseMatcher` return together. Seeded random
token patterns then compare both again on the articles.

What the patterns avoid, on purpose:
* Token boundaries inside a grapheme cluster. Marginalia's tokenizer never
  splits one (`🇲🇱`, `👩🏾‍🍳`), where spaCy does (see test_tokens.py); a
  pattern that needs such a split (`[{"ORTH": "🇲"}]`), or a wildcard, `!`
  or `{n}` that walks across such a cluster (token counts then differ),
  cannot agree. A check below fails if a fixture match touches one.
* Emoji in the random-pattern tests: those run on the articles with the
  clusters spaCy splits blanked out, and check that none is left.
* Two different match keys (label, or id) on exactly the same tokens. spaCy
  then keeps whichever its Python set iterates first; Marginalia keeps the
  earlier pattern in the file. The fixture is checked to contain no such tie.

The Rust side is the `patterns` example; set MARGINALIA_PATTERNS_BIN to a
built binary, or let the test build it with cargo.

Run: .venv/bin/python -m pytest tests/interop/test_patterns.py
"""

from __future__ import annotations

import collections
import functools
import json
import os
import pathlib
import random
import subprocess
import tempfile
import unicodedata

import pytest

from cargo_artifacts import cargo_executable
import spacy
from spacy.matcher import Matcher, PhraseMatcher

ROOT = pathlib.Path(__file__).resolve().parents[2]
PATTERNS_RS = ROOT / "crates" / "core" / "src" / "patterns.rs"
PATTERNS = ROOT / "tests" / "fixtures" / "patterns" / "news.patterns.jsonl"
ARTICLES = [
    ROOT / "assets" / "articles" / "mali-russia-wagner.txt",
    ROOT / "assets" / "articles" / "unicode-stress.txt",
]


@functools.lru_cache(maxsize=None)
def patterns_bin() -> str:
    return cargo_executable("marginalia-core", "patterns", example=True, env_var="MARGINALIA_PATTERNS_BIN")


def run_bin(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([patterns_bin(), *args], capture_output=True)


def write_temp(text: str, suffix: str) -> str:
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=suffix, delete=False) as f:
        f.write(text)
    return f.name


def ours(text_path, patterns: list[dict], *, all_matches: bool) -> set[tuple]:
    jsonl = write_temp("\n".join(json.dumps(p, ensure_ascii=False) for p in patterns) + "\n", ".jsonl")
    try:
        proc = run_bin(*(["--all"] if all_matches else []), str(text_path), jsonl)
    finally:
        os.unlink(jsonl)
    assert proc.returncode == 0, proc.stderr.decode()
    rows = json.loads(proc.stdout.decode("utf-8"))
    return {(m["start"], m["end"], m["label"], m["id"] or "") for m in rows}


def nlp_with(patterns):
    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns(patterns)
    return nlp


def spacy_ents(text: str, patterns) -> set[tuple]:
    doc = nlp_with(patterns)(text)
    return {(e.start_char, e.end_char, e.label_, e.ent_id_) for e in doc.ents}


def spacy_all(text: str, patterns) -> set[tuple]:
    """Matcher + PhraseMatcher, keyed as the EntityRuler keys them."""
    nlp = spacy.blank("en")
    matcher, phrases = Matcher(nlp.vocab), PhraseMatcher(nlp.vocab)
    for p in patterns:
        key = json.dumps([p["label"], p.get("id") or ""], ensure_ascii=False)
        if isinstance(p["pattern"], str):
            phrases.add(key, [nlp.make_doc(p["pattern"])])
        else:
            matcher.add(key, [p["pattern"]])
    doc = nlp(text)
    out = set()
    for match_id, start, end in list(matcher(doc)) + list(phrases(doc)):
        label, ent_id = json.loads(nlp.vocab.strings[match_id])
        span = doc[start:end]
        out.add((span.start_char, span.end_char, label, ent_id))
    return out


def load_fixture() -> list[dict]:
    return [json.loads(line) for line in PATTERNS.read_text("utf-8").splitlines() if line.strip()]


def grapheme_starts(text: str) -> set[int]:
    # The tokens example's --graphemes is the same crate's segmentation.
    proc = subprocess.run(
        ["cargo", "run", "-q", "-p", "marginalia-core", "--example", "tokens", "--", "--graphemes", "-"],
        cwd=ROOT, input=text.encode(), capture_output=True, check=True,
    )
    return set(json.loads(proc.stdout))


def report(mine: set, theirs: set, text: str) -> str:
    show = lambda s: "\n".join(f"  {a}-{b} {lab}/{i or '-'} {text[a:b]!r}" for a, b, lab, i in sorted(s)) or "  (none)"
    return f"only marginalia:\n{show(mine - theirs)}\nonly spaCy:\n{show(theirs - mine)}"


# ---------------------------------------------------------------------------
# The fixture
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.name)
def test_entity_ruler_matches_spacy_doc_ents(path):
    text = path.read_text("utf-8")
    patterns = load_fixture()
    theirs = spacy_ents(text, patterns)
    mine = ours(path, patterns, all_matches=False)
    if mine != theirs:
        pytest.fail(report(mine, theirs, text), pytrace=False)
    # Able to fail: an empty or broken fixture would agree trivially.
    assert len(theirs) >= 15, f"only {len(theirs)} entities: the patterns no longer exercise the matcher"
    assert len({label for _, _, label, _ in theirs}) >= 5


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.name)
def test_all_matches_equal_spacy_matchers(path):
    text = path.read_text("utf-8")
    patterns = load_fixture()
    theirs = spacy_all(text, patterns)
    mine = ours(path, patterns, all_matches=True)
    if mine != theirs:
        pytest.fail(report(mine, theirs, text), pytrace=False)
    assert len(theirs) > len(spacy_ents(text, patterns)), "no overlapping matches: conflict resolution is untested"


def test_fixture_avoids_known_divergences():
    """No tie between two keys on the same span, and no match that starts or
    ends inside a grapheme cluster (where the tokenizers differ)."""
    patterns = load_fixture()
    for path in ARTICLES:
        text = path.read_text("utf-8")
        by_span = collections.defaultdict(set)
        for a, b, label, ent_id in spacy_all(text, patterns):
            by_span[(a, b)].add((label, ent_id))
        ties = {span: keys for span, keys in by_span.items() if len(keys) > 1}
        assert not ties, f"{path.name}: same span, different keys (spaCy's choice is arbitrary): {ties}"
        starts = grapheme_starts(text) | {len(text)}
        inside = [(a, b) for a, b in by_span if a not in starts or b not in starts]
        assert not inside, f"{path.name}: matches cut a grapheme cluster: {inside}"


def test_fixture_uses_every_supported_feature():
    lines = PATTERNS.read_text("utf-8")
    for needle in ['"lower"', '"LOWER"', '"ORTH"', '"orth"', '"TEXT"', '"text"', '"IS_DIGIT"', '"IS_TITLE"',
                   '"OP": "?"', '"OP": "*"', '"OP": "+"', '"OP": "!"', '"OP": "{2}"', '"OP": "{1,2}"', '"OP": "{1,}"',
                   '"OP": "{,1}"', '"id"', "Aïssata Traoré", "国際協力機構", "الجزيرة", "\\n\\n\\n", "{}"]:
        assert needle in lines, f"the fixture no longer uses {needle}"


# ---------------------------------------------------------------------------
# Random token patterns
# ---------------------------------------------------------------------------


def random_patterns(rnd: random.Random, words: list[str], n: int) -> list[dict]:
    """Token and phrase patterns built from the article's own words, so they
    match. One key per pattern: ties between keys are a known divergence."""
    ops = [None, None, None, "?", "*", "+", "!", "{2}", "{1,2}", "{,2}", "{1,}"]
    out = []
    for k in range(n):
        if rnd.random() < 0.25:
            i = rnd.randrange(len(words) - 3)
            out.append({"label": f"P{k}", "pattern": " ".join(words[i:i + rnd.randint(1, 3)])})
            continue
        spec_list = []
        i = rnd.randrange(len(words) - 4)
        for j in range(rnd.randint(1, 4)):
            w = words[i + j]
            spec = rnd.choice([
                {"ORTH": w}, {"LOWER": w.lower()}, {"text": w}, {"lower": w.lower(), "IS_TITLE": w.istitle()},
                {"IS_TITLE": rnd.random() < 0.5}, {"IS_DIGIT": rnd.random() < 0.3},
            ])
            op = rnd.choice(ops)
            if not ({"ORTH", "LOWER", "text", "lower"} & spec.keys()) and op in ("*", "+", "{1,}"):
                op = "{,2}"  # an unbounded IS_* run would swallow the article and leave one entity
            if op:
                spec["OP"] = op
            spec_list.append(spec)
        out.append({"label": f"P{k}", "pattern": spec_list})
    return out


def without_split_clusters(text: str) -> str:
    """The text minus the emoji whose clusters spaCy splits, and with a
    space after each character of a script written without spaces (ours is
    a token per character, spaCy's English one a token per run; the cut is
    checked against spaCy in test_tokens.py): wildcards, `!` and `{n}` would
    otherwise count tokens differently there."""
    import unicodedata

    def unspaced(c: str) -> bool:
        return unicodedata.name(c, "").startswith(("CJK", "HIRAGANA", "KATAKANA", "IDEOGRAPHIC"))

    return "".join(
        " " if 0x1F000 <= ord(c) <= 0x1FAFF or c in "\u200d\ufe0f" else (c + " " if unspaced(c) else c) for c in text
    )


@pytest.mark.parametrize("seed", range(8))
def test_random_patterns_match_spacy(seed, tmp_path):
    rnd = random.Random(seed)
    text = without_split_clusters(ARTICLES[seed % len(ARTICLES)].read_text("utf-8"))
    path = tmp_path / "article.txt"
    path.write_text(text, "utf-8")
    starts = grapheme_starts(text) | {len(text)}
    tokens = spacy.blank("en")(text)
    assert all(t.idx in starts for t in tokens), "spaCy still splits a grapheme cluster in the random-test text"
    words = [t.text for t in tokens if not t.is_space]
    patterns = random_patterns(rnd, words, 60)
    every_match = spacy_all(text, patterns)
    keys_by_span = collections.defaultdict(set)
    for a, b, label, ent_id in every_match:
        keys_by_span[(a, b)].add((label, ent_id))
    for all_matches, theirs in [(True, every_match), (False, spacy_ents(text, patterns))]:
        mine = ours(path, patterns, all_matches=all_matches)
        if not all_matches:
            # A tie between keys on one span is spaCy's set order: any of the tied keys will do.
            settle = {(a, b, *k): (a, b, *min(keys_by_span[(a, b)])) for a, b, *k in mine | theirs}
            mine, theirs = {settle[m] for m in mine}, {settle[m] for m in theirs}
        if mine != theirs:
            pytest.fail(f"seed {seed}, {'all matches' if all_matches else 'entity_ruler'}:\n"
                        f"{report(mine, theirs, text)}\npatterns: {json.dumps(patterns, ensure_ascii=False)}", pytrace=False)
        assert len(theirs) >= 20, "too few matches: the random patterns no longer exercise the matcher"


# ---------------------------------------------------------------------------
# Lexical attributes and errors
# ---------------------------------------------------------------------------


# Python 3.11 has Unicode 14; Rust's `char::is_lowercase` a newer version, in
# which these letters changed case (ʕ became Lo; the modifier letters gained
# Other_Lowercase). IS_TITLE of a token containing one can differ.
CASE_CHANGED_SINCE_UNICODE_14 = {0x0295, 0x10FC, 0xA7F2, 0xA7F3, 0xA7F4, 0xAB69}


def test_lexical_attributes_equal_spacy():
    """LOWER, IS_DIGIT and IS_TITLE of every token of a sweep text (every
    assigned BMP code point in a few contexts, plus Greek final sigma) equal
    spaCy's. Characters unassigned in Python's Unicode database, and the few
    whose case changed since, are skipped: Rust's Unicode is newer."""
    cps = [c for c in range(0x20, 0x10000) if unicodedata.category(chr(c)) not in ("Cn", "Cs", "Cc")
           and c not in CASE_CHANGED_SINCE_UNICODE_14]
    cps += [c for c in range(0x1D400, 0x1D800) if unicodedata.category(chr(c)) != "Cn"]
    words = []
    for c in cps:
        ch = chr(c)
        words += [ch, f"A{ch}b", f"{ch}{ch}", f"1{ch}2"]
    words += ["ΟΔΟΣ", "ΟΔΟΣΣ", "Σ", "ΑΣ.", "ǅemal", "ǅ", "İstanbul", "ﬁne", "Ⅻ", "²³", "①②", "١٢٣"]
    text = "\n".join(words)
    path = write_temp(text, ".txt")
    try:
        proc = run_bin("--lexical", path)
    finally:
        os.unlink(path)
    assert proc.returncode == 0, proc.stderr.decode()
    mine = {(r["start"], r["end"]): r for r in json.loads(proc.stdout)}
    doc = spacy.blank("en").tokenizer(text)
    compared = 0
    bad = []
    for t in doc:
        r = mine.get((t.idx, t.idx + len(t.text)))
        if r is None:
            continue  # a token split differently (grapheme clusters): not this test's concern
        compared += 1
        if (r["lower"], r["is_digit"], r["is_title"]) != (t.lower_, t.is_digit, t.is_title):
            bad.append((t.text, (r["lower"], r["is_digit"], r["is_title"]), (t.lower_, t.is_digit, t.is_title)))
    assert not bad, f"{len(bad)} tokens differ, e.g. {bad[:10]}"
    assert compared > 100_000


def test_rust_isdigit_table_matches_python():
    import re

    src = PATTERNS_RS.read_text("utf-8")
    body = re.search(r"const PYTHON_DIGIT: &\[\(u32, u32\)\] = &\[(.*?)\];", src, re.S).group(1)
    got = {c for lo, hi in re.findall(r"\((0x[0-9A-F]+), (0x[0-9A-F]+)\)", body) for c in range(int(lo, 16), int(hi, 16) + 1)}
    want = {c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF and chr(c).isdigit()}
    assert got == want, f"missing {sorted(want - got)[:10]}, extra {sorted(got - want)[:10]}"


@pytest.mark.parametrize(
    "line, message",
    [
        ('{"label": "ORG", "pattern": [{"LOWER": "a"}, {"SHAPE": "Xxxx"}]}', 'line 2: pattern[1]: unknown attribute "SHAPE"'),
        ('{"label": "ORG", "pattern": [{"LOWER": "a", "OP": "??"}]}', 'line 2: pattern[0]: unknown operator "??"'),
        ('{"label": "ORG", "pattern": [{"IS_DIGIT": "yes"}]}', "line 2: pattern[0]: IS_DIGIT: expected true or false"),
        ('{"label": "ORG", "pattern": [{"LOWER": {"IN": ["a"]}}]}', "line 2: pattern[0]: LOWER: predicates"),
        ('{"pattern": "x"}', 'line 2: missing "label"'),
        ("not json", "line 2: not valid JSON"),
    ],
)
def test_bad_patterns_name_the_line(line, message):
    jsonl = write_temp('{"label": "ORG", "pattern": "fine"}\n' + line + "\n", ".jsonl")
    try:
        proc = run_bin(str(ARTICLES[0]), jsonl)
    finally:
        os.unlink(jsonl)
    assert proc.returncode == 1
    assert message in proc.stderr.decode(), proc.stderr.decode()
