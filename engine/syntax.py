"""Program text to a Python syntax tree, under the limits, with every failure a ProgramError.

Also the words for what the language leaves out, so that `unsupported` errors name it.
"""

from __future__ import annotations

import ast
import re
import sys
import threading

from engine.errors import ProgramError
from engine.limits import Limits

# CPython 3.11 keeps ast.parse's recursion depth in one state shared by all threads; parses running
# at once in a server's thread pool fail with "AST constructor recursion depth mismatch" (gh-106905).
_PARSE_LOCK = threading.Lock()

OPERATOR_SYMBOLS = {
    ast.Mod: "%", ast.FloorDiv: "//", ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>",
    ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^",
}  # fmt: skip
STATEMENT_NAMES = {
    ast.Import: "imports", ast.ImportFrom: "imports", ast.FunctionDef: "function definitions",
    ast.AsyncFunctionDef: "function definitions", ast.ClassDef: "class definitions",
    ast.For: "loops", ast.While: "loops", ast.If: "if statements", ast.With: "with statements",
    ast.Try: "try statements", ast.Return: "return", ast.Delete: "del", ast.Global: "global",
    ast.Nonlocal: "nonlocal", ast.Pass: "pass", ast.Raise: "raise", ast.Assert: "assert",
    ast.AnnAssign: "annotated assignments",
}  # fmt: skip


def place(source: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of a character offset."""
    return source.count("\n", 0, offset) + 1, offset - source.rfind("\n", 0, offset)


def syntax_tree(source: str, limits: Limits) -> ast.Module:
    """The module's syntax tree, or a ProgramError: too long, bad characters, invalid, too deep, empty."""
    if len(source) > limits.max_source_chars:
        raise ProgramError(
            "limit", f"the program is {len(source):,} characters long; the limit is {limits.max_source_chars:,}"
        )
    if "\x00" in source:
        raise ProgramError("syntax", "the program contains a null character", *place(source, source.index("\x00")))
    try:
        source.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ProgramError("syntax", "the program contains an invalid character", *place(source, error.start)) from None
    try:
        with _PARSE_LOCK:
            tree = ast.parse(source, mode="exec")
    except SyntaxError as error:
        digits = re.search(rf"\d{{{sys.get_int_max_str_digits() + 1},}}", source)
        if digits and "digits" in (error.msg or ""):  # Python refuses such integers before we see them
            raise ProgramError("limit", "this number has too many digits", *place(source, digits.start())) from None
        if error.msg == "too many nested parentheses":
            _raise_syntax("the program is nested too deeply", error.lineno, error.offset, source, "limit")
        return _raise_syntax(error.msg or "invalid syntax", error.lineno, error.offset, source)
    except (MemoryError, RecursionError):
        raise ProgramError("limit", "the program is nested too deeply") from None
    except ValueError as error:
        raise ProgramError("syntax", str(error)) from None
    if not tree.body:
        raise ProgramError("syntax", "the program is empty: write a statement such as a = 2.0")
    if len(tree.body) > limits.max_statements:
        raise ProgramError(
            "limit", f"the program has {len(tree.body):,} statements; the limit is {limits.max_statements:,}"
        )
    return tree


def _raise_syntax(message: str, line: int | None, offset: int | None, source: str, kind: str = "syntax") -> ast.Module:
    lines = source.splitlines() or [""]
    line = min(max(line or 1, 1), len(lines))
    column = min(max(offset or 1, 1), len(lines[line - 1]) + 1)
    raise ProgramError(kind, message, line, column)


def check_nesting(statement: ast.stmt, limits: Limits) -> None:
    """Refuse a statement nested deeper than the limit, before anything walks it recursively."""
    stack: list[tuple[ast.AST, int]] = [(statement, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limits.max_nesting:
            raise ProgramError(
                "limit",
                f"this expression is nested {limits.max_nesting} levels deep or more; split it into statements",
                statement.lineno,
                statement.col_offset + 1,
            )
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))


def describe_unsupported(node: ast.expr) -> str:
    if isinstance(node, ast.Attribute):
        return f".{node.attr} cannot be read here; the methods are .tanh() .exp() .log() .relu() .sigmoid()"
    names = {
        ast.Lambda: "lambda", ast.ListComp: "comprehensions", ast.SetComp: "comprehensions",
        ast.DictComp: "comprehensions", ast.GeneratorExp: "generators", ast.Subscript: "indexing",
        ast.List: "lists", ast.Tuple: "tuples", ast.Dict: "dicts", ast.Set: "sets",
        ast.Compare: "comparisons", ast.BoolOp: "and/or", ast.IfExp: "conditional expressions",
        ast.JoinedStr: "f-strings", ast.Await: "await", ast.Yield: "yield", ast.YieldFrom: "yield",
        ast.NamedExpr: "the := operator", ast.Starred: "starred expressions", ast.Slice: "slices",
    }  # fmt: skip
    what = names.get(type(node), type(node).__name__)
    return (
        f"{what} are not part of the language" if not what.startswith("the ") else f"{what} is not part of the language"
    )
