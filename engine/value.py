"""A scalar Value and its operations, in the shape of micrograd's engine.py.

Each operation computes `out`, attaches a `_forward` closure (so the forward pass can be
replayed with new leaf data) and a `_local_grads` closure (the local derivative of `out`
with respect to each operand, in operand order), and returns `out`. Graph walks are
iterative, so a chain of any length stays within Python's recursion limit.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass

Number = int | float
MAX_INT_BITS = 1_024  # bits of an integer a Value may hold: what a float can hold; larger ones are overflow


class _Recording(threading.local):
    """The hook a run installs in its own thread: called with every Value made there."""

    made: Callable[[Value], None] | None = None


RECORDING = _Recording()


class MathError(ArithmeticError):
    """A computation that left the real, finite numbers; `node` is the value that caused it."""

    def __init__(self, message: str, node: Value | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.node = node


def check_finite(x: Number | complex, what: str) -> Number:
    """Return x (an int stays an int, as in Python), or raise MathError if it is complex, infinite or NaN."""
    if isinstance(x, int):
        if x.bit_length() > MAX_INT_BITS:
            raise MathError(f"{what} overflows (the integer has more than {MAX_INT_BITS:,} bits)")
        return x
    if isinstance(x, complex):
        raise MathError(f"{what} has no real result")
    if not math.isfinite(x):
        raise MathError(f"{what} overflows (the result is not a finite number)")
    return x


def format_number(x: float) -> str:
    """A number as the picture and the page show it: Python's %.4f, negative zero as 0.0000."""
    text = f"{x:.4f}"
    return "0.0000" if text == "-0.0000" else text


def format_exponent(k: Number) -> str:
    """An exponent as micrograd names the operation: 2 not 2.0, -1 not -1.0."""
    return str(int(k)) if float(k).is_integer() and abs(k) < 1e15 else repr(float(k))


def _no_forward() -> float:
    raise RuntimeError("a leaf has no forward computation")


def _no_local_grads() -> tuple[float, ...]:
    return ()


@dataclass
class Deposit:
    """One chain-rule term: `to.grad += local * upstream`."""

    to: Value
    local: float
    upstream: float
    amount: float


@dataclass
class BackwardStep:
    """The deposits one node's backward makes into its operands."""

    node: Value
    deposits: list[Deposit]


class Value:
    """A scalar with its gradient and the operation that produced it."""

    __slots__ = (
        "_forward",
        "_local_grads",
        "_op",
        "_prev",
        "column",
        "data",
        "grad",
        "group",
        "id",
        "label",
        "line",
        "name",
    )

    def __init__(self, data: Number, _children: tuple[Value, ...] = (), _op: str = "", label: str = "") -> None:
        self.data: Number = check_finite(data, "the number")
        self.grad: Number = 0.0
        self.label = label
        self._prev = _children  # operands in order; `a + a` holds `a` twice
        self._op = _op
        self._forward: Callable[[], float] = _no_forward
        self._local_grads: Callable[[], tuple[float, ...]] = _no_local_grads
        # Where the value came from, filled in by the run that made it (None for values built in Python).
        self.id: str | None = None
        self.name: str | None = None
        self.line: int | None = None
        self.column: int | None = None
        self.group: str | None = None
        made = RECORDING.made
        if made is not None:
            made(self)

    def __repr__(self) -> str:
        return f"Value(data={self.data})"  # as the lecture's Value prints

    @staticmethod
    def _result(
        children: tuple[Value, ...],
        op: str,
        forward: Callable[[], float],
        local_grads: Callable[[], tuple[float, ...]],
    ) -> Value:
        out = Value(0.0, children, op)
        out._forward = forward
        out._local_grads = local_grads
        out.recompute()
        return out

    def recompute(self) -> None:
        """Run this node's forward computation again from its operands' current data."""
        try:
            self.data = check_finite(self._forward(), f"this {self._op}")
        except MathError as error:
            error.node = error.node or self
            raise
        except ZeroDivisionError:
            raise MathError(f"{self._op}: division by zero", self) from None
        except OverflowError:
            raise MathError(f"{self._op} overflows (the result is too large)", self) from None
        except ValueError:
            raise MathError(f"{self._op} has no real result here", self) from None

    def __add__(self, other: Value | Number) -> Value:
        other = as_value(other)

        def forward() -> float:
            return self.data + other.data

        def local_grads() -> tuple[float, ...]:
            return (1.0, 1.0)  # d(a+b)/da = 1, d(a+b)/db = 1

        return Value._result((self, other), "+", forward, local_grads)

    def __mul__(self, other: Value | Number) -> Value:
        other = as_value(other)

        def forward() -> float:
            return self.data * other.data

        def local_grads() -> tuple[float, ...]:
            return (other.data, self.data)  # d(a*b)/da = b, d(a*b)/db = a

        return Value._result((self, other), "*", forward, local_grads)

    def __pow__(self, k: Number) -> Value:
        if not isinstance(k, int | float):
            raise TypeError("only int/float powers are supported")  # micrograd's assert

        def forward() -> Number:
            if self.data == 0 and k < 0:
                raise MathError(f"0 cannot be raised to the power {format_exponent(k)} (division by zero)")
            if isinstance(self.data, int) and isinstance(k, int) and self.data.bit_length() * k > MAX_INT_BITS:
                raise MathError(f"{self.data} ** {k} overflows (the integer would be too large)")
            return check_finite(self.data**k, f"{format_number(self.data)} ** {format_exponent(k)}")

        def local_grads() -> tuple[Number, ...]:
            if self.data == 0 and k < 1 and k != 0:
                raise MathError(f"the derivative of x**{format_exponent(k)} at 0 is infinite")
            return (k * self.data ** (k - 1),)  # d(x**k)/dx = k * x**(k-1)

        return Value._result((self,), f"**{format_exponent(k)}", forward, local_grads)

    def __neg__(self) -> Value:  # -a = a * -1
        return self * -1

    def __sub__(self, other: Value | Number) -> Value:  # a - b = a + (-b); a plain number is negated as a float
        return self + (-other)

    def __truediv__(self, other: Value | Number) -> Value:  # a / b = a * b**-1; for a plain number, 1/b is a float
        return self * other**-1

    def __radd__(self, other: Number) -> Value:  # other + self
        return self + other

    def __rmul__(self, other: Number) -> Value:  # other * self
        return self * other

    def __rsub__(self, other: Number) -> Value:  # other - self
        return other + (-self)

    def __rtruediv__(self, other: Number) -> Value:  # other / self
        return other * self**-1

    def tanh(self) -> Value:
        """tanh, through math.tanh so that tanh(1000) is 1 with no overflow."""

        def forward() -> float:
            return math.tanh(self.data)

        def local_grads() -> tuple[float, ...]:
            return (1.0 - out.data**2,)  # d(tanh x)/dx = 1 - tanh(x)**2

        out = Value._result((self,), "tanh", forward, local_grads)
        return out

    def exp(self) -> Value:
        """e**x."""

        def forward() -> float:
            if self.data > 709.78:
                raise MathError(f"exp({format_number(self.data)}) overflows (the result is too large)")
            return math.exp(self.data)

        def local_grads() -> tuple[float, ...]:
            return (out.data,)  # d(exp x)/dx = exp x

        out = Value._result((self,), "exp", forward, local_grads)
        return out

    def log(self) -> Value:
        """The natural logarithm."""

        def forward() -> float:
            if self.data <= 0.0:
                raise MathError(f"log of a non-positive number: log({format_number(self.data)})")
            return math.log(self.data)

        def local_grads() -> tuple[float, ...]:
            return (1.0 / self.data,)  # d(log x)/dx = 1/x

        return Value._result((self,), "log", forward, local_grads)

    def relu(self) -> Value:
        """max(0, x), as micrograd's ReLU."""

        def forward() -> Number:
            return 0 if self.data < 0 else self.data  # micrograd's ReLU keeps an int an int

        def local_grads() -> tuple[float, ...]:
            return (1.0 if out.data > 0 else 0.0,)  # d(relu x)/dx = 1 where x > 0

        out = Value._result((self,), "ReLU", forward, local_grads)
        return out

    def sigmoid(self) -> Value:
        """1 / (1 + e**-x), computed without overflow for any x."""

        def forward() -> float:
            if self.data >= 0:
                return 1.0 / (1.0 + math.exp(-self.data))
            e = math.exp(self.data)
            return e / (1.0 + e)

        def local_grads() -> tuple[float, ...]:
            return (out.data * (1.0 - out.data),)  # d(sigmoid x)/dx = s * (1 - s)

        out = Value._result((self,), "sigmoid", forward, local_grads)
        return out

    def backward(self, order: list[Value] | None = None) -> list[BackwardStep]:
        """micrograd's backward(): grad 1 here, then the chain rule in reverse topological order.

        `order` is this value's topological order when the caller has it already. Returns the
        steps taken: the seed (no deposits), then one per operation node.
        """
        self.grad = 1.0
        steps = [BackwardStep(self, [])]
        for node in reversed(topological_order(self) if order is None else order):
            if not node._prev:
                continue
            try:
                locals_ = node._local_grads()
                deposits = []
                for child, local in zip(node._prev, locals_, strict=True):
                    amount = local * node.grad
                    child.grad += amount
                    if not (math.isfinite(amount) and math.isfinite(child.grad)):
                        raise MathError(f"a gradient overflows in the backward pass of {node._op}", node)
                    deposits.append(Deposit(child, local, node.grad, amount))
            except ZeroDivisionError:
                raise MathError(f"the derivative of {node._op} is infinite here", node) from None
            except OverflowError:
                raise MathError(f"a gradient overflows in the backward pass of {node._op}", node) from None
            except MathError as error:
                error.node = node
                raise
            steps.append(BackwardStep(node, deposits))
        return steps


def as_value(x: Value | Number) -> Value:
    """Wrap a plain number as a leaf, as micrograd does for `2 * x`."""
    return x if isinstance(x, Value) else Value(x)


def topological_order(root: Value) -> list[Value]:
    """Every value `root` depends on, operands before results, operands visited in order."""
    order: list[Value] = []
    visited: set[int] = set()
    stack: list[tuple[Value, int]] = [(root, 0)]
    visited.add(id(root))
    while stack:
        node, next_child = stack[-1]
        if next_child < len(node._prev):
            stack[-1] = (node, next_child + 1)
            child = node._prev[next_child]
            if id(child) not in visited:
                visited.add(id(child))
                stack.append((child, 0))
        else:
            stack.pop()
            order.append(node)
    return order
