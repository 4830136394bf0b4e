"""The child process: run each program of a job in a fresh state and write what it did, one JSON line each."""

from __future__ import annotations

import builtins
import json
import os
import random
import resource
import signal
import sys
from typing import Any

from .errors import NonFinite, ProgramTimeout, _describe_error, _raise_timeout
from .graph import _Graph
from .program import _cell_starts, _compile_program
from .provided import Digraph, _import, _Placeholder, _trace
from .recorder import _Recorder
from .value import Value
from .watch import _BackwardStep, _build_class, _value_class, _watch, _watch_micrograd

RECURSION_LIMIT = 3_000  # the explorer's MAX_RECURSION
CHILD_MEMORY = 2 << 30  # bytes of address space the child process may use
SCRIPT_CLASSES = (Value, Digraph, _Placeholder, _Graph, _Recorder, _BackwardStep, NonFinite, ProgramTimeout)


def _run_program(source: str, timeout: float) -> dict[str, Any]:
    """Run one program in a fresh state: seed 0, fresh globals, a fresh recorder."""
    recorder = _Recorder.current = _Recorder(source.split("\n"))
    random.seed(0)
    table = dict(vars(builtins))
    table.update(
        Value=Value,
        draw_dot=recorder.draw_dot,
        trace=_trace,
        __build_class__=_build_class,
        __import__=_import,
        __oracle_bind__=recorder.bind,
        __oracle_out__=recorder.out,
        __oracle_leaf__=lambda number, name: Value(number, label=name),
    )
    scope: dict[str, Any] = {"__name__": "__main__", "__builtins__": table}
    error: dict[str, Any] | None = None
    limit = sys.getrecursionlimit()
    streams = sys.stdout, sys.stderr
    try:
        try:
            code = _compile_program(source)
            sys.stdout = sys.stderr = recorder  # type: ignore[assignment]
            sys.setrecursionlimit(RECURSION_LIMIT)
            signal.setitimer(signal.ITIMER_REAL, timeout)
            exec(code, scope)
            recorder.finish()
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            sys.setrecursionlimit(limit)
            sys.stdout, sys.stderr = streams
    except BaseException as caught:  # the timer is off here, so that no time-out escapes the handler
        error = _describe_error(caught, timeout, source.split("\n"))
    finally:
        _Recorder.current = None
    if recorder.pending:
        recorder.prints.append((recorder.pending_line, recorder.pending))
    return _message(recorder, error, len(_cell_starts(source)))


def _message(recorder: _Recorder, error: dict[str, Any] | None, cells: int) -> dict[str, Any]:
    """Everything the run recorded, as plain data."""
    views = recorder.view_passes()
    nodes = []
    for k, obj in enumerate(recorder.objects):
        op = getattr(obj, "_op", "")
        label = getattr(obj, "label", "")
        op = op if isinstance(op, str) else str(op)
        label = label if isinstance(label, str) else ""
        nodes.append([op, label, recorder.names.get(k), recorder.children[k], *recorder.places[k]])
    return {
        "prints": recorder.prints,
        "result": recorder.result if error is None else None,
        "outs": [recorder.outs.get(cell) for cell in range(cells)],
        "error": error,
        "nodes": nodes,
        "passes": [chosen.record() for chosen in recorder.passes],
        "views": [{**view, "pass": chosen} for view, chosen in zip(recorder.views, views, strict=True)],
        "default_pass": views[-1] if views else (len(recorder.passes) - 1 if recorder.passes else None),
        "value_class": _value_class(recorder),
        "builtin_tanh": recorder.builtin_tanh,
        "unordered": recorder.unordered,
        "reordered": recorder.reordered,
    }


def _name_as_script() -> None:
    """The child's classes that a program can meet are named as a script's own (`__main__`), as when the oracle
    was one file run as a script: `NonFinite: ...` in an error's message, `<class '__main__.Value'>`."""
    for cls in SCRIPT_CLASSES:
        cls.__module__ = "__main__"


def _serve(job_path: str) -> None:
    """The child's main: run every program of the job, writing one JSON line per program as it finishes."""
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY if hard < 0 else min(CHILD_MEMORY, hard), hard))
    with open(job_path, encoding="utf-8") as file:
        job = json.load(file)
    _name_as_script()
    _watch(Value)
    _watch_micrograd()
    signal.signal(signal.SIGALRM, _raise_timeout)
    answers = sys.stdout
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115  (nothing but the answers may reach the parent)
    for source in job["sources"]:
        answers.write(json.dumps(_run_program(source, job["timeout"])) + "\n")
        answers.flush()
