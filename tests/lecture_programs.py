"""Programs of the lecture's kind, as a student pastes them, with the built-in Value, micrograd's or their own class."""

from __future__ import annotations

from textwrap import dedent

F_OF_X = """\
import math
import random

def f(x):
    return 3*x**2 - 4*x + 5
"""

EXPRESSION_L = """\
a = Value(2.0, label='a')
b = Value(-3.0, label='b')
c = Value(10.0, label='c')
e = a*b; e.label = 'e'
d = e + c; d.label = 'd'
f = Value(-2.0, label='f')
L = d * f; L.label = 'L'
"""

NEURON = """\
# inputs x1,x2
x1 = Value(2.0, label='x1')
x2 = Value(0.0, label='x2')
# weights w1,w2
w1 = Value(-3.0, label='w1')
w2 = Value(1.0, label='w2')
# bias of the neuron
b = Value(6.8813735870195432, label='b')
# x1*w1 + x2*w2 + b
x1w1 = x1*w1; x1w1.label = 'x1*w1'
x2w2 = x2*w2; x2w2.label = 'x2*w2'
x1w1x2w2 = x1w1 + x2w2; x1w1x2w2.label = 'x1*w1 + x2*w2'
n = x1w1x2w2 + b; n.label = 'n'
"""

MLP_CLASSES = """\
import random
random.seed(1337)

class Neuron:

  def __init__(self, nin):
    self.w = [Value(random.uniform(-1,1)) for _ in range(nin)]
    self.b = Value(random.uniform(-1,1))

  def __call__(self, x):
    # w * x + b
    act = sum((wi*xi for wi, xi in zip(self.w, x)), self.b)
    out = act.tanh()
    return out

  def parameters(self):
    return self.w + [self.b]

class Layer:

  def __init__(self, nin, nout):
    self.neurons = [Neuron(nin) for _ in range(nout)]

  def __call__(self, x):
    outs = [n(x) for n in self.neurons]
    return outs[0] if len(outs) == 1 else outs

  def parameters(self):
    return [p for neuron in self.neurons for p in neuron.parameters()]

class MLP:

  def __init__(self, nin, nouts):
    sz = [nin] + nouts
    self.layers = [Layer(sz[i], sz[i+1]) for i in range(len(nouts))]

  def __call__(self, x):
    for layer in self.layers:
      x = layer(x)
    return x

  def parameters(self):
    return [p for layer in self.layers for p in layer.parameters()]

x = [2.0, 3.0, -1.0]
n = MLP(3, [4, 4, 1])
"""

DATASET = """\
xs = [
  [2.0, 3.0, -1.0],
  [3.0, -1.0, 0.5],
  [0.5, 1.0, 1.0],
  [1.0, 1.0, -1.0],
]
ys = [1.0, -1.0, -1.0, 1.0] # desired targets
"""


def training_loop(zero_grad: bool = True, learning_rate: float = 0.1, steps: int = 20) -> str:
    """The lecture's training loop cell, with or without its zero_grad, at a learning rate."""
    reset = "  for p in n.parameters():\n    p.grad = 0.0\n" if zero_grad else ""
    return (
        MLP_CLASSES
        + DATASET
        + f"""
for k in range({steps}):

  # forward pass
  ypred = [n(x) for x in xs]
  loss = sum((yout - ygt)**2 for ygt, yout in zip(ys, ypred))

  # backward pass
{reset}  loss.backward()

  # update
  for p in n.parameters():
    p.data += -{learning_rate} * p.grad

  print(k, loss.data)

ypred
"""
    )


# The lecture's class Value as its first cell has it: + and *, tanh, no backward() yet.
FIRST_VALUE_CELL = """\
import math

class Value:

  def __init__(self, data, _children=(), _op='', label=''):
    self.data = data
    self.grad = 0.0
    self._backward = lambda: None   # a leaf has nothing to pass back
    self._prev = set(_children)
    self._op = _op
    self.label = label

  def __repr__(self):
    return f"Value(data={self.data})"

  def __add__(self, other):
    out = Value(self.data + other.data, (self, other), '+')
    def _backward():
      self.grad += 1.0 * out.grad     # d(a+b)/da = 1
      other.grad += 1.0 * out.grad    # d(a+b)/db = 1
    out._backward = _backward
    return out

  def __mul__(self, other):
    out = Value(self.data * other.data, (self, other), '*')
    def _backward():
      self.grad += other.data * out.grad   # d(a*b)/da = b
      other.grad += self.data * out.grad   # d(a*b)/db = a
    out._backward = _backward
    return out

  def tanh(self):
    n = self.data
    t = (math.exp(2*n) - 1)/(math.exp(2*n) + 1)
    out = Value(t, (self, ), 'tanh')
    def _backward():
      self.grad += (1 - t**2) * out.grad   # d(tanh n)/dn = 1 - tanh(n)**2
    out._backward = _backward
    return out

"""

# The lecture's class Value grown to all it needs for the MLP: numbers wrapped, the reflected and derived
# operations, exp, and backward() over a topological sort.
LECTURE_VALUE = """\
import math

class Value:

  def __init__(self, data, _children=(), _op='', label=''):
    self.data = data
    self.grad = 0.0
    self._backward = lambda: None
    self._prev = set(_children)
    self._op = _op
    self.label = label

  def __repr__(self):
    return f"Value(data={self.data})"

  def __add__(self, other):
    other = other if isinstance(other, Value) else Value(other)   # 2.0 + a works too
    out = Value(self.data + other.data, (self, other), '+')
    def _backward():
      self.grad += 1.0 * out.grad
      other.grad += 1.0 * out.grad
    out._backward = _backward
    return out

  def __mul__(self, other):
    other = other if isinstance(other, Value) else Value(other)
    out = Value(self.data * other.data, (self, other), '*')
    def _backward():
      self.grad += other.data * out.grad
      other.grad += self.data * out.grad
    out._backward = _backward
    return out

  def __pow__(self, k):
    assert isinstance(k, (int, float)), "only int and float powers"
    out = Value(self.data**k, (self,), f'**{k}')
    def _backward():
      self.grad += k * (self.data ** (k - 1)) * out.grad   # d(x**k)/dx = k * x**(k-1)
    out._backward = _backward
    return out

  def exp(self):
    out = Value(math.exp(self.data), (self, ), 'exp')
    def _backward():
      self.grad += out.data * out.grad   # d(e**x)/dx = e**x
    out._backward = _backward
    return out

  def tanh(self):
    n = self.data
    t = (math.exp(2*n) - 1)/(math.exp(2*n) + 1)
    out = Value(t, (self, ), 'tanh')
    def _backward():
      self.grad += (1 - t**2) * out.grad
    out._backward = _backward
    return out

  def __radd__(self, other):      # other + self
    return self + other

  def __rmul__(self, other):      # other * self
    return self * other

  def __truediv__(self, other):   # self / other
    return self * other**-1

  def __neg__(self):              # -self
    return self * -1

  def __sub__(self, other):       # self - other
    return self + (-other)

  def backward(self):
    # order the graph so that a value comes after everything it depends on
    topo = []
    visited = set()
    def build_topo(v):
      if v not in visited:
        visited.add(v)
        for child in v._prev:
          build_topo(child)
        topo.append(v)
    build_topo(self)
    self.grad = 1.0
    for node in reversed(topo):
      node._backward()

"""

KITE = """\
p = Value(1.5, label='p')
q = Value(-4.0, label='q')
r = Value(7.0, label='r')
s = p*q; s.label = 's'
t = s + r; t.label = 't'
u = Value(-3.0, label='u')
M = t * u; M.label = 'M'
"""

SMALL_NEURON = """\
x1 = Value(-1.0, label='x1')
x2 = Value(0.5, label='x2')
w1 = Value(2.0, label='w1')
w2 = Value(-1.5, label='w2')
b = Value(0.25, label='b')
x1w1 = x1*w1; x1w1.label = 'x1*w1'
x2w2 = x2*w2; x2w2.label = 'x2*w2'
x1w1x2w2 = x1w1 + x2w2; x1w1x2w2.label = 'x1*w1 + x2*w2'
n = x1w1x2w2 + b; n.label = 'n'
o = n.tanh(); o.label = 'o'
"""

PROGRAMS: dict[str, str] = {
    "lecture-f-of-x": F_OF_X + "\nf(3.0)\n",
    "lecture-slope-of-f": F_OF_X
    + "\nh = 0.0001\nx = 3.0\nprint((f(x + h) - f(x))/h)\nx = -3.0\nprint((f(x + h) - f(x))/h)\n",
    "lecture-slope-abc": dedent("""\
        # les get more complex
        a = 2.0
        b = -3.0
        c = 10.0
        d = a*b + c
        print(d)

        h = 0.0001

        # inputs
        a = 2.0
        b = -3.0
        c = 10.0

        d1 = a*b + c
        c += h
        d2 = a*b + c

        print('d1', d1)
        print('d2', d2)
        print('slope', (d2 - d1)/h)
        """),
    "lecture-expression-L": EXPRESSION_L + "L\n",
    "lecture-L-backward": EXPRESSION_L + "L.backward()\ndraw_dot(L)\nprint(a.grad, b.grad, c.grad, f.grad)\n",
    "lecture-L-nudge": EXPRESSION_L
    + dedent("""\
        L.backward()

        a.data += 0.01 * a.grad
        b.data += 0.01 * b.grad
        c.data += 0.01 * c.grad
        f.data += 0.01 * f.grad

        e = a * b
        d = e + c
        L = d * f

        print(L.data)
        """),
    "lecture-lol": dedent("""\
        def lol():

          h = 0.001

          a = Value(2.0, label='a')
          b = Value(-3.0, label='b')
          c = Value(10.0, label='c')
          e = a*b; e.label = 'e'
          d = e + c; d.label = 'd'
          f = Value(-2.0, label='f')
          L = d * f; L.label = 'L'
          L1 = L.data

          a = Value(2.0 + h, label='a')
          b = Value(-3.0, label='b')
          c = Value(10.0, label='c')
          e = a*b; e.label = 'e'
          d = e + c; d.label = 'd'
          f = Value(-2.0, label='f')
          L = d * f; L.label = 'L'
          L2 = L.data

          print((L2 - L1)/h)

        lol()
        """),
    "lecture-neuron-tanh": "%matplotlib inline\n" + NEURON + "o = n.tanh(); o.label = 'o'\no.backward()\ndraw_dot(o)\n",
    "lecture-neuron-exp": NEURON
    + dedent("""\
        # ----
        e = (2*n).exp()
        o = (e - 1) / (e + 1)
        # ----
        o.label = 'o'
        o.backward()
        draw_dot(o)
        print(x1.grad, w1.grad, x2.grad, w2.grad)
        """),
    "lecture-a-plus-a": "a = Value(3.0, label='a')\nb = a + a   ; b.label = 'b'\nb.backward()\ndraw_dot(b)\n",
    "lecture-a-twice": dedent("""\
        a = Value(-2.0, label='a')
        b = Value(3.0, label='b')
        d = a * b    ; d.label = 'd'
        e = a + b    ; e.label = 'e'
        f = d * e    ; f.label = 'f'

        f.backward()

        draw_dot(f)
        """),
    "lecture-value-ops": dedent("""\
        a = Value(2.0)
        b = Value(4.0)
        print(a - b)
        print(a / b)
        print(2 * a, a * 2, a + 1, 1 + a, 1 - a)
        print(a.exp())
        print(a**3, a**-1, a**0.5)
        a
        """),
    "lecture-mlp-forward": MLP_CLASSES + "n(x)\n",
    "lecture-mlp-loss": MLP_CLASSES
    + DATASET
    + dedent("""\
        print(len(n.parameters()))
        ypred = [n(x) for x in xs]
        loss = sum((yout - ygt)**2 for ygt, yout in zip(ys, ypred))
        print(loss)
        loss.backward()
        print(n.layers[0].neurons[0].w[0])
        n.layers[0].neurons[0].w[0].grad
        """),
    "lecture-training": training_loop(),
    "zero-grad-bug": training_loop(zero_grad=False, steps=10),
    "learning-rate-too-high": training_loop(learning_rate=0.9, steps=12),
    "micrograd-test-sanity-check": dedent("""\
        from micrograd.engine import Value

        def test_sanity_check():

            x = Value(-4.0)
            z = 2 * x + 2 + x
            q = z.relu() + z * x
            h = (z * z).relu()
            y = h + q + q * x
            y.backward()
            xmg, ymg = x, y
            print(ymg.data, xmg.grad)
            assert ymg.data == -20.0
            assert xmg.grad == 46.0

        test_sanity_check()
        """),
    "micrograd-test-more-ops": dedent("""\
        from micrograd.engine import Value

        def test_more_ops():

            a = Value(-4.0)
            b = Value(2.0)
            c = a + b
            d = a * b + b**3
            c += c + 1
            c += 1 + c + (-a)
            d += d * 2 + (b + a).relu()
            d += 3 * d + (b - a).relu()
            e = c - d
            f = e**2
            g = f / 2.0
            g += 10.0 / f
            g.backward()
            amg, bmg, gmg = a, b, g
            print(gmg.data, amg.grad, bmg.grad)
            tol = 1e-6
            assert abs(gmg.data - 24.70408163265306) < tol
            assert abs(amg.grad - 138.83381924198252) < tol
            assert abs(bmg.grad - 645.5772594752186) < tol

        test_more_ops()
        """),
    "micrograd-demo": dedent("""\
        import random
        import numpy as np
        from micrograd.engine import Value
        from micrograd.nn import Neuron, Layer, MLP

        random.seed(1337)

        # a small two-class data set: inside or outside a circle
        X = [[random.uniform(-2, 2), random.uniform(-2, 2)] for _ in range(16)]
        y = [1 if x0*x0 + x1*x1 < 1.5 else -1 for x0, x1 in X]

        model = MLP(2, [8, 1]) # 2-layer neural network
        print(model)
        print("number of parameters", len(model.parameters()))

        def loss():
            inputs = [list(map(Value, xrow)) for xrow in X]
            # forward the model to get scores
            scores = list(map(model, inputs))
            # svm "max-margin" loss
            losses = [(1 + -yi*scorei).relu() for yi, scorei in zip(y, scores)]
            data_loss = sum(losses) * (1.0 / len(losses))
            # L2 regularization
            alpha = 1e-4
            reg_loss = alpha * sum((p*p for p in model.parameters()))
            total_loss = data_loss + reg_loss
            # also get accuracy
            accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores)]
            return total_loss, sum(accuracy) / len(accuracy)

        total_loss, acc = loss()
        print(total_loss.data, acc)

        # optimization
        for k in range(10):

            # forward
            total_loss, acc = loss()

            # backward
            model.zero_grad()
            total_loss.backward()

            # update (sgd)
            learning_rate = 1.0 - 0.9*k/20
            for p in model.parameters():
                p.data -= learning_rate * p.grad

            if k % 1 == 0:
                print(f"step {k} loss {total_loss.data}, accuracy {acc*100}%")
        """),
    "softmax-nll": dedent("""\
        logits = [Value(1.5, label='l0'), Value(0.4, label='l1'), Value(-0.8, label='l2')]
        counts = [l.exp() for l in logits]
        total = sum(counts)
        probs = [c / total for c in counts]
        loss = -probs[1].log()
        loss.label = 'loss'
        loss.backward()
        print(f"loss {loss.data:.4f}")
        for i, l in enumerate(logits):
            print(i, f"{l.grad:.6f}", f"{probs[i].data:.6f}")
        # the grads of the logits are the probabilities minus the one-hot target
        print(abs(logits[1].grad - (probs[1].data - 1)) < 1e-12)
        [p.data for p in probs]
        """),
    "bigram-counts": dedent("""\
        import math

        words = ['emma', 'olivia', 'ava', 'isabella', 'sophia']
        chars = []
        for w in words:
            for ch in w:
                if ch not in chars:
                    chars.append(ch)
        chars.sort()
        stoi = {'.': 0}
        for i, ch in enumerate(chars):
            stoi[ch] = i + 1
        print(len(stoi), stoi['a'], stoi.get('z', -1))

        counts = {}
        for w in words:
            cs = ['.'] + list(w) + ['.']
            for ch1, ch2 in zip(cs, cs[1:]):
                bigram = (ch1, ch2)
                counts[bigram] = counts.get(bigram, 0) + 1

        pairs = [(c, bigram) for bigram, c in counts.items()]
        print(sorted(pairs, reverse=True)[:3])
        totals = {}
        for (ch1, ch2), c in counts.items():
            totals[ch1] = totals.get(ch1, 0) + c

        log_likelihood = 0.0
        n = 0
        for w in words[:3]:
            cs = ['.'] + list(w) + ['.']
            for ch1, ch2 in zip(cs, cs[1:]):
                prob = counts[(ch1, ch2)] / totals[ch1]
                log_likelihood += math.log(prob)
                n += 1
        nll = -log_likelihood
        print(f'log_likelihood {log_likelihood:.4f}')
        print(f'nll {nll:.4f} per bigram {nll/n:.4f}')
        nll / n
        """),
    "single-neuron-while": dedent("""\
        w = Value(0.5, label='w')
        b = Value(0.0, label='b')
        data = [(1.0, 2.0), (2.0, 4.1), (3.0, 5.9), (-1.0, -2.2)]
        step = 0
        while True:
            loss = sum(((w * x + b) - y)**2 for x, y in data)
            w.grad = 0.0
            b.grad = 0.0
            loss.backward()
            w.data -= 0.02 * w.grad
            b.data -= 0.02 * b.grad
            step += 1
            if loss.data < 0.1 or step >= 40:
                break
        print(step, f"{loss.data:.6f}", f"w={w.data:.4f} b={b.data:.4f}")
        """),
    "functions-and-arguments": dedent("""\
        def neuron(x, w, b=0.0, act='tanh'):
            n = x * w + b
            if act == 'tanh':
                return n.tanh()
            elif act == 'relu':
                return n.relu()
            return n

        def total(*args):
            s = 0.0
            for a in args:
                s = s + a
            return s

        def describe(name, **kwargs):
            parts = [name]
            for k, v in kwargs.items():
                parts.append(f"{k}={v}")
            return ' '.join(parts)

        def factorial(n):
            if n <= 1:
                return 1
            return n * factorial(n - 1)

        memo = {0: 0, 1: 1}
        def fib(n):
            if n in memo:
                return memo[n]
            memo[n] = fib(n - 1) + fib(n - 2)
            return memo[n]

        x = Value(0.5, label='x')
        w = Value(-1.5, label='w')
        o1 = neuron(x, w)
        o2 = neuron(x, w, 2.0, act='relu')
        o3 = neuron(x, w=w, b=Value(1.0, label='b'), act='none')
        out = total(o1, o2, o3, 1.0)
        out.backward()
        print(describe('grads', x=round(x.grad, 6), w=round(w.grad, 6)))
        print(factorial(10), fib(30), len(memo))
        out
        """),
    "classes-and-inheritance": dedent("""\
        import random
        random.seed(42)

        class Module:
            def parameters(self):
                return []

            def zero_grad(self):
                for p in self.parameters():
                    p.grad = 0.0

        class Linear(Module):
            def __init__(self, nin):
                self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
                self.b = Value(0.0)

            def __call__(self, x):
                return sum((wi * xi for wi, xi in zip(self.w, x)), self.b)

            def parameters(self):
                return self.w + [self.b]

            def __repr__(self):
                return f"Linear({len(self.w)})"

        class Squash(Linear):
            def __call__(self, x):
                act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b)
                return act.sigmoid()

            def __repr__(self):
                return f"Squash({len(self.w)})"

        class Empty(Module):
            pass

        models = [Linear(2), Squash(2), Empty()]
        print(models[:2], [len(m.parameters()) for m in models])
        print(isinstance(models[1], Linear), isinstance(models[0], Squash), isinstance(models[2], Module))
        x = [1.0, -2.0]
        for step in range(3):
            out = models[0](x) * models[1](x)
            models[0].zero_grad()
            models[1].zero_grad()
            out.backward()
            for m in models:
                for p in m.parameters():
                    p.data -= 0.1 * p.grad
            print(step, round(out.data, 8))
        models[1]
        """),
    "dicts-and-builtins": dedent("""\
        scores = {'a': 3.5, 'b': -1.25, 'c': 2.0}
        scores['d'] = 0.5
        del scores['b']
        print(list(scores.keys()), list(scores.values()), scores.get('b', 'gone'))
        for name, s in sorted(scores.items()):
            print(f"{name:>3}: {s:6.2f}")

        nums = [5, 3, 8, -1, 0, 7]
        print(nums[1:4], nums[::-1], nums[-2:], nums[::2])
        print(min(nums), max(nums), abs(-7.5), round(2.675, 2), round(7.5), sum(nums) // 4, sum(nums) % 4)
        print(sorted(nums), list(reversed(nums)), any(n < 0 for n in nums), all(n < 10 for n in nums))
        print(list(map(abs, nums)), list(enumerate(nums[:3])), list(zip(nums, 'abc')))
        first, rest = nums[0], nums[1:]
        a, (b, c) = 1, (2.5, 3)
        print(first, rest, a, b, c, 0 < first <= 5 < 6, -7 // 2, -7 % 2, 7 / 2, 2**10, 2**-1)
        t = (1, 2, 3)
        nums.append(9)
        nums.extend([10, 11])
        nums.insert(0, -5)
        print(t[1], len(t), nums.pop(), nums.index(8), nums.count(0), nums)
        nums.sort(reverse=True)
        del nums[0]
        print(nums, isinstance(t, tuple), isinstance(1.0, float), isinstance(1, int), isinstance(nums, list))
        v = Value(2.0)
        assert isinstance(v, Value) and not isinstance(2.0, Value), 'values'
        ws = [Value(float(i)) for i in range(4)]
        ws.reverse()
        total = sum(w * w for w in ws if w.data > 0)
        total.backward()
        print([w.grad for w in ws], total.data, str(3) + '!', int('42') + 1, float('1.5'), tuple([1, 2]))
        print(', '.join(str(w.data) for w in ws), dict(scores), list(range(10, 0, -3)))
        """),
    "random-and-math": dedent("""\
        import math
        import random

        random.seed(1337)
        print(random.random(), random.uniform(-1, 1), random.randint(1, 6))
        g = [random.gauss(0, 1) for _ in range(3)]
        print(g)
        items = ['a', 'b', 'c', 'd', 'e']
        random.shuffle(items)
        print(items, random.choice(items))
        print(math.sqrt(2.0), math.pi, math.e, math.exp(1.0), math.log(10.0), math.tanh(0.5))
        r = Value(math.sqrt(2.0), label='r')
        area = math.pi * r**2
        area.backward()
        print(f"area {area.data:.6f} d(area)/dr {r.grad:.6f} 2*pi*r {2 * math.pi * r.data:.6f}")
        """),
    "format-specs": dedent("""\
        loss = Value(0.123456789)
        for k in range(3):
            print(f"step {k:3d} | loss {loss.data:.4f} | {loss.data:10.3e} | {k:03d} | {-loss.data:+.2f}")
            loss = loss * 0.5
        name = 'w'
        print(f"{name:<4}|{name:>4}|{name:^5}|{1234567.891:,.2f}|{0.25:.1%}|{42:x}|{7:b}")
        print(f"{loss}", f"{loss.data}", f"{3.0}", f"{1e-7}", f"{1e22}", f"{2.5:g}", f"{10**20}")
        print(str(0.1 + 0.2), str(1.0), 1/3, -0.0, 1e16, 123456789012345678.0, 1.5e-5)
        """),
    "own-value-first-cell": FIRST_VALUE_CELL + KITE + "print(M, M._op, sorted(child.label for child in M._prev))\nM\n",
    "own-value-manual-grads": FIRST_VALUE_CELL
    + KITE
    + dedent("""\
        # backpropagation by hand, from M back to the leaves
        M.grad = 1.0
        u.grad = t.data * M.grad   # dM/du = t
        t.grad = u.data * M.grad   # dM/dt = u
        s.grad = t.grad            # + hands its grad to both operands
        r.grad = t.grad
        p.grad = q.data * s.grad
        q.grad = p.data * s.grad
        draw_dot(M)
        print(p.grad, q.grad, r.grad, u.grad)

        # and the slope of M in p, by a nudge
        h = 0.001
        p2 = Value(1.5 + h)
        M2 = (p2*q + r) * u
        print(round((M2.data - M.data) / h, 6))
        """),
    "own-value-manual-backward-calls": FIRST_VALUE_CELL
    + SMALL_NEURON
    + dedent("""\
        draw_dot(o)
        o.grad = 1.0
        o._backward()
        n._backward()
        b._backward()          # a leaf: its _backward does nothing
        x1w1x2w2._backward()
        x2w2._backward()
        x1w1._backward()
        draw_dot(o)
        print(f"{x1.grad:.6f} {w1.grad:.6f} {x2.grad:.6f} {w2.grad:.6f}")
        """),
    "build-topo-by-hand": dedent("""\
        a = Value(0.5, label='a')
        b = Value(-2.0, label='b')
        c = a * b; c.label = 'c'
        d = c + a; d.label = 'd'
        e = d.exp(); e.label = 'e'
        f = e * d; f.label = 'f'

        topo = []
        visited = set()
        def build_topo(v):
          if v not in visited:
            visited.add(v)
            for child in v._prev:
              build_topo(child)
            topo.append(v)
        build_topo(f)
        print([v.label for v in topo])

        f.grad = 1.0
        for node in reversed(topo):
          node._backward()
        print(a.grad, b.grad, e.grad)
        topo
        """),
    "own-value-grown-cell-by-cell": dedent("""\
        # %%
        import math

        # %%
        class Value:
          def __init__(self, data, _children=(), _op='', label=''):
            self.data = data
            self.grad = 0.0
            self._backward = lambda: None
            self._prev = set(_children)
            self._op = _op
            self.label = label
          def __repr__(self):
            return f"Value(data={self.data})"
          def __add__(self, other):
            out = Value(self.data + other.data, (self, other), '+')
            return out
          def __mul__(self, other):
            out = Value(self.data * other.data, (self, other), '*')
            return out

        a = Value(2.0, label='a')
        b = Value(-3.0, label='b')
        a * b + a

        # %%
        """)
    + LECTURE_VALUE
    + dedent("""\
        x = Value(0.5, label='x')
        y = Value(-1.25, label='y')
        z = 2 * x + 1           # __rmul__, then a number wrapped by __add__
        w = 1 + z * y           # __radd__
        v = (w ** 2) / 4 - x    # __pow__, __truediv__, __sub__ and __neg__
        o = v.exp() - y.tanh()
        o.label = 'o'
        o.backward()
        print(f"{o.data:.12f}", x.grad, y.grad)
        o
        """),
    "own-value-training": LECTURE_VALUE + training_loop(),
    "micrograd-nn-training": dedent("""\
        import random
        from micrograd.nn import MLP

        random.seed(7)
        model = MLP(3, [4, 4, 1])
        print(model, len(model.parameters()))

        xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
        ys = [1.0, -1.0, -1.0, 1.0]
        for k in range(8):
            ypred = [model(x) for x in xs]
            loss = sum((yout - ygt)**2 for ygt, yout in zip(ys, ypred))
            model.zero_grad()
            loss.backward()
            for p in model.parameters():
                p.data += -0.02 * p.grad
            print(k, loss.data)
        print([round(y.data, 6) for y in ypred])
        """),
    "own-value-equals-for-plus-equals": dedent("""\
        class Value:
          def __init__(self, data, _children=(), _op='', label=''):
            self.data = data
            self.grad = 0.0
            self._backward = lambda: None
            self._prev = set(_children)
            self._op = _op
            self.label = label

          def __add__(self, other):
            out = Value(self.data + other.data, (self, other), '+')
            def _backward():
              self.grad = 1.0 * out.grad    # the bug: = where += belongs
              other.grad = 1.0 * out.grad
            out._backward = _backward
            return out

          def __mul__(self, other):
            out = Value(self.data * other.data, (self, other), '*')
            def _backward():
              self.grad += other.data * out.grad
              other.grad += self.data * out.grad
            out._backward = _backward
            return out

          def backward(self):
            topo, visited = [], set()
            def build_topo(v):
              if v not in visited:
                visited.add(v)
                for child in v._prev:
                  build_topo(child)
                topo.append(v)
            build_topo(self)
            self.grad = 1.0
            for node in reversed(topo):
              node._backward()

        a = Value(3.0, label='a')
        b = a + a; b.label = 'b'
        b.backward()
        print(a.grad)   # 1.0, where db/da is 2

        c = Value(-2.0, label='c')
        d = a * c + c; d.label = 'd'
        d.backward()
        print(a.grad, c.grad)
        """),
    "lambdas": dedent("""\
        square = lambda v: v * v
        shifted = lambda v, by=1.0: v + by
        squash = lambda v: v.sigmoid()

        params = [Value(x, label=f'p{i}') for i, x in enumerate([0.3, -1.2, 2.0])]
        out = sum(map(square, params), Value(0.0, label='zero'))
        out = squash(shifted(out, by=-2.0))
        out.label = 'out'
        out.backward()
        ranked = sorted(params, key=lambda p: abs(p.grad), reverse=True)
        print([p.label for p in ranked])
        print([p.grad for p in params])
        twice = (lambda f: lambda v: f(f(v)))(shifted)
        print(twice(Value(3.0)), [p.label for p in filter(lambda p: p.data > 0, params)])
        """),
    "sets": dedent("""\
        a = Value(1.0, label='a')
        b = Value(2.0, label='b')
        c = a * b + a; c.label = 'c'
        params = {a, b}
        print(len(params), a in params, c in params)

        seen = set()
        def count(v):
            if v in seen:
                return 0
            seen.add(v)
            return 1 + sum(count(child) for child in v._prev)
        print(count(c), len(seen))

        labels = {v.label for v in seen}
        print(sorted(labels), {'a', 'b'} <= labels, labels - {'a', 'b', 'c'})
        c.backward()
        print(sorted(v.grad for v in seen), sorted({v._op for v in seen}))
        ops = frozenset(v._op for v in seen)
        print('+' in ops, len(ops), sorted(ops | {'tanh'}))
        """),
    "try-except": dedent("""\
        def safe_log(v):
            try:
                out = v.log()
            except ValueError as error:
                print('log of', v.data, 'failed:', error)
                out = Value(0.0, label='fallback')
            else:
                print('log of', v.data, 'is', round(out.data, 12))
            finally:
                print('tried', v.data)
            return out

        xs = [Value(2.0, label='x0'), Value(-1.0, label='x1'), Value(0.5, label='x2')]
        logs = [safe_log(x) for x in xs]
        total = logs[0] + logs[1] + logs[2]
        total.backward()
        print([x.grad for x in xs])

        try:
            Value(1.0) / Value(0.0)
        except ZeroDivisionError as error:
            print(type(error).__name__, error)
        try:
            print(xs[3])
        except IndexError:
            print('only', len(xs))

        class NotAValue(Exception):
            pass

        try:
            raise NotAValue('custom')
        except Exception as error:
            print(repr(error))
        """),
    "generators": dedent("""\
        def parameters(layers):
            for layer in layers:
                yield from layer

        def running_sums(values):
            total = Value(0.0, label='start')
            for v in values:
                total = total + v
                yield total

        layers = [[Value(0.5, label='w0'), Value(-0.25, label='w1')], [Value(2.0, label='w2')]]
        partials = list(running_sums(parameters(layers)))
        out = partials[-1] * partials[0]
        out.label = 'out'
        out.backward()
        grads = (p.grad for p in parameters(layers))
        print(next(grads), list(grads))
        print([p.data for p in partials])
        squares = (p * p for p in parameters(layers))
        print(sum(squares))
        """),
    "class-operator-methods": dedent("""\
        class Vec:
            def __init__(self, items):
                self.items = list(items)

            def __len__(self):
                return len(self.items)

            def __getitem__(self, i):
                return self.items[i]

            def __iter__(self):
                return iter(self.items)

            def __add__(self, other):
                return Vec(a + b for a, b in zip(self, other))

            def __mul__(self, other):
                if isinstance(other, Vec):   # the dot product
                    return sum((a * b for a, b in zip(self, other)), Value(0.0))
                return Vec(a * other for a in self)

            def __rmul__(self, k):
                return self * k

            def __neg__(self):
                return -1 * self

            def __sub__(self, other):
                return self + (-other)

            def __eq__(self, other):
                return [a.data for a in self] == [b.data for b in other]

            def __repr__(self):
                return f"Vec({[round(v.data, 6) for v in self]})"

        u = Vec([Value(1.0, label='u0'), Value(2.0, label='u1')])
        v = Vec([Value(-0.5, label='v0'), Value(3.0, label='v1')])
        w = 2 * u - v
        print(w, len(w), w[1], w == Vec([Value(2.5), Value(1.0)]))
        dot = w * u
        dot.label = 'dot'
        dot.backward()
        print([x.grad for x in u], [x.grad for x in v])
        """),
    "draw-dot-views": dedent("""\
        from graphviz import Digraph

        def trace(root):
          nodes, edges = set(), set()
          def build(v):
            if v not in nodes:
              nodes.add(v)
              for child in v._prev:
                edges.add((child, v))
                build(child)
          build(root)
          return nodes, edges

        def draw_dot(root):
          dot = Digraph(format='svg', graph_attr={'rankdir': 'LR'})
          nodes, edges = trace(root)
          for n in nodes:
            dot.node(name=str(id(n)), label="{ %s | data %.4f }" % (n.label, n.data), shape='record')
          return dot

        x = Value(2.0, label='x')
        y = Value(-0.5, label='y')
        z = x * y + x; z.label = 'z'
        draw_dot(z)
        z.backward()
        dot = draw_dot(z)
        dot.render('gout')
        print(dot.format, len(trace(z)[0]), len(trace(z)[1]))
        x.data += 0.1 * x.grad
        draw_dot(z)
        """),
    "cells-and-outs": dedent("""\
        # %%
        a = Value(3.0, label='a')
        b = a * a
        b
        # %%
        print(b.data)
        b.data
        # %%
        c = b + 1.0
        """),
    "python-statements": dedent("""\
        from dataclasses import dataclass

        @dataclass
        class Unit:
            w: object
            b: object

            def __call__(self, x):
                return self.w * x + self.b

        class Scope:
            def __enter__(self):
                return Value(3.0, label='v')
            def __exit__(self, *args):
                return False

        def make_global():
            global g
            g = Value(-1.0, label='g')

        unit = Unit(Value(0.5, label='w'), Value(0.1, label='b'))
        with Scope() as v:
            y = unit(v)
        make_global()
        if (z := y * g).data < 0:
            print('negative', z)
        match round(z.data):
            case -2:
                out = z * 2
            case _:
                out = z
        setattr(unit.w, 'label', 'weight')
        out.backward()
        print(unit, unit.w.label, getattr(unit.b, 'grad'), hasattr(out, '_prev'))
        """),
    "own-backward-prints-and-nests": dedent("""\
        class V:
            def __init__(self, data, _children=()):
                self.data = data
                self.grad = 0.0
                self._backward = lambda: None
                self._prev = tuple(_children)

            def __mul__(self, other):
                out = V(self.data * other.data, (self, other))
                def _backward():
                    self.grad += other.data * out.grad
                    other.grad += self.data * out.grad
                    print('step', out.data, out.grad)
                out._backward = _backward
                return out

            def backward(self):
                self.grad = 1.0
                self._backward()
                for child in self._prev:
                    if child._prev:
                        child.backward()   # a pass inside a pass: each operand restarts at 1.0

        a = V(2.0)
        b = a * a
        c = b * a
        c.backward()
        print(a.grad, b.grad, c.grad)
        """),
    "manual-after-backward": dedent("""\
        a = Value(1.0, label='a')
        b = a * 2; b.label = 'b'
        b.backward()
        a.grad = 0.0
        b.grad = 0.0
        b.grad = 5.0      # backprop by hand again, on the same graph
        b._backward()
        a.data -= 0.1 * a.grad
        c = Value(3.0, label='c')
        d = c + 1; d.label = 'd'
        d.grad = 1.0      # and on another graph
        d._backward()
        print(a.grad, a.data, c.grad)
        """),
}
"""Programs that run to the end in CPython."""

FAILING_PROGRAMS: dict[str, str] = {
    "zero-division": "a = Value(1.0)\nb = Value(0.0)\nc = a / b\nprint(c)\n",
    "zero-division-number": "x = 2.0\ny = x - 2.0\nz = x / y\n",
    "index-error-in-function": dedent("""\
        def pick(xs, i):
            return xs[i]

        ws = [Value(1.0), Value(2.0)]
        print(pick(ws, 1))
        print(pick(ws, 2))
        """),
    "name-error-in-branch": dedent("""\
        x = Value(3.0)
        if x.data > 5:
            print(not_defined_but_never_run)
        if x.data > 1:
            y = x * undefined_name
        print(y)
        """),
    "assertion-error": dedent("""\
        a = Value(2.0)
        b = a * a
        b.backward()
        assert a.grad == 4.0
        assert b.data < 0, "b must be negative"
        """),
    "log-of-negative": "a = Value(-1.0)\nb = a.log()\n",
    "runaway-recursion": "def depth(n):\n    return depth(n + 1)\n\ndepth(0)\n",
    "missing-rmul": dedent("""\
        class Value:
          def __init__(self, data, _children=(), _op=''):
            self.data = data
            self.grad = 0.0
            self._backward = lambda: None
            self._prev = set(_children)
            self._op = _op
          def __repr__(self):
            return f"Value(data={self.data})"
          def __mul__(self, other):
            other = other if isinstance(other, Value) else Value(other)
            return Value(self.data * other.data, (self, other), '*')

        a = Value(4.0)
        print(a * 2)
        print(2 * a)
        """),
    "attribute-typo": "a = Value(2.0, label='a')\nb = a * a\nb.backward()\nprint(a.grd)\n",
    "unbound-local": dedent("""\
        total = Value(0.0)
        def add(v):
            total = total + v
            return total
        add(Value(1.0))
        """),
    "key-error": "params = {'w': Value(1.0)}\nprint(params['w'])\nprint(params['b'])\n",
    "infinite-data": "a = Value(1e200)\nprint(a)\nb = a * a\nprint(b)\n",
    "index-error-in-neuron": dedent("""\
        class Neuron:
            def __init__(self, nin):
                self.w = [Value(0.1 * (i + 1)) for i in range(nin)]
            def __call__(self, x):
                return sum(self.w[i] * x[i] for i in range(len(self.w)))

        n = Neuron(3)
        print(n([1.0, 2.0, 3.0]))
        print(n([1.0, 2.0]))
        """),
    "typo-in-own-backward": dedent("""\
        class Value:
          def __init__(self, data, _children=()):
            self.data = data
            self.grad = 0.0
            self._backward = lambda: None
            self._prev = set(_children)
          def __mul__(self, other):
            out = Value(self.data * other.data, (self, other))
            def _backward():
              self.grad += other.data * out.grad
              other.grad += self.dat * out.grad
            out._backward = _backward
            return out
          def backward(self):
            self.grad = 1.0
            self._backward()

        a, b = Value(2.0), Value(3.0)
        c = a * b
        c.backward()
        """),
    "arithmetic-error": "a = Value(1.0)\nif a.data > 0:\n    raise ArithmeticError('a must not be positive')\n",
    "stop-iteration": "values = iter([Value(1.0)])\nprint(next(values))\nprint(next(values))\n",
    "recursion-down-a-long-chain": dedent("""\
        x = Value(1.0)
        y = x
        for _ in range(4000):
            y = y * 1.0

        def depth(v):
            if not v._prev:
                return 0
            for child in v._prev:
                return 1 + depth(child)

        print(depth(x * 2.0))
        print(depth(y))
        """),
}
"""Programs that raise in CPython."""

FAILING_LINES: dict[str, tuple[str, int]] = {
    "zero-division": ("ZeroDivisionError", 3),
    "zero-division-number": ("ZeroDivisionError", 3),
    "index-error-in-function": ("IndexError", 2),
    "name-error-in-branch": ("NameError", 5),
    "assertion-error": ("AssertionError", 5),
    "log-of-negative": ("ValueError", 2),
    "missing-rmul": ("TypeError", 16),
    "attribute-typo": ("AttributeError", 4),
    "unbound-local": ("UnboundLocalError", 3),
    "key-error": ("KeyError", 3),
    "infinite-data": ("NonFinite", 3),
    "index-error-in-neuron": ("IndexError", 5),
    "typo-in-own-backward": ("AttributeError", 11),
    "recursion-down-a-long-chain": ("RecursionError", 10),
    "arithmetic-error": ("ArithmeticError", 3),
    "stop-iteration": ("StopIteration", 3),
    "runaway-recursion": ("RecursionError", 2),
}
"""Each failing program's exception and the innermost program line that raised it."""

CORNERS: dict[str, tuple[str, str]] = {
    "out-shown-when-the-cell-ran": (
        "# %%\nw = Value(0.5, label='w')\nw\n# %%\nw.data += 1.0\n",
        "Out[1] and the result show w as it is at the end of the run (Value(data=1.5)), not as the cell showed it "
        "when it ran (Value(data=0.5))",
    ),
    "result-before-the-explorers-own-pass": (
        dedent("""\
            class Value:
                def __init__(self, data, _children=()):
                    self.data = data
                    self.grad = 0.0
                    self._backward = lambda: None
                    self._prev = tuple(_children)
                def __mul__(self, other):
                    out = Value(self.data * other.data, (self, other))
                    def _backward():
                        self.grad += other.data * out.grad
                        other.grad += self.data * out.grad
                    out._backward = _backward
                    return out
                def backward(self):
                    self.grad = 1.0
                    self._backward()
                def __repr__(self):
                    return f"Value(data={self.data}, grad={self.grad})"

            a = Value(2.0)
            a * a
            """),
        "the result is shown after the explorer's own backward() ran (grad=1.0); CPython shows grad=0.0",
    ),
    "unfinished-print-line": (
        "xs = [1, 2, 3]\nfor x in xs:\n    print(x, end=' ')\n",
        "a last line printed without a newline is given line 1, not the line of its print (3)",
    ),
    "notebook-imports": (
        "import math\nimport numpy as np\nimport matplotlib.pyplot as plt\n%matplotlib inline\nprint(math.pi)\n",
        "`import matplotlib.pyplot as plt` (the lecture's first cell) is a name error at line 3: the placeholder "
        "for matplotlib refuses the attribute pyplot",
    ),
    "two-classes-named-value": (
        dedent("""\
            class Value:
                def __init__(self, data, _children=()):
                    self.data = data
                    self.grad = 0.0
                    self._prev = set(_children)

            a = Value(1.0)

            class Value:
                def __init__(self, data):
                    self.data = data
            """),
        "the value class is named by the last `class Value` of the program (line 9), not by the one that made "
        "the values (line 1)",
    ),
    "error-column-after-non-ascii": (
        "label = 'Δx'; x = Value(1.0) / 0\n",
        "an error's column counts the bytes of the line in UTF-8 (20), not its characters (19) as a value's column and "
        "a traceback's caret do",
    ),
    "micrograd-prints-as-micrograd": (
        dedent("""\
            from micrograd.engine import Value
            a = Value(-2.0)
            b = a.relu()
            print(a, b, a.grad)
            b.backward()
            print(a.grad, b.grad)
            c = Value(3.0) ** 2.0
            print(c._op)
            """),
        "micrograd's Value is the built-in one: it prints Value(data=-2.0) for Value(data=-2.0, grad=0), its grads "
        "are floats (0.0, 1.0 for 0, 1) and it names x**2.0 `**2`",
    ),
    "micrograd-asserts-on-a-value-power": (
        dedent("""\
            from micrograd.engine import Value
            try:
                Value(2.0) ** Value(3.0)
            except AssertionError as error:
                print('micrograd:', error)
            """),
        "the built-in Value raises TypeError for a Value power where micrograd and the lecture assert",
    ),
}
"""Corners where the explorer once disagreed with CPython: the program and what differed. Each now runs as in
CPython (tests/test_differential.py)."""


TORCH_NEURON = """\
import torch
x1 = torch.Tensor([2.0]).double()                ; x1.requires_grad = True
x2 = torch.Tensor([0.0]).double()                ; x2.requires_grad = True
w1 = torch.Tensor([-3.0]).double()               ; w1.requires_grad = True
w2 = torch.Tensor([1.0]).double()                ; w2.requires_grad = True
b = torch.Tensor([6.8813735870195432]).double()  ; b.requires_grad = True
n = x1*w1 + x2*w2 + b
o = torch.tanh(n)

print(o.data.item())
o.backward()

print('---')
print('x2', x2.grad.item())
print('w2', w2.grad.item())
print('x1', x1.grad.item())
print('w1', w1.grad.item())
"""
