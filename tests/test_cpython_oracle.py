"""The CPython oracle itself: what it records of the lecture's programs, and that the random programs run cleanly."""

from __future__ import annotations

import ast
import math
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cpython_oracle import CPythonRun, run_in_cpython, run_many_in_cpython, same_printed
from tests.lecture_programs import FAILING_LINES, FAILING_PROGRAMS, PROGRAMS
from tests.program_strategies import programs

UNSUPPORTED = (
    ast.Lambda, ast.Try, ast.TryStar, ast.With, ast.AsyncWith, ast.Global, ast.Nonlocal, ast.Set, ast.SetComp,
    ast.DictComp, ast.NamedExpr, ast.Yield, ast.YieldFrom, ast.Await, ast.AsyncFunctionDef, ast.Starred,
)  # fmt: skip
IMPORTABLE = {"math", "random", "micrograd", "micrograd.engine", "micrograd.nn", "numpy"}
DEFINABLE_DUNDERS = {"__init__", "__call__", "__repr__"}
BUILTINS = {
    "print", "range", "len", "zip", "enumerate", "map", "sum", "min", "max", "abs", "round", "any", "all", "float",
    "int", "str", "list", "tuple", "dict", "sorted", "reversed", "isinstance", "Value", "draw_dot", "tanh", "exp",
    "log", "relu", "sigmoid",
}  # fmt: skip
METHODS = {
    "append", "extend", "pop", "insert", "index", "count", "reverse", "sort", "copy", "items", "keys", "values", "get",
    "join", "tanh", "exp", "log", "relu", "sigmoid", "backward", "sqrt", "seed", "uniform", "random", "gauss",
    "randint", "choice", "shuffle", "parameters", "zero_grad",
}  # fmt: skip


def assert_in_subset(source: str) -> None:
    """Fail if the program uses Python outside LANGUAGE.md's subset: its statements, built-ins, methods, imports."""
    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in source.split("\n")]
    nodes = list(ast.walk(ast.parse("\n".join(lines))))
    callable_names = BUILTINS | {
        node.id for node in nodes if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)
    }
    callable_names |= {node.arg for node in nodes if isinstance(node, ast.arg)}
    defined = {node.name for node in nodes if isinstance(node, (ast.FunctionDef, ast.ClassDef))}
    for node in nodes:
        assert not isinstance(node, UNSUPPORTED), ast.dump(node)
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            assert not node.decorator_list
            assert not node.name.startswith("__") or node.name in DEFINABLE_DUNDERS
        elif isinstance(node, ast.Attribute):
            assert not node.attr.startswith("__"), node.attr
        elif isinstance(node, ast.Import):
            assert {alias.name for alias in node.names} <= IMPORTABLE
        elif isinstance(node, ast.ImportFrom):
            assert node.module in IMPORTABLE
            callable_names |= {alias.asname or alias.name for alias in node.names}
    for node in nodes:
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            assert node.func.id in callable_names | defined, node.func.id
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            assert node.func.attr in METHODS | defined, node.func.attr


@pytest.fixture(scope="module")
def lecture_runs() -> dict[str, CPythonRun]:
    return dict(zip(PROGRAMS, run_many_in_cpython(list(PROGRAMS.values())), strict=True))


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_every_lecture_program_is_in_the_subset_and_runs_to_the_end(
    name: str, lecture_runs: dict[str, CPythonRun]
) -> None:
    assert_in_subset(PROGRAMS[name])
    assert lecture_runs[name].error is None


def test_the_lecture_expression_gives_one_pass_with_the_lectures_grads(lecture_runs: dict[str, CPythonRun]) -> None:
    run = lecture_runs["lecture-L-backward"]
    (only,) = run.passes
    assert (only.line, only.data, only.stale) == (8, -8.0, False)
    grads = {node.label: node.grad for node in only.nodes}
    assert grads == {"a": 6.0, "b": -4.0, "c": -2.0, "e": -2.0, "d": -2.0, "f": 4.0, "L": 1.0}
    assert only.op_data() == [("", -3.0), ("", -2.0), ("", 2.0), ("", 10.0), ("*", -8.0), ("*", -6.0), ("+", 4.0)]
    assert run.prints == [(10, "6.0 -4.0 -2.0 4.0")]
    assert run.last_draw_dot is not None
    assert (run.last_draw_dot.key, run.last_draw_dot.line, run.last_draw_dot.passes_before) == (only.output, 9, 1)


def test_without_backward_the_explorers_own_pass_is_on_the_result(lecture_runs: dict[str, CPythonRun]) -> None:
    run = lecture_runs["lecture-expression-L"]
    assert (run.passes, run.result) == ([], "Value(data=-8.0)")
    assert run.implicit_pass is not None
    assert run.implicit_pass.line is None
    assert (run.implicit_pass.data, run.implicit_pass.labelled("a").grad) == (-8.0, 6.0)


def test_a_value_used_twice_is_one_node_with_two_edges(lecture_runs: dict[str, CPythonRun]) -> None:
    (only,) = lecture_runs["lecture-a-plus-a"].passes
    a = only.labelled("a")
    assert only.edges() == [(a.key, only.output), (a.key, only.output)]
    assert a.grad == 2.0


def test_the_training_loop_gives_a_pass_per_step_whose_loss_was_printed(lecture_runs: dict[str, CPythonRun]) -> None:
    run = lecture_runs["lecture-training"]
    assert len(run.passes) == 20
    assert [(entry.line, entry.text.split()[0]) for entry in run.prints] == [(70, str(k)) for k in range(20)]
    assert [float(entry.text.split()[1]) for entry in run.prints] == [each.data for each in run.passes]
    assert {each.line for each in run.passes} == {64}
    assert not any(each.stale for each in run.passes)
    # the 41 parameters keep their keys through the loop; the constants are made afresh in every step
    assert len({leaf.key for leaf in run.passes[0].leaves} & {leaf.key for leaf in run.passes[-1].leaves}) == 41
    assert run.result is not None and run.result.startswith("[Value(data=0.9")


def test_without_zero_grad_every_pass_after_the_first_starts_stale(lecture_runs: dict[str, CPythonRun]) -> None:
    passes = lecture_runs["zero-grad-bug"].passes
    assert [each.stale for each in passes] == [False] + [True] * 19
    grads = {node.key: node.grad for node in passes[0].leaves}
    assert any(node.grad_before != 0 for node in passes[1].leaves)
    assert all(node.grad_before == grads[node.key] for node in passes[1].leaves if node.key in grads)


def test_a_learning_rate_too_high_makes_the_loss_jump(lecture_runs: dict[str, CPythonRun]) -> None:
    losses = [each.data for each in lecture_runs["learning-rate-too-high"].passes]
    assert losses[1] > losses[0]


def test_prints_carry_their_lines_and_format_as_print_does() -> None:
    source = (
        "def show(x):\n    print('x is', x, sep='=', end='!\\n')\n\nfor i in range(2):\n    show(i)\n"
        "print()\nprint(1.0, 2, 'a', [0.5], None, True)\nprint(Value(2.0), end='')\n"
    )
    run = run_in_cpython(source)
    assert run.prints == [
        (2, "x is=0!"),
        (2, "x is=1!"),
        (6, ""),
        (7, "1.0 2 a [0.5] None True"),
        (8, "Value(data=2.0)"),
    ]


def test_the_result_is_the_last_expression_statements_repr_and_none_gives_none() -> None:
    assert run_in_cpython("x = [1.5, Value(2.0)]\nx").result == "[1.5, Value(data=2.0)]"
    assert run_in_cpython("x = 1\nprint(x)").result is None
    assert run_in_cpython("x = 1").result is None


@pytest.mark.parametrize("name", sorted(FAILING_PROGRAMS))
def test_a_failing_program_reports_its_exception_at_its_line(name: str) -> None:
    assert_in_subset(FAILING_PROGRAMS[name])
    error = run_in_cpython(FAILING_PROGRAMS[name]).error
    assert error is not None
    assert (error.type, error.line) == FAILING_LINES[name]


def test_an_error_in_a_function_names_the_inner_and_the_outer_line() -> None:
    error = run_in_cpython(FAILING_PROGRAMS["index-error-in-function"]).error
    assert error is not None
    assert (error.line, error.outer_line, error.message) == (2, 6, "list index out of range")


def test_a_syntax_error_has_its_line() -> None:
    error = run_in_cpython("a = 1\nb = (2\n").error
    assert error is not None
    assert (error.type, error.line) == ("SyntaxError", 2)


def test_notebook_magics_are_skipped_and_lines_stay_as_pasted() -> None:
    run = run_in_cpython(
        "%matplotlib inline\n!pip install micrograd\na = Value(2.0)\nb = a * a\nb.backward()\nprint(a.grad)\n"
    )
    assert run.error is None
    assert run.prints == [(6, "4.0")]
    assert run.passes[0].line == 5


def test_the_lecture_neuron_pasted_after_a_magic_gives_the_lectures_grads(lecture_runs: dict[str, CPythonRun]) -> None:
    (only,) = lecture_runs["lecture-neuron-tanh"].passes
    assert only.line == 16
    assert only.data == pytest.approx(0.7071067811865476)
    grads = {node.label: node.grad for node in only.nodes}
    assert grads["x1"] == pytest.approx(-1.5) and grads["w1"] == pytest.approx(1.0) and grads["w2"] == 0.0


def test_a_programs_own_value_class_and_draw_dot_and_ignored_imports_are_replaced_as_the_explorer_does() -> None:
    source = (
        "import numpy as np\nfrom graphviz import Digraph\nclass Value:\n    pass\n"
        "def draw_dot(root):\n    return Digraph()\na = Value(3.0)\nb = a.tanh()\ndraw_dot(b)\nnp.array([1])\n"
    )
    run = run_in_cpython(source)
    assert run.error is not None
    assert (run.error.type, run.error.line) == ("NameError", 10)
    assert run.last_draw_dot is not None and run.last_draw_dot.data == pytest.approx(math.tanh(3.0))


def test_micrograd_imports_give_the_real_package_with_its_int_grads_and_repr() -> None:
    source = (
        "from micrograd.engine import Value\nfrom micrograd.nn import MLP\n"
        "a = Value(-2.0)\nb = a.relu()\nprint(a, b, a.grad)\nb.backward()\nprint(a.grad, b.grad)\n"
        "model = MLP(2, [3, 1])\nprint(model)\nmodel.zero_grad()\nprint(model.layers[0].neurons[0].b)\n"
    )
    run = run_in_cpython(source)
    assert run.error is None
    assert run.printed == [
        "Value(data=-2.0, grad=0) Value(data=0, grad=0) 0",
        "0 1",
        "MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2), ReLUNeuron(2)], Layer of [LinearNeuron(3)]]",
        "Value(data=0, grad=0)",
    ]
    assert len(run.passes) == 1


def test_micrograd_own_tests_pass_in_the_oracle(lecture_runs: dict[str, CPythonRun]) -> None:
    assert lecture_runs["micrograd-test-sanity-check"].printed == ["-20.0 46.0"]
    (printed,) = lecture_runs["micrograd-test-more-ops"].printed
    assert same_printed(printed, "24.70408163265306 138.83381924198252 645.5772594752186")


@pytest.mark.parametrize(
    ("explorer", "cpython", "same"),
    [
        ("138.83381924198252 x1", "138.8338192419825 x1", True),
        ("step 0 loss 0.5, accuracy 50.0%", "step 0 loss 0.5, accuracy 50.0%", True),
        ("0", "0.0", False),
        ("0.1", "0.2", False),
        ("1e-05 -inf nan", "1.0000000000000001e-05 -inf nan", True),
        ("Value(data=1.0)", "Value(data=1.0, grad=0)", False),
    ],
)
def test_printed_texts_are_the_same_but_for_the_last_bits_of_their_floats(
    explorer: str, cpython: str, same: bool
) -> None:
    assert same_printed(explorer, cpython) is same


def test_an_unseeded_program_gets_seed_0_and_each_program_starts_afresh() -> None:
    source = "import random\nprint(random.random())\n"
    runs = run_many_in_cpython([source, source])
    assert runs[0].printed == runs[1].printed == [repr(random.Random(0).random())]


def test_a_program_that_runs_too_long_is_stopped_and_the_batch_goes_on() -> None:
    runs = run_many_in_cpython(["n = 0\nwhile n >= 0:\n    n += 1\n", "print(1)\n"], timeout=0.5)
    assert runs[0].error is not None
    assert runs[0].error.type == "Timeout"
    assert runs[0].error.line in (2, 3)
    assert runs[1].printed == ["1"]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(programs(), min_size=1, max_size=15))
def test_generated_programs_are_in_the_subset_and_run_cleanly_in_cpython(sources: list[str]) -> None:
    for source, run in zip(sources, run_many_in_cpython(sources, timeout=2.0), strict=True):
        assert_in_subset(source)
        assert run.error is None, source
        assert run.passes and run.prints, source
        numbers = [x for each in run.passes for node in each.nodes for x in (node.data, node.grad_before, node.grad)]
        assert all(math.isfinite(x) for x in numbers), source
