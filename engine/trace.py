"""Replaying a run's events: each value's data and grad at every moment, sorted into passes, steps and views.

A grad write inside a `_backward` call is a deposit of that step. Inside a backward() call, the
first write of the output's grad is the seed and any other write outside a step is a grad set
there. Outside backward(), a grad set to a number other than 0 and a `_backward()` call are the
program's backprop by hand: a manual pass on the graph they belong to. Every other write is a
reset of the next pass that holds the value (the lecture's zero_grad), or an update of the last.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import Any

from engine.pass_events import Events, Span, pass_steps, scan
from engine.program.events import BIND, END_PASS, END_STEP, INTS, PASS, STEP, VIEW, WRITE, unpack
from engine.record import Mutation, Node, Pass, Step, View


class Replay:
    """The state of every value while the events are replayed, and what they add up to."""

    def __init__(
        self,
        nodes: list[Node],
        operands: list[tuple[int, ...]],
        data: list[float],
        grad: list[float],
        made_at: Sequence[int],
    ) -> None:
        self.nodes = nodes
        self.operands = operands  # each value's operands (its node's children), read where the replay walks graphs
        self.data = data  # each value's data and grad as the replay goes (a value is only named once made)
        self.grad = grad
        self.made_at = made_at  # events before each value was made
        self.consumers: list[list[int]] | None = None  # each value's users, found when a manual pass needs them
        self.passes: list[Pass] = []
        self.views: list[View] = []
        self.bindings: dict[str, list[int]] = {}
        self.pending: list[Mutation] = []
        self.current: Pass | None = None  # the backward() call in progress
        self.depth = 0  # backward() calls nested in it
        self.seeded = False
        self.steps: list[Step] = []  # _backward calls in progress, innermost last
        self.manual: dict[int, Pass] = {}  # the open manual pass of each graph, by output
        self.last_members: set[int] = set()
        self.last_real: Pass | None = None  # the last backward() call's pass
        self.at = 0  # the event being replayed
        self.count = 0  # events in all

    def run(self, events: dict[str, Any]) -> None:
        """Replay every event, passing over plain passes (replayed when their steps are read), then place each
        view on its pass's timeline."""
        kinds = unpack(events["kinds"], "b").tobytes()
        self.count = len(kinds)
        unpacked = Events(kinds, unpack(events["ints"], "i"), unpack(events["floats"], "d"))
        names: list[str] = events["names"]
        span: Span | None = Span(0, 0, 0, -1, 0, 0)  # as if a pass had ended before the first event
        while span is not None:
            span = self.replay(unpacked, names, span.end + 1, span.end_ints, span.end_floats)
        self.sort_pending(set())
        for view in self.views:
            self.place(view)

    def replay(self, events: Events, names: list[str], start: int, i: int, f: int) -> Span | None:
        """Replay the events from `start` (offsets i and f) up to the next plain pass, which it passes over and
        returns; None at the end."""
        kinds, ints, floats = events.kinds, events.ints, events.floats
        data, grad = self.data, self.grad
        steps = self.steps
        for at in range(start, len(kinds)):
            kind = kinds[at]
            if kind == WRITE:
                k, field, line = ints[i], ints[i + 1], ints[i + 2]
                i += 3
                after = floats[f]
                f += 1
                if not field:  # a data write: a reset or an update
                    self.pending.append(Mutation(k, "data", data[k], after, line, at))
                    data[k] = after
                elif steps:  # a deposit: the common case, kept short
                    steps[-1].deposits.append((k, grad[k], after))
                    steps[-1].lines.append(line)
                    grad[k] = after
                else:
                    self.at = at
                    self.write_grad(k, after, line)
                continue
            self.at = at
            if kind == STEP:
                self.begin_step(ints[i], ints[i + 1])
            elif kind == END_STEP:
                self.end_step()
            elif kind == PASS:
                self.begin_pass(ints[i], ints[i + 1] if ints[i + 1] >= 0 else None)
                chosen = self.current
                if chosen is not None and chosen.event == at and not self.depth:  # a backward() call began here
                    span = scan(events, at + 1, i + 2, f, self.last_members, grad)
                    if span is not None:
                        chosen.unreplayed = partial(
                            pass_steps, events, span, chosen.output, chosen.order, chosen.grad_before, self.operands
                        )
                        self.end_pass()
                        return span
            elif kind == END_PASS:
                self.end_pass()
            elif kind == VIEW:
                self.view(ints[i], ints[i + 1], at)
            elif kind == BIND:
                self.bind(names[ints[i + 2]], ints[i])
            i += INTS[kind]
        return None

    # -- writes and steps

    def write_grad(self, k: int, after: float, line: int) -> None:
        """A grad written outside a `_backward` call: a seed, a grad set by hand, or a reset or an update."""
        before = self.grad[k]
        manual = self.current is None and after != 0
        chosen = self.manual_pass(k) if manual else None  # opened before the write: its grads before are those
        self.grad[k] = after
        if chosen is not None:
            chosen.steps.append(Step(k, line, before, set=after, event=self.at))
            self.snapshot_grads(chosen)
        elif self.current is not None:
            if k == self.current.output and not self.seeded:
                self.seeded = True
            else:
                self.current.steps.append(Step(k, line, before, set=after, event=self.at))
        else:
            self.pending.append(Mutation(k, "grad", before, after, line, self.at))

    def begin_step(self, k: int, line: int) -> None:
        step = Step(k, line, self.grad[k], event=self.at)
        owner = self.current if self.current is not None else self.manual_pass(k)
        owner.steps.append(step)
        self.steps.append(step)

    def end_step(self) -> None:
        if not self.steps:
            return
        step = self.steps.pop()
        owner = self.current
        if owner is None:
            owner = self.manual_pass(step.node)
            self.snapshot_grads(owner)
        if not self.operands[step.node] and not step.deposits and owner.steps and owner.steps[-1] is step:
            owner.steps.pop()  # a leaf's `lambda: None`: nothing to show

    # -- passes

    def begin_pass(self, k: int, line: int | None) -> None:
        if self.current is not None:
            self.depth += 1
            return
        chosen = self.new_pass(k, line, manual=False)
        self.last_members = set(chosen.order)
        chosen.resets = self.sort_pending(self.last_members)
        self.last_real = chosen
        self.manual.pop(k, None)
        self.current, self.seeded = chosen, False

    def end_pass(self) -> None:
        if self.depth:
            self.depth -= 1
            return
        if self.current is not None:
            self.snapshot_grads(self.current)
        self.current = None

    def new_pass(self, k: int, line: int | None, manual: bool) -> Pass:
        order = self.topological_order(k)
        grads = list(map(self.grad.__getitem__, order))
        chosen = Pass(
            index=len(self.passes),
            output=k,
            line=line,
            manual=manual,
            order=order,
            data=list(map(self.data.__getitem__, order)),
            grad_before=grads,
            grad=list(grads),
            stale=any(grads),  # some grad is not 0 (a NaN is not 0 either)
            event=self.at,
        )
        self.passes.append(chosen)
        return chosen

    def manual_pass(self, k: int) -> Pass:
        """The manual pass of the graph k belongs to (its newest value with no consumers), opened on first use."""
        root = self.root(k)
        chosen = self.manual.get(root)
        if chosen is None:
            chosen = self.manual[root] = self.new_pass(root, None, manual=True)
            chosen.stale = False
        return chosen

    def root(self, k: int) -> int:
        """The newest value made so far that depends on k and feeds nothing."""
        consumers = self.consumers
        if consumers is None:
            consumers = self.consumers = [[] for _ in self.operands]
            for made, children in enumerate(self.operands):
                for child in children:
                    consumers[child].append(made)
        best, seen, stack = k, {k}, [k]
        while stack:
            node = stack.pop()
            users = [user for user in consumers[node] if self.made_at[user] <= self.at]
            if not users and node > best:
                best = node
            for user in users:
                if user not in seen:
                    seen.add(user)
                    stack.append(user)
        return best

    def snapshot_grads(self, chosen: Pass) -> None:
        chosen.grad = list(map(self.grad.__getitem__, chosen.order))

    def sort_pending(self, members: set[int]) -> list[Mutation]:
        """Grad writes to the coming pass's values are its resets; the rest update the last pass."""
        resets = []
        for mutation in self.pending:
            if mutation.field == "grad" and mutation.node in members:
                resets.append(mutation)
            elif self.last_real is not None and mutation.node in self.last_members:
                self.last_real.updates.append(mutation)
        self.pending = []
        return resets

    def topological_order(self, root: int) -> list[int]:
        """Every value root depends on, operands before results, operands visited in order (the lecture's
        build_topo, with a stack of its own: a value is marked as it is first visited and added once its
        operands are; ~k on the stack adds k)."""
        operands = self.operands
        order: list[int] = []
        visited: set[int] = set()
        stack = [root]
        while stack:
            k = stack.pop()
            if k < 0:
                order.append(~k)
            elif k not in visited:
                visited.add(k)
                if operands[k]:
                    stack.append(~k)
                    stack.extend(operands[k][::-1])  # the first operand on top: visited first
                else:
                    order.append(k)
        return order

    # -- views and names

    def view(self, k: int, line: int, at: int) -> None:
        order = self.topological_order(k)
        data = list(map(self.data.__getitem__, order))
        grad = list(map(self.grad.__getitem__, order))
        self.views.append(View(len(self.views), line, k, order, data, grad, at))

    def place(self, view: View) -> None:
        """The pass a view shows (the last of its graph before it, else the next) and how far it had got."""
        before = [p for p in self.passes if p.output == view.output and p.event <= view.event]
        after = [p for p in self.passes if p.output == view.output and p.event > view.event]
        chosen = before[-1] if before else (after[0] if after else None)
        if chosen is None:
            return
        view.pass_index = chosen.index
        forward = len(chosen.order)
        if chosen in after:
            view.position = forward
        elif chosen.manual:
            view.position = forward + sum(1 for step in chosen.steps if step.event <= view.event)
        else:
            updates = sum(1 for update in chosen.updates if update.event <= view.event)
            view.position = forward + len(chosen.resets) + 1 + len(chosen.steps) + updates

    def bind(self, name: str, k: int) -> None:
        self.bindings.setdefault(name, []).append(k)
        node = self.nodes[k]
        if node.name is None:
            node.name = name
