"""The centre of the engine: program text in, one pass's graph and step records out (shared/API.md)."""

from __future__ import annotations

import dataclasses
import math
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

from engine.checks import check_pass
from engine.errors import ProgramError
from engine.exploration import (
    BackwardRecord,
    DepositRecord,
    EdgeRecord,
    Exploration,
    GroupRecord,
    MutationRecord,
    NodeRecord,
    PassRecord,
    SetRecord,
    ViewRecord,
)
from engine.limits import DEFAULT_LIMITS, Limits
from engine.numeric import numeric_grads
from engine.program.source import Note
from engine.record import Mutation, Node, Pass, Run
from engine.run import run_program

Runner = Callable[[str, Mapping[str, float], Limits], Run]  # run_with_overrides, or a cache in front of it


def explore(
    source: str,
    overrides: Mapping[str, float] | None = None,
    numeric_check: bool = False,
    pass_index: int | None = None,
    limits: Limits = DEFAULT_LIMITS,
    runner: Runner | None = None,
    view_index: int | None = None,
) -> Exploration:
    """Run a program with its overrides and record the chosen pass (the default one when None), or a view."""
    run = (runner or run_with_overrides)(source, overrides or {}, limits)
    exploration = record_pass(run, pass_index, numeric_check, limits, view_index)
    if run.value_class == "builtin" or exploration.pass_index is None:
        return exploration
    base = {resolve_leaf(run, key).index: number for key, number in (overrides or {}).items()}
    checks = check_pass(
        run, exploration.pass_index, source, limits, lambda nudged: run_program(source, limits, nudged), base
    )
    return dataclasses.replace(exploration, checks=checks)


def run_with_overrides(source: str, overrides: Mapping[str, float], limits: Limits, plain: Run | None = None) -> Run:
    """Run the program; overrides name leaves as the run without them (`plain`, when known) does, and apply
    where each is made."""
    if plain is None:
        plain = run_program(source, limits)
    if not overrides:
        return plain
    by_index: dict[int, float] = {}
    for key, number in overrides.items():
        if not math.isfinite(number):
            raise ProgramError("math", f"the new data for '{key}' is not a finite number")
        by_index[resolve_leaf(plain, key).index] = number
    return run_program(source, limits, by_index)


def resolve_leaf(run: Run, key: str) -> Node:
    """The leaf a name, a path or a node id refers to, or a `name` error saying why there is none."""
    bound = run.bindings.get(key)
    if bound is not None:
        leaves = [run.nodes[k] for k in dict.fromkeys(bound) if not run.nodes[k].children]
        if len(leaves) > 1:
            ids = ", ".join(leaf.id for leaf in leaves[:5])
            raise ProgramError("name", f"'{key}' names {len(leaves)} leaves ({ids}...); give the node id instead")
        if not leaves:
            raise ProgramError("name", f"'{key}' is not a leaf; only leaves (such as a = 2.0) can be set")
        return leaves[0]
    for k, path in run.paths.items():
        if path == key:
            return run.nodes[k]
    index = key[1:] if key.startswith("n") else ""
    if index.isdigit() and str(int(index)) == index and int(index) < len(run.nodes):
        node = run.nodes[int(index)]
        if node.children:
            raise ProgramError("name", f"node {key} is not a leaf; only leaves can be set")
        return node
    raise ProgramError("name", f"'{key}' is neither a name, a path nor a node id of the program")


def leaf_key(run: Run, leaf: Node) -> str:
    """The key that names `leaf` in overrides: its name or path where unambiguous, else its id."""
    for key in (leaf.name, run.paths.get(leaf.index)):
        if key is not None:
            try:
                if resolve_leaf(run, key) is leaf:
                    return key
            except ProgramError:
                pass
    return leaf.id


def label_of(run: Run, node: Node) -> str:
    """What the picture calls a value: its own label, else the name bound to it, else its path."""
    return node.label or node.name or run.paths.get(node.index, "")


def record_pass(
    run: Run, pass_index: int | None, numeric_check: bool, limits: Limits, view_index: int | None = None
) -> Exploration:
    """The chosen pass (or the pass of the chosen view, with the numbers the view showed) and every step of it."""
    records = [_pass_record(run, recorded) for recorded in run.passes]
    views = [ViewRecord(v.index, v.line, run.nodes[v.output].id, v.pass_index, v.position) for v in run.views]
    run_fields: dict[str, Any] = {
        "prints": run.prints, "result": run.result, "views": views, "cells": run.cells, "value_class": run.value_class,
        "plots": run.plots,
    }  # fmt: skip
    if view_index is not None and not 0 <= view_index < len(run.views):
        raise ProgramError("name", f"there is no view {view_index}; the program drew {len(run.views)}")
    view = run.views[view_index] if view_index is not None else None
    index = view.pass_index if view is not None else (run.default_pass if pass_index is None else pass_index)
    if index is None or not run.passes:
        notes = [
            *run.notes,
            Note(None, "this program makes no Value, so there is no graph; use Value(2.0) to make one"),
        ]
        return Exploration(None, [], [], [], [], None, records, [], [], notes=notes, groups=[], **run_fields)
    if not 0 <= index < len(run.passes):
        raise ProgramError(
            "name", f"there is no pass {index}; the program made {len(run.passes)} (0 to {len(run.passes) - 1})"
        )
    chosen = run.passes[index]
    data, grad = chosen.data, chosen.grad
    if view is not None and view.order == chosen.order:
        data, grad = view.data, view.grad
    numeric: list[float | None] = [None] * len(chosen.order)
    if numeric_check:
        if len(chosen.order) > limits.max_numeric_nodes:
            raise ProgramError(
                "limit",
                f"the numeric check is limited to {limits.max_numeric_nodes:,} nodes;"
                f" this graph has {len(chosen.order):,}",
            )
        numeric = numeric_grads(run.nodes, chosen.order, chosen.data)
    nodes = [
        NodeRecord(
            id=node.id,
            name=node.name,
            label=label_of(run, node),
            op=node.op,
            data=node_data,
            grad=node_grad,
            numeric_grad=estimate,
            line=node.line,
            column=node.column,
            grad_before=before,
            path=run.paths.get(node.index),
            group=node.group,
            expr=node.expr,
        )
        for node, node_data, node_grad, estimate, before in zip(
            (run.nodes[k] for k in chosen.order), data, grad, numeric, chosen.grad_before, strict=True
        )
    ]
    ids = [run.nodes[k].id for k in chosen.order]
    edges = [EdgeRecord(run.nodes[child].id, run.nodes[k].id) for k in chosen.order for child in run.nodes[k].children]
    seed = BackwardRecord(run.nodes[chosen.output].id, [])
    backward: list[BackwardRecord | SetRecord] = [] if chosen.manual else [seed]
    for step in chosen.steps:
        deposits = [
            DepositRecord(run.nodes[to].id, _local(after - before, step.upstream), step.upstream, after - before)
            for to, before, after in step.deposits
        ]
        node_id = run.nodes[step.node].id
        if step.set is None:
            backward.append(BackwardRecord(node_id, deposits))
        else:
            backward.append(SetRecord(node_id, step.set, step.line, deposits))
    return Exploration(
        output=run.nodes[chosen.output].id,
        nodes=nodes,
        edges=edges,
        forward=ids,
        backward=backward,
        pass_index=index,
        passes=records,
        resets=[_mutation(run, m) for m in chosen.resets],
        updates=[_mutation(run, m) for m in chosen.updates],
        notes=run.notes,
        groups=_groups(run, chosen),
        **run_fields,
    )


def _local(amount: float, upstream: float) -> float:
    """The local derivative a deposit used: amount = local * upstream."""
    return amount / upstream if upstream else 0.0


def _pass_record(run: Run, recorded: Pass) -> PassRecord:
    output = run.nodes[recorded.output]
    return PassRecord(
        recorded.index,
        output.id,
        label_of(run, output),
        recorded.data[-1],
        recorded.line,
        len(recorded.order),
        recorded.stale,
        recorded.manual,
    )


def _mutation(run: Run, mutation: Mutation) -> MutationRecord:
    return MutationRecord(run.nodes[mutation.node].id, mutation.field, mutation.before, mutation.after, mutation.line)


def _groups(run: Run, chosen: Pass) -> list[GroupRecord]:
    """The groups that made this pass's values, with their ancestors."""
    by_id = {group.id: group for group in run.groups}
    members = set(chosen.order)
    wanted: set[str] = set()
    for k in chosen.order:
        group_id = run.nodes[k].group
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
        output = run.nodes[group.output].id if group.output is not None and group.output in members else None
        records.append(GroupRecord(group.id, group.name, label, group.parent, group.line, output))
    return records
