"""The recorder: what one run of a program did with its values (passes and their steps, views, bindings,
prints and each cell's Out[n]), told by the watched classes and the names the child gives the program."""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .errors import NonFinite
from .graph import _Graph, _number, _program_line
from .provided import Digraph


@dataclass
class _OpenPass:
    """A pass as it is recorded: its graph, numbers and steps (lists: [node, line, upstream, set, deposits])."""

    line: int | None
    manual: bool
    output: int
    order: list[int]
    data: list[float]
    grad_before: list[float]
    grad: list[float]
    at: int
    steps: list[list[Any]]
    additions: dict[int, int]

    def record(self) -> dict[str, Any]:
        """The pass as plain data for the parent."""
        stale = not self.manual and any(grad != 0 for grad in self.grad_before)
        names = ("line", "manual", "output", "order", "data", "grad_before", "grad", "steps")
        return {name: getattr(self, name) for name in names} | {"stale": stale}


class _Recorder(_Graph):
    """What one run of a program did to its values."""

    current: _Recorder | None = None

    def __init__(self, source_lines: list[str]) -> None:
        super().__init__(source_lines)
        self.names: dict[int, str] = {}
        self.passes: list[_OpenPass] = []
        self.views: list[dict[str, Any]] = []
        self.current_pass: _OpenPass | None = None
        self.nested = 0  # backward() calls inside the one in progress
        self.seeded = False
        self.steps: list[tuple[list[Any], _OpenPass]] = []  # _backward calls in progress, innermost last
        self.manual: dict[int, _OpenPass] = {}  # the open manual pass of each graph, by its output
        self.pass_calls = 0
        self.at = 0  # events so far: the order of passes and views
        self.draw_target: Any = None
        self.last_out: Any = None
        self.last_bound: Any = None
        self.outs: dict[int, str | None] = {}
        self.result: str | None = None
        self.prints: list[tuple[int | None, str]] = []
        self.pending = ""
        self.pending_line: int | None = None
        self.builtin_tanh = False
        self.reordered = False
        self.class_lines: dict[type, int] = {}

    def open_pass(self, output: int, line: int | None, manual: bool) -> _OpenPass:
        """A new pass of output's graph as it stands now."""
        order = self.order(output)
        grads = self.numbers(order, "grad")
        additions = {k: 1 for k, grad in zip(order, grads, strict=True) if grad != 0}
        chosen = _OpenPass(
            line, manual, output, order, self.numbers(order, "data"), grads, list(grads), self.at, [], additions
        )
        self.passes.append(chosen)
        return chosen

    def manual_pass(self, k: int) -> _OpenPass:
        """The open manual pass of k's graph, opened on first use."""
        root = self.root(k)
        if root not in self.manual:
            self.manual[root] = self.open_pass(root, None, manual=True)
        return self.manual[root]

    def snapshot(self, chosen: _OpenPass) -> None:
        """A pass's grads are those of now."""
        chosen.grad = self.numbers(chosen.order, "grad")

    # -- what the program does
    def wrote(self, obj: Any, name: str, value: Any, before: Any, line: int | None) -> None:
        """A write of data, grad or _prev has happened."""
        k = self.index.get(id(obj))
        if k is None:
            if name == "_prev" or hasattr(obj, "_prev"):
                self.register(obj)
            return
        number = _number(value)
        if name == "_prev" or number is None:
            return
        if not math.isfinite(number):
            raise NonFinite(f"a value's {name} became {number} (not a finite number)")
        self.at += 1
        if name == "data":
            return
        before_number = _number(before) or 0.0
        if not self.steps and self.current_pass is None and number != 0:
            opened = self.root(k) not in self.manual
            chosen = self.manual_pass(k)
            if opened:  # the pass began before this write: k's grad then was the one before it
                chosen.grad_before[chosen.order.index(k)] = before_number
            chosen.steps.append([k, line, before_number, number, []])
            self.snapshot(chosen)
        elif self.steps:
            step, owner = self.steps[-1]
            step[4].append([k, before_number, number])
            owner.additions[k] = owner.additions.get(k, 0) + 1
            if owner.additions[k] > 2 and self.unordered:
                self.reordered = True
        elif self.current_pass is not None:
            if k == self.current_pass.output and not self.seeded:
                self.seeded = True
            else:
                self.current_pass.steps.append([k, line, before_number, number, []])

    def call_backward_step(self, obj: Any, function: Callable[[], Any], line: int | None) -> Any:
        """`obj._backward()`: one backward step of a value."""
        k = self.index.get(id(obj))
        if k is None:
            return function()
        self.at += 1
        owner = self.current_pass if self.current_pass is not None else self.manual_pass(k)
        step: list[Any] = [k, line, _number(obj.grad) or 0.0, None, []]
        owner.steps.append(step)
        self.steps.append((step, owner))
        try:
            return function()
        finally:
            self.steps.pop()
            self.at += 1
            finished = self.current_pass if self.current_pass is not None else self.manual_pass(k)
            if self.current_pass is None:
                self.snapshot(finished)
            if not self.children[k] and not step[4] and finished.steps and finished.steps[-1] is step:
                finished.steps.pop()  # a leaf's `lambda: None`: nothing to show

    def call_backward(self, obj: Any, function: Callable[..., Any], line: int | None, *args: Any, **kw: Any) -> Any:
        """`obj.backward()`: a pass, when obj is a value."""
        k = self.register(obj)
        if k is None:
            return function(obj, *args, **kw)
        self.pass_calls += 1
        self.at += 1
        if self.current_pass is not None:
            self.nested += 1
        else:
            self.current_pass = self.open_pass(k, line, manual=False)
            self.manual.pop(k, None)
            self.seeded = False
        try:
            return function(obj, *args, **kw)
        finally:
            self.at += 1
            if self.nested:
                self.nested -= 1
            elif self.current_pass is not None:
                self.snapshot(self.current_pass)
                self.current_pass = None

    def draw_dot(self, root: Any, format: str = "svg", rankdir: str = "LR") -> Digraph:
        """The explorer's draw_dot: a view of root's graph as it stands now."""
        k = self.register(root)
        if k is None:
            raise TypeError("draw_dot() draws a value: an object with data, grad and _prev")
        self.at += 1
        order = self.order(k)
        line = _program_line(sys._getframe(1))
        data, grad = self.numbers(order, "data"), self.numbers(order, "grad")
        self.views.append({"line": line, "output": k, "order": order, "data": data, "grad": grad, "at": self.at})
        self.draw_target = root
        return Digraph(format=format, graph_attr={"rankdir": rankdir})

    def bind(self, *pairs: Any) -> None:
        """A module-scope assignment: a value bound to a name takes it (the first one) as its name."""
        for name, value in zip(pairs[::2], pairs[1::2], strict=True):
            k = self.index.get(id(value))
            if k is not None:
                self.at += 1
                self.names.setdefault(k, name)
                self.last_bound = value

    def out(self, cell: int, value: Any) -> Any:
        """A cell's last expression statement: its Out[n], shown as it is now."""
        shown = None if value is None else repr(value)
        self.outs[cell] = shown
        self.last_out, self.result = value, shown
        return value

    def write(self, text: str) -> int:
        """Printed text: each line is kept with the program line running when it was ended."""
        line = _program_line(sys._getframe(1))
        *done, self.pending = (self.pending + str(text)).split("\n")
        self.prints.extend((line, printed) for printed in done)
        if self.pending:
            self.pending_line = line
        return len(text)

    def flush(self) -> None:
        """Nothing to flush: print(..., flush=True) calls it."""

    def finish(self) -> None:
        """The explorer's own pass, for a program that neither called backward() nor did backprop by hand."""
        if self.pass_calls or any(p.manual for p in self.passes):
            return
        target = self.draw_target
        if target is None:
            target = self.last_out if id(self.last_out) in self.index else self.last_bound
        if target is not None and callable(getattr(target, "backward", None)):
            self.call_backward(target, lambda obj: obj.backward(), None)

    def view_passes(self) -> list[int]:
        """Each view's pass: the last pass of its graph opened before it, else the next one."""
        chosen = []
        for view in self.views:
            mine = [i for i, p in enumerate(self.passes) if p.output == view["output"]]
            before = [i for i in mine if self.passes[i].at <= view["at"]]
            after = [i for i in mine if self.passes[i].at > view["at"]]
            chosen.append(before[-1] if before else (after[0] if after else 0))
        return chosen
