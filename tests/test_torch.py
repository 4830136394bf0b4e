"""The explorer's torch against real PyTorch: the same printed numbers and reprs, float32 rounding included."""

from __future__ import annotations

import contextlib
import io
import random

import pytest

from engine.errors import ProgramError
from engine.run import run_program
from tests.lecture_programs import TORCH_NEURON

torch = pytest.importorskip("torch")

PROGRAMS = {
    "the lecture's neuron, checked in PyTorch": TORCH_NEURON,
    "float32 arithmetic, each result rounded": """
import torch
a = torch.tensor([1.5], requires_grad=True)
b = torch.tensor([-0.3], requires_grad=True)
c = (a*b + a/b - b**2 - a).tanh()
c.backward()
print(c.item(), a.grad.item(), b.grad.item())
print(c)
print(a, b.grad, c.data)
""",
    "float64 exp, sigmoid, relu, powers and a number on the left": """
import torch
x = torch.tensor(0.7, dtype=torch.float64, requires_grad=True)
y = (1 - x).exp() + 2/x + x.sigmoid() + (x*3).relu() + x**3 + x**0.5 - (-x).relu()
y.backward()
print(y.item(), x.grad.item())
print(y)
print(x)
""",
    "torch.Tensor's float32 rounding, as .item() shows it": """
import torch
print(torch.Tensor([6.8813735870195432]).item(), torch.Tensor([0.1]).item(), torch.Tensor([0.1]).double().item())
print(torch.Tensor([0.1]), torch.Tensor([2.0]).double(), torch.Tensor([-2.5]))
""",
    "PyTorch's print format: integers, small and large numbers, zero, 0-d": """
import torch
print(torch.tensor([1e-5]), torch.tensor([123456789.0]), torch.tensor(0.0), torch.tensor([-2.0]), torch.tensor(3.25))
print(torch.tensor([-0.00012345], dtype=torch.float64), torch.tensor(1e9, dtype=torch.double))
print(torch.tensor([2.0]).shape, torch.tensor(2.0).shape, torch.tensor([2.0]).dtype, torch.tensor([2.0]).double().dtype)
""",
}


def run_in_cpython(source: str) -> list[str]:
    """The lines real PyTorch prints for the same program."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(source, "<program>", "exec"), {"__name__": "__main__"})
    return out.getvalue().splitlines()


@pytest.mark.parametrize("name", PROGRAMS)
def test_the_explorers_torch_prints_what_pytorch_prints(name: str) -> None:
    source = PROGRAMS[name]
    assert [p.text for p in run_program(source).prints] == run_in_cpython(source)


def random_points_program(dtype: str, expression: str) -> str:
    """A program printing y = expression * w and both grads at 40 random points."""
    rng = random.Random(7)
    points = [(rng.uniform(-4, 4), rng.uniform(-4, 4)) for _ in range(40)]
    return f"""
import torch
for p, q in {points!r}:
    x = torch.tensor([p], dtype={dtype}, requires_grad=True)
    w = torch.tensor([q], dtype={dtype}, requires_grad=True)
    y = {expression} * w
    y.backward()
    print(y.item(), x.grad.item(), w.grad.item())
"""


@pytest.mark.parametrize("dtype", ["torch.float32", "torch.float64"])
@pytest.mark.parametrize("expression", ["x * w + 1", "x / w", "2 / x", "x**2", "x**3", "(x - w).relu()", "1 - x"])
def test_each_arithmetic_operation_and_its_grads_equal_pytorchs_at_random_points(dtype: str, expression: str) -> None:
    source = random_points_program(dtype, expression)
    assert [p.text for p in run_program(source).prints] == run_in_cpython(source)


@pytest.mark.parametrize("dtype", ["torch.float32", "torch.float64"])
@pytest.mark.parametrize("expression", ["x.tanh()", "x.exp()", "x.sigmoid()"])
def test_tanh_exp_and_sigmoid_are_within_a_few_units_in_the_last_place_of_pytorchs(dtype: str, expression: str) -> None:
    # PyTorch computes these with SLEEF's vectorised approximations, 1 ulp from the correctly rounded C
    # library's (which the explorer uses) at some points: the lecture's points agree exactly (above)
    source = random_points_program(dtype, expression)
    ulp = 2.0**-23 if dtype == "torch.float32" else 2.0**-52
    for mine, theirs in zip([p.text for p in run_program(source).prints], run_in_cpython(source), strict=True):
        for a, b in zip(map(float, mine.split()), map(float, theirs.split()), strict=True):
            assert a == pytest.approx(b, rel=64 * ulp, abs=1e-30)  # 1 ulp in s, through 1 - s


def test_the_pytorch_cell_is_a_graph_the_explorer_draws() -> None:
    run = run_program(TORCH_NEURON)
    assert len(run.passes) == 1 and run.value_class == "builtin"
    graph = run.passes[0]
    ops = sorted(run.nodes[k].op for k in graph.order)
    assert ops == ["", "", "", "", "", "*", "*", "+", "+", "tanh"]
    names = {run.nodes[k].name for k in graph.order if not run.nodes[k].op}
    assert names == {"x1", "x2", "w1", "w2", "b"}


@pytest.mark.parametrize(
    "source",
    [
        "import torch\nx = torch.Tensor([[1.0, 2.0]])\n",
        "import torch\nx = torch.tensor([1.0, 2.0])\n",
        "import torch\nx = torch.tensor([1.0]) * 'a'\n",
        "import torch\nx = torch.tensor([1.0])\nx.backward()\n",
        "import torch\nx = torch.tensor([1.0]) ** torch.tensor([2.0])\n",
        "import torch\ntorch.load('model.pt')\n",
        "import torch\ntorch.tensor([1.0]).numpy()\n",
    ],
)
def test_torch_misuse_is_a_clear_error_at_its_line(source: str) -> None:
    with pytest.raises(ProgramError) as caught:
        run_program(source)
    assert caught.value.line in (2, 3)
    assert caught.value.kind in ("type", "name", "unsupported")
