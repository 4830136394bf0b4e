"""The preset programs, each with a one-line note on what it teaches."""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Example:
    """A preset program shown in the page's example list."""

    id: str
    title: str
    source: str
    note: str


MLP_INPUTS = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
MLP_TARGETS = [1.0, -1.0, -1.0, 1.0]
MLP_SIZES = [3, 4, 4, 1]
MLP_SEED = 1337


def mlp_loss_source(seed: int = MLP_SEED) -> str:
    """The lecture's MLP(3, [4, 4, 1]) squared-error loss over its four examples, written out.

    Weights are fixed numbers drawn with a seeded generator; each neuron is micrograd's
    `sum((wi*xi for wi, xi in zip(self.w, x)), self.b).tanh()`.
    """
    rng = random.Random(seed)
    lines = ["# MLP(3, [4, 4, 1]) with fixed weights; loss = sum((yout - ygt)**2)"]
    for layer, (fan_in, fan_out) in enumerate(itertools.pairwise(MLP_SIZES), start=1):
        for j in range(fan_out):
            weights = "; ".join(f"w{layer}_{j}_{i} = {rng.uniform(-1, 1):.4f}" for i in range(fan_in))
            lines.append(f"{weights}; b{layer}_{j} = {rng.uniform(-1, 1):.4f}")
    for n, xs in enumerate(MLP_INPUTS):
        inputs = [repr(x) for x in xs]
        for layer, (fan_in, fan_out) in enumerate(itertools.pairwise(MLP_SIZES), start=1):
            outputs = []
            for j in range(fan_out):
                terms = " + ".join(f"w{layer}_{j}_{i}*{inputs[i]}" for i in range(fan_in))
                name = f"h{layer}_{j}_{n}" if layer < len(MLP_SIZES) - 1 else f"ypred{n}"
                lines.append(f"{name} = (b{layer}_{j} + {terms}).tanh()")
                outputs.append(name)
            inputs = outputs
    losses = " + ".join(f"(ypred{n} - {y})**2" for n, y in enumerate(MLP_TARGETS))
    lines.append(f"loss = {losses}")
    lines.append("loss.backward()")
    return "\n".join(lines) + "\n"


EXAMPLES = [
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
        "softmax-nll",
        "Softmax and negative log likelihood over three logits",
        "# logits of three next characters; the correct one is the second\n"
        "l1 = 1.5; l2 = 0.4; l3 = -0.8\n"
        "c1 = l1.exp(); c2 = l2.exp(); c3 = l3.exp()\ntotal = c1 + c2 + c3\n"
        "p2 = c2 / total\nnll = -p2.log()\nnll.backward()\n",
        "The makemore bigram loss: each logit's grad is its probability minus 1 for the correct one.",
    ),
    Example(
        "mlp-loss",
        "MLP(3, [4, 4, 1]) mean-squared-error loss",
        mlp_loss_source(),
        "The lecture's network on its four examples: every weight gets a gradient from all four.",
    ),
]
