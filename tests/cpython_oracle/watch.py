"""Watching classes: every class the program makes, the built-in Value and micrograd's get a __setattr__
and a backward that tell the recorder what the program does with its values."""

from __future__ import annotations

import builtins
import sys
from collections.abc import Callable
from typing import Any

from .graph import _program_line
from .program import PROGRAM_FILE
from .recorder import _Recorder
from .value import Value

BUILTIN_CLASSES: tuple[type, ...] = (Value,)


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


def _value_class(recorder: _Recorder) -> str:
    """Whose class made the values: `builtin` (the lecture's Value or micrograd's), or the program's own,
    as `Value (line 8)`: the class of the first value, at the line of its `class` statement."""
    for obj in recorder.objects:
        cls = type(obj)
        if cls not in BUILTIN_CLASSES:
            line = recorder.class_lines.get(cls)
            return f"{cls.__name__} (line {line})" if line else cls.__name__
    return "builtin"
