"""Marginalia's tokenizer (crates/core/src/tokenize.rs) against spaCy's.

The reference is `spacy.blank("en")`: for every text here, the list of
(token text, start offset in code points, followed by one ' ') must be
identical, with one documented exception: where spaCy puts a token boundary
inside an extended grapheme cluster (ZWJ emoji, flags, skin tones, a base
and its combining mark), Marginalia does not. So spaCy's tokens are first
merged across any boundary that is not a grapheme-cluster boundary (cluster
starts come from the same binary, `--graphemes`, i.e. the
`unicode-segmentation` crate), then cut into one token per grapheme
cluster of a script written without spaces (Chinese, Japanese, Thai…;
which characters those are comes from `--unspaced`, and the table behind
it is checked against Unicode's character names below), and only then
compared. Nothing else is allowed to differ.

The Rust side is the `tokens` example. Set MARGINALIA_TOKENS_BIN to a built
binary, or let the test build it with cargo.

Run: .venv/bin/python -m pytest tests/interop/test_tokens.py
"""

from __future__ import annotations

import bisect
import unicodedata
import functools
import json
import os
import pathlib
import re
import subprocess
import tempfile

import pytest

from cargo_artifacts import cargo_executable
import spacy

ROOT = pathlib.Path(__file__).resolve().parents[2]
TOKENIZE_RS = ROOT / "crates" / "core" / "src" / "tokenize.rs"
ARTICLES = [
    ROOT / "assets" / "articles" / "mali-russia-wagner.txt",
    ROOT / "assets" / "articles" / "unicode-stress.txt",
]

# Inline cases: each is tokenized on its own and compared.
SENTENCES = [
    # contractions, straight and curly apostrophes, exceptions
    "I'm sure they'll say it isn't so, but we'd've known. Don't! Can't? Won't.",
    "She’s right: the ministry don’t add up, y’all; c'mon, let's go 'cause it's 5 o'clock.",
    "Cannot, gonna, gotta, ain't, shouldn't've, 'bout, ma'am, lovin' it, goin'",
    "Ill, its, well, were: words spaCy deliberately does not split. Hell, shed, whore.",
    "rock 'n' roll, the '90s, Antonio Guterres’ review, the Wagner Group’s presence",
    # abbreviations and initialisms
    "The U.S. and the U.K. met Mr. Diop, Dr. Smith, Mrs. Traoré and Prof. Nguyễn Jr. at 10 a.m. on Jan. 5.",
    "(U.S.) [U.N.] e.g., i.e. vs. etc. Ph.D. N.Y. D.C. St. Louis, Calif., Inc., Ltd.",
    "A.B.C. x.y. U.S.A. US-led N.Y.-based 5p.m. 11am 12pm 3 p.m.",
    # URLs and e-mails
    "See https://www.example.com/path?q=1&r=a-b#frag, or http://example.org. Mail john.doe@example.co.uk!",
    "(www.bbc.co.uk/news) <https://t.co/abc> ftp://files.example.net:2121/x.txt mailto:x@y.com",
    "192.168.1.1 and 8.8.8.8:53/dns; localhost:8080; example.Com; a-b.example.com/x-y",
    "user:pass@host.example.com/p hello.world Hello.World 3.14 v1.2.3 file.txt",
    # numbers, units, currency
    "It weighs 50kg, costs $3.5bn (€2bn or £1.9bn), rose 12% to 21,500 CFA; 17,500-strong force.",
    "5km² 10m/s 3km/h 30°C. 98.6°F. 100+ 1+1=2 3-4 5*6 2^10 1/2 -5 +5 US$5 C$10 ₹500 ¥2.4",
    "18 000 to 21 500 CFA francs; 50 kg; 1,000.50; 1.000,50; 12th; 1990s; 9/11; 24/7",
    # quotes and brackets
    "\u201cWe cannot keep up,\u201d she said. \u2018Quoted\u2019 \u00abguillemets\u00bb \u201eLow\u201c 「日本」『書』",
    "He said \"no\" (twice) [sic] {braces} <angle> \u2018 \u2019 ' \" `back` \u00b4acute\u00b4",
    "((nested)) \"(quoted)\" ('single') ...and... so--on---and -- em\u2014dash \u2013 en\u2013dash",
    # ellipses and punctuation runs
    "Wait... what?! Really?? No!!! Hmm\u2026 ok\u2026\u2026 fine. .. ... .",
    "MINUSMA\u2026 This is unacceptable.\u201d a:b a<b a>b a=b a/b al-Qaeda well-known x~y",
    # emoji and symbols
    "Great 👍🏾 news 🎉🎉! Chef 👩🏾‍🍳 family 👨‍👩‍👧‍👦 flag 🇲🇱🇫🇷 keycap 1️⃣ heart ❤️ ©2024 ® ™ ° §5",
    "I ❤ NY :) :-( ;) <3 xD ^_^ ¯\\_(ツ)_/¯ (╯°□°）╯︵┻━┻ ಠ_ಠ",
    # scripts
    "قناة الجزيرة (الجزيرة) تقول: «الأسعار ارتفعت»، أليس كذلك؟ ١٢٣٬٤ ٪",
    "国際協力機構（JICA）は、24億円の食料援助を発表した。「検討中」とのこと！",
    "中文句子，包括标点。还有：引号“你好”和《书名》……",
    "한국어 문장입니다. Ελληνικά: Καλημέρα! Русский: «Привет», — сказал он. Україна.",
    "हिन्दी वाक्य। தமிழ் உரை. ภาษาไทย ๑๒๓. עברית: שלום, עולם.",
    # combining marks, decomposed letters, zero-width characters
    "Zoe\u0308 Nguye\u0302\u0303n cafe\u0301 (e\u0301) \u201ce\u0301\u201d -\u0301x \u0301 a\u0301.",
    "zero\u200bwidth joi\u200dner non\u200cjoiner soft\u00adhyphen word\u2060joiner",
    # whitespace of every kind
    "no\u00a0break\u00a0space, thin\u2009space, ideographic\u3000space, narrow\u202fnbsp",
    "  leading spaces\tand\ttabs\n\nparagraph \n mixed  \u00a0 runs \r\n crlf\u2028line sep ",
    " ",
    "\n",
    "a",
    "\u00a0\u00a0",
    "trailing space ",
    "trailing spaces  ",
    # affix loops and special-case re-merging
    "x-and/or (and/or) w/o [w/o] \"Mr.\" (Mr.) Mr.) 'cause, ('cause) °C. (°C.)",
    "&amp; #hashtag @mention _under_ *bold* **very** ~tilde~ |pipe| \\back\\slash",
    "C++ (C++) C# F# .NET node.js 'quoted' ''double'' `code`",
    "He's; she'S; it’S; who’s? What's! That'll've there'd'y how'd'y Y'ALL",
]


# ---------------------------------------------------------------------------
# Running both tokenizers
# ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def tokens_bin() -> str:
    return cargo_executable("marginalia-core", "tokens", example=True, env_var="MARGINALIA_TOKENS_BIN")


def run_bin(text: str, *flags: str):
    with tempfile.NamedTemporaryFile("w", encoding="utf-8", suffix=".txt", delete=False) as f:
        f.write(text)
    try:
        proc = subprocess.run([tokens_bin(), *flags, f.name], check=True, capture_output=True)
    finally:
        os.unlink(f.name)
    return json.loads(proc.stdout.decode("utf-8"))


def ours(text: str) -> list[tuple[str, int, bool]]:
    return [(t["text"], t["start"], t["ws"]) for t in run_bin(text)]


@functools.lru_cache(maxsize=None)
def nlp():
    return spacy.blank("en")


def theirs(text: str) -> list[tuple[str, int, bool]]:
    # The tokenizer itself, so that long sweep texts pass Language.max_length.
    return [(t.text, t.idx, bool(t.whitespace_)) for t in nlp().tokenizer(text)]


def merge_inside_graphemes(tokens, cluster_starts):
    """The one allowed divergence: join neighbours whose boundary (either side
    of the separating space, if any) is not a grapheme-cluster boundary."""
    bounds = set(cluster_starts)
    out: list[tuple[str, int, bool]] = []
    for text, start, ws in tokens:
        if out:
            ptext, pstart, pws = out[-1]
            cut = pstart + len(ptext)
            if cut not in bounds or (pws and cut + 1 not in bounds):
                out[-1] = (ptext + (" " if pws else "") + text, pstart, ws)
                continue
        out.append((text, start, ws))
    return out


def cut_unspaced_scripts(tokens, cluster_starts, unspaced):
    """The second documented divergence: inside a token, each grapheme
    cluster that starts with a character of a script written without spaces
    is a token of its own; runs of other clusters stay together. The last
    piece keeps the token's trailing space."""
    bounds = sorted(set(cluster_starts))
    unspaced = set(unspaced)
    out: list[tuple[str, int, bool]] = []
    for text, start, ws in tokens:
        end = start + len(text)
        # Both ends by bisection: a scan of the rest would make the sweeps quadratic.
        lo, hi = bisect.bisect_left(bounds, start), bisect.bisect_left(bounds, end)
        clusters = bounds[lo:hi] or [start]
        pieces: list[list[int]] = []
        other_run = False
        for i, a in enumerate(clusters):
            b = clusters[i + 1] if i + 1 < len(clusters) else end
            alone = a in unspaced
            if pieces and not alone and other_run:
                pieces[-1][1] = b
            else:
                pieces.append([a, b])
            other_run = not alone
        for k, (a, b) in enumerate(pieces):
            out.append((text[a - start:b - start], a, ws and k == len(pieces) - 1))
    return out


def rebuild(tokens) -> str:
    return "".join(t + (" " if ws else "") for t, _, ws in tokens)


def first_mismatch_report(text, mine, spacy_merged, spacy_raw) -> str:
    i = next(
        (k for k, (a, b) in enumerate(zip(mine, spacy_merged)) if a != b),
        min(len(mine), len(spacy_merged)),
    )
    at = mine[i][1] if i < len(mine) else (spacy_merged[i][1] if i < len(spacy_merged) else len(text))
    lo, hi = max(0, i - 4), i + 5
    fmt = lambda toks: "\n".join(
        f"  {'>' if k == i else ' '} #{k} {t!r} @{s}{' +ws' if ws else ''}" for k, (t, s, ws) in enumerate(toks[lo:hi], lo)
    )
    return (
        f"first difference at token #{i} (char {at}); text there: {text[max(0, at - 40):at + 40]!r}\n"
        f" marginalia ({len(mine)} tokens):\n{fmt(mine)}\n"
        f" spaCy, merged inside grapheme clusters ({len(spacy_merged)} tokens; {len(spacy_raw)} before merging):\n"
        f"{fmt(spacy_merged)}"
    )


def assert_same_tokens(text: str):
    mine = ours(text)
    raw = theirs(text)
    graphemes = run_bin(text, "--graphemes")
    merged = cut_unspaced_scripts(merge_inside_graphemes(raw, graphemes), graphemes, run_bin(text, "--unspaced"))
    assert rebuild(mine) == text, "marginalia's tokens do not rebuild the text"
    assert rebuild(raw) == text, "spaCy's tokens do not rebuild the text (test bug?)"
    if mine != merged:
        pytest.fail(first_mismatch_report(text, mine, merged, raw), pytrace=False)


# ---------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: p.name)
def test_articles(path):
    assert_same_tokens(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("text", SENTENCES, ids=lambda s: repr(s[:30]))
def test_sentences(text):
    assert_same_tokens(text)


def test_all_sentences_as_one_text():
    # Same cases run together, so state carried between chunks (spaCy's cache,
    # the special-case matcher running over the whole doc) is exercised too.
    assert_same_tokens(" \n".join(SENTENCES) + "\n\n" + "\n\n".join(p.read_text("utf-8") for p in ARTICLES))


def test_every_tokenizer_exception():
    """Every special case spaCy knows, bare and wrapped in affixes, so a
    missing, extra or mis-split exception in the Rust table shows up."""
    keys = sorted(k for k in nlp().tokenizer.rules if not any(c.isspace() for c in k))
    wrapped = []
    for k in keys:
        wrapped += [k, f"({k})", f"{k},", f"\u201c{k}.\u201d", f"x-{k}", f"{k}'s", f"1{k}"]
    assert_same_tokens("\n".join(wrapped))
    # And words that must NOT be special cases (spaCy's `_exclude` list).
    assert_same_tokens("Ill ill Its its Hell hell Shell shell Shed shed were Were Well well Whore whore")


# Pieces for random texts: every rule's trigger, glued together at random.
MIXTURE = list("aAzZeE19 0.,;:!?'\"()[]{}<>-–—~/\\@#$%^&*_+=|`…’‘“”«»°CFkKmgsS\n\t\u00a0") + [
    "n't", "'s", "’s", "U.S.", "Mr.", "a.m.", "°C.", "C++", "ca", "'ll", "y'all", "'cause", ":)", "and/or",
    "..", "...", "--", "---", "km", "US$", "http://", "https://", "www.", ".com", ".co.uk", "@x.org", ":80",
    "/p", "?q", "#f", "10.0.0.1", "192.168.", "8.8.8.8", "255", "ß", "É", "日本", "الج", "Ш", "ё", "١٢",
    "e\u0301", "\u0301", "\u200d", "\ufe0f", "👍🏾", "🇲🇱", "👩\u200d🍳", "🏾", "©",
]


@pytest.mark.parametrize("sep", ["\n\n", " ", ""], ids=["paragraphs", "spaces", "glued"])
def test_random_mixtures(sep):
    import random

    rnd = random.Random(20240521)
    cases = ["".join(rnd.choice(MIXTURE) for _ in range(rnd.randint(1, 12))) for _ in range(4000)]
    assert_same_tokens(sep.join(cases))


def sweep_code_points():
    """Every BMP code point, plus both sides of each astral range the Rust
    tables use (the full astral plane would make spaCy slow)."""
    cps = set(range(0x10000))
    for _name, ranges in parse_rust_tables().items():
        for lo, hi in ranges:
            for c in (lo - 1, lo, lo + 1, hi - 1, hi, hi + 1):
                cps.add(c)
    cps.update(range(0x1F300, 0x1FA00))  # emoji
    return sorted(c for c in cps if 0 <= c < 0x110000 and not 0xD800 <= c <= 0xDFFF)


# Each template puts the swept character where one of spaCy's character
# classes is consulted: prefix, suffix, the '.'-suffix lookbehinds, the infix
# lookbehinds/lookaheads, units after digits, and the URL TLD class.
SWEEP_TEMPLATES = ["{c}x", "x{c}", "{c}.", "A{c}.", "x,{c}", "{c},x", "x.{c}", "{c}.X", "1{c}", "9{c}9", "{c}-x", "a.{c}{c}"]


@pytest.mark.parametrize("template", SWEEP_TEMPLATES)
def test_character_sweep(template):
    text = "\n".join(template.format(c=chr(c)) for c in sweep_code_points())
    assert_same_tokens(text)


# ---------------------------------------------------------------------------
# The Rust range tables against spaCy's character classes
# ---------------------------------------------------------------------------


@functools.lru_cache(maxsize=None)
def parse_rust_tables() -> dict[str, list[tuple[int, int]]]:
    """`const NAME: &[(u32, u32)]` and strided `&[(u32, u32, u32)]` tables in
    tokenize.rs, expanded to plain (lo, hi) ranges."""
    src = TOKENIZE_RS.read_text(encoding="utf-8")
    tables = {}
    for name, body in re.findall(r"const (\w+): &\[\(u32, u32(?:, u32)?\)\] = &\[(.*?)\];", src, re.S):
        rows = [tuple(int(x, 0) for x in row.split(",")) for row in re.findall(r"\(([^)]*)\)", body)]
        ranges = []
        for row in rows:
            lo, hi, step = (*row, 1) if len(row) == 2 else row
            if step == 1:
                ranges.append((lo, hi))
            else:
                ranges.extend((c, c) for c in range(lo, hi + 1, step))
        tables[name] = ranges
    return tables


def spacy_class(pattern: str) -> set[int]:
    rx = re.compile(pattern)
    return {c for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF and rx.fullmatch(chr(c))}


def test_rust_tables_match_spacy_char_classes():
    from spacy.lang import char_classes as cc

    expected = {
        "ALPHA": f"[{cc.ALPHA}]",
        "ALPHA_LOWER": f"[{cc.ALPHA_LOWER}]",
        "ALPHA_UPPER": f"[{cc.ALPHA_UPPER}]",
        "ICONS": f"[{cc.ICONS}]",
        "DECIMAL": r"\d",
    }
    tables = parse_rust_tables()
    assert set(tables) == set(expected)
    for name, pattern in expected.items():
        got = {c for lo, hi in tables[name] for c in range(lo, hi + 1)}
        want = spacy_class(pattern)
        assert got == want, f"{name}: missing {sorted(want - got)[:10]}, extra {sorted(got - want)[:10]}"


# ---------------------------------------------------------------------------
# The documented differences (docs/formats/spacy.md, "Tokens and spaCy")
# ---------------------------------------------------------------------------

SPACY_MD = ROOT / "docs" / "formats" / "spacy.md"
FORMAT_MD = ROOT / "docs" / "FORMAT.md"
TABLE_START, TABLE_END = "<!-- token-differences:start -->", "<!-- token-differences:end -->"


def documented_differences() -> list[tuple[str, str, list[str], list[str]]]:
    """(kind, text, spaCy's token texts, ours) for each row of the table,
    whose cells after the kind are Python literals in backticks."""
    import ast

    doc = SPACY_MD.read_text(encoding="utf-8")
    assert TABLE_START in doc and TABLE_END in doc, f"{SPACY_MD} lost its token-differences table"
    table = doc.split(TABLE_START, 1)[1].split(TABLE_END, 1)[0]
    rows = []
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 4 or not cells[1].startswith("`"):
            continue
        kind, *literals = cells
        text, spacy_tokens, our_tokens = (ast.literal_eval(c.strip("`")) for c in literals)
        rows.append((kind, text, spacy_tokens, our_tokens))
    assert rows, "the token-differences table has no rows"
    return rows


def _is_mark(c: str) -> bool:
    import unicodedata

    return unicodedata.category(c) in ("Mn", "Mc", "Me")


def difference_kind(text: str, cut: int) -> str:
    """Why spaCy's token boundary at code point `cut` falls inside a
    grapheme cluster: the name used in the documentation's table."""
    before, after = text[cut - 1], text[cut]
    modifier = 0x1F3FB <= ord(after) <= 0x1F3FF
    selector = after in "\ufe0e\ufe0f"
    if before.isspace() and (modifier or selector or _is_mark(after)):
        return "extending character after a space"
    if "\u200d" in (before, after):
        return "emoji ZWJ sequence"
    if all(0x1F1E6 <= ord(c) <= 0x1F1FF for c in (before, after)):
        return "flag"
    if modifier:
        return "emoji skin-tone modifier"
    if selector:
        return "variation selector"
    if _is_mark(after):
        return "combining mark"
    return "undocumented"


def extends_a_cluster(c: str) -> bool:
    """A mark, a format character (ZWJ), a variation selector or a
    skin-tone modifier: it belongs to the cluster before it."""
    return _is_mark(c) or unicodedata.category(c) == "Cf" or c in "\ufe0e\ufe0f" or 0x1F3FB <= ord(c) <= 0x1F3FF


def differences(text: str) -> list[tuple[str, str]]:
    """Each of our tokens that is not one of spaCy's, with the kinds of the
    spaCy boundaries inside it: [(our token, kind), …]."""
    mine = ours(text)
    raw = theirs(text)
    theirs_set = {(t, s) for t, s, _ in raw}
    out = []
    for token, start, _ in mine:
        if (token, start) in theirs_set:
            continue
        end = start + len(token)
        # spaCy's boundaries inside our token: each of its tokens starting there.
        cuts = [s for _, s, _ in raw if start < s < end]
        if not cuts:
            # A piece of a longer spaCy token: cut where a script written
            # without spaces is (by Unicode's names, not our table).
            assert any(s <= start and end <= s + len(t) for t, s, _ in raw), f"{token!r} at {start} crosses spaCy's tokens"
            # The cluster before the piece, whatever extends it ("本́",
            # "本" + ZWJ, "本🏾" before the piece).
            k = start - 1
            while k > 0 and extends_a_cluster(text[k]):
                k -= 1
            near = text[max(0, k):end + 1]
            kind = "script written without spaces" if any(named_unspaced(c) or typeset_among_unspaced(c) for c in near) else "undocumented"
            out.append((token, kind))
            continue
        out.extend((token, difference_kind(text, c)) for c in cuts)
    return out


@pytest.mark.parametrize("row", documented_differences(), ids=lambda r: r[0])
def test_each_documented_difference_is_what_both_tokenizers_do(row):
    kind, text, spacy_tokens, our_tokens = row
    assert [t for t, _, _ in theirs(text)] == spacy_tokens, f"spaCy's tokens of {text!r} are not as documented"
    assert [t for t, _, _ in ours(text)] == our_tokens, f"our tokens of {text!r} are not as documented"
    kinds = {k for _, k in differences(text)}
    assert kinds == {kind}, f"{text!r} shows {kinds}, documented as {kind!r}"


def test_every_difference_on_the_test_texts_is_a_documented_kind():
    """The sentences, the articles and the random mixtures: every token of
    ours that spaCy cuts is one of the kinds the documentation lists, and
    each documented kind still occurs (so the table neither misses nor keeps
    a stale kind). FORMAT.md names the same kinds in prose."""
    import random

    rnd = random.Random(20240521)
    mixtures = ["".join(rnd.choice(MIXTURE) for _ in range(rnd.randint(1, 12))) for _ in range(4000)]
    texts = SENTENCES + [p.read_text(encoding="utf-8") for p in ARTICLES] + [" ".join(mixtures)]
    found: dict[str, str] = {}
    for text in texts:
        for token, kind in differences(text):
            found.setdefault(kind, token)
    documented = {kind for kind, *_ in documented_differences()}
    assert "undocumented" not in found, f"a difference of no documented kind: {found['undocumented']!r}"
    assert set(found) == documented, f"found {sorted(found)} on the test texts, documented {sorted(documented)}"
    prose = FORMAT_MD.read_text(encoding="utf-8")
    for words in ["ZWJ sequences", "flags", "skin-tone modifier", "variation selector", "combining mark", "after a space", "written without spaces"]:
        assert words in prose, f"FORMAT.md no longer names {words!r} among the differences"


# ---------------------------------------------------------------------------
# Scripts written without spaces (crates/core/src/unspaced_scripts.rs)
# ---------------------------------------------------------------------------

# Character names that say "a script written without spaces", and names of
# scripts written with them. The Rust table is a list of Unicode blocks; the
# names come from Python's own Unicode database, an independent source.
UNSPACED_NAMES = (
    "CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY IDEOGRAPH", "CJK RADICAL", "CJK STROKE", "KANGXI RADICAL",
    "IDEOGRAPHIC", "HIRAGANA", "KATAKANA", "HALFWIDTH KATAKANA", "BOPOMOFO", "THAI", "LAO", "KHMER", "MYANMAR",
)
SPACED_NAMES = (
    "LATIN", "GREEK", "CYRILLIC", "ARMENIAN", "HEBREW", "ARABIC", "DEVANAGARI", "BENGALI", "TAMIL", "GEORGIAN",
    "HANGUL", "ETHIOPIC", "TIBETAN", "DIGIT", "SPACE",
)


def named_unspaced(c: str) -> bool:
    import unicodedata

    name = unicodedata.name(c, "")
    # Tally marks are counting symbols (Counting Rod Numerals), not a script.
    return name.startswith(UNSPACED_NAMES) and name != "IDEOGRAPHIC SPACE" and not name.startswith("IDEOGRAPHIC TALLY MARK")


# The forms typeset among those scripts (fullwidth punctuation, vertical
# presentation forms), which the table's blocks hold as well: a cut there is
# the same documented kind.
TYPESET_AMONG_UNSPACED = ("FULLWIDTH", "HALFWIDTH", "PRESENTATION FORM FOR VERTICAL")


def typeset_among_unspaced(c: str) -> bool:
    import unicodedata

    return unicodedata.name(c, "").startswith(TYPESET_AMONG_UNSPACED)


def test_unspaced_table_agrees_with_unicode_names():
    import unicodedata

    named = [chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF and unicodedata.name(chr(c), "")]
    ours_at = set(run_bin("".join(named), "--unspaced"))
    missing = [f"U+{ord(c):04X} {unicodedata.name(c)}" for i, c in enumerate(named) if named_unspaced(c) and i not in ours_at]
    extra = [
        f"U+{ord(c):04X} {unicodedata.name(c)}"
        for i, c in enumerate(named)
        if i in ours_at and unicodedata.name(c).startswith(SPACED_NAMES)
    ]
    assert not missing, f"{len(missing)} characters of scripts written without spaces are not in the table: {missing[:10]}"
    assert not extra, f"{len(extra)} characters of spaced scripts are in the table: {extra[:10]}"
    assert sum(map(named_unspaced, named)) > 90_000, "the name check found too few characters to mean anything"


@pytest.mark.parametrize("text", ["ワグネルはマリから撤退した。", "马里政府与俄罗斯签署了协议", "รัฐบาลมาลียืนยัน", "国際協力機構（JICA）は2026年に"])
def test_scripts_without_spaces_cut_per_character_in_sentences(text):
    assert_same_tokens(text)
    import unicodedata

    for token, _, _ in ours(text):
        clusters = [t for t, _, _ in ours(token)]
        assert clusters == [token], f"{token!r} is cut again when tokenised alone"
        if named_unspaced(token[0]):
            # One cluster: a base with only marks after it.
            assert all(unicodedata.category(c).startswith("M") for c in token[1:]), f"{token!r} holds more than one character"
