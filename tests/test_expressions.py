"""A value's `expr`: the source text of the expression that made it, as the page names values without a label."""

from __future__ import annotations

import ast

import pytest

from engine.program.places import MAX_EXPR_CHARS
from engine.steps import explore
from tests.lecture_programs import MLP_CLASSES, NEURON

CASES = [
    ("a = 2.0\nb = -3.0\nc = a*b + a\n", {"a*b", "a*b + a", "2.0", "-3.0"}),
    ("x = Value(1.0)\ny = (x*x\n  + x).tanh()\n", {"Value(1.0)", "x*x", "x*x + x", "(x*x + x).tanh()"}),
    ("x = Value(1.0)\nz = x.exp() + x.tanh()\n", {"Value(1.0)", "x.exp()", "x.tanh()", "x.exp() + x.tanh()"}),
    ("a = 2.0\nc = a * \\\n    a\n", {"2.0", "a * a"}),
    ("é = Value(2.0)\nù = (é ** 2).relu()\n", {"Value(2.0)", "é ** 2", "(é ** 2).relu()"}),
    (
        "xs = [Value(1.0), Value(2.0)]\ns = sum(x * x for x in xs)\n",
        {"Value(1.0)", "Value(2.0)", "x * x", "sum(x * x for x in xs)"},
    ),
]


@pytest.mark.parametrize(
    ("source", "expected"), CASES, ids=["binary", "method over lines", "two calls", "backslash", "non-ASCII", "sum"]
)
def test_each_value_is_named_by_the_text_that_made_it(source: str, expected: set[str]) -> None:
    assert {node.expr for node in explore(source).nodes} == expected


def test_a_long_expression_is_shortened() -> None:
    long = " + ".join(f"x{i}" for i in range(30))
    source = "".join(f"x{i} = Value({i}.0)\n" for i in range(30)) + f"y = {long}\n"
    exprs = {node.expr for node in explore(source).nodes}
    assert f"{long[: MAX_EXPR_CHARS - 1]}…" in exprs
    assert max(len(expr) for expr in exprs) == MAX_EXPR_CHARS


@pytest.mark.parametrize("source", [NEURON, MLP_CLASSES + "y = n(x)\n"], ids=["neuron", "MLP"])
def test_every_expr_is_a_piece_of_the_program(source: str) -> None:
    # CPython's own parser is the oracle: each expr is the text of an expression of the program, whitespace
    # collapsed and shortened.
    pieces = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.expr):
            text = ast.get_source_segment(source, node)
            if text is not None:
                piece = " ".join(text.replace("\\\n", " ").split())
                pieces.add(piece if len(piece) <= MAX_EXPR_CHARS else f"{piece[: MAX_EXPR_CHARS - 1]}…")
    exploration = explore(source)
    assert exploration.nodes
    for node in exploration.nodes:
        assert node.expr in pieces, node
