"""The CPython oracle itself: what it records of the lecture's programs, passes by hand, views and errors, and that
the random programs run cleanly in CPython and pass the explorer's static wall."""

from __future__ import annotations

import math
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.limits import DEFAULT_LIMITS
from engine.run import prepare_source
from tests.cpython_oracle import CPythonRun, run_many_in_cpython, same_printed
from tests.lecture_programs import FAILING_LINES, FAILING_PROGRAMS, PROGRAMS
from tests.program_strategies import programs

LECTURE_L = PROGRAMS["lecture-expression-L"].removesuffix("L\n")

# Small programs, each for one thing the oracle records; run with the lecture's in one child process.
SMALL = {
    "prints": (
        "def show(x):\n    print('x is', x, sep='=', end='!\\n')\n\nfor i in range(2):\n    show(i)\n"
        "print()\nprint(1.0, 2, 'a', [0.5], None, True)\nprint(Value(2.0), end='')\n"
    ),
    "result of a list": "x = [1.5, Value(2.0)]\nx\n",
    "no result after a print": "x = 1\nprint(x)\n",
    "no result after an assignment": "x = 1\n",
    "syntax error": "a = 1\nb = (2\n",
    "magics": "%matplotlib inline\n!pip install micrograd\na = Value(2.0)\nb = a * a\nb.backward()\nprint(a.grad)\n",
    "own class and draw_dot": (
        "import math\nfrom graphviz import Digraph\nclass Value:\n    def __init__(self, data):\n"
        "        self.data = data\n        self.grad = 0.0\n        self._prev = ()\n"
        "    def tanh(self):\n        return Value(math.tanh(self.data))\n"
        "def draw_dot(root):\n    raise RuntimeError('replaced')\n"
        "a = Value(3.0)\nb = a.tanh()\ndot = draw_dot(b)\ndot.render('gout')\nprint(dot.format, b.data)\n"
    ),
    "micrograd": (
        "from micrograd.engine import Value\nfrom micrograd.nn import MLP\n"
        "a = Value(-2.0)\nb = a.relu()\nprint(a, b, a.grad)\nb.backward()\nprint(a.grad, b.grad)\n"
        "model = MLP(2, [3, 1])\nprint(model)\nmodel.zero_grad()\nprint(model.layers[0].neurons[0].b)\n"
    ),
    "seed": "import random\nprint(random.random())\n",
    "manual grads": LECTURE_L + "L.grad = 1.0\nf.grad = 4.0\nd.grad = -2.0\ne.grad = 0.0\nc.grad = -2.0\n",
    "manual steps": LECTURE_L + "L.grad = 1.0\nL._backward()\nd._backward()\ne._backward()\na._backward()\n",
    "manual then backward then manual": LECTURE_L + "L.grad = 1.0\nL._backward()\nL.backward()\nL.grad = 2.0\n",
    "views": LECTURE_L + "draw_dot(L)\nL.backward()\ndraw_dot(L)\na.data += 0.01\ndraw_dot(d)\n",
    "cells": "# %%\na = Value(1.0)\na\n# %%\na.data = 5.0\nb = a * 2\nb.data\n# %%\nc = 1\n",
    "shorthand": "a = 2.0\nb = -3.0\nc = a * b\nc.backward()\n",
    "set operands": (
        "class V:\n    def __init__(self, data, children=()):\n        self.data = data\n        self.grad = 0.0\n"
        "        self._prev = set(children)\n        self._backward = lambda: None\n"
        "    def __add__(self, other):\n        out = V(self.data + other.data, (self, other))\n"
        "        def _backward():\n            self.grad += out.grad\n            other.grad += out.grad\n"
        "        out._backward = _backward\n        return out\n"
        "    def backward(self):\n        self.grad = 1.0\n        stack = [self]\n        while stack:\n"
        "            v = stack.pop()\n            v._backward()\n            stack.extend(v._prev)\n"
        "a = V(1.0)\nb = a + V(2.0)\nc = b + a\nc.backward()\nd = a + a\nd = d + a\nd = d + a\nd.backward()\n"
    ),
    "infinite data": "a = Value(1e200)\nprint(a)\nb = a * a\nprint(b)\n",
    "placeholders": "import math\nimport numpy as np\nimport matplotlib.pyplot as plt\nprint(math.pi)\nnp.zeros(3)\n",
    "class in a function": (
        "def make():\n    class Pair:\n        def __init__(self, data):\n            self.data = data\n"
        "            self.grad = 0.0\n            self._prev = ()\n    return Pair\n"
        "P = make()\np = P(2.0)\np.grad = 3.0\n"
    ),
}


@pytest.fixture(scope="module")
def runs() -> dict[str, CPythonRun]:
    sources = {**PROGRAMS, **FAILING_PROGRAMS, **SMALL}
    return dict(zip(sources, run_many_in_cpython(list(sources.values())), strict=True))


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_every_lecture_program_passes_the_static_wall_and_runs_to_the_end(
    name: str, runs: dict[str, CPythonRun]
) -> None:
    prepare_source(PROGRAMS[name], DEFAULT_LIMITS)
    assert runs[name].error is None


@pytest.mark.parametrize("name", sorted(FAILING_PROGRAMS))
def test_a_failing_program_reports_its_exception_at_its_line(name: str, runs: dict[str, CPythonRun]) -> None:
    prepare_source(FAILING_PROGRAMS[name], DEFAULT_LIMITS)
    error = runs[name].error
    assert error is not None
    assert (error.type, error.line) == FAILING_LINES[name]


def test_the_lecture_expression_gives_one_pass_with_the_lectures_grads(runs: dict[str, CPythonRun]) -> None:
    run = runs["lecture-L-backward"]
    (only,) = run.passes
    assert (only.line, only.manual, only.data[-1], only.stale) == (8, False, -8.0, False)
    assert only.grads(run.nodes) == {"a": 6.0, "b": -4.0, "c": -2.0, "e": -2.0, "d": -2.0, "f": 4.0, "L": 1.0}
    assert [run.nodes[k].op for k in only.order] == ["", "", "*", "", "+", "", "*"]
    assert run.prints == [(10, "6.0 -4.0 -2.0 4.0")]
    (view,) = run.views
    assert (view.line, view.output, view.pass_index) == (9, only.output, 0)


def test_a_value_bound_at_module_scope_is_named_by_its_first_name(runs: dict[str, CPythonRun]) -> None:
    run = runs["lecture-L-backward"]
    assert [node.name for node in run.nodes] == ["a", "b", "c", "e", "d", "f", "L"]


def test_without_backward_the_explorers_own_pass_is_on_the_result(runs: dict[str, CPythonRun]) -> None:
    run = runs["lecture-expression-L"]
    assert run.result == "Value(data=-8.0)"
    (only,) = run.passes
    assert only is run.implicit_pass
    assert (only.line, only.manual, only.output) == (None, False, run.labelled("L"))
    assert only.grads(run.nodes)["a"] == 6.0


def test_grads_set_by_hand_make_a_manual_pass_and_no_pass_of_the_explorers_own(runs: dict[str, CPythonRun]) -> None:
    run = runs["manual grads"]
    (only,) = run.passes
    assert (only.manual, only.line, only.output) == (True, None, run.labelled("L"))
    assert run.implicit_pass is None
    assert [(run.nodes[step.node].label, step.set, step.line) for step in only.steps] == [
        ("L", 1.0, 8), ("f", 4.0, 9), ("d", -2.0, 10), ("c", -2.0, 12),
    ]  # fmt: skip
    assert only.grad_before == (0.0,) * 7
    grads = only.grads(run.nodes)
    assert (grads["L"], grads["f"], grads["d"], grads["e"], grads["a"]) == (1.0, 4.0, -2.0, 0.0, 0.0)


def test_backward_steps_called_by_hand_are_a_manual_pass_in_the_order_made(runs: dict[str, CPythonRun]) -> None:
    run = runs["manual steps"]
    (only,) = run.passes
    assert only.manual
    labels = [(run.nodes[step.node].label, step.set) for step in only.steps]
    assert labels == [("L", 1.0), ("L", None), ("d", None), ("e", None)]  # a's `lambda: None` is no step
    deposits = [[(run.nodes[to].label, after - before) for to, before, after in step.deposits] for step in only.steps]
    assert deposits == [[], [("d", -2.0), ("f", 4.0)], [("e", -2.0), ("c", -2.0)], [("a", 6.0), ("b", -4.0)]]
    assert only.grads(run.nodes)["a"] == 6.0


def test_a_backward_call_closes_the_manual_pass_of_its_graph(runs: dict[str, CPythonRun]) -> None:
    run = runs["manual then backward then manual"]
    assert [(each.manual, each.line, each.stale) for each in run.passes] == [(True, None, False), (False, 10, True),
                                                                            (True, None, False)]  # fmt: skip
    assert run.passes[1].grad_before == run.passes[0].grad
    assert run.passes[2].steps[0].set == 2.0


def test_each_draw_dot_is_a_view_of_the_graph_then_on_its_pass(runs: dict[str, CPythonRun]) -> None:
    run = runs["views"]
    before, after, other = run.views
    assert (before.line, before.pass_index, set(before.grad)) == (8, 0, {0.0})
    assert (after.line, after.pass_index, after.grad[-1]) == (10, 0, 1.0)
    assert other.output == run.labelled("d") and other.data[0] == 2.01
    assert run.default_pass == 0  # d's graph has no pass: the view is placed at pass 0


def test_each_cell_shows_its_out_when_it_ran(runs: dict[str, CPythonRun]) -> None:
    run = runs["cells"]
    assert run.outs == ["Value(data=1.0)", "10.0", None]
    assert run.result == "10.0"


def test_the_shorthand_makes_each_number_a_labelled_leaf(runs: dict[str, CPythonRun]) -> None:
    run = runs["shorthand"]
    assert [(node.label, node.name, node.op) for node in run.nodes] == [("a", "a", ""), ("b", "b", ""), ("", "c", "*")]
    assert run.passes[0].grads(run.nodes) == {"a": -3.0, "b": 2.0}


def test_a_result_is_the_repr_of_the_last_expression_and_none_gives_none(runs: dict[str, CPythonRun]) -> None:
    assert runs["result of a list"].result == "[1.5, Value(data=2.0)]"
    assert runs["no result after a print"].result is None
    assert runs["no result after an assignment"].result is None


def test_prints_carry_their_lines_and_format_as_print_does(runs: dict[str, CPythonRun]) -> None:
    assert runs["prints"].prints == [
        (2, "x is=0!"),
        (2, "x is=1!"),
        (6, ""),
        (7, "1.0 2 a [0.5] None True"),
        (8, "Value(data=2.0)"),
    ]


def test_an_error_in_a_function_names_the_inner_and_the_outer_line(runs: dict[str, CPythonRun]) -> None:
    error = runs["index-error-in-function"].error
    assert error is not None
    assert (error.line, error.column, error.outer_line, error.message) == (
        2,
        12,
        6,
        "IndexError: list index out of range",
    )


def test_a_syntax_error_has_its_line(runs: dict[str, CPythonRun]) -> None:
    error = runs["syntax error"].error
    assert error is not None
    assert (error.type, error.line) == ("SyntaxError", 2)


def test_notebook_magics_are_skipped_and_lines_stay_as_pasted(runs: dict[str, CPythonRun]) -> None:
    run = runs["magics"]
    assert run.error is None
    assert run.prints == [(6, "4.0")]
    assert run.passes[0].line == 5


def test_a_programs_own_class_is_kept_and_recorded_and_its_draw_dot_replaced(runs: dict[str, CPythonRun]) -> None:
    run = runs["own class and draw_dot"]
    assert run.error is None
    assert run.printed == [f"svg {math.tanh(3.0)}"]
    assert run.value_class == "Value (line 3)"
    (view,) = run.views
    assert (view.line, view.data) == (14, (math.tanh(3.0),))
    assert run.passes == []  # its values have no backward(): no pass of the explorer's own


def test_micrograd_imports_give_the_real_package_with_its_int_grads_and_repr(runs: dict[str, CPythonRun]) -> None:
    run = runs["micrograd"]
    assert run.printed == [
        "Value(data=-2.0, grad=0) Value(data=0, grad=0) 0",
        "0 1",
        "MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2), ReLUNeuron(2)], Layer of [LinearNeuron(3)]]",
        "Value(data=0, grad=0)",
    ]
    assert len(run.passes) == 1 and run.unordered and run.value_class == "builtin"


def test_micrograds_own_tests_pass_in_the_oracle(runs: dict[str, CPythonRun]) -> None:
    assert runs["micrograd-test-sanity-check"].printed == ["-20.0 46.0"]
    (printed,) = runs["micrograd-test-more-ops"].printed
    assert same_printed(printed, "24.70408163265306 138.83381924198252 645.5772594752186", rel=1e-15)


def test_the_training_loop_gives_a_pass_per_step_whose_loss_was_printed(runs: dict[str, CPythonRun]) -> None:
    run = runs["lecture-training"]
    assert len(run.passes) == 20
    assert [(entry.line, entry.text.split()[0]) for entry in run.prints] == [(70, str(k)) for k in range(20)]
    assert [float(entry.text.split()[1]) for entry in run.prints] == [each.data[-1] for each in run.passes]
    assert {each.line for each in run.passes} == {64}
    assert not any(each.stale for each in run.passes)
    parameters = [{k for k in each.order if not run.nodes[k].children} for each in run.passes]
    assert len(parameters[0] & parameters[-1]) == 41  # the weights keep their keys; constants are made anew
    assert run.builtin_tanh and not run.unordered


def test_without_zero_grad_every_pass_after_the_first_starts_stale(runs: dict[str, CPythonRun]) -> None:
    passes = runs["zero-grad-bug"].passes
    assert [each.stale for each in passes] == [False] + [True] * 9
    first = dict(zip(passes[0].order, passes[0].grad, strict=True))
    second = dict(zip(passes[1].order, passes[1].grad_before, strict=True))
    assert all(second[k] == first[k] for k in first if k in second and not runs["zero-grad-bug"].nodes[k].children)


def test_a_learning_rate_too_high_makes_the_loss_jump(runs: dict[str, CPythonRun]) -> None:
    losses = [each.data[-1] for each in runs["learning-rate-too-high"].passes]
    assert losses[1] > losses[0]


def test_a_programs_own_value_class_and_its_set_are_recorded(runs: dict[str, CPythonRun]) -> None:
    run = runs["own-value-training"]
    assert run.value_class == "Value (line 3)"
    assert run.unordered and run.reordered and not run.builtin_tanh
    assert len(run.passes) == 20


def test_an_order_of_addresses_shows_only_where_a_grad_takes_three_additions(runs: dict[str, CPythonRun]) -> None:
    run = runs["set operands"]
    first, second = run.passes
    assert run.nodes[2].children == (0, 1) and run.nodes[3].children == (0, 2)  # a set's operands, sorted
    assert run.nodes[4].children == (0,)  # a + a: a set holds a once
    assert dict(zip(first.order, first.grad, strict=True))[0] == 2.0
    assert run.unordered and run.reordered and second.stale


def test_an_infinite_value_stops_the_program_as_the_explorer_does(runs: dict[str, CPythonRun]) -> None:
    run = runs["infinite data"]
    assert run.error is not None
    assert (run.error.type, run.error.line, run.printed) == ("NonFinite", 3, ["Value(data=1e+200)"])


def test_the_notebooks_modules_are_the_real_ones_where_installed(runs: dict[str, CPythonRun]) -> None:
    run = runs["placeholders"]  # numpy, matplotlib and torch are in the test extras
    assert run.printed == [str(math.pi)]
    assert run.error is None


def test_classes_made_anywhere_are_watched(runs: dict[str, CPythonRun]) -> None:
    run = runs["class in a function"]
    (only,) = run.passes
    assert only.manual and only.steps[0].set == 3.0 and run.value_class == "Pair (line 2)"


def test_an_unseeded_program_gets_seed_0_and_each_program_starts_afresh() -> None:
    first, second = run_many_in_cpython([SMALL["seed"], SMALL["seed"]])
    assert first.printed == second.printed == [repr(random.Random(0).random())]


def test_a_program_that_runs_too_long_is_stopped_and_the_batch_goes_on() -> None:
    runs = run_many_in_cpython(["n = 0\nwhile n >= 0:\n    n += 1\n", "print(1)\n"], timeout=0.5)
    assert runs[0].error is not None
    assert runs[0].error.type == "Timeout"
    assert runs[0].error.line in (2, 3)
    assert runs[1].printed == ["1"]


@pytest.mark.parametrize(
    ("explorer", "cpython", "rel", "same"),
    [
        ("138.83381924198252 x1", "138.8338192419825 x1", 1e-15, True),
        ("138.83381924198252 x1", "138.8338192419825 x1", 0.0, False),
        ("step 0 loss 0.5, accuracy 50.0%", "step 0 loss 0.5, accuracy 50.0%", 0.0, True),
        ("0", "0.0", 1e-9, False),
        ("0.1", "0.2", 1e-9, False),
        ("1e-05 -inf nan", "1.0000000000000001e-05 -inf nan", 1e-9, True),
        ("Value(data=1.0)", "Value(data=1.0, grad=0)", 1e-9, False),
    ],
)
def test_printed_texts_are_the_same_but_for_floats_within_the_tolerance(
    explorer: str, cpython: str, rel: float, same: bool
) -> None:
    assert same_printed(explorer, cpython, rel=rel) is same


@pytest.mark.filterwarnings("ignore::hypothesis.errors.HypothesisWarning")  # its repr of 15 programs, on a failure
@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(programs(), min_size=1, max_size=15))
def test_generated_programs_pass_the_static_wall_and_run_cleanly_in_cpython(sources: list[str]) -> None:
    for source, run in zip(sources, run_many_in_cpython(sources, timeout=2.0), strict=True):
        prepare_source(source, DEFAULT_LIMITS)
        assert run.error is None, source
        assert run.passes and run.prints, source
        numbers = [x for each in run.passes for x in (*each.data, *each.grad_before, *each.grad)]
        assert all(math.isfinite(x) for x in numbers), source
