"""A plain pass's steps, replayed from its events when first read, are the steps replayed one by one.

The oracle is the replay of the same message with the shortcut turned off (`scan` finds no plain pass):
every pass of every program below must come out the same, field by field, and the shortcut must have
been taken where a pass is plain. The values are the message's columns, read value by value.
"""

from __future__ import annotations

import contextlib
import copy
from typing import Any

import pytest

import engine.run
from engine import trace
from engine.errors import ProgramError
from engine.program.events import VALUE_INTS, unpack
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
    # a step of a value outside the graph, whose deposit goes to a value in it
    "step-outside-the-graph": LECTURE_VALUE
    + "a = Value(2.0); b = a * a; y = a + a\nold = b._backward\ndef stepped():\n  old()\n  y._backward()\n"
    + "b._backward = stepped\ny.grad = 1.0\nb.backward()\nprint(a.grad)\n",
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


@pytest.mark.parametrize("cut", ["ints", "floats"])
def test_a_message_cut_short_is_refused_as_the_replay_step_by_step_refuses_it(
    cut: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    message = recorded(PROGRAMS["lecture-training"], monkeypatch)
    events = message["events"]
    numbers = unpack(events[cut], "i" if cut == "ints" else "d")
    events[cut] = numbers[:-1].tobytes()  # the last pass ends short of its last number
    with pytest.raises(IndexError):
        build_run(message, 100)
    with monkeypatch.context() as patched, pytest.raises(IndexError):
        patched.setattr(trace, "scan", lambda *args: None)
        build_run(message, 100)


@pytest.mark.parametrize("name", ["lecture-mlp-loss", "lecture-neuron-tanh", "micrograd-test-more-ops"])
def test_each_value_is_its_columns_in_the_message(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    message = recorded(PROGRAMS[name], monkeypatch)
    values = message["values"]
    numbers, ints, operands = (
        unpack(values["numbers"], "d"),
        unpack(values["ints"], "i"),
        unpack(values["operands"], "i"),
    )
    for chars in (100, 2):
        run = build_run(message, chars)
        start = 0
        assert len(run.nodes) * VALUE_INTS == len(ints)
        for k, node in enumerate(run.nodes):
            line, column, group, _, count, expr = ints[k * VALUE_INTS : (k + 1) * VALUE_INTS]
            assert (node.index, node.children, node.op, node.label, node.line, node.column) == (
                k, tuple(operands[start : start + count]), message["ops"][k][:chars], message["labels"][k][:chars],
                line, column,
            )  # fmt: skip
            assert (node.group, node.made_data, node.expr) == (
                f"g{group}" if group >= 0 else None,
                numbers[2 * k],
                message["exprs"][expr],
            )
            start += count
        assert start == len(operands)
    assert any(len(text) > 2 for text in message["labels"] + message["ops"])  # some were cut
