"""The program's own objects: a scope, a function, a class, an instance, a bound method, a module.

A program sees these and Python's plain data (numbers, strings, lists, tuples, dicts, ranges)
and micrograd's Value, never any other object of the server. None of these classes has an
operator a program could reach except `repr`, which runs the program's own `__repr__`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.language.runtime import Runtime

Signal = object  # what a statement returns: None to go on, or one of the three below
BREAK = "break"
CONTINUE = "continue"
RETURN = "return"


class Frame:
    """The variables of one scope while it runs: a module, a call, a class body or a comprehension."""

    __slots__ = ("globals", "outer", "result", "vars")

    def __init__(self, variables: dict[str, Any], outer: Frame | None, globals_: dict[str, Any]) -> None:
        self.vars = variables
        self.outer = outer  # the frame of the nearest enclosing function, for its free names
        self.globals = globals_
        self.result: Any = None  # what a `return` statement returned


@dataclass(frozen=True)
class Signature:
    """A function's parameters: positional, *args, keyword-only and **kwargs."""

    positional: tuple[str, ...]
    vararg: str | None = None
    kwonly: tuple[str, ...] = ()
    kwarg: str | None = None

    @property
    def simple(self) -> bool:
        """Only positional parameters: a call with as many arguments needs no more matching."""
        return self.vararg is None and not self.kwonly and self.kwarg is None


@dataclass(eq=False)
class Function:
    """A function or method the program defined with `def`."""

    name: str
    qualname: str  # Neuron.__call__
    signature: Signature
    defaults: tuple[Any, ...]  # for the last positional parameters
    kwdefaults: dict[str, Any]
    body: Callable[[Frame], Signal]
    outer: Frame | None
    globals: dict[str, Any]
    line: int

    def __repr__(self) -> str:
        return f"<function {self.qualname}>"


@dataclass(eq=False)
class Class:
    """A class the program defined, with at most one base class of its own."""

    name: str
    base: Class | None
    attrs: dict[str, Any]
    instances: int = 0

    def lookup(self, name: str) -> tuple[bool, Any]:
        """(found, value) for a name of this class or its bases."""
        cls: Class | None = self
        while cls is not None:
            if name in cls.attrs:
                return True, cls.attrs[name]
            cls = cls.base
        return False, None

    def is_subclass_of(self, other: Class) -> bool:
        """Whether `other` is this class or one of its bases."""
        cls: Class | None = self
        while cls is not None:
            if cls is other:
                return True
            cls = cls.base
        return False

    def __repr__(self) -> str:
        return f"<class '__main__.{self.name}'>"


class Instance:
    """An object of a program's class: its attributes, and its number among its class's objects."""

    __slots__ = ("attrs", "cls", "number", "runtime")

    def __init__(self, cls: Class, runtime: Runtime) -> None:
        cls.instances += 1
        self.cls = cls
        self.attrs: dict[str, Any] = {}
        self.number = cls.instances
        self.runtime = runtime

    def __repr__(self) -> str:
        return self.runtime.repr_instance(self)

    __str__ = __repr__


@dataclass(eq=False)
class BoundMethod:
    """A function of a class taken from one of its instances: `n.parameters`."""

    instance: Instance
    function: Function

    def __repr__(self) -> str:
        return f"<bound method {self.function.qualname} of {self.instance!r}>"


@dataclass(eq=False)
class Builtin:
    """A function of the language, written in Python: `len`, `print`, `random.uniform`, `xs.append`."""

    name: str
    call: Callable[[list[Any], dict[str, Any]], Any]
    type: type | None = None  # for isinstance(x, float)

    def __repr__(self) -> str:
        return f"<built-in function {self.name}>"


@dataclass(eq=False)
class Module:
    """An imported module: `math`, `random`, `micrograd.nn`, or one that is not available here."""

    name: str
    attrs: dict[str, Any] = field(default_factory=dict)
    available: bool = True

    def __repr__(self) -> str:
        return f"<module '{self.name}'>"


CALLABLE_TYPES = (Function, Class, BoundMethod, Builtin, Instance)
