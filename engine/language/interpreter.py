"""Running a program: text in, a Run out (its passes, prints, result, notes, groups and values).

The run happens in a thread of its own with a large stack, so that deep structures (a list
nested 10,000 times, printed) end in a limit error instead of overflowing the C stack.
"""

from __future__ import annotations

import ast
import functools
import gc
import logging
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from engine.errors import ProgramError
from engine.language.attributes import unavailable
from engine.language.builtins import make_builtins, make_math, make_random
from engine.language.calls import CAUGHT, python_error
from engine.language.compiler import Compiler
from engine.language.objects import Frame, Instance, Module
from engine.language.operators import check_deep
from engine.language.runtime import Group, Print, Runtime
from engine.language.syntax import Note, blank_notebook_lines, syntax_tree
from engine.limits import DEFAULT_LIMITS, Limits
from engine.passes import Pass
from engine.value import RECORDING, MathError, Number, Value

logger = logging.getLogger(__name__)
RUN_STACK_BYTES = 512 * 1024 * 1024  # reserved, not used: only the pages a deep program touches are
RECURSION_LIMIT = 20_000  # Python frames; a call of the program's own takes about ten
MAX_RESULT_CHARS = 100_000  # characters of the Out[] text kept
MAX_PATH_OBJECTS = 100_000  # objects searched for the paths of parameters
IGNORED_MODULES = ("numpy", "matplotlib", "torch", "graphviz")
MODULES = ("math", "random", "micrograd", "micrograd.engine", "micrograd.nn")
GC_THRESHOLDS = (50_000, 20, 20)  # allocations before a young collection, young before middle, middle before old
_STACK_LOCK = threading.Lock()
sys.setrecursionlimit(max(sys.getrecursionlimit(), RECURSION_LIMIT))
# A run makes many objects in reference cycles (a Value and its closures). At Python's default of
# 700 allocations the collector runs thousands of times a run and walks every value each time it
# reaches the oldest generation: micrograd's demo took 267 ms with it, 118 ms with this (bench/engine.py).
gc.set_threshold(*GC_THRESHOLDS)


@dataclass
class Run:
    """What one run of a program recorded."""

    passes: list[Pass]
    default_pass: int | None  # the pass shown unless another is asked for
    prints: list[Print]
    result: str | None  # the last expression statement's value, as Out[] shows it
    notes: list[Note]
    groups: list[Group]
    values: list[Value]  # every value made, in the order made (ids n0, n1, ...)
    bindings: dict[str, list[Value]]  # module-level names and the values assigned to them
    paths: dict[int, str]  # id() of a leaf -> its path from a module-level name
    made_data: dict[str, Number]  # a leaf's data when made, by id, for those whose data the program assigned
    steps: int  # work done, as the budget counts it


def run_program(source: str, limits: Limits = DEFAULT_LIMITS, overrides: Mapping[str, float] | None = None) -> Run:
    """Run a program under the limits, with leaf data replaced by id where they are made."""
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["run"] = _execute(source, limits, dict(overrides or {}))
        except ProgramError as error:
            outcome["error"] = error.with_source(source)
        except Exception as error:  # a fault of the explorer's: reported, never a server error
            logger.exception("the interpreter failed on a program")
            outcome["error"] = ProgramError("unsupported", f"the explorer could not run this program ({error})")

    with _STACK_LOCK:
        previous = threading.stack_size(RUN_STACK_BYTES)
        try:
            thread = threading.Thread(target=target, name="program", daemon=True)
            thread.start()
        finally:
            threading.stack_size(previous)
    thread.join()
    if "error" in outcome:
        raise outcome["error"]
    run: Run = outcome["run"]
    return run


def _execute(source: str, limits: Limits, overrides: dict[str, float]) -> Run:
    runtime = Runtime(limits, overrides)
    text, notes = blank_notebook_lines(source)
    runtime.notes.extend(notes)
    tree = syntax_tree(text, limits)
    builtins = make_builtins(runtime)
    compiler = Compiler(runtime, text, False, Importer(runtime, builtins), is_shorthand(tree))
    compiler.builtins = builtins
    body = compiler.block(tree.body)
    variables: dict[str, Any] = {}
    RECORDING.made = runtime.made
    try:
        body(Frame(variables, None, variables))
        runtime.flush_prints()
        runtime.passes.finish()
        default = _default_pass(runtime)
        result = None
        if isinstance(tree.body[-1], ast.Expr) and runtime.last_expression is not None:
            check_deep(runtime, runtime.last_expression)
            result = repr(runtime.last_expression)[:MAX_RESULT_CHARS]
    except RecursionError:
        raise runtime.error("limit", "the program is nested too deeply") from None
    except CAUGHT as error:
        raise python_error(runtime, error, None, None) from None
    finally:
        RECORDING.made = None
    passes = runtime.passes.passes
    return Run(
        passes,
        default,
        runtime.prints,
        result,
        runtime.notes,
        runtime.groups,
        runtime.values,
        runtime.bindings,
        leaf_paths(variables),
        runtime.passes.made_data,
        runtime.steps,
    )


def _default_pass(runtime: Runtime) -> int | None:
    """The pass draw_dot names, else the last; without backward(), the explorer's own on the output."""
    passes = runtime.passes.passes
    target = runtime.draw_target
    if target is None:
        if passes:
            return len(passes) - 1
        last = runtime.last_expression
        target = last if isinstance(last, Value) else runtime.last_value
        if target is None:
            return None
    for recorded in reversed(passes):
        if recorded.output is target:
            return recorded.index
    try:
        return runtime.passes.backward(target, None).index
    except MathError as error:
        node = error.node or target
        raise runtime.error("math", error.message, node.line, node.column) from None


def is_shorthand(tree: ast.Module) -> bool:
    """Only assignments and expressions, and no Value or print named: the playground shorthand."""
    if not all(isinstance(statement, ast.Assign | ast.AugAssign | ast.Expr) for statement in tree.body):
        return False
    return not any(isinstance(node, ast.Name) and node.id in ("Value", "print") for node in ast.walk(tree))


def leaf_paths(variables: dict[str, Any]) -> dict[int, str]:
    """The path of each leaf reachable from a module-level name: n.layers[0].neurons[1].w[2]."""
    paths: dict[int, str] = {}
    seen: set[int] = set()
    # Values bound to a name directly are labelled by their assignment, not by a path.
    queue: deque[tuple[Any, str]] = deque((value, name) for name, value in variables.items() if _holds(value))
    seen.update(id(value) for value, _ in queue)
    while queue and len(seen) < MAX_PATH_OBJECTS:
        value, path = queue.popleft()
        if isinstance(value, Value):
            if not value._prev:
                paths.setdefault(id(value), path)
            continue
        if isinstance(value, Instance):
            items: Iterable[tuple[str, Any]] = ((f".{name}", item) for name, item in value.attrs.items())
        elif isinstance(value, dict):
            items = ((f"[{key!r}]", item) for key, item in value.items() if isinstance(key, str | int))
        else:
            items = ((f"[{index}]", item) for index, item in enumerate(value))
        for step, item in items:
            if (_holds(item) or isinstance(item, Value)) and id(item) not in seen:
                seen.add(id(item))
                queue.append((item, path + step))
    return paths


def _holds(value: Any) -> bool:
    """Whether a value can hold parameters: a program's object, a list, a tuple or a dict."""
    return isinstance(value, Instance | list | tuple | dict)


class Importer:
    """The modules a program may import, each made once per run; micrograd.nn runs from its source."""

    def __init__(self, runtime: Runtime, builtins: dict[str, Any]) -> None:
        self.runtime = runtime
        self.builtins = builtins
        self.modules: dict[str, Module] = {}

    def __call__(self, compiler: Compiler, node: ast.Import | ast.ImportFrom) -> list[tuple[str, Callable[[], Any]]]:
        """(name, loader) for each name an import statement binds."""
        bindings: list[tuple[str, Callable[[], Any]]] = []
        if isinstance(node, ast.Import):
            for alias in node.names:
                top = alias.name.split(".")[0]
                if top in IGNORED_MODULES:
                    self.ignore(compiler, node, alias.name)
                    name = alias.asname or top
                    bindings.append((name, functools.partial(Module, alias.name, available=False)))
                elif alias.name in MODULES:
                    module = alias.name if alias.asname else top
                    bindings.append((alias.asname or top, lambda module=module: self.module(module)))  # type: ignore[misc]
                else:
                    raise compiler.fail("unsupported", only_modules(alias.name), node)
            return bindings
        module = node.module or ""
        if node.level or module.split(".")[0] not in (*IGNORED_MODULES, *MODULES):
            raise compiler.fail("unsupported", only_modules(module), node)
        if module.split(".")[0] in IGNORED_MODULES:
            self.ignore(compiler, node, module)
            return [(alias.asname or alias.name, lambda: Module(module, available=False)) for alias in node.names]
        for alias in node.names:
            if alias.name == "*":
                raise compiler.fail("unsupported", "import * is not part of the language; name what you import", node)
            bindings.append((alias.asname or alias.name, self.loader(compiler, node, module, alias.name)))
        return bindings

    def loader(self, compiler: Compiler, node: ast.AST, module: str, name: str) -> Callable[[], Any]:
        def load() -> Any:
            attrs = self.module(module).attrs
            if name not in attrs and f"{module}.{name}" in MODULES:
                return self.module(f"{module}.{name}")
            if name not in attrs:
                raise compiler.fail("name", f"cannot import name '{name}' from '{module}'", node)
            return attrs[name]

        return load

    def ignore(self, compiler: Compiler, node: ast.AST, module: str) -> None:
        line = compiler.place(node)
        self.runtime.note(line[0] if line else None, f"ignored the import of {module}: {unavailable(module)}")

    def module(self, name: str) -> Module:
        """A module of the language, made on first import."""
        if name not in self.modules:
            if name == "math":
                self.modules[name] = make_math()
            elif name == "random":
                self.modules[name] = make_random(self.runtime)
            elif name == "micrograd.engine":
                self.modules[name] = Module(name, {"Value": self.builtins["Value"]})
            elif name == "micrograd.nn":
                self.modules[name] = self.run_library(name, "nn.py")
            else:
                self.modules[name] = Module(
                    name, {"engine": self.module("micrograd.engine"), "nn": self.module("micrograd.nn")}
                )
        return self.modules[name]

    def run_library(self, name: str, file: str) -> Module:
        """A module written in the language, run like a program; its errors point at the user's line."""
        source, tree = library_source(file)
        compiler = Compiler(self.runtime, source, True, self)
        compiler.builtins = self.builtins
        variables: dict[str, Any] = {}
        compiler.block(tree.body)(Frame(variables, None, variables))
        return Module(name, variables)


@functools.cache
def library_source(file: str) -> tuple[str, ast.Module]:
    """A file of engine/prelude and its syntax tree, read once."""
    source = resources.files("engine.prelude").joinpath(file).read_text()
    return source, syntax_tree(source, DEFAULT_LIMITS)


def only_modules(module: str) -> str:
    """The error for an import the language does not have."""
    return (
        f"import {module} is not part of the language; it can import math, random and micrograd"
        " (numpy, matplotlib, torch and graphviz are accepted and ignored)"
    )
