"""Replaying a run's events: each value's data and grad at every moment, sorted into passes, steps and views.

A grad write inside a `_backward` call is a deposit of that step. Inside a backward() call, the
first write of the output's grad is the seed and any other write outside a step is a grad set
there. Outside backward(), a grad set to a number other than 0 and a `_backward()` call are the
program's backprop by hand: a manual pass on the graph they belong to. Every other write is a
reset of the next pass that holds the value (the lecture's zero_grad), or an update of the last.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from engine.pass_events import Events, pass_steps, scan
from engine.program.events import BIND, END_PASS, END_STEP, FIELDS, INTS, PASS, STEP, VIEW, WRITE, unpack
from engine.record import Mutation, Node, Pass, Step, View


class Replay:
    """The state of every value while the events are replayed, and what they add up to."""

    def __init__(self, nodes: list[Node], data: list[float], grad: list[float], made_at: list[int]) -> None:
        self.nodes = nodes
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
        """Replay every event, then place each view on its pass's timeline."""
        kinds = unpack(events["kinds"], "b")
        self.count = len(kinds)
        ints = unpack(events["ints"], "i")
        floats = unpack(events["floats"], "d")
        names: list[str] = events["names"]
        grad = self.grad
        steps = self.steps
        childless = [not node.children for node in self.nodes]
        unpacked = Events(kinds, ints, floats)
        resume = 0  # events before this one were passed over: a plain pass, replayed when its steps are read
        i = f = 0
        for at, kind in enumerate(kinds):
            if at < resume:
                continue
            if kind == WRITE:
                k, field, line = ints[i], ints[i + 1], ints[i + 2]
                i += 3
                after = floats[f]
                f += 1
                if field and steps:  # a deposit: the common case, kept short
                    steps[-1].deposits.append((k, grad[k], after))
                    steps[-1].lines.append(line)
                    grad[k] = after
                else:
                    self.at = at
                    self.write(k, field, after, line)
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
                    span = scan(unpacked, at + 1, i + 2, f, self.last_members, grad)
                    if span is not None:
                        chosen.unreplayed = partial(
                            pass_steps, unpacked, span, chosen.output, chosen.order, chosen.grad_before, childless
                        )
                        self.end_pass()
                        resume, i, f = span.end + 1, span.end_ints, span.end_floats
                        continue
            elif kind == END_PASS:
                self.end_pass()
            elif kind == VIEW:
                self.view(ints[i], ints[i + 1], at)
            elif kind == BIND:
                self.bind(names[ints[i + 2]], ints[i])
            i += INTS[kind]
        self.sort_pending(set())
        for view in self.views:
            self.place(view)

    # -- writes and steps

    def write(self, k: int, field: int, after: float, line: int) -> None:
        state = self.grad if field else self.data
        before = state[k]
        manual = field and not self.steps and self.current is None and after != 0
        chosen = self.manual_pass(k) if manual else None  # opened before the write: its grads before are those
        state[k] = after
        if chosen is not None:
            chosen.steps.append(Step(k, line, before, set=after, event=self.at))
            self.snapshot_grads(chosen)
        elif field and self.current is not None:
            if k == self.current.output and not self.seeded:
                self.seeded = True
            else:
                self.current.steps.append(Step(k, line, before, set=after, event=self.at))
        else:
            self.pending.append(Mutation(k, FIELDS[field], before, after, line, self.at))

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
        if not self.nodes[step.node].children and not step.deposits and owner.steps and owner.steps[-1] is step:
            owner.steps.pop()  # a leaf's `lambda: None`: nothing to show

    # -- passes

    def begin_pass(self, k: int, line: int | None) -> None:
        if self.current is not None:
            self.depth += 1
            return
        chosen = self.new_pass(k, line, manual=False)
        chosen.resets = self.sort_pending(set(chosen.order))
        self.last_members = set(chosen.order)
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
        grads = [self.grad[i] for i in order]
        chosen = Pass(
            index=len(self.passes),
            output=k,
            line=line,
            manual=manual,
            order=order,
            data=[self.data[i] for i in order],
            grad_before=grads,
            grad=list(grads),
            stale=any(grad != 0 for grad in grads),
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
            consumers = self.consumers = [[] for _ in self.nodes]
            for made in self.nodes:
                for child in made.children:
                    consumers[child].append(made.index)
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
        chosen.grad = [self.grad[i] for i in chosen.order]

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
        """Every value root depends on, operands before results, operands visited in order."""
        nodes = self.nodes
        order: list[int] = []
        visited = {root}
        stack = [(root, iter(nodes[root].children))]
        while stack:
            node, children = stack[-1]
            for child in children:
                if child not in visited:
                    visited.add(child)
                    stack.append((child, iter(nodes[child].children)))
                    break
            else:
                stack.pop()
                order.append(node)
        return order

    # -- views and names

    def view(self, k: int, line: int, at: int) -> None:
        order = self.topological_order(k)
        data = [self.data[i] for i in order]
        grad = [self.grad[i] for i in order]
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
