"""Independent gradient oracles for the tests: PyTorch autograd on the same graph."""

from __future__ import annotations

from typing import Any

from engine.record import Pass, Run
from engine.run import run_program


def default_output(source: str) -> tuple[Run, Pass]:
    """A program's run and its default pass."""
    run = run_program(source)
    assert run.default_pass is not None
    return run, run.passes[run.default_pass]


def torch_grads(recorded: tuple[Run, Pass]) -> tuple[float, dict[str, float]]:
    """Rebuild a pass's graph in PyTorch (float64) from its data and operations, run its backward,
    return the output and the grads by node id."""
    import torch

    run, chosen = recorded
    tensors: dict[int, Any] = {}
    for k, data in zip(chosen.order, chosen.data, strict=True):
        node = run.nodes[k]
        operands = [tensors[child] for child in node.children]
        op = node.op
        if op in ("+", "*") and len(operands) == 1:  # `a + a` of a class that keeps its operands in a set
            operands = operands * 2
        if not op:
            tensor = torch.tensor(data, dtype=torch.float64, requires_grad=True)
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
        tensors[k] = tensor
    output = tensors[chosen.output]
    output.backward()
    return output.item(), {run.nodes[k].id: float(tensors[k].grad.item()) for k in chosen.order}
