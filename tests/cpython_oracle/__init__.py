"""CPython as the oracle of LANGUAGE.md: run a program as plain Python in a child process and record what it did.

The child runs the text as CPython runs it, with what the explorer gives a program that a plain
interpreter lacks: `Value` when the program defines none (the lecture's, below), `draw_dot` and
`trace` (a module-scope `def draw_dot` or `def trace` is dropped for them, as the explorer drops
it), a `graphviz.Digraph` that draws nothing, the shorthand's leaves (`a = 2.0` is a Value labelled
a), notebook lines skipped, seed 0 for `random`, and the explorer's recursion limit. A program's own
`class Value`, and micrograd 0.1.0's when it imports micrograd, run as written.

What the explorer shows is learnt through the data model, not from the program's syntax: every
class the program makes, the built-in Value and micrograd's get a `__setattr__` that sees each
write of `data`, `grad`, `_prev` and `_backward`, and a `backward` that records a pass. An object
is a value once it has `data`, `grad` and `_prev` (numbers, numbers, operands); from then on its
grad writes are deposits (inside a `_backward` call), a seed or a set (inside `backward()`), or the
program's backprop by hand (outside both, to a number other than 0: a manual pass of the graph).
Only a program that does neither gets the explorer's own pass (LANGUAGE.md). A value's data or grad
that becomes infinite stops the program, as the explorer stops it. Each cell's Out[n] is its repr
when the cell ran, as Jupyter shows it.

The parent (the tests) calls run_in_cpython / run_many_in_cpython (runner.py), which start the child as
`python -m tests.cpython_oracle job.json` (__main__.py, child.py) and read its answers into the records of
results.py. In the child: program.py compiles the text, provided.py and value.py are what the explorer gives
a program, watch.py watches its classes, recorder.py and graph.py record what it did, errors.py how it stopped.
It imports nothing of the explorer's engine/.
"""

from .results import CPythonRun, ErrorInfo, Node, Pass, Print, Step, View, same_printed
from .runner import run_in_cpython, run_many_in_cpython
from .value import Value

__all__ = [
    "CPythonRun",
    "ErrorInfo",
    "Node",
    "Pass",
    "Print",
    "Step",
    "Value",
    "View",
    "run_in_cpython",
    "run_many_in_cpython",
    "same_printed",
]
