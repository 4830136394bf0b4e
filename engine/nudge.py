"""One step of optimisation, as in the lecture: data += step * grad on chosen leaves."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from engine.errors import ProgramError
from engine.language import parse_program
from engine.limits import DEFAULT_LIMITS, Limits
from engine.steps import Exploration, apply_overrides, explore, leaf_key, record_graph, resolve_leaf
from engine.value import topological_order


@dataclass(frozen=True)
class NudgeResult:
    """The output before and after the nudge, the first-order prediction, and the new state."""

    before: float
    after: float
    predicted: float
    overrides: dict[str, float]  # send back as overrides to reproduce the new state
    graph: Exploration


def nudge(
    source: str,
    step: float,
    overrides: Mapping[str, float] | None = None,
    names: Sequence[str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> NudgeResult:
    """Move the chosen leaves (all named leaves of the graph by default) along their grads."""
    if not math.isfinite(step):
        raise ProgramError("math", "the step must be a finite number")
    overrides = dict(overrides or {})
    program = parse_program(source, limits)
    apply_overrides(program, overrides)
    before_graph = record_graph(program, numeric_check=False, limits=limits)
    if names is None:
        leaves = [node for node in topological_order(program.output) if not node._prev and node.name is not None]
    else:
        leaves = list({id(leaf): leaf for leaf in (resolve_leaf(program, name) for name in names)}.values())
    nudged: dict[str, float] = {}
    predicted = program.output.data
    for leaf in leaves:
        change = step * leaf.grad
        new_data = leaf.data + change
        if not math.isfinite(new_data):
            raise ProgramError("math", f"the nudge makes {leaf.label or leaf.id} overflow", leaf.line, leaf.column)
        nudged[leaf_key(program, leaf)] = new_data
        predicted += leaf.grad * change
    moved = {id(leaf) for leaf in leaves}
    kept = {key: value for key, value in overrides.items() if id(resolve_leaf(program, key)) not in moved}
    new_overrides = kept | nudged
    graph = explore(source, new_overrides, limits=limits)
    after = next(node.data for node in graph.nodes if node.id == graph.output)
    before = next(node.data for node in before_graph.nodes if node.id == before_graph.output)
    return NudgeResult(before, after, predicted, new_overrides, graph)
