"""A team project's export, read by spaCy: the real `marginalia serve`
(SQLite in a temporary directory, real HTTP on 127.0.0.1) gets the hard
fixture texts, two annotators save their work through the queue as the
widget does (records built HERE, offsets from Python's `str.find`, i.e.
code points), an editor saves a gold version of one document, and the
project's spaCy JSONL export (gold where there is one, else every
annotator's; and one annotator's) becomes spaCy Docs with strict
`char_span`, `doc.ents` and a DocBin.

Set MARGINALIA_BIN to a built `marginalia` binary, or let the test build it.

Run: .venv/bin/python -m pytest tests/interop/test_team_server.py
"""

from __future__ import annotations

import copy
import http.cookiejar
import json
import socket
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from test_formats import fixture_records, marginalia_bin


class Person:
    """One signed-in browser: its cookies, and the CSRF token our pages send."""

    def __init__(self, base: str):
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def call(self, method: str, path: str, body=None, headers=None, raw: bytes | None = None):
        data = raw if raw is not None else (json.dumps(body, ensure_ascii=False).encode() if body is not None else None)
        request = urllib.request.Request(self.base + path, data=data, method=method)
        request.add_header("Content-Type", "application/json")
        csrf = next((c.value for c in self.jar if c.name == "mg_csrf"), None)
        if csrf:
            request.add_header("X-CSRF-Token", csrf)
        for k, v in (headers or {}).items():
            request.add_header(k, v)
        try:
            with self.opener.open(request, timeout=30) as response:
                return response.status, response.headers, response.read().decode("utf-8")
        except urllib.error.HTTPError as e:
            return e.code, e.headers, e.read().decode("utf-8")

    def json(self, method: str, path: str, body=None, expect=(200, 201), **kw):
        status, _, text = self.call(method, path, body, **kw)
        assert status in expect, f"{method} {path}: {status} {text}"
        return json.loads(text) if text else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    d = tmp_path_factory.mktemp("team")
    port = free_port()
    proc = subprocess.Popen([marginalia_bin(), "serve", "--database", f"sqlite:{d / 'team.db'}", "--listen", f"127.0.0.1:{port}"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=2):
                break
        except OSError:
            assert proc.poll() is None, f"the server stopped: {proc.stderr.read().decode()}"
            assert time.monotonic() < deadline, "the server did not answer in 60 s"
            time.sleep(0.1)
    yield base
    proc.terminate()
    proc.wait(timeout=30)


def relabelled(rec: dict, annotator: str, label_of=None) -> dict:
    """`rec` as `annotator` saved it, with some labels changed."""
    out = copy.deepcopy(rec)
    out["annotator"] = annotator
    for s in out["spans"]:
        if label_of and s["text"] in label_of:
            s["label"] = label_of[s["text"]]
    return out


def take_and_save(person: Person, records_by_text: dict, annotator: str, label_of=None) -> list[int]:
    """Takes every document the queue gives `person`, saves it, marks it done."""
    saved = []
    while True:
        got = person.json("POST", "/api/projects/interop/queue/next", {})
        doc = got["document"]
        if doc is None:
            return saved
        rec = relabelled(records_by_text[doc["text"]], annotator, label_of)
        person.json("PUT", doc["save"], rec, headers={"If-None-Match": "*"})
        person.json("POST", f"/api/projects/interop/documents/{doc['id']}/status", {"state": "done"}, expect=(204,))
        saved.append(doc["id"])


def spacy_docs(export: str, nlp):
    """Each line of a spaCy JSONL export as a Doc with its entities (strict)."""
    from spacy.tokens import Doc

    docs = []
    for line in export.splitlines():
        task = json.loads(line)
        doc = Doc(nlp.vocab, words=[t["text"] for t in task["tokens"]], spaces=[bool(t["ws"]) for t in task["tokens"]])
        assert doc.text == task["text"]
        ents = []
        for s in task["spans"]:
            span = doc.char_span(s["start"], s["end"], label=s["label"], alignment_mode="strict")
            assert span is not None, f"{s} is not on token boundaries"
            if s.get("layer", "entity") == "entity":
                ents.append(span)
        doc.ents = ents
        docs.append((task, doc))
    return docs


def entities(rec: dict, label_of=None) -> list[tuple[int, int, str]]:
    return sorted((s["start"], s["end"], (label_of or {}).get(s["text"], s["label"])) for s in rec["spans"] if s["layer"] == "entity")


def test_a_team_projects_export_is_read_by_spacy(server, tmp_path):
    import spacy
    from spacy.tokens import DocBin

    records = fixture_records()
    by_text = {r["text"]: r for r in records}
    editor = Person(server)
    editor.json("POST", "/api/setup", {"name": "editor", "password": "editor-password"})
    editor.json("POST", "/api/projects", {"slug": "interop", "name": "Interop", "overlap": 2})
    lines = "\n".join(json.dumps({"text": r["text"], "meta": {"id": r["meta"]["doc_id"]}}, ensure_ascii=False) for r in records)
    imported = editor.json("POST", "/api/projects/interop/documents?name=texts.jsonl", raw=lines.encode("utf-8"))
    assert imported["imported"] == len(records)
    secret = editor.json("POST", "/api/projects/interop/invitations", {"role": "annotator"})["invitation"]
    ana = Person(server)
    ana.json("POST", f"/api/invitations/{secret}/accept", {"name": "ana", "password": "ana-password"})

    # ana reads the flag and the family emoji differently; the editor as the fixtures say.
    ana_labels = {"🇲🇱": "LOC", "👨‍👩‍👧‍👦": "PERSON"}
    assert len(take_and_save(ana, by_text, "ana", ana_labels)) == len(records)
    assert len(take_and_save(editor, by_text, "editor")) == len(records)

    # A gold version of the stress text: ana's flag, the editor's family.
    stress = by_text[next(t for t in by_text if "🇲🇱" in t and "👨‍👩‍👧‍👦" in t)]
    documents = editor.json("GET", "/api/projects/interop/documents")["documents"]
    stress_id = next(d["id"] for d in documents if d["external_id"] == stress["meta"]["doc_id"])
    gold = relabelled(stress, "editor", {"🇲🇱": "LOC"})
    editor.json("PUT", f"/api/projects/interop/documents/{stress_id}/gold", gold, headers={"If-None-Match": "*"})

    nlp = spacy.blank("xx")
    status, headers, body = editor.call("GET", "/api/projects/interop/export?format=spacy&take=gold")
    assert status == 200, body
    docs = spacy_docs(body, nlp)
    # Gold where there is one (one line), else every annotator's (two lines each).
    assert len(docs) == 1 + 2 * (len(records) - 1)
    for task, doc in docs:
        rec = by_text[task["text"]]
        got = sorted((e.start_char, e.end_char, e.label_) for e in doc.ents)
        if rec is stress:
            assert got == entities(rec, {"🇲🇱": "LOC"}), "the gold version"
        else:
            assert got in (entities(rec), entities(rec, ana_labels)), task["meta"]
    bin_ = DocBin()
    for _, doc in docs:
        bin_.add(doc)
    path = tmp_path / "team.spacy"
    bin_.to_disk(path)
    back = list(DocBin().from_disk(path).get_docs(nlp.vocab))
    assert [len(d.ents) for d in back] == [len(doc.ents) for _, doc in docs]

    # One annotator's work: ana's labels, every document once.
    ana_id = ana.json("GET", "/api/session")["user"]["id"]
    status, _, body = editor.call("GET", f"/api/projects/interop/export?format=spacy&take=annotator&user={ana_id}")
    assert status == 200, body
    docs = spacy_docs(body, nlp)
    assert sorted(task["text"] for task, _ in docs) == sorted(by_text)
    for task, doc in docs:
        assert sorted((e.start_char, e.end_char, e.label_) for e in doc.ents) == entities(by_text[task["text"]], ana_labels)
