"""explore(): the lecture's numbers, step records that replay, overrides, and PyTorch agreement."""

from __future__ import annotations

import pytest

from engine.errors import ProgramError
from engine.examples import EXAMPLES
from engine.exploration import Exploration
from engine.steps import explore
from tests.oracles import default_output, torch_grads
from tests.programs import LECTURE_L

pytest.importorskip("torch")

NEURON = next(example.source for example in EXAMPLES if example.id == "neuron")
NEURON_EXP = next(example.source for example in EXAMPLES if example.id == "neuron-exp")
SANITY_CHECK = """
x = Value(-4.0)
z = 2 * x + 2 + x
q = z.relu() + z * x
h = (z * z).relu()
y = h + q + q * x
y.backward()
"""
MORE_OPS = next(example.source for example in EXAMPLES if example.id == "micrograd-readme")


def by_label(exploration: Exploration) -> dict[str, tuple[float, float]]:
    return {node.label: (node.data, node.grad) for node in exploration.nodes if node.label}


def output_data(exploration: Exploration) -> float:
    return next(node.data for node in exploration.nodes if node.id == exploration.output)


def test_the_lecture_L_graph_has_the_lecture_gradients() -> None:
    values = by_label(explore(LECTURE_L))
    assert values["L"] == (-8.0, 1.0)
    assert {name: values[name][1] for name in "abcdef"} == {
        "a": 6.0,
        "b": -4.0,
        "c": -2.0,
        "d": -2.0,
        "e": -2.0,
        "f": 4.0,
    }


@pytest.mark.parametrize("source", [NEURON, NEURON_EXP], ids=["tanh", "through exp"])
def test_the_tanh_neuron_has_the_lecture_gradients(source: str) -> None:
    values = by_label(explore(source))
    assert values["o"][0] == pytest.approx(0.7071, abs=1e-4)
    assert values["x1"][1] == pytest.approx(-1.5)
    assert values["w1"][1] == pytest.approx(1.0)
    assert values["x2"][1] == pytest.approx(0.5)
    assert values["w2"][1] == pytest.approx(0.0)


def test_micrograd_sanity_check_program() -> None:
    exploration = explore(SANITY_CHECK)
    assert output_data(exploration) == pytest.approx(-20.0)
    x = next(node for node in exploration.nodes if node.name == "x")
    assert x.grad == pytest.approx(46.0)


def test_micrograd_more_ops_program() -> None:
    exploration = explore(MORE_OPS)
    assert output_data(exploration) == pytest.approx(24.7041, abs=1e-4)
    grads = {node.name: node.grad for node in exploration.nodes if node.name in ("a", "b") and not node.op}
    assert grads["a"] == pytest.approx(138.8338, abs=1e-4)
    assert grads["b"] == pytest.approx(645.5773, abs=1e-4)


GRAPHS = [SANITY_CHECK, MORE_OPS] + [e.source for e in EXAMPLES if e.id != "f-of-x"]  # f-of-x makes no Value


@pytest.mark.parametrize("source", GRAPHS, ids=lambda s: s[:24])
def test_every_gradient_matches_pytorch_on_the_same_graph(source: str) -> None:
    exploration = explore(source)
    data, grads = torch_grads(default_output(source))
    assert output_data(exploration) == pytest.approx(data, rel=1e-12)
    for node in exploration.nodes:
        # A stale pass (no zero_grad) starts from the last pass's grads: its own part is what PyTorch computes.
        assert node.grad - node.grad_before == pytest.approx(grads[node.id], rel=1e-9, abs=1e-12), node


def test_backward_steps_replay_to_every_grad() -> None:
    exploration = explore(MORE_OPS)
    grads = {node.id: 0.0 for node in exploration.nodes}
    seed, *steps = exploration.backward
    assert seed.node == exploration.output and seed.deposits == []
    grads[seed.node] = 1.0
    for step in steps:
        for deposit in step.deposits:
            assert deposit.upstream == grads[step.node]
            assert deposit.amount == deposit.local * deposit.upstream
            grads[deposit.to] += deposit.amount
    assert grads == {node.id: node.grad for node in exploration.nodes}


def test_backward_has_a_step_per_operation_node_in_reverse_topological_order() -> None:
    exploration = explore(LECTURE_L)
    operations = [node.id for node in exploration.nodes if node.op]
    assert [step.node for step in exploration.backward[1:]] == operations[::-1]
    assert exploration.forward == [node.id for node in exploration.nodes]


def test_a_plus_a_makes_two_deposits_into_a() -> None:
    exploration = explore("a = 3.0\nb = a + a")
    deposits = exploration.backward[1].deposits
    assert [(d.to, d.amount) for d in deposits] == [("n0", 1.0), ("n0", 1.0)]
    assert [(e.source, e.target) for e in exploration.edges] == [("n0", "n1"), ("n0", "n1")]
    assert exploration.nodes[0].grad == 2.0


def test_the_graph_holds_only_what_the_output_depends_on() -> None:
    exploration = explore("a = 1.0\nunused = a * 5\nb = a + 2\nb.backward()")
    assert [node.label for node in exploration.nodes] == ["a", "", "b"]


def test_overrides_replace_leaf_data_by_name_or_id() -> None:
    assert output_data(explore(LECTURE_L, {"a": 3.0})) == -2.0
    assert output_data(explore(LECTURE_L, {"n0": 3.0})) == -2.0


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"zz": 1.0}, "neither a name"),
        ({"e": 1.0}, "not a leaf"),
        ({"n3": 1.0}, "not a leaf"),
        ({"n99": 1.0}, "neither a name"),
        ({"a": float("nan")}, "not a finite number"),
    ],
)
def test_bad_overrides_are_errors(overrides: dict[str, float], message: str) -> None:
    with pytest.raises(ProgramError) as caught:
        explore(LECTURE_L, overrides)
    assert message in caught.value.message


def test_a_name_bound_to_two_leaves_asks_for_the_id() -> None:
    with pytest.raises(ProgramError) as caught:
        explore("a = 1.0\nb = a * 2\na = 3.0\nc = a + b", {"a": 5.0})
    assert caught.value.kind == "name" and "node id" in caught.value.message
    assert output_data(explore("a = 1.0\nb = a * 2\na = 3.0\nc = a + b", {"n3": 5.0})) == 7.0


def test_an_override_that_breaks_the_math_is_reported_where_it_breaks() -> None:
    with pytest.raises(ProgramError) as caught:
        explore("x = 2.0\ny = x.log()", {"x": -1.0})
    assert (caught.value.kind, caught.value.line, caught.value.column) == ("math", 2, 5)
