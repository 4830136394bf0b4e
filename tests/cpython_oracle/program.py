"""The program's text as the child compiles it: notebook lines skipped, cells found, the shorthand's leaves
made, module-scope bindings and each cell's Out[n] noted, the program's own draw_dot and trace dropped."""

from __future__ import annotations

import ast
import bisect
import re
from types import CodeType

PROGRAM_FILE = "<program>"
NOTEBOOK_LINE = re.compile(r"^[ \t]*[%!]")
CELL_MARKER = re.compile(r"^# ?%%")
REPLACED_FUNCTIONS = ("draw_dot", "trace")


def _cell_starts(text: str) -> list[int]:
    starts = [index + 1 for index, line in enumerate(text.split("\n")) if CELL_MARKER.match(line)]
    return starts if starts and starts[0] == 1 else [1, *starts]


def _call(name: str, node: ast.AST, *args: ast.expr) -> ast.Call:
    return ast.copy_location(ast.Call(ast.Name(name, ast.Load()), list(args), []), node)


def _bound_names(statement: ast.stmt) -> list[str]:
    """The names an assignment statement binds (`a`, `a, b`, `a += 1`, `a: float = 1.0`): what names a value."""
    if isinstance(statement, ast.Assign):
        stack: list[ast.expr] = list(statement.targets)
    elif isinstance(statement, ast.AugAssign) or (isinstance(statement, ast.AnnAssign) and statement.value):
        stack = [statement.target]
    else:
        return []
    names: list[str] = []
    while stack:
        target = stack.pop(0)
        if isinstance(target, ast.Name):
            names.append(target.id)
        elif isinstance(target, (ast.Tuple, ast.List)):
            stack[:0] = target.elts
        elif isinstance(target, ast.Starred):
            stack.insert(0, target.value)
    return list(dict.fromkeys(names))


def _module_statements(body: list[ast.stmt]) -> list[ast.stmt]:
    """Module-scope statements, in blocks too: the explorer's draw_dot and trace for the program's own, and
    each assignment followed by a note of the values it bound."""
    result: list[ast.stmt] = []
    for statement in body:
        if isinstance(statement, ast.FunctionDef) and statement.name in REPLACED_FUNCTIONS:
            result.append(ast.copy_location(ast.Pass(), statement))
            continue
        if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            for field in ("body", "orelse", "finalbody"):
                block = getattr(statement, field, None)
                if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
                    setattr(statement, field, _module_statements(block))
            for handler in getattr(statement, "handlers", []):
                handler.body = _module_statements(handler.body)
            for case in getattr(statement, "cases", []):
                case.body = _module_statements(case.body)
        result.append(statement)
        pairs: list[ast.expr] = []
        for name in _bound_names(statement):
            pairs += [ast.Constant(name), ast.Name(name, ast.Load())]
        if pairs:
            result.append(ast.copy_location(ast.Expr(_call("__oracle_bind__", statement, *pairs)), statement))
    return result


def _is_shorthand(tree: ast.Module) -> bool:
    """The playground shorthand: only assignments and expressions, and neither Value nor print named."""
    if not all(isinstance(statement, (ast.Assign, ast.AugAssign, ast.Expr)) for statement in tree.body):
        return False
    return not any(isinstance(node, ast.Name) and node.id in ("Value", "print") for node in ast.walk(tree))


def _make_leaves(tree: ast.Module) -> None:
    """In the shorthand, `a = 2.0` at module scope is `a = Value(2.0, label='a')` (LANGUAGE.md)."""
    for statement in tree.body:
        if not (isinstance(statement, ast.Assign) and len(statement.targets) == 1):
            continue
        target, value = statement.targets[0], statement.value
        number = (
            value.operand if isinstance(value, ast.UnaryOp) and isinstance(value.op, (ast.USub, ast.UAdd)) else value
        )
        if isinstance(target, ast.Name) and isinstance(number, ast.Constant) and type(number.value) in (int, float):
            statement.value = _call("__oracle_leaf__", value, value, ast.Constant(target.id))


def _compile_program(source: str) -> CodeType:
    """The program as CPython runs it in the explorer's setting: notebook lines skipped, the shorthand's leaves
    made, Out[n] of each cell noted when shown, module-scope bindings noted, its own draw_dot and trace dropped."""
    text = "\n".join("" if NOTEBOOK_LINE.match(line) else line for line in source.split("\n"))
    tree = ast.parse(text, PROGRAM_FILE)
    if _is_shorthand(tree):
        _make_leaves(tree)
    cells = _cell_starts(text)
    last: dict[int, ast.stmt] = {}
    for statement in tree.body:
        last[bisect.bisect_right(cells, statement.lineno) - 1] = statement
    for cell, statement in last.items():
        if isinstance(statement, ast.Expr):
            statement.value = _call("__oracle_out__", statement.value, ast.Constant(cell), statement.value)
    tree.body = _module_statements(tree.body)
    return compile(ast.fix_missing_locations(tree), PROGRAM_FILE, "exec", dont_inherit=True)


def _character_column(lines: list[str], line: int, offset: int) -> int:
    """The 1-based column, in characters, of a UTF-8 byte offset in a line (as a traceback's caret stands)."""
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    return len(text.encode()[:offset].decode(errors="ignore")) + 1
