"""The hostile programs, shared by the engine's table and the server's, sorted by the wall that stops each.

- STATIC rows (source, kind, line, column): the static wall (or the parser in front of it) refuses the
  program in the server, before any process starts: `unsupported`, `syntax` or `limit`.
- RUN_TIME rows (source, kind, line, column): the program runs in the jail and is stopped there by
  CPython's own exception, a budget of the recorder (values, events, passes, printed lines), the
  recursion limit, or the run-time twin of the static wall (`unsupported`: getattr of a built name, a
  computed format template). They run under SMALL limits.
- JAIL rows (source, line, column, ending): the jail's own limits stop the program with a `limit` error
  at the line running: the deadline (TIME rows, under QUICK's one-second deadline) or the address-space
  limit (MEMORY rows, under SMALL's 128 MiB). A line of None: the child was killed at the hard deadline,
  in C code that never looked at its signals, or in a program that swallowed every deadline.
- DEFAULTS rows (source, kind, line, column): one bomb of each kind again, under the default limits
  (STANDARD: processor time out of the way of the 3 s deadline).
- SAFE rows (source, prints): CPython runs the program, so the explorer answers with the lines CPython
  prints (None where the row only checks that an answer comes), under the default limits.
- LARGE_RECORDS: programs within every default limit whose record (events, values, Out[] texts) is as
  large as the limits allow; the server decodes and replays it, so each is measured alone.

A column of ANYWHERE checks the line only. Rows marked as holes are what the walls do not yet do as the
row says; each names what happens instead, and fails the suite once it is fixed, until the mark goes.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Final

import pytest

from engine.limits import DEFAULT_LIMITS, MAX_LABEL_CHARS, MAX_SOURCE_CHARS

MiB = 2**20
# The defaults, but for processor time: a second past the wall clock's deadline, so that the two deadlines never
# come at once.
STANDARD = replace(DEFAULT_LIMITS, max_cpu_seconds=DEFAULT_LIMITS.max_seconds + 1)
# The walls are the same at any size; smaller limits reach them sooner and surely, whatever else the machine runs.
QUICK = replace(STANDARD, max_seconds=1.0)  # for TIME rows: a one-second deadline
SMALL = replace(STANDARD, max_memory_bytes=128 * MiB, max_nodes=10_000, max_events=100_000)  # MEMORY, RUN_TIME

ANYWHERE: Final = 0  # columns are 1-based, so 0 is never one: the row checks the line only
TIME: Final = "time"
MEMORY: Final = "memory"

NESTED_IFS = "\n".join(" " * depth + "if True:" for depth in range(150)) + "\n" + " " * 150 + "pass"
DOUBLED = "x = []\ny = []\nfor i in range(40):\n    x = [x, x]\n    y = [y, y]\n"  # 2**40 leaves, 80 lists
DEEP = "x = []\ny = []\nfor i in range(100000):\n    x = [x]\n    y = [y]\n"  # lists nested 100,000 deep
METHOD_DIVIDES_BY_ZERO = """class A:
    def __init__(self):
        self.x = 1

    def bad(self):
        return self.x / 0
A().bad()
"""
CONTEXT_MANAGER = """class Opened:
    def __enter__(self):
        print('in')
        return self

    def __exit__(self, *exc):
        print('out')

with Opened() as o:
    print('body')
"""
WRAPPING_DECORATOR = """def twice(f):
    def g(x):
        return f(f(x))
    return g

@twice
def inc(x):
    return x + 1

print(inc(1))
"""
OPERATOR_CLASS = """class V:
    def __init__(self, x):
        self.x = x

    def __add__(self, other):
        return V(self.x + other.x)

    def __eq__(self, other):
        return self.x == other.x

    def __repr__(self):
        return f'V({self.x})'

print(V(1) + V(2), V(1) == V(1))
"""
MATCH = """def kind(v):
    match v:
        case {'op': op, **rest}:
            return op
        case [first, *_]:
            return first
        case int() as n if n > 0:
            return 'positive'
        case _:
            return 'other'

print(kind({'op': '+'}), kind([3, 4]), kind(5), kind(None))
"""
GENERATOR = """def count_up(n):
    i = 0
    while i < n:
        yield i
        i += 1

def relay():
    yield from count_up(3)

g = relay()
print(list(g), next(g, 'done'))
"""
SCOPES = """total = 0

def add(n):
    global total
    total += n

def counter():
    count = 0
    def bump():
        nonlocal count
        count += 1
        return count
    return bump

add(5)
bump = counter()
bump()
print(total, bump())
"""
SWALLOWS_THE_DEADLINE = """while True:
    try:
        while True:
            pass
    except BaseException:
        pass
"""
SPY_ON_GLOBALS = """def spy(f):
    return f.__globals__

@spy
def g():
    pass
"""
SPY_ON_A_TRACEBACK = """def frame_of(f):
    try:
        raise Exception
    except Exception as e:
        return e.__traceback__.tb_frame

@frame_of
def g():
    pass
"""
SPY_ON_A_GENERATOR = """def caller(f):
    g = (i for i in [1])
    return g.gi_frame.f_back

@caller
def h():
    pass
"""
SPY_WITH_A_BUILT_NAME = """def spy(f):
    return getattr(f, '__glo' + 'bals__')

@spy
def g():
    pass
"""
GENERATOR_FRAME = """def gen():
    yield 1

g = gen()
next(g)
caller = g.gi_frame.f_back.f_globals
"""
TRACEBACK = """try:
    1 / 0
except ZeroDivisionError as e:
    frame = e.__traceback__.tb_frame
"""
TRACEBACK_BY_A_BUILT_NAME = """try:
    1 / 0
except ZeroDivisionError as e:
    tb = getattr(e, '__trace' + 'back__')
"""
TEMPLATE_BUILT = "t = '{0.__cl' + 'ass__}'\n"
FORMAT_THROUGH_A_SUBCLASS = "class S(str):\n    pass\n\nprint(S.format('{0.__class__}', 1))"
FORMAT_MAP_THROUGH_A_SUBCLASS = "class S(str):\n    pass\n\nprint(S.format_map('{x.__class__}', {'x': 1}))"
FORMAT_THROUGH_SUPER = "class S(str):\n    pass\n\ns = S('{0.__class__}')\nprint(super(S, s).format(1))"
FORMAT_THROUGH_GETATTR = "class S(str):\n    pass\n\nprint(getattr(S, 'format')('{0.__class__}', 1))"


def hole(reason: str) -> pytest.MarkDecorator:
    """A row the engine does not yet answer as the row says: a strict expected failure, so that the fix shows."""
    return pytest.mark.xfail(strict=True, reason=reason)


# fmt: off
STATIC = [
    # -- errors CPython's compiler finds after the parser: SyntaxError at its place
    pytest.param("*a = [1]", "syntax", 1, 1, id="a starred target alone"),
    pytest.param("def f(a, a):\n    return a", "syntax", 1, 10,
                 id="a duplicate parameter"),
    pytest.param("return 1", "syntax", 1, 1, id="return outside a function"),
    pytest.param("break", "syntax", 1, 1, id="break outside a loop"),
    # -- names, attributes and built-ins that reach Python's internals
    pytest.param("a = 1.0\nb = a.__class__", "unsupported", 2, 5, id="dunder attribute of a leaf"),
    pytest.param("__import__('os').system('true')", "unsupported", 1, 1, id="__import__ of os"),
    pytest.param("a = Value(2.0, label=open('x'))", "unsupported", 1, 22, id="open in a label"),
    pytest.param("a = 1.0\nb = eval('a')", "unsupported", 2, 5, id="eval"),
    pytest.param("().__class__.__bases__", "unsupported", 1, 1, id="().__class__.__bases__"),
    pytest.param("x = ().__class__.__bases__[0].__subclasses__()", "unsupported", 1, 5, id="__subclasses__"),
    pytest.param("class A:\n    def __init__(self):\n        self.__dict__\n\nA()", "unsupported", 3, 9,
                 id="self.__dict__"),
    pytest.param("def f():\n    pass\n\nf.__globals__", "unsupported", 4, 1, id="a function's __globals__"),
    pytest.param("def f():\n    pass\n\nf.__code__", "unsupported", 4, 1, id="a function's __code__"),
    pytest.param("import math\nmath.__loader__", "unsupported", 2, 1, id="math.__loader__"),
    pytest.param("import random\nrandom.__dict__", "unsupported", 2, 1, id="random.__dict__"),
    pytest.param("import random\nrandom.seed.__self__", "unsupported", 2, 1, id="the method's instance of random"),
    pytest.param("import micrograd.engine as e\ne.__dict__", "unsupported", 2, 1, id="micrograd.engine.__dict__"),
    pytest.param("import micrograd\nmicrograd.engine.Value.__init__", "unsupported", 2, 1, id="Value.__init__"),
    pytest.param("from micrograd.nn import Module\nModule.__subclasses__()", "unsupported", 2, 1,
                 id="micrograd.nn's classes' __subclasses__"),
    pytest.param("print.__self__", "unsupported", 1, 1, id="print.__self__"),
    pytest.param("print(__builtins__)", "unsupported", 1, 7, id="__builtins__"),
    pytest.param("global __builtins__", "unsupported", 1, 1, id="__builtins__ declared global"),
    pytest.param("__builtins__ = {}", "unsupported", 1, 1, id="__builtins__ assigned"),
    pytest.param("f = open", "unsupported", 1, 5, id="open named, not called"),
    pytest.param("ｅｖａｌ('1')", "unsupported", 1, 1, id="eval in fullwidth letters"),
    pytest.param("x = ().__ｃｌａｓｓ__", "unsupported", 1, 5, id="__class__ in fullwidth letters"),
    pytest.param("x = [eval][0]('1')", "unsupported", 1, 6, id="eval in a list"),
    pytest.param("import torch\ntorch.__dict__", "unsupported", 2, 1, id="torch.__dict__"),
    pytest.param("x = vars(1)", "unsupported", 1, 5, id="vars"),
    pytest.param("g = globals()", "unsupported", 1, 5, id="globals"),
    pytest.param("def f():\n    return locals()", "unsupported", 2, 12, id="locals"),
    # -- generators, coroutines, tracebacks: the ways to a frame
    pytest.param("g = (x for x in [])\ng.gi_frame", "unsupported", 2, 1, id="a generator's gi_frame"),
    pytest.param("g = (x for x in [])\nc = g.gi_code", "unsupported", 2, 5, id="a generator's gi_code"),
    pytest.param(GENERATOR_FRAME, "unsupported", 6, 10, id="a generator's frame to its caller's globals"),
    pytest.param(TRACEBACK, "unsupported", 4, 13, id="an exception's traceback to its frame"),
    pytest.param("def f():\n    pass\n\nc = f.__closure__", "unsupported", 4, 5, id="a function's closure"),
    pytest.param("x = y.cell_contents", "unsupported", 1, 5, id="a closure cell's contents"),
    pytest.param("x = y.f_back", "unsupported", 1, 5, id="a frame's caller"),
    pytest.param("x = y.tb_next", "unsupported", 1, 5, id="a traceback's next"),
    pytest.param("async def f():\n    pass", "unsupported", 1, 1, id="async def"),
    pytest.param("await x", "unsupported", 1, 1, id="await"),
    # -- decorators that try to reach frames and globals
    pytest.param(SPY_ON_GLOBALS, "unsupported", 2, 12, id="a decorator that returns its function's globals"),
    pytest.param(SPY_ON_A_TRACEBACK, "unsupported", 5, 16, id="a decorator that raises to reach a frame"),
    pytest.param(SPY_ON_A_GENERATOR, "unsupported", 3, 12, id="a decorator that reaches its caller's frame"),
    # -- type(...).mro() and attribute built-ins with a constant name
    pytest.param("bases = type(1).mro()", "unsupported", 1, 9, id="type(1).mro()"),
    pytest.param("bases = type.mro(int)", "unsupported", 1, 9, id="type.mro(int)"),
    pytest.param("bases = getattr(int, 'mro')()", "unsupported", 1, 9, id="getattr of mro"),
    pytest.param("c = getattr(1, '__class__')", "unsupported", 1, 5, id="getattr of __class__"),
    pytest.param("class A:\n    pass\n\nsetattr(A, '__init__', print)", "unsupported", 4, 1,
                 id="setattr of __init__"),
    pytest.param("x = hasattr(1, '__dict__')", "unsupported", 1, 5, id="hasattr of __dict__"),
    # -- str.format with fields that walk attributes or items, in constant templates
    pytest.param("'{0.__class__}'.format(1)", "unsupported", 1, 1, id="str.format reaching __class__"),
    pytest.param("x = '{0[0]}'.format([1])", "unsupported", 1, 5, id="str.format reading an item"),
    pytest.param("print(str.format('{0.__class__}', 1))", "unsupported", 1, 18, id="str.format(template, x)"),
    pytest.param("'{x.__class__}'.format_map({'x': 1})", "unsupported", 1, 1, id="format_map reaching __class__"),
    pytest.param("print('{0:{1.__class__}}'.format(1, 2))", "unsupported", 1, 7, id="a field inside a format spec"),
    # -- classes: keywords, and methods that reach Python's internals
    pytest.param("class A(object, metaclass=type):\n    pass", "unsupported", 1, 17, id="a metaclass"),
    pytest.param("class B:\n    pass\n\nclass A(B, flag=1):\n    pass", "unsupported", 4, 12,
                 id="a class keyword for __init_subclass__"),
    pytest.param("class A:\n    def __getattr__(self, name):\n        return 1", "unsupported", 2, 5,
                 id="__getattr__"),
    pytest.param("class A:\n    __getattribute__ = lambda self, name: 1", "unsupported", 2, 5,
                 id="__getattribute__ assigned in a class body"),
    pytest.param("class A:\n    def __del__(self):\n        pass", "unsupported", 2, 5, id="__del__"),
    pytest.param("class A:\n    def __init_subclass__(cls):\n        pass", "unsupported", 2, 5,
                 id="__init_subclass__"),
    pytest.param("class A:\n    __slots__ = ('x',)", "unsupported", 2, 5, id="__slots__"),
    pytest.param("class A:\n    pass\n\nA.__add__ = 1", "unsupported", 4, 1, id="__add__ set on a class"),
    pytest.param("d = {}\nf = d.__setitem__", "unsupported", 2, 5, id="a data-model method as a value"),
    pytest.param("match 1:\n    case object(__class__=c):\n        pass", "unsupported", 2, 10,
                 id="a class pattern reading __class__"),
    pytest.param("match 1:\n    case int(x):\n        pass", "unsupported", 2, 14, id="a positional class pattern"),
    # -- imports
    pytest.param("import os", "unsupported", 1, 8, id="import os"),
    pytest.param("from os import system", "unsupported", 1, 1, id="from os import system"),
    pytest.param("import os.path", "unsupported", 1, 8, id="import os.path"),
    pytest.param("import subprocess as sp", "unsupported", 1, 8, id="import subprocess"),
    pytest.param("import sys", "unsupported", 1, 8, id="import sys"),
    pytest.param("import inspect", "unsupported", 1, 8, id="import inspect"),
    pytest.param("from . import engine", "unsupported", 1, 1, id="a relative import"),
    pytest.param("from math import *", "unsupported", 1, 18, id="import star"),
    pytest.param("from micrograd.engine import os", "unsupported", 1, 30, id="an import of a name micrograd lacks"),
    pytest.param("from micrograd.nn import random", "unsupported", 1, 26, id="random through micrograd.nn"),
    pytest.param("from random import _inst", "unsupported", 1, 20, id="random's hidden generator imported"),
    pytest.param("from random import SystemRandom", "unsupported", 1, 20, id="random.SystemRandom"),
    pytest.param("from typing import get_type_hints", "unsupported", 1, 20, id="typing.get_type_hints"),
    pytest.param("from functools import wraps", "unsupported", 1, 23, id="functools.wraps"),
    pytest.param("%timeit 1\nimport os", "unsupported", 2, 8, id="import os after a notebook line"),
    pytest.param("with open('x') as f:\n    pass", "unsupported", 1, 6, id="with open"),
    # -- syntax, and the size and depth of the text
    pytest.param("a = 1.0\nb = a +", "syntax", 2, 8, id="an unfinished expression"),
    pytest.param("a = (1.0", "syntax", 1, 5, id="an unclosed parenthesis"),
    pytest.param("a = 1.0\x00", "syntax", 1, 8, id="a null character"),
    pytest.param("a = 1.0\nb = '\ud800'", "syntax", 2, 6, id="a lone surrogate"),
    pytest.param("", "syntax", None, None, id="an empty program"),
    pytest.param("# only a comment\n\n", "syntax", None, None, id="only a comment"),
    pytest.param("!rm -rf /tmp/nothing", "syntax", None, None, id="a shell line alone"),
    pytest.param(NESTED_IFS, "syntax", 101, 1, id="150 nested ifs"),  # CPython's indentation limit
    pytest.param("a = " + "(" * 300 + "1" + ")" * 300, "limit", 1, 205, id="300 parentheses"),
    pytest.param("a = 1.0\nb = " + "-" * 150 + "a", "limit", 2, 105, id="150 minus signs"),
    pytest.param("b = " + "[" * 150 + "]" * 150, "limit", 1, 1, id="150 nested lists"),
    pytest.param("a = 1.0\nb = " + "-" * 100_000 + "a", "limit", None, None, id="100,000 minus signs"),
    pytest.param("b = " + "+".join(["a"] * 99_000), "limit", None, None, id="a sum of 99,000 terms"),
    pytest.param("b = a" + "()" * 99_000, "limit", None, None, id="99,000 calls of calls"),
    pytest.param("b = " + "lambda: " * 20_000 + "1", "limit", None, None, id="20,000 nested lambdas"),
    pytest.param("a = 1.0\n" + "a\n" * 20_001, "limit", None, None, id="20,001 statements"),
    pytest.param("a = 1.0\n" + " " * MAX_SOURCE_CHARS, "limit", None, None, id="a program past the length limit"),
    pytest.param("a = 1.0\nb = 1" + "0" * 5000, "limit", 2, 5, id="an integer literal of 5001 digits"),
]
STATIC += [
    pytest.param(name, "unsupported", 1, 1, id=f"the built-in {name}")
    for name in (
        "open", "exec", "eval", "compile", "__import__", "breakpoint", "input", "exit", "quit", "help", "vars",
        "globals", "locals", "memoryview", "aiter", "anext", "copyright", "credits", "license", "__build_class__",
        "__loader__", "__spec__", "__doc__",
    )
]

STATIC += [  # a module's internals read through the name its import bound
    pytest.param("import random\nrandom._os", "unsupported", 2, 1, id="random._os"),
    pytest.param("import random\nrandom._inst", "unsupported", 2, 1, id="random's hidden generator"),
    pytest.param("import typing\ntyping.sys", "unsupported", 2, 1, id="typing.sys"),
    pytest.param("import dataclasses\ndataclasses.sys", "unsupported", 2, 1, id="dataclasses.sys"),
    pytest.param("import statistics\nstatistics.sys", "unsupported", 2, 1, id="statistics.sys"),
    pytest.param("import functools\nfunctools.wraps", "unsupported", 2, 1, id="functools.wraps read"),
    pytest.param("import numpy as np\nnp.load('x.npy')", "unsupported", 2, 1, id="numpy.load"),
    pytest.param("import numpy\nnumpy.random.bit_generator", "unsupported", 2, 1, id="numpy.random's internals"),
    pytest.param("import matplotlib.pyplot as plt\nplt.imread('/etc/passwd')", "unsupported", 2, 1, id="plt.imread"),
]

RUN_TIME = [
    # -- the run-time twin of the static wall: attribute names and format templates built as the program runs
    pytest.param("print(getattr(1, '__cl' + 'ass__'))", "unsupported", 1, 7, id="getattr with a built name"),
    pytest.param("bases = getattr(int, 'm' + 'ro')()", "unsupported", 1, 9, id="getattr of a built mro"),
    pytest.param("class A:\n    pass\n\nsetattr(A, '__ini' + 't__', print)", "unsupported", 4, 1,
                 id="setattr with a built name"),
    pytest.param("x = hasattr(1, '__di' + 'ct__')", "unsupported", 1, 5, id="hasattr with a built name"),
    pytest.param("class A:\n    pass\n\ndelattr(A, '__do' + 'c__')", "unsupported", 4, 1,
                 id="delattr with a built name"),
    pytest.param("import functools\nget = functools.partial(getattr, 1)\nget('__class__')", "unsupported", 3, 1,
                 id="getattr through functools.partial"),
    pytest.param("names = ['real', '__class__']\nfor n in names:\n    getattr(1, n)", "unsupported", 3, 5,
                 id="getattr over a list of names"),
    pytest.param("class N(str):\n    pass\n\ngetattr(1, N('__class__'))", "unsupported", 4, 1,
                 id="getattr with a name of a str subclass"),
    pytest.param(TRACEBACK_BY_A_BUILT_NAME, "unsupported", 4, 10, id="a traceback by a built name"),
    pytest.param(SPY_WITH_A_BUILT_NAME, "unsupported", 2, 12, id="a decorator that builds the name of globals"),
    pytest.param("gi = 'gi_' + 'frame'\ng = (x for x in [1])\nf = getattr(g, gi)", "unsupported", 3, 5,
                 id="a generator's frame by a built name"),
    pytest.param(TEMPLATE_BUILT + "print(t.format(1))", "unsupported", 2, 7, id="a built template's format"),
    pytest.param(TEMPLATE_BUILT + "print(str.format(t, 1))", "unsupported", 2, 7, id="str.format(t, x) of a built t"),
    pytest.param(TEMPLATE_BUILT + "fmt = t.format\nprint(fmt(1))", "unsupported", 2, 7,
                 id="a built template's format kept for later"),
    pytest.param("t = '{x.__cl' + 'ass__}'\nprint(t.format_map({'x': 1}))", "unsupported", 2, 7,
                 id="a built template's format_map"),
    pytest.param("f = getattr('{0.__class__}', 'format')\nprint(f(1))", "unsupported", 1, 5,
                 id="format fetched by getattr"),
    pytest.param("import functools\nf = functools.partial(str.format, '{0.__class__}')\nprint(f(1))",
                 "unsupported", 3, 7, id="str.format through functools.partial"),
    pytest.param("print(list(map(str.format, ['{0.__class__}'], [1])))", "unsupported", 1, 7,
                 id="str.format mapped over templates"),
    pytest.param("print(type('').format('{0.__class__}', 1))", "unsupported", 1, 7, id="type('').format"),
    pytest.param(FORMAT_THROUGH_A_SUBCLASS, "unsupported", 4, 7,
                 id="format of a str subclass"),
    pytest.param(FORMAT_MAP_THROUGH_A_SUBCLASS, "unsupported", 4, 7,
                 id="format_map of a str subclass"),
    pytest.param(FORMAT_THROUGH_SUPER, "unsupported", 5, 7, id="format through super()"),
    pytest.param(FORMAT_THROUGH_GETATTR, "unsupported", 4, 7,
                 id="format of a str subclass by getattr"),
    pytest.param("import dataclasses\nD = type('D', (), {'__annotations__': {'__class__': int}})\n"
                 "dataclasses.dataclass(D)", "unsupported", 3, 1, id="a dataclass of a field named __class__"),
    # -- module internals: a module is a view holding its allowed names only (read through an import's name,
    # the static wall refuses them: STATIC below)
    pytest.param("import random\nos = getattr(random, '_' + 'os')", "name", 2, 6, id="random._os by a built name"),
    pytest.param("import random\nr = [random][0]\nr._inst", "name", 3, 1, id="random's generator past the wall"),
    pytest.param("import numpy as np\nnp.zeros(10**9)", "limit", 2, 1, id="numpy past the memory limit"),
    pytest.param("import collections\nP = collections.namedtuple('P', ['__class__'])", "type", 2, 5,
                 id="a namedtuple with a field named __class__"),
    # -- recursion: RecursionError is a limit at the line it was raised
    pytest.param("def f():\n    return f()\n\nf()", "limit", 2, 12, id="recursion without a base case"),
    pytest.param("def f(n):\n    return f(n + 1) + 1\n\nf(0)", "limit", 2, 12, id="recursion that counts up"),
    pytest.param("def even(n):\n    return odd(n - 1)\n\n\ndef odd(n):\n    return even(n - 1)\n\n\neven(10)",
                 "limit", 2, 12, id="mutual recursion"),
    pytest.param("class A:\n    def f(self):\n        return self.f()\n\nA().f()", "limit", 3, 16,
                 id="a method that calls itself"),
    pytest.param("class A:\n    def __call__(self, x):\n        return self(x)\n\nA()(1)", "limit", 3, 16,
                 id="__call__ that calls itself"),
    pytest.param("class A:\n    def __init__(self):\n        self.child = A()\n\nA()", "limit", 3, 22,
                 id="__init__ that makes another"),
    pytest.param("def deco(f):\n    return deco(f)\n\n@deco\ndef g():\n    pass", "limit", 2, 12,
                 id="a decorator that recurses"),
    pytest.param("class A:\n    def __repr__(self):\n        return str(self)\n\nprint(A())", "limit", 3, 16,
                 id="__repr__ that recurses"),
    pytest.param("class A:\n    def __init__(self):\n        self.me = self\n\n    def __repr__(self):\n"
                 "        return f'A({self.me})'\n\nprint(A())", "limit", 6, 16,
                 id="__repr__ of an object that holds itself"),
    pytest.param(DEEP + "print(x)", "limit", 6, 1, id="a list nested 100,000 deep printed"),
    pytest.param(DEEP + "z = str(x)", "limit", 6, 5, id="str of a list nested 100,000 deep"),
    pytest.param(DEEP + "print(x == y)", "limit", 6, 7, id="lists nested 100,000 deep compared"),
    pytest.param("d = {}\nfor i in range(100000):\n    d = {'k': d}\nprint(d)", "limit", 4, 1,
                 id="a dict nested 100,000 deep printed"),
    pytest.param("t = ()\nfor i in range(100000):\n    t = (t,)\nprint(t)", "limit", 4, 1,
                 id="a tuple nested 100,000 deep printed"),
    pytest.param("a = []\na.append(a)\nb = []\nb.append(b)\nprint(a == b)", "limit", 5, 7,
                 id="lists that hold themselves compared"),
    # -- the recorder's budgets: values, passes, printed lines and characters
    pytest.param("a = Value(1.0)\nb = a * 2\nfor i in range(10**6):\n    b.backward()", "limit", 4, 5,
                 id="backward a million times"),
    pytest.param("x = Value(0.0)\nfor i in range(10**6):\n    x = x + 1", "limit", 3, 9, id="a million values"),
    pytest.param("x = Value(1.0)\nwhile True:\n    x.grad = 0.0", "limit", 3, 5, id="a grad reset for ever"),
    pytest.param("x = Value(1.0)\nfor i in range(10**7):\n    x.data += 1.0", "limit", 3, 5,
                 id="data updated for ever"),
    pytest.param("x = Value(0.0)\nfor i in range(1000):\n    x = x + 1\nfor i in range(10**6):\n    x.backward()",
                 "limit", 5, 5, id="backward of a chain a million times"),
    pytest.param("for i in range(20000):\n    try:\n        print(i)\n    except BaseException:\n        pass\n"
                 "print('still here')", "limit", 6, 1, id="the print limit caught and ignored"),
    pytest.param("x = [Value(float(i)) for i in range(10**6)]", "limit", 1, 6, id="a list of a million Values"),
    pytest.param("from micrograd.nn import MLP\nn = MLP(10**6, [10**6])", "limit", 2, 5,
                 id="an MLP of 10**12 weights"),
    pytest.param("for i in range(10**6):\n    print(i)", "limit", 2, 5, id="a million lines printed"),
    pytest.param("print('x' * 999999)\nprint('x' * 999999)", "limit", 2, 1, id="two million characters printed"),
    pytest.param("for i in range(10**6):\n    print('x' * 100, end='')", "limit", 2, 5,
                 id="a million characters printed on one line"),
    pytest.param("class A:\n    def __repr__(self):\n        return 'A' * 10**6\n\nprint([A()] * 10)", "limit", 5, 1,
                 id="__repr__ of a million characters, ten times"),
    pytest.param("class A:\n    def __repr__(self):\n        return '" + "x" * 150 + "'\n\n"
                 "x = [A()] * 10**4\nprint(x)", "limit", 6, 1, id="a list of objects printed past the limit"),
    # -- numbers: CPython's own errors, huge integers printed (the int-to-str digit limit is a ValueError)
    pytest.param("print(10**5000)", "type", 1, 1, id="a 5001-digit integer printed"),
    pytest.param("x = f'{10**5000}'", "type", 1, 5, id="a 5001-digit integer in an f-string"),
    pytest.param("x = str(10**5000)", "type", 1, 5, id="str of 10**5000"),
    pytest.param("x = int('9' * 5000)", "type", 1, 5, id="int of 5000 digits"),
    pytest.param("x = 10**3000\nprint(x * x)", "type", 2, 1, id="a huge integer squared and printed"),
    pytest.param("a = 2.0\nb = a ** 9 ** 9", "math", 2, 5, id="a power that overflows"),
    pytest.param("a = 2.0 ** 10000.0", "math", 1, 5, id="a float power that overflows"),
    pytest.param("x = len(range(10**30))", "math", 1, 5, id="len of a range past the machine's integers"),
    pytest.param("x = float(10**3000)", "math", 1, 5, id="float of a huge integer"),
    pytest.param("x = 10**3000 / 1", "math", 1, 5, id="a huge integer divided"),
    pytest.param("x = 10**3000 + 0.5", "math", 1, 5, id="a huge integer plus a float"),
    pytest.param("x = 2.0 ** 10**10", "math", 1, 5, id="a float to a huge power"),
    # -- a Value's numbers
    pytest.param("a = 1.0\nb = a.tanh(1)", "type", 2, 5, id="tanh given an argument"),
    pytest.param("a = 1.0\nb = a % 2", "type", 2, 5, id="a Value modulo a number"),
    pytest.param("a = 1.0\nb = a ** a", "type", 2, 5, id="a Value to a Value's power"),
    pytest.param("a = 1.0\nb = a < 2", "type", 2, 5, id="a Value compared with a number"),
    pytest.param("x = 1.0\nx[0]", "type", 2, 1, id="an item of a Value"),
    pytest.param("a = 1e400", "math", 1, 5, id="an infinite literal made a leaf"),
    pytest.param("a = 1.0\nb = a / 0", "math", 2, 5, id="a Value divided by zero"),
    pytest.param("a = 0.0\nb = 1 / a", "math", 2, 5, id="a number divided by a zero Value"),
    pytest.param("a = -1.0\nb = a.log()", "math", 2, 5, id="log of a negative Value"),
    pytest.param("a = 2.0\n" + "a = a * a\n" * 12, "math", 11, 5, id="squaring until overflow"),
    pytest.param("a = 1e300\nb = a * a", "math", 2, 5, id="a product that overflows"),
    pytest.param("a = 800.0\nb = a.exp()", "math", 2, 5, id="exp that overflows"),
    pytest.param("a = " + "9" * 400, "math", 1, 5, id="a 400-digit leaf"),
    pytest.param("a = Value(1e-200)\nb = a ** -1\nb.backward()", "math", 3, 1, id="a grad past the floats"),
    pytest.param("a = Value(1.0)\na.data = float('nan')", "math", 2, 1, id="data set to NaN"),
    pytest.param("a = Value(1.0)\na.grad = float('inf')", "math", 2, 1, id="grad set to infinity"),
    pytest.param("a = Value(1.0)\na.data = 1e308 * 10", "math", 2, 1, id="data set to an overflow"),
    pytest.param("a = Value(1e308)\na.data *= 10", "math", 2, 1, id="data multiplied past the floats"),
    pytest.param("a = Value(1.0)\na.backward()\na.grad = float('nan')", "math", 3, 1, id="grad set to NaN"),
    pytest.param("a = Value(1.0)\na.grad = 10**3000", "math", 2, 1, id="a grad of 10**3000"),
    pytest.param("x = Value(float('nan'))", "math", 1, 5, id="a Value of NaN"),
    pytest.param("x = Value(float('inf'))", "math", 1, 5, id="a Value of infinity"),
    pytest.param("x = Value(1e308) * 10", "math", 1, 5, id="a Value's product past the floats"),
    pytest.param("x = Value(2.0) * float('nan')", "math", 1, 5, id="a Value times NaN"),
    pytest.param("x = Value(1.0) + float('inf')", "math", 1, 5, id="a Value plus infinity"),
    # -- errors CPython raises, at CPython's line and column
    pytest.param("for i in x: pass", "name", 1, 10, id="a loop over an unknown name"),
    pytest.param("b = q + 1", "name", 1, 5, id="an unknown name"),
    pytest.param("s = 'αβγ'; x = q", "name", 1, 16, id="a column counted in characters"),
    pytest.param("a = Value(1.0)\nb = a._forward", "name", 2, 5, id="a field a Value lacks"),
    pytest.param("[1, 2][5]", "type", 1, 1, id="an index out of range"),
    pytest.param("{}['k']", "type", 1, 1, id="a missing key"),
    pytest.param("def f(x):\n    return x\n\nf(1, 2)", "type", 4, 1, id="too many arguments"),
    pytest.param("def f(x):\n    return x + missing\n\nf(1)", "name", 2, 16, id="an unknown name in a function"),
    pytest.param(METHOD_DIVIDES_BY_ZERO, "math", 6, 16, id="1 / 0 in a method"),
    pytest.param("def f(x):\n    return g(x)\n\n\ndef g(x):\n    return x[0]\n\n\nf(1)", "type", 6, 12,
                 id="an error two calls deep"),
    pytest.param("class A:\n    pass\n\nA().nonexistent", "name", 4, 1, id="an unknown attribute of an object"),
    pytest.param("x = None + 1", "type", 1, 5, id="None + 1"),
    pytest.param("assert False, 'msg'", "type", 1, 1, id="assert False"),
    pytest.param("assert 1 / 0", "math", 1, 8, id="assert of a division by zero"),
    pytest.param("a, b = [1, 2, 3]", "type", 1, 1, id="too many values to unpack"),
    pytest.param("x = int('abc')", "type", 1, 5, id="int of a word"),
    pytest.param("x = 1 % 0", "math", 1, 5, id="modulo zero"),
    pytest.param("import math\nx = math.log(0)", "math", 2, 5, id="math.log(0)"),
    pytest.param("import math\nx = math.exp(1000)", "math", 2, 5, id="math.exp(1000)"),
    pytest.param("x = 1 @ 2", "type", 1, 5, id="@ of two integers"),
    pytest.param("raise SystemExit", "type", 1, 1, id="raise SystemExit"),
    pytest.param("raise KeyboardInterrupt", "type", 1, 1, id="raise KeyboardInterrupt"),
    pytest.param("x = sorted([Value(1.0), Value(2.0)])", "type", 1, 5, id="Values sorted"),
    pytest.param("import random\nrandom.choice([])", "type", 2, 1, id="choice of nothing"),
    pytest.param("from micrograd.nn import Neuron\nn = Neuron(2)\nn(1.0)", "type", 3, 1, id="a neuron given a number"),
    pytest.param("from micrograd.nn import MLP\nn = MLP(3, [4, 1])\nn.layers = None\nn.parameters()", "type", 4, 1,
                 id="an error inside micrograd.nn"),
    pytest.param("class A:\n    def __repr__(self):\n        return 1 / 0\n\nprint(A())", "math", 3, 16,
                 id="__repr__ that divides by zero"),
    pytest.param("class A:\n    def __repr__(self):\n        return 1\n\nprint(A())", "type", 5, 1,
                 id="__repr__ that returns a number"),
    pytest.param("class A:\n    def __init__(self):\n        return 1\n\nA()", "type", 5, 1,
                 id="__init__ that returns a number"),
    pytest.param("class E(Exception):\n    def __str__(self):\n        return 1 / 0\n\nraise E()", "type", 5, 1,
                 id="an exception whose str divides by zero"),
    # -- the explorer's own reading of a program's objects after it ran
    pytest.param("class A:\n    def __repr__(self):\n        return 1 / 0\n\nA()", "math", 3, 16,
                 id="__repr__ that divides by zero, shown as Out[]"),
    pytest.param("class A:\n    def __repr__(self):\n        return f'{self}'\n\nA()", "limit", 3, 16,
                 id="__repr__ that recurses, shown as Out[]"),
    pytest.param(DEEP + "x", "limit", 6, 1, id="a list nested 100,000 deep shown as Out[]"),
    # -- the program's own code is not run to describe it: an exception's __str__, an _op's __str__, a __dict__
    pytest.param("class E(Exception):\n    def __str__(self):\n        while True:\n            pass\n\nraise E()",
                 "type", 6, 1, id="an exception whose str never returns"),
]

JAIL = [
    # -- endless loops: the deadline, at the line running
    pytest.param("while True: pass", 1, 1, TIME, id="while True"),
    pytest.param("for i in range(10**12): pass", 1, 5, TIME, id="a loop of a trillion turns"),
    pytest.param("i = 0\nwhile i >= 0: i += 1", 2, ANYWHERE, TIME, id="a counter that never stops"),
    pytest.param("for i in range(10**6):\n    for j in range(10**6):\n        pass", 3, 9, TIME,
                 id="nested loops of a million turns"),
    pytest.param("def fib(n): return n if n < 2 else fib(n - 1) + fib(n - 2)\nfib(40)", 1, ANYWHERE, TIME,
                 id="fib(40)"),
    pytest.param("x = sum(i for i in range(10**12))", 1, ANYWHERE, TIME, id="a sum of a generator of a trillion"),
    pytest.param("x = any(i < 0 for i in range(10**12))", 1, ANYWHERE, TIME, id="any over a trillion"),
    pytest.param("for i, v in enumerate(range(10**12)):\n    pass", 2, 5, TIME, id="enumerate a trillion"),
    pytest.param("x = 10**10**10", 1, 5, TIME, id="10**10**10"),
    pytest.param("x = 9**9**9", 1, 5, TIME, id="9**9**9"),
    pytest.param(DOUBLED + "print(x)", 6, 1, TIME, id="print of a list doubled by reference"),
    pytest.param(DOUBLED + "z = f'{x}'", 6, 5, TIME, id="an f-string of a list doubled by reference"),
    pytest.param(DOUBLED + "x", 6, 1, TIME, id="a list doubled by reference shown as Out[]"),
    pytest.param("x = [i for i in range(10**12)]", 1, 5, MEMORY, id="a comprehension of a trillion items"),
    pytest.param("x = [[0] * 10**4 for _ in range(10**4)]", 1, ANYWHERE, MEMORY, id="nested comprehensions"),
    pytest.param("x = tuple(range(10**7))", 1, 5, MEMORY, id="tuple of ten million"),
    pytest.param("x = [1]\nfor i in x:\n    x.append(i)", 3, 5, MEMORY, id="a loop over the list it grows"),
    pytest.param("x = []\nwhile True:\n    x.append(1)", 3, 5, MEMORY, id="append for ever"),
    pytest.param("d = {}\nfor i in range(10**7):\n    d[i] = i", 3, ANYWHERE, MEMORY, id="a dict grown for ever"),
    pytest.param("x = dict(zip(range(10**7), range(10**7)))", 1, 5, MEMORY, id="dict of ten million pairs"),
    pytest.param("x = list(map(abs, range(10**12)))", 1, 5, MEMORY, id="map over a trillion"),
    pytest.param("Value(1) in zip(range(10**12), range(10**12))", None, None, TIME, id="a Value in a zip of trillions"),
    pytest.param("x = 10**10**8", 1, 5, TIME, id="10**10**8"),
    pytest.param("x = 2**(2**40)", 1, 5, TIME, id="2**(2**40)"),
    pytest.param("x = 3\nwhile True:\n    x *= x", 3, 5, TIME, id="an integer squared in place in a loop"),
    pytest.param("import math\nx = math.factorial(10**7)", 2, 5, TIME, id="math.factorial(10**7)"),
    pytest.param("x = [[0] * 1000] * 1000\ny = [x] * 1000\nprint(y)", 3, 1, TIME,
                 id="print of a billion items shared by reference"),
    pytest.param(DOUBLED + "z = str(x)", 6, 5, TIME, id="str of a list doubled by reference"),
    # -- C loops that never look at their signals: killed at the hard deadline
    pytest.param("x = sum(range(10**12))", None, None, TIME, id="sum of a trillion"),
    pytest.param("x = max(range(10**12))", None, None, TIME, id="max of a trillion"),
    pytest.param("2.5 in range(10**15)", None, None, TIME, id="a float in a huge range"),
    pytest.param("import collections, itertools\ncollections.deque(itertools.count(), maxlen=0)", None, None, TIME,
                 id="a deque that drains an endless count"),
    pytest.param(DOUBLED + "print(x == y)", None, None, TIME, id="comparing lists doubled by reference"),
    pytest.param(SWALLOWS_THE_DEADLINE, None, None, TIME, id="a loop that swallows the deadline"),
    # -- memory: the jail's address-space limit makes MemoryError at the line
    pytest.param("x = [0] * 10**9", 1, 5, MEMORY, id="a list of a billion"),
    pytest.param("x = 'x' * 10**10", 1, 5, MEMORY, id="a string of ten billion"),
    pytest.param("x = bytearray(4 * 2**30)", 1, 5, MEMORY, id="a bytearray of 4 GiB"),
    pytest.param("x = 10**9 * [0]", 1, 5, MEMORY, id="a billion times a list"),
    pytest.param("x = list(range(10**9))", 1, 5, MEMORY, id="list of a billion range"),
    pytest.param("x = sorted(range(10**9))", 1, 5, MEMORY, id="sorted of a billion"),
    pytest.param("x = list(reversed(range(10**9)))", 1, 5, MEMORY, id="reversed of a billion"),
    pytest.param("print(*range(10**9))", 1, 1, MEMORY, id="print of a billion arguments"),
    pytest.param("def f(*args):\n    return len(args)\n\nf(*range(10**9))", 4, 1, MEMORY,
                 id="a call with a billion arguments"),
    pytest.param("x = []\nx[0:0] = range(10**9)", 2, 1, MEMORY, id="a slice assigned a billion"),
    pytest.param("x = f'{1:{10**9}}'", 1, 5, MEMORY, id="a format width of a billion"),
    pytest.param("import random\nx = random.choices([0], k=10**9)", 2, 5, MEMORY, id="a billion random choices"),
    pytest.param("s = 'ab'\nwhile True:\n    s = s + s", 3, 9, MEMORY, id="a string doubled in a loop"),
    pytest.param("x = [0]\nwhile True:\n    x = x + x", 3, 9, MEMORY, id="a list doubled in a loop"),
    pytest.param("x = [0]\nwhile True:\n    x += x", 3, 5, MEMORY, id="a list doubled in place"),
    pytest.param("x = [0]\nwhile True:\n    x *= 2", 3, 5, MEMORY, id="a list multiplied in place"),
    pytest.param("x = [0]\nwhile True:\n    x.extend(x)", 3, 5, MEMORY, id="a list extended by itself"),
    pytest.param("s = 'ab'\nwhile True:\n    s = f'{s}{s}'", 3, 9, MEMORY, id="a string doubled by an f-string"),
    pytest.param("s = 'ab'\nwhile True:\n    s = ''.join([s, s])", 3, 9, MEMORY, id="a string doubled by join"),
    pytest.param("x = 'a'\n" + "x = x + x\n" * 30, 28, 5, MEMORY, id="a string doubled line by line"),
    pytest.param("x = []\ntry:\n    x = [0] * 10**9\nexcept MemoryError:\n    x = [0] * 10**9", 5, 9, MEMORY,
                 id="a MemoryError caught and tried again"),
]

# The bombs the server must survive, under the limits it runs them with (STANDARD): (source, kind, line, column).
DEFAULTS = [
    pytest.param("while True: pass", "limit", 1, 1, id="while True at the 3 s deadline"),
    pytest.param("x = 10**10**8", "limit", 1, 5, id="10**10**8 at the 3 s deadline"),
    pytest.param("x = sum(range(10**12))", "limit", None, None, id="a C loop killed at the hard deadline"),
    pytest.param(SWALLOWS_THE_DEADLINE, "limit", None, None, id="a loop that swallows the 3 s deadline"),
    pytest.param("x = [0] * 10**9", "limit", 1, 5, id="[0] * 10**9 past 512 MiB"),
    pytest.param("x = 'x' * 10**10", "limit", 1, 5, id="'x' * 10**10 past 512 MiB"),
    pytest.param("x = bytearray(4 * 2**30)", "limit", 1, 5, id="a bytearray of 4 GiB past 512 MiB"),
    pytest.param("def f():\n    return f()\n\nf()", "limit", 2, 12, id="recursion past 3,000 calls"),
    pytest.param("for i in range(10**6):\n    print(i)", "limit", 2, 5, id="printing past 10,000 lines"),
    pytest.param("a = Value(1.0)\nfor i in range(10**6):\n    a.backward()", "limit", 3, 5,
                 id="backward() past 1,000 passes"),
    pytest.param("x = [[i] for i in range(3 * 10**6)]\nwhile True: pass", "limit", 2, 1,
                 id="the deadline with three million lists to free"),
]

SAFE = [
    # -- Python the first language refused, which CPython now runs
    pytest.param("f = lambda x: x * 2\nprint(f(3))", ["6"], id="lambda"),
    pytest.param("print(sorted([2, 1, 3], key=lambda v: -v))", ["[3, 2, 1]"], id="a lambda as a key"),
    pytest.param("x = {1, 2, 2}\nprint(len(x), {i % 2 for i in range(5)})", ["2 {0, 1}"], id="sets"),
    pytest.param("print({i: i * i for i in range(3)})", ["{0: 0, 1: 1, 2: 4}"], id="a dict comprehension"),
    pytest.param("try:\n    1 / 0\nexcept ZeroDivisionError as e:\n    print('caught', e)\nfinally:\n    print('done')",
                 ["caught division by zero", "done"], id="try"),
    pytest.param(CONTEXT_MANAGER, ["in", "body", "out"], id="with"),
    pytest.param(GENERATOR, ["[0, 1, 2] done"], id="yield and yield from"),
    pytest.param("g = (x for x in [1, 2])\nprint(g.send(None), next(g))", ["1 2"], id="a generator's send"),
    pytest.param(WRAPPING_DECORATOR, ["3"], id="a decorator"),
    pytest.param("class A:\n    @property\n    def x(self):\n        return 1\n\n    @staticmethod\n    def s():\n"
                 "        return 2\n\n    @classmethod\n    def c(cls):\n        return cls.s()\n\nprint(A().x, A.c())",
                 ["1 2"], id="property, staticmethod and classmethod"),
    pytest.param(SCOPES, ["5 2"], id="global and nonlocal"),
    pytest.param("if (n := 10) > 5:\n    print(n)", ["10"], id="the walrus"),
    pytest.param(MATCH, ["+ 3 positive other"], id="match"),
    pytest.param(OPERATOR_CLASS, ["V(3) True"], id="a class with operator methods"),
    pytest.param("class A:\n    def f(self, other):\n        return 1\n    __add__ = f\n\nprint(A() + 1)", ["1"],
                 id="__add__ assigned in a class body"),
    pytest.param("class E(Exception):\n    pass\n\ntry:\n    raise E('mine')\nexcept E as e:\n    print(e)", ["mine"],
                 id="a subclass of Exception raised and caught"),
    pytest.param("class I(int):\n    pass\n\nprint(I(3) + 1)", ["4"], id="a subclass of int"),
    pytest.param("class V(Value):\n    pass\n\nv = V(2.0)\nprint((v * v).data)", ["4.0"], id="a subclass of Value"),
    pytest.param("M = type('M', (type,), {})\nA = M('A', (), {'x': 1})\nprint(A.x, type(A) is M)", ["1 True"],
                 id="a metaclass made by type()"),
    pytest.param("print(type(1), type(type), isinstance(type, object))",
                 ["<class 'int'> <class 'type'> True"], id="type"),
    pytest.param("print(dir(1)[-3:], 'data' in dir(Value(1.0)))", ["['numerator', 'real', 'to_bytes'] True"],
                 id="dir"),
    pytest.param("x = Value(2.0)\nprint(getattr(x, 'data'), hasattr(x, 'grad'))", ["2.0 True"],
                 id="getattr and hasattr of allowed names"),
    pytest.param("class A:\n    pass\n\na = A()\nsetattr(a, 'x', 1)\ndelattr(a, 'x')\nprint(hasattr(a, 'x'))",
                 ["False"], id="setattr and delattr of allowed names"),
    pytest.param("print(type(1).__name__, Value.__name__)", ["int Value"], id="__name__ read"),
    pytest.param("print('{} and {x}'.format(1, x=2), '{:>5}'.format('a'))", ["1 and 2     a"],
                 id="str.format without attribute fields"),
    pytest.param("t = '{0}-{1}'\nprint(t.format('a', 'b'), str.format(t, 1, 2))", ["a-b 1-2"],
                 id="a computed template without attribute fields"),
    pytest.param("x = 'x'.format\nprint(x())", ["x"], id="str.format kept for later"),
    pytest.param("print('%s=%d' % ('a', 1))", ["a=1"], id="percent formatting"),
    pytest.param("d = {}\nd.__setitem__('a', 1)\nprint(d)", ["{'a': 1}"], id="a data-model method called"),
    pytest.param("x: int = 1\ny = ...\nz = b'abc'\nprint(x, y, z[0], ~1, 1 << 70)",
                 ["1 Ellipsis 97 -2 1180591620717411303424"], id="annotations, Ellipsis, bytes and bit operators"),
    pytest.param("a = 2j\nprint(a * a)", ["(-4+0j)"], id="a complex literal"),
    pytest.param("import random, math\nr = random.Random(1)\nprint(math.floor(r.random() * 10))", ["1"],
                 id="random.Random and math.floor"),
    pytest.param("def f(self):\n    while True:\n        pass\n\nA = type('A', (), {'__del__': f})\na = A()\n"
                 "print('made')", ["made"], id="a __del__ made by type() that loops"),
    # -- values and graphs
    pytest.param("a = 1.0\na.data", None, id="data of a leaf"),
    pytest.param("a = 1.0\na.data += 0.01 * a.grad", None, id="data of a leaf updated"),
    pytest.param("tanh = 1.0", None, id="a leaf named tanh"),
    pytest.param("a = Value(1.0)\nb = a._backward\nb()\nprint(a._op == '')", ["True"], id="a Value's _backward"),
    pytest.param("a = Value(1.0)\na.line = 5\na._op = '+'\nprint(a.line)", ["5"], id="a new field on a Value"),
    pytest.param("a = Value(1.0)\nb = a + a\nfor p in b._prev:\n    p.data = 5.0\nprint(a.data)", ["5.0"],
                 id="data through _prev"),
    pytest.param("a = Value(-8.0)\nb = a ** 0.5\nprint(type(b.data).__name__)", ["complex"],
                 id="a complex power of a Value"),
    pytest.param("a = Value(1.0)\na.data = 'x'\nprint(a.data)", ["x"], id="data set to a string"),
    pytest.param("x = Value(1.0, label='x' * 10**6)\nprint(len(x.label))", ["1000000"],
                 id="a label of a million characters"),
    pytest.param("x = Value(1.0, label='" + "x" * (MAX_LABEL_CHARS + 1) + "')", None, id="a label too long"),
    pytest.param("x = Value(10**300)\nprint(x.data > 0)", ["True"], id="a Value of 10**300"),
    pytest.param("from micrograd.nn import MLP\nn = MLP(3, [4, 4, 1])\nprint(len(n.parameters()))", ["41"],
                 id="micrograd's MLP"),
    pytest.param("!touch /tmp/backprop-explorer-marker\na = Value(1.0)", None, id="a shell line skipped"),
    pytest.param("x = Value(0.0)\nfor i in range(5000):\n    x = x + 1\nx.backward()\nprint(x.data)", ["5000.0"],
                 id="backward of 10,000 values"),
    pytest.param("def f(n):\n    if n == 0:\n        return Value(1.0)\n    return f(n - 1) * 2.0 + 1.0\ny = f(190)",
                 None, id="values made 190 calls deep"),
    # -- programs that look hostile
    pytest.param("x = []\nfor i in range(100):\n    x = [x, x]\nprint(len(x))", ["2"],
                 id="a list doubled by reference"),
    pytest.param("a = []\na.append(a)\nprint(a)", ["[[...]]"], id="a list that holds itself printed"),
    pytest.param("d = {}\nd['k'] = d\nprint(d)", ["{'k': {...}}"], id="a dict that holds itself printed"),
    pytest.param("a = []\na.append(a)\nprint(a == a)", ["True"], id="a list that holds itself compared to itself"),
    pytest.param("x = []\nfor i in range(10**5):\n    x = [x]\ndel x\nprint('done')", ["done"],
                 id="a list nested 100,000 deep dropped"),
    pytest.param("x = 1\nif x < 0:\n    y = undefined_name\nprint('ok')", ["ok"],
                 id="an unknown name in a branch not taken"),
    pytest.param("print(10**14 in range(10**15))", ["True"], id="an integer in a huge range"),
    pytest.param("x = 1e308 * 10\nprint(x, x - x)", ["inf nan"], id="a float overflow printed"),
    pytest.param("x = 10 ** -10**10\nprint(x)", ["0.0"], id="a tiny power"),
    pytest.param("x = 10**3000\nprint(len(str(x)))", ["3001"], id="a 3001-digit integer"),
    pytest.param("x = int('9' * 4000)\nprint(x % 7)", ["3"], id="int of 4000 digits"),
    pytest.param("x = 10**3000\nx **= 2\nprint(x.bit_length())", ["19932"], id="a huge integer squared in place"),
    pytest.param("x = 7\nfor i in range(20):\n    x = x * x\nprint(x.bit_length())", ["2943725"],
                 id="an integer squared in a loop"),
    pytest.param("x = hex(10**100000)\nprint(len(x))", ["83051"], id="hex of a 100,001-digit integer"),
    pytest.param("t = ()\nfor i in range(10**6):\n    t = (t,)\nprint(hash(t) != 0)", ["True"],
                 id="the hash of a tuple nested a million deep"),
    pytest.param("x = f'{1.0:.999999f}'\nprint(len(x))", ["1000001"], id="a format precision of 999999"),
    pytest.param("x = str(list(range(10**6)))\nprint(len(x))", ["7888890"], id="str of a million items"),
    pytest.param("x = '-'.join(['x' * 10**5] * 100)\nprint(len(x))", ["10000099"], id="join of long strings"),
    pytest.param("a = [0.5] * 10**6", None, id="a list of a million numbers"),
    pytest.param("x = [0] * 10**5\ny = x + x\nprint(len(y))", ["200000"], id="a long list added to itself"),
    pytest.param("x = []\nfor i in range(10**4):\n    x.append([0] * 10**3)\nprint(len(x))", ["10000"],
                 id="many lists of a thousand"),
    pytest.param("x = [[[0] * 100 for i in range(100)] for j in range(1000)]", None, id="three nested comprehensions"),
    pytest.param("x = 'a' * 10**6\ny = x * 2\nprint(len(y))", ["2000000"], id="a long string doubled"),
    pytest.param("x = f'{1.0:.{10**8}f}'\nprint(len(x))", ["100000002"], id="a format precision of 10**8"),
    pytest.param("a = [[0.5]] * 10**6", None, id="a list of a million references to one list"),
    pytest.param("class Op:\n    def __str__(self):\n        return 1 / 0\n\na = Value(1.0)\na._op = Op()", None,
                 id="a Value's _op whose str divides by zero"),
    pytest.param("A = type('A', (), {'__dict__': property(lambda self: 1 / 0)})\na = A()", None,
                 id="an object whose __dict__ divides by zero"),
]

LARGE_RECORDS = [
    pytest.param("xs = [Value(float(i)) for i in range(99_000)]", id="99,000 values"),
    pytest.param("x = Value(1.0)\nfor i in range(140_000):\n    x.grad = 0.5", id="140,000 grad writes"),
    pytest.param("# %%\n'x' * 100_000\n" * 90, id="90 cells of 100,000 characters each"),
    pytest.param("class V:\n    def __init__(self, prev):\n        self.data = 0.0\n        self.grad = 0.0\n"
                 "        self._prev = prev\n\n\nbase = tuple(V(()) for i in range(3000))\n"
                 "out = [V(base) for i in range(45)]", id="45 values of 3,000 children each"),
    pytest.param("for i in range(9_999):\n    print(i)", id="9,999 lines printed"),
    pytest.param("for i in range(400_000):\n    import numpy", id="400,000 imports of a module to come"),
]
# fmt: on


def sources() -> list[str]:
    """Every program of the tables."""
    return [str(row.values[0]) for row in (*STATIC, *RUN_TIME, *JAIL, *DEFAULTS, *SAFE, *LARGE_RECORDS)]
