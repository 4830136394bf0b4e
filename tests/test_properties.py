"""Properties over random programs: grads match finite differences and PyTorch; junk never crashes the engine."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.errors import KINDS, ProgramError
from engine.run import run_program
from engine.steps import explore
from tests.oracles import default_output, torch_grads

# Expressions that stay inside every function's domain, so the program is smooth everywhere (the playground
# shorthand: `x0 = 0.5` is a leaf Value).
SMOOTH_FORMS = [
    "{a} + {b}", "{a} * {b}", "{a} - {b}", "{a}.tanh()", "{a}.sigmoid()", "{a}.tanh().exp()",
    "({a}*{a} + 1).log()", "{a} / ({b}*{b} + 1)", "{a}**2", "2*{a}", "1 - {a}", "-{a}", "{a} + {a}",
]  # fmt: skip
# What run_program says when the engine itself, not the program, failed: never for any text.
ENGINE_FAULTS = (
    "the explorer could not run this program",
    "the explorer could not read this run",
    "the program stopped without an answer",
)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def smooth_programs(draw: st.DrawFn) -> str:
    count = draw(st.integers(1, 3))
    lines = [f"x{i} = {draw(st.floats(-2, 2, allow_nan=False)):.6f}" for i in range(count)]
    names = [f"x{i}" for i in range(count)]
    for i in range(draw(st.integers(1, 8))):
        form = draw(st.sampled_from(SMOOTH_FORMS))
        a, b = draw(st.sampled_from(names)), draw(st.sampled_from(names))
        lines.append(f"v{i} = " + form.format(a=a, b=b))
        names.append(f"v{i}")
    return "\n".join(lines)


@SETTINGS
@given(smooth_programs())
def test_random_smooth_programs_match_finite_differences(source: str) -> None:
    exploration = explore(source, numeric_check=True)
    scale = max(1.0, max(abs(node.data) for node in exploration.nodes))
    for node in exploration.nodes:
        assert node.numeric_grad is not None
        assert node.numeric_grad == pytest.approx(node.grad, rel=1e-3, abs=1e-5 * scale), source


@SETTINGS
@given(smooth_programs())
def test_random_smooth_programs_match_pytorch(source: str) -> None:
    pytest.importorskip("torch")
    exploration = explore(source)
    _, grads = torch_grads(default_output(source))
    for node in exploration.nodes:
        assert node.grad == pytest.approx(grads[node.id], rel=1e-9, abs=1e-12), source


def assert_program_error_only(error: ProgramError) -> None:
    """A program's error: one of the kinds, a message that is not the engine's own fault, a place or none."""
    assert error.kind in KINDS
    assert error.message and not error.message.startswith(ENGINE_FAULTS), error.message
    assert error.line is None or error.line >= 1
    assert error.column is None or error.column >= 1


TOKENS = [
    "a", "b", "x1", " ", "=", "+", "-", "*", "/", "**", "(", ")", ".", ",", "tanh", "exp", "log", "relu",
    "Value", "label", "'", "'a'", ";", "\n", "1.0", "0", "-1", "1e308", "9" * 30, "backward()", "draw_dot",
    "__class__", "import", "lambda", "[", "]", "#", "\x00", "é", "\t", "+=", ":", "grad", "_backward()", "{", "}",
    "set()", "yield", "class", "def", "try:", "except", "% ", "# %%\n", "print(",
]  # fmt: skip


@SETTINGS
@given(st.lists(st.sampled_from(TOKENS), max_size=40).map("".join))
def test_token_soup_raises_nothing_but_program_errors(source: str) -> None:
    try:
        run_program(source)
        explore(source, numeric_check=True)
    except ProgramError as error:
        assert_program_error_only(error)


@SETTINGS
@given(st.text(max_size=200))
def test_random_text_raises_nothing_but_program_errors(source: str) -> None:
    try:
        run_program(source)
    except ProgramError as error:
        assert_program_error_only(error)
