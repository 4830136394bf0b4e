"""Value's operations against PyTorch, and its graph walks on long chains."""

from __future__ import annotations

import math
from collections.abc import Callable

import pytest

from engine.value import MathError, Value, format_number, topological_order

torch = pytest.importorskip("torch")
torch.set_default_dtype(torch.float64)

UNARY: list[tuple[str, Callable[[Value], Value], Callable[[object], object], float]] = [
    ("tanh", Value.tanh, lambda t: t.tanh(), 0.7),
    ("exp", Value.exp, lambda t: t.exp(), -1.3),
    ("log", Value.log, lambda t: t.log(), 2.5),
    ("relu positive", Value.relu, lambda t: t.relu(), 1.5),
    ("relu negative", Value.relu, lambda t: t.relu(), -1.5),
    ("sigmoid", Value.sigmoid, lambda t: t.sigmoid(), -0.4),
    ("negation", lambda v: -v, lambda t: -t, 3.0),
    ("square", lambda v: v**2, lambda t: t**2, -1.7),
    ("inverse", lambda v: v**-1, lambda t: t**-1, 0.8),
    ("root", lambda v: v**0.5, lambda t: t**0.5, 3.0),
    ("reflected add", lambda v: 1 + v, lambda t: 1 + t, 2.0),
    ("reflected mul", lambda v: 2 * v, lambda t: 2 * t, 2.0),
    ("reflected sub", lambda v: 1 - v, lambda t: 1 - t, 2.0),
    ("reflected div", lambda v: 10.0 / v, lambda t: 10.0 / t, 4.0),
]
BINARY: list[tuple[str, Callable[[Value, Value], Value], Callable[[object, object], object]]] = [
    ("add", lambda a, b: a + b, lambda a, b: a + b),
    ("sub", lambda a, b: a - b, lambda a, b: a - b),
    ("mul", lambda a, b: a * b, lambda a, b: a * b),
    ("div", lambda a, b: a / b, lambda a, b: a / b),
    ("same operand twice", lambda a, b: a * a + b, lambda a, b: a * a + b),
]


@pytest.mark.parametrize(("name", "op", "torch_op", "x"), UNARY, ids=[row[0] for row in UNARY])
def test_unary_operation_matches_pytorch(
    name: str, op: Callable[[Value], Value], torch_op: Callable[[object], object], x: float
) -> None:
    v = Value(x)
    out = op(v)
    out.backward()
    t = torch.tensor(x, requires_grad=True)
    expected = torch_op(t)
    expected.backward()  # type: ignore[attr-defined]
    assert out.data == pytest.approx(expected.item(), rel=1e-12)  # type: ignore[attr-defined]
    assert v.grad == pytest.approx(t.grad.item(), rel=1e-12, abs=1e-15)


@pytest.mark.parametrize(("name", "op", "torch_op"), BINARY, ids=[row[0] for row in BINARY])
def test_binary_operation_matches_pytorch(
    name: str, op: Callable[[Value, Value], Value], torch_op: Callable[[object, object], object]
) -> None:
    a, b = Value(-1.25), Value(3.5)
    out = op(a, b)
    out.backward()
    ta = torch.tensor(-1.25, requires_grad=True)
    tb = torch.tensor(3.5, requires_grad=True)
    expected = torch_op(ta, tb)
    expected.backward()  # type: ignore[attr-defined]
    assert out.data == pytest.approx(expected.item(), rel=1e-12)  # type: ignore[attr-defined]
    assert a.grad == pytest.approx(ta.grad.item(), rel=1e-12)
    assert b.grad == pytest.approx(tb.grad.item(), rel=1e-12)


def test_subtraction_decomposes_as_micrograd_does() -> None:
    a, b = Value(1.0), Value(2.0)
    out = a - b
    assert out._op == "+"
    negated = out._prev[1]
    assert negated._op == "*" and negated._prev[0] is b and negated._prev[1].data == -1.0


def test_division_decomposes_as_micrograd_does() -> None:
    out = Value(1.0) / Value(4.0)
    assert out._op == "*" and out._prev[1]._op == "**-1"


def test_backward_accumulates_when_a_value_is_used_twice() -> None:
    a = Value(3.0)
    b = a + a
    steps = b.backward()
    assert a.grad == 2.0
    assert [d.to for d in steps[1].deposits] == [a, a]


def test_tanh_and_sigmoid_do_not_overflow_at_large_inputs() -> None:
    assert Value(1000.0).tanh().data == 1.0
    assert Value(-1000.0).tanh().data == -1.0
    assert Value(-1000.0).sigmoid().data == 0.0
    assert Value(1000.0).sigmoid().data == 1.0


@pytest.mark.parametrize(
    "make",
    [
        lambda: Value(1000.0).exp(),
        lambda: Value(-1.0).log(),
        lambda: Value(0.0).log(),
        lambda: Value(0.0) ** -1,
        lambda: Value(-8.0) ** 0.5,
        lambda: Value(1e200) * Value(1e200),
        lambda: Value(1e300) ** 2,
    ],
    ids=[
        "exp overflow",
        "log negative",
        "log zero",
        "zero inverse",
        "complex root",
        "product overflow",
        "pow overflow",
    ],
)
def test_math_faults_raise_math_error(make: Callable[[], Value]) -> None:
    with pytest.raises(MathError):
        make()


def test_infinite_gradient_raises_math_error() -> None:
    x = Value(1e-320)
    with pytest.raises(MathError):
        x.log().backward()


def test_topological_order_survives_a_chain_of_ten_thousand_nodes() -> None:
    x = Value(0.5)
    out = x
    for _ in range(10_000):
        out = out + 1.0
    order = topological_order(out)
    assert order[0] is x and order[-1] is out
    out.backward()
    assert x.grad == 1.0


def test_topological_order_lists_operands_in_order() -> None:
    a, b, c = Value(1.0), Value(2.0), Value(3.0)
    out = (a * b) + c
    assert topological_order(out) == [a, b, out._prev[0], c, out]


@pytest.mark.parametrize(("x", "text"), [(-8.0, "-8.0000"), (-0.0, "0.0000"), (-1e-9, "0.0000"), (6.0, "6.0000")])
def test_numbers_are_formatted_as_draw_dot_formats_them(x: float, text: str) -> None:
    assert format_number(x) == text


def test_values_reject_non_finite_data() -> None:
    with pytest.raises(MathError):
        Value(math.inf)
