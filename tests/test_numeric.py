"""Finite differences agree with backprop wherever the program is smooth."""

from __future__ import annotations

import pytest

from engine.errors import ProgramError
from engine.examples import EXAMPLES
from engine.limits import Limits
from engine.steps import explore


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.id for e in EXAMPLES])
def test_numeric_grads_agree_with_backprop_on_every_example(example: object) -> None:
    exploration = explore(example.source, numeric_check=True)  # type: ignore[attr-defined]
    for node in exploration.nodes:
        assert node.numeric_grad is not None
        # A stale pass (no zero_grad) starts from the last pass's grads: the derivative is its own part.
        assert node.numeric_grad == pytest.approx(node.grad - node.grad_before, rel=1e-3, abs=1e-6), node


def test_numeric_grads_are_absent_unless_asked_for() -> None:
    assert all(node.numeric_grad is None for node in explore("a = 2.0\nb = a * a").nodes)


def test_numeric_grad_is_none_where_the_forward_pass_fails_nearby() -> None:
    exploration = explore("a = 1e-7\nb = a.log()", numeric_check=True)
    assert exploration.nodes[0].numeric_grad is None
    assert exploration.nodes[1].numeric_grad == pytest.approx(1.0)


def test_numeric_check_leaves_the_data_unchanged() -> None:
    plain = explore(EXAMPLES[-1].source)
    checked = explore(EXAMPLES[-1].source, numeric_check=True)
    assert [node.data for node in plain.nodes] == [node.data for node in checked.nodes]


def test_numeric_check_has_a_node_limit() -> None:
    with pytest.raises(ProgramError) as caught:
        explore("a = 1.0\nb = a + a\nc = b * b", numeric_check=True, limits=Limits(max_numeric_nodes=2))
    assert caught.value.kind == "limit"
