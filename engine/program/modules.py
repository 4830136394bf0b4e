"""What a program can name: its built-ins, the modules it may import, and the explorer's draw_dot.

Modules are read-only views of the real ones holding only the names policy.MODULES allows, so
nothing a program imports leads on to `os` or `sys`. The built-in Value and micrograd's nn are
Python source, instrumented like a program and compiled once when the jail's parent starts.
"""

from __future__ import annotations

import ast
import builtins
import dataclasses
import importlib
from importlib import resources
from types import CodeType, SimpleNamespace
from typing import Any

import numpy

from engine.program import hooks, pyplot
from engine.program.events import VIEW
from engine.program.instrument import instrument
from engine.program.origins import LIBRARY
from engine.program.policy import BUILTINS, LATER_MODULES, MODULES
from engine.program.runtime_check import check_dataclass, unavailable_name

ENGINE = "<micrograd.engine>"  # the built-in Value's file name: its frames are the engine's, never the program's
HOOKS = {
    "__bp_watch__": hooks.Watch,
    "__bp_set__": hooks.set_attribute,
    "__bp_wrote__": hooks.wrote,
    "__bp_step__": hooks.step,
    "__bp_pass__": hooks.backward,
    "__bp_ret__": hooks.ret,
    "__bp_bind__": hooks.bind,
    "__bp_out__": hooks.out,
    "__bp_format__": hooks.format_of,
}


class Module(SimpleNamespace):
    """A module as a program sees it: the allowed names only; another name says what the module offers."""

    def __repr__(self) -> str:
        return f"<module '{self.__dict__.get('__name__', '?')}'>"

    def __getattr__(self, name: str) -> Any:
        module = self.__dict__.get("__name__", "?")
        raise AttributeError(unavailable_name(module, name) if module in MODULES else f"{module} has no {name}")


class Unavailable(Module):
    """A module a notebook imports that the explorer does not provide yet: any use says so."""

    def __getattr__(self, name: str) -> Any:
        module = self.__dict__.get("__name__", "this module")
        if f"{module}.{name}" in LATER_MODULES:  # `import matplotlib.pyplot as plt`
            return Unavailable(__name__=f"{module}.{name}")
        raise NameError(f"{module} is not available in the explorer yet, so {module}.{name} cannot be used")


class Digraph:
    """What graphviz.Digraph and draw_dot give a program: it accepts every call and draws nothing itself."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.format = kwargs.get("format", "svg")
        self.graph_attr = dict(kwargs.get("graph_attr") or {})

    def node(self, *args: Any, **kwargs: Any) -> None:
        """Accepted; the explorer draws the graph itself."""

    def edge(self, *args: Any, **kwargs: Any) -> None:
        """Accepted; the explorer draws the graph itself."""

    def attr(self, *args: Any, **kwargs: Any) -> None:
        """Accepted; the explorer draws the graph itself."""

    def render(self, *args: Any, **kwargs: Any) -> None:
        """Writes no file: the picture is the explorer's."""

    def view(self, *args: Any, **kwargs: Any) -> None:
        """Opens nothing: the picture is the explorer's."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Writes no file: the picture is the explorer's."""

    def __repr__(self) -> str:
        return "<graphviz.graphs.Digraph object>"


def draw_dot(root: Any, format: str = "svg", rankdir: str = "LR") -> Digraph:
    """The lecture's draw_dot: a view of root's graph as it stands now (the explorer draws it)."""
    recorder = hooks.Current.recorder
    k = recorder.register(root)
    if k is None:
        raise TypeError("draw_dot() draws a value: an object with data, grad and _prev")
    recorder.event(VIEW, k, recorder.running_line())
    recorder.draw_target = root
    return Digraph(format=format, graph_attr={"rankdir": rankdir})


def trace(root: Any) -> tuple[set[Any], set[tuple[Any, Any]]]:
    """micrograd's trace: every value root depends on, and the edges between them."""
    nodes: set[Any] = set()
    edges: set[tuple[Any, Any]] = set()
    stack = [root]
    while stack:
        v = stack.pop()
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                stack.append(child)
    return nodes, edges


def checked_dataclass(cls: Any = None, /, **options: Any) -> Any:
    """dataclasses.dataclass, refusing a class whose fields would reach Python's internals (checked before)."""

    def wrap(target: Any) -> Any:
        reason = check_dataclass(target)
        if reason is not None:
            raise hooks.Refused(reason)
        return dataclasses.dataclass(target, **options)

    return wrap if cls is None else wrap(cls)


def import_module(name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0) -> Any:
    """Python's __import__ for a program: the allowed modules' views, placeholders for later ones."""
    if level:
        raise ImportError("relative imports are not available in the explorer")
    top = name.partition(".")[0]
    if name in LATER_MODULES or top in LATER_MODULES:
        recorder = hooks.Current.recorder
        note = f"imported {name}, which the explorer does not provide yet"
        if all(text != note for _, text in recorder.notes):  # once per module, however often it is imported
            recorder.notes.append((recorder.running_line(), note))
        return Unavailable(__name__=name if fromlist else top)
    module = PROXIES.get(name if fromlist else top)
    if module is None:
        raise ImportError(f"No module named {name!r} in the explorer")
    return module


def seed_numpy(seed: int) -> None:
    """Seed numpy's global generator (the parent seeded it from the system at import: each worker differently)."""
    numpy.random.seed(seed)


def compile_library(file: str, filename: str) -> CodeType:
    """A prelude module's source, instrumented and compiled."""
    text = resources.files("engine.program.prelude").joinpath(file).read_text()
    return compile(instrument(ast.parse(text), [1], False, [], library=True), filename, "exec")


def run_library(filename: str, name: str, *files: str) -> dict[str, Any]:
    """Run a prelude module, its files in order in one namespace; its namespace."""
    namespace: dict[str, Any] = {"__builtins__": BUILTIN_NAMES, "__name__": name}
    for file in files:
        exec(compile_library(file, filename), namespace)
    return namespace


def _builtin_names() -> dict[str, Any]:
    table = {name: getattr(builtins, name) for name in BUILTINS if hasattr(builtins, name)}
    table.update(
        getattr=hooks.safe_getattr,
        hasattr=hooks.safe_hasattr,
        setattr=hooks.safe_setattr,
        delattr=hooks.safe_delattr,
        draw_dot=draw_dot,
        trace=trace,
        __import__=import_module,
        __build_class__=hooks.build_class,
        __name__="builtins",
        **HOOKS,
    )
    return table


def _module_view(name: str) -> Module:
    real = importlib.import_module(name)
    return Module(__name__=name, **{attribute: getattr(real, attribute) for attribute in MODULES[name]})


BUILTIN_NAMES = _builtin_names()
OWN_MODULES = ("micrograd", "graphviz", "matplotlib", "torch")  # the explorer's own, made below
PROXIES: dict[str, Module] = {name: _module_view(name) for name in MODULES if not name.startswith(OWN_MODULES)}
PROXIES["numpy"].random = PROXIES["numpy.random"]
PROXIES["dataclasses"].dataclass = checked_dataclass
VALUE = run_library(ENGINE, "micrograd.engine", "value.py")["Value"]
BUILTIN_NAMES["Value"] = VALUE
BUILTIN_NAMES["__bp_leaf__"] = lambda number, name: VALUE(number, label=name)  # the shorthand's `a = 2.0`
MICROGRAD_VALUE = run_library(ENGINE, "micrograd.engine", "micrograd.py")["Value"]
PROXIES["micrograd.engine"] = Module(__name__="micrograd.engine", Value=MICROGRAD_VALUE)
PROXIES["graphviz"] = Module(__name__="graphviz", Digraph=Digraph)
_NN = run_library(LIBRARY, "micrograd.nn", "nn.py")
PROXIES["micrograd.nn"] = Module(__name__="micrograd.nn", **{name: _NN[name] for name in MODULES["micrograd.nn"]})
TORCH = run_library(ENGINE, "torch", "torch_numbers.py", "torch.py")
TORCH["double"] = TORCH["float64"]
PROXIES["torch"] = Module(__name__="torch", **{name: TORCH[name] for name in MODULES["torch"]})
PROXIES["matplotlib.pyplot"] = Module(
    __name__="matplotlib.pyplot", **{name: getattr(pyplot, name) for name in MODULES["matplotlib.pyplot"]}
)
PROXIES["matplotlib"] = Module(__name__="matplotlib", pyplot=PROXIES["matplotlib.pyplot"])
PROXIES["micrograd"] = Module(__name__="micrograd", engine=PROXIES["micrograd.engine"], nn=PROXIES["micrograd.nn"])
