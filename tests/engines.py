"""Students' own engines: the lecture's class Value with each classic mistake, as a real program text.

Operands are kept in a tuple (`self._prev = tuple(_children)`) in the buggy classes, so that the backward
pass visits them in the same order in every process (a set's order is its objects' addresses): a buggy
engine's numbers then depend on that order, and the explorer and CPython must show the same ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tests.lecture_programs import EXPRESSION_L, FIRST_VALUE_CELL, LECTURE_VALUE, NEURON

TUPLE_VALUE = LECTURE_VALUE.replace("self._prev = set(_children)", "self._prev = tuple(_children)")
MICROGRAD_ENGINE = (Path(__file__).parent.parent / "engine/program/prelude/micrograd.py").read_text()

# a is used twice: f = (a*b) * (a+b); df/da = b*e + d*1 = 3 - 6 = -3, df/db = a*e + d = -2 - 6 = -8
A_TWICE = """
a = Value(-2.0, label='a')
b = Value(3.0, label='b')
d = a * b    ; d.label = 'd'
e = a + b    ; e.label = 'e'
f = d * e    ; f.label = 'f'
f.backward()
print(a.grad, b.grad, d.grad, e.grad)
"""

# d, not a leaf, is used twice: f = d * (d + b); df/dd = e + d = -3 - 6 = -9
D_TWICE = """
a = Value(-2.0, label='a')
b = Value(3.0, label='b')
d = a * b    ; d.label = 'd'
e = d + b    ; e.label = 'e'
f = d * e    ; f.label = 'f'
f.backward()
print(a.grad, b.grad, d.grad, e.grad)
"""

L_BACKWARD = EXPRESSION_L + "L.backward()\nprint(a.grad, b.grad, c.grad, f.grad)\n"
NEURON_BACKWARD = NEURON + "o = n.tanh(); o.label = 'o'\no.backward()\nprint(n.grad, x1.grad, w1.grad)\n"
SQUARE = "a = Value(3.0, label='a')\nb = a**2; b.label = 'b'\nb.backward()\nprint(a.grad)\n"

# The recursive backward of the forums: each value's _backward, then its operands', with no topological sort.
RECURSIVE = """  def backward(self):
    self.grad = 1.0
    def go(v):
      v._backward()
      for child in v._prev:
        go(child)
    go(self)
"""
TANH_BACKWARD = "    def _backward():\n      self.grad += (1 - t**2) * out.grad\n    out._backward = _backward\n"
TOPOLOGICAL = TUPLE_VALUE[TUPLE_VALUE.index("  def backward(self):") :]


def replaced(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


@dataclass(frozen=True)
class Buggy:
    """A buggy engine, its program, and the check it must give: kind, node, operand, numbers, line."""

    name: str
    source: str
    kind: str
    node: str  # label of the node whose step it is
    to: str | None  # label of the operand
    expected: float
    got: float
    line_text: str  # the program line the check points at (its first occurrence)
    says: str  # words the message must contain


BUGGY = [
    Buggy(
        "= for +=",
        replaced(TUPLE_VALUE, "      self.grad += other.data * out.grad", "      self.grad = other.data * out.grad")
        + A_TWICE,
        "deposit", "d", "a", 3.0, 9.0, "      self.grad = other.data * out.grad", "use `+=`",
    ),
    Buggy(
        "forgotten out.grad",
        replaced(TUPLE_VALUE, "      other.grad += self.data * out.grad", "      other.grad += self.data")
        + L_BACKWARD,
        "deposit", "e", "b", -4.0, 2.0, "      other.grad += self.data", "out.grad (-2.0000) is missing",
    ),
    Buggy(
        "_backward left as lambda: None",
        replaced(TUPLE_VALUE, TANH_BACKWARD, "")
        + NEURON_BACKWARD,
        "missing", "o", "n", 0.5, 0.0, "  def tanh(self):", "lambda: None",
    ),
    Buggy(
        "the output where the input belongs",
        replaced(TUPLE_VALUE, "      self.grad += k * (self.data ** (k - 1)) * out.grad",
                 "      self.grad += k * (out.data ** (k - 1)) * out.grad")
        + SQUARE,
        "deposit", "b", "a", 6.0, 18.0, "      self.grad += k * (out.data ** (k - 1)) * out.grad",
        "output where the input belongs",
    ),
    Buggy(
        "the input where the output belongs (tanh)",
        replaced(TUPLE_VALUE, "      self.grad += (1 - t**2) * out.grad",
                 "      self.grad += (1 - self.data**2) * out.grad")
        + NEURON_BACKWARD,
        "deposit", "o", "n", 0.5, 1 - 0.8813735870195432**2, "      self.grad += (1 - self.data**2) * out.grad",
        "input where the output belongs",
    ),
    Buggy(
        "recursive backward without a topological sort",
        replaced(TUPLE_VALUE, TOPOLOGICAL, RECURSIVE) + D_TWICE,
        "order", "d", None, -9.0, -3.0, "      v._backward()", "before e",
    ),
]  # fmt: skip

DIRECT_SUB_DIV = """  def __truediv__(self, other):   # self / other, with its own _op
    out = Value(self.data / other.data, (self, other), '/')
    def _backward():
      self.grad += (1 / other.data) * out.grad
      other.grad += (-self.data / other.data**2) * out.grad
    out._backward = _backward
    return out

  def __neg__(self):              # -self
    return self * -1

  def __sub__(self, other):       # self - other, with its own _op
    out = Value(self.data - other.data, (self, other), '-')
    def _backward():
      self.grad += out.grad
      other.grad += -out.grad
    out._backward = _backward
    return out
"""
LECTURE_SUB_DIV = """  def __truediv__(self, other):   # self / other
    return self * other**-1

  def __neg__(self):              # -self
    return self * -1

  def __sub__(self, other):       # self - other
    return self + (-other)
"""
# b made before a: a class that keeps its operands in a set lists them in the order made, b first
SUB_DIV = "b = Value(3.0, label='b')\na = Value(2.0, label='a')\nc = (a - b) * (a / b); c.label = 'c'\nc.backward()\n"

CORRECT = {
    "own - and / (operands in a set)": replaced(LECTURE_VALUE, LECTURE_SUB_DIV, DIRECT_SUB_DIV) + SUB_DIV,
    "own - and / (operands in a tuple)": replaced(TUPLE_VALUE, LECTURE_SUB_DIV, DIRECT_SUB_DIV) + SUB_DIV,
    "the lecture's class (operands in a set)": LECTURE_VALUE + A_TWICE,
    "the lecture's class, neuron": LECTURE_VALUE + NEURON_BACKWARD,
    "the lecture's class, exp and division": LECTURE_VALUE
    + NEURON
    + "e = (2*n).exp()\no = (e - 1) / (e + 1)\no.backward()\nprint(x1.grad, w1.grad)\n",
    "tuple operands, a + a": TUPLE_VALUE + "a = Value(3.0, label='a')\nb = a + a; b.label = 'b'\nb.backward()\n",
    "micrograd's engine pasted": MICROGRAD_ENGINE
    + "a = Value(-2.0)\nb = Value(3.0)\nc = (a * b + b**2).relu() - a / b\nc.backward()\nprint(a.grad, b.grad)\n",
}

# The lecture's first cell (no backward yet) and its backprop by hand, with b.grad set to +4 where -4 belongs.
MANUAL_SETS = (
    FIRST_VALUE_CELL
    + EXPRESSION_L
    + "L.grad = 1.0\nf.grad = 4.0\nd.grad = -2.0\ne.grad = -2.0\nc.grad = -2.0\na.grad = 6.0\nb.grad = 4.0\n"
)

MISSING_RMUL = replaced(
    LECTURE_VALUE, "  def __rmul__(self, other):      # other * self\n    return self * other\n", ""
)
MISSING_RADD = replaced(
    LECTURE_VALUE, "  def __radd__(self, other):      # other + self\n    return self + other\n", ""
)


def line_of(source: str, text: str) -> int:
    """The 1-based line of the first line of source equal to text, or starting with it."""
    lines = source.split("\n")
    exact = [number for number, line in enumerate(lines, 1) if line == text]
    return exact[0] if exact else next(number for number, line in enumerate(lines, 1) if line.startswith(text))
