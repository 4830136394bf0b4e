"""The hooks the instrumented program calls (engine/program/instrument.py), each passing events to the run's recorder.

A hook does exactly what the code it replaced would have done, and tells the recorder.
"""

from __future__ import annotations

import builtins
import sys
from typing import Any

from engine.program.events import BIND, END_PASS, END_STEP, PASS, STEP
from engine.program.instrument import WATCHED
from engine.program.recorder import Limit, Recorder
from engine.program.runtime_check import check_attribute_name, check_format_string


class Refused(BaseException):
    """A name or format the static wall would refuse, met at run time: an `unsupported` error."""


class Current:
    """The recorder of the run in progress (one per jailed process)."""

    recorder: Recorder


_index: dict[int, int] = {}  # the run's registered values by id(), read by the hooks that run most often
_pending: set[int] = set()  # objects whose _prev came before their data or grad


def start(recorder: Recorder) -> Recorder:
    """Make `recorder` the one the hooks report to."""
    global _index, _pending
    Current.recorder = recorder
    _index, _pending = recorder.index, recorder.pending
    return recorder


class Watch:
    """`x.grad` as a write target: the write happens, then the recorder hears of it."""

    __slots__ = ("line", "obj")

    def __init__(self, obj: Any, line: int) -> None:
        self.obj = obj
        self.line = line

    def __getitem__(self, name: str) -> Any:
        return getattr(self.obj, name)

    def __setitem__(self, name: str, value: Any) -> None:
        setattr(self.obj, name, value)
        Current.recorder.wrote(self.obj, name, value, self.line)

    def __delitem__(self, name: str) -> None:
        delattr(self.obj, name)


# set_attribute and wrote do what Recorder.wrote does, inline: they run for every write of every value, and
# the call saved is 2.8 ms of the lecture's training loop (58 against 61 ms in one process).


def set_attribute(value: Any, obj: Any, name: str, line: int) -> None:
    """`x.grad = v`: the write, then the recorder hears of it (not of an object that is not a value yet)."""
    setattr(obj, name, value)
    k = _index.get(id(obj))
    if k is not None:
        Current.recorder.changed(k, name, value, line)
    elif name == "_prev" or id(obj) in _pending:
        Current.recorder.register(obj, 1)


def wrote(obj: Any, name: str, line: int) -> None:
    """After `x.grad += v`: the recorder hears of the new number."""
    k = _index.get(id(obj))
    if k is not None:
        Current.recorder.changed(k, name, getattr(obj, name), line)
    elif name == "_prev" or id(obj) in _pending:
        Current.recorder.register(obj, 1)


def step(obj: Any, line: int) -> Any:
    """`x._backward()`: one backward step of a value, its grad writes its deposits."""
    k = _index.get(id(obj))
    if k is None:
        return obj._backward()
    recorder = Current.recorder
    if not recorder.open_passes:
        recorder.manual = True
    kinds = recorder.kinds
    at = len(kinds)
    kinds.append(STEP)
    recorder.ints.extend((k, line or (0 if recorder.open_passes else recorder.running_line())))
    recorder.open_steps += 1
    try:
        return obj._backward()
    finally:
        recorder.open_steps -= 1
        if recorder.open_passes and recorder.leaf[k] and len(kinds) == at + 1:
            del kinds[at]  # a leaf's `lambda: None` in a pass, nothing done: no step to show
            del recorder.ints[-2:]
        else:
            recorder.event(END_STEP)


def backward(obj: Any, line: int | None, *args: Any, **kwargs: Any) -> Any:
    """`x.backward()`: a pass, when x is a value."""
    recorder = Current.recorder
    k = recorder.register(obj, 1)
    if k is None:
        return obj.backward(*args, **kwargs)
    recorder.passes += 1
    if recorder.passes > recorder.max_passes:
        raise Limit(f"the program called backward() more than {recorder.max_passes:,} times")
    recorder.event(PASS, k, -1 if line is None else line or recorder.running_line())
    recorder.open_passes += 1
    try:
        return obj.backward(*args, **kwargs)
    finally:
        recorder.open_passes -= 1
        recorder.event(END_PASS)


def ret(value: Any) -> Any:
    """`return v`: a call that returns a value has that value as its group's output."""
    if id(value) in _index:
        recorder = Current.recorder
        frame = sys._getframe(1)
        known = recorder.origins.frames.get(id(frame))
        if known is not None and known[0] is frame:
            recorder.origins.groups[known[1]][4] = _index[id(value)]
    return value


def bind(value: Any, name: str, line: int) -> None:
    """A module-scope assignment of a name: a value bound is named by it."""
    if id(value) in _index:
        recorder = Current.recorder
        recorder.event(BIND, _index[id(value)], line, recorder.name(name))
        recorder.last_bound = value


MAX_OUT_CHARS = 10_000  # characters of an Out[] text kept


def out(cell: int, value: Any) -> Any:
    """The last expression statement of a cell: its value, as it is now, is the cell's Out[n]."""
    recorder = Current.recorder
    text = None if value is None else repr(value)[:MAX_OUT_CHARS]
    recorder.count_printed(len(text or ""))
    recorder.outs[cell] = text
    recorder.last_out = value
    return value


def build_class(body: Any, name: str, *bases: Any, **keywords: Any) -> Any:
    """Python's __build_class__, noting the line of each class statement (its body's first line)."""
    cls = builtins.__build_class__(body, name, *bases, **keywords)
    recorder = getattr(Current, "recorder", None)  # none while the prelude's classes are made, before any run
    if recorder is not None:
        recorder.class_lines[cls] = body.__code__.co_firstlineno
    return cls


def format_of(receiver: Any, method: str) -> Any:
    """`x.format` / `x.format_map`, with the template's fields checked as the static wall checks them."""
    bound = getattr(receiver, method)
    template = getattr(bound, "__self__", None)  # a str, a str subclass's instance, through super() too
    if isinstance(template, str):
        _check_template(template)
        return bound
    if isinstance(receiver, type) and issubclass(receiver, str):  # str.format(template, ...), S.format(...)

        def checked(template: Any, *args: Any, **kwargs: Any) -> Any:
            if isinstance(template, str):
                _check_template(template)
            return bound(template, *args, **kwargs)

        return checked
    return bound


def _check_template(template: str) -> None:
    reason = check_format_string(template)
    if reason is not None:
        raise Refused(reason)


def checked_name(name: Any) -> None:
    """Refuse, at run time, an attribute name the static wall refuses."""
    reason = check_attribute_name(name)
    if reason is not None:
        raise Refused(reason)


def safe_getattr(obj: Any, name: Any, *default: Any) -> Any:
    """getattr, for names the static wall allows; `format` comes back checked."""
    checked_name(name)
    if name in ("format", "format_map"):
        return format_of(obj, name)
    return getattr(obj, name, *default)


def safe_hasattr(obj: Any, name: Any) -> bool:
    """hasattr, for names the static wall allows."""
    checked_name(name)
    return hasattr(obj, name)


def safe_setattr(obj: Any, name: Any, value: Any) -> None:
    """setattr, for names the static wall allows; a value's data and grad written so are recorded."""
    checked_name(name)
    setattr(obj, name, value)
    if name in WATCHED:
        Current.recorder.wrote(obj, name, value, Current.recorder.running_line())


def safe_delattr(obj: Any, name: Any) -> None:
    """delattr, for names the static wall allows."""
    checked_name(name)
    delattr(obj, name)
