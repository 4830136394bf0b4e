"""The values a run made, numbered in the order they became values, with their operands, consumers and
places, and the walks of a graph the recorder needs."""

from __future__ import annotations

import math
import sys
from types import FrameType
from typing import Any

from .errors import NonFinite
from .program import PROGRAM_FILE, _character_column


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


class _Graph:
    """The values of one run: each object that has data, grad and _prev, and its operands."""

    def __init__(self, source_lines: list[str]) -> None:
        self.lines = source_lines
        self.objects: list[Any] = []  # the values, kept alive so that their ids stay theirs
        self.index: dict[int, int] = {}
        self.children: list[list[int]] = []
        self.places: list[tuple[int, int]] = []
        self.consumers: list[list[int]] = []
        self.unordered = False

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
