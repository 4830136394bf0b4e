"""CPython as the oracle of LANGUAGE.md: run a program with the lecture's Value (or micrograd's own) and record it."""

from __future__ import annotations

import ast
import builtins
import json
import math
import os
import random
import re
import resource
import selectors
import signal
import subprocess
import sys
import tempfile
import time
import traceback
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import CodeType, FrameType
from typing import Any, NamedTuple

PROGRAM_FILE = "<program>"
IGNORED_MODULES = {"numpy", "matplotlib", "torch", "graphviz"}  # the explorer accepts these imports and ignores them
CHILD_MEMORY = 1 << 30  # bytes of address space the child process may use
NUMBER = re.compile(r"[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|inf|nan)")
CHILD_SLACK = 10.0  # seconds the parent waits past a program's own time-out before it kills the child


# ----------------------------------------------------------------------------------------------- results (parent)
class Print(NamedTuple):
    """One call of print: the program line that made it and what it wrote, without its final newline."""

    line: int | None
    text: str


@dataclass(frozen=True)
class Node:
    """One Value of a pass's graph: its data, and its grad before and after the backward pass."""

    key: int  # made-order number of the Value in its run: the same object keeps its key in every pass
    op: str
    label: str
    data: float
    grad_before: float
    grad: float
    operands: tuple[int, ...]  # keys of the operands in the order the operation took them: a + a gives two


@dataclass(frozen=True)
class Pass:
    """One call of backward(): its output and the graph of it then, in micrograd's topological order."""

    line: int | None  # the backward() call; None for the pass the explorer makes itself
    output: int
    nodes: tuple[Node, ...]

    @property
    def output_node(self) -> Node:
        """The node backward() was called on."""
        return self.node(self.output)

    @property
    def data(self) -> float:
        """The output's data: the loss."""
        return self.output_node.data

    @property
    def stale(self) -> bool:
        """Whether some grad was not zero when backward began (the zero_grad bug)."""
        return any(node.grad_before != 0 for node in self.nodes)

    @property
    def leaves(self) -> tuple[Node, ...]:
        """The nodes no operation made."""
        return tuple(node for node in self.nodes if not node.op)

    def node(self, key: int) -> Node:
        """The node with this key."""
        return next(node for node in self.nodes if node.key == key)

    def labelled(self, label: str) -> Node:
        """The one node with this label."""
        (found,) = [node for node in self.nodes if node.label == label]
        return found

    def op_data(self) -> list[tuple[str, float]]:
        """Every node's (op, data), sorted: the graph without its order, which follows set iteration."""
        return sorted((node.op, node.data) for node in self.nodes)

    def leaf_data_grads(self) -> list[tuple[float, float]]:
        """Every leaf's (data, grad), sorted."""
        return sorted((node.data, node.grad) for node in self.leaves)

    def edges(self) -> list[tuple[int, int]]:
        """Every (operand key, result key) edge, sorted, with a + a's edge twice."""
        return sorted((operand, node.key) for node in self.nodes for operand in node.operands)


@dataclass(frozen=True)
class DrawDot:
    """One call of draw_dot: its line, its argument's key and data (None if not a Value), and passes made before."""

    line: int | None
    key: int | None
    data: float | None
    passes_before: int


@dataclass(frozen=True)
class ErrorInfo:
    """What the program raised: the exception's type name, its message, and where in the program."""

    type: str  # "Timeout" and "Crash" when the child ran out of time or died
    message: str
    line: int | None  # innermost program line: in a function, the line inside it
    outer_line: int | None  # outermost program line: the module-level statement that led there


@dataclass(frozen=True)
class CPythonRun:
    """Everything one CPython run of a program did that the explorer must reproduce."""

    prints: list[Print]
    passes: list[Pass]
    result: str | None  # repr of the last expression statement's value, as Out[] shows it
    error: ErrorInfo | None
    draw_dots: list[DrawDot]
    implicit_pass: Pass | None  # without backward(): the pass of the explorer's default output, made at the end

    @property
    def last_draw_dot(self) -> DrawDot | None:
        """The last draw_dot call, whose pass the explorer shows by default."""
        return self.draw_dots[-1] if self.draw_dots else None

    @property
    def printed(self) -> list[str]:
        """The printed texts alone."""
        return [entry.text for entry in self.prints]


def same_printed(explorer: str, cpython: str, rel: float = 1e-9, zero: float = 1e-12) -> bool:
    """Whether two printed texts are equal but for the last bits of their floats.

    micrograd's _prev is a set, so the order of a backward pass's deposits, and with it the last bits of a sum of
    them, follows the addresses of the objects and changes from run to run of the same program.
    """
    if NUMBER.split(explorer) != NUMBER.split(cpython):
        return False
    pairs = list(zip(NUMBER.findall(explorer), NUMBER.findall(cpython), strict=True))
    return all(
        _is_float(a) == _is_float(b) and (a == b or math.isclose(float(a), float(b), rel_tol=rel, abs_tol=zero))
        for a, b in pairs
    )


def _is_float(text: str) -> bool:
    return any(mark in text for mark in ".eEin")


def run_in_cpython(source: str, timeout: float = 20.0) -> CPythonRun:
    """Run one program in a CPython subprocess and return what it did."""
    return run_many_in_cpython([source], timeout)[0]


def run_many_in_cpython(sources: Sequence[str], timeout: float = 20.0) -> list[CPythonRun]:
    """Run programs one after another in one CPython subprocess, each in a fresh state, timeout seconds each."""
    runs: list[CPythonRun] = []
    while len(runs) < len(sources):
        records, failure = _run_child(sources[len(runs) :], timeout)
        runs.extend(_read_run(record) for record in records)
        if failure is not None:
            runs.append(CPythonRun([], [], None, failure, [], None))
    return runs


def _run_child(sources: Sequence[str], timeout: float) -> tuple[list[dict[str, Any]], ErrorInfo | None]:
    records: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as folder:
        job = os.path.join(folder, "job.json")
        with open(job, "w", encoding="utf-8") as file:
            json.dump({"timeout": timeout, "sources": list(sources)}, file)
        with (
            open(os.path.join(folder, "stderr"), "w+", encoding="utf-8") as stderr,
            subprocess.Popen(
                [sys.executable, "-I", os.path.abspath(__file__), job],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=stderr,
                cwd=folder,
            ) as child,
        ):
            assert child.stdout is not None
            failure = None
            try:
                for line in _read_lines(child.stdout.fileno(), len(sources), timeout + CHILD_SLACK):
                    records.append(json.loads(line))
            except TimeoutError:
                failure = ErrorInfo("Timeout", f"no answer in {timeout + CHILD_SLACK} s", None, None)
            finally:
                if child.poll() is None:
                    child.kill()
                child.wait()
            if failure is None and len(records) < len(sources):
                stderr.seek(0)
                failure = ErrorInfo("Crash", f"exit {child.returncode}: {stderr.read()[-2000:]}", None, None)
    return records, failure


def _read_lines(fd: int, count: int, seconds: float) -> list[bytes]:
    """Read up to count lines from fd, allowing seconds for each; stop early at end of file."""
    lines: list[bytes] = []
    pending = b""
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        deadline = time.monotonic() + seconds
        while len(lines) < count:
            if not selector.select(max(0.0, deadline - time.monotonic())):
                raise TimeoutError
            chunk = os.read(fd, 1 << 16)
            if not chunk:
                break
            *complete, pending = (pending + chunk).split(b"\n")
            if complete:
                lines.extend(complete)
                deadline = time.monotonic() + seconds
    return lines


def _read_pass(record: dict[str, Any] | None) -> Pass | None:
    if record is None:
        return None
    nodes = tuple(
        Node(key, op, label, data, before, grad, tuple(operands))
        for key, op, label, data, before, grad, operands in record["nodes"]
    )
    return Pass(record["line"], record["output"], nodes)


def _read_run(record: dict[str, Any]) -> CPythonRun:
    passes = [_read_pass(entry) for entry in record["passes"]]
    return CPythonRun(
        prints=[Print(line, text) for line, text in record["prints"]],
        passes=[entry for entry in passes if entry is not None],
        result=record["result"],
        error=ErrorInfo(**record["error"]) if record["error"] else None,
        draw_dots=[DrawDot(**entry) for entry in record["draw_dots"]],
        implicit_pass=_read_pass(record["implicit_pass"]),
    )


# ------------------------------------------------------------------------------- the child: the lecture's Value
class Value:
    """The lecture's Value, with micrograd's __rsub__ and __rtruediv__ and the explorer's log, relu and sigmoid."""

    def __init__(self, data: Any, _children: tuple[Value, ...] = (), _op: str = "", label: str = "") -> None:
        self.data = data
        self.grad = 0.0
        self._backward: Callable[[], None] = lambda: None
        self._prev = set(_children)
        self._op = _op
        self.label = label

    def __repr__(self) -> str:
        return f"Value(data={self.data})"

    def __add__(self, other: Any) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward() -> None:
            self.grad += 1.0 * out.grad
            other.grad += 1.0 * out.grad

        out._backward = _backward
        return out

    def __mul__(self, other: Any) -> Value:
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward() -> None:
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, other: Any) -> Value:
        assert isinstance(other, (int, float)), "only supporting int/float powers for now"
        out = Value(self.data**other, (self,), f"**{other}")

        def _backward() -> None:
            self.grad += other * (self.data ** (other - 1)) * out.grad

        out._backward = _backward
        return out

    def __rmul__(self, other: Any) -> Value:
        return self * other

    def __truediv__(self, other: Any) -> Value:
        return self * other**-1

    def __rtruediv__(self, other: Any) -> Value:
        return other * self**-1

    def __neg__(self) -> Value:
        return self * -1

    def __sub__(self, other: Any) -> Value:
        return self + (-other)

    def __rsub__(self, other: Any) -> Value:
        return other + (-self)

    def __radd__(self, other: Any) -> Value:
        return self + other

    def _unary(self, data: float, op: str, local: float) -> Value:
        out = Value(data, (self,), op)

        def _backward() -> None:
            self.grad += local * out.grad

        out._backward = _backward
        return out

    def tanh(self) -> Value:
        t = math.tanh(self.data)
        return self._unary(t, "tanh", 1 - t**2)  # d tanh(x)/dx = 1 - tanh(x)**2

    def exp(self) -> Value:
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward() -> None:
            self.grad += out.data * out.grad  # d exp(x)/dx = exp(x)

        out._backward = _backward
        return out

    def log(self) -> Value:
        return self._unary(math.log(self.data), "log", 1 / self.data)  # d log(x)/dx = 1/x

    def relu(self) -> Value:
        out = Value(0 if self.data < 0 else self.data, (self,), "ReLU")  # micrograd's: an int 0

        def _backward() -> None:
            self.grad += (out.data > 0) * out.grad

        out._backward = _backward
        return out

    def sigmoid(self) -> Value:
        s = _sigmoid(self.data)
        return self._unary(s, "sigmoid", s * (1 - s))  # d sigmoid(x)/dx = s (1 - s)

    def backward(self) -> None:
        topo: list[Value] = []
        visited: set[Value] = set()

        def build_topo(v: Value) -> None:
            if v not in visited:
                visited.add(v)
                for child in v._prev:
                    build_topo(child)
                topo.append(v)

        build_topo(self)
        self.grad = 1.0
        for node in reversed(topo):
            node._backward()


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)  # the stable form: exp(-x) would overflow
    return z / (1.0 + z)


def _function(method: str, on_number: Callable[[float], float]) -> Callable[[Any], Any]:
    def function(x: Any) -> Any:
        if isinstance(x, (int, float)):
            return on_number(x)
        return getattr(x, method)()

    function.__name__ = function.__qualname__ = method
    return function


PROGRAM_FUNCTIONS = {
    "tanh": _function("tanh", math.tanh),
    "exp": _function("exp", math.exp),
    "log": _function("log", math.log),
    "relu": _function("relu", lambda x: float(x) if x > 0 else 0.0),
    "sigmoid": _function("sigmoid", _sigmoid),
}


# ------------------------------------------------------------------------------------ the child: the recorder
def _number(x: Any) -> float:
    if isinstance(x, (int, float)):
        try:
            return float(x)
        except OverflowError:
            return math.copysign(math.inf, x)
    return math.nan


def _program_line(frame: FrameType | None) -> int | None:
    while frame is not None:
        if frame.f_code.co_filename == PROGRAM_FILE:
            return frame.f_lineno
        frame = frame.f_back
    return None


def _topological_order(root: Any) -> list[Any]:
    """micrograd's build_topo, without recursion: children before parents, in _prev's iteration order."""
    order: list[Any] = []
    seen = {id(root)}
    stack = [(root, iter(getattr(root, "_prev", ())))]
    while stack:
        node, children = stack[-1]
        for child in children:
            if id(child) not in seen:
                seen.add(id(child))
                stack.append((child, iter(getattr(child, "_prev", ()))))
                break
        else:
            stack.pop()
            order.append(node)
    return order


class Recorder:
    """What one run of a program did: its Values' keys and operands, its passes, prints and draw_dot calls."""

    current: Recorder

    def __init__(self) -> None:
        self.made: weakref.WeakKeyDictionary[Any, tuple[int, list[int]]] = weakref.WeakKeyDictionary()
        self.passes: list[dict[str, Any]] = []
        self.prints: list[tuple[int | None, str]] = []
        self.draw_dots: list[dict[str, Any]] = []
        self.last_bound: Any = None
        self.count = 0  # keys made so far; not len(self.made), which shrinks as Values die

    def key(self, value: Any) -> int:
        """The value's key, given when it was made (or now, if it was made before the run)."""
        if value not in self.made:
            self.register(value, ())
        return self.made[value][0]

    def register(self, value: Any, children: Any) -> None:
        """Give a new Value its key and note its operands in order."""
        operands = [self.key(child) for child in children] if isinstance(children, (tuple, list)) else []
        self.made[value] = (self.count, operands)
        self.count += 1

    def snapshot(self, output: Any) -> tuple[list[Any], list[tuple[Any, Any]]]:
        """The graph of output now, and each node's data and grad."""
        order = _topological_order(output)
        return order, [(node.data, node.grad) for node in order]

    def make_pass(
        self, line: int | None, output: Any, order: list[Any], before: list[tuple[Any, Any]]
    ) -> dict[str, Any]:
        """A pass record from a snapshot taken before backward and the grads now."""
        nodes = [
            [
                self.key(node),
                str(node._op),
                str(getattr(node, "label", "")),
                _number(data),
                _number(grad),
                _number(node.grad),
                self.made[node][1],
            ]
            for node, (data, grad) in zip(order, before, strict=True)
        ]
        return {"line": line, "output": self.key(output), "nodes": nodes}

    def print(self, *args: Any, sep: Any = " ", end: Any = "\n", file: Any = None, flush: bool = False) -> None:
        """print, writing to the record with the line of the program that called it."""
        for name, text in (("sep", sep), ("end", end)):
            if text is not None and not isinstance(text, str):
                raise TypeError(f"{name} must be None or a string, not {type(text).__name__}")
        written = (" " if sep is None else sep).join(str(arg) for arg in args) + ("\n" if end is None else end)
        self.prints.append((_program_line(sys._getframe(1)), written.removesuffix("\n")))

    def draw_dot(self, root: Any, *args: Any, **kwargs: Any) -> None:
        """draw_dot, noting which Value it was asked to show."""
        is_value = isinstance(root, VALUE_CLASSES)
        self.draw_dots.append(
            {
                "line": _program_line(sys._getframe(1)),
                "key": self.key(root) if is_value else None,
                "data": _number(root.data) if is_value else None,
                "passes_before": len(self.passes),
            }
        )

    def implicit_pass(self, result: Any) -> dict[str, Any] | None:
        """The explorer's own pass: on the last draw_dot's Value, else the result, else the last Value bound."""
        shown = self.draw_dots[-1]["key"] if self.draw_dots else None
        candidates = [value for value in self.made if self.made[value][0] == shown] if shown is not None else []
        candidates += [value for value in (result, self.last_bound) if isinstance(value, VALUE_CLASSES)]
        if not candidates:
            return None
        output = candidates[0]
        order, before = self.snapshot(output)
        try:
            ORIGINAL_BACKWARD[type(output)](output)
        except Exception:
            return None
        return self.make_pass(None, output, order, before)


class ModuleScope(dict[str, Any]):
    """The program's globals, noting the last Value a module-scope assignment bound."""

    def __setitem__(self, name: str, value: Any) -> None:
        if isinstance(value, VALUE_CLASSES):
            Recorder.current.last_bound = value
        super().__setitem__(name, value)


ORIGINAL_BACKWARD: dict[type, Callable[[Any], None]] = {}


def _instrument(cls: type) -> None:
    """Give every Value of cls its key when made, and make each of its backward() calls record a pass."""
    original_init = cls.__init__  # type: ignore[misc]
    original_backward = ORIGINAL_BACKWARD[cls] = cls.backward  # type: ignore[attr-defined]

    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        original_init(self, *args, **kwargs)
        Recorder.current.register(self, args[1] if len(args) > 1 else kwargs.get("_children", ()))

    def backward(self: Any, *args: Any, **kwargs: Any) -> None:
        recorder = Recorder.current
        line = _program_line(sys._getframe(1))
        order, before = recorder.snapshot(self)
        original_backward(self, *args, **kwargs)
        recorder.passes.append(recorder.make_pass(line, self, order, before))

    __init__.__qualname__ = original_init.__qualname__
    backward.__qualname__ = original_backward.__qualname__
    cls.__init__ = __init__  # type: ignore[misc]
    cls.backward = backward  # type: ignore[attr-defined]


VALUE_CLASSES: tuple[type, ...] = (Value,)


def _instrument_all() -> None:
    global VALUE_CLASSES
    try:
        # nn too, so that `import micrograd` alone reaches both, as in the explorer
        import micrograd.engine
        import micrograd.nn
    except ImportError:
        pass
    else:
        VALUE_CLASSES = (Value, micrograd.engine.Value)
    for cls in VALUE_CLASSES:
        _instrument(cls)


class _ExplorerReplacements(ast.NodeTransformer):
    """What the explorer replaces: imports it ignores, and a program's own class Value and def draw_dot."""

    def visit_Module(self, node: ast.Module) -> ast.Module:
        replaced = {(ast.ClassDef, "Value"), (ast.FunctionDef, "draw_dot")}
        node.body = [
            _blank(statement) if (type(statement), getattr(statement, "name", "")) in replaced else statement
            for statement in node.body
        ]
        self.generic_visit(node)
        return node

    def visit_Import(self, node: ast.Import) -> ast.stmt:
        node.names = [alias for alias in node.names if alias.name.split(".")[0] not in IGNORED_MODULES]
        return node if node.names else _blank(node)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> ast.stmt:
        return _blank(node) if (node.module or "").split(".")[0] in IGNORED_MODULES else node


def _blank(statement: ast.stmt) -> ast.stmt:
    return ast.copy_location(ast.Pass(), statement)


def _compile_program(source: str) -> tuple[CodeType, CodeType | None]:
    """The program as code: its statements, and apart its last expression statement, whose value is the result."""
    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in source.split("\n")]
    tree = _ExplorerReplacements().visit(ast.parse("\n".join(lines), PROGRAM_FILE))
    last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    head = ast.Module(body=tree.body[:-1] if last else tree.body, type_ignores=[])
    code = compile(head, PROGRAM_FILE, "exec", dont_inherit=True)
    if last is None:
        return code, None
    return code, compile(ast.Expression(body=last.value), PROGRAM_FILE, "eval", dont_inherit=True)


class ProgramTimeout(BaseException):
    """The program ran past its time."""


def _describe_error(error: BaseException, timeout: float) -> dict[str, Any]:
    lines = [line for frame, line in traceback.walk_tb(error.__traceback__) if frame.f_code.co_filename == PROGRAM_FILE]
    if isinstance(error, SyntaxError):
        return {"type": type(error).__name__, "message": str(error.msg), "line": error.lineno, "outer_line": None}
    timed_out = isinstance(error, ProgramTimeout)
    return {
        "type": "Timeout" if timed_out else type(error).__name__,
        "message": f"ran past {timeout} s" if timed_out else str(error),
        "line": lines[-1] if lines else None,
        "outer_line": lines[0] if lines else None,
    }


def _raise_timeout(signum: int, frame: FrameType | None) -> None:
    raise ProgramTimeout


def _run_program(source: str, timeout: float) -> dict[str, Any]:
    """Run one program in a fresh state: seed 0, fresh globals, fresh keys."""
    recorder = Recorder.current = Recorder()
    random.seed(0)
    scope = ModuleScope(__name__="__main__", __builtins__=builtins, Value=Value, **PROGRAM_FUNCTIONS)
    scope.update(print=recorder.print, draw_dot=recorder.draw_dot)
    result: str | None = None
    error: dict[str, Any] | None = None
    implicit: dict[str, Any] | None = None
    try:
        try:
            signal.setitimer(signal.ITIMER_REAL, timeout)
            code, last = _compile_program(source)
            exec(code, scope)
            value = eval(last, scope) if last is not None else None
            result = None if value is None else repr(value)
            if not recorder.passes:
                implicit = recorder.implicit_pass(value)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    except BaseException as caught:  # the timer is off here, so that no time-out escapes the handler
        error = _describe_error(caught, timeout)
    return {
        "prints": recorder.prints,
        "passes": recorder.passes,
        "result": result,
        "error": error,
        "draw_dots": recorder.draw_dots,
        "implicit_pass": implicit,
    }


def _serve(job_path: str) -> None:
    """The child's main: run every program of the job, writing one JSON line per program as it finishes."""
    hard = resource.getrlimit(resource.RLIMIT_AS)[1]
    resource.setrlimit(resource.RLIMIT_AS, (CHILD_MEMORY if hard < 0 else min(CHILD_MEMORY, hard), hard))
    with open(job_path, encoding="utf-8") as file:
        job = json.load(file)
    _instrument_all()
    signal.signal(signal.SIGALRM, _raise_timeout)
    answers = sys.stdout
    sys.stdout = open(os.devnull, "w")  # noqa: SIM115  (nothing but the answers may reach the parent)
    for source in job["sources"]:
        answers.write(json.dumps(_run_program(source, job["timeout"])) + "\n")
        answers.flush()


if __name__ == "__main__":
    _serve(sys.argv[1])
