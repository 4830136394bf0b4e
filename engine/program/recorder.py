"""The recorder: what a running program did to its values, as compact events for the server.

It lives in the jailed process, one per run. A value is any object with `data`, `grad` and
`_prev` (LANGUAGE.md): it is registered the first time one of those is written and the three
are all there (in the lecture's `__init__`, at `self._prev = set(_children)`). From then on,
every write of its data or grad, every call of its `_backward`, every `backward()`, `draw_dot`
and module-scope binding of it is an event. Events are tuples: the server (engine/record.py)
turns them into passes, views and steps. Where each value was made, and in which call, is found
by engine/program/origins.py.
"""

from __future__ import annotations

import math
import sys
from types import FrameType
from typing import Any

from engine.limits import Limits
from engine.program.events import FIELDS, WRITE
from engine.program.origins import PROGRAM, Origins
from engine.program.places import Places

FIELD_NUMBERS = {name: number for number, name in enumerate(FIELDS)}


class Limit(BaseException):
    """A limit of the run crossed: a `limit` error at the running line."""


class NonFinite(BaseException):
    """A value's data or grad became infinite or NaN: a `math` error at the line that wrote it."""


def as_number(x: object) -> float | None:
    """A value's number as a float, or None when it is not a real number."""
    if isinstance(x, int | float):
        try:
            return float(x)
        except OverflowError:
            return math.inf
    return None


class Recorder:
    """The events of one run and the values they name."""

    def __init__(self, limits: Limits, overrides: dict[int, float], source_lines: list[str]) -> None:
        self.max_values = limits.max_nodes
        self.max_events = limits.max_events
        self.max_passes = limits.max_passes
        self.max_print_lines = limits.max_print_lines
        self.max_print_chars = limits.max_print_chars
        self.overrides = overrides
        self.lines = source_lines
        self.objects: list[Any] = []  # registered values, kept alive so that their ids stay theirs
        self.index: dict[int, int] = {}  # id(object) -> its number
        self.pending: set[int] = set()  # objects whose _prev was written before their data or grad
        # Per value, in columns (engine/program/events.py): data and grad when made; line, column, group,
        # events before it, how many operands and its expression (an index into `exprs`); the operands.
        # Lists, packed into arrays when the run ends: an array converts each item it takes, three times slower.
        self.value_numbers: list[float] = []
        self.value_ints: list[int] = []
        self.operands: list[int] = []
        self.leaf = bytearray()  # 1 where a value has no operands
        self.kinds: list[int] = []  # one per event
        self.ints: list[int] = []
        self.floats: list[float] = []
        self.names: dict[str, int] = {}  # names bound at module scope, numbered in the order first bound
        self.origins = Origins(Places(source_lines))
        self.prints: list[tuple[int, str]] = []
        self.pending_print = ""
        self.printed = 0
        self.passes = 0
        self.open_passes = 0
        self.open_steps = 0
        self.manual = False  # the program set a grad or called _backward() outside any backward()
        self.draw_target: Any = None
        self.notes: list[tuple[int | None, str]] = []
        self.outs: dict[int, str | None] = {}  # each cell's Out[n] as it was shown
        self.class_lines: dict[type, int] = {}  # the line of each class statement run
        self.pending_line = 1  # the line of the print that left the last line unfinished
        self.last_out: Any = None
        self.last_bound: Any = None

    # -- values

    def register(self, obj: Any, depth: int = 0) -> int | None:
        """The number of a value, registering it (and any operand not yet seen) if it now is one; `depth` frames
        of the explorer's own lie between the caller and the program (a hook's, an outer register's)."""
        index = self.index
        known = index.get(id(obj))
        if known is not None:
            return known
        try:
            data, grad, prev = obj.data, obj.grad, obj._prev
            operands = list(prev)
        except Exception:
            self.pending.add(id(obj))  # perhaps a value once its data, grad or _prev is written
            return None
        data = data if type(data) is float else as_number(data)
        grad = grad if type(grad) is float else as_number(grad)
        if data is None or grad is None:
            return None
        children = []
        for child in operands:
            number = index.get(id(child))
            if number is None:
                number = self.register(child, depth + 1)
            if number is not None:
                children.append(number)
        if type(prev) in (set, frozenset):
            children.sort()  # a set's order is its objects' addresses: the order made is deterministic
        k = len(self.objects)
        if k >= self.max_values:
            raise Limit(f"the program made more than {self.max_values:,} values")
        if not children and k in self.overrides:
            obj.data = data = self.overrides[k]
        if data - data != 0:
            self.check_finite(data, "data")
        self.objects.append(obj)
        index[id(obj)] = k
        if self.pending:
            self.pending.discard(id(obj))
        line, column, expr, group = self.origins.find(type(obj), sys._getframe(depth + 1))
        self.value_numbers.extend((data, grad))
        self.value_ints.extend((line, column, group, len(self.kinds), len(children), expr))
        self.operands.extend(children)
        if len(self.operands) > self.max_events:
            raise Limit(f"the program's values have more than {self.max_events:,} operands in all")
        self.leaf.append(not children)
        return k

    def wrote(self, obj: Any, name: str, value: Any, line: int) -> None:
        """A write of data, grad or _prev: an event for a value, perhaps the one that makes it one."""
        k = self.index.get(id(obj))
        if k is not None:
            self.changed(k, name, value, line)
        elif name == "_prev" or id(obj) in self.pending:
            self.register(obj, 1)

    def changed(self, k: int, name: str, value: Any, line: int) -> None:
        """A write of value k's data or grad (of its _prev, nothing): an event."""
        number = value if type(value) is float else as_number(value)
        if number is None or name == "_prev":
            return
        field = FIELD_NUMBERS[name]
        if number - number != 0:  # infinite or NaN
            self.check_finite(number, name)
        if not self.open_passes and not self.open_steps:
            if field and number != 0:
                self.manual = True
            if not line:  # a write in micrograd's own code (zero_grad): the program's line that led there
                line = self.running_line()
        self.kinds.append(WRITE)
        self.ints.extend((k, field, line))
        self.floats.append(number)
        if len(self.kinds) > self.max_events:
            raise Limit(f"the program changed values more than {self.max_events:,} times")

    def event(self, kind: int, *numbers: int) -> None:
        """Record one event with its integers, within the limit."""
        self.kinds.append(kind)
        self.ints.extend(numbers)
        if len(self.kinds) > self.max_events:
            raise Limit(f"the program changed values more than {self.max_events:,} times")

    def name(self, name: str) -> int:
        """The number of a name bound at module scope."""
        number = self.names.get(name)
        if number is None:
            number = self.names[name] = len(self.names)
        return number

    @staticmethod
    def check_finite(number: float, name: str) -> None:
        if not math.isfinite(number):
            raise NonFinite(f"a value's {name} became {number} (not a finite number)")

    def running_line(self) -> int:
        """The line of the program running now."""
        frame: FrameType | None = sys._getframe(1)
        while frame is not None and frame.f_code.co_filename != PROGRAM:
            frame = frame.f_back
        return frame.f_lineno if frame is not None else 1

    # -- printed text

    def count_printed(self, characters: int) -> None:
        """Charge printed characters (and Out[] texts) to their limit."""
        self.printed += characters
        if self.printed > self.max_print_chars:
            raise Limit(f"the program printed more than {self.max_print_chars:,} characters")

    def write(self, text: str) -> None:
        """Text printed by the program; each line it completes is kept with the line of the print."""
        self.count_printed(len(text))
        *done, self.pending_print = (self.pending_print + text).split("\n")
        line = self.running_line()
        if done:
            self.prints.extend((line, printed) for printed in done)
            if len(self.prints) > self.max_print_lines:
                raise Limit(f"the program printed more than {self.max_print_lines:,} lines")
        if self.pending_print:
            self.pending_line = line

    def flush(self) -> None:
        """Keep a last line printed without a newline."""
        if self.pending_print:
            self.prints.append((self.pending_line, self.pending_print))
            self.pending_print = ""
