"""A run, inside the jail: program text in, the recorder's message out (plain JSON data).

`execute` is the jail's target. It checks the program (the static wall), instruments and compiles
it, runs it with the recorder listening, and reports what happened, an error included, with
everything recorded before the error.
"""

from __future__ import annotations

import gc
import itertools
import random
import sys
import traceback
from collections import deque
from typing import Any

from engine.errors import ProgramError
from engine.jail import Deadline
from engine.limits import Limits
from engine.program import hooks, modules
from engine.program.check import check_program
from engine.program.events import pack
from engine.program.instrument import instrument
from engine.program.recorder import PROGRAM, Limit, NonFinite, Recorder
from engine.program.source import blank_notebook_lines, cell_starts, is_shorthand, syntax_tree
from engine.record import GC_THRESHOLDS

MAX_RESULT_CHARS = 100_000  # characters of an Out[] text kept
MAX_PATH_OBJECTS = 100_000  # objects searched for the paths of parameters
MAX_CHAIN = 4  # calls named in an error's message


class Console:
    """The program's sys.stdout and sys.stderr: what it prints goes to the recorder."""

    def write(self, text: str) -> int:
        hooks.Run.recorder.write(str(text))
        return len(text)

    def flush(self) -> None:
        """Nothing to flush."""


def execute(request: dict[str, Any]) -> dict[str, Any]:
    """Run one program under its limits and overrides; the message for engine/record.py."""
    limits = Limits(**request["limits"])
    source: str = request["source"]
    overrides = {int(key): float(value) for key, value in request.get("overrides", {}).items()}
    recorder = hooks.start(Recorder(vars_of(limits), overrides, source.split("\n")))
    error: dict[str, Any] | None = None
    namespace: dict[str, Any] = {"__builtins__": modules.BUILTIN_NAMES, "__name__": "__main__"}
    try:
        text, notes = blank_notebook_lines(source)
        recorder.notes.extend((note.line, note.message) for note in notes)
        tree = syntax_tree(text, limits)
        check_program(tree)
        more: list[Any] = []
        code = compile(instrument(tree, cell_starts(text), is_shorthand(tree), more), PROGRAM, "exec")
        recorder.notes.extend((note.line, note.message) for note in more)
        random.seed(0)
        gc.set_threshold(*GC_THRESHOLDS)
        sys.setrecursionlimit(limits.max_recursion)
        sys.stdout = sys.stderr = Console()
        exec(code, namespace)
        recorder.flush()
        finish(recorder)
    except ProgramError as refused:
        error = refused.to_dict()
    except BaseException as raised:  # the program's own exception, or a limit: reported at its line
        recorder.flush()
        error = describe(raised, limits)
    return message(recorder, error, namespace, cell_starts(source), len(source.rstrip("\n").split("\n")))


def vars_of(limits: Limits) -> dict[str, Any]:
    """The limits as a plain dict."""
    return dict(limits.__dict__)


def finish(recorder: Recorder) -> None:
    """A program that neither called backward() nor did backprop by hand gets its own backward() on its output."""
    if recorder.passes or recorder.manual:
        return
    target = recorder.draw_target
    if target is None:
        last = recorder.last_out
        target = last if recorder.index.get(id(last)) is not None else recorder.last_bound
    if target is not None and callable(getattr(target, "backward", None)):
        hooks.backward(target, None)


def describe(raised: BaseException, limits: Limits) -> dict[str, Any]:
    """The error object for an exception: its kind, CPython's own message, the innermost line of the program."""
    kind = "type"
    message = traceback.format_exception_only(type(raised), raised)[-1].strip()
    if isinstance(raised, Deadline):
        used = f"{limits.max_cpu_seconds:g} s of processor time" if raised.args[:1] == ("cpu",) else ""
        kind, message = "limit", f"the program ran longer than {used or f'{limits.max_seconds:g} s'}"
    elif isinstance(raised, Limit):
        kind, message = "limit", str(raised)
    elif isinstance(raised, RecursionError):
        kind, message = "limit", f"{message} (the program is nested too deeply)"
    elif isinstance(raised, MemoryError):
        kind, message = "limit", "MemoryError: the program needs more memory than a run may use"
    elif isinstance(raised, hooks.Refused):
        kind, message = "unsupported", str(raised)
    elif isinstance(raised, NonFinite):
        kind, message = "math", str(raised)
    elif isinstance(raised, NameError | AttributeError):
        kind = "name"
    elif isinstance(raised, ArithmeticError) or (isinstance(raised, ValueError) and "math domain" in str(raised)):
        kind = "math"
    line, column, chain = locate(raised)
    if chain:
        message = f"{message} ({'; '.join(chain)})"
    return {"kind": kind, "message": message, "line": line, "column": column}


def locate(raised: BaseException) -> tuple[int | None, int | None, list[str]]:
    """The line and column of the innermost frame of the program, and the calls that led there."""
    frames = []
    tb = raised.__traceback__
    while tb is not None:
        frames.append((tb.tb_frame, tb.tb_lineno, tb.tb_lasti))
        tb = tb.tb_next
    program = [(frame, line, lasti) for frame, line, lasti in frames if frame.f_code.co_filename == PROGRAM]
    if not program:
        return None, None, []
    frame, line, lasti = program[-1]
    positions = list(frame.f_code.co_positions())
    start = positions[lasti // 2] if 0 <= lasti // 2 < len(positions) else (line, line, 0, 0)
    line = start[0] or line
    column = hooks.Run.recorder.column(line, start[2] or 0)
    chain = [
        f"in {inner[0].f_code.co_qualname}, called from line {outer[1]}" for outer, inner in itertools.pairwise(program)
    ][::-1]
    if len(chain) > MAX_CHAIN:  # a runaway recursion: the innermost calls and the first
        chain = [*chain[: MAX_CHAIN - 1], f"... {len(chain) - MAX_CHAIN} calls more", chain[-1]]
    return line, column, chain


def message(
    recorder: Recorder,
    error: dict[str, Any] | None,
    namespace: dict[str, Any],
    cells: list[int],
    lines: int,
) -> dict[str, Any]:
    """Everything the run recorded, as plain data."""
    objects = recorder.objects
    ops = [op if isinstance(op := getattr(obj, "_op", ""), str) else str(op) for obj in objects]
    labels = [label if isinstance(label := getattr(obj, "label", ""), str) else "" for obj in objects]
    outs = [recorder.outs.get(cell) for cell in range(len(cells))]
    ends = [start - 1 for start in cells[1:]] + [lines]
    return {
        "values": {
            "numbers": pack(recorder.value_numbers),
            "ints": pack(recorder.value_ints),
            "operands": pack(recorder.operands),
        },
        "ops": ops,
        "labels": labels,
        "events": {
            "kinds": pack(recorder.kinds),
            "ints": pack(recorder.ints),
            "floats": pack(recorder.floats),
            "names": list(recorder.names),
        },
        "groups": recorder.groups,
        "prints": recorder.prints,
        "notes": recorder.notes,
        "cells": [[start, end, out] for start, end, out in zip(cells, ends, outs, strict=True)],
        "result": next((out for out in reversed(outs) if out is not None), None)
        if error is None
        else None,  # Out[] last shown
        "paths": {} if error else leaf_paths(namespace, recorder),
        "value_class": value_class(recorder),
        "error": error,
    }


def value_class(recorder: Recorder) -> str:
    """Whose engine ran: "builtin", or the program's own class, as `Value (line 8)`."""
    for obj in recorder.objects:
        cls = type(obj)
        if cls not in (modules.VALUE, modules.MICROGRAD_VALUE):
            line = recorder.class_lines.get(cls)
            return f"{cls.__name__} (line {line})" if line else cls.__name__
    return "builtin"


def leaf_paths(namespace: dict[str, Any], recorder: Recorder) -> dict[str, str]:
    """The path of each leaf reachable from a module-level name: n.layers[0].neurons[1].w[2]."""
    paths: dict[str, str] = {}
    index = recorder.index
    queue: deque[tuple[Any, str]] = deque()
    seen: set[int] = set()
    for name, value in namespace.items():
        if not name.startswith("__") and _holds(value) and id(value) not in index:
            queue.append((value, name))
            seen.add(id(value))
    while queue and len(seen) < MAX_PATH_OBJECTS:
        value, path = queue.popleft()
        k = index.get(id(value))
        if k is not None:
            if recorder.leaf[k]:
                paths.setdefault(str(k), path)
            continue
        if isinstance(value, dict):
            items: Any = ((f"[{key!r}]", item) for key, item in value.items() if isinstance(key, str | int))
        elif isinstance(value, list | tuple):
            items = ((f"[{position}]", item) for position, item in enumerate(value))
        else:
            items = ((f".{name}", item) for name, item in vars(value).items())
        for step, item in items:
            if (_holds(item) or id(item) in index) and id(item) not in seen:
                seen.add(id(item))
                queue.append((item, path + step))
    return paths


def _holds(value: Any) -> bool:
    """Whether a value can hold parameters: a program's object, a list, a tuple or a dict."""
    if isinstance(value, list | tuple | dict):
        return True
    return type(value).__module__ in ("__main__", "micrograd.nn") and hasattr(value, "__dict__")
