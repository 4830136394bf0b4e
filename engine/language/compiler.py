"""Statements compiled to closures, with functions, classes and imports; expressions are in expressions.py.

A compiled statement returns None to go on, or BREAK, CONTINUE or RETURN. A block charges one
step per statement and records the statement's place, so every value and error has one.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from typing import Any

from engine.language.attributes import get_attribute, set_attribute
from engine.language.calls import CAUGHT, AttributeRefused, python_error, type_name
from engine.language.expressions import Expr, ExpressionCompiler, Store
from engine.language.objects import BREAK, CONTINUE, RETURN, Class, Frame, Function, Instance, Signal, Signature
from engine.language.operators import BINARY, check_binary, check_deep, check_number
from engine.language.scopes import CLASS, FUNCTION, MODULE, Scope, assigned_names
from engine.value import Value

Statement = Callable[[Frame], Signal]
ALLOWED_DUNDERS = ("__init__", "__call__", "__repr__")
UNSUPPORTED_STATEMENTS = {
    ast.Try: "try",
    ast.With: "with",
    ast.Global: "global",
    ast.Nonlocal: "nonlocal",
    ast.Raise: "raise",
    ast.AnnAssign: "annotated assignment",
    ast.AsyncFunctionDef: "async",
    ast.AsyncFor: "async",
    ast.AsyncWith: "async",
    ast.Match: "match",
}


class Compiler(ExpressionCompiler):
    """Compiles one text for one run; `imports` resolves `import` statements."""

    def __init__(self, runtime: Any, source: str, library: bool, imports: Any, shorthand: bool = False) -> None:
        super().__init__(runtime, source, library)
        self.imports = imports
        self.shorthand = shorthand  # module-level `a = 2.0` makes a leaf Value named a
        self.loops = 0
        self.statements: dict[type[ast.AST], Callable[[Any], Statement]] = {
            ast.Expr: self.expression_statement,
            ast.Assign: self.assign,
            ast.AugAssign: self.augmented_assign,
            ast.If: self.if_statement,
            ast.For: self.for_statement,
            ast.While: self.while_statement,
            ast.Break: self.break_statement,
            ast.Continue: self.continue_statement,
            ast.Pass: self.pass_statement,
            ast.Return: self.return_statement,
            ast.FunctionDef: self.function_definition,
            ast.ClassDef: self.class_definition,
            ast.Delete: self.delete,
            ast.Assert: self.assert_statement,
            ast.Import: self.import_statement,
            ast.ImportFrom: self.import_statement,
        }

    def block(self, statements: list[ast.stmt]) -> Statement:
        """A list of statements run in order, each charged and placed."""
        compiled = [(self.place(statement), self.statement(statement)) for statement in statements]
        runtime = self.runtime

        def run(frame: Frame) -> Signal:
            where = None
            try:
                for where, statement in compiled:
                    if where is not None:
                        runtime.where = where
                    runtime.steps += 1
                    if runtime.steps >= runtime.check_at:
                        runtime.check()
                    signal = statement(frame)
                    if signal is not None:
                        return signal
            except CAUGHT as error:
                raise python_error(runtime, error, *(where or (None, None))) from None
            return None

        return run

    def statement(self, node: ast.stmt) -> Statement:
        """The closure of a statement."""
        handler = self.statements.get(type(node))
        if handler is None:
            what = UNSUPPORTED_STATEMENTS.get(type(node), type(node).__name__)
            raise self.fail("unsupported", f"{what} statements are not part of the language", node)
        return handler(node)

    # -- simple statements

    def expression_statement(self, node: ast.Expr) -> Statement:
        value, runtime = self.expr(node.value), self.runtime
        if self.scope.kind != MODULE or self.library:

            def run(frame: Frame) -> Signal:
                value(frame)
                return None

            return run

        def run_at_top(frame: Frame) -> Signal:
            result = value(frame)
            runtime.last_expression = result
            if isinstance(result, Value):
                runtime.last_value = result
            return None

        return run_at_top

    def assign(self, node: ast.Assign) -> Statement:
        value = self.expr(node.value)
        names_only = all(isinstance(target, ast.Name) for target in node.targets)
        if self.shorthand and self.scope.kind == MODULE and names_only and is_number_literal(node.value):
            value = self.leaf(node.value, value)
        stores = [self.store(target, labels=True) for target in node.targets]
        if len(stores) == 1:
            store = stores[0]
            return lambda frame: store(frame, value(frame))

        def run(frame: Frame) -> Signal:
            result = value(frame)
            for store in stores:
                store(frame, result)
            return None

        return run

    def leaf(self, node: ast.expr, number: Expr) -> Expr:
        """The playground shorthand's leaf: `a = 2.0` makes Value(2.0)."""
        runtime, where = self.runtime, self.place(node)

        def make(frame: Frame) -> Value:
            data = number(frame)
            if where is not None:
                runtime.where = where
            return Value(data)

        return self.guarded(node, make)

    def augmented_assign(self, node: ast.AugAssign) -> Statement:
        symbol, apply = BINARY.get(type(node.op), ("", operator.add))
        if not symbol:
            raise self.fail("unsupported", "only += -= *= /= //= %= **= are part of the language", node)
        in_place: Callable[[Any, Any], Any] = {"+": operator.iadd, "*": operator.imul}.get(symbol, apply)
        runtime, where, value = self.runtime, self.place(node), self.expr(node.value)

        def combine(current: Any, operand: Any) -> Any:
            if where is not None:
                runtime.where = where
            if isinstance(current, list):
                operand = runtime.materialise(operand) if symbol == "+" else operand
                check_binary(runtime, symbol, current, operand if symbol == "*" else list(operand))
                return in_place(current, operand)
            if type(current) is float and type(operand) is float:
                return apply(current, operand)
            check_binary(runtime, symbol, current, operand)
            return check_number(runtime, apply(current, operand))

        target = node.target
        if isinstance(target, ast.Name):
            load, store = (
                self.name(ast.Name(target.id, ast.Load(), lineno=node.lineno, col_offset=node.col_offset)),
                self.store(target, labels=True),
            )
            return lambda frame: store(frame, combine(load(frame), value(frame)))
        if isinstance(target, ast.Attribute):
            self.check_attribute_name(target)
            owner, name = self.expr(target.value), target.attr

            def update_attribute(frame: Frame) -> Signal:
                obj = owner(frame)
                try:
                    current = get_attribute(runtime, obj, name)
                except AttributeRefused as error:
                    raise self.fail(error.kind, error.message, target) from None
                set_attribute(runtime, obj, name, combine(current, value(frame)))
                return None

            return update_attribute
        if isinstance(target, ast.Subscript):
            container, index = self.expr(target.value), self.expr(target.slice)

            def update_item(frame: Frame) -> Signal:
                obj, key = container(frame), index(frame)
                obj[key] = combine(obj[key], value(frame))
                return None

            return update_item
        raise self.fail("unsupported", "this cannot be updated with an augmented assignment", target)

    def store(self, target: ast.expr, labels: bool = False) -> Store:
        """Assign to a name, attribute, item, or tuple of them; at module level a name labels its Value."""
        runtime = self.runtime
        if isinstance(target, ast.Name):
            name = target.id
            if self.scope.kind == CLASS and name.startswith("__") and name.endswith("__"):
                raise self.fail(
                    "unsupported", f"a class may define __init__, __call__ and __repr__, not {name}", target
                )
            if labels and self.scope.kind == MODULE and not self.library:

                def store_module_name(frame: Frame, value: Any) -> None:
                    frame.vars[name] = value
                    if isinstance(value, Value):
                        runtime.bind(name, value)

                return store_module_name

            def store_name(frame: Frame, value: Any) -> None:
                frame.vars[name] = value

            return store_name
        if isinstance(target, ast.Attribute):
            self.check_attribute_name(target)
            owner, attribute = self.expr(target.value), target.attr
            line, column = self.place(target) or (None, None)

            def store_attribute(frame: Frame, value: Any) -> None:
                obj = owner(frame)
                try:
                    set_attribute(runtime, obj, attribute, value)
                except CAUGHT as error:
                    raise python_error(runtime, error, line, column) from None

            return store_attribute
        if isinstance(target, ast.Subscript):
            container, index, where = self.expr(target.value), self.expr(target.slice), self.place(target)

            def store_item(frame: Frame, value: Any) -> None:
                obj, key = container(frame), index(frame)
                check_deep(runtime, key)
                if not isinstance(obj, list | dict):
                    raise TypeError(f"'{type_name(obj)}' object does not support item assignment")
                if isinstance(obj, dict) and key not in obj:
                    runtime.allocate(1)
                if isinstance(key, slice):
                    if where is not None:
                        runtime.where = where
                    value = runtime.materialise(value)
                    runtime.check_length(len(obj) + len(value))
                obj[key] = value

            return store_item
        if isinstance(target, ast.Tuple | ast.List):
            return self.unpack(target, labels)
        if isinstance(target, ast.Starred):
            raise self.fail("syntax", "starred assignment target must be in a list or tuple", target)
        raise self.fail("unsupported", "this cannot be assigned to", target)

    def unpack(self, target: ast.Tuple | ast.List, labels: bool) -> Store:
        """`a, b = ...` and `first, *rest = ...`, with Python's errors for a wrong count."""
        starred = [index for index, element in enumerate(target.elts) if isinstance(element, ast.Starred)]
        stores = [
            self.store(element.value if isinstance(element, ast.Starred) else element, labels)
            for element in target.elts
        ]
        runtime, count = self.runtime, len(target.elts)

        def store_all(frame: Frame, value: Any) -> None:
            items = runtime.materialise(value)
            if not starred:
                if len(items) != count:
                    if len(items) > count:
                        raise ValueError(f"too many values to unpack (expected {count})")
                    raise ValueError(f"not enough values to unpack (expected {count}, got {len(items)})")
                for store, item in zip(stores, items, strict=True):
                    store(frame, item)
                return
            star = starred[0]
            after = count - star - 1
            if len(items) < count - 1:
                raise ValueError(f"not enough values to unpack (expected at least {count - 1}, got {len(items)})")
            values = [*items[:star], items[star : len(items) - after], *items[len(items) - after :]]
            for store, item in zip(stores, values, strict=True):
                store(frame, item)

        return store_all

    # -- control flow

    def if_statement(self, node: ast.If) -> Statement:
        test, body = self.expr(node.test), self.block(node.body)
        orelse = self.block(node.orelse) if node.orelse else None
        if orelse is None:
            return lambda frame: body(frame) if test(frame) else None
        return lambda frame: body(frame) if test(frame) else orelse(frame)

    def loop_body(self, statements: list[ast.stmt]) -> Statement:
        self.loops += 1
        try:
            return self.block(statements)
        finally:
            self.loops -= 1

    def for_statement(self, node: ast.For) -> Statement:
        iterable, store, runtime = self.expr(node.iter), self.store(node.target, labels=False), self.runtime
        body = self.loop_body(node.body)
        orelse = self.block(node.orelse) if node.orelse else None

        def run(frame: Frame) -> Signal:
            items = iterable(frame)
            try:
                iterator = iter(items)
            except TypeError:
                raise TypeError(f"'{type_name(items)}' object is not iterable") from None
            for item in iterator:
                runtime.steps += 1
                store(frame, item)
                signal = body(frame)
                if signal is not None:
                    if signal is BREAK:
                        return None
                    if signal is RETURN:
                        return signal
            return None if orelse is None else orelse(frame)

        return run

    def while_statement(self, node: ast.While) -> Statement:
        test, body, runtime = self.expr(node.test), self.loop_body(node.body), self.runtime
        orelse = self.block(node.orelse) if node.orelse else None

        def run(frame: Frame) -> Signal:
            while test(frame):
                runtime.tick()
                signal = body(frame)
                if signal is not None:
                    if signal is BREAK:
                        return None
                    if signal is RETURN:
                        return signal
            return None if orelse is None else orelse(frame)

        return run

    def break_statement(self, node: ast.Break) -> Statement:
        if not self.loops:
            raise self.fail("syntax", "'break' outside loop", node)
        return lambda frame: BREAK

    def continue_statement(self, node: ast.Continue) -> Statement:
        if not self.loops:
            raise self.fail("syntax", "'continue' not properly in loop", node)
        return lambda frame: CONTINUE

    def pass_statement(self, node: ast.Pass) -> Statement:
        return lambda frame: None

    def return_statement(self, node: ast.Return) -> Statement:
        if self.scope.kind != FUNCTION:
            raise self.fail("syntax", "'return' outside function", node)
        value = None if node.value is None else self.expr(node.value)

        def run(frame: Frame) -> Signal:
            frame.result = None if value is None else value(frame)
            return RETURN

        return run

    def delete(self, node: ast.Delete) -> Statement:
        deletions = [self.deletion(target) for target in node.targets]

        def run(frame: Frame) -> Signal:
            for deletion in deletions:
                deletion(frame)
            return None

        return run

    def deletion(self, target: ast.expr) -> Callable[[Frame], None]:
        if isinstance(target, ast.Name):
            name, missing = target.id, self.undefined(target)

            def delete_name(frame: Frame) -> None:
                if name not in frame.vars:
                    raise missing(f"name '{name}' is not defined")
                del frame.vars[name]

            return delete_name
        if isinstance(target, ast.Subscript):
            container, index = self.expr(target.value), self.expr(target.slice)

            def delete_item(frame: Frame) -> None:
                obj = container(frame)
                if not isinstance(obj, list | dict):
                    raise TypeError(f"'{type_name(obj)}' object does not support item deletion")
                del obj[index(frame)]

            return delete_item
        if isinstance(target, ast.Attribute):
            self.check_attribute_name(target)
            owner, name = self.expr(target.value), target.attr

            def delete_attribute(frame: Frame) -> None:
                obj = owner(frame)
                if not isinstance(obj, Instance) or name not in obj.attrs:
                    raise self.fail("name", f"'{type_name(obj)}' object has no attribute '{name}' to delete", target)
                del obj.attrs[name]

            return delete_attribute
        raise self.fail("unsupported", "only names, items and attributes can be deleted", target)

    def assert_statement(self, node: ast.Assert) -> Statement:
        test = self.expr(node.test)
        message = None if node.msg is None else self.expr(node.msg)

        def run(frame: Frame) -> Signal:
            if not test(frame):
                text = "" if message is None else f": {message(frame)}"
                raise self.fail("type", f"AssertionError{text}", node)
            return None

        return run

    # -- definitions

    def function_definition(self, node: ast.FunctionDef) -> Statement:
        if node.decorator_list:
            raise self.fail("unsupported", "decorators are not part of the language", node.decorator_list[0])
        dunder = node.name.startswith("__") and node.name.endswith("__")
        if self.scope.kind == CLASS and dunder and node.name not in ALLOWED_DUNDERS:
            raise self.fail("unsupported", f"a class may define __init__, __call__ and __repr__, not {node.name}", node)
        if self.scope.kind == MODULE and not self.library and node.name in ("draw_dot", "trace"):
            self.runtime.note(node.lineno, f"used the explorer's own {node.name} instead of the one defined here")
            return self.pass_statement(ast.Pass())
        arguments = node.args
        declared = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
        declared += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
        for index, parameter in enumerate(declared):
            if parameter.arg in [earlier.arg for earlier in declared[:index]]:
                raise self.fail("syntax", f"duplicate argument '{parameter.arg}' in function definition", parameter)
        signature = Signature(
            tuple(argument.arg for argument in [*arguments.posonlyargs, *arguments.args]),
            None if arguments.vararg is None else arguments.vararg.arg,
            tuple(argument.arg for argument in arguments.kwonlyargs),
            None if arguments.kwarg is None else arguments.kwarg.arg,
        )
        defaults = [self.expr(default) for default in arguments.defaults]
        kwdefaults = [
            (a.arg, self.expr(d))
            for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)
            if d is not None
        ]
        qualname = f"{self.scope.qualname}.{node.name}" if self.scope.qualname else node.name
        parameters = {*signature.positional, *signature.kwonly} | {signature.vararg, signature.kwarg} - {None}
        outer_kind, outer_loops = self.scope.kind, self.loops
        self.scope = Scope(FUNCTION, self.scope, assigned_names(node.body) | parameters, qualname)  # type: ignore[operator]
        self.loops = 0
        try:
            body = self.block(node.body)
        finally:
            assert self.scope.parent is not None
            self.scope, self.loops = self.scope.parent, outer_loops
        name, line = node.name, node.lineno

        def define(frame: Frame) -> Signal:
            outer = None if outer_kind == MODULE else frame.outer if outer_kind == CLASS else frame
            function = Function(
                name,
                qualname,
                signature,
                tuple(default(frame) for default in defaults),
                {key: default(frame) for key, default in kwdefaults},
                body,
                outer,
                frame.globals,
                line,
            )
            frame.vars[name] = function
            return None

        return define

    def class_definition(self, node: ast.ClassDef) -> Statement:
        if node.decorator_list:
            raise self.fail("unsupported", "decorators are not part of the language", node.decorator_list[0])
        if node.keywords or len(node.bases) > 1:
            raise self.fail("unsupported", "a class may have one base class of the program's own", node)
        if self.scope.kind == MODULE and not self.library and node.name == "Value":
            self.runtime.note(
                node.lineno, "used the explorer's own Value (micrograd's) instead of the class defined here"
            )
            return self.pass_statement(ast.Pass())
        base = self.expr(node.bases[0]) if node.bases else None
        outer_kind = self.scope.kind
        self.scope = Scope(CLASS, self.scope, assigned_names(node.body), node.name)
        try:
            body = self.block(node.body)
        finally:
            assert self.scope.parent is not None
            self.scope = self.scope.parent
        name, runtime = node.name, self.runtime

        def define(frame: Frame) -> Signal:
            parent = None if base is None else base(frame)
            if parent is not None and not isinstance(parent, Class):
                raise self.fail(
                    "unsupported",
                    f"a class may only inherit from a class of the program, not {type_name(parent)}",
                    node,
                )
            namespace: dict[str, Any] = {}
            outer = None if outer_kind == MODULE else frame.outer if outer_kind == CLASS else frame
            body(Frame(namespace, outer, frame.globals))
            runtime.allocate(len(namespace))
            frame.vars[name] = Class(name, parent, namespace)
            return None

        return define

    def import_statement(self, node: ast.Import | ast.ImportFrom) -> Statement:
        bindings = self.imports(self, node)

        def run(frame: Frame) -> Signal:
            for name, load in bindings:
                frame.vars[name] = load()
            return None

        return run


def is_number_literal(node: ast.expr) -> bool:
    """Whether a node is a number as written: 2, -3.0, +1e-3."""
    while isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        node = node.operand
    return isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value, bool)
