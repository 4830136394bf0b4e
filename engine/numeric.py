"""Finite-difference gradients: the lecture's nudge-and-rerun check, made central."""

from __future__ import annotations

import math

from engine.value import MathError, Value

NUMERIC_STEP = 1e-6  # h in (f(x+h) - f(x-h)) / 2h


def numeric_grads(order: list[Value], h: float = NUMERIC_STEP) -> list[float | None]:
    """d(output)/d(node) for every node of `order` (topological, output last) by central differences.

    Each node's data is nudged by +h and -h and the forward pass rerun over the nodes that
    depend on it; None where the forward pass fails near the node (a kink or a domain edge).
    """
    output = order[-1]
    estimates: list[float | None] = []
    for index, node in enumerate(order):
        downstream = _downstream(order, index)
        x = node.data
        saved = [later.data for later in downstream]
        try:
            plus = _output_with(node, x + h, downstream, output)
            minus = _output_with(node, x - h, downstream, output)
            estimate: float | None = (plus - minus) / (2 * h)
        except MathError:
            estimate = None
        finally:
            node.data = x
            for later, data in zip(downstream, saved, strict=True):
                later.data = data
        estimates.append(estimate if estimate is not None and math.isfinite(estimate) else None)
    return estimates


def _downstream(order: list[Value], index: int) -> list[Value]:
    """The nodes after order[index] whose data depends on it, in topological order."""
    changed = {id(order[index])}
    result = []
    for later in order[index + 1 :]:
        if any(id(child) in changed for child in later._prev):
            changed.add(id(later))
            result.append(later)
    return result


def _output_with(node: Value, data: float, downstream: list[Value], output: Value) -> float:
    node.data = data
    for later in downstream:
        later.recompute()
    return output.data
