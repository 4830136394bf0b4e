"""Expressions compiled to closures: one handler per AST node type, resolved once before the run.

Each handler turns a node into a function of the running frame. Anything without a handler is
`unsupported`. An operation records its place in `runtime.where` just before it runs, so the
values it makes and the errors it raises carry the line and column of the user's text.
"""

from __future__ import annotations

import ast
import builtins as python_builtins
import operator
from collections.abc import Callable, Iterator
from typing import Any

from engine.errors import ProgramError
from engine.language.attributes import get_attribute
from engine.language.calls import CAUGHT, AttributeRefused, call_function, python_error, type_name
from engine.language.objects import Frame
from engine.language.operators import (
    BINARY,
    COMPARE,
    CONTAINERS,
    check_binary,
    check_deep,
    check_number,
    contains,
    format_value,
)
from engine.language.runtime import Runtime
from engine.language.scopes import CLASS, COMPREHENSION, MODULE, Scope, comprehension_names
from engine.value import Value

Expr = Callable[[Frame], Any]
Store = Callable[[Frame, Any], None]
Place = tuple[int, int] | None
PYTHON_BUILTINS = frozenset(dir(python_builtins))
FAST = (float, Value)  # operands whose operations cannot grow past a limit
SUBSCRIPTABLE = (list, tuple, str, dict, range)
UNSUPPORTED = {
    ast.Lambda: "lambda is not part of the language; define a function with def",
    ast.Set: "sets are not part of the language; use a list",
    ast.SetComp: "set comprehensions are not part of the language; use a list comprehension",
    ast.DictComp: "dict comprehensions are not part of the language; build the dict in a loop",
    ast.NamedExpr: "the := operator is not part of the language",
    ast.Yield: "generators of your own (yield) are not part of the language",
    ast.YieldFrom: "generators of your own (yield) are not part of the language",
    ast.Await: "await is not part of the language",
}


class ExpressionCompiler:
    """Compiles expressions of one text (the user's, or a library's) for one run."""

    def __init__(self, runtime: Runtime, source: str, library: bool) -> None:
        self.runtime = runtime
        self.lines = source.splitlines()
        self.library = library  # a library's code reports its errors at the user's line that called it
        self.scope = Scope(MODULE, None)
        self.builtins: dict[str, Any] = {}
        self.expressions: dict[type[ast.AST], Callable[[Any], Expr]] = {
            ast.Constant: self.constant, ast.Name: self.name, ast.BinOp: self.binary, ast.UnaryOp: self.unary,
            ast.BoolOp: self.boolean, ast.Compare: self.compare, ast.IfExp: self.conditional, ast.Call: self.call,
            ast.Attribute: self.attribute, ast.Subscript: self.subscript, ast.Slice: self.slice,
            ast.List: self.list_display, ast.Tuple: self.tuple_display, ast.Dict: self.dict_display,
            ast.ListComp: self.list_comprehension, ast.GeneratorExp: self.generator, ast.JoinedStr: self.fstring,
            ast.FormattedValue: self.formatted,
        }  # fmt: skip

    # -- places and errors

    def place(self, node: ast.AST) -> Place:
        """The 1-based line and character column of a node, or None in a library's code."""
        if self.library:
            return None
        line = getattr(node, "lineno", 1)
        offset = getattr(node, "col_offset", 0)
        if 0 < line <= len(self.lines):
            return line, len(self.lines[line - 1].encode("utf-8")[:offset].decode("utf-8", "replace")) + 1
        return line, offset + 1

    def fail(self, kind: str, message: str, node: ast.AST) -> ProgramError:
        """An error at a node."""
        where = self.place(node)
        return self.runtime.error(kind, message, *(where or (None, None)))

    def expr(self, node: ast.expr) -> Expr:
        """The closure of an expression."""
        handler = self.expressions.get(type(node))
        if handler is None:
            raise self.fail("unsupported", UNSUPPORTED.get(type(node), f"{type(node).__name__} is not supported"), node)
        return handler(node)

    def guarded(self, node: ast.AST, run: Callable[[Frame], Any]) -> Expr:
        """`run` with Python's exceptions turned into errors at the node's place."""
        runtime, where = self.runtime, self.place(node)
        line, column = where or (None, None)

        def guard(frame: Frame) -> Any:
            try:
                return run(frame)
            except CAUGHT as error:
                raise python_error(runtime, error, line, column) from None

        return guard

    # -- names and constants

    def constant(self, node: ast.Constant) -> Expr:
        value = node.value
        if isinstance(value, bytes | complex) or value is Ellipsis:
            raise self.fail("unsupported", f"{type(value).__name__} literals are not part of the language", node)
        if isinstance(value, str) and len(value) > self.runtime.limits.max_sequence:
            raise self.fail("limit", "this string is too long", node)
        return lambda frame: value

    def name(self, node: ast.Name) -> Expr:
        name = node.id
        if name.startswith("__") and name.endswith("__") and name != "__name__":
            raise self.fail("unsupported", f"{name} is not part of the language", node)
        kind, depth = self.scope.resolve(name)
        missing = self.undefined(node)
        if kind == "local":

            def load_local(frame: Frame) -> Any:
                try:
                    return frame.vars[name]
                except KeyError:
                    raise missing(f"local variable '{name}' is used before it is assigned") from None

            return load_local
        load_global = self.global_loader(name, missing)
        if kind == "global":
            return load_global
        if kind == "class" and depth < 0:
            return lambda frame: frame.vars[name] if name in frame.vars else load_global(frame)

        def load_free(frame: Frame) -> Any:
            if kind == "class" and name in frame.vars:
                return frame.vars[name]
            scope: Frame | None = frame
            for _ in range(depth):
                scope = scope.outer if scope is not None else None
            if scope is not None and name in scope.vars:
                return scope.vars[name]
            return load_global(frame)

        return load_free

    def global_loader(self, name: str, missing: Callable[..., ProgramError]) -> Expr:
        """A module-level name, then a built-in; a Python built-in outside the language is unsupported."""
        builtins = self.builtins

        def load_global(frame: Frame) -> Any:
            try:
                return frame.globals[name]
            except KeyError:
                pass
            try:
                return builtins[name]
            except KeyError:
                pass
            if name in PYTHON_BUILTINS:
                raise missing(f"the built-in {name} is not part of the language", "unsupported")
            raise missing(f"name '{name}' is not defined")

        return load_global

    def undefined(self, node: ast.AST) -> Callable[..., ProgramError]:
        """A maker of the error for a name that is not there."""
        return lambda message, kind="name": self.fail(kind, message, node)

    # -- operators

    def binary(self, node: ast.BinOp) -> Expr:
        entry = BINARY.get(type(node.op))
        if entry is None:
            symbols = {ast.MatMult: "@", ast.LShift: "<<", ast.RShift: ">>", ast.BitAnd: "&", ast.BitOr: "|"}
            what = symbols.get(type(node.op), "^")
            raise self.fail("unsupported", f"the operator {what} is not part of the language", node)
        symbol, apply = entry
        left, right, runtime = self.expr(node.left), self.expr(node.right), self.runtime
        where = self.place(node)
        line, column = where or (None, None)

        def run(frame: Frame) -> Any:
            a, b = left(frame), right(frame)
            if where is not None:
                runtime.where = where
            try:
                if type(a) in FAST and type(b) in FAST:
                    return apply(a, b)
                check_binary(runtime, symbol, a, b)
                return check_number(runtime, apply(a, b))
            except TypeError as error:
                message = f"unsupported operand type(s) for {symbol}: '{type_name(a)}' and '{type_name(b)}'"
                if "unsupported operand" in str(error):  # Python's names our own classes, not the program's
                    error = TypeError(message)
                raise python_error(runtime, error, line, column) from None
            except CAUGHT as error:
                raise python_error(runtime, error, line, column) from None

        return run

    def unary(self, node: ast.UnaryOp) -> Expr:
        operand = self.expr(node.operand)
        if isinstance(node.op, ast.Not):
            return lambda frame: not operand(frame)
        if isinstance(node.op, ast.Invert):
            raise self.fail("unsupported", "the operator ~ is not part of the language", node)
        apply = operator.neg if isinstance(node.op, ast.USub) else operator.pos
        runtime, where = self.runtime, self.place(node)

        def run(frame: Frame) -> Any:
            value = operand(frame)
            if where is not None:
                runtime.where = where
            return apply(value)

        return self.guarded(node, run)

    def boolean(self, node: ast.BoolOp) -> Expr:
        values = [self.expr(value) for value in node.values]
        if isinstance(node.op, ast.And):

            def all_of(frame: Frame) -> Any:
                result = None
                for value in values:
                    result = value(frame)
                    if not result:
                        return result
                return result

            return all_of

        def any_of(frame: Frame) -> Any:
            result = None
            for value in values:
                result = value(frame)
                if result:
                    return result
            return result

        return any_of

    def compare(self, node: ast.Compare) -> Expr:
        runtime = self.runtime
        left = self.expr(node.left)
        tests: list[tuple[Callable[[Any, Any], Any], Expr]] = []
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            if isinstance(op, ast.In):
                test: Callable[[Any, Any], Any] = lambda a, b: contains(runtime, a, b)  # noqa: E731
            elif isinstance(op, ast.NotIn):
                test = lambda a, b: not contains(runtime, a, b)  # noqa: E731
            else:
                test = self.deep_compare(COMPARE[type(op)])
            tests.append((test, self.expr(comparator)))

        def run(frame: Frame) -> Any:
            a = left(frame)
            result: Any = True
            for test, right in tests:
                b = right(frame)
                result = test(a, b)
                if not result:
                    return result
                a = b
            return result

        return self.guarded(node, run)

    def deep_compare(self, compare: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
        """A comparison that first bounds the walk Python makes of two containers."""
        runtime = self.runtime

        def test(a: Any, b: Any) -> Any:
            if (
                isinstance(a, CONTAINERS)
                and isinstance(b, CONTAINERS)
                and compare not in (operator.is_, operator.is_not)
            ):
                check_deep(runtime, a)
                check_deep(runtime, b)
            return compare(a, b)

        return test

    def conditional(self, node: ast.IfExp) -> Expr:
        test, body, orelse = self.expr(node.test), self.expr(node.body), self.expr(node.orelse)
        return lambda frame: body(frame) if test(frame) else orelse(frame)

    # -- calls, attributes and items

    def call(self, node: ast.Call) -> Expr:
        runtime, where = self.runtime, self.place(node)
        function = self.expr(node.func)
        arguments = self.arguments(node.args)
        keywords = [(keyword.arg, self.expr(keyword.value)) for keyword in node.keywords]

        def run(frame: Frame) -> Any:
            callee = function(frame)
            args = arguments(frame)
            kwargs: dict[str, Any] = {}
            for key, value in keywords:
                if key is None:
                    mapping = value(frame)
                    if not isinstance(mapping, dict):
                        raise TypeError(f"argument after ** must be a mapping, not {type_name(mapping)}")
                    kwargs.update(mapping)
                else:
                    kwargs[key] = value(frame)
            if where is not None:
                runtime.where = where
            return call_function(runtime, callee, args, kwargs)

        return self.guarded(node, run)

    def arguments(self, nodes: list[ast.expr]) -> Callable[[Frame], list[Any]]:
        """Positional arguments or list items, `*iterable` spread in, charged."""
        runtime = self.runtime
        parts = [
            (
                isinstance(node, ast.Starred),
                self.place(node),
                self.expr(node.value if isinstance(node, ast.Starred) else node),
            )
            for node in nodes
        ]
        if not any(starred for starred, _, _ in parts):
            values = [part for _, _, part in parts]
            return lambda frame: [value(frame) for value in values]

        def spread(frame: Frame) -> list[Any]:
            result: list[Any] = []
            for starred, where, part in parts:
                if starred:
                    items = part(frame)
                    if where is not None:
                        runtime.where = where
                    result.extend(runtime.materialise(items))
                    runtime.check_length(len(result))
                else:
                    result.append(part(frame))
            return result

        return spread

    def attribute(self, node: ast.Attribute) -> Expr:
        self.check_attribute_name(node)
        target, name, runtime = self.expr(node.value), node.attr, self.runtime

        def run(frame: Frame) -> Any:
            try:
                return get_attribute(runtime, target(frame), name)
            except AttributeRefused as error:
                raise self.fail(error.kind, error.message, node) from None

        return run

    def check_attribute_name(self, node: ast.Attribute) -> None:
        """Names such as __class__ and __dict__ lead out of the language: refused before the run."""
        if node.attr.startswith("__") and node.attr.endswith("__"):
            raise self.fail("unsupported", f"the attribute {node.attr} is not part of the language", node)

    def subscript(self, node: ast.Subscript) -> Expr:
        target, index, runtime = self.expr(node.value), self.expr(node.slice), self.runtime

        def run(frame: Frame) -> Any:
            container, key = target(frame), index(frame)
            check_deep(runtime, key)
            if not isinstance(container, SUBSCRIPTABLE):
                raise TypeError(f"'{type_name(container)}' object is not subscriptable")
            item = container[key]
            if isinstance(key, slice) and isinstance(item, list | tuple | str):
                runtime.allocate(len(item))
            return item

        return self.guarded(node, run)

    def slice(self, node: ast.Slice) -> Expr:
        parts = [None if part is None else self.expr(part) for part in (node.lower, node.upper, node.step)]
        return lambda frame: slice(*(None if part is None else part(frame) for part in parts))

    # -- displays and comprehensions

    def list_display(self, node: ast.List) -> Expr:
        items, runtime = self.arguments(node.elts), self.runtime

        def make(frame: Frame) -> list[Any]:
            result = items(frame)
            runtime.allocate(len(result))
            return result

        return make

    def tuple_display(self, node: ast.Tuple) -> Expr:
        items = self.list_display(ast.List(node.elts))
        return lambda frame: tuple(items(frame))

    def dict_display(self, node: ast.Dict) -> Expr:
        runtime = self.runtime
        pairs = [
            (None if key is None else self.expr(key), self.expr(value))
            for key, value in zip(node.keys, node.values, strict=True)
        ]

        def run(frame: Frame) -> dict[Any, Any]:
            result: dict[Any, Any] = {}
            for key, value in pairs:
                if key is None:
                    mapping = value(frame)
                    if not isinstance(mapping, dict):
                        raise TypeError(f"'{type_name(mapping)}' object is not a mapping")
                    result.update(mapping)
                else:
                    item = key(frame)
                    check_deep(runtime, item)
                    result[item] = value(frame)
            runtime.allocate(len(result))
            return result

        return self.guarded(node, run)

    def comprehension(
        self, node: ast.ListComp | ast.GeneratorExp
    ) -> tuple[Expr, Callable[[Frame, Any], Iterator[Any]]]:
        """The first iterable (evaluated where the comprehension is) and the loop (in a scope of its own)."""
        runtime, where = self.runtime, self.place(node)
        first = self.expr(node.generators[0].iter)
        outer_kind = self.scope.kind
        self.scope = Scope(COMPREHENSION, self.scope, comprehension_names(node.generators), self.scope.qualname)
        try:
            levels = [
                (self.store(generator.target), [self.expr(test) for test in generator.ifs], self.expr(generator.iter))
                for generator in node.generators
            ]
            if any(generator.is_async for generator in node.generators):
                raise self.fail("unsupported", "async comprehensions are not part of the language", node)
            element = self.expr(node.elt)
        finally:
            assert self.scope.parent is not None
            self.scope = self.scope.parent

        def loop(frame: Frame, level: int, iterable: Any) -> Iterator[Any]:
            store, tests, _ = levels[level]
            deeper = level + 1 < len(levels)
            for item in iterable:
                runtime.steps += 1
                if runtime.steps >= runtime.check_at:
                    if where is not None:  # a limit met here is the comprehension's
                        runtime.where = where
                    runtime.check()
                store(frame, item)
                if not tests or all(test(frame) for test in tests):
                    if deeper:
                        yield from loop(frame, level + 1, iter(levels[level + 1][2](frame)))
                    else:
                        yield element(frame)

        def start(frame: Frame, iterable: Any) -> Iterator[Any]:
            outer = None if outer_kind == MODULE else frame.outer if outer_kind == CLASS else frame
            return loop(Frame({}, outer, frame.globals), 0, iterable)

        return first, start

    def list_comprehension(self, node: ast.ListComp) -> Expr:
        first, start = self.comprehension(node)
        runtime = self.runtime

        def run(frame: Frame) -> list[Any]:
            result = []
            for item in start(frame, iter(first(frame))):
                result.append(item)
                if len(result) > runtime.limits.max_sequence:
                    raise self.fail(
                        "limit", f"this list would hold more than {runtime.limits.max_sequence:,} items", node
                    )
                runtime.allocate(1)
            return result

        return self.guarded(node, run)

    def generator(self, node: ast.GeneratorExp) -> Expr:
        first, start = self.comprehension(node)
        return self.guarded(node, lambda frame: start(frame, iter(first(frame))))

    def fstring(self, node: ast.JoinedStr) -> Expr:
        pieces, runtime, where = [self.expr(value) for value in node.values], self.runtime, self.place(node)

        def run(frame: Frame) -> str:
            text = "".join(piece(frame) for piece in pieces)
            if where is not None:
                runtime.where = where
            runtime.allocate(len(text))
            return text

        return self.guarded(node, run)

    def formatted(self, node: ast.FormattedValue) -> Expr:
        value, runtime = self.expr(node.value), self.runtime
        spec = None if node.format_spec is None else self.expr(node.format_spec)
        convert = {-1: None, ord("s"): str, ord("r"): repr, ord("a"): ascii}[node.conversion]

        def run(frame: Frame) -> str:
            result = value(frame)
            if convert is not None:
                check_deep(runtime, result)
                result = convert(result)
            return format_value(runtime, result, "" if spec is None else spec(frame))

        return self.guarded(node, run)

    # -- assignment targets

    def store(self, target: ast.expr) -> Store:
        """The closure that assigns a value to a target: a name, an attribute, an item, or a tuple of them."""
        raise NotImplementedError  # the statement compiler knows the scopes' rules for names
