"""One step of optimisation, as in the lecture: data += step * grad on chosen leaves."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from engine.errors import ProgramError
from engine.exploration import Exploration
from engine.limits import DEFAULT_LIMITS, Limits
from engine.steps import Runner, explore, leaf_key, record_pass, resolve_leaf, run_with_overrides


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
    pass_index: int | None = None,
    limits: Limits = DEFAULT_LIMITS,
    runner: Runner | None = None,
) -> NudgeResult:
    """Move the chosen leaves (all named leaves of the pass by default) along their grads in that pass.

    The new data is given where each leaf is made: its data then plus step * grad.
    """
    if not math.isfinite(step):
        raise ProgramError("math", "the step must be a finite number")
    overrides = dict(overrides or {})
    runner = runner or run_with_overrides
    run = runner(source, overrides, limits)
    graph = record_pass(run, pass_index, numeric_check=False, limits=limits)
    if graph.pass_index is None:
        raise ProgramError("name", "this program makes no Value, so there is nothing to nudge")
    chosen = run.passes[graph.pass_index]
    grads = dict(zip(chosen.order, chosen.grad, strict=True))
    if names is None:
        leaves = [
            run.nodes[k] for k in chosen.order if not run.nodes[k].children and (run.nodes[k].name or k in run.paths)
        ]
    else:
        leaves = list({leaf.index: leaf for leaf in (resolve_leaf(run, name) for name in names)}.values())
    nudged: dict[str, float] = {}
    before = chosen.data[-1]
    predicted = before
    for leaf in leaves:
        grad = grads.get(leaf.index, 0.0)
        change = step * grad
        new_data = leaf.made_data + change
        if not math.isfinite(new_data):
            raise ProgramError("math", f"the nudge makes {leaf.label or leaf.id} overflow", leaf.line, leaf.column)
        nudged[leaf_key(run, leaf)] = new_data
        predicted += grad * change
    moved = {leaf.index for leaf in leaves}
    kept = {key: value for key, value in overrides.items() if resolve_leaf(run, key).index not in moved}
    new_overrides = kept | nudged
    after_graph = explore(source, new_overrides, pass_index=graph.pass_index, limits=limits, runner=runner)
    after = next(node.data for node in after_graph.nodes if node.id == after_graph.output)
    return NudgeResult(before, after, predicted, new_overrides, after_graph)
