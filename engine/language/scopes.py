"""Where each name lives, decided once before the run: Python's rules for functions, classes and comprehensions."""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

MODULE, FUNCTION, CLASS, COMPREHENSION = "module", "function", "class", "comprehension"


@dataclass
class Scope:
    """A scope of the program's text and the names assigned in it."""

    kind: str
    parent: Scope | None
    names: set[str] = field(default_factory=set)
    qualname: str = ""

    def resolve(self, name: str) -> tuple[str, int]:
        """("local", 0), ("free", frames out), ("global", 0) or ("class", frames out if not in the class)."""
        if self.kind == MODULE:
            return "global", 0
        if self.kind == CLASS:
            where, depth = self._outside(name)
            return ("class", depth) if where == "free" else ("class", -1)
        if name in self.names:
            return "local", 0
        return self._outside(name)

    def _outside(self, name: str) -> tuple[str, int]:
        depth = 0
        scope = self.parent
        while scope is not None and scope.kind != MODULE:
            if scope.kind != CLASS:  # a class body's names are not seen by the functions inside it
                depth += 1
                if name in scope.names:
                    return "free", depth
            scope = scope.parent
        return "global", 0

    @property
    def has_frame_chain(self) -> bool:
        """Whether frames made in this scope see the enclosing function's frame (not at module level)."""
        return self.kind in (FUNCTION, COMPREHENSION)


def assigned_names(body: list[ast.stmt]) -> set[str]:
    """The names a block binds, not looking inside nested functions, classes or comprehensions."""
    names: set[str] = set()
    stack: list[ast.AST] = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
            continue
        if isinstance(node, ast.Lambda | ast.ListComp | ast.GeneratorExp | ast.SetComp | ast.DictComp):
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
            names.add(node.id)
        elif isinstance(node, ast.alias):
            names.add((node.asname or node.name).split(".")[0])
        stack.extend(ast.iter_child_nodes(node))
    return names


def comprehension_names(generators: list[ast.comprehension]) -> set[str]:
    """The names the `for` targets of a comprehension bind."""
    names: set[str] = set()
    for generator in generators:
        names |= {node.id for node in ast.walk(generator.target) if isinstance(node, ast.Name)}
    return names
