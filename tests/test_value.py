"""The built-in Value, run by the explorer: every operation against PyTorch (float64) and central finite
differences, micrograd's own two tests, its faults as math errors, and chains of 10,000 values."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from engine.errors import ProgramError
from engine.limits import DEFAULT_LIMITS
from engine.record import Pass, Run
from engine.run import run_program

torch = pytest.importorskip("torch")

STEP = 1e-6  # h of the central differences
LEAVES = {"x": 0.7, "y": -1.3}

# (name, the operation on the leaves x and y, the same in PyTorch, leaf data where it differs from LEAVES)
OPERATIONS: list[tuple[str, str, Callable[[Any, Any], Any], dict[str, float]]] = [
    ("add", "x + y", lambda x, y: x + y, {}),
    ("sub", "x - y", lambda x, y: x - y, {}),
    ("mul", "x * y", lambda x, y: x * y, {}),
    ("div", "x / y", lambda x, y: x / y, {}),
    ("neg", "-x", lambda x, y: -x, {}),
    ("reflected add", "2.5 + x", lambda x, y: 2.5 + x, {}),
    ("reflected sub", "1 - x", lambda x, y: 1 - x, {}),
    ("reflected mul", "3 * x", lambda x, y: 3 * x, {}),
    ("reflected div", "10.0 / x", lambda x, y: 10.0 / x, {}),
    ("square", "x**2", lambda x, y: x**2, {}),
    ("float square", "x**2.0", lambda x, y: x**2.0, {}),
    ("cube", "x**3", lambda x, y: x**3, {}),
    ("inverse", "x**-1", lambda x, y: x**-1, {}),
    ("root", "x**0.5", lambda x, y: x**0.5, {"x": 3.0}),
    ("tanh", "x.tanh()", lambda x, y: x.tanh(), {}),
    ("tanh of a negative", "y.tanh()", lambda x, y: y.tanh(), {}),
    ("exp", "y.exp()", lambda x, y: y.exp(), {}),
    ("log", "x.log()", lambda x, y: x.log(), {"x": 2.5}),
    ("relu of a positive", "x.relu()", lambda x, y: x.relu(), {}),
    ("relu of a negative", "y.relu()", lambda x, y: y.relu(), {}),
    ("sigmoid", "x.sigmoid()", lambda x, y: x.sigmoid(), {}),
    ("sigmoid of a negative", "y.sigmoid()", lambda x, y: y.sigmoid(), {}),
    ("a value added to itself", "x + x", lambda x, y: x + x, {}),
    ("a value times itself", "x * x + y", lambda x, y: x * x + y, {}),
    ("the lecture's tanh through exp", "((2*x).exp() - 1) / ((2*x).exp() + 1)",
     lambda x, y: ((2 * x).exp() - 1) / ((2 * x).exp() + 1), {}),
    ("a neuron", "(x * y + 0.5).tanh() * y", lambda x, y: (x * y + 0.5).tanh() * y, {}),
]  # fmt: skip


def program(expression: str, leaves: dict[str, float]) -> str:
    """Two leaves, an output made from them, and its backward pass."""
    return f"x = Value({leaves['x']!r})\ny = Value({leaves['y']!r})\nout = {expression}\nout.backward()\n"


def leaf(run: Run, name: str) -> int:
    """The node index of the leaf bound to `name`."""
    return run.bindings[name][0]


def grad_of(run: Run, chosen: Pass, name: str) -> float:
    """The grad of a leaf after the pass (0 for a leaf the output does not depend on)."""
    k = leaf(run, name)
    return chosen.grad[chosen.order.index(k)] if k in chosen.order else 0.0


def output_with(source: str, run: Run, name: str, data: float) -> float:
    """The output's data when the leaf `name` is made with `data` (the explorer's overrides)."""
    nudged = run_program(source, overrides={leaf(run, name): data})
    return nudged.passes[0].data[-1]


@pytest.mark.parametrize(("name", "expression", "in_torch", "data"), OPERATIONS, ids=[row[0] for row in OPERATIONS])
def test_each_operation_matches_pytorch(
    name: str, expression: str, in_torch: Callable[[Any, Any], Any], data: dict[str, float]
) -> None:
    leaves = LEAVES | data
    run = run_program(program(expression, leaves))
    (chosen,) = run.passes
    tensors = {key: torch.tensor(value, dtype=torch.float64, requires_grad=True) for key, value in leaves.items()}
    expected = in_torch(tensors["x"], tensors["y"])
    expected.backward()
    assert chosen.data[-1] == pytest.approx(expected.item(), rel=1e-12, abs=1e-15)
    for key, tensor in tensors.items():
        their_grad = 0.0 if tensor.grad is None else tensor.grad.item()
        assert grad_of(run, chosen, key) == pytest.approx(their_grad, rel=1e-12, abs=1e-15), key


@pytest.mark.parametrize(("name", "expression", "in_torch", "data"), OPERATIONS, ids=[row[0] for row in OPERATIONS])
def test_each_operation_matches_central_differences(
    name: str, expression: str, in_torch: Callable[[Any, Any], Any], data: dict[str, float]
) -> None:
    leaves = LEAVES | data
    source = program(expression, leaves)
    run = run_program(source)
    (chosen,) = run.passes
    for key, value in leaves.items():
        slope = (output_with(source, run, key, value + STEP) - output_with(source, run, key, value - STEP)) / (2 * STEP)
        assert grad_of(run, chosen, key) == pytest.approx(slope, rel=1e-6, abs=1e-8), key


# micrograd's test/test_engine.py, its two tests as a program and as PyTorch, side by side.
SANITY_CHECK = """\
x = Value(-4.0)
z = 2 * x + 2 + x
q = z.relu() + z * x
h = (z * z).relu()
y = h + q + q * x
y.backward()
"""
MORE_OPS = """\
a = Value(-4.0)
b = Value(2.0)
c = a + b
d = a * b + b**3
c += c + 1
c += 1 + c + (-a)
d += d * 2 + (b + a).relu()
d += 3 * d + (b - a).relu()
e = c - d
f = e**2
g = f / 2.0
g += 10.0 / f
g.backward()
"""


def test_micrograds_sanity_check() -> None:
    run = run_program(SANITY_CHECK)
    (chosen,) = run.passes
    x = torch.Tensor([-4.0]).double()
    x.requires_grad = True
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    assert chosen.data[-1] == y.data.item() == -20.0
    assert grad_of(run, chosen, "x") == x.grad.item() == 46.0


def test_micrograds_more_ops() -> None:
    run = run_program(MORE_OPS)
    (chosen,) = run.passes
    a = torch.Tensor([-4.0]).double()
    b = torch.Tensor([2.0]).double()
    a.requires_grad = True
    b.requires_grad = True
    c = a + b
    d = a * b + b**3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g = g + 10.0 / f
    g.backward()
    assert chosen.data[-1] == pytest.approx(g.data.item(), rel=1e-14)
    assert grad_of(run, chosen, "a") == pytest.approx(a.grad.item(), rel=1e-14)
    assert grad_of(run, chosen, "b") == pytest.approx(b.grad.item(), rel=1e-14)


def test_subtraction_is_an_addition_of_a_negation_as_in_micrograd() -> None:
    run = run_program("a = Value(1.0)\nb = Value(2.0)\nout = a - b\n")
    out = run.nodes[run.bindings["out"][0]]
    negated = run.nodes[out.children[1]]
    assert (out.op, out.children[0]) == ("+", run.bindings["a"][0])
    assert (negated.op, negated.children[0], run.nodes[negated.children[1]].made_data) == ("*", 1, -1.0)


def test_division_is_a_product_with_an_inverse_as_in_micrograd() -> None:
    run = run_program("out = Value(1.0) / Value(4.0)\n")
    out = run.nodes[run.bindings["out"][0]]
    assert out.op == "*"
    assert run.nodes[out.children[1]].op == "**-1"


def test_backward_accumulates_when_a_value_is_used_twice() -> None:
    run = run_program("a = Value(3.0)\nb = a + a\nb.backward()\n")
    (chosen,) = run.passes
    (step,) = chosen.steps
    assert [to for to, _, _ in step.deposits] == [0, 0]
    assert grad_of(run, chosen, "a") == 2.0
    assert run.nodes[1].children == (0, 0)


def test_the_topological_order_visits_operands_in_order() -> None:
    run = run_program("a = Value(1.0)\nb = Value(2.0)\nc = Value(3.0)\nout = (a * b) + c\nout.backward()\n")
    assert run.passes[0].order == [0, 1, 3, 2, 4]


@pytest.mark.parametrize(
    ("expression", "data"),
    [("Value(1000.0).tanh()", 1.0), ("Value(-1000.0).tanh()", -1.0), ("Value(-1000.0).sigmoid()", 0.0),
     ("Value(1000.0).sigmoid()", 1.0)],
)  # fmt: skip
def test_tanh_and_sigmoid_do_not_overflow_at_large_inputs(expression: str, data: float) -> None:
    run = run_program(f"out = {expression}\nout.backward()\n")
    assert run.passes[0].data[-1] == data


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        ("a = Value(1000.0)\nb = a.exp()\n", 2, "OverflowError: math range error"),
        ("a = Value(-1.0)\nb = a.log()\n", 2, "ValueError: math domain error"),
        ("a = Value(0.0)\nb = a.log()\n", 2, "ValueError: math domain error"),
        ("a = Value(0.0)\nb = a**-1\n", 2, "ZeroDivisionError"),
        ("a = Value(1e200)\nb = a * a\n", 2, "a value's data became inf"),
        ("a = Value(1e300)\nb = a**2\n", 2, "OverflowError"),
        ("a = Value(math.inf)\n", 1, "a value's data became inf"),
        ("x = Value(1e-320)\ny = x.log()\ny.backward()\n", 3, "a value's grad became inf"),
    ],
    ids=["exp overflow", "log of a negative", "log of zero", "zero inverse", "product overflow", "power overflow",
         "infinite data", "infinite grad"],
)  # fmt: skip
def test_math_faults_are_math_errors_at_their_line(source: str, line: int, message: str) -> None:
    with pytest.raises(ProgramError) as caught:
        run_program("import math\n" + source)
    assert (caught.value.kind, caught.value.line) == ("math", line + 1)
    assert message in caught.value.message


CHAIN = 10_000
# A chain of 20,000 values takes about a second in the jail; a loaded test machine gets more than the 3 s default.
UNHURRIED = replace(DEFAULT_LIMITS, max_seconds=30.0, max_cpu_seconds=30.0, max_events=1_000_000)


@pytest.mark.parametrize(
    ("step", "in_torch", "grad"),
    [
        ("out + 1.0", lambda out: out + 1.0, 1.0),
        ("out * 1.0001", lambda out: out * 1.0001, 1.0001**CHAIN),
        ("(out * 0.5).tanh() + 0.25", lambda out: (out * 0.5).tanh() + 0.25, None),
    ],
    ids=["sums", "products", "tanh"],
)
def test_a_chain_of_ten_thousand_values_goes_back_without_recursion(
    step: str, in_torch: Callable[[Any], Any], grad: float | None
) -> None:
    source = f"x = Value(0.5)\nout = x\nfor _ in range({CHAIN}):\n    out = {step}\nout.backward()\n"
    run = run_program(source, UNHURRIED)
    (chosen,) = run.passes
    assert chosen.order[0] == 0 and chosen.order[-1] == chosen.output
    assert len(chosen.order) > 2 * CHAIN
    x = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
    out = x
    for _ in range(CHAIN):
        out = in_torch(out)
    out.backward()
    assert chosen.data[-1] == pytest.approx(out.item(), rel=1e-12)
    assert grad_of(run, chosen, "x") == pytest.approx(x.grad.item(), rel=1e-9, abs=1e-300)
    if grad is not None:
        assert grad_of(run, chosen, "x") == pytest.approx(grad, rel=1e-9)


def test_the_explorers_own_pass_handles_a_chain_of_ten_thousand_values_too() -> None:
    run = run_program(f"x = Value(2.0)\nout = x\nfor _ in range({CHAIN}):\n    out = out * 1.0\nout\n", UNHURRIED)
    (chosen,) = run.passes
    assert (chosen.line, chosen.manual) == (None, False)
    assert grad_of(run, chosen, "x") == 1.0 and math.isfinite(chosen.data[-1])
