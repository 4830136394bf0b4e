"""The lecture's own notebooks as files (karpathy/nn-zero-to-hero's two micrograd halves and micrograd's
trace_graph, outputs stripped; MIT licences beside them in tests/notebooks/), opened and run whole, against
CPython running the same cells with real numpy, matplotlib and torch."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from engine.limits import DEFAULT_LIMITS
from engine.notebook import read_notebook
from engine.run import run_program
from tests.cpython_oracle import run_many_in_cpython

pytest.importorskip("numpy")
pytest.importorskip("matplotlib")
pytest.importorskip("torch")

FILES = Path(__file__).resolve().parent / "notebooks"
NOTEBOOKS = {
    "first half": ("micrograd_lecture_first_half_roughly.ipynb", 34, 4),  # file, code cells, draw_dot views shown
    "second half": ("micrograd_lecture_second_half_roughly.ipynb", 20, 2),
    "trace_graph": ("trace_graph.ipynb", 6, 2),
}
ADDRESS = re.compile(r" at 0x[0-9a-f]+")  # an object's address differs from process to process
NUMBER = re.compile(r"-?\d+\.\d+(?:e[-+]?\d+)?")
ORDER = 1e-10  # sums over a `set()` of operands run in the order of addresses, in CPython as in the explorer


def sources() -> dict[str, str]:
    return {
        name: read_notebook((FILES / file).read_bytes(), DEFAULT_LIMITS).source
        for name, (file, _, _) in NOTEBOOKS.items()
    }


def same_line(mine: str, theirs: str, reordered: bool = False) -> bool:
    """Equal, but for numbers that differ by the order of a set's sum; `reordered`: also in another order (a list
    of values in a topological order built over `set()`s, which follows addresses in CPython too)."""
    if NUMBER.sub("#", mine) != NUMBER.sub("#", theirs):
        return False
    numbers = [NUMBER.findall(mine), NUMBER.findall(theirs)]
    if reordered:
        numbers = [sorted(found, key=float) for found in numbers]
    pairs = zip(*numbers, strict=True)
    return all(math.isclose(float(a), float(b), rel_tol=ORDER, abs_tol=ORDER) for a, b in pairs)


@pytest.fixture(scope="module")
def programs() -> dict[str, str]:
    return sources()


def test_each_notebook_opens_as_its_code_cells(programs: dict[str, str]) -> None:
    for name, (_, cells, _) in NOTEBOOKS.items():
        assert programs[name].count("# %%") == cells, name


def test_each_notebook_runs_whole_and_prints_what_cpython_prints(programs: dict[str, str]) -> None:
    theirs = dict(zip(programs, run_many_in_cpython(list(programs.values())), strict=True))
    for name, source in programs.items():
        assert theirs[name].error is None, (name, theirs[name].error)
        run = run_program(source)
        mine = [p.text for p in run.prints]
        printed = [p.text for p in theirs[name].prints]
        assert len(mine) == len(printed), name
        assert all(same_line(a, b) for a, b in zip(mine, printed, strict=True)), (name, mine, printed)
        outs = [None if cell.out is None else ADDRESS.sub("", cell.out) for cell in run.cells]
        expected = [None if out is None else ADDRESS.sub("", out) for out in theirs[name].outs]
        assert len(outs) == len(expected) and all(
            (a is None) == (b is None) and (a is None or same_line(a, b or "", reordered=True))
            for a, b in zip(outs, expected, strict=True)
        ), (name, outs, expected)
        assert len(run.views) == NOTEBOOKS[name][2], name
