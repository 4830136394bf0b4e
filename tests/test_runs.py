"""Recent runs are kept, bounded in number and in values, and errors are kept too."""

from __future__ import annotations

import pytest

from engine.errors import ProgramError
from engine.limits import DEFAULT_LIMITS
from engine.run import run_program
from engine.runs import RunCache


def test_the_same_program_and_overrides_give_the_same_run() -> None:
    cache = RunCache(max_runs=4, max_values=1_000)
    first = cache.run("a = 2.0\nb = a * a", {}, DEFAULT_LIMITS)
    assert cache.run("a = 2.0\nb = a * a", {}, DEFAULT_LIMITS) is first
    assert cache.run("a = 2.0\nb = a * a", {"a": 3.0}, DEFAULT_LIMITS) is not first


def held(source: str) -> int:
    """What a run of source holds, as the cache counts it: its values and its events."""
    run = run_program(source)
    return len(run.values) + run.events


def test_the_oldest_runs_go_first_when_runs_or_values_run_over() -> None:
    small = [f"a = {number}.0\nb = a * a" for number in range(3)]
    medium = "x = Value(1.0)\n" + "x = x * 2\n" * 4
    large = "x = Value(1.0)\n" + "x = x * 2\n" * 40
    budget = held(medium) + held(small[0]) - 1  # two small runs, or a medium one alone
    assert 2 * held(small[0]) <= budget < held(large)
    cache = RunCache(max_runs=2, max_values=budget)
    for source in small:
        cache.run(source, {}, DEFAULT_LIMITS)
    assert len(cache.entries) == 2 and cache.values == 2 * held(small[0])
    cache.run(medium, {}, DEFAULT_LIMITS)  # the two before go
    assert len(cache.entries) == 1 and cache.values == held(medium)
    cache.run(large, {}, DEFAULT_LIMITS)  # never kept
    assert cache.values == held(medium)


def test_an_error_is_kept_so_a_long_failing_program_is_not_run_again() -> None:
    cache = RunCache(max_runs=2, max_values=10)
    with pytest.raises(ProgramError) as first:
        cache.run("x = 1 / 0", {}, DEFAULT_LIMITS)
    with pytest.raises(ProgramError) as second:
        cache.run("x = 1 / 0", {}, DEFAULT_LIMITS)
    assert first.value is second.value


def test_a_run_with_overrides_names_its_leaves_with_the_kept_run_without_them(monkeypatch: pytest.MonkeyPatch) -> None:
    import engine.steps

    calls: list[object] = []
    real = engine.steps.run_program
    monkeypatch.setattr(engine.steps, "run_program", lambda *args: calls.append(args) or real(*args))
    cache = RunCache(max_runs=4, max_values=1_000)
    cache.run("a = 2.0\nb = a * a", {}, DEFAULT_LIMITS)
    cache.run("a = 2.0\nb = a * a", {"a": 3.0}, DEFAULT_LIMITS)
    assert len(calls) == 2  # the plain run once, then the run with the override
