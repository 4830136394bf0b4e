"""What one CPython run of a program did, as the parent reads it, and how printed texts are compared."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|inf|nan)")


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
