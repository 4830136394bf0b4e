"""The explorer language: a small subset of Python, parsed with `ast` and never executed.

Statements and expressions go through allow-list tables from AST node type to handler;
anything not in a table is `unsupported`. Every error carries its line and column.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from engine.errors import ProgramError
from engine.limits import DEFAULT_LIMITS, Limits
from engine.syntax import OPERATOR_SYMBOLS, STATEMENT_NAMES, check_nesting, describe_unsupported, syntax_tree
from engine.value import MathError, Value

FUNCTIONS: dict[str, Callable[[Value], Value]] = {
    "tanh": Value.tanh,
    "exp": Value.exp,
    "log": Value.log,
    "relu": Value.relu,
    "sigmoid": Value.sigmoid,
}
OUTPUT_MARKERS = ("backward", "draw_dot")
RESERVED = frozenset({"Value", "draw_dot", "backward", "label", *FUNCTIONS})
BINARY_OPERATORS: dict[type[ast.operator], Callable[[Value, Value], Value]] = {
    ast.Add: Value.__add__,
    ast.Sub: Value.__sub__,
    ast.Mult: Value.__mul__,
    ast.Div: Value.__truediv__,
}
FUNCTION_LIST = "Value, " + ", ".join(FUNCTIONS) + " and draw_dot"


@dataclass
class Program:
    """A parsed and evaluated program: its values, its output and what each name was bound to."""

    nodes: list[Value]  # every value made, in creation order, which is a topological order
    output: Value
    bindings: dict[str, list[Value]] = field(default_factory=dict)


def parse_program(source: str, limits: Limits = DEFAULT_LIMITS) -> Program:
    """Parse and evaluate a program, or raise ProgramError saying what is wrong and where."""
    try:
        return _Evaluator(source, limits).run()
    except ProgramError as error:
        raise error.with_source(source) from None


class _Evaluator:
    """Walks the syntax tree statement by statement, building values as it goes."""

    def __init__(self, source: str, limits: Limits) -> None:
        self.source = source
        self.lines = source.splitlines()
        self.limits = limits
        self.nodes: list[Value] = []
        self.env: dict[str, Value] = {}
        self.bindings: dict[str, list[Value]] = {}
        self.marked: Value | None = None
        self.statements: dict[type[ast.AST], Callable[[Any], Value | None]] = {
            ast.Assign: self._assign,
            ast.AugAssign: self._augmented_assign,
            ast.Expr: self._expression_statement,
        }
        self.expressions: dict[type[ast.AST], Callable[[Any], Value]] = {
            ast.Constant: self._constant,
            ast.Name: self._name,
            ast.BinOp: self._binary,
            ast.UnaryOp: self._unary,
            ast.Call: self._call,
        }

    def run(self) -> Program:
        tree = syntax_tree(self.source, self.limits)
        last: Value | None = None
        for statement in tree.body:
            check_nesting(statement, self.limits)
            handler = self.statements.get(type(statement))
            if handler is None:
                what = STATEMENT_NAMES.get(type(statement), type(statement).__name__ + " statements")
                raise self._error("unsupported", f"{what} are not part of the language", statement)
            last = handler(statement)
        output = self.marked or last
        if output is None:
            raise ProgramError("syntax", "the program computes no value")
        return Program(self.nodes, output, self.bindings)

    # -- places and errors

    def _column(self, line: int, byte_offset: int) -> int:
        """1-based character column of an AST byte offset."""
        if 0 < line <= len(self.lines):
            return len(self.lines[line - 1].encode("utf-8")[:byte_offset].decode("utf-8", "replace")) + 1
        return byte_offset + 1

    def _error(self, kind: str, message: str, node: ast.AST) -> ProgramError:
        line = getattr(node, "lineno", 1)
        return ProgramError(kind, message, line, self._column(line, getattr(node, "col_offset", 0)))

    def _made(self, make: Callable[[], Value], where: ast.AST) -> Value:
        """Run one operation, turning math faults into errors at `where`, and record new values."""
        try:
            result = make()
        except MathError as error:
            raise self._error("math", error.message, where) from None
        except ArithmeticError:
            raise self._error("math", "the result is too large for a float (overflow)", where) from None
        line = getattr(where, "lineno", 1)
        column = self._column(line, getattr(where, "col_offset", 0))
        for node in _unrecorded(result):
            if len(self.nodes) >= self.limits.max_nodes:
                raise self._error("limit", f"the program makes more than {self.limits.max_nodes:,} values", where)
            node.id, node.line, node.column = f"n{len(self.nodes)}", line, column
            self.nodes.append(node)
        return result

    # -- statements

    def _bind(self, name: str, value: Value, target: ast.AST) -> None:
        if name in RESERVED:
            raise self._error("unsupported", f"{name} is a name of the language and cannot be assigned", target)
        if value.name is None:
            value.name = name
            value.label = value.label or name
        self.env[name] = value
        self.bindings.setdefault(name, []).append(value)

    def _assign(self, statement: ast.Assign) -> Value:
        if len(statement.targets) != 1:
            raise self._error("unsupported", "assign one name at a time (a = 1.0, then b = a)", statement)
        target = statement.targets[0]
        if isinstance(target, ast.Attribute):
            return self._set_label(target, statement.value)
        if not isinstance(target, ast.Name):
            raise self._error("unsupported", "only a name can be assigned to (a = 2.0)", target)
        value = self._eval(statement.value)
        self._bind(target.id, value, target)
        return value

    def _set_label(self, target: ast.Attribute, text: ast.expr) -> Value:
        if target.attr != "label":
            raise self._error(
                "unsupported",
                f"only .label can be set; .{target.attr} is computed (use Run and Nudge to change data)",
                target,
            )
        value = self._eval(target.value)
        value.label = self._label_text(text)
        return value

    def _label_text(self, node: ast.expr) -> str:
        if not (isinstance(node, ast.Constant) and isinstance(node.value, str)):
            raise self._error("unsupported", "a label must be a string such as 'a'", node)
        if len(node.value) > self.limits.max_label_chars:
            raise self._error("limit", f"a label may have at most {self.limits.max_label_chars} characters", node)
        return node.value

    def _augmented_assign(self, statement: ast.AugAssign) -> Value:
        if not isinstance(statement.target, ast.Name):
            raise self._error("unsupported", "only a name can be updated (c += 1.0)", statement.target)
        apply = BINARY_OPERATORS.get(type(statement.op))
        if apply is None:
            raise self._unsupported_operator(statement.op, statement)
        current = self._name(ast.Name(statement.target.id, lineno=statement.lineno, col_offset=statement.col_offset))
        operand = self._eval(statement.value)
        value = self._made(lambda: apply(current, operand), statement)
        self._bind(statement.target.id, value, statement.target)
        return value

    def _expression_statement(self, statement: ast.Expr) -> Value:
        call = statement.value
        if isinstance(call, ast.Call) and _called_name(call) in OUTPUT_MARKERS:
            self.marked = self._output_marker(call)
            return self.marked
        return self._eval(call)

    def _output_marker(self, call: ast.Call) -> Value:
        if isinstance(call.func, ast.Attribute):  # L.backward()
            if call.args or call.keywords:
                raise self._error("unsupported", ".backward() takes no arguments", call)
            return self._eval(call.func.value)
        if len(call.args) != 1 or call.keywords:  # draw_dot(L)
            raise self._error("unsupported", "draw_dot takes one value: draw_dot(L)", call)
        return self._eval(call.args[0])

    # -- expressions

    def _eval(self, node: ast.expr) -> Value:
        handler = self.expressions.get(type(node))
        if handler is None:
            raise self._error("unsupported", describe_unsupported(node), node)
        return handler(node)

    def _constant(self, node: ast.Constant) -> Value:
        number = self._number(node)
        return self._made(lambda: Value(number), node)

    def _number(self, node: ast.expr) -> float:
        """The value of a number literal, sign included; anything else is an error."""
        sign = 1.0
        while isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
            sign = -sign if isinstance(node.op, ast.USub) else sign
            node = node.operand
        if not isinstance(node, ast.Constant):
            raise self._error("unsupported", "a number such as 2 or -0.5 is needed here", node)
        value = node.value
        if isinstance(value, str):
            raise self._error("unsupported", "strings are only allowed as labels: Value(2.0, label='a')", node)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise self._error("unsupported", f"{value!r} is not a number", node)
        try:
            number = sign * float(value)
        except OverflowError:
            raise self._error("math", "this number is too large for a float", node) from None
        if number != number or number in (float("inf"), float("-inf")):
            raise self._error("math", "this number is too large for a float", node)
        return number

    def _name(self, node: ast.Name) -> Value:
        if node.id in self.env:
            return self.env[node.id]
        if node.id in RESERVED:
            raise self._error("unsupported", f"{node.id} must be called, as in {node.id}(...)", node)
        raise self._error("name", f"name '{node.id}' is not defined; assign it first (e.g. {node.id} = 1.0)", node)

    def _binary(self, node: ast.BinOp) -> Value:
        if isinstance(node.op, ast.Pow):
            base = self._eval(node.left)
            exponent = self._exponent(node.right)
            return self._made(lambda: base**exponent, node)
        apply = BINARY_OPERATORS.get(type(node.op))
        if apply is None:
            raise self._unsupported_operator(node.op, node)
        if isinstance(node.op, ast.Sub | ast.Div) and _is_number(node.right):
            return self._fold_right_number(node)
        left = self._eval(node.left)
        right = self._eval(node.right)
        return self._made(lambda: apply(left, right), node)

    def _fold_right_number(self, node: ast.BinOp) -> Value:
        """`x - 1.0` and `x / 2.0` as micrograd does them: the number is negated or inverted as a float."""
        left = self._eval(node.left)
        k = self._number(node.right)
        if isinstance(node.op, ast.Sub):
            folded = self._made(lambda: Value(-k), node.right)
            return self._made(lambda: left + folded, node)
        if k == 0.0:
            raise self._error("math", "division by zero", node.right)
        folded = self._made(lambda: Value(k**-1), node.right)
        return self._made(lambda: left * folded, node)

    def _exponent(self, node: ast.expr) -> float:
        try:
            return self._number(node)
        except ProgramError as error:
            if error.kind != "unsupported":
                raise
            raise self._error("unsupported", "the exponent must be a number, as in x**2 or x**-1", node) from None

    def _unary(self, node: ast.UnaryOp) -> Value:
        if isinstance(node.operand, ast.Constant) and isinstance(node.op, ast.USub | ast.UAdd):
            return self._constant(node)  # type: ignore[arg-type]
        if isinstance(node.op, ast.UAdd):
            return self._eval(node.operand)
        if isinstance(node.op, ast.USub):
            operand = self._eval(node.operand)
            return self._made(lambda: -operand, node)
        raise self._error("unsupported", "only the unary operators - and + are part of the language", node)

    def _call(self, node: ast.Call) -> Value:
        name = _called_name(node)
        if isinstance(node.func, ast.Name) and name == "Value":
            return self._new_value(node)
        if name in OUTPUT_MARKERS:
            raise self._error("unsupported", f"{name} marks the output; write it as a statement of its own", node)
        function = FUNCTIONS.get(name or "")
        if function is None:
            raise self._error("unsupported", f"{name or 'this'} is not a function here; use {FUNCTION_LIST}", node)
        if node.keywords:
            raise self._error("unsupported", f"{name} takes no keyword arguments", node.keywords[0])
        if isinstance(node.func, ast.Attribute):  # n.tanh()
            if node.args:
                raise self._error("unsupported", f".{name}() takes no arguments", node)
            operand = self._eval(node.func.value)
        else:  # tanh(n)
            if len(node.args) != 1:
                raise self._error("unsupported", f"{name} takes one value: {name}(x)", node)
            operand = self._eval(node.args[0])
        return self._made(lambda: function(operand), node)

    def _new_value(self, node: ast.Call) -> Value:
        if len(node.args) != 1:
            raise self._error("unsupported", "Value takes one number: Value(2.0) or Value(2.0, label='a')", node)
        label = ""
        for keyword in node.keywords:
            if keyword.arg != "label":
                raise self._error("unsupported", "Value accepts only label= as a keyword", keyword)
            label = self._label_text(keyword.value)
        number = self._number(node.args[0])
        value = self._made(lambda: Value(number), node)
        value.label = label
        return value

    def _unsupported_operator(self, op: ast.operator, where: ast.AST) -> ProgramError:
        symbol = OPERATOR_SYMBOLS.get(type(op), type(op).__name__)
        return self._error("unsupported", f"the operator {symbol} is not part of the language (use + - * / **)", where)


def _is_number(node: ast.expr) -> bool:
    while isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        node = node.operand
    return isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool)


def _called_name(call: ast.Call) -> str | None:
    if isinstance(call.func, ast.Name):
        return call.func.id
    if isinstance(call.func, ast.Attribute):
        return call.func.attr
    return None


def _unrecorded(result: Value) -> list[Value]:
    """The values an operation just made (those with no id yet), operands before results."""
    order: list[Value] = []
    seen: set[int] = set()
    stack: list[tuple[Value, bool]] = [(result, False)]
    while stack:
        node, expanded = stack.pop()
        if expanded:
            order.append(node)
        elif node.id is None and id(node) not in seen:
            seen.add(id(node))
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node._prev))
    return order
