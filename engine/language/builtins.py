"""The language's built-in functions and its modules `math` and `random`, bound to one run.

Each built-in is Python's own where Python's gives the right answer, fed through the run's
charged iterator so that no built-in can loop or allocate past the limits.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Callable
from typing import Any

from engine.language.attributes import check_label
from engine.language.calls import call_function, type_name
from engine.language.objects import Builtin, Class, Instance, Module
from engine.language.operators import check_deep, check_number
from engine.language.runtime import Runtime
from engine.value import MathError, Value, check_finite

EXPLORER_FUNCTIONS = ("tanh", "exp", "log", "relu", "sigmoid")
TYPES: dict[str, type] = {"int": int, "float": float, "str": str, "list": list, "tuple": tuple, "dict": dict}


def make_builtins(runtime: Runtime) -> dict[str, Any]:
    """The built-in names of one run."""
    table: dict[str, Any] = {}

    def builtin(function: Callable[..., Any], name: str | None = None, kind: type | None = None) -> None:
        name = name or function.__name__.rstrip("_")
        function.__name__ = function.__qualname__ = name  # so that Python's argument errors name it
        table[name] = Builtin(name, lambda args, kwargs: function(*args, **kwargs), kind)

    iterate, materialise = runtime.iterate, runtime.materialise

    def call(function: Any) -> Callable[..., Any]:
        return lambda *args: call_function(runtime, function, list(args), {})

    def print_(*values: Any, sep: str | None = " ", end: str | None = "\n") -> None:
        for value in values:
            check_deep(runtime, value)
        text = (" " if sep is None else sep).join(str(value) for value in values) + ("\n" if end is None else end)
        runtime.print(text)

    def sum_(iterable: Any, /, start: Any = 0) -> Any:
        return builtins.sum(iterate(iterable), start)

    def extreme(python: Callable[..., Any]) -> Callable[..., Any]:
        def choose(*args: Any, key: Any = None, **kwargs: Any) -> Any:
            items = (iterate(args[0]),) if len(args) == 1 else args
            return python(*items, key=None if key is None else call(key), **kwargs)

        return choose

    def sorted_(iterable: Any, /, *, key: Any = None, reverse: bool = False) -> list[Any]:
        items = materialise(iterable)
        runtime.tick(len(items))
        return builtins.sorted(items, key=None if key is None else call(key), reverse=reverse)

    def map_(function: Any, *iterables: Any) -> Any:
        if not iterables:
            raise TypeError("map() must have at least two arguments.")
        return (
            call_function(runtime, function, list(items), {}) for items in zip(*map(iterate, iterables), strict=False)
        )

    def str_(value: Any = "") -> str:
        check_deep(runtime, value)
        text = builtins.str(value)
        runtime.allocate(len(text))
        return text

    def int_(value: Any = 0, *base: int) -> int:
        if isinstance(value, Value):
            raise TypeError("int() argument must be a string or a real number, not 'Value'")
        number: int = check_number(runtime, builtins.int(value, *base))
        return number

    def dict_(*args: Any, **kwargs: Any) -> dict[Any, Any]:
        pairs = materialise(args[0].items() if args and isinstance(args[0], dict) else args[0]) if args else []
        runtime.allocate(len(pairs) + len(kwargs))
        return builtins.dict(pairs, **kwargs)

    def isinstance_(value: Any, kinds: Any) -> bool:
        for kind in kinds if isinstance(kinds, tuple) else (kinds,):
            if isinstance(kind, Class) and isinstance(value, Instance) and value.cls.is_subclass_of(kind):
                return True
            if isinstance(kind, Builtin) and kind.type is not None and isinstance(value, kind.type):
                return True
            if not isinstance(kind, Class | Builtin) or (isinstance(kind, Builtin) and kind.type is None):
                raise TypeError("isinstance() arg 2 must be a type, a tuple of types, or a union")
        return False

    def value_(data: Any, *rest: Any, label: str = "") -> Value:
        if rest:
            raise runtime.error("unsupported", "Value takes a number and a label: Value(2.0, label='a')")
        if isinstance(data, bool) or not isinstance(data, int | float):
            raise TypeError(f"Value() needs a number, not {type_name(data)}")
        checked = check_label(runtime, label)
        value = Value(check_finite(data, "the number"))
        value.label = checked
        return value

    def draw_dot(value: Any, *args: Any, **kwargs: Any) -> None:
        if not isinstance(value, Value):
            raise TypeError(f"draw_dot() draws a Value, not {type_name(value)}")
        runtime.draw_target = value

    builtin(print_)
    builtin(lambda *args: builtins.range(*args), "range", range)
    builtin(lambda value, /: builtins.len(value), "len")
    builtin(lambda *iterables: builtins.zip(*map(iterate, iterables), strict=False), "zip")
    builtin(lambda iterable, start=0: builtins.enumerate(iterate(iterable), start), "enumerate")
    builtin(map_)
    builtin(sum_)
    builtin(extreme(builtins.min), "min")
    builtin(extreme(builtins.max), "max")
    builtin(lambda value, /: check_number(runtime, builtins.abs(value)), "abs")
    builtin(lambda value, digits=None, /: builtins.round(value, digits), "round")
    builtin(lambda iterable, /: builtins.any(iterate(iterable)), "any")
    builtin(lambda iterable, /: builtins.all(iterate(iterable)), "all")
    builtin(lambda value=0.0, /: builtins.float(value), "float", float)
    builtin(int_, kind=int)
    builtin(str_, kind=str)
    builtin(lambda iterable=(), /: materialise(iterable), "list", list)
    builtin(lambda iterable=(), /: tuple(materialise(iterable)), "tuple", tuple)
    builtin(dict_, kind=dict)
    builtin(sorted_)
    builtin(lambda sequence, /: builtins.reversed(sequence), "reversed")
    builtin(isinstance_)
    builtin(value_, "Value", Value)
    builtin(draw_dot, "draw_dot")
    for name in EXPLORER_FUNCTIONS:
        builtin(_explorer_function(name), name)
    return table


def _explorer_function(name: str) -> Callable[[Any], Any]:
    """tanh(x) and the like: the Value's method for a Value, the plain number for a number."""
    plain: dict[str, Callable[[float], float]] = {
        "tanh": math.tanh,
        "exp": math.exp,
        "log": _log,
        "relu": lambda x: float(x) if x > 0 else 0.0,
        "sigmoid": lambda x: 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x)),
    }

    def apply(x: Any, /) -> Any:
        if isinstance(x, Value):
            method: Callable[[], Value] = getattr(x, name)
            return method()
        if isinstance(x, bool) or not isinstance(x, int | float):
            raise TypeError(f"{name}() needs a number or a Value, not {type_name(x)}")
        return plain[name](x)

    return apply


def _log(x: float, *base: float) -> float:
    if x <= 0:
        raise MathError(f"log of a non-positive number: log({x})")
    return math.log(x, *base)


def make_math() -> Module:
    """The math module: exp, log, tanh, sqrt, pi and e."""

    def sqrt(x: float, /) -> float:
        if x < 0:
            raise MathError(f"sqrt of a negative number: sqrt({x})")
        return math.sqrt(x)

    functions: dict[str, Callable[..., Any]] = {"exp": math.exp, "log": _log, "tanh": math.tanh, "sqrt": sqrt}
    attrs: dict[str, Any] = {name: _module_function("math", name, function) for name, function in functions.items()}
    return Module("math", {**attrs, "pi": math.pi, "e": math.e})


def _module_function(module: str, name: str, function: Callable[..., Any]) -> Builtin:
    return Builtin(f"{module}.{name}", lambda args, kwargs: function(*args, **kwargs))


def make_random(runtime: Runtime) -> Module:
    """The random module: Python's own generator, one per run, seeded 0 unless the program seeds it."""
    rng = runtime.random

    def seed(a: Any = 0, /) -> None:
        if not isinstance(a, int | float | str):
            raise TypeError(f"random.seed() takes an int, a float or a string, not {type_name(a)}")
        rng.seed(0 if a is None else a)

    def shuffle(items: list[Any], /) -> None:
        runtime.tick(len(items))
        rng.shuffle(items)

    functions: dict[str, Callable[..., Any]] = {
        "seed": seed,
        "uniform": rng.uniform,
        "random": rng.random,
        "gauss": rng.gauss,
        "randint": lambda a, b, /: rng.randint(a, b),
        "choice": lambda sequence, /: rng.choice(sequence),
        "shuffle": shuffle,
    }
    return Module("random", {name: _module_function("random", name, function) for name, function in functions.items()})
