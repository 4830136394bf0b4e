# The explorer's built-in Value, available without an import: micrograd's engine.py (micrograd 0.1.0)
# with the lecture's `label=`, `tanh()`, `exp()`, `log()`, `sigmoid()` and repr. It runs in the
# program's process and is recorded like any program's own class. Two choices differ from micrograd,
# neither in a number: `_prev` keeps the operands in order (so `a + a` has two edges, as the picture
# draws them), and backward() sorts the graph without recursion (so a chain of 10,000 values is fine).
# `from micrograd.engine import Value` gives micrograd's own (micrograd.py beside this file).
import math


def _exponent(k):
    """micrograd names x**2 `**2`; a float power that is a whole number reads the same."""
    return str(int(k)) if isinstance(k, float) and k.is_integer() and abs(k) < 1e15 else str(k)


class Value:
    def __init__(self, data, _children=(), _op="", label=""):
        self.data = data
        self.grad = 0.0
        self._backward = lambda: None
        self._prev = tuple(_children)
        self._op = _op
        self.label = label

    def __repr__(self):
        return f"Value(data={self.data})"

    def __add__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), "+")

        def _backward():
            self.grad += 1.0 * out.grad  # d(a+b)/da = 1
            other.grad += 1.0 * out.grad  # d(a+b)/db = 1

        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), "*")

        def _backward():
            self.grad += other.data * out.grad  # d(a*b)/da = b
            other.grad += self.data * out.grad  # d(a*b)/db = a

        out._backward = _backward
        return out

    def __pow__(self, other):
        assert isinstance(other, (int, float)), "only supporting int/float powers for now"
        out = Value(self.data**other, (self,), f"**{_exponent(other)}")

        def _backward():
            self.grad += (other * self.data ** (other - 1)) * out.grad  # d(x**k)/dx = k * x**(k-1)

        out._backward = _backward
        return out

    def tanh(self):
        t = math.tanh(self.data)  # math.tanh: tanh(1000) is 1, with no overflow
        out = Value(t, (self,), "tanh")

        def _backward():
            self.grad += (1 - t**2) * out.grad  # d(tanh x)/dx = 1 - tanh(x)**2

        out._backward = _backward
        return out

    def exp(self):
        out = Value(math.exp(self.data), (self,), "exp")

        def _backward():
            self.grad += out.data * out.grad  # d(e**x)/dx = e**x

        out._backward = _backward
        return out

    def log(self):
        out = Value(math.log(self.data), (self,), "log")

        def _backward():
            self.grad += (1 / self.data) * out.grad  # d(log x)/dx = 1/x

        out._backward = _backward
        return out

    def relu(self):
        out = Value(0 if self.data < 0 else self.data, (self,), "ReLU")

        def _backward():
            self.grad += (out.data > 0) * out.grad  # d(relu x)/dx = 1 where x > 0

        out._backward = _backward
        return out

    def sigmoid(self):
        if self.data >= 0:
            s = 1 / (1 + math.exp(-self.data))
        else:
            e = math.exp(self.data)  # the same number, without overflow for a very negative x
            s = e / (1 + e)
        out = Value(s, (self,), "sigmoid")

        def _backward():
            self.grad += s * (1 - s) * out.grad  # d(sigmoid x)/dx = s * (1 - s)

        out._backward = _backward
        return out

    def backward(self):
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
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()

    def __neg__(self):  # -self
        return self * -1

    def __radd__(self, other):  # other + self
        return self + other

    def __sub__(self, other):  # self - other
        return self + (-other)

    def __rsub__(self, other):  # other - self
        return other + (-self)

    def __rmul__(self, other):  # other * self
        return self * other

    def __truediv__(self, other):  # self / other
        return self * other**-1

    def __rtruediv__(self, other):  # other / self
        return other * self**-1
