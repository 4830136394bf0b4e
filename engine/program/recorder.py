"""The recorder: what a running program did to its values, as compact events for the server.

It lives in the jailed process, one per run. A value is any object with `data`, `grad` and
`_prev` (LANGUAGE.md): it is registered the first time one of those is written and the three
are all there (in the lecture's `__init__`, at `self._prev = set(_children)`). From then on,
every write of its data or grad, every call of its `_backward`, every `backward()`, `draw_dot`
and module-scope binding of it is an event. Events are tuples: the server (engine/record.py)
turns them into passes, views and steps.
"""

from __future__ import annotations

import math
import sys
from array import array
from types import CodeType, FrameType
from typing import Any

from engine.limits import Limits
from engine.program.events import FIELDS, WRITE
from engine.program.places import Places

PROGRAM = "<program>"  # the file name the student's code is compiled under
LIBRARY = "<micrograd.nn>"  # micrograd's nn, run like the student's code: its calls make groups
GROUP_FILES = frozenset({PROGRAM, LIBRARY})
FIELD_NUMBERS = {name: number for number, name in enumerate(FIELDS)}
PLACE, CALL = 1, 2  # a frame of the program's text; a call of the program's own function or method


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
        self.value_numbers = array("d")
        self.value_ints = array("i")
        self.operands = array("i")
        self.leaf = bytearray()  # 1 where a value has no operands
        self.kinds = array("b")  # one per event
        self.ints = array("i")
        self.floats = array("d")
        self.names: dict[str, int] = {}  # names bound at module scope, numbered in the order first bound
        self.groups: list[list[Any]] = []  # per call: name, label, parent, line, output
        self.frames: dict[int, tuple[FrameType, int]] = {}  # id(frame) -> (frame, its group)
        self.receivers: dict[int, tuple[Any, int]] = {}  # id(object) -> (object, its number in its class)
        self.numbers: dict[str, int] = {}  # objects numbered so far per class name
        # per value class: what each code's frames are, by id(code) (a code object hashes its whole contents);
        # `codes` keeps every code seen alive, so that its id stays its own
        self.code_kinds: dict[type, dict[int, int]] = {}
        self.codes: list[CodeType] = []
        self.places = Places(source_lines)
        self.prints: list[tuple[int, str]] = []
        self.pending_print = ""
        self.printed = 0
        self.passes = 0
        self.open_passes = 0
        self.open_steps = 0
        self.manual = False  # the program set a grad or called _backward() outside any backward()
        self.last_frame: FrameType | None = None  # the call the last value was made in, and its group
        self.last_group = -1
        self.draw_target: Any = None
        self.notes: list[tuple[int | None, str]] = []
        self.outs: dict[int, str | None] = {}  # each cell's Out[n] as it was shown
        self.class_lines: dict[type, int] = {}  # the line of each class statement run
        self.pending_line = 1  # the line of the print that left the last line unfinished
        self.last_out: Any = None
        self.last_bound: Any = None

    # -- values

    def register(self, obj: Any) -> int | None:
        """The number of a value, registering it (and any operand not yet seen) if it now is one."""
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
                number = self.register(child)
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
        self.pending.discard(id(obj))
        line, column, expr, group = self.origin(type(obj))
        self.value_numbers.append(data)
        self.value_numbers.append(grad)
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
            self.register(obj)

    def changed(self, k: int, name: str, value: Any, line: int) -> None:
        """A write of value k's data or grad (of its _prev, nothing): an event."""
        field = FIELD_NUMBERS.get(name)
        number = value if type(value) is float else as_number(value)
        if field is None or number is None:
            return
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

    # -- where a value was made, and in which call

    def origin(self, cls: type) -> tuple[int, int, int, int]:
        """The line, column and expression of the program that made a value, and the innermost call (group) it was
        made in."""
        kinds = self.code_kinds.get(cls)
        if kinds is None:
            kinds = self.code_kinds[cls] = {}
        frame: FrameType | None = sys._getframe(2)
        place: tuple[int, int, int] | None = None
        group_frame: FrameType | None = None
        while frame is not None and (place is None or group_frame is None):
            code = frame.f_code
            kind = kinds.get(id(code))
            if kind is None:
                kind = kinds[id(code)] = self.code_kind(code, cls)
                self.codes.append(code)
            if kind & PLACE and place is None:
                place = self.places.place(frame)
            if kind & CALL and group_frame is None:
                group_frame = frame
            frame = frame.f_back
        line, column, expr = place or (1, 1, self.places.expr(""))
        if group_frame is None:
            return line, column, expr, -1
        if group_frame is not self.last_frame:
            self.last_frame, self.last_group = group_frame, self.group(group_frame)
        return line, column, expr, self.last_group

    @staticmethod
    def code_kind(code: CodeType, cls: type) -> int:
        """Whether a frame of this code is where a value of cls is made (PLACE) and a call that groups it (CALL).

        The value's own class is its engine: its methods are neither, so `e = a*b` is made at `a*b`.
        """
        if code.co_filename not in GROUP_FILES:
            return 0
        prefixes = tuple(f"{base.__qualname__}." for base in cls.__mro__ if base is not object)
        if code.co_qualname.startswith(prefixes):
            return 0
        kind = PLACE if code.co_filename == PROGRAM else 0
        return kind | (CALL if not code.co_name.startswith("<") else 0)

    def group(self, frame: FrameType) -> int:
        """The group of a call (made on first sight, with its callers' groups)."""
        chain: list[FrameType] = []
        parent = -1
        current: FrameType | None = frame
        while current is not None:
            code = current.f_code
            if code.co_filename in GROUP_FILES and not code.co_name.startswith("<"):
                known = self.frames.get(id(current))
                if known is not None and known[0] is current:
                    parent = known[1]
                    break
                chain.append(current)
            current = current.f_back
        for outer in reversed(chain):
            number = len(self.groups)
            self.groups.append([outer.f_code.co_qualname, self.call_label(outer), parent, self.call_line(outer), -1])
            self.frames[id(outer)] = (outer, number)
            parent = number
        return parent

    def call_label(self, frame: FrameType) -> str:
        """What a student calls a call: `Neuron 3` for its __call__, `Neuron 3 · parameters`, `f()`."""
        code = frame.f_code
        owner, _, name = code.co_qualname.rpartition(".")
        receiver = frame.f_locals.get(code.co_varnames[0]) if code.co_argcount else None
        if not owner or receiver is None or owner not in {base.__qualname__ for base in type(receiver).__mro__}:
            return f"{code.co_qualname}()"
        cls = type(receiver).__name__
        known = self.receivers.get(id(receiver))
        if known is None:
            self.numbers[cls] = self.numbers.get(cls, 0) + 1
            known = self.receivers[id(receiver)] = (receiver, self.numbers[cls])
        label = f"{cls} {known[1]}"
        return label if name == "__call__" else f"{label} · {name}"

    def call_line(self, frame: FrameType) -> int:
        """The line of the program a call was made from."""
        caller = frame.f_back
        while caller is not None and caller.f_code.co_filename != PROGRAM:
            caller = caller.f_back
        return caller.f_lineno if caller is not None else frame.f_lineno

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
