"""Our Label Studio export, read by Label Studio's own converter
(`label-studio-converter`, the package behind Label Studio's *Export*
menu; pinned in requirements.txt, no network at run time:
`download_resources=False`).

The converter reads `task['id']` for every task (a task without one fails
with KeyError: 'id'), the annotation's `result` by each control tag of the
labelling config, and `value.start`/`end` as code points (Python string
indices). The records are built HERE, in Python: offsets from `str.find`
(code points) on a text with an emoji ZWJ sequence with a skin tone, CJK,
Arabic (RTL) and a combining mark. The `marginalia` binary converts them to
Label Studio's JSON; the converter writes JSON-MIN and CoNLL 2003 from it.

Set MARGINALIA_BIN to a built `marginalia` binary, or let the test build it.

Run: .venv/bin/python -m pytest tests/interop/test_label_studio_converter.py
"""

from __future__ import annotations

import functools
import json
import pathlib
import subprocess

from label_studio_converter import Converter

from cargo_artifacts import cargo_executable

TEXT = "👩🏽\u200d⚕️ Dr Diarra (مالي) met 国際協力機構 in Bamako, said e\u0301cole."
ENTITIES = [("Diarra", "PERSON"), ("مالي", "GPE"), ("国際協力機構", "ORG"), ("Bamako", "GPE")]

CONFIG = """<View>
  <Labels name="entity" toName="text">
    <Label value="PERSON"/><Label value="ORG"/><Label value="GPE"/>
  </Labels>
  <Relations><Relation value="about"/></Relations>
  <Text name="text" value="$text"/>
</View>"""


@functools.lru_cache(maxsize=None)
def marginalia_bin() -> str:
    return cargo_executable("marginalia-cli", "marginalia", env_var="MARGINALIA_BIN")


def record(doc_id: str, text: str, entities) -> dict:
    spans = []
    for needle, label in entities:
        start = text.find(needle)
        assert start >= 0, needle
        spans.append({"id": f"s{len(spans) + 1}", "start": start, "end": start + len(needle), "label": label,
                      "layer": "entity", "text": needle})
    return {"text": text, "spans": spans, "relations": [{"id": "r1", "label": "about", "from": "s1", "to": "s4"}],
            "meta": {"doc_id": doc_id, "title": ""}, "answer": "accept", "format_version": 1}


def export(tmp_path: pathlib.Path, records: list[dict]) -> pathlib.Path:
    source = tmp_path / "records.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    out = tmp_path / "tasks.json"
    proc = subprocess.run([marginalia_bin(), "convert", str(source), "--to", "label-studio", "-o", str(out)],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return out


def test_every_task_has_an_id_and_the_converter_reads_our_spans(tmp_path):
    records = [record("d1", TEXT, ENTITIES), record("d2", "Mali 🇲🇱 " + TEXT, ENTITIES)]
    tasks_file = export(tmp_path, records)
    tasks = json.loads(tasks_file.read_text(encoding="utf-8"))
    ids = [t["id"] for t in tasks]
    assert all(isinstance(i, int) for i in ids) and len(set(ids)) == 2, ids

    converter = Converter(config=CONFIG, project_dir=None, download_resources=False)
    converter.convert_to_json_min(str(tasks_file), str(tmp_path / "min"), is_dir=False)
    rows = json.loads((tmp_path / "min" / "result.json").read_text(encoding="utf-8"))
    assert [row["id"] for row in rows] == ids
    for row, source in zip(rows, records):
        text = row["text"]
        assert text == source["text"]
        got = [(e["labels"][0], e["start"], e["end"], e["text"]) for e in row["entity"]]
        want = [(s["label"], s["start"], s["end"], s["text"]) for s in source["spans"]]
        assert got == want
        # The converter's unit is Python's: code points.
        assert all(text[s:e] == quoted for _, s, e, quoted in got)


def test_the_converter_writes_conll_tags_on_our_spans(tmp_path):
    tasks_file = export(tmp_path, [record("d1", TEXT, ENTITIES)])
    converter = Converter(config=CONFIG, project_dir=None, download_resources=False)
    converter.convert_to_conll2003(str(tasks_file), str(tmp_path / "conll"), is_dir=False)
    rows = [line.split(" ") for line in (tmp_path / "conll" / "result.conll").read_text(encoding="utf-8").splitlines()[1:] if line]
    tagged = {row[0]: row[-1] for row in rows}
    for needle, label in ENTITIES:
        assert tagged[needle] == f"B-{label}", (needle, tagged)
    assert tagged["met"] == "O"
