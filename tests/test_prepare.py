"""A program prepared on the server (checked, instrumented, compiled) runs in the jail as one prepared there.

The oracle is the same program prepared in the jailed process (what a program longer than
PRECHECK_CHARS gets): nodes, passes, prints, notes and errors must be the same either way.
"""

from __future__ import annotations

import base64
import marshal

import pytest

import engine.run
from engine.errors import ProgramError
from engine.limits import DEFAULT_LIMITS
from engine.program.prepare import from_message, prepare, to_message
from engine.record import Run
from engine.run import forget_prepared, prepare_source, run_program
from tests.lecture_programs import PROGRAMS

NOTEBOOK = (
    "%matplotlib inline\nfrom micrograd.engine import Value\ndef draw_dot(v):\n  pass\na = Value(2.0)\nb = a * a\n"
)
CASES = {
    "training": PROGRAMS["lecture-training"],
    "own-value": PROGRAMS["own-value-manual-backward-calls"],
    "cells": PROGRAMS["cells-and-outs"],
    "method-calls": "x = Value(0.5)\ny = (x*x + x).tanh()\ny.backward()\n",
    "notebook-lines": NOTEBOOK,
}


def rounded(item: object) -> object:
    """Numbers to 10 digits: a grad summed over a `_prev` set adds in address order, which can differ from one
    run to the next in the last bit (the CPython oracle allows 1e-10 for it too), as can the order of the steps."""
    if isinstance(item, float):
        return float(f"{item:.10g}")
    if isinstance(item, list | tuple):
        return [rounded(part) for part in item]
    return item


def summary(run: Run) -> object:
    return rounded(
        [
            [(n.children, n.op, n.label, n.line, n.column, n.group, n.made_data, n.expr, n.name) for n in run.nodes],
            [
                (p.output, p.order, p.data, p.grad, sorted((s.node, len(s.deposits)) for s in p.steps))
                for p in run.passes
            ],
            run.prints,
            run.notes,
            run.cells,
            run.result,
        ]
    )


def prepared_in_the_jail(source: str, monkeypatch: pytest.MonkeyPatch) -> Run:
    with monkeypatch.context() as patched:
        patched.setattr(engine.run, "PRECHECK_CHARS", -1)
        forget_prepared()
        return run_program(source)


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_program_prepared_on_the_server_runs_as_one_prepared_in_the_jail(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = CASES[name]
    assert prepare_source(source, DEFAULT_LIMITS) is not None  # short enough: the request carries its code
    assert summary(run_program(source)) == summary(prepared_in_the_jail(source, monkeypatch))


def test_notes_made_while_preparing_reach_the_run() -> None:
    notes = [note.message for note in run_program(NOTEBOOK).notes]
    assert any("%matplotlib inline" in note for note in notes)
    assert any("draw_dot" in note for note in notes)


def test_an_error_is_the_same_either_way(monkeypatch: pytest.MonkeyPatch) -> None:
    source = "from micrograd.engine import Value\na = Value(2.0)\nprint(a.nope)\n"
    with pytest.raises(ProgramError) as on_server:
        run_program(source)
    with pytest.raises(ProgramError) as in_jail:
        prepared_in_the_jail(source, monkeypatch)
    assert (on_server.value.kind, on_server.value.message, on_server.value.line, on_server.value.column) == (
        in_jail.value.kind,
        in_jail.value.message,
        in_jail.value.line,
        in_jail.value.column,
    )


def test_the_same_text_is_prepared_once() -> None:
    forget_prepared()
    source = PROGRAMS["lecture-L-backward"]
    first = prepare_source(source, DEFAULT_LIMITS)
    assert prepare_source(source, DEFAULT_LIMITS) is first
    assert prepare_source(source + "\n", DEFAULT_LIMITS) is not first


def test_a_refused_program_is_refused_every_time() -> None:
    for _ in range(2):
        with pytest.raises(ProgramError, match="open"):
            prepare_source("open('/etc/passwd')\n", DEFAULT_LIMITS)


def test_a_long_program_is_prepared_in_the_jail_alone() -> None:
    source = "total = 0.0\n" + "total += 1.0\n" * 2_000
    assert len(source) > engine.run.PRECHECK_CHARS
    assert prepare_source(source, DEFAULT_LIMITS) is None
    assert run_program(source + "print(total)\n").prints[-1].text == "2000.0"


def test_the_message_holds_the_code_and_nothing_else_passes_for_it() -> None:
    prepared = prepare("a = 2.0\nb = a * 3\n", DEFAULT_LIMITS)
    again = from_message(to_message(prepared))
    assert again.code.co_code == prepared.code.co_code and again.call_starts == prepared.call_starts
    with pytest.raises(TypeError):
        from_message({**to_message(prepared), "code": base64.b64encode(marshal.dumps((1, 2))).decode()})


def test_the_prepared_programs_kept_are_bounded_by_their_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.main import create_app
    from app.settings import Settings

    create_app(Settings(prepared_cache_size=2))
    assert engine.run.Programs.prepared_size == 2
    forget_prepared()
    texts = [f"a = {n}.0\n" for n in range(3)]
    first, *_ = [prepare_source(text, DEFAULT_LIMITS) for text in texts]
    assert prepare_source(texts[2], DEFAULT_LIMITS) is prepare_source(texts[2], DEFAULT_LIMITS)
    assert prepare_source(texts[0], DEFAULT_LIMITS) is not first  # the oldest was let go, and prepared anew
    monkeypatch.setattr(engine.run.Programs, "prepared_size", engine.run.PREPARED_PROGRAMS)
    create_app(Settings())
    assert engine.run.Programs.prepared_size == engine.run.PREPARED_PROGRAMS
