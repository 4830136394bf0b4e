"""Attributes a program may read and write: an allow-list per kind of value, nothing else.

Names that begin and end with `__` never get here (the compiler refuses them), and Python's own
attribute machinery is never used on a program's value: every name is looked up in a table.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from engine.language.calls import AttributeRefused, call_function, type_name
from engine.language.objects import BoundMethod, Builtin, Class, Function, Instance, Module
from engine.language.operators import check_deep
from engine.language.runtime import Runtime
from engine.value import MathError, Value, check_finite

VALUE_FIELDS = ("data", "grad", "label", "_op", "_prev")
VALUE_METHODS = ("tanh", "exp", "log", "relu", "sigmoid", "backward")
MICROGRAD_INTERNALS = ("_backward", "_children")


def get_attribute(runtime: Runtime, value: Any, name: str) -> Any:
    """`value.name`, from the allow-list of value's kind."""
    if isinstance(value, Instance):
        if name in value.attrs:
            return value.attrs[name]
        found, member = value.cls.lookup(name)
        if found:
            return BoundMethod(value, member) if isinstance(member, Function) else member
    elif isinstance(value, Value):
        return _value_attribute(runtime, value, name)
    elif isinstance(value, Class):
        found, member = value.lookup(name)
        if found:
            return member
    elif isinstance(value, Module):
        if not value.available:
            raise AttributeRefused("name", unavailable(value.name))
        if name in value.attrs:
            return value.attrs[name]
        raise AttributeRefused(
            "unsupported",
            f"{value.name}.{name} is not part of the language; {value.name} offers " + ", ".join(sorted(value.attrs)),
        )
    else:
        methods = METHODS.get(type(value))
        if methods is not None and name in methods:
            method = methods[name]
            return Builtin(
                f"{type(value).__name__}.{name}", lambda args, kwargs: method(runtime, value, *args, **kwargs)
            )
    if not isinstance(value, Instance | Class) and hasattr(type(value), name):  # Python has it; the language does not
        raise AttributeRefused("unsupported", f".{name} of a {type_name(value)} is not part of the language")
    raise AttributeRefused("name", f"'{type_name(value)}' object has no attribute '{name}'")


def unavailable(module: str) -> str:
    """The error for using a module whose import the explorer accepted and ignored."""
    return f"{module} is not available in the explorer (its import is accepted so that notebook cells paste in)"


def _value_attribute(runtime: Runtime, value: Value, name: str) -> Any:
    if name == "data":
        return value.data
    if name == "grad":
        return value.grad
    if name == "label":
        return value.label
    if name == "_op":
        return value._op
    if name == "_prev":
        return tuple(value._prev)  # micrograd's is a set; a tuple keeps the order stable
    if name == "backward":
        return Builtin("Value.backward", lambda args, kwargs: _backward(runtime, value, *args, **kwargs))
    if name in VALUE_METHODS:
        operation: Callable[[], Value] = getattr(value, name)

        def method(args: list[Any], kwargs: dict[str, Any]) -> Value:
            if args or kwargs:
                raise TypeError(f"Value.{name}() takes no arguments")
            return operation()

        return Builtin(f"Value.{name}", method)
    if name in MICROGRAD_INTERNALS:
        raise AttributeRefused(
            "unsupported", f"a Value's {name} is micrograd's internal; it is not part of the language"
        )
    raise AttributeRefused("name", f"'Value' object has no attribute '{name}'")


def _backward(runtime: Runtime, value: Value) -> None:
    runtime.passes.backward(value, runtime.where[0])


def set_attribute(runtime: Runtime, target: Any, name: str, value: Any) -> None:
    """`target.name = value`: a program's objects take any name; a Value only data, grad and label."""
    if isinstance(target, Instance):
        if name not in target.attrs:
            runtime.allocate(1)
        target.attrs[name] = value
    elif isinstance(target, Class):
        target.attrs[name] = value
    elif isinstance(target, Value):
        set_value_field(runtime, target, name, value)
    else:
        raise AttributeRefused("name", f"'{type_name(target)}' object has no attribute '{name}' that can be set")


def set_value_field(runtime: Runtime, target: Value, name: str, value: Any) -> None:
    """Assign a Value's data, grad or label, checked; data and grad assignments are recorded."""
    if name in ("data", "grad"):
        if not isinstance(value, int | float):
            raise TypeError(f"a Value's {name} must be a number, not {type_name(value)}")
        if isinstance(value, float) and not math.isfinite(value):
            raise MathError(f"{name} would become {value}: data and grad must be finite numbers")
        runtime.passes.mutate(target, name, check_finite(value, f"the new {name}"))
    elif name == "label":
        target.label = check_label(runtime, value)
    elif name in ("_op", "_prev"):
        raise AttributeRefused("unsupported", f"a Value's {name} is read-only: the operation that made it sets it")
    else:
        raise AttributeRefused("unsupported", f"a Value has the attributes data, grad and label; .{name} cannot be set")


def check_label(runtime: Runtime, label: Any) -> str:
    """A label: a string no longer than the limit."""
    if not isinstance(label, str):
        raise TypeError(f"a label must be a string, not {type_name(label)}")
    if len(label) > runtime.limits.max_label_chars:
        raise AttributeRefused("limit", f"a label may have at most {runtime.limits.max_label_chars} characters")
    return label


# -- methods of lists, dicts and strings


def _append(runtime: Runtime, items: list[Any], item: Any) -> None:
    runtime.allocate(1)
    runtime.check_length(len(items) + 1)
    items.append(item)


def _extend(runtime: Runtime, items: list[Any], more: Any) -> None:
    added = runtime.materialise(more)
    runtime.check_length(len(items) + len(added))
    items.extend(added)


def _insert(runtime: Runtime, items: list[Any], index: int, item: Any) -> None:
    runtime.allocate(1)
    runtime.check_length(len(items) + 1)
    items.insert(index, item)


def _sort(runtime: Runtime, items: list[Any], *, key: Any = None, reverse: bool = False) -> None:
    runtime.tick(len(items))
    if key is None:
        items.sort(reverse=reverse)
    else:
        items.sort(key=lambda item: call_function(runtime, key, [item], {}), reverse=reverse)


def _copy(runtime: Runtime, items: list[Any]) -> list[Any]:
    runtime.allocate(len(items))
    return items.copy()


def _join(runtime: Runtime, separator: str, parts: Any) -> str:
    pieces = runtime.materialise(parts)
    runtime.allocate(sum(len(piece) for piece in pieces if isinstance(piece, str)) + len(separator) * len(pieces))
    return separator.join(pieces)


def _get(runtime: Runtime, mapping: dict[Any, Any], key: Any, default: Any = None) -> Any:
    check_deep(runtime, key)
    return mapping.get(key, default)


METHODS: dict[type, dict[str, Callable[..., Any]]] = {
    list: {
        "append": _append,
        "extend": _extend,
        "insert": _insert,
        "pop": lambda runtime, items, *args: items.pop(*args),
        "index": lambda runtime, items, *args: items.index(*args),
        "count": lambda runtime, items, item: items.count(item),
        "reverse": lambda runtime, items: items.reverse(),
        "sort": _sort,
        "copy": _copy,
    },
    dict: {
        "items": lambda runtime, mapping: mapping.items(),
        "keys": lambda runtime, mapping: mapping.keys(),
        "values": lambda runtime, mapping: mapping.values(),
        "get": _get,
    },
    str: {"join": _join},
}
