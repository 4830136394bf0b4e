"""The parent's side: start the child (`python -m tests.cpython_oracle job.json`), give it the programs, read
its answers (one JSON line per program) into CPythonRun records."""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .results import CPythonRun, ErrorInfo, Node, Pass, Print, Step, View

CHILD_SLACK = 10.0  # seconds the parent waits past a program's own time-out before it kills the child
CHILD_ENV = {"PYTHONHASHSEED": "0"}  # the jail's: sets of strings iterate in the same order in both
CHILD_MODULE = __name__.rpartition(".")[0]  # tests.cpython_oracle: its __main__ is the child
SOURCE_ROOT = str(Path(__file__).resolve().parents[CHILD_MODULE.count(".") + 1])  # the folder holding tests/


def run_in_cpython(source: str, timeout: float = 20.0) -> CPythonRun:
    """Run one program in a CPython subprocess and return what it did."""
    return run_many_in_cpython([source], timeout)[0]


def run_many_in_cpython(sources: Sequence[str], timeout: float = 20.0) -> list[CPythonRun]:
    """Run programs one after another in one CPython subprocess, each in a fresh state, timeout seconds each."""
    runs: list[CPythonRun] = []
    while len(runs) < len(sources):
        records, failure = _run_child(sources[len(runs) :], timeout)
        runs.extend(_read_run(record) for record in records)
        if failure is not None:
            runs.append(CPythonRun([], None, [], failure, [], [], [], None, "builtin", False, False, False))
    return runs


def _run_child(sources: Sequence[str], timeout: float) -> tuple[list[dict[str, Any]], ErrorInfo | None]:
    records: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as folder:
        job = os.path.join(folder, "job.json")
        with open(job, "w", encoding="utf-8") as file:
            json.dump({"timeout": timeout, "sources": list(sources)}, file)
        with (
            open(os.path.join(folder, "stderr"), "w+", encoding="utf-8") as stderr,
            subprocess.Popen(
                [sys.executable, "-s", "-P", "-B", "-m", CHILD_MODULE, job],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=stderr,
                cwd=folder,
                env=CHILD_ENV | {"PYTHONPATH": SOURCE_ROOT},  # with -P, the one folder added: the one holding tests/
            ) as child,
        ):
            assert child.stdout is not None
            failure = None
            try:
                for line in _read_lines(child.stdout.fileno(), len(sources), timeout + CHILD_SLACK):
                    records.append(json.loads(line))
            except TimeoutError:
                failure = ErrorInfo("Timeout", f"no answer in {timeout + CHILD_SLACK} s", None, None, None)
            finally:
                if child.poll() is None:
                    child.kill()
                child.wait()
            if failure is None and len(records) < len(sources):
                stderr.seek(0)
                failure = ErrorInfo("Crash", f"exit {child.returncode}: {stderr.read()[-2000:]}", None, None, None)
    return records, failure


def _read_lines(fd: int, count: int, seconds: float) -> list[bytes]:
    """Read up to count lines from fd, allowing seconds for each; stop early at end of file."""
    lines: list[bytes] = []
    pending = b""
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        deadline = time.monotonic() + seconds
        while len(lines) < count:
            if not selector.select(max(0.0, deadline - time.monotonic())):
                raise TimeoutError
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                break
            *complete, pending = (pending + chunk).split(b"\n")
            if complete:
                lines.extend(complete)
                deadline = time.monotonic() + seconds
    return lines


def _read_run(record: dict[str, Any]) -> CPythonRun:
    passes = [
        Pass(
            entry["line"],
            entry["manual"],
            entry["output"],
            tuple(entry["order"]),
            tuple(entry["data"]),
            tuple(entry["grad_before"]),
            tuple(entry["grad"]),
            entry["stale"],
            tuple(
                Step(node, line, upstream, chosen, tuple((to, before, after) for to, before, after in deposits))
                for node, line, upstream, chosen, deposits in entry["steps"]
            ),
        )
        for entry in record["passes"]
    ]
    views = [
        View(v["line"], v["output"], tuple(v["order"]), tuple(v["data"]), tuple(v["grad"]), v["pass"])
        for v in record["views"]
    ]
    return CPythonRun(
        prints=[Print(line, text) for line, text in record["prints"]],
        result=record["result"],
        outs=record["outs"],
        error=ErrorInfo(**record["error"]) if record["error"] else None,
        nodes=[
            Node(k, op, label, name, tuple(children), line, column)
            for k, (op, label, name, children, line, column) in enumerate(record["nodes"])
        ],
        passes=passes,
        views=views,
        default_pass=record["default_pass"],
        value_class=record["value_class"],
        builtin_tanh=record["builtin_tanh"],
        unordered=record["unordered"],
        reordered=record["reordered"],
    )
