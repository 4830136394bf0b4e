"""The preset programs, each with a one-line note on what it teaches."""

from __future__ import annotations

from dataclasses import dataclass

from engine.lecture_notebooks import FIRST_HALF, SECOND_HALF


@dataclass(frozen=True)
class Example:
    """A preset program shown in the page's example list."""

    id: str
    title: str
    source: str
    note: str


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

n = MLP(3, [4, 4, 1])
xs = [
  [2.0, 3.0, -1.0],
  [3.0, -1.0, 0.5],
  [0.5, 1.0, 1.0],
  [1.0, 1.0, -1.0],
]
ys = [1.0, -1.0, -1.0, 1.0] # desired targets
"""


def training_loop(steps: int = 20, learning_rate: float = 0.1, zero_grad: bool = True) -> str:
    """The lecture's training loop cell after its classes: forward pass, backward pass, update."""
    reset = "  for p in n.parameters():\n    p.grad = 0.0\n" if zero_grad else ""
    return (
        MLP_CLASSES
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


MICROGRAD_NN = """\
import random
from micrograd.engine import Value
from micrograd.nn import MLP

random.seed(1337)
# two classes of points: above or below the line y = x
X = [[random.uniform(-2, 2), random.uniform(-2, 2)] for _ in range(10)]
y = [1 if b > a else -1 for a, b in X]

model = MLP(2, [6, 1])  # ReLU neurons, a linear output
print(model)
print("number of parameters", len(model.parameters()))

def loss():
    scores = [model(x) for x in X]
    # svm "max-margin" loss, with L2 regularization
    losses = [(1 + -yi*scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    alpha = 1e-4
    reg_loss = alpha * sum((p*p for p in model.parameters()))
    total_loss = data_loss + reg_loss
    accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores)]
    return total_loss, sum(accuracy) / len(accuracy)

for k in range(15):
    total_loss, acc = loss()
    model.zero_grad()
    total_loss.backward()
    learning_rate = 1.0 - 0.9*k/15
    for p in model.parameters():
        p.data -= learning_rate * p.grad
    print(f"step {k} loss {total_loss.data:.4f}, accuracy {acc*100:.0f}%")
"""


EXAMPLES = [
    Example(
        "f-of-x",
        "f(x) = 3x² − 4x + 5 and its slope",
        "def f(x):\n  return 3*x**2 - 4*x + 5\n\nprint(f(3.0))\n\nh = 0.000001\nx = 3.0\n"
        "print((f(x + h) - f(x))/h)  # the slope at 3: about 14\n",
        "Plain Python, no graph yet: the derivative as the lecture first finds it, by nudging x a little.",
    ),
    Example(
        "quadratic",
        "f(x) = 3x² − 4x + 5 at x = 3",
        "x = 3.0\nf = 3*x**2 - 4*x + 5\n",
        "The derivative by the chain rule: df/dx = 6x - 4 = 14 at x = 3.",
    ),
    Example(
        "abc",
        "d = a*b + c",
        "a = 2.0\nb = -3.0\nc = 10.0\nd = a*b + c\n",
        "How d responds to a small change in a, b or c: the slope is each input's grad.",
    ),
    Example(
        "lecture-L",
        "The lecture's L = d * f",
        "a = Value(2.0, label='a')\nb = Value(-3.0, label='b')\nc = Value(10.0, label='c')\n"
        "e = a*b; e.label = 'e'\nd = e + c; d.label = 'd'\nf = Value(-2.0, label='f')\n"
        "L = d * f; L.label = 'L'\nL.backward()\n",
        "Backpropagation by hand: + routes the gradient unchanged, * swaps in the other factor.",
    ),
    Example(
        "neuron",
        "A tanh neuron",
        "x1 = Value(2.0, label='x1')\nx2 = Value(0.0, label='x2')\n"
        "w1 = Value(-3.0, label='w1')\nw2 = Value(1.0, label='w2')\n"
        "b = Value(6.8813735870195432, label='b')\n"
        "x1w1 = x1*w1; x1w1.label = 'x1*w1'\nx2w2 = x2*w2; x2w2.label = 'x2*w2'\n"
        "x1w1x2w2 = x1w1 + x2w2; x1w1x2w2.label = 'x1*w1 + x2*w2'\n"
        "n = x1w1x2w2 + b; n.label = 'n'\no = n.tanh(); o.label = 'o'\no.backward()\n",
        "tanh's local derivative is 1 - o²; w2 gets no gradient because x2 is 0.",
    ),
    Example(
        "neuron-exp",
        "The neuron with tanh written through exp",
        "x1 = Value(2.0, label='x1')\nx2 = Value(0.0, label='x2')\n"
        "w1 = Value(-3.0, label='w1')\nw2 = Value(1.0, label='w2')\n"
        "b = Value(6.8813735870195432, label='b')\n"
        "x1w1 = x1*w1; x1w1.label = 'x1*w1'\nx2w2 = x2*w2; x2w2.label = 'x2*w2'\n"
        "x1w1x2w2 = x1w1 + x2w2; x1w1x2w2.label = 'x1*w1 + x2*w2'\n"
        "n = x1w1x2w2 + b; n.label = 'n'\n"
        "e = (2*n).exp(); e.label = 'e'\no = (e - 1) / (e + 1); o.label = 'o'\no.backward()\n",
        "Any composite works: exp, -, / and ** give the same gradients as one tanh node.",
    ),
    Example(
        "a-plus-a",
        "b = a + a (gradients accumulate)",
        "a = Value(3.0, label='a')\nb = a + a; b.label = 'b'\nb.backward()\n",
        "A value used twice receives two deposits: a.grad is 2, not 1, which is why grads use +=.",
    ),
    Example(
        "used-twice",
        "A variable used twice",
        "a = Value(-2.0, label='a')\nb = Value(3.0, label='b')\n"
        "d = a * b; d.label = 'd'\ne = a + b; e.label = 'e'\nf = d * e; f.label = 'f'\nf.backward()\n",
        "a and b each feed two paths; their gradients are the sums over both paths.",
    ),
    Example(
        "micrograd-readme",
        "micrograd's README program",
        "a = Value(-4.0)\nb = Value(2.0)\nc = a + b\nd = a * b + b**3\nc += c + 1\nc += 1 + c + (-a)\n"
        "d += d * 2 + (b + a).relu()\nd += 3 * d + (b - a).relu()\ne = c - d\nf = e**2\ng = f / 2.0\n"
        "g += 10.0 / f\ng.backward()\n",
        "Every operation at once: g is 24.7041, dg/da is 138.8338 and dg/db is 645.5773.",
    ),
    Example(
        "mlp-loss",
        "MLP(3, [4, 4, 1]) and its loss on four examples",
        MLP_CLASSES + "\nypred = [n(x) for x in xs]\nloss = sum((yout - ygt)**2 for ygt, yout in zip(ys, ypred))\n"
        "loss.backward()\nn.layers[0].neurons[0].w[0].grad\n",
        "The lecture's network: every weight gets a gradient from all four examples through the loss.",
    ),
    Example(
        "lecture-training",
        "Training the MLP: 20 steps of gradient descent",
        training_loop(),
        "Forward pass, zero_grad, backward pass, update, 20 times: the loss falls pass by pass.",
    ),
    Example(
        "zero-grad-bug",
        "The same loop without zero_grad",
        training_loop(zero_grad=False),
        "The lecture's bug: without p.grad = 0.0 each pass adds its grads to all the last passes' (see the stale"
        " warning), so the steps grow. On these four examples the grown steps happen to throw the loss to 0.0000"
        " sooner, tanh saturated at ±1, with a leap to 3.78 at pass 12 on the way: luck of a tiny data set, not a"
        " better method, for the grads are no longer this pass's gradient. To compare: choose “Training the MLP”,"
        " press Pin run, then choose this one again: the two curves part at pass 3.",
    ),
    Example(
        "learning-rate-too-high",
        "The same loop with a learning rate too high",
        training_loop(steps=12, learning_rate=0.9),
        "A step of 0.9 overshoots: the loss jumps instead of falling, then stalls.",
    ),
    Example(
        "micrograd-nn",
        "micrograd's own nn on two classes",
        MICROGRAD_NN,
        "micrograd's MLP with ReLU, the max-margin loss and model.zero_grad(), as micrograd's demo trains it.",
    ),
    Example(
        "softmax-nll",
        "The makemore bigram loss: softmax and negative log likelihood",
        "# logits for three next characters; the right one is the second\n"
        "logits = [Value(1.5), Value(0.4), Value(-0.8)]\n"
        "counts = [logit.exp() for logit in logits]\n"
        "total = sum(counts)\n"
        "probs = [count / total for count in counts]\n"
        "loss = -probs[1].log()\n"
        "loss.backward()\n"
        "print([round(p.data, 4) for p in probs], [round(l.grad, 4) for l in logits])\n",
        "Each logit's grad is its probability, minus 1 for the right character.",
    ),
    Example(
        "lecture-notebook-first-half",
        "The lecture notebook, first half",
        FIRST_HALF,
        "The derivative as a slope, L = d * f backpropagated by hand (a picture after each stage: the views), "
        "a step of optimization, and the neuron's tanh.",
    ),
    Example(
        "lecture-notebook-second-half",
        "The lecture notebook, second half",
        SECOND_HALF,
        "tanh as exp and /, the same neuron in PyTorch, then the MLP and its training loop: one cell each.",
    ),
]
