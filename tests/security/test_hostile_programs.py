"""Hostile programs get their error at the right place from the wall that should stop them, in time; nothing leaks.

STATIC rows are refused in this process before any child is started. Every other row runs through the
real jail, two at a time (tests/security/forked.py): each run's wall time stays within its deadline and
the jail's grace, and this process, which plays the server, keeps its memory while the programs fill theirs.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from typing import Any, cast

import pytest

from bench.client import ROOT
from engine import run as engine_run
from engine.errors import KINDS, ProgramError
from engine.limits import DEFAULT_LIMITS, Limits
from engine.run import PRECHECK_CHARS, prepare_source, run_program
from tests.security.forked import MemoryWatch, Outcome, run_all, watching_memory
from tests.security.hostile import (
    ANYWHERE,
    DEFAULTS,
    JAIL,
    LARGE_RECORDS,
    MEMORY,
    QUICK,
    RUN_TIME,
    SAFE,
    SMALL,
    STANDARD,
    STATIC,
    TIME,
)

MAX_OVERRUN_SECONDS = 1.5  # past a run's deadline: the jail's grace of 0.5 s, then reading and replaying the record
MAX_GROWTH_MIB = 100  # of this process's resident memory while the whole table runs
MAX_RECORD_MIB = 100  # the server may add to read and replay one run whose record is as large as the limits allow
MAX_CHECK_MIB = 32  # the server may add to check the longest program (200,000 characters)
MAX_RESULT_CHARS = 100_000  # an Out[] text may be cut short, but no longer than this
LIMIT_WORDS = {TIME: ("longer than", "processor time"), MEMORY: ("memory",)}
MEMORY_BOMBS = [str(row.values[0]) for row in JAIL if row.values[-1] == MEMORY]  # run whatever the selection


def with_limits(rows: list[Any], limits: Limits | None = None) -> list[Any]:
    """The rows with the limits each runs under as a last column; a JAIL row's come from its ending."""
    return [
        pytest.param(*row.values, limits or (QUICK if row.values[-1] == TIME else SMALL), marks=row.marks, id=row.id)
        for row in rows
    ]


@dataclass
class Table:
    """The outcome of every run the selected tests ask about, and this process's memory while they ran."""

    outcomes: dict[tuple[str, Limits], Outcome]
    memory: MemoryWatch

    def __getitem__(self, run: tuple[str, Limits]) -> Outcome:
        return self.outcomes[run]


@pytest.fixture(scope="module")
def table(request: pytest.FixtureRequest) -> Table:
    """Every selected row's run, with the memory bombs always among them, two at a time through the jail."""
    runs = [
        (str(item.callspec.params["source"]), cast(Limits, item.callspec.params["limits"]))
        for item in request.session.items
        if isinstance(item, pytest.Function) and "table" in item.fixturenames and hasattr(item, "callspec")
    ]
    runs += [(source, SMALL) for source in MEMORY_BOMBS]
    with watching_memory() as memory:
        outcomes = run_all(runs)
    return Table(outcomes, memory)


def assert_contained(outcome: Outcome, limits: Limits) -> None:
    """No crash, numbers the API can send, and an answer within the run's deadline and the jail's grace."""
    assert outcome.crash is None, outcome.describe()
    assert outcome.not_finite == [], "numbers the API cannot send as finite floats"
    assert outcome.seconds < limits.max_seconds + MAX_OVERRUN_SECONDS, outcome.describe()


def assert_placed(outcome: Outcome, kind: str, line: int | None, column: int | None) -> None:
    """The error's kind and line, and its column unless the row leaves it to the engine."""
    assert (outcome.kind, outcome.line) == (kind, line), outcome.describe()
    if column != ANYWHERE:
        assert outcome.column == column, outcome.describe()
    assert outcome.message


@pytest.fixture
def no_jail(monkeypatch: pytest.MonkeyPatch) -> None:
    """run_program without a jail: a program that reached one would fail the test."""

    def refuse() -> None:
        raise AssertionError("the program reached the jail")

    monkeypatch.setattr(engine_run, "jail", refuse)


SHORT = [row for row in STATIC if len(str(row.values[0])) <= PRECHECK_CHARS]  # checked before any process starts
LONG = [row for row in STATIC if len(str(row.values[0])) > PRECHECK_CHARS]  # checked in the jail alone


@pytest.mark.usefixtures("no_jail")
@pytest.mark.parametrize(("source", "kind", "line", "column"), SHORT)
def test_the_static_wall_refuses_a_program_before_any_process_starts(
    source: str, kind: str, line: int | None, column: int | None
) -> None:
    with pytest.raises(ProgramError) as checked:
        prepare_source(source, DEFAULT_LIMITS)
    with pytest.raises(ProgramError) as ran:
        run_program(source)
    assert (checked.value.kind, checked.value.line, checked.value.column) == (kind, line, column), str(checked.value)
    assert (ran.value.kind, ran.value.line, ran.value.column, ran.value.message) == (
        kind,
        line,
        column,
        checked.value.message,
    )


@pytest.mark.parametrize(("source", "kind", "line", "column"), LONG)
def test_the_static_wall_refuses_a_long_program_in_the_jail(
    source: str, kind: str, line: int | None, column: int | None
) -> None:
    with pytest.raises(ProgramError) as ran:
        run_program(source)
    assert (ran.value.kind, ran.value.line, ran.value.column) == (kind, line, column), str(ran.value)


@pytest.mark.parametrize(("source", "kind", "line", "column", "limits"), with_limits(RUN_TIME, SMALL))
def test_a_program_past_the_static_wall_is_stopped_in_the_jail_at_its_place(
    table: Table, source: str, kind: str, line: int | None, column: int | None, limits: Limits
) -> None:
    prepare_source(source, limits)
    outcome = table[source, limits]
    assert_contained(outcome, limits)
    assert_placed(outcome, kind, line, column)


@pytest.mark.parametrize(("source", "line", "column", "ending", "limits"), with_limits(JAIL))
def test_the_jails_limits_stop_a_program_at_the_line_running(
    table: Table, source: str, line: int | None, column: int | None, ending: str, limits: Limits
) -> None:
    prepare_source(source, limits)
    outcome = table[source, limits]
    assert_contained(outcome, limits)
    assert_placed(outcome, "limit", line, column)
    assert any(word in outcome.message for word in LIMIT_WORDS[ending]), outcome.describe()


@pytest.mark.parametrize(("source", "kind", "line", "column", "limits"), with_limits(DEFAULTS, STANDARD))
def test_the_default_limits_stop_each_kind_of_bomb_at_its_line(
    table: Table, source: str, kind: str, line: int | None, column: int | None, limits: Limits
) -> None:
    outcome = table[source, limits]
    assert_contained(outcome, limits)
    assert_placed(outcome, kind, line, column)


@pytest.mark.parametrize(("source", "prints", "limits"), with_limits(SAFE, DEFAULT_LIMITS))
def test_a_program_cpython_runs_is_answered_with_what_cpython_prints(
    table: Table, source: str, prints: list[str] | None, limits: Limits
) -> None:
    outcome = table[source, limits]
    assert_contained(outcome, limits)
    assert not outcome.refused, outcome.describe()
    assert len(outcome.result or "") <= MAX_RESULT_CHARS
    if prints is not None:
        assert outcome.prints == prints


def test_this_process_keeps_its_memory_while_the_programs_fill_theirs(table: Table) -> None:
    bombs = [table[source, SMALL] for source in MEMORY_BOMBS]
    assert [outcome.describe() for outcome in bombs if "memory" not in outcome.message] == []
    assert table.memory.grown_mib < MAX_GROWTH_MIB, f"{table.memory.grown_mib:.0f} MiB more while the table ran"


SERVER = """
import json, sys
from engine.limits import DEFAULT_LIMITS
from engine.run import prepare_source
from tests.security.forked import Outcome, run_one

def peak_kib():  # VmHWM: this process's peak resident memory (ru_maxrss would count the forking parent's)
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))

source = sys.stdin.read()
before = peak_kib()
if sys.argv[1] == "check":
    prepare_source(source, DEFAULT_LIMITS)
    outcome = Outcome()
else:
    outcome = run_one(source, DEFAULT_LIMITS)
print(json.dumps({"grown_mib": (peak_kib() - before) / 1024, "seconds": outcome.seconds,
                  "describe": outcome.describe(), "answered": outcome.kind is None and outcome.crash is None}))
"""
LONGEST_LIST = "x = [" + "1," * 99_990 + "]"  # 200,000 characters: as long as a program may be


def in_a_fresh_server(source: str, what: str) -> dict[str, Any]:
    """Check or run a program in a fresh process in the server's place, so that no memory another test freed and
    this process kept hides what it costs; its report."""
    server = subprocess.run(
        [sys.executable, "-c", SERVER, what], input=source, capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    assert server.returncode == 0, server.stderr[-2000:]
    report: dict[str, Any] = json.loads(server.stdout)
    return report


@pytest.mark.parametrize("source", LARGE_RECORDS)
def test_a_run_with_a_record_as_large_as_allowed_costs_the_server_little_memory(source: str) -> None:
    report = in_a_fresh_server(source, "run")
    assert report["answered"], report["describe"]
    assert report["grown_mib"] < MAX_RECORD_MIB, f"{report['grown_mib']:.0f} MiB more to read the run"
    assert report["seconds"] < DEFAULT_LIMITS.max_seconds + MAX_OVERRUN_SECONDS, report["describe"]


def test_the_static_check_of_the_longest_program_costs_the_server_little_memory() -> None:
    report = in_a_fresh_server(LONGEST_LIST, "check")
    assert report["grown_mib"] < MAX_CHECK_MIB, f"{report['grown_mib']:.0f} MiB more to check the program"


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


def test_the_tables_have_rows_of_every_kind_of_error() -> None:
    kinds = {row.values[1] for row in (*STATIC, *RUN_TIME, *DEFAULTS)}
    assert kinds == set(KINDS)
