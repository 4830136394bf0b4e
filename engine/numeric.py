"""Finite-difference gradients: the lecture's nudge-and-rerun check, made central.

The forward pass is rerun from the recorded graph with micrograd's operations (`+`, `*`,
`**k`, `tanh`, `exp`, `log`, `ReLU`, `sigmoid`), whoever's class made the values; a node
downstream of an operation of another name gets no estimate.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

from engine.record import Node

NUMERIC_STEP = 1e-6  # h in (f(x+h) - f(x-h)) / 2h


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))


OPERATIONS: dict[str, Callable[[Sequence[float]], float]] = {
    "+": lambda x: x[0] + x[1],
    "*": lambda x: x[0] * x[1],
    "tanh": lambda x: math.tanh(x[0]),
    "exp": lambda x: math.exp(x[0]),
    "log": lambda x: math.log(x[0]),
    "ReLU": lambda x: max(0.0, x[0]),
    "sigmoid": lambda x: _sigmoid(x[0]),
}


def forward(op: str, operands: Sequence[float]) -> float:
    """micrograd's operation `op` on its operands' data; KeyError for an operation it does not have.

    A `+` or `*` with one operand is `a + a` or `a * a` of a class that keeps its operands in a set.
    """
    if op.startswith("**"):
        return float(operands[0] ** float(op[2:]))
    if op in ("+", "*") and len(operands) == 1:
        operands = [operands[0], operands[0]]
    if op in OPERATIONS and len(operands) == (2 if op in "+*" else 1):
        return OPERATIONS[op](operands)
    raise KeyError(op)


def numeric_grads(
    nodes: list[Node], order: list[int], data: list[float], h: float = NUMERIC_STEP
) -> list[float | None]:
    """d(output)/d(node) for every node of `order` (topological, output last) by central differences.

    Each node's data is nudged by +h and -h and the forward pass rerun over the nodes that
    depend on it; None where it fails near the node (a kink, a domain edge, an unknown operation).
    """
    values = dict(zip(order, data, strict=True))
    output = order[-1]
    estimates: list[float | None] = []
    for index, k in enumerate(order):
        downstream = _downstream(nodes, order, index)
        try:
            plus = _output_with(nodes, values, k, values[k] + h, downstream, output)
            minus = _output_with(nodes, values, k, values[k] - h, downstream, output)
            estimate: float | None = (plus - minus) / (2 * h)
        except (ArithmeticError, ValueError, KeyError):
            estimate = None
        estimates.append(estimate if estimate is not None and math.isfinite(estimate) else None)
    return estimates


def _downstream(nodes: list[Node], order: list[int], index: int) -> list[int]:
    """The nodes after order[index] whose data depends on it, in topological order."""
    changed = {order[index]}
    result = []
    for later in order[index + 1 :]:
        if any(child in changed for child in nodes[later].children):
            changed.add(later)
            result.append(later)
    return result


def _output_with(
    nodes: list[Node], values: dict[int, float], k: int, data: float, downstream: list[int], output: int
) -> float:
    trial = {k: data}
    for later in downstream:
        operands = [trial.get(child, values[child]) for child in nodes[later].children]
        trial[later] = forward(nodes[later].op, operands)
    return trial.get(output, values[output])
