"""One step of optimisation moves leaves along their grads and reports the new state."""

from __future__ import annotations

import pytest

from engine.errors import ProgramError
from engine.nudge import nudge
from engine.steps import explore
from tests.programs import LECTURE_L
from tests.test_steps import output_data


def test_nudging_the_lecture_graph_moves_L_as_in_the_lecture() -> None:
    result = nudge(LECTURE_L, 0.01)
    assert result.before == -8.0
    assert round(result.after, 4) == -7.2865
    assert result.predicted == pytest.approx(-8.0 + 0.01 * (36 + 16 + 4 + 16))
    assert result.overrides == pytest.approx({"a": 2.06, "b": -3.04, "c": 9.98, "f": -1.96})


def test_sending_the_overrides_back_reproduces_the_new_state() -> None:
    result = nudge(LECTURE_L, 0.01)
    assert output_data(explore(LECTURE_L, result.overrides)) == result.after == output_data(result.graph)


def test_a_negative_step_descends() -> None:
    result = nudge(LECTURE_L, -0.01)
    assert result.after < result.before


def test_only_the_named_leaves_move() -> None:
    result = nudge(LECTURE_L, 0.01, names=["a"])
    assert result.overrides == {"a": pytest.approx(2.06)}


def test_nudged_values_replace_earlier_overrides_of_the_same_leaf() -> None:
    result = nudge(LECTURE_L, 0.01, overrides={"n0": 3.0, "f": -1.0}, names=["a"])
    assert set(result.overrides) == {"f", "a"}
    assert result.overrides["a"] == pytest.approx(3.0 + 0.01 * (-3.0 * -1.0))


def test_an_ambiguous_leaf_is_keyed_by_its_id() -> None:
    result = nudge("a = 1.0\nb = a * 2\na = 3.0\nc = a + b", 0.1)
    assert set(result.overrides) == {"n0", "n3"}


def test_a_non_finite_step_is_an_error() -> None:
    with pytest.raises(ProgramError):
        nudge(LECTURE_L, float("inf"))
