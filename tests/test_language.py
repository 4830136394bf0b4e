"""The language of LANGUAGE.md: Python's semantics, the shorthand, labels, passes, errors and limits."""

from __future__ import annotations

import random
import time

import pytest

from engine.errors import ProgramError
from engine.language import Run, run_program
from engine.limits import Limits
from engine.value import Value, topological_order
from tests.programs import LECTURE_L


def output(source: str, limits: Limits | None = None) -> Value:
    run = run_program(source, limits or Limits())
    assert run.default_pass is not None
    return run.passes[run.default_pass].output


def ops(source: str) -> list[str]:
    return [node._op for node in topological_order(output(source))]


def printed(source: str) -> list[str]:
    return [line.text for line in run_program(source).prints]


def refused(source: str, limits: Limits | None = None) -> ProgramError:
    with pytest.raises(ProgramError) as caught:
        run_program(source, limits or Limits())
    return caught.value


# -- the two ways to write a program


def test_the_shorthand_makes_a_named_leaf_of_a_number() -> None:
    a = output("a = 2.0")
    assert (a.data, a.name, a.label, a._op) == (2.0, "a", "a", "")


def test_python_as_in_the_lecture_keeps_plain_numbers_plain() -> None:
    run = run_program("a = 2.0; b = -3.0; c = 10.0; d = a*b + c; print(d)")
    assert [line.text for line in run.prints] == ["4.0"]
    assert (run.passes, run.default_pass) == ([], None)


def test_value_calls_with_labels_paste_in_unchanged() -> None:
    run = run_program("a = Value(2.0, label='first')\nb = Value(-3.0)\ne = a*b; e.label = 'e'")
    assert [node.label for node in run.values] == ["first", "b", "e"]


def test_module_level_assignment_labels_an_unlabelled_value() -> None:
    run = run_program("a = Value(2.0)\nb = Value(3.0, label='B')\nc = a * b")
    assert [node.label for node in run.values] == ["a", "B", "c"]


def test_assigning_an_existing_name_is_an_alias_not_a_new_node() -> None:
    run = run_program("a = 2.0\nx = a\ny = x * 3")
    assert len(run.values) == 3
    assert run.bindings["x"] == [run.values[0]]
    assert run.values[0].label == "a"


def test_augmented_assignment_makes_a_new_node_under_the_same_name() -> None:
    run = run_program("c = 1.0\nc += c + 1")
    assert output("c = 1.0\nc += c + 1").data == 3.0
    assert len(run.bindings["c"]) == 2


@pytest.mark.parametrize(
    ("source", "expected"), [("c = 2.0\nc -= 0.5", 1.5), ("c = 2.0\nc *= 3", 6.0), ("c = 2.0\nc /= 4", 0.5)]
)
def test_every_augmented_operator_computes(source: str, expected: float) -> None:
    assert output(source).data == expected


def test_explorer_functions_work_as_calls_and_as_methods() -> None:
    for name in ("tanh", "exp", "log", "relu", "sigmoid"):
        assert output(f"n = 0.5\n{name}(n)").data == output(f"n = 0.5\nn.{name}()").data


def test_explorer_functions_of_plain_numbers_are_plain_numbers() -> None:
    assert printed("print(tanh(0.5), relu(-2.0), sigmoid(0.0))") == [f"{__import__('math').tanh(0.5)} 0.0 0.5"]


def test_a_literal_power_of_literals_is_a_plain_number_as_in_python() -> None:
    # `2**-1` between two literals is 0.5 in CPython, not a node: the shorthand makes leaves only of assignments.
    assert ops("x = 3.0\ny = x * 2**-1") == ["", "", "*"]


# -- micrograd's graph, node for node


def test_subtraction_and_negation_decompose_as_in_micrograd() -> None:
    assert ops("a = 1.0\nb = 2.0\nc = a - b") == ["", "", "", "*", "+"]
    assert ops("a = 1.0\nc = -a") == ["", "", "*"]


def test_a_number_subtracted_or_divided_is_folded_as_micrograd_does() -> None:
    run = run_program("e = 3.0\no = (e - 1) / 2")
    assert [node._op for node in run.values] == ["", "", "+", "", "*"]
    assert [node.data for node in run.values if not node._prev] == [3.0, -1, 0.5]


def test_division_is_multiplication_by_an_inverse() -> None:
    assert ops("a = 1.0\nb = 4.0\nc = a / b") == ["", "", "**-1", "*"]


def test_a_value_used_twice_is_one_node_with_two_edges() -> None:
    run = run_program("a = 3.0\nb = a + a")
    assert run.values[1]._prev == (run.values[0], run.values[0])
    assert run.values[0].grad == 2.0


def test_power_names_the_operation_by_its_exponent() -> None:
    assert ops("x = 3.0\ny = x**2")[-1] == "**2"
    assert ops("x = 3.0\ny = x**-0.5")[-1] == "**-0.5"


def test_node_ids_are_deterministic_and_in_creation_order() -> None:
    source = "a = 2.0\nb = -3.0\ne = a*b\nd = e + 10.0"
    first = [node.id for node in run_program(source).values]
    assert first == [node.id for node in run_program(source).values] == ["n0", "n1", "n2", "n3", "n4"]


def test_nodes_remember_the_line_and_column_that_made_them() -> None:
    run = run_program("a = 2.0\nb = a * 3.0")
    three, product = run.values[1], run.values[2]
    assert (three.line, three.column) == (2, 5)  # made by the * that meets the number
    assert (product.line, product.column) == (2, 5)


def test_columns_count_characters_not_bytes() -> None:
    assert refused("a = Value(1.0, label='αβγ') + q").column == 31


def test_a_chain_of_ten_thousand_nodes_is_accepted() -> None:
    # Iterative graph walks: no recursion limit; the time limit is raised, as this is about depth, not speed.
    assert len(run_program("x = 0.5\n" + "x = x * 1.0001\n" * 5_000, Limits(max_seconds=60)).values) == 10_001


# -- Python's semantics


def test_functions_take_defaults_keywords_star_args_and_recurse() -> None:
    source = """
def f(a, b=2, *rest, scale=1, **named):
    return (a + b + sum(rest)) * scale + len(named)
def fact(n):
    return 1 if n <= 1 else n * fact(n - 1)
print(f(1), f(1, 3, 4, 5, scale=2, x=1, y=2), fact(10))
"""
    assert printed(source) == ["3 28 3628800"]


def test_closures_see_the_enclosing_functions_variables() -> None:
    source = """
def outer(k):
    def inner(x):
        return x * k
    k = k + 1
    return inner
print(outer(2)(10))
"""
    assert printed(source) == ["30"]


def test_classes_have_init_call_repr_methods_and_single_inheritance() -> None:
    source = """
class Module:
    def parameters(self):
        return []
    def count(self):
        return len(self.parameters())
class Scale(Module):
    def __init__(self, k):
        self.k = Value(k)
    def __call__(self, x):
        return self.k * x
    def parameters(self):
        return [self.k]
    def __repr__(self):
        return f"Scale({self.k.data})"
s = Scale(3.0)
print(s, s.count(), isinstance(s, Module), [s])
y = s(2.0)
"""
    run = run_program(source)
    assert [line.text for line in run.prints] == ["Scale(3.0) 1 True [Scale(3.0)]"]
    assert run.passes[run.default_pass or 0].output.data == 6.0


def test_loops_comprehensions_generators_and_dicts_behave_as_in_python() -> None:
    source = """
total = 0
for i in range(10):
    if i % 2 == 0:
        continue
    if i > 7:
        break
    total += i
else:
    total = -1
squares = [i * i for i in range(5) if i != 2]
pairs = [(a, b) for a in range(3) for b in range(a)]
d = {'x': 1, 'y': 2}
d['z'] = 3
n = 0
while n < 3:
    n += 1
print(total, squares, pairs, sorted(d.items()), d.get('w', 0), any(x > 3 for x in squares), n)
print(f"{3.14159:.2f}|{7:3d}|{'s'!r}", 7 // 2, -7 % 3, 2 ** 10, 1 < 2 < 3, [1, 2, 3][::-1], 'a,b'.join(['x', 'y']))
"""
    assert printed(source) == [
        "16 [0, 1, 9, 16] [(1, 0), (2, 0), (2, 1)] [('x', 1), ('y', 2), ('z', 3)] 0 True 3",
        "3.14|  7|'s' 3 2 1024 True [3, 2, 1] xa,by",
    ]


def test_generator_expressions_are_lazy_as_in_python() -> None:
    assert printed("g = (print(i) for i in range(3))\nany(True for _ in g)\nprint('end')") == ["0", "end"]


def test_random_is_pythons_generator_seeded_zero_unless_seeded() -> None:
    first = random.Random(0).uniform(-1, 1)
    seeded = random.Random(1337)
    expected = [seeded.uniform(-1, 1), seeded.gauss(0, 1), seeded.randint(1, 6)]
    assert printed("import random\nprint(random.uniform(-1, 1))") == [repr(first)]
    source = "import random\nrandom.seed(1337)\nprint(random.uniform(-1, 1), random.gauss(0, 1), random.randint(1, 6))"
    assert printed(source) == [" ".join(map(repr, expected))]


def test_the_last_expression_statement_is_the_result_as_a_notebook_shows_it() -> None:
    run = run_program("a = Value(2.0)\nb = [a * 2, a + 1]\nb")
    assert run.result == "[Value(data=4.0), Value(data=3.0)]"


# -- micrograd's nn and notebook cells


def test_micrograd_nn_builds_an_mlp_with_the_weights_cpython_draws() -> None:
    source = "import random\nrandom.seed(1337)\nfrom micrograd.nn import MLP\nmodel = MLP(2, [3, 1])\nprint(model)"
    run = run_program(source)
    generator = random.Random(1337)
    first_weights = [generator.uniform(-1, 1) for _ in range(2)]
    assert [line.text for line in run.prints] == [
        "MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2), ReLUNeuron(2)], Layer of [LinearNeuron(3)]]"
    ]
    assert [value.data for value in run.values[:2]] == first_weights


def test_pasted_notebook_cells_are_accepted_with_notes() -> None:
    source = (
        "%matplotlib inline\nimport numpy as np\nimport matplotlib.pyplot as plt\nfrom graphviz import Digraph\n"
        "class Value:\n    def __init__(self, data):\n        self.data = data\n"
        "def draw_dot(root):\n    return Digraph()\n"
        "a = Value(2.0, label='a')\nb = a * 3\ndraw_dot(b)\n"
    )
    run = run_program(source)
    assert [note.line for note in run.notes] == [1, 2, 3, 4, 5, 8]
    assert run.passes[0].output.data == 6.0


def test_an_ignored_module_used_is_a_name_error_saying_so() -> None:
    error = refused("import numpy as np\nx = np.array([1.0])")
    assert (error.kind, error.line) == ("name", 2)
    assert "not available" in error.message


# -- passes


TRAINING = """
import random
random.seed(1337)
from micrograd.nn import MLP
model = MLP(2, [2, 1])
xs = [[1.0, -1.0], [0.5, 2.0]]
ys = [1.0, -1.0]
for k in range(3):
    loss = sum((model(x) - y)**2 for x, y in zip(xs, ys))
    model.zero_grad()
    loss.backward()
    for p in model.parameters():
        p.data += -0.05 * p.grad
"""


def test_every_backward_call_is_a_pass_with_its_resets_and_updates() -> None:
    run = run_program(TRAINING)
    assert [(p.index, p.line, p.stale) for p in run.passes] == [(0, 11, False), (1, 11, False), (2, 11, False)]
    parameters = 9
    assert [len(p.resets) for p in run.passes] == [parameters] * 3
    assert [len(p.updates) for p in run.passes] == [parameters] * 3
    assert {(m.field, m.line) for p in run.passes for m in p.resets} == {("grad", 10)}
    assert {(m.field, m.line) for p in run.passes for m in p.updates} == {("data", 13)}
    assert run.default_pass == 2


def test_without_zero_grad_the_later_passes_are_stale() -> None:
    run = run_program(TRAINING.replace("    model.zero_grad()\n", ""))
    assert [p.stale for p in run.passes] == [False, True, True]


def test_draw_dot_chooses_the_pass_of_its_value() -> None:
    run = run_program("a = Value(2.0)\nb = a * a\nb.backward()\nc = b + 1\nc.backward()\ndraw_dot(b)")
    assert run.default_pass == 0


def test_without_backward_the_explorer_makes_its_own_pass_on_the_output() -> None:
    run = run_program(LECTURE_L)
    assert [(p.line, p.output.label) for p in run.passes] == [(None, "L")]
    assert run.values[0].grad == 6.0


def test_unlabelled_parameters_are_shown_by_their_path() -> None:
    run = run_program(TRAINING)
    paths = {run.paths[id(node)] for node in run.values[:9]}
    assert "model.layers[0].neurons[1].w[0]" in paths and "model.layers[1].neurons[0].b" in paths


def test_values_remember_the_call_that_made_them_and_calls_form_a_tree() -> None:
    run = run_program(TRAINING)
    by_id = {group.id: group for group in run.groups}
    loss = run.passes[0].output
    neuron_values = [node for node in run.passes[0].order if node.group and by_id[node.group].name == "Neuron.__call__"]
    chain = []
    group_id = neuron_values[0].group
    while group_id is not None:
        chain.append(by_id[group_id].name)
        group_id = by_id[group_id].parent
    assert chain == ["Neuron.__call__", "Layer.__call__", "MLP.__call__"]
    assert loss.group is None


# -- errors


def test_an_error_in_a_function_is_placed_inside_it_and_names_the_calls() -> None:
    source = "def f(x):\n    return 1 / x\n\ndef g(x):\n    return f(x) + 1\n\ng(0)\n"
    error = refused(source)
    assert (error.kind, error.line, error.column) == ("math", 2, 12)
    assert "in f, called from line 5; in g, called from line 7" in error.message


@pytest.mark.parametrize(
    ("source", "kind", "line"),
    [
        ("x = [1, 2]\ny = x[5]", "type", 2),
        ("d = {}\nd['k']", "type", 2),
        ("def f(a):\n    return a\nf(1, 2)", "type", 3),
        ("if False:\n    undefined\nx = 1\nundefined2", "name", 4),
        ("assert 1 > 2, 'no'", "type", 1),
        ("x = None + 1", "type", 1),
        ("a = Value(1.0)\nb = a ** a", "type", 2),
        ("a = Value(1.0)\na.data = 'x'", "type", 2),
        ("a = Value(1.0)\na.grad = float('nan')", "math", 2),
        ("class A:\n    pass\nA().missing", "name", 3),
        ("x = 1\nx()", "type", 2),
        ("import os", "unsupported", 1),
        ("f = lambda x: x", "unsupported", 1),
        ("try:\n    pass\nexcept:\n    pass", "unsupported", 1),
        ("x = (1).__class__", "unsupported", 1),
        ("x = open('f')", "unsupported", 1),
    ],
)
def test_errors_have_cpythons_kind_and_line(source: str, kind: str, line: int) -> None:
    error = refused(source)
    assert (error.kind, error.line) == (kind, line)


def test_a_name_in_a_branch_never_taken_is_no_error() -> None:
    assert printed("if False:\n    undefined_name\nprint('ok')") == ["ok"]


# -- limits


@pytest.mark.parametrize(
    ("source", "limits", "line"),
    [
        ("while True:\n    pass", Limits(max_steps=10_000), 2),
        ("def f(n):\n    return f(n + 1)\nf(0)", Limits(max_call_depth=50), 2),
        ("x = [0] * 10**9", Limits(), 1),
        ("s = 'ab'\nfor i in range(40):\n    s = s + s", Limits(), 3),
        ("x = 10**10**10", Limits(), 1),
        ("a = Value(1.0)\nfor i in range(100):\n    a = a * 1.0", Limits(max_nodes=50), 3),
        ("a = Value(1.0)\nfor i in range(20):\n    a.backward()", Limits(max_passes=10), 3),
        ("for i in range(100):\n    print(i)", Limits(max_print_lines=10), 2),
        ("x = sum(range(10**12))", Limits(max_steps=100_000), 1),
    ],
)
def test_every_limit_stops_a_program_at_the_line_that_crossed_it(source: str, limits: Limits, line: int) -> None:
    started = time.monotonic()
    error = refused(source, limits)
    assert (error.kind, error.line) == ("limit", line)
    assert time.monotonic() - started < 2


def test_the_wall_time_limit_ends_a_long_run() -> None:
    started = time.monotonic()
    error = refused("while True:\n    x = 1", Limits(max_seconds=0.3, max_steps=10**12))
    assert error.kind == "limit" and "longer than 0.3 s" in error.message
    assert time.monotonic() - started < 1.5


def test_a_run_is_the_same_every_time() -> None:
    first: Run = run_program(TRAINING)
    second: Run = run_program(TRAINING)
    assert [p.data for p in first.passes] == [p.data for p in second.passes]
