"""The chain rule of micrograd's operations, written independently of any program's `_backward`.

For an operation node, `rule(op, operands, out)` gives the local derivative d(out)/d(operand) of each
operand position, with the formula a student would write for it. Micrograd's operations and their
decompositions are known: `+`, `*`, `**k`, `tanh`, `exp`, `log`, `ReLU`, `sigmoid`, and `-` and `/`
as a class may define them directly. A class that keeps its operands in a set records `a + a` with one
operand; such a node's rule counts the operand twice. The order of a set's operands is the order the
values were made, so for `-` and `/` the order whose forward result matches the node's data is taken.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

AGREE = 1e-9  # relative difference under which a recomputed forward result is the recorded one


@dataclass(frozen=True)
class Local:
    """The local derivative of each operand position, and how it reads (`other.data`, `1 - out.data**2`)."""

    op: str
    derivatives: tuple[float, ...]
    formulas: tuple[str, ...]
    swapped: tuple[float, ...] | None = None  # the derivative with the output where the input belongs (or back)
    order: tuple[int, ...] = (0, 1)  # operand positions as the program wrote them (a - b: a first)


def _sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))


def power_of(op: str) -> float | None:
    """k of `**k` (micrograd writes f'**{k}'), else None."""
    if not op.startswith("**"):
        return None
    try:
        return float(op[2:])
    except ValueError:
        return None


def agree(a: float, b: float, relative: float = AGREE) -> bool:
    """Whether two numbers are the same result up to rounding."""
    return abs(a - b) <= relative * max(abs(a), abs(b)) + 1e-300


def forward(op: str, operands: Sequence[float]) -> float:
    """The operation on its operands' data; KeyError for one not known, ArithmeticError/ValueError off its domain."""
    n = len(operands)
    k = power_of(op)
    if k is not None and n == 1:
        return float(operands[0] ** k)
    if n == 1:
        x = operands[0]
        unary: dict[str, Callable[[float], float]] = {
            "tanh": math.tanh, "exp": math.exp, "log": math.log, "ReLU": lambda v: max(0.0, v),
            "relu": lambda v: max(0.0, v), "sigmoid": _sigmoid, "neg": lambda v: -v,
            "+": lambda v: 2 * v, "*": lambda v: v * v, "-": lambda v: -v, "/": lambda v: 1.0,
        }  # fmt: skip
        if op in unary:
            return float(unary[op](x))
    if n == 2:
        a, b = operands
        if op == "+":
            return a + b
        if op == "*":
            return a * b
        if op == "-":
            return a - b
        if op == "/":
            return a / b
    raise KeyError(op)


def rule(op: str, operands: Sequence[float], out: float) -> Local | None:
    """The local derivatives of a node of operation `op` whose operands had `operands` and whose data is `out`;
    None for an operation not known here (its node gets the finite-difference check only), and where a
    derivative is not a finite real number (log at 0, a fractional power of a negative number)."""
    try:
        found = _rule(op, operands, out)
    except (ArithmeticError, ValueError, TypeError):
        return None
    if found is None or not all(type(d) is float and math.isfinite(d) for d in found.derivatives):
        return None
    return found


def _rule(op: str, operands: Sequence[float], out: float) -> Local | None:
    n = len(operands)
    k = power_of(op)
    if n == 1:
        x = operands[0]
        if k is not None:
            return Local(op, (float(k * x ** (k - 1)),), (f"{k:g} * self.data**{k - 1:g}",), (k * out ** (k - 1),))
        if op == "tanh":
            return Local(op, (1 - out * out,), ("1 - out.data**2",), (1 - x * x,))
        if op == "exp":
            return Local(op, (out,), ("out.data",), (x,))
        if op == "log":
            return Local(op, (1 / x,), ("1 / self.data",), (1 / out if out else math.inf,))
        if op in ("ReLU", "relu"):
            return Local(op, (1.0 if x > 0 else 0.0,), ("(out.data > 0)",))
        if op == "sigmoid":
            return Local(op, (out * (1 - out),), ("out.data * (1 - out.data)",), (x * (1 - x),))
        if op == "neg" or (op == "-" and agree(out, -x)):
            return Local(op, (-1.0,), ("-1",))
        if op == "+":  # a + a with its operands in a set
            return Local(op, (2.0,), ("1 + 1 (a + a)",))
        if op == "*":  # a * a
            return Local(op, (2 * x,), ("2 * self.data (a * a)",))
        if op in ("-", "/"):  # a - a, a / a
            return Local(op, (0.0,), ("0",))
        return None
    if n != 2:
        return None
    a, b = operands
    if op == "+":
        return Local(op, (1.0, 1.0), ("1", "1"))
    if op == "*":
        return Local(op, (b, a), ("other.data", "self.data"), (a, b))
    if op in ("-", "/"):
        matches = [_matches(op, pair, out) for pair in ((a, b), (b, a))]
        if not any(matches):
            return None  # neither order gives the node's data: not the operation its name says
        first = 0 if matches[0] else 1
        x, y = (a, b) if first == 0 else (b, a)
        if op == "-":
            derivatives: tuple[float, float] = (1.0, -1.0)
            formulas = ("1", "-1")
        else:
            derivatives = (1 / y, -x / (y * y))
            formulas = ("1 / other.data", "-self.data / other.data**2")
        if first == 1:
            return Local(op, derivatives[::-1], formulas[::-1], order=(1, 0))
        return Local(op, derivatives, formulas)
    return None


def reversed_operands(op: str, operands: Sequence[float], out: float) -> bool:
    """Whether a `-` or `/` node's two operands, as recorded, are in the other order than the program wrote
    them (a set lists them in the order made): only the reversed order gives its data."""
    if op not in ("-", "/") or len(operands) != 2:
        return False
    a, b = operands
    return not _matches(op, (a, b), out) and _matches(op, (b, a), out)


def _matches(op: str, operands: tuple[float, float], out: float) -> bool:
    try:
        return agree(forward(op, operands), out)
    except ArithmeticError:
        return False


def true_grads(
    children: Sequence[Sequence[int]], ops: Sequence[str], order: Sequence[int], data: dict[int, float]
) -> dict[int, float] | None:
    """d(output)/d(node) for every node of `order` (topological, output last) by the chain rule above;
    None when an operation is not known."""
    grads = dict.fromkeys(order, 0.0)
    grads[order[-1]] = 1.0
    for k in reversed(order):
        kids = children[k]
        if not kids:
            continue
        local = rule(ops[k], [data[c] for c in kids], data[k])
        if local is None:
            return None
        for child, derivative in zip(kids, local.derivatives, strict=True):
            grads[child] += derivative * grads[k]
    return grads
