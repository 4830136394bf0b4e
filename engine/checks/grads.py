"""Final grads against finite differences: the lecture's nudge-and-rerun check, made central, for the `grad` checks.

Where every operation between a node and the output is known (engine/checks/chain_rule.py), the forward pass is
recomputed from the recorded graph with the node's data nudged by +h and -h. Where one is not, a leaf's
estimate comes from running the program again with the leaf's data nudged where it is made, at most
MAX_CHECK_RUNS runs (engine/limits.py) and only for leaves whose nudge changes nothing before the pass.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping

from engine.checks.chain_rule import forward, reversed_operands
from engine.errors import ProgramError
from engine.limits import Limits
from engine.record import Node, Pass, Run

STEP = 1e-6  # h in (f(x+h) - f(x-h)) / 2h, as the numeric check (engine/numeric.py)
KINKS = ("ReLU", "relu")

Rerun = Callable[[Mapping[int, float]], Run]  # the program run again with leaf data replaced by index


class Kink(ArithmeticError):
    """A nudge that crosses a kink (ReLU at 0): no derivative to estimate there."""


def graph_estimates(
    nodes: list[Node], chosen: Pass, max_nodes: int, only: set[int] | None = None, budget: int | None = None
) -> list[float | None]:
    """d(output)/d(node) for each node of the pass (of `only`, when given), by central differences on the
    recorded graph; None where an operation on the way is not known, at a kink, for a node not asked for,
    for a pass over `max_nodes` nodes, and for the nodes after `budget` operations were recomputed."""
    order = chosen.order
    if len(order) > max_nodes:
        return [None] * len(order)
    values = dict(zip(order, chosen.data, strict=True))
    output = order[-1]
    position = {k: i for i, k in enumerate(order)}
    users: dict[int, list[int]] = {k: [] for k in order}
    for k in order:
        for child in nodes[k].children:
            if child in users:
                users[child].append(k)
    estimates: list[float | None] = []
    for k in order:
        if only is not None and k not in only:
            estimates.append(None)
            continue
        downstream = _downstream(k, users, position)
        if budget is not None:
            budget -= 2 * len(downstream)
            if budget < 0:
                estimates.append(None)
                continue
        try:
            plus = _output_with(nodes, values, k, values[k] + STEP, downstream, output)
            minus = _output_with(nodes, values, k, values[k] - STEP, downstream, output)
            estimate: float | None = (plus - minus) / (2 * STEP)
        except (ArithmeticError, ValueError, KeyError, TypeError):
            estimate = None
        estimates.append(estimate if estimate is not None and math.isfinite(estimate) else None)
    return estimates


def _downstream(k: int, users: dict[int, list[int]], position: dict[int, int]) -> list[int]:
    """The nodes whose data depends on k, in topological order."""
    seen: set[int] = set()
    stack = list(users[k])
    while stack:
        node = stack.pop()
        if node not in seen:
            seen.add(node)
            stack.extend(users[node])
    return sorted(seen, key=position.__getitem__)


def _output_with(
    nodes: list[Node], values: dict[int, float], k: int, data: float, downstream: list[int], output: int
) -> float:
    trial = {k: data}
    for later in downstream:
        node = nodes[later]
        operands = [trial.get(child, values[child]) for child in node.children]
        if reversed_operands(node.op, [values[child] for child in node.children], values[later]):
            operands.reverse()
        if node.op in KINKS and (values[node.children[0]] == 0 or (operands[0] > 0) != (values[node.children[0]] > 0)):
            raise Kink(node.op)
        trial[later] = forward(node.op, operands)
    return trial.get(output, values[output])


def rerun_estimates(
    run: Run,
    chosen: Pass,
    estimates: list[float | None],
    rerun: Rerun,
    limits: Limits,
    base: Mapping[int, float],
) -> tuple[list[float | None], int]:
    """Fill in the estimates of leaves the recorded graph could not give by running the program again with the
    leaf's data nudged where it is made (two runs a leaf, at most max_check_runs, and no leaf begun whose two
    runs, as long as the longest so far, would end past max_check_seconds): only leaves of this pass that no
    earlier pass used and whose data is still what they were made with. Returns the estimates and the runs made."""
    earlier: set[int] = set()
    for before in run.passes[: chosen.index]:
        earlier.update(before.order)
    filled = list(estimates)
    runs = 0
    deadline = time.monotonic() + limits.max_check_seconds
    longest = 0.0  # the longest run so far: no leaf is begun whose two runs would end past the deadline
    for i, (k, data) in enumerate(zip(chosen.order, chosen.data, strict=True)):
        node = run.nodes[k]
        if filled[i] is not None or node.children or k in earlier or data != node.made_data:
            continue
        if runs + 2 > limits.max_check_runs or time.monotonic() + 2 * longest > deadline:  # two more must fit
            break
        outputs = []
        for sign in (1, -1):
            runs += 1
            began = time.monotonic()
            try:
                again = rerun({**base, k: data + sign * STEP})
            except ProgramError:
                break
            finally:
                longest = max(longest, time.monotonic() - began)
            same = len(again.passes) > chosen.index and again.passes[chosen.index].output == chosen.output
            if not same:
                break
            outputs.append(again.passes[chosen.index].data[-1])
        if len(outputs) == 2:
            estimate = (outputs[0] - outputs[1]) / (2 * STEP)
            filled[i] = estimate if math.isfinite(estimate) else None
    return filled, runs
