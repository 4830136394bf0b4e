"""A run, inside the jail: program text in, the recorder's message out (plain JSON data).

`execute` is the jail's target. It takes the program as the server prepared it (checked by the
static wall, instrumented and compiled: engine/program/prepare.py), or prepares a program too long
to parse there itself, runs it with the recorder listening, and reports what happened, an error
included, with everything recorded before the error.
"""

from __future__ import annotations

import contextlib
import gc
import itertools
import random
import sys
import traceback
import unicodedata  # noqa: F401  the parser imports it for names beyond ASCII (é = 2.0): loaded before the filter
from collections import deque
from typing import Any

from engine.errors import ProgramError
from engine.jail import Deadline, stand_down
from engine.limits import Limits
from engine.program import hooks, modules, pyplot
from engine.program.events import pack
from engine.program.origins import PROGRAM
from engine.program.prepare import from_message, prepare
from engine.program.recorder import Limit, NonFinite, Recorder
from engine.program.source import cell_starts
from engine.record import GC_THRESHOLDS

MAX_PATH_ITEMS = 200_000  # items read in the search for the paths of parameters
MAX_CHAIN = 4  # calls named in an error's message


class Console:
    """The program's sys.stdout and sys.stderr: what it prints goes to the recorder."""

    def write(self, text: str) -> int:
        hooks.Current.recorder.write(str(text))
        return len(text)

    def flush(self) -> None:
        """Nothing to flush."""


def execute(request: dict[str, Any]) -> dict[str, Any]:
    """Run one program under its limits and overrides; the message for engine/record.py."""
    limits = Limits(**request["limits"])
    source: str = request["source"]
    overrides = {int(key): float(value) for key, value in request.get("overrides", {}).items()}
    recorder = hooks.start(Recorder(limits, overrides, source.split("\n")))
    pyplot.start(limits)
    error: dict[str, Any] | None = None
    namespace: dict[str, Any] = {"__builtins__": modules.BUILTIN_NAMES, "__name__": "__main__"}
    try:
        # checked, instrumented and compiled on the server when it was short enough to parse there
        prepared = from_message(request["prepared"]) if request.get("prepared") else prepare(source, limits)
        recorder.notes.extend((note.line, note.message) for note in prepared.notes)
        recorder.origins.places.call_starts = prepared.call_starts
        random.seed(0)
        modules.seed_numpy(0)  # numpy's generator too: an unseeded program draws the same numbers on every worker
        gc.set_threshold(*GC_THRESHOLDS)
        sys.setrecursionlimit(limits.max_recursion)
        sys.stdout = sys.stderr = Console()
        exec(prepared.code, namespace)
        recorder.flush()
        finish(recorder)
    except ProgramError as refused:
        error = refused.to_dict()
    except BaseException as raised:  # the program's own exception, or a limit: reported at its line
        stand_down()  # no second deadline while the error is described
        recorder.flush()
        error = describe(raised, limits)
    stand_down()
    try:
        return message(recorder, error, namespace, cell_starts(source), len(source.rstrip("\n").split("\n")))
    except Exception as failed:  # the program's own code, run by reading its objects (a property, a __dict__)
        unread = f"the program's values could not be read ({type(failed).__name__})"
        error = {"kind": "type", "message": unread, "line": None, "column": None}
        return {"groups": [], "prints": recorder.prints, "notes": [], "cells": [], "plots": [], "error": error}


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
    message = _exception_line(raised)
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


def _exception_line(raised: BaseException) -> str:
    """CPython's last traceback line, `Type: message`; for the program's own exception classes, without
    running their __str__ (it is the program's code, and the run is over)."""
    if type(raised).__module__ == "builtins":
        return traceback.format_exception_only(type(raised), raised)[-1].strip()
    first = raised.args[0] if len(raised.args) == 1 and type(raised.args[0]) is str else ""
    return f"{type(raised).__name__}: {first}" if first else type(raised).__name__


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
    column = hooks.Current.recorder.origins.places.column(line, start[2] or 0)
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
    ops = [_text_of(obj, "_op") for obj in recorder.objects]
    labels = [_text_of(obj, "label") for obj in recorder.objects]
    outs = [recorder.outs.get(cell) for cell in range(len(cells))]
    ends = [start - 1 for start in cells[1:]] + [lines]
    return {
        "values": {
            "numbers": pack(recorder.value_numbers, "d"),
            "ints": pack(recorder.value_ints, "i"),
            "operands": pack(recorder.operands, "i"),
        },
        "ops": ops,
        "labels": labels,
        "exprs": list(recorder.origins.places.exprs),
        "events": {
            "kinds": pack(recorder.kinds, "b"),
            "ints": pack(recorder.ints, "i"),
            "floats": pack(recorder.floats, "d"),
            "names": list(recorder.names),
        },
        "groups": recorder.origins.groups,
        "prints": recorder.prints,
        "notes": recorder.notes,
        "cells": [[start, end, out] for start, end, out in zip(cells, ends, outs, strict=True)],
        "result": next((out for out in reversed(outs) if out is not None), None)
        if error is None
        else None,  # Out[] last shown
        "paths": {} if error else leaf_paths(namespace, recorder),
        "value_class": value_class(recorder),
        "plots": pyplot.recorded(),
        "error": error,
    }


def _text_of(obj: Any, name: str) -> str:
    """A value's _op or label when it is a plain string (anything else would run the program's code)."""
    text = getattr(obj, name, "")
    return text if type(text) is str else ""


def value_class(recorder: Recorder) -> str:
    """Whose engine ran: "builtin", or the program's own class, as `Value (line 8)`."""
    for obj in recorder.objects:
        cls = type(obj)
        if cls not in (modules.VALUE, modules.MICROGRAD_VALUE, modules.TORCH["Tensor"]):
            line = recorder.class_lines.get(cls)
            return f"{cls.__name__} (line {line})" if line else cls.__name__
    return "builtin"


def leaf_paths(namespace: dict[str, Any], recorder: Recorder) -> dict[str, str]:
    """The path of each leaf reachable from a module-level name: n.layers[0].neurons[1].w[2]."""
    paths: dict[str, str] = {}
    with contextlib.suppress(Exception):  # an object's __dict__ can be the program's code, and raise
        _search_paths(namespace, recorder, paths)
    return paths


def _search_paths(namespace: dict[str, Any], recorder: Recorder, paths: dict[str, str]) -> None:
    """Breadth first, reading at most MAX_PATH_ITEMS items: a module-level tuple of ten million numbers
    costs no more than a small one."""
    index = recorder.index
    queue: deque[tuple[Any, str]] = deque()
    seen: set[int] = set()
    for name, value in namespace.items():
        if not name.startswith("__") and _holds(value) and id(value) not in index:
            queue.append((value, name))
            seen.add(id(value))
    budget = MAX_PATH_ITEMS
    while queue and budget > 0:
        value, path = queue.popleft()
        k = index.get(id(value))
        if k is not None:
            if recorder.leaf[k]:
                paths.setdefault(str(k), path)
            continue
        if isinstance(value, dict):
            items: Any = ((f"[{key!r}]", item) for key, item in value.items() if type(key) in (str, int))
        elif isinstance(value, list | tuple):
            items = ((f"[{position}]", item) for position, item in enumerate(value))
        else:
            items = ((f".{name}", item) for name, item in object.__getattribute__(value, "__dict__").items())
        for step, item in itertools.islice(items, budget):
            budget -= 1
            if (_holds(item) or id(item) in index) and id(item) not in seen:
                seen.add(id(item))
                queue.append((item, path + step))


def _holds(value: Any) -> bool:
    """Whether a value can hold parameters: a program's object (with a __dict__), a list, a tuple or a dict."""
    if type(value) in (list, tuple, dict):
        return True
    cls = type(value)
    return cls.__module__ in ("__main__", "micrograd.nn") and cls.__dictoffset__ != 0
