"""Builds a Rust executable of the workspace with cargo and returns its path,
for the interop tests that compare our output with the Python tools'.
An environment variable can name a prebuilt binary instead."""

from __future__ import annotations

import json
import os
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]


def cargo_executable(package: str, name: str, *, example: bool = False, env_var: str | None = None) -> str:
    """The path of `package`'s binary (or example) `name`, built if needed."""
    if env_var and os.environ.get(env_var):
        return os.environ[env_var]
    args = ["cargo", "build", "-q", "-p", package, "--message-format=json"]
    if example:
        args += ["--example", name]
    proc = subprocess.run(args, cwd=ROOT, check=True, capture_output=True, text=True)
    for line in proc.stdout.splitlines():
        msg = json.loads(line)
        if msg.get("reason") == "compiler-artifact" and msg["target"]["name"] == name and msg.get("executable"):
            return msg["executable"]
    raise RuntimeError(f"cargo built no `{name}` executable in {package}")
