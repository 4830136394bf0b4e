"""CPython as the oracle of LANGUAGE.md: run a program as plain Python in a child process and record what it did.

The child runs the text as CPython runs it, with what the explorer gives a program that a plain
interpreter lacks: `Value` when the program defines none (the lecture's, below), `draw_dot` and
`trace` (a module-scope `def draw_dot` or `def trace` is dropped for them, as the explorer drops
it), a `graphviz.Digraph` that draws nothing, the shorthand's leaves (`a = 2.0` is a Value labelled
a), notebook lines skipped, seed 0 for `random`, and the explorer's recursion limit. A program's own
`class Value`, and micrograd 0.1.0's when it imports micrograd, run as written.

What the explorer shows is learnt through the data model, not from the program's syntax: every
class the program makes, the built-in Value and micrograd's get a `__setattr__` that sees each
write of `data`, `grad`, `_prev` and `_backward`, and a `backward` that records a pass. An object
is a value once it has `data`, `grad` and `_prev` (numbers, numbers, operands); from then on its
grad writes are deposits (inside a `_backward` call), a seed or a set (inside `backward()`), or the
program's backprop by hand (outside both, to a number other than 0: a manual pass of the graph).
Only a program that does neither gets the explorer's own pass (LANGUAGE.md). A value's data or grad
that becomes infinite stops the program, as the explorer stops it. Each cell's Out[n] is its repr
when the cell ran, as Jupyter shows it.
"""

from __future__ import annotations

import ast
import bisect
import builtins
import json
import math
import os
import random
import re
import resource
import selectors
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import types
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import CodeType, FrameType
from typing import Any, NamedTuple

PROGRAM_FILE = "<program>"
RECURSION_LIMIT = 3_000  # the explorer's MAX_RECURSION
CHILD_MEMORY = 2 << 30  # bytes of address space the child process may use
CHILD_SLACK = 10.0  # seconds the parent waits past a program's own time-out before it kills the child
CHILD_ENV = {"PYTHONHASHSEED": "0"}  # the jail's: sets of strings iterate in the same order in both
NOTEBOOK_LINE = re.compile(r"^[ \t]*[%!]")
CELL_MARKER = re.compile(r"^# ?%%")
PLACEHOLDER_MODULES = ("numpy", "matplotlib", "torch")  # imported but not installed here: a module that fails on use
REPLACED_FUNCTIONS = ("draw_dot", "trace")
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|inf|nan)")


# ----------------------------------------------------------------------------------------------- results (parent)
class Print(NamedTuple):
    """One printed line and the program line running when it was ended."""

    line: int | None
    text: str


@dataclass(frozen=True)
class Node:
    """One value, numbered in the order it became one: its operation, label, first module-scope name, operands."""

    key: int
    op: str
    label: str
    name: str | None
    children: tuple[int, ...]
    line: int  # where the program made it: the innermost line of the program outside the value's own class
    column: int


@dataclass(frozen=True)
class Step:
    """A `_backward` call with its grad writes (to, before, after), or a grad set (`set` is the new grad)."""

    node: int
    line: int | None
    upstream: float
    set: float | None
    deposits: tuple[tuple[int, float, float], ...]


@dataclass(frozen=True)
class Pass:
    """A backward() call, the explorer's own pass (line None), or a graph's backprop by hand (manual)."""

    line: int | None
    manual: bool
    output: int
    order: tuple[int, ...]  # topological, the output last
    data: tuple[float, ...]
    grad_before: tuple[float, ...]
    grad: tuple[float, ...]
    stale: bool
    steps: tuple[Step, ...]

    def grads(self, nodes: Sequence[Node]) -> dict[str, float]:
        """Each labelled node's grad after the pass."""
        return {nodes[k].label: grad for k, grad in zip(self.order, self.grad, strict=True) if nodes[k].label}


@dataclass(frozen=True)
class View:
    """A draw_dot(v) call: v's graph and numbers then, and the pass the explorer should show for it."""

    line: int | None
    output: int
    order: tuple[int, ...]
    data: tuple[float, ...]
    grad: tuple[float, ...]
    pass_index: int


@dataclass(frozen=True)
class ErrorInfo:
    """What the program raised: the exception's type name, CPython's `Type: message` line, and where."""

    type: str  # "Timeout" and "Crash" when the child ran out of time or died; "NonFinite" for an infinite value
    message: str
    line: int | None  # innermost program line: in a function, the line inside it
    column: int | None
    outer_line: int | None  # outermost program line: the module-level statement that led there


@dataclass(frozen=True)
class CPythonRun:
    """Everything one CPython run of a program did that the explorer must show."""

    prints: list[Print]
    result: str | None  # repr of the last Out[n] when it was shown
    outs: list[str | None]  # each `# %%` cell's Out[n], as Jupyter shows it
    error: ErrorInfo | None
    nodes: list[Node]
    passes: list[Pass]
    views: list[View]
    default_pass: int | None
    value_class: str
    builtin_tanh: bool  # the built-in Value's tanh ran: the lecture's formula, not math.tanh
    unordered: bool  # some value's _prev is a set: a backward pass visits it in the order of addresses
    reordered: bool  # ...and some grad there took more than two additions, so that order shows in its last bits

    @property
    def printed(self) -> list[str]:
        """The printed texts alone."""
        return [entry.text for entry in self.prints]

    @property
    def implicit_pass(self) -> Pass | None:
        """The explorer's own pass: the program neither called backward() nor did backprop by hand."""
        own = [each for each in self.passes if each.line is None and not each.manual]
        return own[0] if own else None

    def labelled(self, label: str) -> int:
        """The key of the one node with this label."""
        (found,) = [node.key for node in self.nodes if node.label == label]
        return found


def same_printed(explorer: str, cpython: str, rel: float = 0.0, zero: float = 0.0) -> bool:
    """Whether two texts are equal, but for floats that agree to `rel` (relative) or `zero` (absolute)."""
    if explorer == cpython:
        return True
    if NUMBER.split(explorer) != NUMBER.split(cpython):
        return False
    pairs = list(zip(NUMBER.findall(explorer), NUMBER.findall(cpython), strict=True))
    return all(
        a == b or (_is_float(a) and _is_float(b) and math.isclose(float(a), float(b), rel_tol=rel, abs_tol=zero))
        for a, b in pairs
    )


def _is_float(text: str) -> bool:
    return any(mark in text for mark in ".eEin")


def run_in_cpython(source: str, timeout: float = 20.0) -> CPythonRun:
    """Run one program in a CPython subprocess and return what it did."""
    return run_many_in_cpython([source], timeout)[0]


def run_many_in_cpython(sources: Sequence[str], timeout: float = 20.0) -> list[CPythonRun]:
    """Run programs one after another in one CPython subprocess, each in a fresh state, timeout seconds each."""
    runs: list[CPythonRun] = []
    while len(runs) < len(sources):
        records, failure = _run_child(sources[len(runs) :], timeout)
        runs.extend(_read_run(record) for record in records)
        if failure is not None:
            runs.append(CPythonRun([], None, [], failure, [], [], [], None, "builtin", False, False, False))
    return runs


def _run_child(sources: Sequence[str], timeout: float) -> tuple[list[dict[str, Any]], ErrorInfo | None]:
    records: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as folder:
        job = os.path.join(folder, "job.json")
        with open(job, "w", encoding="utf-8") as file:
            json.dump({"timeout": timeout, "sources": list(sources)}, file)
        with (
            open(os.path.join(folder, "stderr"), "w+", encoding="utf-8") as stderr,
            subprocess.Popen(
                [sys.executable, "-s", "-P", "-B", os.path.abspath(__file__), job],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=stderr,
                cwd=folder,
                env=CHILD_ENV,
            ) as child,
        ):
            assert child.stdout is not None
            failure = None
            try:
                for line in _read_lines(child.stdout.fileno(), len(sources), timeout + CHILD_SLACK):
                    records.append(json.loads(line))
            except TimeoutError:
                failure = ErrorInfo("Timeout", f"no answer in {timeout + CHILD_SLACK} s", None, None, None)
            finally:
                if child.poll() is None:
                    child.kill()
                child.wait()
            if failure is None and len(records) < len(sources):
                stderr.seek(0)
                failure = ErrorInfo("Crash", f"exit {child.returncode}: {stderr.read()[-2000:]}", None, None, None)
    return records, failure


def _read_lines(fd: int, count: int, seconds: float) -> list[bytes]:
    """Read up to count lines from fd, allowing seconds for each; stop early at end of file."""
    lines: list[bytes] = []
    pending = b""
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        deadline = time.monotonic() + seconds
        while len(lines) < count:
            if not selector.select(max(0.0, deadline - time.monotonic())):
                raise TimeoutError
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                break
            *complete, pending = (pending + chunk).split(b"\n")
            if complete:
                lines.extend(complete)
                deadline = time.monotonic() + seconds
    return lines


def _read_run(record: dict[str, Any]) -> CPythonRun:
    passes = [
        Pass(
            entry["line"],
            entry["manual"],
            entry["output"],
            tuple(entry["order"]),
            tuple(entry["data"]),
            tuple(entry["grad_before"]),
            tuple(entry["grad"]),
            entry["stale"],
            tuple(
                Step(node, line, upstream, chosen, tuple((to, before, after) for to, before, after in deposits))
                for node, line, upstream, chosen, deposits in entry["steps"]
            ),
        )
        for entry in record["passes"]
    ]
    views = [
        View(v["line"], v["output"], tuple(v["order"]), tuple(v["data"]), tuple(v["grad"]), v["pass"])
        for v in record["views"]
    ]
    return CPythonRun(
        prints=[Print(line, text) for line, text in record["prints"]],
        result=record["result"],
        outs=record["outs"],
        error=ErrorInfo(**record["error"]) if record["error"] else None,
        nodes=[
            Node(k, op, label, name, tuple(children), line, column)
            for k, (op, label, name, children, line, column) in enumerate(record["nodes"])
        ],
        passes=passes,
        views=views,
        default_pass=record["default_pass"],
        value_class=record["value_class"],
        builtin_tanh=record["builtin_tanh"],
        unordered=record["unordered"],
        reordered=record["reordered"],
    )


# ------------------------------------------------------------------------------- the child: the lecture's Value
class Value:
    """The lecture's Value (micrograd's engine.py with `label=`, `tanh` and `exp`), with micrograd's `__rsub__`,
    `__rtruediv__` and `relu`, and a `log` and `sigmoid` in the same shape.

    Two choices are the explorer's, and neither changes a number: `_prev` keeps the operands in order (a + a has
    two edges), and a whole float power is named as an int one (`**2`). Its tanh is math.tanh, as the explorer's.
    """

    def __init__(self, data: Any, _children: tuple[Value, ...] = (), _op: str = "", label: str = "") -> None:
        self.data = data
        self.grad = 0.0
        self._backward: Callable[[], None] = lambda: None
        self._prev = tuple(_children)
        self._op = _op
        self.label = label

    def __repr__(self) -> str:
        return f"Value(data={self.data})"

    def __add__(self, other: Any) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward() -> None:
            self.grad += 1.0 * out.grad
            other.grad += 1.0 * out.grad

        out._backward = _backward
        return out

    def __mul__(self, other: Any) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward() -> None:
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, other: Any) -> Value:
        assert isinstance(other, (int, float)), "only supporting int/float powers for now"
        whole = isinstance(other, float) and other.is_integer() and abs(other) < 1e15
        out = Value(self.data**other, (self,), f"**{int(other) if whole else other}")

        def _backward() -> None:
            self.grad += other * (self.data ** (other - 1)) * out.grad

        out._backward = _backward
        return out

    def __rmul__(self, other: Any) -> Value:
        return self * other

    def __truediv__(self, other: Any) -> Value:
        return self * other**-1

    def __rtruediv__(self, other: Any) -> Value:
        return other * self**-1

    def __neg__(self) -> Value:
        return self * -1

    def __sub__(self, other: Any) -> Value:
        return self + (-other)

    def __rsub__(self, other: Any) -> Value:
        return other + (-self)

    def __radd__(self, other: Any) -> Value:
        return self + other

    def tanh(self) -> Value:
        x = self.data
        t = math.tanh(x)  # the explorer's: the lecture's (e**2x - 1) / (e**2x + 1) differs in the last bits
        out = Value(t, (self,), "tanh")
        if _Recorder.current is not None:
            _Recorder.current.builtin_tanh = True

        def _backward() -> None:
            self.grad += (1 - t**2) * out.grad

        out._backward = _backward
        return out

    def exp(self) -> Value:
        x = self.data
        out = Value(math.exp(x), (self,), "exp")

        def _backward() -> None:
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    def log(self) -> Value:
        out = Value(math.log(self.data), (self,), "log")

        def _backward() -> None:
            self.grad += (1 / self.data) * out.grad

        out._backward = _backward
        return out

    def relu(self) -> Value:
        out = Value(0 if self.data < 0 else self.data, (self,), "ReLU")

        def _backward() -> None:
            self.grad += (out.data > 0) * out.grad

        out._backward = _backward
        return out

    def sigmoid(self) -> Value:
        if self.data >= 0:
            s = 1 / (1 + math.exp(-self.data))
        else:
            e = math.exp(self.data)  # the same number, without overflow for a very negative x
            s = e / (1 + e)
        out = Value(s, (self,), "sigmoid")

        def _backward() -> None:
            self.grad += s * (1 - s) * out.grad

        out._backward = _backward
        return out

    def backward(self) -> None:
        topo: list[Value] = []
        visited: set[Value] = set()

        def build_topo(v: Value) -> None:
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)

        build_topo(self)
        self.grad = 1.0
        for node in reversed(topo):
            node._backward()


class Digraph:
    """graphviz.Digraph as the explorer gives it: every call accepted, nothing drawn or written."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.format = kwargs.get("format", "svg")
        self.graph_attr = dict(kwargs.get("graph_attr") or {})

    def node(self, *args: Any, **kwargs: Any) -> None:
        """Accepted."""

    def edge(self, *args: Any, **kwargs: Any) -> None:
        """Accepted."""

    def attr(self, *args: Any, **kwargs: Any) -> None:
        """Accepted."""

    def render(self, *args: Any, **kwargs: Any) -> None:
        """Writes no file."""

    def view(self, *args: Any, **kwargs: Any) -> None:
        """Opens nothing."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Writes no file."""

    def __repr__(self) -> str:
        return "<graphviz.graphs.Digraph object>"


# ------------------------------------------------------------------------------------ the child: the recorder
class NonFinite(BaseException):
    """A value's data or grad became infinite or NaN: the explorer stops the program there (LANGUAGE.md)."""


class ProgramTimeout(BaseException):
    """The program ran past its time."""


def _number(x: Any) -> float | None:
    """A value's number as a float, or None when it is not a real number."""
    if isinstance(x, (int, float)):
        try:
            return float(x)
        except OverflowError:
            return math.copysign(math.inf, x)
    return None


def _program_line(frame: FrameType | None) -> int | None:
    """The line of the innermost frame of the program, from `frame` outwards."""
    while frame is not None:
        if frame.f_code.co_filename == PROGRAM_FILE:
            return frame.f_lineno
        frame = frame.f_back
    return None


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


class _Recorder:
    """What one run of a program did to its values."""

    current: _Recorder | None = None

    def __init__(self, source_lines: list[str]) -> None:
        self.lines = source_lines
        self.objects: list[Any] = []  # the values, kept alive so that their ids stay theirs
        self.index: dict[int, int] = {}
        self.children: list[list[int]] = []
        self.places: list[tuple[int, int]] = []
        self.consumers: list[list[int]] = []
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
        self.unordered = False
        self.reordered = False
        self.class_lines: dict[type, int] = {}

    # -- values
    def register(self, obj: Any) -> int | None:
        """The number of a value, registering it (and any operand not yet seen) if it now is one."""
        known = self.index.get(id(obj))
        if known is not None:
            return known
        try:
            data, grad, prev = _number(obj.data), _number(obj.grad), obj._prev
            operands = list(prev)
        except Exception:
            return None
        if data is None or grad is None:
            return None
        children = [k for k in (self.register(child) for child in operands) if k is not None]
        if isinstance(prev, (set, frozenset)):
            children.sort()  # the explorer draws a set's operands in the order made
            self.unordered = True
        if not math.isfinite(data):
            raise NonFinite(f"a value's data became {data} (not a finite number)")
        k = len(self.objects)
        self.objects.append(obj)
        self.index[id(obj)] = k
        self.children.append(children)
        self.places.append(self.origin(type(obj)))
        self.consumers.append([])
        for child in children:
            self.consumers[child].append(k)
        return k

    def origin(self, cls: type) -> tuple[int, int]:
        """Where the program made a value: the innermost frame of the program that is not one of its class's
        methods (`e = a*b`, not `out = Value(...)` inside `__mul__`), as a line and a character column."""
        prefixes = tuple(f"{base.__qualname__}." for base in cls.__mro__ if base is not object)
        frame: FrameType | None = sys._getframe(2)
        while frame is not None:
            code = frame.f_code
            if code.co_filename == PROGRAM_FILE and not code.co_qualname.startswith(prefixes):
                line, _, offset, _ = list(code.co_positions())[frame.f_lasti // 2]
                line = line or frame.f_lineno
                return line, _character_column(self.lines, line, offset or 0)
            frame = frame.f_back
        return 1, 1

    def order(self, root: int) -> list[int]:
        """Every value root depends on, operands before results, operands visited in order."""
        order: list[int] = []
        visited = {root}
        stack = [(root, iter(self.children[root]))]
        while stack:
            node, rest = stack[-1]
            for child in rest:
                if child not in visited:
                    visited.add(child)
                    stack.append((child, iter(self.children[child])))
                    break
            else:
                stack.pop()
                order.append(node)
        return order

    def numbers(self, order: list[int], field: str) -> list[float]:
        """Each value's data or grad now."""
        return [_number(getattr(self.objects[k], field)) or 0.0 for k in order]

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

    def root(self, k: int) -> int:
        """The newest value that depends on k and feeds nothing: the output of k's graph."""
        best, seen, stack = k, {k}, [k]
        while stack:
            node = stack.pop()
            if not self.consumers[node]:
                best = max(best, node)
            for user in self.consumers[node]:
                if user not in seen:
                    seen.add(user)
                    stack.append(user)
        return best

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

    def value_class(self) -> str:
        """Whose class made the values: `builtin` (the lecture's Value or micrograd's), or the program's own,
        as `Value (line 8)`: the class of the first value, at the line of its `class` statement."""
        for obj in self.objects:
            cls = type(obj)
            if cls not in BUILTIN_CLASSES:
                line = self.class_lines.get(cls)
                return f"{cls.__name__} (line {line})" if line else cls.__name__
        return "builtin"


# ------------------------------------------------------------------------------- the child: watching classes
class _BackwardStep:
    """A value's `_backward`, as the program stored it, that tells the recorder when it is called."""

    __slots__ = ("function", "owner")

    def __init__(self, owner: Any, function: Callable[[], Any]) -> None:
        self.owner = owner
        self.function = function

    def __call__(self) -> Any:
        recorder = _Recorder.current
        if recorder is None:
            return self.function()
        caller = sys._getframe(1)
        if caller.f_code.co_filename == PROGRAM_FILE:
            line: int | None = caller.f_lineno
        else:  # called by the built-in Value's or micrograd's backward(): a step of no program line of its own
            line = None if recorder.current_pass is not None else _program_line(caller)
        return recorder.call_backward_step(self.owner, self.function, line)


def _watch_attributes(cls: type) -> None:
    """Give cls a __setattr__ that tells the recorder of writes of data, grad and _prev, and wraps _backward."""
    original = cls.__setattr__

    def __setattr__(self: Any, name: str, value: Any) -> None:
        recorder = _Recorder.current
        if recorder is None:
            original(self, name, value)
        elif name == "_backward" and callable(value) and not isinstance(value, _BackwardStep):
            original(self, name, _BackwardStep(self, value))
        elif name in ("data", "grad", "_prev"):
            before = getattr(self, name, None) if name == "grad" else None
            original(self, name, value)
            recorder.wrote(self, name, value, before, _program_line(sys._getframe(1)))
        else:
            original(self, name, value)

    __setattr__.oracle = True  # type: ignore[attr-defined]
    cls.__setattr__ = __setattr__  # type: ignore[method-assign,assignment]


def _watch_backward(cls: type) -> None:
    """Make each call of cls's own backward() a pass."""
    original = cls.__dict__["backward"]

    def backward(self: Any, *args: Any, **kwargs: Any) -> Any:
        recorder = _Recorder.current
        if recorder is None:
            return original(self, *args, **kwargs)
        line = _program_line(sys._getframe(1))
        return recorder.call_backward(self, original, line, *args, **kwargs)

    backward.oracle = True  # type: ignore[attr-defined]
    backward.__qualname__ = getattr(original, "__qualname__", "backward")
    cls.backward = backward  # type: ignore[attr-defined]


def _watch(cls: type) -> None:
    """Watch a class's values: its attribute writes (unless a base already has them watched) and its backward."""
    if not any(getattr(base.__dict__.get("__setattr__"), "oracle", False) for base in cls.__mro__):
        _watch_attributes(cls)
    own = cls.__dict__.get("backward")
    if callable(own) and not getattr(own, "oracle", False):
        _watch_backward(cls)


def _build_class(function: Any, name: str, *bases: Any, **kwargs: Any) -> Any:
    """Python's class statement, with the class watched and the line of its `class` keyword noted."""
    line = sys._getframe(1).f_lineno  # the statement's own line, after any decorators
    cls = builtins.__build_class__(function, name, *bases, **kwargs)
    if isinstance(cls, type):
        _watch(cls)
        if _Recorder.current is not None:
            _Recorder.current.class_lines[cls] = line
    return cls


def _trace(root: Any) -> tuple[set[Any], set[tuple[Any, Any]]]:
    """micrograd's trace: every value root depends on, and the edges between them."""
    nodes: set[Any] = set()
    edges: set[tuple[Any, Any]] = set()
    stack = [root]
    while stack:
        v = stack.pop()
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                stack.append(child)
    return nodes, edges


class _Placeholder(types.ModuleType):
    """A module this Python does not have: importing it works, using it fails."""

    def __getattr__(self, name: str) -> Any:
        raise NameError(f"{self.__name__} is not installed, so {self.__name__}.{name} cannot be used")


def _import(name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0) -> Any:
    """import, with the explorer's graphviz, and placeholders for the notebook's modules not installed here."""
    top = name.partition(".")[0]
    if top == "graphviz":
        return GRAPHVIZ
    try:
        return builtins.__import__(name, globals, locals, fromlist, level)
    except ImportError:
        if top not in PLACEHOLDER_MODULES:
            raise
    module = outer = _Placeholder(top)
    for part in name.split(".")[1:]:
        inner = _Placeholder(f"{outer.__name__}.{part}")
        outer.__dict__[part] = outer = inner
    return outer if fromlist else module


GRAPHVIZ = types.ModuleType("graphviz")
GRAPHVIZ.Digraph = Digraph  # type: ignore[attr-defined]
BUILTIN_CLASSES: tuple[type, ...] = (Value,)


def _watch_micrograd() -> None:
    """micrograd 0.1.0's Value is watched like the built-in one (the explorer's micrograd is its built-in)."""
    global BUILTIN_CLASSES
    try:
        import micrograd.engine
        import micrograd.nn  # imported once here, so that each program's import finds it ready
    except ImportError:
        return
    _watch(micrograd.engine.Value)
    BUILTIN_CLASSES = (Value, micrograd.engine.Value)


# ------------------------------------------------------------------------------- the child: running a program
def _cell_starts(text: str) -> list[int]:
    starts = [index + 1 for index, line in enumerate(text.split("\n")) if CELL_MARKER.match(line)]
    return starts if starts and starts[0] == 1 else [1, *starts]


def _call(name: str, node: ast.AST, *args: ast.expr) -> ast.Call:
    return ast.copy_location(ast.Call(ast.Name(name, ast.Load()), list(args), []), node)


def _bound_names(statement: ast.stmt) -> list[str]:
    """The names an assignment statement binds (`a`, `a, b`, `a += 1`, `a: float = 1.0`): what names a value."""
    if isinstance(statement, ast.Assign):
        stack: list[ast.expr] = list(statement.targets)
    elif isinstance(statement, ast.AugAssign) or (isinstance(statement, ast.AnnAssign) and statement.value):
        stack = [statement.target]
    else:
        return []
    names: list[str] = []
    while stack:
        target = stack.pop(0)
        if isinstance(target, ast.Name):
            names.append(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            stack[:0] = target.elts
        elif isinstance(target, ast.Starred):
            stack.insert(0, target.value)
    return list(dict.fromkeys(names))


def _module_statements(body: list[ast.stmt]) -> list[ast.stmt]:
    """Module-scope statements, in blocks too: the explorer's draw_dot and trace for the program's own, and
    each assignment followed by a note of the values it bound."""
    result: list[ast.stmt] = []
    for statement in body:
        if isinstance(statement, ast.FunctionDef) and statement.name in REPLACED_FUNCTIONS:
            result.append(ast.copy_location(ast.Pass(), statement))
            continue
        if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for field in ("body", "orelse", "finalbody"):
                block = getattr(statement, field, None)
                if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                    setattr(statement, field, _module_statements(block))
            for handler in getattr(statement, "handlers", []):
                handler.body = _module_statements(handler.body)
            for case in getattr(statement, "cases", []):
                case.body = _module_statements(case.body)
        result.append(statement)
        pairs: list[ast.expr] = []
        for name in _bound_names(statement):
            pairs += [ast.Constant(name), ast.Name(name, ast.Load())]
        if pairs:
            result.append(ast.copy_location(ast.Expr(_call("__oracle_bind__", statement, *pairs)), statement))
    return result


def _is_shorthand(tree: ast.Module) -> bool:
    """The playground shorthand: only assignments and expressions, and neither Value nor print named."""
    if not all(isinstance(statement, (ast.Assign, ast.AugAssign, ast.Expr)) for statement in tree.body):
        return False
    return not any(isinstance(node, ast.Name) and node.id in ("Value", "print") for node in ast.walk(tree))


def _make_leaves(tree: ast.Module) -> None:
    """In the shorthand, `a = 2.0` at module scope is `a = Value(2.0, label='a')` (LANGUAGE.md)."""
    for statement in tree.body:
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1):
            continue
        target, value = statement.targets[0], statement.value
        number = (
            value.operand if isinstance(value, ast.UnaryOp) and isinstance(value.op, (ast.USub, ast.UAdd)) else value
        )
        if isinstance(target, ast.Name) and isinstance(number, ast.Constant) and type(number.value) in (int, float):
            statement.value = _call("__oracle_leaf__", value, value, ast.Constant(target.id))


def _compile_program(source: str) -> CodeType:
    """The program as CPython runs it in the explorer's setting: notebook lines skipped, the shorthand's leaves
    made, Out[n] of each cell noted when shown, module-scope bindings noted, its own draw_dot and trace dropped."""
    text = "\n".join("" if NOTEBOOK_LINE.match(line) else line for line in source.split("\n"))
    tree = ast.parse(text, PROGRAM_FILE)
    if _is_shorthand(tree):
        _make_leaves(tree)
    cells = _cell_starts(text)
    last: dict[int, ast.stmt] = {}
    for statement in tree.body:
        last[bisect.bisect_right(cells, statement.lineno) - 1] = statement
    for cell, statement in last.items():
        if isinstance(statement, ast.Expr):
            statement.value = _call("__oracle_out__", statement.value, ast.Constant(cell), statement.value)
    tree.body = _module_statements(tree.body)
    return compile(ast.fix_missing_locations(tree), PROGRAM_FILE, "exec", dont_inherit=True)


def _character_column(lines: list[str], line: int, offset: int) -> int:
    """The 1-based column, in characters, of a UTF-8 byte offset in a line (as a traceback's caret stands)."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return len(text.encode()[:offset].decode(errors="ignore")) + 1


def _describe_error(error: BaseException, timeout: float, source_lines: list[str]) -> dict[str, Any]:
    if isinstance(error, SyntaxError) and error.filename == PROGRAM_FILE:
        return {
            "type": "SyntaxError",
            "message": str(error.msg),
            "line": error.lineno,
            "column": error.offset,
            "outer_line": None,
        }
    frames = []
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == PROGRAM_FILE:
            frames.append(tb)
        tb = tb.tb_next
    line = column = outer = None
    if frames:
        inner = frames[-1]
        positions = list(inner.tb_frame.f_code.co_positions())
        start = positions[inner.tb_lasti // 2] if 0 <= inner.tb_lasti // 2 < len(positions) else (None,) * 4
        line = start[0] or inner.tb_lineno
        column = _character_column(source_lines, line, start[2] or 0)
        outer = frames[0].tb_lineno
    if isinstance(error, ProgramTimeout):
        kind, message = "Timeout", f"ran past {timeout} s"
    else:
        kind, message = type(error).__name__, traceback.format_exception_only(type(error), error)[-1].strip()
    return {"type": kind, "message": message, "line": line, "column": column, "outer_line": outer}


def _raise_timeout(signum: int, frame: FrameType | None) -> None:
    raise ProgramTimeout


def _run_program(source: str, timeout: float) -> dict[str, Any]:
    """Run one program in a fresh state: seed 0, fresh globals, a fresh recorder."""
    recorder = _Recorder.current = _Recorder(source.split("\n"))
    random.seed(0)
    table = dict(vars(builtins))
    table.update(
        Value=Value,
        draw_dot=recorder.draw_dot,
        trace=_trace,
        __build_class__=_build_class,
        __import__=_import,
        __oracle_bind__=recorder.bind,
        __oracle_out__=recorder.out,
        __oracle_leaf__=lambda number, name: Value(number, label=name),
    )
    scope: dict[str, Any] = {"__name__": "__main__", "__builtins__": table}
    error: dict[str, Any] | None = None
    limit = sys.getrecursionlimit()
    streams = sys.stdout, sys.stderr
    try:
        try:
            code = _compile_program(source)
            sys.stdout = sys.stderr = recorder  # type: ignore[assignment]
            sys.setrecursionlimit(RECURSION_LIMIT)
            signal.setitimer(signal.ITIMER_REAL, timeout)
            exec(code, scope)
            recorder.finish()
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            sys.setrecursionlimit(limit)
            sys.stdout, sys.stderr = streams
    except BaseException as caught:  # the timer is off here, so that no time-out escapes the handler
        error = _describe_error(caught, timeout, source.split("\n"))
    finally:
        _Recorder.current = None
    if recorder.pending:
        recorder.prints.append((recorder.pending_line, recorder.pending))
    return _message(recorder, error, len(_cell_starts(source)))


def _message(recorder: _Recorder, error: dict[str, Any] | None, cells: int) -> dict[str, Any]:
    """Everything the run recorded, as plain data."""
    views = recorder.view_passes()
    nodes = []
    for k, obj in enumerate(recorder.objects):
        op = getattr(obj, "_op", "")
        label = getattr(obj, "label", "")
        op = op if isinstance(op, str) else str(op)
        label = label if isinstance(label, str) else ""
        nodes.append([op, label, recorder.names.get(k), recorder.children[k], *recorder.places[k]])
    return {
        "prints": recorder.prints,
        "result": recorder.result if error is None else None,
        "outs": [recorder.outs.get(cell) for cell in range(cells)],
        "error": error,
        "nodes": nodes,
        "passes": [chosen.record() for chosen in recorder.passes],
        "views": [{**view, "pass": chosen} for view, chosen in zip(recorder.views, views, strict=True)],
        "default_pass": views[-1] if views else (len(recorder.passes) - 1 if recorder.passes else None),
        "value_class": recorder.value_class(),
        "builtin_tanh": recorder.builtin_tanh,
        "unordered": recorder.unordered,
        "reordered": recorder.reordered,
    }


def _serve(job_path: str) -> None:
    """The child's main: run every program of the job, writing one JSON line per program as it finishes."""
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY if hard < 0 else min(CHILD_MEMORY, hard), hard))
    with open(job_path, encoding="utf-8") as file:
        job = json.load(file)
    _watch(Value)
    _watch_micrograd()
    signal.signal(signal.SIGALRM, _raise_timeout)
    answers = sys.stdout
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115  (nothing but the answers may reach the parent)
    for source in job["sources"]:
        answers.write(json.dumps(_run_program(source, job["timeout"])) + "\n")
        answers.flush()


if __name__ == "__main__":
    _serve(sys.argv[1])
