"""Independent gradient oracles for the tests: PyTorch autograd on the same graph."""

from __future__ import annotations

from typing import Any

from engine.language import run_program
from engine.steps import replay
from engine.value import Value, topological_order


def default_output(source: str) -> Value:
    """The output of a program's default pass, with that pass's data."""
    run = run_program(source)
    assert run.default_pass is not None
    chosen = run.passes[run.default_pass]
    replay(chosen)
    return chosen.output


def torch_grads(output_value: Value) -> tuple[float, dict[str, float]]:
    """Rebuild a graph in PyTorch (float64), run its backward, return output and grads by id."""
    import torch

    tensors: dict[int, Any] = {}
    order = topological_order(output_value)
    for node in order:
        operands = [tensors[id(child)] for child in node._prev]
        op = node._op
        if not op:
            tensor = torch.tensor(node.data, dtype=torch.float64, requires_grad=True)
        elif op == "+":
            tensor = operands[0] + operands[1]
        elif op == "*":
            tensor = operands[0] * operands[1]
        elif op.startswith("**"):
            tensor = operands[0] ** float(op[2:])
        elif op == "ReLU":
            tensor = torch.relu(operands[0])
        else:
            tensor = getattr(torch, op)(operands[0])
        tensor.retain_grad()
        tensors[id(node)] = tensor
    output = tensors[id(output_value)]
    output.backward()
    return output.item(), {str(node.id): float(tensors[id(node)].grad.item()) for node in order}
