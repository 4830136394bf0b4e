"""Checking a program's own engine: what its `_backward` functions did against the chain rule (shared/API.md `checks`).

For the chosen pass of a program with its own value class:
- `deposit`: a `_backward` call added to an operand's grad something other than the chain rule's
  local derivative times out.grad (engine/checks/chain_rule.py), at the line of that write;
- `missing`: it added nothing to an operand whose derivative is not zero (a `_backward` left as `lambda: None`);
- `order`: a `_backward` called before every node that uses its output had deposited into it, or called twice;
- `set`: a grad set by hand (the lecture's manual backprop) that is not the gradient of the pass's output;
- `grad`: a final grad (what this pass added) that differs from the finite-difference gradient by more
  than 1e-3 relative (engine/checks/grads.py).
Each deposit is checked against the upstream grad the call actually saw, so a mistake is reported where it
is made and not again at every node it spreads to (the `grad` checks show where it spread).
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from weakref import finalize

from engine.checks.chain_rule import Local, rule, true_grads
from engine.checks.grads import Rerun, graph_estimates, rerun_estimates
from engine.checks.messages import Names, deposit_lines, deposit_message, missing_message
from engine.checks.source import makers
from engine.limits import Limits
from engine.record import Pass, Run, Step

DEPOSIT_AGREE = 1e-6  # relative: a deposit equals the chain rule's up to the rounding of another formula
GRAD_AGREE = 1e-3  # relative: a final grad equals the finite-difference gradient (API.md)
GRAD_FLOOR = 1e-6  # absolute: differences below this are the estimate's own noise
SET_AGREE = 1e-3  # a hand-set grad is right within 1e-3 relative or +-0.001, as a quiz answer


@dataclass(frozen=True)
class CheckRecord:
    """One thing the explorer found wrong in the program's own engine (API.md `checks`)."""

    step: int | None  # the index in `backward` of the step it happened at; None for a final grad
    node: str
    to: str | None
    kind: str  # deposit, missing, order, set, grad
    expected: float
    got: float
    message: str
    line: int | None  # the program line to look at


def close(a: float, b: float, relative: float, floor: float = 1e-12) -> bool:
    return abs(a - b) <= relative * max(abs(a), abs(b)) + floor


_KEPT: dict[int, dict[tuple[int, str, Limits], list[CheckRecord]]] = {}  # by id() of a live run


@dataclass
class Stats:
    """What the last check cost: runs of the program made for finite differences."""

    reruns: int = 0


def check_pass(
    run: Run,
    pass_index: int | None,
    source: str,
    limits: Limits,
    rerun: Rerun | None = None,
    base: Mapping[int, float] | None = None,
    stats: Stats | None = None,
) -> list[CheckRecord]:
    """The checks of one pass of a run; empty for the built-in Value (and micrograd's, which is the package's)."""
    if run.value_class == "builtin" or pass_index is None or not 0 <= pass_index < len(run.passes):
        return []
    kept = _KEPT.get(id(run))
    known = kept.get((pass_index, source, limits)) if kept is not None else None
    if known is not None:  # the same run of the same program (a cached one), another request for this pass
        return known
    checks = _check_pass(run, pass_index, source, limits, rerun, base, stats)
    if kept is None:
        kept = _KEPT[id(run)] = {}
        finalize(run, _KEPT.pop, id(run), None)  # forgotten with the run
    kept[(pass_index, source, limits)] = checks
    return checks


def _check_pass(
    run: Run,
    pass_index: int,
    source: str,
    limits: Limits,
    rerun: Rerun | None,
    base: Mapping[int, float] | None,
    stats: Stats | None,
) -> list[CheckRecord]:
    chosen = run.passes[pass_index]
    names = Names(run, chosen, source, makers(source, run.value_class))
    checks = _step_checks(run, chosen, names)
    if not chosen.manual:
        checks += _grad_checks(run, chosen, names, limits, rerun, base or {}, stats)
    return checks[: limits.max_checks]


def _step_checks(run: Run, chosen: Pass, names: Names) -> list[CheckRecord]:
    data = dict(zip(chosen.order, chosen.data, strict=True))
    members = set(chosen.order)
    users: dict[int, list[int]] = {k: [] for k in chosen.order}
    for k in chosen.order:
        for child in dict.fromkeys(run.nodes[k].children):
            users[child].append(k)
    offset = 0 if chosen.manual else 1  # backward[0] is the seed of a backward() call
    truth: dict[int, float] | None = None
    done: set[int] = set()
    flagged: set[int] = set()
    checks: list[CheckRecord] = []
    for i, step in enumerate(chosen.steps):
        index = i + offset
        if step.set is not None:
            # by hand, or inside backward() once its steps began (a nested backward() restarting a grad at 1.0);
            # not a grad zeroed before the seed
            if step.node != chosen.output and (chosen.manual or (done and step.set != 0)):  # the seed is a choice
                truth = truth if truth is not None else _truth(run, chosen, data)
                checks += _set_check(step, index, truth, names)
            continue
        if step.node not in flagged and step.node in members:
            found = _order_check(chosen, i, users, done, names)
            if found is not None:
                flagged.add(step.node)
                checks.append(found)
        done.add(step.node)
        checks += _deposit_checks(run, step, index, data, names)
    return checks


def _truth(run: Run, chosen: Pass, data: dict[int, float]) -> dict[int, float]:
    """d(output)/d(node) for the pass: the chain rule where every operation is known, else finite differences."""
    exact = true_grads([node.children for node in run.nodes], [node.op for node in run.nodes], chosen.order, data)
    if exact is not None:
        return exact
    estimates = graph_estimates(run.nodes, chosen, len(chosen.order))
    return {k: e for k, e in zip(chosen.order, estimates, strict=True) if e is not None}


def _set_check(step: Step, index: int, truth: dict[int, float], names: Names) -> list[CheckRecord]:
    expected = truth.get(step.node)
    got = step.set
    if expected is None or got is None or close(got, expected, SET_AGREE, 1e-3):
        return []
    node = names.id(step.node)
    return [CheckRecord(index, node, None, "set", expected, got, names.set_message(step, expected, truth), step.line)]


def _order_check(chosen: Pass, i: int, users: dict[int, list[int]], done: set[int], names: Names) -> CheckRecord | None:
    """A `_backward` run before a user of its node deposited into it (one that steps later), or run twice."""
    step = chosen.steps[i]
    k = step.node
    later = [s for s in chosen.steps[i + 1 :] if s.set is None]
    pending = [u for u in users.get(k, []) if u not in done and any(s.node == u for s in later)]
    amount = sum(sum(after - before for to, before, after in s.deposits if to == k) for s in later if s.node in pending)
    index = i + (0 if chosen.manual else 1)
    if pending:
        expected = step.upstream + amount
        message = names.order_message(k, pending[0], step.upstream, expected)
        return CheckRecord(index, names.id(k), None, "order", expected, step.upstream, message, step.line)
    if k in done:
        got = sum(after - before for _, before, after in step.deposits)
        message = names.twice_message(k, got)
        return CheckRecord(index, names.id(k), None, "order", 0.0, got, message, step.line)
    return None


def _deposit_checks(run: Run, step: Step, index: int, data: dict[int, float], names: Names) -> list[CheckRecord]:
    node = run.nodes[step.node]
    kids = node.children
    if not kids or any(child not in data for child in kids):
        return []
    local = rule(node.op, [data[c] for c in kids], data[step.node])
    if local is None:
        return []
    lines = deposit_lines(step)
    writes: dict[int, list[tuple[float, float, int]]] = {}
    for (to, before, after), line in zip(step.deposits, lines, strict=True):
        writes.setdefault(to, []).append((before, after, line))
    checks = []
    up = step.upstream
    for child in dict.fromkeys(kids):
        positions = [p for p, c in enumerate(kids) if c == child]
        expected = sum(local.derivatives[p] for p in positions) * up
        if node.op in ("ReLU", "relu") and data[child] == 0:
            continue  # micrograd's subgradient at the kink: 0 or 1 are both right
        found = writes.pop(child, [])
        if not found:
            if not close(expected, 0.0, DEPOSIT_AGREE):
                message, place = missing_message(names, step, child, positions, local, expected, bool(step.deposits))
                checks.append(_record(index, names, step.node, child, "missing", expected, 0.0, message, place))
            continue
        got = sum(after - before for before, after, _ in found)
        if not close(got, expected, DEPOSIT_AGREE):
            message, line = deposit_message(names, step, child, positions, local, expected, found)
            checks.append(_record(index, names, step.node, child, "deposit", expected, got, message, line))
    for to, found in writes.items():  # a write into a value that is not an operand of this node
        got = sum(after - before for before, after, _ in found)
        if got:
            message = names.stray_message(step.node, to, got, found[0][2])
            checks.append(_record(index, names, step.node, to, "deposit", 0.0, got, message, found[0][2]))
    return checks


def _record(
    index: int, names: Names, k: int, to: int, kind: str, expected: float, got: float, message: str, line: int | None
) -> CheckRecord:
    return CheckRecord(index, names.id(k), names.id(to), kind, expected, got, message, line or None)


def _grad_checks(
    run: Run,
    chosen: Pass,
    names: Names,
    limits: Limits,
    rerun: Rerun | None,
    base: Mapping[int, float],
    stats: Stats | None,
) -> list[CheckRecord]:
    size = len(chosen.order)
    if size <= limits.max_check_nodes:  # every node by finite differences
        estimates = graph_estimates(run.nodes, chosen, size, budget=limits.max_check_operations)
    else:  # a larger pass: the nodes the chain rule here disagrees with, by finite differences
        suspects = _suspects(run, chosen, limits)
        estimates = graph_estimates(run.nodes, chosen, limits.max_screened_nodes, suspects, limits.max_check_operations)
    if rerun is not None and limits.max_check_runs and size <= limits.max_check_nodes:
        estimates, runs = rerun_estimates(run, chosen, estimates, rerun, limits, base)
        if stats is not None:
            stats.reruns = runs
    checks = []
    for k, before, after, estimate in zip(chosen.order, chosen.grad_before, chosen.grad, estimates, strict=True):
        got = after - before
        if estimate is None or close(got, estimate, GRAD_AGREE, GRAD_FLOOR):
            continue
        message = names.grad_message(k, got, estimate, bool(before))
        checks.append(CheckRecord(None, names.id(k), None, "grad", estimate, got, message, None))
    return checks


__all__ = ["CheckRecord", "Local", "Stats", "check_pass"]


def _suspects(run: Run, chosen: Pass, limits: Limits) -> set[int]:
    """The nodes of a large pass whose grad (what the pass added) the chain rule here does not give (at most
    max_checks of them); none when an operation is not known."""
    data = dict(zip(chosen.order, chosen.data, strict=True))
    truth = true_grads([node.children for node in run.nodes], [node.op for node in run.nodes], chosen.order, data)
    if truth is None:
        return set()
    found = (
        k
        for k, before, after in zip(chosen.order, chosen.grad_before, chosen.grad, strict=True)
        if not close(after - before, truth[k], DEPOSIT_AGREE, GRAD_FLOOR)
    )
    return set(itertools.islice(found, limits.max_checks))
