"""Programs run by CPython in the jail: the program's own class as written, passes by hand, views, cells, errors."""

from __future__ import annotations

import sys
import time

import pytest

from engine.errors import ProgramError
from engine.limits import Limits
from engine.record import Node
from engine.run import run_program
from engine.steps import explore
from tests.lecture_programs import LECTURE_VALUE, PROGRAMS

OWN_CLASS = LECTURE_VALUE  # the lecture's class Value cell, as a student types it


def line_of(source: str, text: str) -> int:
    """The 1-based line of the first line of source that starts with text."""
    return next(number for number, line in enumerate(source.split("\n"), 1) if line.startswith(text))


# The lecture's `+` with `=` where `+=` belongs: the bug the lecture teaches with `b = a + a`.
OVERWRITING = OWN_CLASS.replace(
    "      self.grad += 1.0 * out.grad\n      other.grad += 1.0 * out.grad",
    "      self.grad = 1.0 * out.grad\n      other.grad = 1.0 * out.grad",
)

MANUAL = """
x1 = Value(2.0, label='x1')
w1 = Value(-3.0, label='w1')
b = Value(6.8813735870195432, label='b')
x1w1 = x1*w1; x1w1.label = 'x1*w1'
n = x1w1 + b; n.label = 'n'
o = n.tanh(); o.label = 'o'
draw_dot(o)
o.grad = 1.0
n.grad = 0.5
x1w1.grad = 0.5
b.grad = 0.5
x1.grad = w1.data * x1w1.grad
w1.grad = x1.data * x1w1.grad
draw_dot(o)
"""

BY_HAND = """
a = Value(2.0, label='a')
b = Value(-3.0, label='b')
e = a*b; e.label = 'e'
L = e + a; L.label = 'L'
L.grad = 1.0
L._backward()
e._backward()
draw_dot(L)
"""


def by_label(source: str, pass_index: int | None = None, view: int | None = None) -> dict[str, tuple[float, float]]:
    graph = explore(source, pass_index=pass_index, view_index=view)
    return {node.label: (node.data, node.grad) for node in graph.nodes}


def test_the_programs_own_class_runs_as_written_bugs_and_all() -> None:
    run = run_program(OVERWRITING + "a = Value(3.0, label='a')\nb = a + a\nb.backward()\nprint(a.grad)\n")
    assert [p.text for p in run.prints] == ["1.0"]  # as CPython prints it; the chain rule would say 2.0
    assert run.value_class == "Value (line 3)"
    chosen = run.passes[0]
    step = next(step for step in chosen.steps if step.node == chosen.output)
    assert [(to, before, after) for to, before, after in step.deposits] == [(0, 0.0, 1.0), (0, 1.0, 1.0)]


def test_the_built_in_value_is_named_builtin() -> None:
    assert run_program("a = Value(2.0)\nb = a * a\nb.backward()").value_class == "builtin"


def test_grads_set_by_hand_make_a_manual_pass_and_no_backward_is_added() -> None:
    run = run_program(OWN_CLASS + MANUAL)
    assert len(run.passes) == 1 and run.passes[0].manual and run.passes[0].line is None
    values = by_label(OWN_CLASS + MANUAL)
    assert values["x1"][1] == pytest.approx(-1.5) and values["w1"][1] == pytest.approx(1.0)
    assert values["o"][1] == 1.0 and values["n"][1] == 0.5


def test_backward_calls_by_hand_are_the_steps_of_a_manual_pass_in_the_order_made() -> None:
    graph = explore(OWN_CLASS + BY_HAND)
    names = {node.id: node.label for node in graph.nodes}
    assert [(names[step.node], getattr(step, "set", None)) for step in graph.backward] == [
        ("L", 1.0),
        ("L", None),
        ("e", None),
    ]
    assert graph.backward[0].line == line_of(OWN_CLASS + BY_HAND, "L.grad = 1.0")  # type: ignore[union-attr]
    values = by_label(OWN_CLASS + BY_HAND)
    assert (values["a"][1], values["b"][1]) == (-2.0, 2.0)


def test_each_draw_dot_is_a_view_of_its_moment() -> None:
    run = run_program(OWN_CLASS + MANUAL)
    source = OWN_CLASS + MANUAL
    first, second = line_of(source, "draw_dot(o)"), line_of(source, "w1.grad =") + 1
    assert [(view.line, view.pass_index) for view in run.views] == [(first, 0), (second, 0)]
    forward = len(run.passes[0].order)
    assert [view.position for view in run.views] == [forward, forward + 6]
    before, after = by_label(OWN_CLASS + MANUAL, view=0), by_label(OWN_CLASS + MANUAL, view=1)
    assert all(grad == 0 for _, grad in before.values())
    assert after["x1"][1] == pytest.approx(-1.5)


def test_a_view_after_backward_shows_the_grads_then() -> None:
    source = "a = Value(2.0, label='a')\nb = a * a\ndraw_dot(b)\nb.backward()\ndraw_dot(b)\na.data += 1.0\n"
    run = run_program(source)
    assert [(view.pass_index, view.position) for view in run.views] == [(0, 2), (0, 2 + 1 + 1)]
    assert by_label(source, view=0)["a"] == (2.0, 0.0)
    assert by_label(source, view=1)["a"] == (2.0, 4.0)


def test_a_program_without_backward_gets_its_outputs_own_backward() -> None:
    run = run_program(OWN_CLASS + "a = Value(2.0, label='a')\nb = a * a\nb")
    assert len(run.passes) == 1 and run.passes[0].line is None and not run.passes[0].manual
    assert run.passes[0].grad[0] == 4.0


def test_cells_show_their_last_expression_as_out() -> None:
    run = run_program("# %%\nx = [2]\nx * 3\n# %%\ny = [1, 2]\n# %%\n'done'\n")
    outs = [(cell.line, cell.end_line, cell.out) for cell in run.cells]
    assert outs == [(1, 3, "[2, 2, 2]"), (4, 5, None), (6, 7, "'done'")]
    assert run.result == "'done'"


def test_python_that_the_old_language_refused_now_runs() -> None:
    source = """
seen = set()
square = lambda x: x * x
def gen(n):
    yield from range(n)
try:
    total = sum(square(i) for i in gen(4))
except ValueError:
    total = -1
with_walrus = [y for i in range(3) if (y := i * 2)]
seen.add(total)
print(total, with_walrus, seen)
"""
    assert [p.text for p in run_program(source).prints] == ["14 [2, 4] {14}"]


def test_an_error_keeps_what_was_printed_before_it() -> None:
    with pytest.raises(ProgramError) as caught:
        run_program("print('before')\nx = [1][3]\n")
    error = caught.value
    assert (error.kind, error.line, error.column) == ("type", 2, 5)
    assert error.message == "IndexError: list index out of range"
    assert error.partial is not None and [p.text for p in error.partial[0]] == ["before"]


def test_an_error_in_a_call_names_the_chain_of_calls() -> None:
    with pytest.raises(ProgramError) as caught:
        run_program("def pick(xs):\n    return xs[5]\n\nprint(pick([1]))\n")
    assert (caught.value.line, caught.value.column) == (2, 12)
    assert caught.value.message == "IndexError: list index out of range (in pick, called from line 4)"


@pytest.mark.parametrize(
    ("source", "kind", "line", "start"),
    [
        ("x = 1\nwhile True: x += 1\n", "limit", 2, "the program ran longer than 0.5 s"),
        ("def f(n):\n    return f(n + 1)\nf(0)\n", "limit", 2, "RecursionError"),
        ("import math\nx = math.log(-1.0)\n", "math", 2, "ValueError: math domain error"),
        ("x = 1 / 0\n", "math", 1, "ZeroDivisionError"),
        ("a = Value(1e308)\nb = a * 10\n", "math", 2, "a value's data became inf"),
        ("print(undefined)\n", "name", 1, "NameError"),
        ("x = [0] * 10**10\n", "limit", 1, "MemoryError"),
    ],
)
def test_a_program_past_a_limit_or_raising_gets_its_kind_at_its_line(
    source: str, kind: str, line: int, start: str
) -> None:
    started = time.monotonic()
    with pytest.raises(ProgramError) as caught:
        run_program(source, Limits(max_seconds=0.5, max_cpu_seconds=2.0))
    assert (caught.value.kind, caught.value.line) == (kind, line), caught.value
    assert caught.value.message.startswith(start)
    assert time.monotonic() - started < 2.0


def test_notebook_lines_and_the_programs_own_draw_dot_are_replaced_with_notes() -> None:
    source = (
        "%matplotlib inline\nfrom graphviz import Digraph\ndef draw_dot(root):\n    return Digraph()\n"
        "a = Value(2.0)\nd = draw_dot(a * a)\nd.render('out')\n"
    )
    run = run_program(source)
    assert [note.line for note in run.notes] == [1, 3]
    assert len(run.views) == 1


def test_numpy_is_real_numpy_behind_its_allow_list() -> None:
    run = run_program("import numpy as np\nx = np.arange(3)\nprint(x * 2)\n")
    assert [p.text for p in run.prints] == ["[0 2 4]"]
    with pytest.raises(ProgramError) as caught:
        run_program("import numpy as np\nx = np.load('data.npy')\n")
    assert (caught.value.kind, caught.value.line, caught.value.column) == ("unsupported", 2, 5)


def test_overrides_and_the_numeric_check_work_for_the_programs_own_class() -> None:
    source = OWN_CLASS + "a = Value(2.0, label='a')\nb = Value(-3.0, label='b')\nc = a * b + a.tanh()\nc.backward()\n"
    graph = explore(source, {"a": 1.0}, numeric_check=True)
    values = {node.label: node for node in graph.nodes}
    assert values["a"].data == 1.0
    for node in graph.nodes:
        assert node.numeric_grad == pytest.approx(node.grad, rel=1e-5, abs=1e-6)


def test_leaves_are_named_by_their_path_from_a_module_level_name() -> None:
    source = "class Holder:\n    def __init__(self):\n        self.w = [Value(1.0), Value(2.0)]\nh = Holder()\n"
    run = run_program(source)
    assert sorted(run.paths.values()) == ["h.w[0]", "h.w[1]"]


def test_an_unseeded_numpy_program_draws_the_same_numbers_on_every_worker() -> None:
    import numpy

    from engine.jail import Jail
    from engine.run import JAIL_ENV, TARGET, Programs

    source = "import numpy as np\nprint(np.random.rand(), np.random.randn(2))\n"
    first = [p.text for p in run_program(source).prints]
    other = Jail(TARGET, filter=Programs.filter, env=JAIL_ENV)  # another worker's jail, another parent
    try:
        saved, Programs.jail = Programs.jail, other
        second = [p.text for p in run_program(source).prints]
    finally:
        Programs.jail = saved
        other.close()
    generator = numpy.random.RandomState(0)
    assert first == second == [f"{generator.rand()} {generator.randn(2)}"]


def build_topo(nodes: list[Node], root: int) -> list[int]:
    """The lecture's build_topo, recursive as it wrote it, over a run's values."""
    topo: list[int] = []
    visited: set[int] = set()

    def visit(k: int) -> None:
        if k not in visited:
            visited.add(k)
            for child in nodes[k].children:
                visit(child)
            topo.append(k)

    visit(root)
    return topo


DEEP = "xs = [Value(float(i)) for i in range(3000)]\ns = xs[0]\nfor x in xs[1:]:\n    s = s + x * x\ns.backward()\n"


@pytest.mark.parametrize("name", [*sorted(PROGRAMS), "deep"])
def test_each_pass_and_view_is_in_the_order_of_the_lectures_build_topo(name: str) -> None:
    run = run_program(DEEP if name == "deep" else PROGRAMS[name])
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 3 * len(run.nodes)))  # the deep graph is deeper than Python's default
    try:
        for chosen in [*run.passes, *run.views]:
            assert chosen.order == build_topo(run.nodes, chosen.output)
    finally:
        sys.setrecursionlimit(limit)
