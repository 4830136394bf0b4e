"""The centre of the engine: program text in, graph and step records out."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from engine.errors import ProgramError
from engine.language import Program, parse_program
from engine.limits import DEFAULT_LIMITS, Limits
from engine.numeric import numeric_grads
from engine.value import MathError, Value, topological_order


@dataclass(frozen=True)
class NodeRecord:
    """One value node as the API shows it."""

    id: str
    name: str | None
    label: str
    op: str
    data: float
    grad: float
    numeric_grad: float | None
    line: int
    column: int


@dataclass(frozen=True)
class EdgeRecord:
    """An operand flowing into a result; `a + a` has two."""

    source: str
    target: str


@dataclass(frozen=True)
class DepositRecord:
    """One chain-rule term of a backward step: grad[to] += local * upstream (= amount)."""

    to: str
    local: float
    upstream: float
    amount: float


@dataclass(frozen=True)
class BackwardRecord:
    """The seed (no deposits) or one operation node's backward."""

    node: str
    deposits: list[DepositRecord]


@dataclass(frozen=True)
class Exploration:
    """Everything the page and the API show of one program, after forward and backward."""

    output: str
    nodes: list[NodeRecord]  # topological order
    edges: list[EdgeRecord]
    forward: list[str]
    backward: list[BackwardRecord]


def explore(
    source: str,
    overrides: Mapping[str, float] | None = None,
    numeric_check: bool = False,
    limits: Limits = DEFAULT_LIMITS,
) -> Exploration:
    """Parse, apply overrides, run forward and backward, and record every step."""
    program = parse_program(source, limits)
    apply_overrides(program, overrides or {})
    return record_graph(program, numeric_check, limits)


def resolve_leaf(program: Program, key: str) -> Value:
    """The leaf a name or node id refers to, or a `name` error saying why there is none."""
    bound = program.bindings.get(key)
    if bound is not None:
        leaves = list({id(node): node for node in bound if not node._prev}.values())
        if len(leaves) > 1:
            ids = ", ".join(str(leaf.id) for leaf in leaves)
            raise ProgramError("name", f"'{key}' names {len(leaves)} leaves ({ids}); give the node id instead")
        if not leaves:
            raise ProgramError("name", f"'{key}' is not a leaf; only leaves (such as a = 2.0) can be set")
        return leaves[0]
    index = key[1:] if key.startswith("n") else ""
    if index.isdigit() and int(index) < len(program.nodes) and str(int(index)) == index:
        node = program.nodes[int(index)]
        if node._prev:
            raise ProgramError("name", f"node {key} is not a leaf; only leaves can be set")
        return node
    raise ProgramError("name", f"'{key}' is neither a name in the program nor a node id")


def leaf_key(program: Program, leaf: Value) -> str:
    """The key that names `leaf` in overrides: its name where that is unambiguous, else its id."""
    if leaf.name is not None:
        try:
            if resolve_leaf(program, leaf.name) is leaf:
                return leaf.name
        except ProgramError:
            pass
    return str(leaf.id)


def apply_overrides(program: Program, overrides: Mapping[str, float]) -> None:
    """Give leaves new data, then run the whole forward pass again."""
    if not overrides:
        return
    for key, number in overrides.items():
        leaf = resolve_leaf(program, key)
        if not math.isfinite(number):
            raise ProgramError("math", f"the new data for '{key}' is not a finite number")
        leaf.data = float(number)
    for node in program.nodes:
        if node._prev:
            try:
                node.recompute()
            except MathError as error:
                raise _math_error(error, node) from None


def record_graph(program: Program, numeric_check: bool, limits: Limits) -> Exploration:
    """Run backward from the output and record the forward order and every backward deposit."""
    order = topological_order(program.output)
    try:
        steps = program.output.backward()
    except MathError as error:
        raise _math_error(error, program.output) from None
    numeric: list[float | None] = [None] * len(order)
    if numeric_check:
        if len(order) > limits.max_numeric_nodes:
            raise ProgramError(
                "limit",
                f"the numeric check is limited to {limits.max_numeric_nodes:,} nodes; this graph has {len(order):,}",
            )
        numeric = numeric_grads(order)
    nodes = [
        NodeRecord(
            id=str(node.id),
            name=node.name,
            label=node.label,
            op=node._op,
            data=node.data,
            grad=node.grad,
            numeric_grad=estimate,
            line=node.line or 1,
            column=node.column or 1,
        )
        for node, estimate in zip(order, numeric, strict=True)
    ]
    edges = [EdgeRecord(str(child.id), str(node.id)) for node in order for child in node._prev]
    backward = [
        BackwardRecord(
            str(step.node.id),
            [DepositRecord(str(d.to.id), d.local, d.upstream, d.amount) for d in step.deposits],
        )
        for step in steps
    ]
    return Exploration(str(program.output.id), nodes, edges, [node.id or "" for node in order], backward)


def _math_error(error: MathError, fallback: Value) -> ProgramError:
    node = error.node or fallback
    return ProgramError("math", error.message, node.line, node.column)
