"""The explorer against CPython running the same text: every printed line, result, value, pass, view and error."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from engine.errors import ProgramError
from engine.limits import DEFAULT_LIMITS
from engine.record import Run
from engine.run import run_program
from engine.steps import record_pass
from tests.cpython_oracle import CPythonRun, ErrorInfo, run_many_in_cpython, same_printed
from tests.lecture_programs import CORNERS, FAILING_LINES, FAILING_PROGRAMS, PROGRAMS
from tests.program_strategies import programs

# CPython's exceptions and the explorer's error kinds for them (LANGUAGE.md, "Errors"); any other is `type`.
KINDS = {
    "SyntaxError": "syntax", "NameError": "name", "AttributeError": "name", "UnboundLocalError": "name",
    "ArithmeticError": "math", "ZeroDivisionError": "math", "OverflowError": "math", "FloatingPointError": "math",
    "NonFinite": "math",
    "RecursionError": "limit", "MemoryError": "limit",
}  # fmt: skip
OWN_MESSAGES = {"NonFinite", "RecursionError", "MemoryError", "SyntaxError"}  # the explorer words these itself


@dataclass(frozen=True)
class Tolerance:
    """How far two floats may be apart: `rel` relative to the larger, or `zero` absolute."""

    rel: float
    zero: float

    def same(self, a: float, b: float) -> bool:
        """Whether a and b agree (exactly, for EXACT)."""
        return a == b or math.isclose(a, b, rel_tol=self.rel, abs_tol=self.zero)

    def same_all(self, ours: Sequence[float], theirs: Sequence[float]) -> bool:
        """Whether two sequences of floats agree item by item."""
        return len(ours) == len(theirs) and all(self.same(a, b) for a, b in zip(ours, theirs, strict=True))


EXACT = Tolerance(0.0, 0.0)
# The lecture's (e^2x - 1)/(e^2x + 1) and math.tanh (the built-in Value's) are an ulp or two apart, compounded
# downstream (6e-13 relative after the zero_grad bug's 10 steps). The oracle's built-in Value uses math.tanh as the
# explorer's does, so its numbers are compared exactly; this tolerance is what the lecture's formula would need.
TANH = Tolerance(rel=1e-12, zero=1e-14)
# A `_prev = set(...)` (a program's own class, micrograd's) makes backward() visit a value's consumers in the order
# of their addresses, which differs from process to process: a grad summed from three deposits or more may differ
# in its last bits, in CPython itself from one run to another, and a training loop's updates carry that into later
# passes (1.2e-13 relative seen at pass 5 of the lecture's training with its own class). A wrong derivative differs
# by far more than this.
ORDER = Tolerance(rel=1e-10, zero=1e-12)


def tolerance_for(expected: CPythonRun) -> Tolerance:
    """EXACT unless an order of addresses is upstream."""
    return ORDER if expected.reordered else EXACT


def error_kind(error: ErrorInfo) -> str:
    """The explorer's kind for what CPython raised."""
    if error.type == "ValueError" and "math domain" in error.message:
        return "math"
    return KINDS.get(error.type, "type")


def run_or_error(source: str) -> Run | ProgramError:
    """The explorer's run of a program, or its error."""
    try:
        return run_program(source)
    except ProgramError as error:
        return error


def error_differences(error: ProgramError, expected: ErrorInfo) -> list[str]:
    """How the explorer's error differs from CPython's exception: kind, line, column and message."""
    found = []
    if (error.kind, error.line) != (error_kind(expected), expected.line):
        found.append(f"error: {error.kind} at line {error.line}, CPython {expected.type} at line {expected.line}")
    elif error.column != expected.column:
        found.append(f"error column: {error.column}, CPython {expected.column}")
    if expected.type not in OWN_MESSAGES and not error.message.startswith(expected.message):
        found.append(f"error message: {error.message!r}, CPython {expected.message!r}")
    return found


def differences(mine: Run | ProgramError, expected: CPythonRun) -> list[str]:
    """Everything in which the explorer's run differs from CPython's, as sentences (empty when they agree)."""
    if expected.error is not None:
        if not isinstance(mine, ProgramError):
            return [f"the explorer ran to the end; CPython raised {expected.error}"]
        printed = [(entry.line, entry.text) for entry in mine.partial[0]] if mine.partial else []
        found = error_differences(mine, expected.error)
        if printed != [tuple(entry) for entry in expected.prints]:
            found.append(f"prints before the error: {printed}, CPython {[tuple(entry) for entry in expected.prints]}")
        return found
    if isinstance(mine, ProgramError):
        return [f"the explorer raised {mine.kind} at line {mine.line}: {mine.message}"]
    tolerance = tolerance_for(expected)
    found = text_differences(mine, expected, tolerance) + node_differences(mine, expected)
    if len(mine.passes) != len(expected.passes):
        lines = [(p.line, p.manual) for p in mine.passes], [(p.line, p.manual) for p in expected.passes]
        return [*found, f"passes (line, manual): {lines[0]}, CPython {lines[1]}"]
    for index in range(len(expected.passes)):
        found += pass_differences(mine, index, expected, tolerance)
    return found + view_differences(mine, expected, tolerance)


def text_differences(mine: Run, expected: CPythonRun, tolerance: Tolerance) -> list[str]:
    """Printed lines, the result, each cell's Out[n] and the value class."""
    found = []
    prints = [(p.line, p.text) for p in mine.prints]
    same_prints = len(prints) == len(expected.prints) and all(
        line == their_line and same_printed(text, their_text, tolerance.rel, tolerance.zero)
        for (line, text), (their_line, their_text) in zip(prints, expected.prints, strict=True)
    )
    if not same_prints:
        found.append(f"prints: {prints}, CPython {[tuple(entry) for entry in expected.prints]}")
    texts = [(mine.result, expected.result, "result")] + [
        (cell.out, out, f"Out[{cell.index + 1}]") for cell, out in zip(mine.cells, expected.outs, strict=False)
    ]
    for ours, theirs, what in texts:
        if (ours is None) != (theirs is None) or (
            ours is not None and theirs is not None and not same_printed(ours, theirs, tolerance.rel, tolerance.zero)
        ):
            found.append(f"{what}: {ours!r}, CPython {theirs!r}")
    if mine.value_class != expected.value_class:
        found.append(f"value class: {mine.value_class!r}, CPython {expected.value_class!r}")
    return found


def in_order(keys: Sequence[int], unordered: bool) -> tuple[int, ...]:
    """Keys as given, or as a sorted set where a `_prev` set makes their order that of addresses (micrograd's
    sets are the explorer's tuples, drawn in operand order and with a * a's operand twice)."""
    return tuple(sorted(set(keys))) if unordered else tuple(keys)


def node_differences(mine: Run, expected: CPythonRun) -> list[str]:
    """Every value: its operation, label, first name, operands and place, in the order they became values."""
    ours = [
        (node.op, node.label, node.name, in_order(node.children, expected.unordered), node.line, node.column)
        for node in mine.nodes
    ]
    theirs = [
        (node.op, node.label, node.name, in_order(node.children, expected.unordered), node.line, node.column)
        for node in expected.nodes
    ]
    if ours == theirs:
        return []
    first = next((k for k, pair in enumerate(zip(ours, theirs, strict=False)) if pair[0] != pair[1]), None)
    at = min(len(ours), len(theirs)) if first is None else first
    return [
        f"values: {len(ours)}, CPython {len(theirs)}; value {at}: {ours[at : at + 1]}, CPython {theirs[at : at + 1]}"
    ]


def pass_differences(mine: Run, index: int, expected: CPythonRun, tolerance: Tolerance) -> list[str]:
    """One pass: its line, kind, output, graph, and every node's op, data, grad before and after, and its steps."""
    ours, theirs = mine.passes[index], expected.passes[index]
    found = []
    head = (ours.line, ours.manual, ours.output, in_order(ours.order, expected.unordered), ours.stale)
    their_head = (theirs.line, theirs.manual, theirs.output, in_order(theirs.order, expected.unordered), theirs.stale)
    if head != their_head:
        return [f"pass {index} (line, manual, output, order, stale): {head}, CPython {their_head}"]
    graph = record_pass(mine, index, numeric_check=False, limits=DEFAULT_LIMITS)
    by_key = {int(node.id[1:]): node for node in graph.nodes}
    keys = in_order(theirs.order, expected.unordered)
    position = {k: i for i, k in enumerate(theirs.order)}
    ops = [by_key[k].op for k in keys]
    if ops != [expected.nodes[k].op for k in keys]:
        found.append(f"pass {index} ops: {ops}")
    for field, their_numbers in [("data", theirs.data), ("grad_before", theirs.grad_before), ("grad", theirs.grad)]:
        numbers = [getattr(by_key[k], field) for k in keys]
        their_numbers = tuple(their_numbers[position[k]] for k in keys)
        if not tolerance.same_all(numbers, their_numbers):
            found.append(f"pass {index} {field}: {first_apart(numbers, their_numbers, tolerance)}")
    return found + step_differences(mine, index, expected, tolerance)


def step_differences(mine: Run, index: int, expected: CPythonRun, tolerance: Tolerance) -> list[str]:
    """A pass's steps: each `_backward` call and grad set, with its deposits, in the order made."""
    ours = mine.passes[index].steps
    theirs = expected.passes[index].steps
    if expected.unordered:  # the order of the program's own walk over a set: compare what each step did
        shapes = sorted((s.node, s.set is None, tuple(to for to, _, _ in s.deposits)) for s in ours)
        their_shapes = sorted((s.node, s.set is None, tuple(to for to, _, _ in s.deposits)) for s in theirs)
        return [] if shapes == their_shapes else [f"pass {index} steps: {shapes}, CPython {their_shapes}"]
    for position, (step, their_step) in enumerate(zip(ours, theirs, strict=False)):
        same = (
            (step.node, step.line or None, step.set is None)
            == (their_step.node, their_step.line, their_step.set is None)  # no program line: 0 in the explorer
            and tolerance.same(step.upstream, their_step.upstream)
            and (step.set is None or their_step.set is None or tolerance.same(step.set, their_step.set))
            and [to for to, _, _ in step.deposits] == [to for to, _, _ in their_step.deposits]
            and all(
                tolerance.same_all(deposit[1:], their_deposit[1:])
                for deposit, their_deposit in zip(step.deposits, their_step.deposits, strict=True)
            )
        )
        if not same:
            return [f"pass {index} step {position}: {step}, CPython {their_step}"]
    if len(ours) != len(theirs):
        return [f"pass {index}: {len(ours)} steps, CPython {len(theirs)}"]
    return []


def view_differences(mine: Run, expected: CPythonRun, tolerance: Tolerance) -> list[str]:
    """Each draw_dot(v): its line, graph, numbers then and the pass it opens; and the pass shown by default."""
    found = []
    if len(mine.views) != len(expected.views):
        return [f"views: {len(mine.views)}, CPython {len(expected.views)}"]
    for index, (view, theirs) in enumerate(zip(mine.views, expected.views, strict=True)):
        head = (view.line, view.output, in_order(view.order, expected.unordered), view.pass_index)
        their_head = (theirs.line, theirs.output, in_order(theirs.order, expected.unordered), theirs.pass_index)
        if head != their_head:
            found.append(f"view {index} (line, output, order, pass): {head}, CPython {their_head}")
            continue
        ours_by_key = dict(zip(view.order, zip(view.data, view.grad, strict=True), strict=True))
        numbers = [x for k in theirs.order for x in ours_by_key[k]]
        their_numbers = [x for pair in zip(theirs.data, theirs.grad, strict=True) for x in pair]
        if not tolerance.same_all(numbers, their_numbers):
            found.append(f"view {index} (data, grad): {first_apart(numbers, their_numbers, tolerance)}")
    if mine.default_pass != expected.default_pass:
        found.append(f"default pass: {mine.default_pass}, CPython {expected.default_pass}")
    return found


def first_apart(ours: Sequence[float], theirs: Sequence[float], tolerance: Tolerance) -> str:
    """The first place two sequences of floats disagree, for a failure's message."""
    if len(ours) != len(theirs):
        return f"{len(ours)} numbers, CPython {len(theirs)}"
    at = next(i for i, (a, b) in enumerate(zip(ours, theirs, strict=True)) if not tolerance.same(a, b))
    return f"at {at}: {ours[at]!r}, CPython {theirs[at]!r}"


def assert_same_run(source: str, expected: CPythonRun) -> None:
    """Everything CPython did, the explorer did too."""
    found = differences(run_or_error(source), expected)
    assert not found, "\n".join(found)


@pytest.fixture(scope="module")
def cpython_runs() -> dict[str, CPythonRun]:
    names = [*PROGRAMS, *FAILING_PROGRAMS, *CORNERS]
    sources = [*PROGRAMS.values(), *FAILING_PROGRAMS.values(), *(source for source, _ in CORNERS.values())]
    return dict(zip(names, run_many_in_cpython(sources), strict=True))


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_the_lecture_and_its_programs_run_as_in_cpython(name: str, cpython_runs: dict[str, CPythonRun]) -> None:
    assert cpython_runs[name].error is None, cpython_runs[name].error
    assert_same_run(PROGRAMS[name], cpython_runs[name])


@pytest.mark.parametrize("name", list(FAILING_PROGRAMS))
def test_where_cpython_raises_the_explorer_refuses_at_the_same_line(
    name: str, cpython_runs: dict[str, CPythonRun]
) -> None:
    error = cpython_runs[name].error
    assert error is not None and (error.type, error.line) == FAILING_LINES[name]
    assert_same_run(FAILING_PROGRAMS[name], cpython_runs[name])


@pytest.mark.parametrize("name", list(CORNERS))
def test_corners_where_the_explorer_once_disagreed_run_as_in_cpython(
    name: str, cpython_runs: dict[str, CPythonRun]
) -> None:
    assert_same_run(CORNERS[name][0], cpython_runs[name])


@pytest.mark.parametrize(
    ("shown", "theirs", "tolerance", "same"),
    [
        (1.0, 1.0, EXACT, True),
        (0.1 + 0.2, 0.3, EXACT, False),
        (0.7615941559557649, 0.7615941559557647, EXACT, False),
        (0.7615941559557649, 0.7615941559557647, TANH, True),
        (1e-16, -1e-16, ORDER, True),
        (1.0, 1.0 + 1e-9, ORDER, False),
        (1.0, 1.0 + 1e-10, TANH, False),
    ],
)
def test_numbers_agree_exactly_unless_a_tolerance_is_given(
    shown: float, theirs: float, tolerance: Tolerance, same: bool
) -> None:
    assert tolerance.same(shown, theirs) is same


# No shrinking: a list of 15 programs shrinks for many minutes; the failing program is in the assertion's message,
# so Hypothesis's own repr of the 15 programs (tens of kB, which it warns of) is not needed.
@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")
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
        assert expected.error is None, f"{expected.error}\n--- the program:\n{source}"
        found = differences(run_or_error(source), expected)
        assert not found, "\n".join(found) + f"\n--- the program:\n{source}"
