"""A backward() pass whose steps are replayed from its events only when they are first asked for.

A training loop makes a pass per epoch and the page shows one at a time, so building every step
of every pass (thousands of Step records a pass) is work the server mostly throws away. The
replay (engine/trace.py) hands a plain pass to `scan`: when its events are only `_backward` calls
and grad writes to the pass's own values, it takes the grads the pass leaves and passes over its
events; `pass_steps` replays them into steps, from the grads the pass began with, when the pass's
steps are first read. Any other pass (a data write, a nested backward(), a draw_dot in it, a grad
written to a value outside its graph) is replayed step by step as before.
"""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from struct import Struct
from typing import Any

from engine.program.events import END_PASS, END_STEP, STEP, WRITE
from engine.record import Step

PLAIN = bytes((WRITE, STEP, END_STEP))  # the only events a plain pass holds
INT = array("i").itemsize  # the bytes of one of the events' integers


@dataclass(frozen=True)
class Events:
    """A run's events, unpacked: the kinds (a byte each), their integers and their numbers."""

    kinds: bytes
    ints: array[Any]
    floats: array[Any]


@dataclass(frozen=True)
class Span:
    """The events of one pass, from the one after its PASS to its END_PASS: the index and the offsets into
    the integers and the numbers of each."""

    start: int
    start_ints: int
    start_floats: int
    end: int
    end_ints: int
    end_floats: int


def readers(kinds: bytes) -> tuple[Struct, Struct]:
    """Two readers of the integers of a plain pass's events (their kinds given): one gives each write's three
    (value, field, line) in a row, the other each step's value. A pass holds a thousand events: struct reads
    them in C."""
    kinds = kinds.translate(None, bytes((END_STEP,)))  # it holds no integers
    writes = kinds.replace(bytes((WRITE,)), b"3i").replace(bytes((STEP,)), skip(2))
    steps = kinds.replace(bytes((WRITE,)), skip(3)).replace(bytes((STEP,)), b"i" + skip(1))
    return Struct(writes), Struct(steps)


def skip(count: int) -> bytes:
    """A struct format's code for `count` integers passed over."""
    return b"%dx" % (count * INT)


def scan(events: Events, start: int, i: int, f: int, members: set[int], grad: list[float]) -> Span | None:
    """The span of a plain pass whose events begin at `start` (offsets i and f), with `grad` brought to where
    the pass leaves it; None (and `grad` untouched) when the pass is not plain or has no end."""
    end = events.kinds.find(END_PASS, start)
    if end < 0:
        return None
    kinds = events.kinds[start:end]
    if kinds.translate(None, PLAIN):  # a nested backward(), a view, a binding
        return None
    writes, steps = readers(kinds)
    end_ints = i + writes.size // INT
    if len(events.ints) < end_ints:  # a message cut short: the replay step by step says where
        return None
    written = writes.unpack_from(events.ints, i * INT)
    values = written[0::3]
    if 0 in written[1::3] or not members.issuperset(values):  # a data write, or a grad outside the graph
        return None
    if not members.issuperset(steps.unpack_from(events.ints, i * INT)):
        return None
    end_floats = f + len(values)
    if len(events.floats) < end_floats:
        return None
    for k, after in zip(values, events.floats[f:end_floats], strict=True):
        grad[k] = after
    return Span(start, i, f, end, end_ints, end_floats)


def pass_steps(
    events: Events,
    span: Span,
    output: int,
    order: list[int],
    grad_before: list[float],
    operands: list[tuple[int, ...]],
) -> list[Step]:
    """The steps of a plain pass, replayed from its events as engine/trace.py replays any pass: the first
    write of the output's grad is the seed, any other write outside a `_backward` call is a grad set there,
    and a leaf's `_backward` with no deposit is left out."""
    kinds, ints, floats = events.kinds, events.ints, events.floats
    grad = dict(zip(order, grad_before, strict=True))
    steps: list[Step] = []
    open_steps: list[Step] = []
    seeded = False
    i, f = span.start_ints, span.start_floats
    for at in range(span.start, span.end):
        kind = kinds[at]
        if kind == WRITE:
            k, line, after = ints[i], ints[i + 2], floats[f]
            i += 3
            f += 1
            before, grad[k] = grad[k], after
            if open_steps:
                open_steps[-1].deposits.append((k, before, after))
                open_steps[-1].lines.append(line)
            elif k == output and not seeded:
                seeded = True
            else:
                steps.append(Step(k, line, before, set=after, event=at))
        elif kind == STEP:
            step = Step(ints[i], ints[i + 1], grad[ints[i]], event=at)
            i += 2
            steps.append(step)
            open_steps.append(step)
        elif open_steps:  # END_STEP
            step = open_steps.pop()
            if not operands[step.node] and not step.deposits and steps[-1] is step:
                steps.pop()
    return steps
