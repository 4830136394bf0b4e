"""What the API shows of one pass: its nodes, edges, steps, resets and updates, and the run's record."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from engine.program.source import Note
from engine.record import Cell, Print

Number = int | float


@dataclass(frozen=True)
class NodeRecord:
    """One value node as the API shows it, with its numbers in the chosen pass."""

    id: str
    name: str | None
    label: str
    op: str
    data: Number
    grad: Number
    numeric_grad: float | None
    line: int
    column: int
    grad_before: Number
    path: str | None
    group: str | None
    expr: str  # the source text that made it, shortened: the page's name for a value with no label or path


@dataclass(frozen=True)
class EdgeRecord:
    """An operand flowing into a result; `a + a` has two."""

    source: str
    target: str


@dataclass(frozen=True)
class DepositRecord:
    """One chain-rule term of a backward step: grad[to] += local * upstream (= amount)."""

    to: str
    local: Number
    upstream: Number
    amount: Number


@dataclass(frozen=True)
class BackwardRecord:
    """The seed (no deposits), or one `_backward` call with its deposits."""

    node: str
    deposits: list[DepositRecord]


@dataclass(frozen=True)
class SetRecord:
    """A grad set by hand in a backward pass: `f.grad = 4.0` in the lecture's manual backpropagation."""

    node: str
    set: float
    line: int | None
    deposits: list[DepositRecord]


@dataclass(frozen=True)
class PassRecord:
    """One backward() call of the program, for the loss curve."""

    index: int
    output: str
    label: str
    data: Number  # the output's data: the loss
    line: int | None  # of the backward() call; None for the explorer's own pass
    values: int
    stale: bool
    manual: bool


@dataclass(frozen=True)
class MutationRecord:
    """A reset before the pass or an update after it."""

    node: str
    field: str
    before: Number
    after: Number
    line: int


@dataclass(frozen=True)
class GroupRecord:
    """A call of the program's own function or method that made values of this pass."""

    id: str
    name: str
    label: str
    parent: str | None
    line: int
    output: str | None


@dataclass(frozen=True)
class ViewRecord:
    """A draw_dot(v) call: the pass it shows and how far that pass's timeline had got."""

    index: int
    line: int
    output: str
    pass_index: int  # "pass" in the API
    position: int


@dataclass(frozen=True)
class Exploration:
    """Everything the page and the API show of one program at one pass."""

    output: str | None
    nodes: list[NodeRecord]  # topological order
    edges: list[EdgeRecord]
    forward: list[str]
    backward: list[BackwardRecord | SetRecord]
    pass_index: int | None  # "pass" in the API
    passes: list[PassRecord]
    resets: list[MutationRecord]
    updates: list[MutationRecord]
    prints: list[Print]
    result: str | None
    notes: list[Note]
    groups: list[GroupRecord]
    views: list[ViewRecord]
    cells: list[Cell]
    value_class: str
    checks: list[Any] = field(default_factory=list)  # what the explorer found wrong in the program's own engine
    plots: list[Any] = field(default_factory=list)  # figures the program made
