"""The static wall: before a program runs, refuse what could reach Python's internals.

One walk of the syntax tree (RestrictedPython's transformer shape: a visit_ method per kind of node)
applies the tables of engine/program/policy.py and raises the first refusal in source order. Its
run-time twins (engine/program/runtime_check.py) check what only a running program knows: a computed
attribute name or format string, and the field names of a class given to dataclasses.dataclass.
"""

from __future__ import annotations

import ast

from engine.errors import ProgramError
from engine.program import policy
from engine.program.runtime_check import (
    INTERNALS,
    check_attribute_name,
    check_format_string,
    is_dunder,
    unavailable_name,
)
from engine.program.source import Visitor

Located = ast.expr | ast.stmt | ast.arg | ast.keyword | ast.alias | ast.pattern | ast.excepthandler

ATTRIBUTE_BUILTINS = frozenset({"getattr", "setattr", "hasattr", "delattr"})
FORMAT_METHODS = frozenset({"format", "format_map"})
NO_EVENT_LOOP = "the explorer runs a program without an event loop"
ASYNC = {ast.Await: "await", ast.AsyncFor: "async for", ast.AsyncWith: "async with"}
AVAILABLE = ", ".join(name for name in policy.MODULES if "." not in name and name != "__future__")
POSITIONAL_PATTERN = (
    "positional parts of a class pattern are not available: name the attributes, as in "
    "case Point(x=x, y=y), or write case int() as n"
)
NOT_DEFINABLE = (
    "{} is not available: a class may define __init__, __call__, __repr__, __str__ and the operator and "
    "container methods, no other name that begins and ends with __"
)


def check_program(tree: ast.Module) -> None:
    """Raise an `unsupported` ProgramError at the first construct, in source order, that the wall refuses."""
    wall = Wall()
    try:
        wall.visit(tree)
    except RecursionError:  # engine/program/source.py bounds nesting first; this is the backstop
        raise ProgramError("limit", "the program is nested too deeply to check; split it into statements") from None
    if wall.refusal is not None:
        raise wall.refusal


class Wall(Visitor):
    """One walk of a program's tree, keeping the first refusal in source order."""

    def __init__(self) -> None:
        self.refusal: ProgramError | None = None
        self.place = (0, 0)
        self.scopes = ["module"]  # "module", "class" or "function": where a bare name is bound
        self.called: set[int] = set()  # the Attribute nodes that are directly the function of a call
        self.modules: dict[str, str] = {}  # names bound by an import to an allowed module: np -> numpy

    def refuse(self, node: Located, message: str) -> None:
        """Note a refusal; on a tie the inner node wins, as it was written first (x.__class__.__mro__)."""
        place = (node.lineno, node.col_offset + 1)
        if self.refusal is None or place <= self.place:
            self.refusal = ProgramError("unsupported", message, *place)
            self.place = place

    def scoped(self, scope: str, nodes: list[ast.stmt] | list[ast.expr]) -> None:
        """Visit a body in its own scope: a function's, a lambda's or a class's."""
        self.scopes.append(scope)
        for node in nodes:
            self.visit(node)
        self.scopes.pop()

    # -- names and attributes

    def visit_Name(self, node: ast.Name) -> None:
        name, reading, in_class = node.id, isinstance(node.ctx, ast.Load), self.scopes[-1] == "class"
        # reading __name__ (`if __name__ == '__main__':`); in a class body, `__radd__ = __add__`
        allowed = (name == "__name__" and reading) or (in_class and name in policy.DATA_MODEL_METHODS)
        if name in policy.REFUSED_BUILTINS:
            reason = policy.REFUSED_BUILTINS[name]
            if reading:
                self.refuse(node, f"the built-in {name} is not available: {reason}")
            else:
                self.refuse(node, f"{name} is a built-in that is not available ({reason}); choose another name")
        elif not is_dunder(name) or allowed:
            pass
        elif in_class and not reading:
            self.refuse(node, NOT_DEFINABLE.format(name))
        else:
            self.refuse(node, f"the name {name} is not available: {INTERNALS}")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        name, reading = node.attr, isinstance(node.ctx, ast.Load)
        if name in policy.REFUSED_ATTRIBUTES:
            self.refuse(node, f"the attribute {name} is not available: {policy.REFUSED_ATTRIBUTES[name]}")
        elif not is_dunder(name) or (name in policy.READABLE_ATTRIBUTES and reading):
            pass
        elif name in policy.DATA_MODEL_METHODS and reading:
            if id(node) not in self.called:
                self.refuse(node, f"the attribute {name} may only be called, as in x.{name}(...): {INTERNALS}")
        else:
            self.refuse(node, f"the attribute {name} is not available: {INTERNALS}")
        module = self.module_of(node.value)
        if module is not None and name not in policy.MODULES[module] and f"{module}.{name}" not in policy.MODULES:
            self.refuse(node, unavailable_name(module, name))  # np.load, np.fromfile, plt.imread
        if name in FORMAT_METHODS and isinstance(node.value, ast.Constant):  # '{0.x}'.format
            self.check_template(node.value)
        self.generic_visit(node)

    def module_of(self, node: ast.expr) -> str | None:
        """The allowed module an expression names through an import's name (`np`, `np.random`), if it does."""
        if isinstance(node, ast.Name):
            return self.modules.get(node.id)
        if isinstance(node, ast.Attribute):
            outer = self.module_of(node.value)
            if outer is not None and f"{outer}.{node.attr}" in policy.MODULES:
                return f"{outer}.{node.attr}"
        return None

    def visit_Call(self, node: ast.Call) -> None:
        func, args = node.func, node.args
        if isinstance(func, ast.Attribute):
            self.called.add(id(func))
            if func.attr in FORMAT_METHODS and isinstance(func.value, ast.Name) and func.value.id == "str" and args:
                self.check_template(args[0])  # str.format('{0.x}', v)
        if isinstance(func, ast.Name) and func.id in ATTRIBUTE_BUILTINS and len(args) >= 2:
            reason = check_attribute_name(args[1].value) if isinstance(args[1], ast.Constant) else None
            if reason is not None:
                self.refuse(node, reason)
        self.generic_visit(node)

    def check_template(self, node: ast.expr) -> None:
        """Refuse a constant format template whose fields walk into attributes or items."""
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            reason = check_format_string(node.value)
            if reason is not None:
                self.refuse(node, reason)

    # -- definitions and the names they bind

    def check_binding(self, node: Located, name: str | None, what: str) -> None:
        """A name bound other than by assignment: a parameter, an import, `except ... as`, a pattern."""
        if name is not None and is_dunder(name):
            self.refuse(node, f"{what} {name} is not available: {INTERNALS}")

    def check_definition(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        """Refuse a def or class named with __ on both sides that is not a data-model method."""
        if is_dunder(node.name) and node.name not in policy.DATA_MODEL_METHODS:
            self.refuse(node, NOT_DEFINABLE.format(node.name))

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self.check_definition(node)
        for decorator in node.decorator_list:
            self.visit(decorator)
        self.visit(node.args)  # defaults and annotations belong to the enclosing scope
        if node.returns is not None:
            self.visit(node.returns)
        self.scoped("function", node.body)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self.refuse(node, f"async def is not available: {NO_EVENT_LOOP}")
        self.visit_FunctionDef(node)

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self.visit(node.args)
        self.scoped("function", [node.body])

    def visit_arg(self, node: ast.arg) -> None:
        self.check_binding(node, node.arg, "the parameter")
        self.generic_visit(node)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self.check_definition(node)
        for keyword in node.keywords:
            # metaclass= hands the making of the class to the program's code; any other keyword
            # goes to __init_subclass__, which a class may not define
            self.refuse(keyword, "class keywords such as metaclass= are not available: write class A(Base):")
        for child in (*node.decorator_list, *node.bases, *node.keywords):
            self.visit(child)
        self.scoped("class", node.body)

    def visit_Global(self, node: ast.Global | ast.Nonlocal) -> None:
        for name in node.names:
            self.check_binding(node, name, "the name")

    visit_Nonlocal = visit_Global

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        self.check_binding(node, node.name, "the name")
        self.generic_visit(node)

    # -- async code and comprehensions

    def visit_Await(self, node: ast.Await | ast.AsyncFor | ast.AsyncWith) -> None:
        self.refuse(node, f"{ASYNC[type(node)]} is not available: {NO_EVENT_LOOP}")
        self.generic_visit(node)

    visit_AsyncFor = visit_AsyncWith = visit_Await

    def visit_ListComp(self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp) -> None:
        if any(generator.is_async for generator in node.generators):
            self.refuse(node, f"async comprehensions are not available: {NO_EVENT_LOOP}")
        self.scopes.append("function")
        self.generic_visit(node)
        self.scopes.pop()

    visit_SetComp = visit_GeneratorExp = visit_DictComp = visit_ListComp

    # -- imports

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.name not in policy.MODULES and alias.name not in policy.LATER_MODULES:
                self.refuse(alias, f"import {alias.name} is not available; a program can import {AVAILABLE}")
            bound = alias.name if alias.asname else alias.name.partition(".")[0]
            if bound in policy.MODULES:
                self.modules[alias.asname or bound] = bound
            self.check_binding(alias, alias.asname or alias.name.partition(".")[0], "the name")

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        if node.level:
            return self.refuse(node, "relative imports are not available: a program is one file")
        if module not in policy.MODULES and module not in policy.LATER_MODULES:
            return self.refuse(node, f"import {module} is not available; a program can import {AVAILABLE}")
        for alias in node.names:
            if alias.name == "*":
                self.refuse(alias, f"from {module} import * is not available: name what you import")
            elif module in policy.MODULES and alias.name not in policy.MODULES[module]:
                self.refuse(alias, unavailable_name(module, alias.name))
            if f"{module}.{alias.name}" in policy.MODULES:  # from matplotlib import pyplot as plt
                self.modules[alias.asname or alias.name] = f"{module}.{alias.name}"
            self.check_binding(alias, alias.asname or alias.name, "the name")

    # -- match statements

    def visit_MatchClass(self, node: ast.MatchClass) -> None:
        if node.patterns:
            # positional parts read the attributes named by the strings of the class's __match_args__,
            # which a class made with type(name, bases, namespace) can fill with any name
            self.refuse(node.patterns[0], POSITIONAL_PATTERN)
        for reason in filter(None, map(check_attribute_name, node.kwd_attrs)):
            self.refuse(node, reason)
        self.generic_visit(node)

    def visit_MatchAs(self, node: ast.MatchAs | ast.MatchStar | ast.MatchMapping) -> None:
        self.check_binding(node, node.rest if isinstance(node, ast.MatchMapping) else node.name, "the name")
        self.generic_visit(node)

    visit_MatchStar = visit_MatchMapping = visit_MatchAs
