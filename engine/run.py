"""A program run: refused at once by the static wall, or run by CPython in the jail and recorded.

This is the server's side of engine/program: it never runs a program itself; the jailed process
does (engine/program/execute.py), and its message becomes the Run (engine/record.py).
"""

from __future__ import annotations

import gc
import signal
import threading
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

from engine.checks.hints import with_hint
from engine.errors import ProgramError
from engine.figures import draw_plots
from engine.jail import Jail, JailLimits
from engine.jail.client import default_environment
from engine.limits import DEFAULT_LIMITS, Limits
from engine.program.prepare import prepare, to_message
from engine.record import GC_THRESHOLDS, Run, build_run

TARGET = "engine.program.execute:execute"
gc.set_threshold(*GC_THRESHOLDS)  # a replay makes tens of thousands of objects; kept runs hold many more
PRECHECK_CHARS = 20_000  # programs up to this length are checked here before a process is started
WARM_UP_PROGRAM = "a = Value(2.0)\nb = a * a + a\nb.backward()\nprint(a.grad)\n"
PREPARED_PROGRAMS = 32  # programs kept prepared for their next run (a nudge, an override, a check's reruns)
STACK_BYTES = 256 * 2**20  # the run's main thread may grow its stack this far: deep recursion is a RecursionError
JAIL_ENV = {**default_environment(), "PYTHONHASHSEED": "0"}  # one set order of strings in every run, on every worker


class Programs:
    """The jail every run of this process goes through (`filter=False` only for local development), and how many
    programs stay prepared for their next run."""

    jail: Jail | None = None
    filter: bool = True
    prepared_size: int = PREPARED_PROGRAMS


_PREPARED: OrderedDict[tuple[str, Limits], dict[str, Any]] = OrderedDict()  # the latest programs prepared, newest last
_PREPARED_LOCK = threading.Lock()


_JAIL_LOCK = threading.Lock()


def jail() -> Jail:
    """This process's jail, made on first use."""
    with _JAIL_LOCK:
        if Programs.jail is None:
            Programs.jail = Jail(TARGET, filter=Programs.filter, env=JAIL_ENV, warm_up=warm_up_request())
        return Programs.jail


def warm_up_request() -> dict[str, Any]:
    """What each jailed child runs while it waits for its program: a value, an operation and a backward pass, so
    that the pages a run touches first (the recorder's, the built-in Value's, the message's) are its own already."""
    source = WARM_UP_PROGRAM
    limits = DEFAULT_LIMITS
    return {"source": source, "prepared": prepare_source(source, limits), "limits": limits.__dict__, "overrides": {}}


def prepare_source(source: str, limits: Limits) -> dict[str, Any] | None:
    """Refuse a program the static wall or the compiler refuses, here and at once, before any process is started;
    else the program prepared to run (engine/program/prepare.py), kept for the next run of the same text.

    Only a program of at most PRECHECK_CHARS (None for a longer one): parsing costs the server memory (a list
    literal of 200,000 characters took 97 MiB), so a larger one is parsed and checked in the jail alone.
    """
    if len(source) > PRECHECK_CHARS:
        return None
    key = (source, limits)
    with _PREPARED_LOCK:
        prepared = _PREPARED.get(key)
        if prepared is not None:
            _PREPARED.move_to_end(key)
            return prepared
    prepared = to_message(prepare(source, limits))
    with _PREPARED_LOCK:
        _PREPARED[key] = prepared
        while len(_PREPARED) > max(0, Programs.prepared_size):
            _PREPARED.popitem(last=False)
    return prepared


def forget_prepared() -> None:
    """Empty the prepared programs (tests: a program's next run is prepared anew)."""
    with _PREPARED_LOCK:
        _PREPARED.clear()


def run_program(source: str, limits: Limits = DEFAULT_LIMITS, overrides: Mapping[int, float] | None = None) -> Run:
    """Run a program in the jail under the limits, with leaf data replaced by index where each is made."""
    try:
        prepared = prepare_source(source, limits)
    except ProgramError as error:
        raise error.with_source(source) from None
    request = {
        "source": source,
        "prepared": prepared,
        "limits": limits.__dict__,
        "overrides": {str(k): v for k, v in (overrides or {}).items()},
    }
    bounds = JailLimits(
        wall_seconds=limits.max_seconds,
        cpu_seconds=limits.max_cpu_seconds,
        memory_bytes=limits.max_memory_bytes,
        stack_bytes=STACK_BYTES,
    )
    result = jail().run(request, bounds)
    if result.message is None:  # stopped by the jail: time, memory, a crash, or a forbidden system call
        kind = "unsupported" if result.signal == signal.SIGSYS else "limit"
        raise ProgramError(kind, result.failure or "the program stopped without an answer")
    if "jail_error" in result.message:
        raise ProgramError("unsupported", f"the explorer could not run this program ({result.message['jail_error']})")
    try:
        plots = draw_plots(result.message.get("plots", []), len(result.message.get("cells") or []))
        run = build_run(result.message, limits.max_label_chars)
    except ProgramError as error:
        if error.partial is not None:  # what the program printed and drew before its error
            error.partial = (*error.partial[:2], plots)
        raise with_hint(error.with_source(source)) from None
    except (KeyError, IndexError, TypeError, ValueError) as error:  # a message not as the recorder writes it
        raise ProgramError("unsupported", f"the explorer could not read this run ({type(error).__name__})") from None
    run.plots = plots
    return run
