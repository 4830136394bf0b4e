"""The lecture's notebooks (the explorer's renditions, as presets) against CPython running the same cells with
real numpy, matplotlib and torch: the same printed lines, the same Out[n] per cell, and a view per draw_dot
with the data and grad CPython's objects had at that call."""

from __future__ import annotations

import re

import pytest

from engine.lecture_notebooks import FIRST_HALF, SECOND_HALF
from engine.run import run_program
from tests.cpython_oracle import CPythonRun, run_many_in_cpython

pytest.importorskip("numpy")
pytest.importorskip("matplotlib")
pytest.importorskip("torch")

NOTEBOOKS = {"first half": FIRST_HALF, "second half": SECOND_HALF}
ADDRESS = re.compile(r" at 0x[0-9a-f]+")  # an object's address differs from process to process


@pytest.fixture(scope="module")
def cpython() -> dict[str, CPythonRun]:
    return dict(zip(NOTEBOOKS, run_many_in_cpython(list(NOTEBOOKS.values())), strict=True))


def address_free(text: str | None) -> str | None:
    return None if text is None else ADDRESS.sub("", text)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_every_printed_line_and_out_equals_cpythons(name: str, cpython: dict[str, CPythonRun]) -> None:
    theirs = cpython[name]
    assert theirs.error is None, theirs.error
    run = run_program(NOTEBOOKS[name])
    assert [p.text for p in run.prints] == [p.text for p in theirs.prints]
    assert [address_free(cell.out) for cell in run.cells] == [address_free(out) for out in theirs.outs]


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_each_draw_dot_is_a_view_with_cpythons_data_and_grads_at_that_call(
    name: str, cpython: dict[str, CPythonRun]
) -> None:
    run, theirs = run_program(NOTEBOOKS[name]), cpython[name]
    assert [view.line for view in run.views] == [view.line for view in theirs.views]
    for mine, other in zip(run.views, theirs.views, strict=True):
        assert sorted(zip(mine.data, mine.grad, strict=True)) == sorted(zip(other.data, other.grad, strict=True))


def test_the_first_half_has_a_picture_after_each_stage_of_the_manual_backpropagation() -> None:
    run = run_program(FIRST_HALF)
    grads = [sorted(g for g in view.grad if g) for view in run.views]
    assert grads[:3] == [[], [-2.0, 1.0, 4.0], [-4.0, -2.0, -2.0, -2.0, 1.0, 4.0, 6.0]]
    assert len(run.plots) == 2 and [s["points"] for p in run.plots for s in p["series"]] == [40, 50]


def test_the_second_half_trains_and_checks_its_neuron_in_pytorch() -> None:
    run = run_program(SECOND_HALF)
    printed = [p.text for p in run.prints]
    assert printed[:6] == ["0.7071066904050358", "---", "x2 0.5000001283844369", "w2 0.0", "x1 -1.5000003851533106",
                           "w1 1.0000002567688737"]  # fmt: skip
    assert len(run.passes) == 22  # the neuron, its PyTorch twin, 20 training steps
