"""A plain pass's steps, replayed from its events when first read, are the steps replayed one by one.

The oracle is the replay of the same message with the shortcut turned off (`scan` finds no plain pass):
every pass of every program below must come out the same, field by field, and the shortcut must have
been taken where a pass is plain.
"""

from __future__ import annotations

import contextlib
import copy
from typing import Any

import pytest

import engine.run
from engine import trace
from engine.errors import ProgramError
from engine.record import Run, build_run
from engine.run import run_program
from tests.lecture_programs import LECTURE_VALUE, PROGRAMS

ODD_PASSES = {
    # a _backward that writes a data, a grad outside the graph, calls backward() again, draws
    "data-written-in-a-step": LECTURE_VALUE.replace(
        "self.grad += 1.0 * out.grad", "self.grad += 1.0 * out.grad\n      self.data += 0.0", 1
    )
    + "a = Value(2.0); b = Value(3.0); c = a + b; d = c * a\nd.backward()\nd.backward()\nprint(a.grad)\n",
    "grad-outside-the-graph": LECTURE_VALUE
    + "z = Value(0.0)\na = Value(2.0); b = a * a\n"
    + "def bad():\n  a.grad += 2 * a.data * b.grad\n  z.grad += 1.0\nb._backward = bad\nb.backward()\nprint(z.grad)\n",
    "nested-backward": LECTURE_VALUE
    + "a = Value(2.0); b = a * a; c = b + a\nold = c._backward\ndef inner():\n  old()\n  b.backward()\n"
    + "c._backward = inner\nc.backward()\nprint(a.grad)\n",
    "draw-in-a-pass": LECTURE_VALUE
    + "a = Value(2.0); b = a * a\nold = b._backward\ndef drawn():\n  old()\n  draw_dot(b)\n"
    + "b._backward = drawn\nb.backward()\n",
}
CASES = {**PROGRAMS, **ODD_PASSES}


def step_fields(run: Run) -> list[list[tuple[object, ...]]]:
    return [
        [(s.node, s.line, s.upstream, s.deposits, s.lines, s.set, s.event) for s in chosen.steps]
        for chosen in run.passes
    ]


def pass_fields(run: Run) -> list[tuple[object, ...]]:
    return [
        (p.output, p.line, p.manual, p.order, p.data, p.grad_before, p.grad, p.stale, p.resets, p.updates, p.event)
        for p in run.passes
    ]


def recorded(source: str, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """The jailed run's message (one run: a set's order, by address, can differ from one run to the next)."""
    messages: list[dict[str, Any]] = []

    def keep(message: dict[str, Any], label_chars: int) -> Run:
        messages.append(copy.deepcopy(message))
        return build_run(message, label_chars)

    with monkeypatch.context() as patched:
        patched.setattr(engine.run, "build_run", keep)
        with contextlib.suppress(ProgramError):  # a program that raises is compared up to its error
            run_program(source)
    return messages[0]


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_pass_replayed_when_read_is_the_pass_replayed_step_by_step(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    message = recorded(CASES[name], monkeypatch)
    if message["error"] is not None:
        return
    lazy = build_run(message, 100)
    with monkeypatch.context() as patched:
        patched.setattr(trace, "scan", lambda *args: None)
        eager = build_run(message, 100)
    assert pass_fields(lazy) == pass_fields(eager)
    assert [(v.pass_index, v.position, v.order, v.grad) for v in lazy.views] == [
        (v.pass_index, v.position, v.order, v.grad) for v in eager.views
    ]
    assert step_fields(lazy) == step_fields(eager)


def test_the_training_loops_passes_wait_until_read() -> None:
    run = run_program(PROGRAMS["lecture-training"])
    assert len(run.passes) == 20
    assert all(chosen.unreplayed is not None for chosen in run.passes)
    steps = run.passes[7].steps
    assert len(steps) > 100 and run.passes[7].unreplayed is None
    assert all(chosen.unreplayed is not None for chosen in run.passes[8:])


@pytest.mark.parametrize("name", sorted(ODD_PASSES))
def test_a_pass_that_is_not_plain_is_replayed_step_by_step(name: str) -> None:
    run = run_program(ODD_PASSES[name])
    assert run.passes
    assert all(chosen.unreplayed is None for chosen in run.passes if chosen.line is not None and not chosen.manual)
