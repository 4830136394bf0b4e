"""One run of a program: its budget, the values it makes, its calls, its prints and its errors.

Every limit is charged here, in one place: `tick` per statement, loop turn, call and item
iterated; `allocate` per item of a list, tuple, dict or string made; `made` per Value.
"""

from __future__ import annotations

import contextlib
import os
import random
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from engine.errors import ProgramError
from engine.language.objects import Function, Instance
from engine.language.syntax import Note
from engine.limits import Limits
from engine.passes import PassRecorder
from engine.value import Value

CHECK_EVERY = 1_000  # steps between looks at the clock
FOREGROUND_SECONDS = 0.05  # a run longer than this runs in the background: at a lower CPU priority,
BACKGROUND_NICENESS = 10  # (about a tenth of the CPU of a busy thread at the normal one)
BACKGROUND_PAUSE = 0.0005  # and pausing this long, in seconds, at each check (every CHECK_EVERY steps)
MAX_CHAIN = 4  # calls named in an error's message


@dataclass
class Group:
    """One call of a program's function or method that made values: `Neuron 3` called by `Layer 1`."""

    id: str
    name: str  # Neuron.__call__
    label: str  # Neuron 3
    parent: str | None
    line: int
    output: Value | None = None


class Call:
    """A call in progress, for error messages and for the group of the values it makes."""

    __slots__ = ("function", "group", "line", "receiver")

    def __init__(self, function: Function, receiver: Any, line: int | None) -> None:
        self.function = function
        self.receiver = receiver  # the object of a method call, else None
        self.line = line  # where it was called from in the user's text
        self.group: Group | None = None

    @property
    def qualname(self) -> str:
        """Neuron.__call__"""
        return self.function.qualname

    @property
    def label(self) -> str:
        """What a student calls it: `Neuron 3` for its __call__, `Neuron 3 · parameters` for a method, `f()`."""
        if not isinstance(self.receiver, Instance):
            return f"{self.function.qualname}()"
        name = f"{self.receiver.cls.name} {self.receiver.number}"
        return name if self.function.name == "__call__" else f"{name} · {self.function.name}"


@dataclass(frozen=True)
class Print:
    """A line the program printed, with the line of the print that ended it."""

    line: int
    text: str


class Runtime:
    """The state of one run and every check of its limits."""

    def __init__(self, limits: Limits, overrides: dict[str, float] | None = None) -> None:
        self.limits = limits
        self.started = time.monotonic()
        self.deadline = self.started + limits.max_seconds
        self.background = False
        self.steps = 0
        self.check_at = CHECK_EVERY
        self.items = 0
        self.where: tuple[int, int] = (1, 1)  # the user's code running now, for the values it makes
        self.values: list[Value] = []
        self.overrides = overrides or {}
        self.calls: list[Call] = []
        self.groups: list[Group] = []
        self.prints: list[Print] = []
        self.pending_print = ""
        self.printed_chars = 0
        self.notes: list[Note] = []
        self.random = random.Random(0)  # Python's own generator, seeded 0 unless the program seeds it
        self.passes = PassRecorder(self)
        self.bindings: dict[str, list[Value]] = {}  # module-scope names and the values bound to them
        self.last_value: Value | None = None  # the last Value bound at module level or shown by an expression
        self.last_expression: Any = None  # the value of the last expression statement at module level
        self.draw_target: Value | None = None  # the argument of the last draw_dot()

    def bind(self, name: str, value: Value) -> None:
        """A module-level assignment: the Value takes the name as its label unless it has one."""
        self.bindings.setdefault(name, []).append(value)
        if value.name is None:
            value.name = name
        if not value.label:
            value.label = name
        self.last_value = value

    def note(self, line: int | None, message: str) -> None:
        """Say what the explorer did for the program."""
        self.notes.append(Note(line, message))

    # -- errors

    def error(self, kind: str, message: str, line: int | None = None, column: int | None = None) -> ProgramError:
        """An error at a place in the user's text (the running code's place when none is given)."""
        if line is None:
            line, column = self.where
        chain = [f"in {call.qualname}, called from line {call.line}" for call in reversed(self.calls) if call.line]
        if len(chain) > MAX_CHAIN:  # a runaway recursion: the innermost calls and the first
            chain = [*chain[: MAX_CHAIN - 1], f"... {len(chain) - MAX_CHAIN} calls more", chain[-1]]
        if chain:
            message = f"{message} ({'; '.join(chain)})"
        return ProgramError(kind, message, line, column)

    # -- the budget

    def tick(self, steps: int = 1) -> None:
        """Charge work; past the budget or the wall time the run ends with a limit error."""
        self.steps += steps
        if self.steps >= self.check_at:
            self.check()

    def check(self) -> None:
        """Look at the step count and the clock."""
        if self.steps > self.limits.max_steps:
            raise self.error("limit", f"the program ran more than {self.limits.max_steps:,} steps; is a loop endless?")
        now = time.monotonic()
        if now > self.deadline:
            raise self.error("limit", f"the program ran longer than {self.limits.max_seconds:g} s")
        if self.background:
            # A long run gives way to short ones: it lets go of the interpreter lock and the CPU a
            # moment at each check, so another request of its worker never waits long for either.
            time.sleep(BACKGROUND_PAUSE)
        elif now > self.started + FOREGROUND_SECONDS:
            self.background = True
            with contextlib.suppress(OSError):  # where the system forbids it, the run keeps its priority
                os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BACKGROUND_NICENESS)
        self.check_at = self.steps + CHECK_EVERY

    def check_length(self, items: int) -> None:
        """Refuse one list, tuple, dict or string of more items than the limit."""
        if items > self.limits.max_sequence:
            raise self.error(
                "limit", f"this would make {items:,} items; one object may hold {self.limits.max_sequence:,}"
            )

    def allocate(self, items: int) -> None:
        """Charge items of a list, tuple, dict or string about to be made."""
        self.check_length(items)
        self.items += items
        if self.items > self.limits.max_items:
            raise self.error("limit", f"the program made more than {self.limits.max_items:,} items in all")

    def iterate(self, iterable: Iterable[Any]) -> Iterator[Any]:
        """The items of an iterable, each charged as a step (Python's built-ins loop in C otherwise)."""
        for item in iterable:
            self.steps += 1
            if self.steps >= self.check_at:
                self.check()
            yield item

    def materialise(self, iterable: Iterable[Any]) -> list[Any]:
        """A list of an iterable's items, charged and bounded in length."""
        if isinstance(iterable, list | tuple | str | dict | range):
            self.allocate(len(iterable))
            self.tick(len(iterable))
            return list(iterable)
        items = []
        for item in self.iterate(iterable):
            items.append(item)
            self.check_length(len(items))
        self.allocate(len(items))
        return items

    # -- values

    def made(self, value: Value) -> None:
        """Record a new Value: its id, its place, its group, and its override if it is a leaf."""
        if len(self.values) >= self.limits.max_nodes:
            raise self.error("limit", f"the program made more than {self.limits.max_nodes:,} values")
        value.id = f"n{len(self.values)}"
        value.line, value.column = self.where
        value.group = self.current_group()
        self.values.append(value)
        if self.overrides and not value._prev and value.id in self.overrides:
            value.data = self.overrides[value.id]

    def current_group(self) -> str | None:
        """The group of the innermost call; calls get their groups when they first make a value."""
        if not self.calls:
            return None
        call = self.calls[-1]
        if call.group is None:
            parent = None
            for outer in self.calls:
                if outer.group is None:
                    line = outer.line or self.where[0]
                    outer.group = Group(f"g{len(self.groups)}", outer.qualname, outer.label, parent, line)
                    self.groups.append(outer.group)
                parent = outer.group.id
        assert call.group is not None
        return call.group.id

    # -- output

    def print(self, text: str) -> None:
        """Keep printed text; each line it completes is recorded with the current line."""
        self.printed_chars += len(text)
        if self.printed_chars > self.limits.max_print_chars:
            raise self.error("limit", f"the program printed more than {self.limits.max_print_chars:,} characters")
        *done, self.pending_print = (self.pending_print + text).split("\n")
        for line in done:
            self.prints.append(Print(self.where[0], line))
        if len(self.prints) > self.limits.max_print_lines:
            raise self.error("limit", f"the program printed more than {self.limits.max_print_lines:,} lines")

    def flush_prints(self) -> None:
        """Record a last line printed without a newline."""
        if self.pending_print:
            self.prints.append(Print(self.where[0], self.pending_print))
            self.pending_print = ""

    def repr_instance(self, instance: Instance) -> str:
        """repr() of a program's object: its own __repr__, else Python's form without the address."""
        from engine.language.calls import call_function  # calls needs the runtime; imported late

        found, method = instance.cls.lookup("__repr__")
        if not found:
            return f"<__main__.{instance.cls.name} object>"
        text = call_function(self, method, [instance], {})
        if not isinstance(text, str):
            raise self.error("type", f"__repr__ returned non-string (type {type(text).__name__})")
        return text
