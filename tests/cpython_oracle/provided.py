"""What the explorer gives a program that plain CPython lacks, besides Value: graphviz's Digraph that draws
nothing, micrograd's trace, and modules not installed here that import but fail on use."""

from __future__ import annotations

import builtins
import types
from typing import Any

PLACEHOLDER_MODULES = ("numpy", "matplotlib", "torch")  # imported but not installed here: a module that fails on use


class Digraph:
    """graphviz.Digraph as the explorer gives it: every call accepted, nothing drawn or written."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.format = kwargs.get("format", "svg")
        self.graph_attr = dict(kwargs.get("graph_attr") or {})

    def node(self, *args: Any, **kwargs: Any) -> None:
        """Accepted."""

    def edge(self, *args: Any, **kwargs: Any) -> None:
        """Accepted."""

    def attr(self, *args: Any, **kwargs: Any) -> None:
        """Accepted."""

    def render(self, *args: Any, **kwargs: Any) -> None:
        """Writes no file."""

    def view(self, *args: Any, **kwargs: Any) -> None:
        """Opens nothing."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Writes no file."""

    def __repr__(self) -> str:
        return "<graphviz.graphs.Digraph object>"


def _trace(root: Any) -> tuple[set[Any], set[tuple[Any, Any]]]:
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


class _Placeholder(types.ModuleType):
    """A module this Python does not have: importing it works, using it fails."""

    def __getattr__(self, name: str) -> Any:
        raise NameError(f"{self.__name__} is not installed, so {self.__name__}.{name} cannot be used")


def _import(name: str, globals: Any = None, locals: Any = None, fromlist: Any = (), level: int = 0) -> Any:
    """import, with the explorer's graphviz, and placeholders for the notebook's modules not installed here."""
    top = name.partition(".")[0]
    if top == "graphviz":
        return GRAPHVIZ
    try:
        return builtins.__import__(name, globals, locals, fromlist, level)
    except ImportError:
        if top not in PLACEHOLDER_MODULES:
            raise
    module = outer = _Placeholder(top)
    for part in name.split(".")[1:]:
        inner = _Placeholder(f"{outer.__name__}.{part}")
        outer.__dict__[part] = outer = inner
    return outer if fromlist else module


GRAPHVIZ = types.ModuleType("graphviz")
GRAPHVIZ.Digraph = Digraph  # type: ignore[attr-defined]
