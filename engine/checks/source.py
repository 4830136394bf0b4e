"""Where a program's own value class makes each operation, read from its text (never run on the server).

A `_backward` that deposits nothing leaves no line in the run; this says where the method that makes the
operation is, and whether it sets `out._backward` at all, so that a check can point at it. Only programs
short enough to be parsed on the server (engine/run.py, PRECHECK_CHARS) are read; a longer one gets
checks without these lines.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from engine.program.source import blank_notebook_lines

CLASS_LINE = re.compile(r"\(line (\d+)\)$")
MAX_PARSED_CHARS = 20_000  # engine/run.py's PRECHECK_CHARS: what the server parses anyway


@dataclass(frozen=True)
class Maker:
    """The method of the class that makes an operation: `def tanh` at line 40, its `_backward` if any."""

    method: str
    line: int
    backward_line: int | None  # `def _backward` or `out._backward = lambda ...` in it; None when it sets none
    lambda_none: bool  # it sets `out._backward = lambda: None`


def makers(source: str, value_class: str) -> dict[str, Maker]:
    """The method that makes each `_op` string of the program's class named `value_class` ("Value (line 8)")."""
    match = CLASS_LINE.search(value_class)
    if match is None or len(source) > MAX_PARSED_CHARS:
        return {}
    try:
        tree = ast.parse(blank_notebook_lines(source)[0])
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return {}
    line = int(match.group(1))
    classes = [node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)]
    found = [c for c in classes if c.lineno == line or any(d.lineno == line for d in c.decorator_list)]
    if not found:
        return {}
    result: dict[str, Maker] = {}
    for method in found[0].body:
        if not isinstance(method, ast.FunctionDef):
            continue
        for op in _ops_made(method):
            result.setdefault(op, _maker(method))
    return result


def _ops_made(method: ast.FunctionDef) -> list[str]:
    """The `_op` strings the method passes to a constructor: `'+'`, and `'**'` for f'**{other}'."""
    ops = []
    for call in ast.walk(method):
        if not isinstance(call, ast.Call):
            continue
        for argument in [
            *call.args[2:3],
            *(keyword.value for keyword in call.keywords if keyword.arg in ("_op", "op")),
        ]:
            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                ops.append(argument.value)
            elif isinstance(argument, ast.JoinedStr) and argument.values:
                head = argument.values[0]
                if isinstance(head, ast.Constant) and isinstance(head.value, str):
                    ops.append(head.value)
    return ops


def _maker(method: ast.FunctionDef) -> Maker:
    backward_line: int | None = None
    lambda_none = False
    for node in ast.walk(method):
        if isinstance(node, ast.FunctionDef) and node.name == "_backward" and backward_line is None:
            backward_line = node.lineno
        if isinstance(node, ast.Assign) and any(
            isinstance(target, ast.Attribute) and target.attr == "_backward" for target in node.targets
        ):
            if isinstance(node.value, ast.Lambda):
                backward_line = node.lineno
                body = node.value.body
                lambda_none = isinstance(body, ast.Constant) and body.value is None
            elif backward_line is None:
                backward_line = node.lineno
    return Maker(method.name, method.lineno, backward_line, lambda_none)


def maker_of(found: dict[str, Maker], op: str) -> Maker | None:
    """The maker of `op`: `**2` is made by the method whose f-string starts `**`."""
    if op in found:
        return found[op]
    if op.startswith("**"):
        return found.get("**")
    return None


def line_text(lines: list[str], line: int | None) -> str:
    """A program line as the student wrote it, without its indentation or comment, for a message."""
    if line is None or not 0 < line <= len(lines):
        return ""
    text = lines[line - 1].strip()
    code = text.split("  #")[0].split("\t#")[0].rstrip()
    return code if len(code) <= 60 else code[:57] + "..."
