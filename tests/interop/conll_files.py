"""Reading the CoNLL files our exports write, as the interop tests check
them: sentences of (word, tag) pairs, the tag in the last of four columns."""

from __future__ import annotations

import pathlib


def conll_sentences(path: pathlib.Path) -> list[list[tuple[str, str]]]:
    sents, cur = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("-DOCSTART-"):
            if cur:
                sents.append(cur)
            cur = []
            continue
        cols = line.split()
        assert len(cols) == 4, f"not 4 columns: {line!r}"
        cur.append((cols[0], cols[-1]))
    if cur:
        sents.append(cur)
    return sents
