"""What a run records of its backward passes: each graph as it stood, its resets and its updates.

A pass is one `backward()` call. It keeps the graph's topological order, every node's data
then and its grad before the pass began; the deposits are not kept, since replaying the
backward pass from those numbers gives them again exactly (engine/steps.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from engine.value import Number, Value, topological_order

MUTATION_STEPS = 2  # an assignment to data or grad is recorded, which costs about two statements' work

if TYPE_CHECKING:
    from engine.language.runtime import Runtime


@dataclass(frozen=True)
class Mutation:
    """An assignment to a Value's data or grad: `p.grad = 0.0`, `p.data += -0.1 * p.grad`."""

    node: Value
    field: str  # "data" or "grad"
    before: Number
    after: Number
    line: int


@dataclass
class Pass:
    """One backward() call: the graph then, its resets before it and its updates after it."""

    index: int
    output: Value
    line: int | None  # of the backward() call; None for the explorer's own pass
    order: list[Value]  # topological, the output last
    data: list[Number]
    grad_before: list[Number]
    stale: bool  # some grad was not zero when the pass began: grads accumulate
    resets: list[Mutation] = field(default_factory=list)
    updates: list[Mutation] = field(default_factory=list)


class PassRecorder:
    """Records passes and sorts every data and grad assignment into a pass's resets or updates."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.passes: list[Pass] = []
        self.pending: list[Mutation] = []  # assignments since the last backward()
        self.last_members: set[int] = set()
        self.made_data: dict[str, Number] = {}  # a leaf's data when made, for those whose data was assigned

    def mutate(self, node: Value, field_name: str, after: Number) -> None:
        """Assign data or grad, remembering the assignment."""
        before = getattr(node, field_name)
        if field_name == "data":
            self.made_data.setdefault(str(node.id), before)
        setattr(node, field_name, after)
        self.runtime.tick(MUTATION_STEPS)
        self.pending.append(Mutation(node, field_name, before, after, self.runtime.where[0]))
        self.runtime.check_length(len(self.pending))

    def backward(self, output: Value, line: int | None) -> Pass:
        """Run micrograd's backward() from `output` and record the pass."""
        runtime = self.runtime
        if len(self.passes) >= runtime.limits.max_passes:
            raise runtime.error("limit", f"the program called backward() more than {runtime.limits.max_passes:,} times")
        order = topological_order(output)
        runtime.tick(2 * len(order))
        runtime.allocate(2 * len(order))
        members = {id(node) for node in order}
        resets = self._sort_pending(members)
        recorded = Pass(
            index=len(self.passes),
            output=output,
            line=line,
            order=order,
            data=[node.data for node in order],
            grad_before=[node.grad for node in order],
            stale=False,
            resets=resets,
        )
        recorded.stale = any(grad != 0 for grad in recorded.grad_before)
        self.passes.append(recorded)
        self.last_members = members
        output.backward(order)
        return recorded

    def finish(self) -> None:
        """Give the assignments after the last backward() to the last pass as its updates."""
        self._sort_pending(set())

    def _sort_pending(self, members: set[int]) -> list[Mutation]:
        """Grad assignments to the coming pass's nodes are its resets; the rest update the last pass."""
        resets = []
        for mutation in self.pending:
            if mutation.field == "grad" and id(mutation.node) in members:
                resets.append(mutation)
            elif self.passes and id(mutation.node) in self.last_members:
                self.passes[-1].updates.append(mutation)
        self.pending = []
        return resets
