"""The explorer against CPython running the same text: every pass, node, grad, printed line, result and error."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from engine.errors import ProgramError
from engine.language import Run, run_program
from engine.limits import DEFAULT_LIMITS
from engine.steps import record_pass
from tests.cpython_oracle import CPythonRun, Pass, run_many_in_cpython, same_printed
from tests.lecture_programs import FAILING_LINES, FAILING_PROGRAMS, PROGRAMS
from tests.program_strategies import programs

# CPython's exceptions and the explorer's error kinds for them (LANGUAGE.md, "Errors").
KINDS = {
    "ZeroDivisionError": "math", "ValueError": "math", "OverflowError": "math", "IndexError": "type",
    "KeyError": "type", "TypeError": "type", "AssertionError": "type", "NameError": "name",
    "AttributeError": "name", "RecursionError": "limit", "UnboundLocalError": "name",
}  # fmt: skip
REL = 1e-9  # numbers agree to this, relative; the explorer's tanh is the stable form, so last bits may differ


ABS = 1e-9  # where values cancel (a saturated tanh, a loss near 0), the order of a set's sum shows in the last digits


def close(a: float, b: float, rel: float = REL) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=ABS)


def op_name(op: str) -> str:
    """micrograd names x**2.0 `**2.0`; the explorer names it `**2`, as LANGUAGE.md does."""
    return f"**{float(op[2:])}" if op.startswith("**") else op


def assert_same_pass(run: Run, index: int, expected: Pass, rel: float) -> None:
    """One pass: the same backward() line, output, graph (order aside), data and grads."""
    mine = run.passes[index]
    assert mine.line == expected.line
    graph = record_pass(run, index, numeric_check=False, limits=DEFAULT_LIMITS)
    nodes = sorted((op_name(node.op), node.data, node.grad_before, node.grad) for node in graph.nodes)
    theirs = sorted((op_name(node.op), node.data, node.grad_before, node.grad) for node in expected.nodes)
    assert len(nodes) == len(theirs)
    for ours, reference in zip(nodes, theirs, strict=True):
        assert ours[0] == reference[0]
        assert all(close(a, b, rel) for a, b in zip(ours[1:], reference[1:], strict=True)), (ours, reference)
    assert close(mine.data[-1], expected.data, rel)
    assert mine.stale == expected.stale


def assert_same_run(source: str, expected: CPythonRun, rel: float = REL) -> None:
    """Everything CPython did, the explorer did too."""
    assert expected.error is None, expected.error
    run = run_program(source)
    assert [line.line for line in run.prints] == [line.line for line in expected.prints]
    for ours, theirs in zip(run.prints, expected.prints, strict=True):
        assert same_printed(ours.text, theirs.text, rel=rel), (ours.text, theirs.text)
    if expected.result is None:
        assert run.result is None
    else:
        assert run.result is not None and same_printed(run.result, expected.result, rel=rel)
    passes = expected.passes if expected.passes else [p for p in [expected.implicit_pass] if p is not None]
    assert len(run.passes) == len(passes)
    for index, reference in enumerate(passes):
        assert_same_pass(run, index, reference, rel)


LECTURE = list(PROGRAMS)


@pytest.fixture(scope="module")
def cpython_runs() -> dict[str, CPythonRun]:
    sources = [*PROGRAMS.values(), *FAILING_PROGRAMS.values()]
    return dict(zip([*PROGRAMS, *FAILING_PROGRAMS], run_many_in_cpython(sources), strict=True))


@pytest.mark.parametrize("name", LECTURE)
def test_the_lecture_and_its_programs_run_as_in_cpython(name: str, cpython_runs: dict[str, CPythonRun]) -> None:
    # 20 training steps compound the last bits of tanh through every weight: 1e-7 there (LANGUAGE.md).
    rel = 1e-7 if "training" in name or "grad-bug" in name or "rate" in name or "demo" in name else REL
    assert_same_run(PROGRAMS[name], cpython_runs[name], rel)


@pytest.mark.parametrize("name", list(FAILING_PROGRAMS))
def test_where_cpython_raises_the_explorer_refuses_at_the_same_line(
    name: str, cpython_runs: dict[str, CPythonRun]
) -> None:
    expected_type, expected_line = FAILING_LINES[name]
    error = cpython_runs[name].error
    assert error is not None and (error.type, error.line) == (expected_type, expected_line)
    with pytest.raises(ProgramError) as caught:
        run_program(FAILING_PROGRAMS[name])
    assert (caught.value.kind, caught.value.line) == (KINDS[expected_type], expected_line)


# No shrinking: a list of 15 programs shrinks for many minutes; the failing program is in the assertion's message.
@settings(
    max_examples=20,
    deadline=None,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(st.lists(programs(), min_size=15, max_size=15))
def test_generated_programs_agree_with_cpython(sources: list[str]) -> None:
    # 20 examples of 15 programs: 300 programs a run, one CPython process per example.
    for source, expected in zip(sources, run_many_in_cpython(sources), strict=True):
        try:
            assert_same_run(source, expected)
        except AssertionError as error:
            raise AssertionError(f"{error}\n--- the program:\n{source}") from None
