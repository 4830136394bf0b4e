"""The instrumenting rewrite: a checked syntax tree becomes one whose hooks tell the recorder what happens.

Nothing here changes what a program computes. Each rewrite keeps Python's order of evaluation:
- `x.grad = v` becomes `__bp_set__(v, x, 'grad', line)` (v first, as Python evaluates it), except
  `self.data` and `self.grad` in an `__init__`, which come before the `_prev` that makes a value;
  `x.grad += v` on a name x stays as it is, followed by `__bp_wrote__(x, 'grad', line)`; any other
  write or delete of `x.data`, `x.grad` or `x._prev` becomes `__bp_watch__(x, line)['grad']`, a
  subscript whose proxy does the same write and records it (so `p.w[0].grad += y` still reads the
  grad before it evaluates y);
- `x._backward()` becomes `__bp_step__(x, line)`, `x.backward(...)` becomes `__bp_pass__(x, line, ...)`;
- `x.format` and `x.format_map` become `__bp_format__(x, 'format')`, checked at run time;
- `return v` in a function becomes `return __bp_ret__(v)`, so a call's group knows its output, except
  in a value's own class (one that writes `_prev`): its methods are the engine, never a group;
- after each module-scope assignment, `__bp_bind__(a, 'a', line)` names the value bound;
- the last expression statement of each `# %%` cell becomes `__bp_out__(cell, value)` (its Out[n]);
- in the shorthand, `a = 2.0` at module scope becomes `a = __bp_leaf__(2.0, 'a')`;
- a module-scope `def draw_dot` or `def trace` is dropped for the explorer's own, with a note.
"""

from __future__ import annotations

import ast
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import TypeVar

from engine.program.source import Note, Transformer, subtree

WATCHED = frozenset({"data", "grad", "_prev"})  # the attributes whose writes the recorder sees
FORMAT_METHODS = frozenset({"format", "format_map"})
REPLACED_FUNCTIONS = frozenset({"draw_dot", "trace"})  # the lecture's drawing helpers, replaced by the explorer's
SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)
Located = TypeVar("Located", bound=ast.expr | ast.stmt)


def placed(new: Located, node: ast.expr | ast.stmt) -> Located:
    """The new node placed where `node` is: ast.copy_location for a node that has its place, as every node here has."""
    new.lineno, new.col_offset, new.end_lineno, new.end_col_offset = (
        node.lineno,
        node.col_offset,
        node.end_lineno,
        node.end_col_offset,
    )
    return new


def hook(name: str, node: ast.expr | ast.stmt, *args: ast.expr, keywords: list[ast.keyword] | None = None) -> ast.Call:
    """A call of the recorder's hook `__bp_<name>__`, placed where `node` is (its arguments have their places)."""
    return placed(ast.Call(placed(ast.Name(f"__bp_{name}__", ast.Load()), node), list(args), keywords or []), node)


def constant(value: str | int | None, node: ast.expr | ast.stmt) -> ast.Constant:
    """A constant placed where `node` is."""
    return placed(ast.Constant(value), node)


@dataclass
class OpenClass:
    """A class statement being rewritten: whether it writes `_prev` (a value's class); the returns to wrap if not."""

    writes_prev: bool = False
    returns: list[ast.Return] = field(default_factory=list)


class Instrument(Transformer):
    """Rewrites expressions anywhere in the program: attribute writes, backward calls, formats, returns."""

    def __init__(self, library: bool) -> None:
        self.in_function = 0
        self.classes: list[OpenClass] = []  # the class statements being visited, the innermost last
        self.initialising: list[str | None] = []  # per function being visited: `self` in an __init__, else None
        self.library = library  # a prelude module: its lines are not the program's, the recorder finds those

    def line(self, node: ast.expr) -> ast.Constant:
        return constant(0 if self.library else node.lineno, node)

    def wrote(self, target: ast.Attribute) -> None:
        """Note a write of an attribute: one of `_prev` makes each class around it a value's."""
        if target.attr == "_prev":
            for opened in self.classes:
                opened.writes_prev = True

    def visit_Attribute(self, node: ast.Attribute) -> ast.expr:
        self.generic_visit(node)
        if isinstance(node.ctx, ast.Store):
            self.wrote(node)
        if isinstance(node.ctx, ast.Store | ast.Del) and node.attr in WATCHED:
            proxy = hook("watch", node, node.value, self.line(node))
            return placed(ast.Subscript(proxy, constant(node.attr, node), node.ctx), node)
        if isinstance(node.ctx, ast.Load) and node.attr in FORMAT_METHODS:
            return hook("format", node, node.value, constant(node.attr, node))
        return node

    def visit_Assign(self, node: ast.Assign) -> ast.stmt:
        target = node.targets[0]
        if len(node.targets) == 1 and self.is_first_write(target):
            # `self.data = data` in __init__ comes before `self._prev = ...`, which makes self a value: until
            # then there is nothing to record, so the write runs as written
            node.value = self.visit(node.value)
            return node
        if len(node.targets) == 1 and isinstance(target, ast.Attribute) and target.attr in WATCHED:
            # `x.grad = v` evaluates v, then x: so do the hook's arguments
            value, obj = self.visit(node.value), self.visit(target.value)
            self.wrote(target)
            call = hook("set", node, value, obj, constant(target.attr, node), self.line(target))
            return placed(ast.Expr(call), node)
        self.generic_visit(node)
        return node

    def visit_AugAssign(self, node: ast.AugAssign) -> ast.stmt | list[ast.stmt]:
        target = node.target
        if (
            isinstance(target, ast.Attribute)
            and target.attr in WATCHED
            and isinstance(target.value, ast.Name)
            and not any(isinstance(inner, ast.NamedExpr) for inner in subtree(node.value))
        ):
            # `x.grad += v` runs as written (x is a name, so reading it again reads the same object)
            node.value = self.visit(node.value)
            self.wrote(target)
            obj = placed(ast.Name(target.value.id, ast.Load()), node)
            call = hook("wrote", node, obj, constant(target.attr, node), self.line(target))
            return [node, placed(ast.Expr(call), node)]
        self.generic_visit(node)
        return node

    def visit_Call(self, node: ast.Call) -> ast.expr:
        function = node.func
        if isinstance(function, ast.Attribute) and isinstance(function.ctx, ast.Load):
            if function.attr == "_backward" and not node.args and not node.keywords:
                receiver = self.visit(function.value)
                return hook("step", node, receiver, self.line(node))
            if function.attr == "backward":
                self.generic_visit(node)
                receiver = function.value
                return hook("pass", node, receiver, self.line(node), *node.args, keywords=node.keywords)
        self.generic_visit(node)
        return node

    def is_first_write(self, target: ast.expr) -> bool:
        """Whether target is `self.data` or `self.grad` in an __init__ (not nested in another function)."""
        owner = self.initialising[-1] if self.initialising else None
        return (
            owner is not None
            and isinstance(target, ast.Attribute)
            and target.attr in ("data", "grad")
            and isinstance(target.value, ast.Name)
            and target.value.id == owner
        )

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.FunctionDef:
        arguments = node.args.posonlyargs + node.args.args
        self.initialising.append(arguments[0].arg if node.name == "__init__" and arguments else None)
        self.in_function += 1
        self.generic_visit(node)
        self.in_function -= 1
        self.initialising.pop()
        return node

    def visit_ClassDef(self, node: ast.ClassDef) -> ast.ClassDef:
        outer, self.in_function = self.in_function, 0  # a class body's statements are not a function's
        self.classes.append(OpenClass())
        self.generic_visit(node)
        opened = self.classes.pop()
        if not opened.writes_prev:  # a value's class (`self._prev = set(_children)`) is the engine, never a group
            for statement in opened.returns:
                self.wrap_return(statement)
        self.in_function = outer
        return node

    def visit_Return(self, node: ast.Return) -> ast.Return:
        self.generic_visit(node)
        if node.value is not None and self.in_function:
            if self.classes:  # wrapped once the class is known not to be a value's: its _prev may be written later
                self.classes[-1].returns.append(node)
            else:
                self.wrap_return(node)
        return node

    def wrap_return(self, node: ast.Return) -> None:
        """`return v` becomes `return __bp_ret__(v)`."""
        if node.value is not None:
            node.value = hook("ret", node.value, node.value)


def instrument(
    tree: ast.Module,
    cells: list[int],
    shorthand: bool,
    notes: list[Note],
    library: bool = False,
    lines: list[str] | None = None,
) -> ast.Module:
    """The program's tree with every hook in place (the tree is changed in place and returned); with the
    program's `lines`, a cell whose last expression ends with `;` shows no Out[n], as in Jupyter."""
    if not library:
        _mark_outs(tree.body, cells, lines or [])
        tree.body = _module_statements(tree.body, shorthand, notes)
    Instrument(library).visit(tree)  # in place; each node made here is placed as it is made (hook, constant)
    return tree


def _module_statements(body: list[ast.stmt], shorthand: bool, notes: list[Note]) -> list[ast.stmt]:
    """Module-scope statements (in blocks too, not in functions or classes) with their bindings recorded."""
    result: list[ast.stmt] = []
    for statement in body:
        if isinstance(statement, ast.FunctionDef) and statement.name in REPLACED_FUNCTIONS:
            notes.append(Note(statement.lineno, f"used the explorer's {statement.name} in place of the program's own"))
            result.append(placed(ast.Pass(), statement))
            continue
        if not isinstance(statement, SCOPES):
            for field in ("body", "orelse", "finalbody"):
                block = getattr(statement, field, None)
                if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                    setattr(statement, field, _module_statements(block, shorthand, notes))
            for handler in getattr(statement, "handlers", []):
                handler.body = _module_statements(handler.body, shorthand, notes)
            for case in getattr(statement, "cases", []):
                case.body = _module_statements(case.body, shorthand, notes)
        if shorthand and isinstance(statement, ast.Assign) and _is_number(statement.value):
            names = [target.id for target in statement.targets if isinstance(target, ast.Name)]
            if len(names) == len(statement.targets) == 1:
                statement.value = hook("leaf", statement.value, statement.value, constant(names[0], statement))
        result.append(statement)
        for name in _bound_names(statement):
            value = placed(ast.Name(name, ast.Load()), statement)
            call = hook("bind", statement, value, constant(name, statement), constant(statement.lineno, statement))
            result.append(placed(ast.Expr(call), statement))
    return result


def _bound_names(statement: ast.stmt) -> list[str]:
    """The names an assignment statement binds: `a`, `a, b`, `a += 1`, `a: float = 1.0`."""
    if isinstance(statement, ast.Assign):
        targets = statement.targets
    elif isinstance(statement, ast.AugAssign) or (isinstance(statement, ast.AnnAssign) and statement.value):
        targets = [statement.target]
    else:
        return []
    names: list[str] = []
    stack = list(targets)
    while stack:
        target = stack.pop(0)
        if isinstance(target, ast.Name):
            names.append(target.id)
        elif isinstance(target, ast.Tuple | ast.List):
            stack[:0] = target.elts
        elif isinstance(target, ast.Starred):
            stack.insert(0, target.value)
    return list(dict.fromkeys(names))


def _is_number(node: ast.expr) -> bool:
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        node = node.operand
    return isinstance(node, ast.Constant) and type(node.value) in (int, float)


def _quieted(statement: ast.stmt, lines: list[str]) -> bool:
    """Whether a semicolon follows the statement on its last line (Jupyter's way to hide an Out[n])."""
    line, column = statement.end_lineno or 0, statement.end_col_offset or 0
    if not 0 < line <= len(lines):
        return False
    rest = lines[line - 1].encode()[column:].decode(errors="ignore")
    return rest.lstrip().startswith(";")


def _mark_outs(body: list[ast.stmt], cells: list[int], lines: list[str]) -> None:
    """Wrap the last top-level statement of each cell, when it is an expression, as that cell's Out[n]."""
    last: dict[int, int] = {}
    for index, statement in enumerate(body):
        last[bisect_right(cells, statement.lineno) - 1] = index
    for cell, index in last.items():
        statement = body[index]
        if isinstance(statement, ast.Expr) and not _quieted(statement, lines):
            statement.value = hook("out", statement.value, constant(cell, statement), statement.value)
