# torch as the lecture uses it to check its neuron: one-element tensors with autograd, giving the numbers
# PyTorch gives (float32 unless made double, each result rounded to its dtype, PyTorch's own backward
# formulas, its repr). A tensor is a value the explorer draws: its `data` and `grad` are numbers that
# also answer `.item()` and print as PyTorch prints them. Not PyTorch: a grad reads 0 before backward()
# (PyTorch's is None), and every tensor of the graph gets its grad (PyTorch keeps only the leaves').
# Run after torch_numbers.py, in one namespace with it (engine/program/modules.py): the dtypes,
# the rounding, the printing and the number type are there.
import math


def _scalar_of(values):
    # torch.Tensor([2.0]) and torch.tensor(2.0): the one number the explorer's tensors hold
    if isinstance(values, Tensor):
        return float(values.data), values.data.scalar
    if isinstance(values, (int, float)) and not isinstance(values, bool):
        return float(values), True
    if isinstance(values, (list, tuple)) and len(values) == 1 and isinstance(values[0], (int, float)):
        return float(values[0]), False
    raise TypeError("the explorer's torch holds one-element tensors: torch.Tensor([2.0]) or torch.tensor(2.0)")


class Tensor:
    def __init__(self, data, _children=(), _op="", kind=None, scalar=None, grad_fn=None):
        if kind is None:  # torch.Tensor([2.0]): float32
            number, scalar = _scalar_of(data)
            if scalar:
                raise TypeError("torch.Tensor() takes a list: torch.Tensor([2.0])")
            kind, data = float32, number
        self.data = Number(_round(data, kind), kind, scalar)
        self.grad = Number(0.0, kind, scalar)
        self.requires_grad = False
        self.grad_fn = grad_fn
        self._backward = lambda: None
        self._prev = tuple(_children)
        self._op = _op
        self.label = ""

    @property
    def dtype(self):
        return self.data.dtype

    @property
    def shape(self):
        return self.data.shape

    @property
    def is_leaf(self):
        return self.grad_fn is None

    def item(self):
        return float(self.data)

    def tolist(self):
        return self.data.tolist()

    def __float__(self):
        return float(self.data)

    def __repr__(self):
        if self.grad_fn is not None:
            extra = ", grad_fn=<" + self.grad_fn + ">"
        else:
            extra = ", requires_grad=True" if self.requires_grad else ""
        return _text(float(self.data), self.dtype, self.data.scalar, extra)

    __str__ = __repr__

    def _make(self, number, children, op, grad_fn, kind=None):
        kind = kind or self.dtype
        scalar = all(c.data.scalar for c in children)
        tracked = any(c.requires_grad or c.grad_fn is not None for c in children)
        return Tensor(number, children, op, kind, scalar, grad_fn if tracked else None)

    def _add(self, to, amount):
        # a grad accumulated in the tensor's dtype
        to.grad = Number(_round(float(to.grad) + amount, to.dtype), to.dtype, to.data.scalar)

    def double(self):
        if self.grad_fn is None and not self.requires_grad:  # a new leaf, as PyTorch's is
            return Tensor(float(self.data), (), "", float64, self.data.scalar)
        out = self._make(float(self.data), (self,), "double", "ToCopyBackward0", float64)

        def _backward():
            self._add(self, _round(float(out.grad), self.dtype))  # d(x)/dx = 1, in x's dtype

        out._backward = _backward
        return out

    def float(self):
        if self.grad_fn is None and not self.requires_grad:
            return Tensor(float(self.data), (), "", float32, self.data.scalar)
        out = self._make(float(self.data), (self,), "float", "ToCopyBackward0", float32)

        def _backward():
            self._add(self, float(out.grad))  # d(x)/dx = 1

        out._backward = _backward
        return out

    def __add__(self, other):
        other, kind = _operand(self, other)
        out = self._make(_round(self.data + other.data, kind), (self, other), "+", "AddBackward0", kind)

        def _backward():
            self._add(self, float(out.grad))  # d(a+b)/da = 1
            other._add(other, float(out.grad))  # d(a+b)/db = 1

        out._backward = _backward
        return out

    def __sub__(self, other):
        other, kind = _operand(self, other)
        out = self._make(_round(self.data - other.data, kind), (self, other), "-", "SubBackward0", kind)

        def _backward():
            self._add(self, float(out.grad))  # d(a-b)/da = 1
            other._add(other, -float(out.grad))  # d(a-b)/db = -1

        out._backward = _backward
        return out

    def __mul__(self, other):
        other, kind = _operand(self, other)
        out = self._make(_round(self.data * other.data, kind), (self, other), "*", "MulBackward0", kind)

        def _backward():
            self._add(self, _round(out.grad * other.data, kind))  # d(a*b)/da = b
            other._add(other, _round(out.grad * self.data, kind))  # d(a*b)/db = a

        out._backward = _backward
        return out

    def __truediv__(self, other):
        other, kind = _operand(self, other)
        out = self._make(_round(self.data / other.data, kind), (self, other), "/", "DivBackward0", kind)

        def _backward():
            g = float(out.grad)
            self._add(self, _round(g / other.data, kind))  # d(a/b)/da = 1/b
            ratio = _round(_round(self.data / other.data, kind) / other.data, kind)
            other._add(other, _round(-g * ratio, kind))  # d(a/b)/db = -a/b**2

        out._backward = _backward
        return out

    def __pow__(self, k):
        if not isinstance(k, (int, float)) or isinstance(k, bool):
            raise TypeError("the explorer's torch raises tensors to a number: x**2")
        kind = self.dtype
        out = self._make(_power(float(self.data), k, kind), (self,), "**" + str(k), "PowBackward0", kind)

        def _backward():
            if k == 0:
                return
            local = _round(k * _power(float(self.data), k - 1, kind), kind)
            self._add(self, _round(out.grad * local, kind))  # d(x**k)/dx = k * x**(k-1)

        out._backward = _backward
        return out

    def __neg__(self):
        out = self._make(-float(self.data), (self,), "neg", "NegBackward0")

        def _backward():
            self._add(self, -float(out.grad))  # d(-x)/dx = -1

        out._backward = _backward
        return out

    def __radd__(self, other):
        return self + other

    def __rmul__(self, other):
        return self * other

    def __rsub__(self, other):
        out = (-self) + other
        out.grad_fn = "RsubBackward1" if out.grad_fn else None
        return out

    def __rtruediv__(self, other):
        # PyTorch's `2 / x` is x.reciprocal() * 2
        kind = self.dtype
        r = _round(1 / float(self.data), kind)
        inverse = self._make(r, (self,), "1/x", "ReciprocalBackward0")

        def _backward():
            self._add(self, _round(-inverse.grad * _round(r * r, kind), kind))  # d(1/x)/dx = -1/x**2

        inverse._backward = _backward
        return inverse * other

    def tanh(self):
        kind = self.dtype
        t = _round(math.tanh(self.data), kind)
        out = self._make(t, (self,), "tanh", "TanhBackward0")

        def _backward():
            local = _round(_one_minus_square(t), kind)
            self._add(self, _round(out.grad * local, kind))  # d(tanh x)/dx = 1 - tanh(x)**2

        out._backward = _backward
        return out

    def exp(self):
        kind = self.dtype
        e = _round(math.exp(self.data), kind)
        out = self._make(e, (self,), "exp", "ExpBackward0")

        def _backward():
            self._add(self, _round(out.grad * e, kind))  # d(e**x)/dx = e**x

        out._backward = _backward
        return out

    def relu(self):
        r = float(self.data) if self.data > 0 else 0.0
        out = self._make(r, (self,), "ReLU", "ReluBackward0")

        def _backward():
            self._add(self, float(out.grad) if r > 0 else 0.0)  # d(relu x)/dx = 1 where relu x > 0

        out._backward = _backward
        return out

    def sigmoid(self):
        kind = self.dtype
        x = float(self.data)
        s = _round(1 / (1 + math.exp(-x)) if x > -700 else 0.0, kind)
        out = self._make(s, (self,), "sigmoid", "SigmoidBackward0")

        def _backward():
            local = _round(_round(out.grad * _round(1 - s, kind), kind) * s, kind)
            self._add(self, local)  # d(sigmoid x)/dx = s * (1 - s)

        out._backward = _backward
        return out

    def backward(self):
        if self.grad_fn is None and not self.requires_grad:
            raise RuntimeError("element 0 of tensors does not require grad and does not have a grad_fn")
        topo = []
        visited = {self}
        stack = [(self, iter(self._prev))]
        while stack:
            v, children = stack[-1]
            for child in children:
                if child not in visited:
                    visited.add(child)
                    stack.append((child, iter(child._prev)))
                    break
            else:
                stack.pop()
                topo.append(v)
        self.grad = Number(1.0, self.dtype, self.data.scalar)
        for v in reversed(topo):
            v._backward()


def _operand(a, b):
    # the other operand as a tensor, and the result's dtype: a number takes the tensor's
    if isinstance(b, Tensor):
        return b, float64 if float64 in (a.dtype, b.dtype) else float32
    if isinstance(b, (int, float)) and not isinstance(b, bool):
        return Tensor(float(b), (), "", a.dtype, True), a.dtype
    raise TypeError("unsupported operand: a tensor combines with a tensor or a number")


def tensor(data, dtype=None, requires_grad=False):
    number, scalar = _scalar_of(data)
    out = Tensor(number, (), "", dtype or float32, scalar)
    out.requires_grad = bool(requires_grad)
    return out


def tanh(x):
    return x.tanh()


def exp(x):
    return x.exp()


def relu(x):
    return x.relu()


def sigmoid(x):
    return x.sigmoid()
