"""Independent gradient oracles for the tests: PyTorch autograd on the same graph."""

from __future__ import annotations

from typing import Any

from engine.language import Program
from engine.value import topological_order


def torch_grads(program: Program) -> tuple[float, dict[str, float]]:
    """Rebuild the program's graph in PyTorch (float64), run its backward, return output and grads by id."""
    import torch

    tensors: dict[int, Any] = {}
    order = topological_order(program.output)
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
    output = tensors[id(program.output)]
    output.backward()
    return output.item(), {str(node.id): float(tensors[id(node)].grad.item()) for node in order}
