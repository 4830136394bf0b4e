"""Hostile programs get their error at the right place within 2 s and a few hundred MiB; nothing escapes."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.errors import KINDS, ProgramError
from engine.language import run_program
from engine.limits import DEFAULT_LIMITS
from tests.security.forked import Outcome, run_in_children
from tests.security.hostile import ANYWHERE, REFUSED, REFUSED_OR_SAFE, SAFE

MAX_SECONDS = 2.0  # time of one run, explored when it succeeds
MAX_GROWTH_MIB = 300  # memory one run may add to the process
MAX_RESULT_CHARS = 100_000  # an Out[] text may be cut short, but no longer than this


@pytest.fixture(scope="module")
def outcomes(request: pytest.FixtureRequest) -> dict[str, Outcome]:
    """The outcome of every program the selected tests of this module ask about, two children at a time."""
    sources = [
        item.callspec.params["source"]
        for item in request.session.items
        if isinstance(item, pytest.Function) and "outcomes" in item.fixturenames and hasattr(item, "callspec")
    ]
    return run_in_children(sources)


def assert_contained(outcome: Outcome) -> None:
    """No crash, no hang, and the time and memory of the limits.

    On an idle machine the run would end at its processor time or at the wall-clock limit,
    whichever comes first (forked.py explains why the child measures processor time).
    """
    assert not outcome.hung and outcome.crash is None, outcome.describe()
    assert outcome.not_finite == [], "numbers the API cannot send as finite floats"
    took = min(outcome.seconds, DEFAULT_LIMITS.max_seconds)
    assert took < MAX_SECONDS, f"{took:.2f} s: {outcome.describe()}"
    assert outcome.grew_mib < MAX_GROWTH_MIB, f"{outcome.grew_mib:.0f} MiB: {outcome.describe()}"


@pytest.mark.parametrize(("source", "kind", "line", "column"), REFUSED)
def test_hostile_program_is_refused_with_its_kind_and_place(
    outcomes: dict[str, Outcome], source: str, kind: str, line: int | None, column: int | None
) -> None:
    outcome = outcomes[source]
    assert_contained(outcome)
    assert (outcome.kind, outcome.line) == (kind, line), outcome.describe()
    if column != ANYWHERE:
        assert outcome.column == column, outcome.describe()
    assert outcome.message


@pytest.mark.parametrize(("source", "prints"), SAFE)
def test_program_cpython_runs_is_answered_safely(
    outcomes: dict[str, Outcome], source: str, prints: list[str] | None
) -> None:
    outcome = outcomes[source]
    assert_contained(outcome)
    assert not outcome.refused, outcome.describe()
    if prints is not None:
        assert outcome.prints == prints


@pytest.mark.parametrize(("source", "kind", "line"), REFUSED_OR_SAFE)
def test_program_is_answered_safely_or_refused_at_its_line(
    outcomes: dict[str, Outcome], source: str, kind: str, line: int
) -> None:
    outcome = outcomes[source]
    assert_contained(outcome)
    if outcome.refused:
        assert (outcome.kind, outcome.line) == (kind, line), outcome.describe()
    else:
        assert len(outcome.result or "") <= MAX_RESULT_CHARS


CALL_CHAINS = [
    pytest.param("def f(x):\n    return x + missing\n\nf(1)", ["called from line 4"], id="a function"),
    pytest.param(
        "class A:\n    def bad(self):\n        return 1 / 0\n\n\n\nA().bad()", ["called from line 7"], id="a method"
    ),
    pytest.param(
        "def f(x):\n    return g(x)\n\n\ndef g(x):\n    return x[0]\n\n\nf(1)",
        ["called from line 2", "called from line 9"],
        id="two calls deep",
    ),
    pytest.param(
        "class A:\n    def __repr__(self):\n        return 1 / 0\n\nprint(A())", ["called from line 5"], id="__repr__"
    ),
    pytest.param("assert False, 'the loss went up'", ["the loss went up"], id="an assertion's own message"),
]


@pytest.mark.parametrize(("program", "fragments"), CALL_CHAINS)
def test_error_message_names_the_calls_that_led_there(program: str, fragments: list[str]) -> None:
    with pytest.raises(ProgramError) as caught:
        run_program(program)
    for fragment in fragments:
        assert fragment in caught.value.message


def test_an_endless_recursion_names_its_calls_in_a_message_of_reasonable_length() -> None:
    with pytest.raises(ProgramError) as caught:
        run_program("def f():\n    return f()\n\nf()")
    assert caught.value.kind == "limit" and "called from line 2" in caught.value.message
    assert len(caught.value.message) < 1_000


def test_the_table_has_rows_of_every_kind_of_error() -> None:
    kinds = {row.values[1] for row in REFUSED}
    assert kinds == set(KINDS)


ESCAPES = [
    "open('{marker}', 'w')",
    "__import__('os').mkdir('{marker}')",
    "exec(\"open('{marker}', 'w')\")",
    "eval(\"__import__('os').mkdir('{marker}')\")",
    "compile(\"open('{marker}', 'w')\", 'x', 'exec')",
    "import os\nos.mkdir('{marker}')",
    "from os import mkdir\nmkdir('{marker}')",
    "import subprocess\nsubprocess.run(['touch', '{marker}'])",
    "import pathlib\npathlib.Path('{marker}').touch()",
    "!touch {marker}\na = Value(1.0)",
    "%system touch {marker}\na = Value(1.0)",
    "'{{0.__init__.__globals__}}'.format(open('{marker}', 'w'))",
    "import math\nmath.__loader__.load_module('os').mkdir('{marker}')",
    "class A:\n    def __del__(self):\n        open('{marker}', 'w')\n\nA()",
    "def f():\n    pass\n\nf.__globals__['__builtins__']['open']('{marker}', 'w')",
    "x = (1).__class__.__base__.__subclasses__()",
    "getattr(__builtins__, 'open')('{marker}', 'w')",
    "import micrograd.engine as e\ne.__builtins__['open']('{marker}', 'w')",
]


@pytest.mark.parametrize("template", ESCAPES, ids=[template.split("\n")[0][:40] for template in ESCAPES])
def test_no_program_can_reach_the_server_s_files(tmp_path: Path, template: str) -> None:
    marker = tmp_path / "should-not-exist"
    try:
        run_program(template.format(marker=marker))
    except ProgramError as error:
        assert not error.message.startswith("the explorer could not run this program"), error.message
    assert not marker.exists()
