"""Where in the program a value was made, and in which call: the walk up the stack when a value is registered.

The innermost frame of the program's own text that is not the value's class (its engine) is the
place (engine/program/places.py: line, column, expression); the innermost call of the program's
own function or method, or of micrograd's nn, is its group (`Neuron 3`, called by `Layer 1`).
"""

from __future__ import annotations

from types import CodeType, FrameType
from typing import Any

from engine.program.places import Places

PROGRAM = "<program>"  # the file name the student's code is compiled under
LIBRARY = "<micrograd.nn>"  # micrograd's nn, run like the student's code: its calls make groups
GROUP_FILES = frozenset({PROGRAM, LIBRARY})
PLACE, CALL, TOP = 1, 2, 4  # a frame of the program's text; a call of its own function or method; the program's module


def is_call(code: CodeType) -> bool:
    """Whether a frame of this code is a call of the program's own function or method, or of micrograd's nn."""
    return code.co_filename in GROUP_FILES and not code.co_name.startswith("<")


def is_top(code: CodeType) -> bool:
    """Whether this code is the program's module: no frame above one of its frames is the program's."""
    return code.co_filename == PROGRAM and code.co_name == "<module>"


class Origins:
    """The places and groups of a run's values, with what the walks found out about code and calls."""

    def __init__(self, places: Places) -> None:
        self.places = places
        self.groups: list[list[Any]] = []  # per call: name, label, parent, line, output
        self.frames: dict[int, tuple[FrameType, int]] = {}  # id(frame) -> (frame, its group)
        self.receivers: dict[int, tuple[Any, int]] = {}  # id(object) -> (object, its number in its class)
        self.numbers: dict[str, int] = {}  # objects numbered so far per class name
        # per value class: what each code's frames are, by id(code) (a code object hashes its whole contents);
        # `codes` keeps every code seen alive, so that its id stays its own
        self.code_kinds: dict[type, dict[int, int]] = {}
        self.codes: list[CodeType] = []
        self.last_frame: FrameType | None = None  # the call the last value was made in, and its group
        self.last_group = -1

    def find(self, cls: type, frame: FrameType | None) -> tuple[int, int, int, int]:
        """The line, column and expression of the program that made a value, and the innermost call (group) it was
        made in, from `frame` (the caller of the explorer's code that registers it) up."""
        kinds = self.code_kinds.get(cls)
        if kinds is None:
            kinds = self.code_kinds[cls] = {}
        known = self.places.known
        place: tuple[int, int, int] | None = None
        group_frame: FrameType | None = None
        while frame is not None:
            code = frame.f_code
            kind = kinds.get(id(code))
            if kind is None:
                kind = kinds[id(code)] = self.code_kind(code, cls)
                self.codes.append(code)
            if kind:
                if kind & PLACE and place is None:
                    place = known.get((id(code), frame.f_lasti)) or self.places.place(frame)
                if kind & CALL and group_frame is None:
                    group_frame = frame
                if kind & TOP or (place is not None and group_frame is not None):
                    break
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
        kind = CALL if is_call(code) else 0
        if code.co_filename == PROGRAM:
            kind |= PLACE | (TOP if is_top(code) else 0)
        return kind

    def group(self, frame: FrameType) -> int:
        """The group of a call (made on first sight, with its callers' groups)."""
        chain: list[FrameType] = []
        parent = -1
        current: FrameType | None = frame
        while current is not None:
            code = current.f_code
            if is_top(code):
                break
            if is_call(code):
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
