"""Calling what a program can call: its functions, methods and classes, and the language's built-ins."""

from __future__ import annotations

from typing import Any

from engine.errors import ProgramError
from engine.language.objects import RETURN, BoundMethod, Builtin, Class, Frame, Function, Instance
from engine.language.runtime import Call, Runtime
from engine.value import Value


class AttributeRefused(Exception):
    """An attribute a program may not read or write; the compiler reports it at the attribute's place."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


CALL_STEPS = 10  # a call of the program's own function costs about ten statements' work
BUILTIN_STEPS = 2  # a call of a built-in, before the items it iterates
OBJECT_ITEMS = 8  # an object of the program's class costs about as much memory as 8 list items
# Python's exceptions that a program's code can raise; each becomes an error at the code's place.
CAUGHT = (
    TypeError,
    ValueError,
    LookupError,
    ArithmeticError,
    AttributeError,
    RuntimeError,
    MemoryError,
    AttributeRefused,
)


def call_function(runtime: Runtime, function: Any, args: list[Any], kwargs: dict[str, Any]) -> Any:
    """Call anything callable in the language, as Python would."""
    if isinstance(function, Function):
        return run_function(runtime, function, args, kwargs, None)
    if isinstance(function, BoundMethod):
        return run_function(runtime, function.function, [function.instance, *args], kwargs, function.instance)
    if isinstance(function, Builtin):
        runtime.tick(BUILTIN_STEPS)
        return function.call(args, kwargs)
    if isinstance(function, Class):
        return instantiate(runtime, function, args, kwargs)
    if isinstance(function, Instance):
        found, method = function.cls.lookup("__call__")
        if found and isinstance(method, Function):
            return run_function(runtime, method, [function, *args], kwargs, function)
    raise TypeError(f"'{type_name(function)}' object is not callable")


def instantiate(runtime: Runtime, cls: Class, args: list[Any], kwargs: dict[str, Any]) -> Instance:
    """A new object of a program's class, with its __init__ run."""
    runtime.allocate(OBJECT_ITEMS)
    instance = Instance(cls, runtime)
    found, init = cls.lookup("__init__")
    if found and isinstance(init, Function):
        if run_function(runtime, init, [instance, *args], kwargs, instance) is not None:
            raise TypeError("__init__() should return None")
    elif args or kwargs:
        raise TypeError(f"{cls.name}() takes no arguments")
    return instance


def run_function(runtime: Runtime, function: Function, args: list[Any], kwargs: dict[str, Any], receiver: Any) -> Any:
    """Run a program's function in a new frame; its values form a group named after the call."""
    if len(runtime.calls) >= runtime.limits.max_call_depth:
        raise runtime.error(
            "limit", f"calls are nested more than {runtime.limits.max_call_depth} deep; is a recursion endless?"
        )
    runtime.tick(CALL_STEPS)
    signature = function.signature
    if not kwargs and signature.simple and len(args) == len(signature.positional):
        variables = dict(zip(signature.positional, args, strict=True))
    else:
        variables = bind_arguments(function, args, kwargs)
    frame = Frame(variables, function.outer, function.globals)
    where = runtime.where
    runtime.calls.append(Call(function, receiver, where[0]))
    try:
        signal = function.body(frame)
    finally:
        call = runtime.calls.pop()
        runtime.where = where
    result = frame.result if signal is RETURN else None
    if call.group is not None and isinstance(result, Value):
        call.group.output = result
    return result


def bind_arguments(function: Function, args: list[Any], kwargs: dict[str, Any]) -> dict[str, Any]:
    """The frame's variables for these arguments, with Python's errors for a wrong call."""
    signature = function.signature
    name = f"{function.qualname}()"
    positional = signature.positional
    variables: dict[str, Any] = dict(zip(positional, args, strict=False))
    if len(args) > len(positional) and signature.vararg is None:
        raise TypeError(
            f"{name} takes {len(positional)} positional argument{'s' * (len(positional) != 1)}"
            f" but {len(args)} {'were' if len(args) != 1 else 'was'} given"
        )
    if signature.vararg is not None:
        variables[signature.vararg] = tuple(args[len(positional) :])
    extra: dict[str, Any] = {}
    for key, value in kwargs.items():
        if key in positional or key in signature.kwonly:
            if key in variables:
                raise TypeError(f"{name} got multiple values for argument '{key}'")
            variables[key] = value
        elif signature.kwarg is not None:
            extra[key] = value
        else:
            raise TypeError(f"{name} got an unexpected keyword argument '{key}'")
    first_default = len(positional) - len(function.defaults)
    for index, default in enumerate(function.defaults):
        variables.setdefault(positional[first_default + index], default)
    missing = [parameter for parameter in positional if parameter not in variables]
    if missing:
        names = " and ".join(f"'{parameter}'" for parameter in missing)
        plural = "s" * (len(missing) != 1)
        raise TypeError(f"{name} missing {len(missing)} required positional argument{plural}: {names}")
    for parameter in signature.kwonly:
        if parameter not in variables:
            if parameter not in function.kwdefaults:
                raise TypeError(f"{name} missing 1 required keyword-only argument: '{parameter}'")
            variables[parameter] = function.kwdefaults[parameter]
    if signature.kwarg is not None:
        variables[signature.kwarg] = extra
    return variables


def type_name(value: Any) -> str:
    """The name CPython gives the type of a program's value."""
    if isinstance(value, Instance):
        return value.cls.name
    if isinstance(value, Function):
        return "function"
    if isinstance(value, Class):
        return "type"
    if isinstance(value, BoundMethod):
        return "method"
    if isinstance(value, Builtin):
        return "builtin_function_or_method"
    return type(value).__name__


def python_error(runtime: Runtime, error: Exception, line: int | None, column: int | None) -> ProgramError:
    """A Python exception raised by the program's code, as the error CPython would report."""
    if isinstance(error, ProgramError):
        return error
    if isinstance(error, AttributeRefused):
        return runtime.error(error.kind, error.message, line, column)
    kind = "type"
    if isinstance(error, ArithmeticError):
        kind = "math"
    elif isinstance(error, RecursionError | MemoryError):
        kind = "limit"
    elif isinstance(error, AttributeError):
        kind = "name"
    message = error.args[0] if error.args and isinstance(error.args[0], str) else str(error)
    if isinstance(error, KeyError):
        message = f"key {error.args[0]!r} is not in the dict" if error.args else "key not found"
    elif isinstance(error, RecursionError):
        message = "the program is nested too deeply (Python's own recursion limit)"
    elif isinstance(error, MemoryError):
        message = "the program needs too much memory"
    if kind == "type":
        message = f"{type(error).__name__}: {message}"
    return runtime.error(kind, message, line, column)
