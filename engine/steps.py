"""The centre of the engine: program text in, one pass's graph and step records out (shared/API.md)."""

from __future__ import annotations

import math
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from engine.errors import ProgramError
from engine.language import Run, run_program
from engine.language.runtime import Print
from engine.language.syntax import Note
from engine.limits import DEFAULT_LIMITS, Limits
from engine.numeric import numeric_grads
from engine.passes import Mutation, Pass
from engine.value import BackwardStep, MathError, Number, Value


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
    """The seed (no deposits) or one operation node's backward."""

    node: str
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
class Exploration:
    """Everything the page and the API show of one program at one pass."""

    output: str | None
    nodes: list[NodeRecord]  # topological order
    edges: list[EdgeRecord]
    forward: list[str]
    backward: list[BackwardRecord]
    pass_index: int | None  # "pass" in the API
    passes: list[PassRecord]
    resets: list[MutationRecord]
    updates: list[MutationRecord]
    prints: list[Print]
    result: str | None
    notes: list[Note]
    groups: list[GroupRecord]


Runner = Callable[[str, Mapping[str, float], Limits], Run]  # run_with_overrides, or a cache in front of it


def explore(
    source: str,
    overrides: Mapping[str, float] | None = None,
    numeric_check: bool = False,
    pass_index: int | None = None,
    limits: Limits = DEFAULT_LIMITS,
    runner: Runner | None = None,
) -> Exploration:
    """Run a program with its overrides and record the chosen pass (the default one when None)."""
    run = (runner or run_with_overrides)(source, overrides or {}, limits)
    return record_pass(run, pass_index, numeric_check, limits)


def run_with_overrides(source: str, overrides: Mapping[str, float], limits: Limits, plain: Run | None = None) -> Run:
    """Run the program; overrides name leaves as the run without them (`plain`, when known) does, and apply
    where each is made."""
    if plain is None:
        plain = run_program(source, limits)
    if not overrides:
        return plain
    by_id: dict[str, float] = {}
    for key, number in overrides.items():
        if not math.isfinite(number):
            raise ProgramError("math", f"the new data for '{key}' is not a finite number")
        by_id[str(resolve_leaf(plain, key).id)] = number
    return run_program(source, limits, by_id)


def resolve_leaf(run: Run, key: str) -> Value:
    """The leaf a name, a path or a node id refers to, or a `name` error saying why there is none."""
    bound = run.bindings.get(key)
    if bound is not None:
        leaves = list({id(node): node for node in bound if not node._prev}.values())
        if len(leaves) > 1:
            ids = ", ".join(str(leaf.id) for leaf in leaves[:5])
            raise ProgramError("name", f"'{key}' names {len(leaves)} leaves ({ids}...); give the node id instead")
        if not leaves:
            raise ProgramError("name", f"'{key}' is not a leaf; only leaves (such as a = 2.0) can be set")
        return leaves[0]
    for node in run.values:
        if run.paths.get(id(node)) == key:
            return node
    index = key[1:] if key.startswith("n") else ""
    if index.isdigit() and str(int(index)) == index and int(index) < len(run.values):
        node = run.values[int(index)]
        if node._prev:
            raise ProgramError("name", f"node {key} is not a leaf; only leaves can be set")
        return node
    raise ProgramError("name", f"'{key}' is neither a name, a path nor a node id of the program")


def leaf_key(run: Run, leaf: Value) -> str:
    """The key that names `leaf` in overrides: its name or path where unambiguous, else its id."""
    for key in (leaf.name, run.paths.get(id(leaf))):
        if key is not None:
            try:
                if resolve_leaf(run, key) is leaf:
                    return key
            except ProgramError:
                pass
    return str(leaf.id)


_REPLAY_LOCK = threading.Lock()  # a replay sets the numbers of a run's values; one at a time


def record_pass(run: Run, pass_index: int | None, numeric_check: bool, limits: Limits) -> Exploration:
    """Replay the chosen pass (its data, its grads before, its backward) and record every step."""
    index = run.default_pass if pass_index is None else pass_index
    records = [_pass_record(recorded) for recorded in run.passes]
    notes = run.notes
    if index is None:
        notes = [*notes, Note(None, "this program makes no Value, so there is no graph; use Value(2.0) to make one")]
        return Exploration(None, [], [], [], [], None, records, [], [], run.prints, run.result, notes, [])
    if not 0 <= index < len(run.passes):
        raise ProgramError(
            "name", f"there is no pass {index}; the program made {len(run.passes)} (0 to {len(run.passes) - 1})"
        )
    chosen = run.passes[index]
    with _REPLAY_LOCK:
        steps = replay(chosen)
        numeric: list[float | None] = [None] * len(chosen.order)
        if numeric_check:
            if len(chosen.order) > limits.max_numeric_nodes:
                raise ProgramError(
                    "limit",
                    f"the numeric check is limited to {limits.max_numeric_nodes:,} nodes;"
                    f" this graph has {len(chosen.order):,}",
                )
            numeric = numeric_grads(chosen.order)
        nodes = [
            NodeRecord(
                id=str(node.id),
                name=node.name,
                label=node.label or run.paths.get(id(node), ""),
                op=node._op,
                data=node.data,
                grad=node.grad,
                numeric_grad=estimate,
                line=node.line or 1,
                column=node.column or 1,
                grad_before=before,
                path=run.paths.get(id(node)),
                group=node.group,
            )
            for node, estimate, before in zip(chosen.order, numeric, chosen.grad_before, strict=True)
        ]
    edges = [EdgeRecord(str(child.id), str(node.id)) for node in chosen.order for child in node._prev]
    backward = [
        BackwardRecord(
            str(step.node.id), [DepositRecord(str(d.to.id), d.local, d.upstream, d.amount) for d in step.deposits]
        )
        for step in steps
    ]
    return Exploration(
        output=str(chosen.output.id),
        nodes=nodes,
        edges=edges,
        forward=[node.id for node in nodes],
        backward=backward,
        pass_index=index,
        passes=records,
        resets=[_mutation(m) for m in chosen.resets],
        updates=[_mutation(m) for m in chosen.updates],
        prints=run.prints,
        result=run.result,
        notes=notes,
        groups=_groups(run, chosen),
    )


def replay(chosen: Pass) -> list[BackwardStep]:
    """Set a pass's data and grads as they were when its backward() began, and run that backward again."""
    for node, data, grad in zip(chosen.order, chosen.data, chosen.grad_before, strict=True):
        node.data, node.grad = data, grad
    try:
        return list(chosen.output.backward(chosen.order))
    except MathError as error:
        node = error.node or chosen.output
        raise ProgramError("math", error.message, node.line, node.column) from None


def _pass_record(recorded: Pass) -> PassRecord:
    output = recorded.output
    return PassRecord(
        recorded.index,
        str(output.id),
        output.label,
        recorded.data[-1],
        recorded.line,
        len(recorded.order),
        recorded.stale,
    )


def _mutation(mutation: Mutation) -> MutationRecord:
    return MutationRecord(str(mutation.node.id), mutation.field, mutation.before, mutation.after, mutation.line)


def _groups(run: Run, chosen: Pass) -> list[GroupRecord]:
    """The groups that made this pass's values, with their ancestors."""
    by_id = {group.id: group for group in run.groups}
    members = {id(node) for node in chosen.order}
    wanted: set[str] = set()
    for node in chosen.order:
        group_id = node.group
        while group_id is not None and group_id not in wanted:
            wanted.add(group_id)
            group_id = by_id[group_id].parent
    chosen_groups = [group for group in run.groups if group.id in wanted]
    calls = Counter(group.label for group in chosen_groups)
    counted: Counter[str] = Counter()
    records = []
    for group in chosen_groups:
        label = group.label
        if calls[label] > 1:  # the same neuron on each example: `Neuron 3 · call 2`
            counted[label] += 1
            label = f"{label} · call {counted[label]}"
        output = str(group.output.id) if group.output is not None and id(group.output) in members else None
        records.append(GroupRecord(group.id, group.name, label, group.parent, group.line, output))
    return records
