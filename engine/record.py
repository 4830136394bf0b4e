"""The recorder's message to a Run: every value, pass, view, group, print and cell of one run (pure functions).

The jailed process sends what happened as events (engine/program/recorder.py); replaying them
here gives each value's data and grad at every moment, so a pass's graph, its grads before
and after, its steps with their deposits, its resets and updates, and each draw_dot's picture
are what the program's own code did, in the order it did it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import accumulate, pairwise, starmap
from typing import Any

from engine.errors import ProgramError
from engine.program.events import VALUE_INTS, unpack
from engine.program.source import Note

# A run makes many objects in reference cycles (a value and its _backward closure), and its replay tens of
# thousands of records. At Python's default of 700 allocations the collector runs thousands of times a run
# and walks every object each time it reaches the oldest generation (both the jailed process and the server).
GC_THRESHOLDS = (50_000, 20, 20)  # allocations before a young collection, young before middle, middle before old


@dataclass(frozen=True)
class Print:
    """A line the program printed, with the line of the print that ended it."""

    line: int
    text: str


@dataclass(frozen=True)
class Cell:
    """A `# %%` cell: its lines and its Out[n] as Jupyter shows it."""

    index: int
    line: int
    end_line: int
    out: str | None


@dataclass(slots=True)
class Node:
    """A value the program made: its operands, operation, label, place and call."""

    index: int
    children: tuple[int, ...]
    op: str
    label: str  # the program's own label ("" when it gave none)
    line: int
    column: int
    group: str | None
    made_data: float  # its data when made
    expr: str = ""  # the source text that made it, shortened
    name: str | None = None  # the first module-scope name bound to it

    @property
    def id(self) -> str:
        """Node ids count the values in the order made: n0, n1, ..."""
        return f"n{self.index}"


@dataclass(slots=True)
class Mutation:
    """A write of a value's data or grad outside a backward pass: a reset or an update."""

    node: int
    field: str  # "data" or "grad"
    before: float
    after: float
    line: int
    event: int = 0  # events before it


@dataclass(slots=True)
class Step:
    """One backward step: a `_backward` call with its grad writes (deposits), or a grad set by hand."""

    node: int
    line: int | None
    upstream: float  # the node's grad when the step began
    deposits: list[tuple[int, float, float]] = field(default_factory=list)  # (to, grad before, grad after)
    lines: list[int] = field(default_factory=list)  # the program line of each deposit's write
    set: float | None = None  # a hand-set grad: the node's new grad
    event: int = 0  # events before it


@dataclass
class Pass:
    """A backward() call, or the program's backprop by hand on one graph (manual)."""

    index: int
    output: int
    line: int | None  # of the backward() call; None for the explorer's own pass and for manual ones
    manual: bool
    order: list[int]  # topological, the output last
    data: list[float]
    grad_before: list[float]
    grad: list[float]  # when the pass ended
    stale: bool  # some grad was not zero when the pass began: grads accumulate
    resets: list[Mutation] = field(default_factory=list)
    updates: list[Mutation] = field(default_factory=list)
    event: int = 0  # events before it
    # its steps: built as they are replayed, or replayed from its events when first read (engine/pass_events.py)
    replayed: list[Step] = field(default_factory=list, repr=False)
    unreplayed: Callable[[], list[Step]] | None = field(default=None, repr=False, compare=False)

    @property
    def steps(self) -> list[Step]:
        """Its steps after the seed."""
        if self.unreplayed is not None:
            self.replayed, self.unreplayed = self.unreplayed(), None
        return self.replayed


@dataclass
class View:
    """A draw_dot(v) call: the graph of v as it stood then, and where that is on a pass's timeline."""

    index: int
    line: int
    output: int
    order: list[int]
    data: list[float]
    grad: list[float]
    event: int  # events before it
    pass_index: int = 0
    position: int = 0


@dataclass(frozen=True)
class Group:
    """A call of the program's own function or method that made values: `Neuron 3` called by `Layer 1`."""

    id: str
    name: str  # Neuron.__call__
    label: str  # Neuron 3
    parent: str | None
    line: int
    output: int | None


@dataclass
class Run:
    """What one run of a program recorded."""

    nodes: list[Node]
    passes: list[Pass]
    views: list[View]
    default_pass: int | None  # the pass shown unless another is asked for
    prints: list[Print]
    result: str | None  # the last expression statement's value, as Out[] shows it
    notes: list[Note]
    groups: list[Group]
    bindings: dict[str, list[int]]  # module-level names and the values bound to them
    paths: dict[int, str]  # a leaf's path from a module-level name
    cells: list[Cell]
    value_class: str
    events: int  # events recorded: with the values, what the run holds in memory
    plots: list[Any] = field(default_factory=list)  # the figures, drawn by engine/figures/ (engine/run.py)

    @property
    def values(self) -> list[Node]:
        """Every value made, in the order made."""
        return self.nodes


def build_run(message: dict[str, Any], label_chars: int) -> Run:
    """The Run a message describes, or the ProgramError it reports (with what was recorded before it)."""
    from engine.trace import Replay  # the replay of events, kept in a module of its own

    ids = [f"g{i}" for i in range(len(message["groups"]))]
    groups = [
        Group(group_id, name, label, f"g{parent}" if parent >= 0 else None, line, output if output >= 0 else None)
        for group_id, (name, label, parent, line, output) in zip(ids, message["groups"], strict=True)
    ]
    prints = [Print(line, text) for line, text in message["prints"]]
    cells = [Cell(i, line, end, out) for i, (line, end, out) in enumerate(message["cells"])]
    notes = [Note(line, text) for line, text in message["notes"]]
    error = message["error"]
    if error is not None:
        raise ProgramError(error["kind"], error["message"], error["line"], error["column"], partial=(prints, cells))
    values = message["values"]
    numbers, ints, operands = (
        unpack(values[key], code) for key, code in (("numbers", "d"), ("ints", "i"), ("operands", "i"))
    )
    children = operands_of(tuple(operands), ints[4::VALUE_INTS])
    group_ids = [*ids, None]  # [-1]: made in no call
    exprs = message["exprs"]
    data = list(numbers[0::2])  # each value's data when made, and as the replay goes
    columns = zip(
        range(len(children)), children, shortened(message["ops"], label_chars),
        shortened(message["labels"], label_chars), ints[0::VALUE_INTS], ints[1::VALUE_INTS],
        map(group_ids.__getitem__, ints[2::VALUE_INTS]), data, map(exprs.__getitem__, ints[5::VALUE_INTS]),
        strict=True,
    )  # fmt: skip
    nodes = list(starmap(Node, columns))  # one call per value, with no Python loop of our own: a run makes thousands
    replay = Replay(nodes, children, data, list(numbers[1::2]), ints[3::VALUE_INTS])
    replay.run(message["events"])
    default = replay.views[-1].pass_index if replay.views else (len(replay.passes) - 1 if replay.passes else None)
    return Run(
        nodes=nodes,
        passes=replay.passes,
        views=replay.views,
        default_pass=default,
        prints=prints,
        result=message["result"],
        notes=notes,
        groups=groups,
        bindings=replay.bindings,
        paths={int(k): path for k, path in message["paths"].items()},
        cells=cells,
        value_class=message["value_class"],
        events=replay.count,
    )


def operands_of(operands: tuple[int, ...], counts: Iterable[int]) -> list[tuple[int, ...]]:
    """Each value's operands, in order, from all of them in a row and how many each value has."""
    return [operands[start:end] for start, end in pairwise(accumulate(counts, initial=0))]


def shortened(texts: list[str], chars: int) -> list[str]:
    """Each text cut to at most chars characters (the list itself when none is longer)."""
    # a run's ops and labels repeat: measuring each distinct text once is the cheaper
    return texts if max(map(len, set(texts)), default=0) <= chars else [text[:chars] for text in texts]
