"""The static wall: every refusal at its place, the lecture's programs through, the tables against the real modules."""

from __future__ import annotations

import ast
import builtins
import dataclasses
import importlib
import sys
import types
import typing
from importlib import util
from pathlib import Path

import numpy
import pytest

from engine.errors import ProgramError
from engine.program.check import check_program
from engine.program.policy import (
    BUILTINS,
    DATA_MODEL_METHODS,
    LATER_MODULES,
    MODULES,
    REFUSED_ATTRIBUTES,
    REFUSED_BUILTINS,
    WITHHELD_NAMES,
)
from engine.program.runtime_check import check_attribute_name, check_dataclass, check_format_string

INTERNALS = "names that begin and end with __ reach Python's internals"

# fmt: off
# (program, line, column, a piece of the message)
REFUSED = [
    # attributes with __ on both sides
    pytest.param("x = 1\ny = x.__class__", 2, 5, f"the attribute __class__ is not available: {INTERNALS}",
                 id="__class__"),
    pytest.param("x.__dict__['a'] = 1", 1, 1, "__dict__", id="__dict__ item assigned"),
    pytest.param("x.__class__ = int", 1, 1, "__class__", id="__class__ assigned"),
    pytest.param("del x.__dict__", 1, 5, "__dict__", id="__dict__ deleted"),
    pytest.param("x.__name__ = 'y'", 1, 1, "__name__", id="__name__ assigned"),
    pytest.param("f = x.__add__", 1, 5, "may only be called", id="a data-model method as a value"),
    pytest.param("add = Value.__add__", 1, 7, "__add__", id="a class's data-model method as a value"),
    pytest.param("x.__add__ = f", 1, 1, "__add__", id="a data-model method assigned"),
    pytest.param("().__class__.__base__.__subclasses__()", 1, 1, "__class__", id="object's subclasses"),
    pytest.param("object.__subclasses__()", 1, 1, "__subclasses__", id="__subclasses__ called"),
    pytest.param("super().__getattribute__('x')", 1, 1, "__getattribute__", id="__getattribute__ called"),
    pytest.param("e = None\ntry:\n    1 / 0\nexcept Exception as e:\n    f = e.__traceback__.tb_frame", 5, 9,
                 "__traceback__", id="traceback to frame"),
    pytest.param("def f():\n    pass\ng = f.__globals__['__builtins__']", 3, 5, "__globals__", id="function globals"),
    # attributes refused whatever the object
    pytest.param("def gen():\n    yield 1\ng = gen()\nd = g.gi_frame.f_back.f_globals", 4, 5, "gi_frame",
                 id="generator to frame to globals"),
    pytest.param("t = tb.tb_next", 1, 5, "tb_next", id="traceback's next"),
    pytest.param("c = code.co_consts", 1, 5, "co_consts", id="code constants"),
    pytest.param("v = cell.cell_contents", 1, 5, "cell_contents", id="closure cell"),
    pytest.param("bases = type(x).mro()", 1, 9, "mro", id="type(x).mro()"),
    pytest.param("r._evaluate({}, {}, frozenset())", 1, 1, "string as Python code", id="ForwardRef._evaluate"),
    pytest.param("c = coro.cr_frame", 1, 5, "cr_frame", id="coroutine frame"),
    # names
    pytest.param("b = __builtins__", 1, 5, f"the name __builtins__ is not available: {INTERNALS}", id="__builtins__"),
    pytest.param("__builtins__.__dict__", 1, 1, "__builtins__", id="__builtins__ first"),
    pytest.param("__import__('os').system('ls')", 1, 1, "the built-in __import__", id="__import__"),
    pytest.param("f = lambda: lambda: __import__", 1, 21, "__import__", id="a nested lambda"),
    pytest.param("__name__ = 'x'", 1, 1, "__name__", id="__name__ assigned"),
    pytest.param("d = __doc__", 1, 5, "__doc__", id="__doc__"),
    pytest.param("l = __loader__", 1, 5, "Python's module loader", id="__loader__"),
    pytest.param("class A:\n    def f(self):\n        return __class__", 3, 16, "__class__", id="__class__ cell"),
    pytest.param("input = [1, 2]", 1, 1, "input is a built-in that is not available", id="a variable named input"),
    pytest.param("(__x__ := 1)", 1, 2, "__x__", id="walrus"),
    pytest.param("for __x__ in y:\n    pass", 1, 5, "__x__", id="loop variable"),
    pytest.param("with open('f') as f:\n    pass", 1, 6, "reads and writes no files", id="open in with"),
    pytest.param("y = [__import__ for _ in x]", 1, 6, "__import__", id="comprehension"),
    pytest.param("y = f'{x.__class__}'", 1, 8, "__class__", id="f-string"),
    pytest.param("x: __import__('os') = 1", 1, 4, "__import__", id="annotation"),
    # getattr and friends with a constant name
    pytest.param("getattr(x, '__class__')", 1, 1, f"the attribute __class__ is not available: {INTERNALS}",
                 id="getattr __class__"),
    pytest.param("setattr(x, '__dict__', {})", 1, 1, "__dict__", id="setattr __dict__"),
    pytest.param("y = hasattr(x, 'gi_frame')", 1, 5, "gi_frame", id="hasattr gi_frame"),
    pytest.param("delattr(x, '__add__')", 1, 1, "__add__", id="delattr of a data-model method"),
    pytest.param("getattr(x, '__add__')(1)", 1, 1, "__add__", id="getattr of a data-model method"),
    pytest.param("y = getattr(x, 'f_globals', None)", 1, 5, "f_globals", id="getattr with a default"),
    # str.format fields that walk
    pytest.param("'{0.__class__.__mro__}'.format(1)", 1, 1, "{0.__class__.__mro__}", id="format __class__"),
    pytest.param("s = '{0.real}'.format(1)", 1, 5, "{0.real}", id="format any attribute"),
    pytest.param("s = '{x[0]}'.format(x=[1])", 1, 5, "{x[0]}", id="format an item"),
    pytest.param("s = '{0:{1.__class__}}'.format(1, 2)", 1, 5, "{1.__class__}", id="format nested spec"),
    pytest.param("s = '{x.gi_frame}'.format_map(d)", 1, 5, "{x.gi_frame}", id="format_map"),
    pytest.param("s = str.format('{0.__class__}', 1)", 1, 16, "{0.__class__}", id="str.format"),
    pytest.param("fill = '{0.__class__}'.format", 1, 8, "{0.__class__}", id="format as a value"),
    # async code
    pytest.param("async def f():\n    pass", 1, 1, "async def", id="async def"),
    pytest.param("await x", 1, 1, "await", id="await"),
    pytest.param("async for a in b:\n    pass", 1, 1, "async for", id="async for"),
    pytest.param("async with a:\n    pass", 1, 1, "async with", id="async with"),
    pytest.param("y = [x async for x in a]", 1, 5, "async comprehensions", id="async comprehension"),
    # imports
    pytest.param("import os", 1, 8, "import os is not available; a program can import math, random, itertools, "
                 "functools, collections, statistics, dataclasses, typing, micrograd, graphviz", id="import os"),
    pytest.param("import math, os", 1, 14, "import os", id="import os second"),
    pytest.param("import os.path", 1, 8, "import os.path", id="import os.path"),
    pytest.param("import numpy.linalg", 1, 8, "import numpy.linalg", id="a later module's submodule"),
    pytest.param("from os import path", 1, 1, "import os", id="from os"),
    pytest.param("from random import _os", 1, 20, "random._os is not available: names that begin with _ are "
                 "random's internals", id="random._os"),
    pytest.param("from typing import get_type_hints", 1, 20, "evaluates string annotations", id="get_type_hints"),
    pytest.param("from typing import List, get_args", 1, 26, "forward references", id="get_args"),
    pytest.param("from dataclasses import sys", 1, 25, "dataclasses offers Field", id="dataclasses.sys"),
    pytest.param("from statistics import sys", 1, 24, "statistics.sys", id="statistics.sys"),
    pytest.param("from functools import wraps", 1, 23, "attributes named by strings", id="functools.wraps"),
    pytest.param("from micrograd.nn import Foo", 1, 26, "micrograd.nn offers Layer, MLP, Module, Neuron",
                 id="micrograd.nn name"),
    pytest.param("from math import *", 1, 18, "name what you import", id="import *"),
    pytest.param("from numpy import *", 1, 19, "name what you import", id="import * from a later module"),
    pytest.param("from . import engine", 1, 1, "relative imports", id="relative import"),
    pytest.param("import math as __builtins__", 1, 8, "__builtins__", id="import as a dunder"),
    pytest.param("import __future__", 1, 8, "__future__", id="import __future__ binds a dunder"),
    # what a class may define
    pytest.param("class A:\n    __slots__ = ()", 2, 5, "__slots__ is not available: a class may define",
                 id="__slots__"),
    pytest.param("class A:\n    __match_args__ = ('x',)", 2, 5, "__match_args__", id="__match_args__"),
    pytest.param("class A:\n    __module__ = 'os'", 2, 5, "__module__", id="__module__"),
    pytest.param("class A:\n    def __del__(self):\n        pass", 2, 5, "a class may define __init__", id="__del__"),
    pytest.param("class A:\n    def __getattribute__(self, name):\n        return 1", 2, 5, "__getattribute__",
                 id="__getattribute__"),
    pytest.param("class A:\n    def __init_subclass__(cls):\n        pass", 2, 5, "__init_subclass__",
                 id="__init_subclass__"),
    pytest.param("class A:\n    @classmethod\n    def __class_getitem__(cls, item):\n        pass", 3, 5,
                 "__class_getitem__", id="__class_getitem__"),
    pytest.param("class A:\n    def __set_name__(self, owner, name):\n        pass", 2, 5, "__set_name__",
                 id="__set_name__"),
    pytest.param("class A:\n    def __reduce__(self):\n        pass", 2, 5, "__reduce__", id="__reduce__"),
    pytest.param("class A:\n    def __new__(cls):\n        pass", 2, 5, "__new__", id="__new__"),
    pytest.param("def __del__(self):\n    pass", 1, 1, "__del__", id="a def named __del__"),
    pytest.param("class __X__:\n    pass", 1, 1, "__X__", id="a class named __X__"),
    pytest.param("class A(metaclass=M):\n    pass", 1, 9, "metaclass=", id="metaclass"),
    pytest.param("class A(Base, flag=True):\n    pass", 1, 15, "class keywords", id="a class keyword"),
    # other bindings
    pytest.param("def f(__class__):\n    pass", 1, 7, "the parameter __class__", id="a dunder parameter"),
    pytest.param("def f(x=__builtins__):\n    return x", 1, 9, "__builtins__", id="a default argument"),
    pytest.param("try:\n    pass\nexcept Exception as __e__:\n    pass", 3, 1, "__e__", id="except as"),
    pytest.param("def f():\n    global __builtins__", 2, 5, "__builtins__", id="global"),
    pytest.param("match x:\n    case Point(a, b):\n        pass", 2, 16, "positional parts", id="positional pattern"),
    pytest.param("match g:\n    case object(gi_frame=f):\n        pass", 2, 10, "gi_frame", id="keyword pattern"),
    pytest.param("match x:\n    case object(__class__=c):\n        pass", 2, 10, "__class__", id="dunder pattern"),
    pytest.param("match x:\n    case {**__rest__}:\n        pass", 2, 10, "__rest__", id="mapping rest"),
    pytest.param("match x:\n    case [*__rest__]:\n        pass", 2, 11, "__rest__", id="star pattern"),
    pytest.param("match x:\n    case __y__:\n        pass", 2, 10, "__y__", id="capture pattern"),
    # the first refusal in source order, whatever order the tree keeps
    pytest.param("@__import__\ndef f():\n    return x.gi_frame", 1, 2, "__import__", id="decorator before body"),
    pytest.param("@dec(getattr(x, '__class__'))\ndef __del__(self):\n    pass", 1, 6, "__class__",
                 id="decorator before name"),
    pytest.param("z = a.gi_frame if __builtins__ else 0", 1, 5, "gi_frame", id="if-expression body first"),
    pytest.param("def f(a=x.gi_frame, *, b=__builtins__):\n    pass", 1, 9, "gi_frame", id="defaults in order"),
    pytest.param("y = x.tb_frame; z = __builtins__", 1, 5, "tb_frame", id="two on one line"),
    pytest.param("y = f'{eval}'; z = x.__class__", 1, 8, "eval", id="an f-string before the rest of its line"),
    pytest.param("y = [x.__class__ for x in eval]", 1, 6, "__class__", id="a comprehension's element first"),
    pytest.param("def f(a=eval) -> x.__class__:\n    return open", 1, 9, "eval", id="a default before the return's"),
    pytest.param("class A(eval, metaclass=M):\n    pass", 1, 9, "eval", id="a base before the class keyword"),
    # every place the walk must reach
    pytest.param('y = f"{a:>{x.__class__}}"', 1, 12, "__class__", id="an f-string's format spec"),
    pytest.param('y = f"{a!r:{w}.{b.gi_frame}}"', 1, 17, "gi_frame", id="an f-string's second spec field"),
    pytest.param("@x.__class__\nclass A:\n    pass", 1, 2, "__class__", id="a class decorator"),
    pytest.param("class A:\n    f = lambda self: self.__dict__", 2, 22, "__dict__", id="a lambda in a class body"),
    pytest.param("def f(*, a, b=x.__class__):\n    pass", 1, 15, "__class__", id="a keyword-only default"),
    pytest.param("def f(a: x.__class__):\n    pass", 1, 10, "__class__", id="an annotation"),
    pytest.param("match p:\n    case x.__class__:\n        pass", 2, 10, "__class__", id="a value pattern"),
    pytest.param("match p:\n    case {x.__class__: v}:\n        pass", 2, 11, "__class__", id="a mapping key"),
    pytest.param("match p:\n    case [1, *r] if r.__class__:\n        pass", 2, 21, "__class__", id="a guard"),
    pytest.param("d = {**x.__dict__, 'k': 1}", 1, 8, "__dict__", id="a dict display's ** (its key is None)"),
    pytest.param("y = [i for i in z if i.__class__]", 1, 22, "__class__", id="a comprehension's condition"),
    pytest.param("y = a[::x.__class__]", 1, 9, "__class__", id="a slice's step"),
    pytest.param("try:\n    pass\nexcept x.__class__:\n    pass", 3, 8, "__class__", id="an except clause's type"),
    pytest.param("class A(x.__class__):\n    pass", 1, 9, "__class__", id="a class's base"),
]
# fmt: on


@pytest.mark.parametrize(("source", "line", "column", "message"), REFUSED)
def test_check_refuses_at_the_first_place(source: str, line: int, column: int, message: str) -> None:
    with pytest.raises(ProgramError) as refused:
        check_program(ast.parse(source))
    assert (refused.value.kind, refused.value.line, refused.value.column) == ("unsupported", line, column)
    assert message in refused.value.message


@pytest.mark.parametrize("name", sorted(REFUSED_BUILTINS))
def test_check_refuses_every_refused_builtin_by_name(name: str) -> None:
    with pytest.raises(ProgramError) as refused:
        check_program(ast.parse(f"y = {name}"))
    assert (refused.value.kind, refused.value.line, refused.value.column) == ("unsupported", 1, 5)
    assert refused.value.message == f"the built-in {name} is not available: {REFUSED_BUILTINS[name]}"


LECTURE_VALUE = """\
import math
import random


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
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), '+')

        def _backward():
            self.grad += 1.0 * out.grad  # d(a+b)/da = 1
            other.grad += 1.0 * out.grad
        out._backward = _backward
        return out

    def __mul__(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), '*')

        def _backward():
            self.grad += other.data * out.grad  # d(a*b)/da = b
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def __pow__(self, other):
        assert isinstance(other, (int, float)), "only supporting int/float powers for now"
        out = Value(self.data**other, (self,), f'**{other}')

        def _backward():
            self.grad += other * (self.data ** (other - 1)) * out.grad
        out._backward = _backward
        return out

    def __rmul__(self, other):
        return self * other

    def __truediv__(self, other):
        return self * other**-1

    def __neg__(self):
        return self * -1

    def __sub__(self, other):
        return self + (-other)

    def __radd__(self, other):
        return self + other

    def tanh(self):
        x = self.data
        t = (math.exp(2*x) - 1)/(math.exp(2*x) + 1)
        out = Value(t, (self, ), 'tanh')

        def _backward():
            self.grad += (1 - t**2) * out.grad
        out._backward = _backward
        return out

    def backward(self):
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


class Module:
    def zero_grad(self):
        for p in self.parameters():
            p.grad = 0


class Neuron(Module):
    def __init__(self, nin):
        super().__init__()
        self.w = [Value(random.uniform(-1, 1)) for _ in range(nin)]
        self.b = Value(random.uniform(-1, 1))

    def __call__(self, x):
        act = sum((wi*xi for wi, xi in zip(self.w, x)), self.b)
        return act.tanh()

    def parameters(self):
        return self.w + [self.b]


class Layer(Module):
    def __init__(self, nin, nout):
        self.neurons = [Neuron(nin) for _ in range(nout)]

    def __call__(self, x):
        outs = [n(x) for n in self.neurons]
        return outs[0] if len(outs) == 1 else outs

    def parameters(self):
        return [p for neuron in self.neurons for p in neuron.parameters()]


class MLP(Module):
    def __init__(self, nin, nouts):
        sz = [nin] + nouts
        self.layers = [Layer(sz[i], sz[i+1]) for i in range(len(nouts))]

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]


xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
ys = [1.0, -1.0, -1.0, 1.0]
n = MLP(3, [4, 4, 1])
for k in range(20):
    ypred = [n(x) for x in xs]
    loss = sum(((yout - ygt)**2 for ygt, yout in zip(ys, ypred)), Value(0.0))
    n.zero_grad()
    loss.backward()
    for p in n.parameters():
        p.data += -0.05 * p.grad
    print(k, loss.data)
o = Value.__add__(Value(1.0), Value(2.0))
print(o.__repr__(), o._op, o._prev)
draw_dot(loss)
"""

# fmt: off
# Programs, or parts of one, that the wall lets through
PASSING = [
    pytest.param(LECTURE_VALUE, id="the lecture's Value, MLP and training loop"),
    pytest.param("import math, random\nimport random as r\nimport itertools, functools, collections, statistics\n"
                 "import dataclasses, typing", id="the standard modules"),
    pytest.param("from micrograd.engine import Value\nfrom micrograd.nn import MLP, Neuron, Layer, Module\n"
                 "from micrograd import nn, engine\nimport micrograd.nn as mnn", id="micrograd"),
    pytest.param("import numpy as np\nimport matplotlib.pyplot as plt\nimport torch\nimport matplotlib\n"
                 "from matplotlib import pyplot\nfrom numpy import array, linspace", id="later modules"),
    pytest.param("from graphviz import Digraph\ndot = Digraph(format='svg', graph_attr={'rankdir': 'LR'})",
                 id="graphviz"),
    pytest.param("from __future__ import annotations\nfrom typing import Optional, List\n"
                 "from collections import defaultdict, namedtuple\nfrom dataclasses import dataclass, field",
                 id="names from modules"),
    pytest.param("class A(B):\n    def __init__(self):\n        super().__init__()", id="super().__init__()"),
    pytest.param("o = Value.__add__(a, b)\nprint(o.__repr__(), x.__getitem__(0), x.__len__())",
                 id="data-model methods called directly"),
    pytest.param("class P:\n    __hash__ = None\n    def __add__(self, o):\n        return self\n"
                 "    __radd__ = __add__\n    def __eq__(self, o):\n        return True\n"
                 "    def __lt__(self, o):\n        return False", id="operator methods and class-body aliases"),
    pytest.param("class P:\n    def __repr__(self):\n        return f'{type(self).__name__}({self.a!r:>6})'",
                 id="type(self).__name__"),
    pytest.param("class P:\n    @property\n    def total(self):\n        return 1\n    @staticmethod\n"
                 "    def zero():\n        return 0\n    @classmethod\n    def make(cls):\n        return cls()",
                 id="decorators"),
    pytest.param("import functools\n@functools.lru_cache(maxsize=None)\ndef fib(n):\n"
                 "    return n if n < 2 else fib(n - 1) + fib(n - 2)", id="a decorator with arguments"),
    pytest.param("from dataclasses import dataclass, field\n@dataclass\nclass Point:\n    x: float = 0.0\n"
                 "    tags: list = field(default_factory=list)\n    def __post_init__(self):\n        pass",
                 id="a dataclass"),
    pytest.param("f = lambda x, k=2: x ** k\ng = lambda: lambda: 1", id="lambda"),
    pytest.param("try:\n    1 / 0\nexcept (ZeroDivisionError, ValueError) as e:\n    print(e)\nelse:\n    pass\n"
                 "finally:\n    print('done')", id="try, except, else, finally"),
    pytest.param("with a as b, c:\n    pass", id="with"),
    pytest.param("def gen(n):\n    yield from range(n)\n    x = yield n\n    return x", id="generators"),
    pytest.param("if (m := len(x)) > 1:\n    print(m)", id="walrus"),
    pytest.param("match p:\n    case Point(x=0.0, y=y):\n        pass\n    case [a, *rest]:\n        pass\n"
                 "    case {'k': v, **others}:\n        pass\n    case int() as n:\n        pass\n"
                 "    case 1 | 2:\n        pass\n    case _:\n        pass", id="match"),
    pytest.param("counter = 0\ndef outer():\n    total = 0\n    def inner():\n        nonlocal total\n"
                 "        global counter\n        counter += 1\n        total += 1\n    inner()\n    return total",
                 id="global and nonlocal"),
    pytest.param("w, p = 10, 4\ns = f'{x!r} {x:.4f} {x:{w}.{p}f} {x!r:>{w}}'", id="f-strings"),
    pytest.param("s = '{:.4f}'.format(x) + '{0} {1}'.format(a, b) + '{name}'.format(name=1)", id="str.format"),
    pytest.param("s = '{0!r:>{1}}'.format('x', 5) + '{x}'.format_map(d) + str.format('{}', 1)",
                 id="str.format with conversions and nested specs"),
    pytest.param("s = '{{0.__class__}}'.format()", id="escaped braces"),
    pytest.param("fill = template.format\ns = fill(1)", id="format of a computed template (checked at run time)"),
    pytest.param("s = {1, 2}\nd = {k: v for k, v in zip('ab', range(2))}\ng = (i * i for i in range(3))\n"
                 "l = [i for i in range(3) if i]\nt = {i for i in l}", id="sets and comprehensions"),
    pytest.param("print(getattr(p, 'x'), getattr(p, name), hasattr(p, 'data'), getattr(f, '__name__'))\n"
                 "setattr(p, 'grad', 0.0)\ndelattr(p, 'label')", id="getattr and friends with allowed names"),
    pytest.param("y = getattr(x, '__cl' + 'ass__')", id="a computed getattr name (checked at run time)"),
    pytest.param("x = [1, 2, 3]\nx[1:2] = [5]\ndel x[0]\ndel x\nassert True, 'yes'", id="del and assert"),
    pytest.param("raise ValueError('no')", id="raise"),
    pytest.param("if __name__ == '__main__':\n    main()", id="__name__"),
    pytest.param("p.data += -0.05 * p.grad\np.grad = 0.0\nn._backward()\no._prev\no._op", id="a value's fields"),
    pytest.param("def forward(self, input):\n    pass", id="a parameter named like a refused built-in"),
    pytest.param("model.eval()\nx.compile\nd = dict(input=1)", id="attributes and keywords named like built-ins"),
    pytest.param("class E(Exception):\n    pass\nraise E('x')", id="an exception class"),
    pytest.param("while True:\n    break\nfor i in []:\n    continue\nelse:\n    pass",
                 id="loops"),
    pytest.param("dot = draw_dot(L)\ndot.render('gout')", id="draw_dot"),
    pytest.param("class A:\n    def __private(self):\n        self.__x = 1", id="private names"),
]
# fmt: on


@pytest.mark.parametrize("source", PASSING)
def test_check_lets_python_through(source: str) -> None:
    tree = ast.parse(source)
    check_program(tree)
    compile(tree, "<program>", "exec")  # and it is Python that CPython would run


@pytest.mark.parametrize("module", ["micrograd.engine", "micrograd.nn"])
def test_micrograds_own_source_passes(module: str) -> None:
    spec = util.find_spec(module)
    if spec is None or spec.origin is None:
        pytest.skip("micrograd is not installed")
    check_program(ast.parse(Path(spec.origin).read_text()))


def test_a_computed_attribute_name_is_left_to_the_run_time_twin() -> None:
    check_program(ast.parse("y = getattr(x, '__cl' + 'ass__')"))
    assert check_attribute_name("__cl" + "ass__") == f"the attribute __class__ is not available: {INTERNALS}"


class Sly(str):
    """A str whose comparisons could make it match another attribute name."""

    def __eq__(self, other: object) -> bool:
        return True

    def __hash__(self) -> int:
        return hash("__class__")


@pytest.mark.parametrize(
    ("name", "refused"),
    [
        ("__class__", True),
        ("__add__", True),  # a data-model method through getattr is not a direct call
        ("__init__", True),
        ("gi_frame", True),
        ("mro", True),
        ("data", False),
        ("_backward", False),
        ("__name__", False),
        (3, False),  # Python's own TypeError
        (None, False),
        (Sly("data"), True),
    ],
)
def test_check_attribute_name(name: object, refused: bool) -> None:
    assert (check_attribute_name(name) is not None) == refused


@pytest.mark.parametrize(
    ("template", "refused"),
    [
        ("{0.__class__}", True),
        ("{.real}", True),
        ("{x[0]}", True),
        ("{0:{1.x}}", True),
        ("{0:{1:{2[0]}}}", True),
        ("{0.x}{", True),  # the walking field comes before the malformed end, as str.format reaches it
        ("{:.4f}", False),
        ("{0} {1}", False),
        ("{name}", False),
        ("{0!r:>{1}}", False),
        ("{{0.__class__}}", False),  # escaped braces: text, not a field
        ("{", False),  # malformed: CPython's own ValueError
        ("{0!x.y}", False),
        ("", False),
    ],
)
def test_check_format_string(template: str, refused: bool) -> None:
    assert (check_format_string(template) is not None) == refused


def made_by_type(annotations: object) -> type:
    """A class made with type(name, bases, namespace), as a program can make one."""
    return type("D", (), {"__annotations__": annotations})


def with_a_forged_base() -> type:
    forged = dataclasses.field()
    forged.name = "__getattribute__"
    base = type("B", (), {"__dataclass_fields__": {"__getattribute__": forged}})
    return type("D", (base,), {"__annotations__": {"x": int}})


class Meta(type):
    """A metaclass of a program's own."""


@dataclasses.dataclass
class Base:
    x: float = 0.0


class Protocolled(typing.Protocol):
    x: int


@pytest.mark.parametrize(
    ("cls", "refused"),
    [
        pytest.param(made_by_type({"x": float}), False, id="fields of its own"),
        pytest.param(type("E", (Base,), {"__annotations__": {"y": int}}), False, id="a dataclass base"),
        pytest.param(Protocolled, False, id="a protocol"),
        pytest.param(3, True, id="not a class"),
        pytest.param(made_by_type({"__getattribute__": int}), True, id="a field named __getattribute__"),
        pytest.param(made_by_type({"gi_frame": int}), True, id="a field named gi_frame"),
        pytest.param(made_by_type({Sly("x"): int}), True, id="a field named by a str subclass"),
        pytest.param(made_by_type(type("Ann", (dict,), {})(x=int)), True, id="annotations not a dict"),
        pytest.param(with_a_forged_base(), True, id="a forged field in a base"),
        pytest.param(Meta("D", (), {"__annotations__": {"x": int}}), True, id="a metaclass of the program's"),
        pytest.param(
            type("D", (made_by_type({"x": int}),), {"__dataclass_fields__": []}), True, id="fields not a dict"
        ),
    ],
)
def test_check_dataclass(cls: object, refused: bool) -> None:
    assert (check_dataclass(cls) is not None) == refused


def test_a_class_made_by_type_would_hand_out_getattribute_through_dataclass() -> None:
    cls: type = dataclasses.dataclass(made_by_type({"__getattribute__": int}))  # what check_dataclass refuses first
    assert dataclasses.fields(cls)[0].default is object.__getattribute__


def test_a_program_nested_past_the_recursion_limit_is_a_limit_error() -> None:
    node: ast.expr = ast.Constant(1, lineno=1, col_offset=0)
    for _ in range(sys.getrecursionlimit() * 2):  # built by hand: ast.parse stops far sooner
        node = ast.UnaryOp(ast.USub(), node, lineno=1, col_offset=0)
    tree = ast.Module([ast.Expr(node, lineno=1, col_offset=0)], [])
    with pytest.raises(ProgramError) as refused:
        check_program(tree)
    assert refused.value.kind == "limit"


# -- the tables against the real modules and built-ins

STDLIB = [name for name in MODULES if not name.startswith(("micrograd", "graphviz", "matplotlib", "torch"))]
EVALUATORS = {eval, exec, compile, open, __import__, getattr, typing.get_type_hints, typing.ForwardRef}
# Python functions of the allowed modules that name eval, exec or the caller's frame, each read and judged safe
REVIEWED = {
    "collections.namedtuple": "evals a lambda made of field names it checked are identifiers; the frame names a module",
}
SUSPECT_NAMES = {"eval", "exec", "compile", "get_type_hints", "_getframe", "__import__", "import_module", "open"}


@pytest.mark.parametrize("module", STDLIB)
def test_every_allowed_name_is_public_and_no_module_or_evaluator(module: str) -> None:
    real = importlib.import_module(module)
    for name in MODULES[module]:
        value = getattr(real, name)
        assert not name.startswith("_")
        assert not isinstance(value, types.ModuleType), f"{module}.{name}"
        assert f"{module}.{name}" not in WITHHELD_NAMES
        assert not any(value is evaluator for evaluator in EVALUATORS), f"{module}.{name}"
        if isinstance(value, types.FunctionType) and f"{module}.{name}" not in REVIEWED:
            assert not SUSPECT_NAMES & set(value.__code__.co_names), f"{module}.{name}"


def test_every_withheld_name_exists_and_is_withheld() -> None:
    for dotted in WITHHELD_NAMES:
        module, _, name = dotted.rpartition(".")
        assert hasattr(importlib.import_module(module), name)
        assert name not in MODULES[module]


def test_the_builtin_tables_cover_pythons_builtins_once() -> None:
    assert not BUILTINS & set(REFUSED_BUILTINS)
    assert all(hasattr(builtins, name) for name in BUILTINS | set(REFUSED_BUILTINS))
    public = {name for name in dir(builtins) if not name.startswith("_")}
    assert public <= BUILTINS | set(REFUSED_BUILTINS)


def test_data_model_methods_leave_out_what_reaches_internals() -> None:
    hooks = {
        "__getattr__", "__getattribute__", "__setattr__", "__delattr__", "__del__", "__new__", "__class__",
        "__init_subclass__", "__class_getitem__", "__set_name__", "__reduce__", "__reduce_ex__", "__dict__",
        "__slots__", "__match_args__", "__get__", "__set__", "__subclasses__", "__globals__", "__code__",
    }  # fmt: skip
    assert all(name.startswith("__") and name.endswith("__") for name in DATA_MODEL_METHODS)
    assert not DATA_MODEL_METHODS & hooks
    assert {"__init__", "__call__", "__repr__", "__add__", "__radd__", "__iadd__", "__neg__"} <= DATA_MODEL_METHODS


def test_every_refused_attribute_is_one_python_has() -> None:
    def generator() -> typing.Iterator[int]:
        yield 1

    async def coroutine() -> None:
        pass

    async def asynchronous_generator() -> typing.AsyncIterator[int]:
        yield 1

    started = coroutine()
    started.close()  # closed, so that it is never awaited without a warning
    try:
        raise ValueError
    except ValueError as error:
        traceback = error.__traceback__
    objects = [generator(), started, asynchronous_generator(), sys._getframe(), traceback, generator.__code__, type,
               typing.ForwardRef("x"), (lambda: started).__closure__[0], numpy.arange(3)]  # type: ignore[index]  # fmt: skip
    for name in REFUSED_ATTRIBUTES:
        assert any(hasattr(thing, name) for thing in objects), name


def test_later_modules_are_not_provided_modules() -> None:
    assert not set(LATER_MODULES) & set(MODULES)
