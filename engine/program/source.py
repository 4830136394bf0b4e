"""Program text to a Python syntax tree, under the limits, with every failure a ProgramError.

Notebook lines that are not Python (IPython magics and shell escapes) are blanked first, so
that the line numbers stay those of the text as pasted; a `# %%` line starts a cell.
The tree's walks (the size check here, the wall's, the rewrite's) read only the fields that can hold
nodes, from tables made once per kind of node: ast.walk and ast.NodeVisitor read every field of every node.
"""

from __future__ import annotations

import ast
import gc
import re
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import CodeType
from typing import Any, ClassVar, NoReturn

from engine.errors import ProgramError
from engine.limits import Limits

# CPython 3.11 keeps ast.parse's recursion depth in one state shared by all threads; parses running
# at once in a server's thread pool fail with "AST constructor recursion depth mismatch" (gh-106905).
_PARSE_LOCK = threading.Lock()
PARSE_ATTEMPTS = 3
NOTEBOOK_LINE = re.compile(r"^[ \t]*[%!]")
CELL_MARKER = re.compile(r"^# ?%%")  # Jupytext's percent format, as VS Code and Spyder write it


# Fields that hold a name, a number or a string, never a node (identifier, int, string and constant in Python's
# grammar, ast.X.__doc__); contexts and operators are shared leaves (ast.Load(), ast.Add()) no rewrite visits.
NAME_FIELDS = frozenset(
    {"id", "attr", "arg", "name", "asname", "module", "rest", "kwd_attrs", "level", "is_async", "conversion"}
    | {"kind", "tag", "type_comment", "lineno", "simple"}
)
NAME_FIELDS_OF = {
    ast.Constant: {"value"},
    ast.MatchSingleton: {"value"},
    ast.Global: {"names"},
    ast.Nonlocal: {"names"},
}
CONTEXT_FIELDS = frozenset({"ctx", "op", "ops"})
_BRANCHES: dict[type[ast.AST], tuple[str, ...]] = {}
_FIELDS: dict[type[ast.AST], tuple[str, ...]] = {}


def node_fields(kind: type[ast.AST], contexts: bool = False) -> tuple[str, ...]:
    """The fields of a kind of node that can hold nodes, in ast.iter_child_nodes's order; contexts and operators
    only if asked."""
    table = _FIELDS if contexts else _BRANCHES
    fields = table.get(kind)
    if fields is None:
        left_out = NAME_FIELDS | NAME_FIELDS_OF.get(kind, set()) | (set() if contexts else CONTEXT_FIELDS)
        fields = table[kind] = tuple(field for field in kind._fields if field not in left_out)
    return fields


def children(nodes: list[ast.AST], contexts: bool = False) -> list[ast.AST]:
    """The nodes' children, in order, as ast.iter_child_nodes gives them; contexts and operators only if asked."""
    found: list[ast.AST] = []
    table = _FIELDS if contexts else _BRANCHES
    for node in nodes:
        fields = table.get(type(node))
        for field in node_fields(type(node), contexts) if fields is None else fields:
            value = getattr(node, field, None)
            if type(value) is list:
                found += value
            elif value is not None:
                found.append(value)
    return [node for node in found if node is not None] if None in found else found  # a dict display's ** has no key


def subtree(node: ast.AST) -> list[ast.AST]:
    """A node and the nodes under it but contexts and operators, breadth first as ast.walk gives them."""
    nodes, level = [node], [node]
    while level:
        level = children(level)
        nodes += level
    return nodes


class Visitor:
    """ast.NodeVisitor's shape, quicker: each kind's visit_ method found once, contexts and operators not visited."""

    methods: ClassVar[dict[type[ast.AST], Callable[[Any, Any], Any]]] = {}

    def __init_subclass__(cls) -> None:
        """Each visitor class finds its own methods."""
        cls.methods = {}

    def visit(self, node: ast.AST) -> Any:
        """Visit a node with its kind's visit_ method, else with generic_visit."""
        method = self.methods.get(type(node))
        if method is None:
            kind = type(self)
            method = self.methods[type(node)] = getattr(kind, f"visit_{type(node).__name__}", kind.generic_visit)
        return method(self, node)

    def generic_visit(self, node: ast.AST) -> Any:
        """Visit the node's children in order."""
        fields = _BRANCHES.get(type(node))
        for field in node_fields(type(node)) if fields is None else fields:
            value = getattr(node, field, None)
            if type(value) is list:
                for item in value:
                    if item is not None:  # a dict display's ** has no key
                        self.visit(item)
            elif value is not None:
                self.visit(value)


class Transformer(Visitor):
    """ast.NodeTransformer's shape, quicker: a visit_ method returns the node in its place, or a list of them."""

    def generic_visit(self, node: ast.AST) -> ast.AST:
        """Visit the node's children in order, putting what each visit returns in its place."""
        fields = _BRANCHES.get(type(node))
        for field in node_fields(type(node)) if fields is None else fields:
            value = getattr(node, field, None)
            if type(value) is list:
                spliced = False
                for index, item in enumerate(value):
                    if item is not None:
                        new = self.visit(item)
                        if new is not item:
                            value[index] = new
                            spliced |= type(new) is list
                if spliced:
                    value[:] = [part for new in value for part in (new if type(new) is list else [new])]
            elif value is not None:
                new = self.visit(value)
                if new is not value:
                    setattr(node, field, new)
        return node


@dataclass(frozen=True)
class Note:
    """Something the explorer did for the program: a skipped notebook line, an ignored import."""

    line: int | None
    message: str


def place(source: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of a character offset."""
    return source.count("\n", 0, offset) + 1, offset - source.rfind("\n", 0, offset)


def blank_notebook_lines(source: str) -> tuple[str, list[Note]]:
    """The source with `%magic` and `!shell` lines emptied, and a note for each."""
    lines = source.split("\n")
    notes = []
    for index, line in enumerate(lines):
        if NOTEBOOK_LINE.match(line):
            notes.append(Note(index + 1, f"skipped the notebook line `{line.strip()[:40]}`: it is not Python"))
            lines[index] = ""
    return "\n".join(lines), notes


def cell_starts(source: str) -> list[int]:
    """The first line of each `# %%` cell; a program without markers is one cell from line 1."""
    starts = [index + 1 for index, line in enumerate(source.split("\n")) if CELL_MARKER.match(line)]
    return starts if starts and starts[0] == 1 else [1, *starts]


def is_shorthand(tree: ast.Module, nodes: list[ast.AST]) -> bool:
    """Only assignments and expressions, and no Value or print named: the playground shorthand (nodes: the tree's)."""
    if not all(isinstance(statement, ast.Assign | ast.AugAssign | ast.Expr) for statement in tree.body):
        return False
    return not any(isinstance(node, ast.Name) and node.id in ("Value", "print") for node in nodes)


def syntax_tree(source: str, limits: Limits) -> tuple[ast.Module, list[ast.AST]]:
    """The module's syntax tree and its nodes (check_size), or a ProgramError: too long, bad characters, invalid,
    too deep, empty."""
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
        tree = _parse(source)
    except SyntaxError as error:
        digits = re.search(rf"\d{{{sys.get_int_max_str_digits() + 1},}}", source)
        if digits and "digits" in (error.msg or ""):  # Python refuses such integers before we see them
            raise ProgramError("limit", "this number has too many digits", *place(source, digits.start())) from None
        if error.msg == "too many nested parentheses":
            _raise_syntax("the program is nested too deeply", error.lineno, error.offset, source, "limit")
        _raise_syntax(error.msg or "invalid syntax", error.lineno, error.offset, source)
    except (MemoryError, RecursionError):
        raise ProgramError("limit", "the program is nested too deeply") from None
    except SystemError:
        raise ProgramError("limit", "Python could not build this program's syntax tree; try again") from None
    except ValueError as error:
        raise ProgramError("syntax", str(error)) from None
    if not tree.body:
        raise ProgramError("syntax", "the program is empty: write a statement such as a = 2.0")
    return tree, check_size(tree, limits)


def compile_tree(tree: ast.Module, filename: str) -> CodeType:
    """The tree as code, or the `syntax` error CPython's compiler finds (`return` outside a function, ...)."""
    try:
        return compile(tree, filename, "exec", dont_inherit=True)
    except SyntaxError as error:
        raise ProgramError("syntax", error.msg or "invalid syntax", error.lineno, error.offset) from None
    except (RecursionError, MemoryError):
        raise ProgramError("limit", "the program is nested too deeply to compile") from None


def _parse(source: str) -> ast.Module:
    """ast.parse, one at a time and with the collector paused: CPython 3.11 keeps the depth of the tree
    it is building in one state for all threads (gh-106905), so a parse interleaved with another one,
    or with collector-run code that parses, fails with "AST constructor recursion depth mismatch"."""
    with _PARSE_LOCK:
        collecting = gc.isenabled()
        gc.disable()
        try:
            for attempt in range(PARSE_ATTEMPTS):
                try:
                    return ast.parse(source, mode="exec")
                except SystemError as error:  # the mismatch: the tree was built; the check after it failed
                    if "recursion depth mismatch" not in str(error) or attempt == PARSE_ATTEMPTS - 1:
                        raise
        finally:
            if collecting:
                gc.enable()
    raise AssertionError("unreachable")


def _raise_syntax(message: str, line: int | None, offset: int | None, source: str, kind: str = "syntax") -> NoReturn:
    """Raise the error at its place, brought within the text (CPython may point past a line's end)."""
    lines = source.splitlines() or [""]
    line = min(max(line or 1, 1), len(lines))
    column = min(max(offset or 1, 1), len(lines[line - 1]) + 1)
    raise ProgramError(kind, message, line, column)


def check_size(tree: ast.Module, limits: Limits) -> list[ast.AST]:
    """Refuse too many statements, or one nested deeper than the limit, before anything walks the tree recursively;
    else the tree's nodes but contexts and operators, breadth first as ast.walk gives them."""
    nodes: list[ast.AST] = []
    level: list[ast.AST] = list(tree.body)
    depth = 0
    while level:
        nodes += level
        if depth == limits.max_nesting:
            # the node past the limit that the depth-first walk this replaced met first: the last, breadth first
            deeper = children(level, contexts=True)
            if deeper:
                line, column = getattr(deeper[-1], "lineno", 1), getattr(deeper[-1], "col_offset", 0) + 1
                message = f"this code is nested {limits.max_nesting} levels deep or more; split it into statements"
                raise ProgramError("limit", message, line, column)
            break
        level = children(level)
        depth += 1
    statements = sum(isinstance(node, ast.stmt) for node in nodes)
    if statements > limits.max_statements:
        raise ProgramError(
            "limit", f"the program has {statements:,} statements; the limit is {limits.max_statements:,}"
        )
    return nodes


def method_call_starts(nodes: list[ast.AST]) -> dict[tuple[int, int, int, int], tuple[int, int]]:
    """Where each method call (`(x*x + x).tanh()`) begins, by the span CPython gives its instruction: from the
    method's name to the call's end (lines and UTF-8 offsets). A value's expression is the whole call.
    The nodes are the program's, in ast.walk's order (check_size)."""
    return {
        (
            node.func.end_lineno or node.lineno,
            (node.func.end_col_offset or 0) - len(node.func.attr.encode()),
            node.end_lineno or node.lineno,
            node.end_col_offset or 0,
        ): (node.lineno, node.col_offset)
        for node in nodes
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
    }
