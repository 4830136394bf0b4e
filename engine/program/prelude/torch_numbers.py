# torch's numbers, run before torch.py in one namespace with it (engine/program/modules.py): the dtypes,
# each result rounded to its dtype, PyTorch's formulas for powers and for tanh's backward, and the
# numbers a tensor's data and grad are, which print as PyTorch prints a tensor without grad.
import math

import numpy as np


class dtype:
    def __init__(self, name, bits):
        self.name = name
        self.bits = bits
        self.is_floating_point = True

    def __repr__(self):
        return "torch." + self.name


float32 = dtype("float32", 32)
float64 = dtype("float64", 64)


def _round(x, kind):
    # a float32 result is the float64 one rounded to float32 (exact for + - * /: 53 >= 2 * 24 + 2 bits)
    return float(np.float32(x)) if kind is float32 else float(x)


def _format(x):
    # PyTorch's _Formatter for one element, at its default precision of 4
    if x == 0 or math.isinf(x) or math.isnan(x):
        return f"{x:.0f}" + ("" if math.isinf(x) or math.isnan(x) else ".")
    if abs(x) > 1e8 or abs(x) < 1e-4:
        return f"{x:.4e}"
    if x == math.ceil(x):
        return f"{x:.0f}."
    return f"{x:.4f}"


def _text(x, kind, scalar, extra):
    body = _format(x) if scalar else "[" + _format(x) + "]"
    suffix = "" if kind is float32 else ", dtype=torch." + kind.name
    return "tensor(" + body + suffix + extra + ")"


class Number(float):
    # a tensor's data or grad: a number for the explorer, a tensor without grad for the program
    def __new__(cls, x, kind=float32, scalar=False):
        out = float.__new__(cls, x)
        out.dtype = kind
        out.scalar = scalar
        return out

    def item(self):
        return float(self)

    def tolist(self):
        return float(self) if self.scalar else [float(self)]

    def double(self):
        return Number(float(self), float64, self.scalar)

    def float(self):
        return Number(_round(float(self), float32), float32, self.scalar)

    @property
    def shape(self):
        return Size(() if self.scalar else (1,))

    def __repr__(self):
        return _text(float(self), self.dtype, self.scalar, "")

    __str__ = __repr__


class Size(tuple):
    def __repr__(self):
        return "torch.Size([" + ", ".join(str(n) for n in self) + "])"


def _one_minus_square(t):
    # 1 - t*t rounded once, as PyTorch's tanh backward computes it (a fused multiply-add)
    n, d = t.as_integer_ratio()
    return (d * d - n * n) / (d * d)  # Python divides integers correctly rounded


def _power(x, k, kind):
    # PyTorch's pow for a number exponent: its special cases, else pow
    if k == 2:
        return _round(x * x, kind)
    if k == 3:
        return _round(_round(x * x, kind) * x, kind)
    if k == 0.5:
        return _round(math.sqrt(x), kind)
    if k == -1:
        return _round(1 / x, kind)
    if k == 1:
        return x
    return _round(math.pow(x, k), kind)
