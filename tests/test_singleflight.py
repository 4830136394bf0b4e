"""SingleFlight: a program or a picture many ask for at once is computed once."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from engine import runs
from engine.limits import Limits
from engine.runs import RunCache
from engine.singleflight import SingleFlight


def test_many_threads_asking_for_one_key_compute_it_once() -> None:
    flights: SingleFlight[int] = SingleFlight()
    calls = []

    def compute() -> int:
        calls.append(1)
        time.sleep(0.2)
        return 42

    with ThreadPoolExecutor(30) as pool:
        results = list(pool.map(lambda _: flights.do("program", compute), range(30)))
    assert results == [42] * 30 and len(calls) == 1
    assert flights.flights == {}  # nothing left in flight


def test_an_error_reaches_every_waiter_and_the_next_call_computes_again() -> None:
    flights: SingleFlight[int] = SingleFlight()
    started = threading.Event()

    def failing() -> int:
        started.set()
        time.sleep(0.2)
        raise RuntimeError("dot died")

    def ask() -> str:
        try:
            flights.do("k", failing)
        except RuntimeError as error:
            return str(error)
        return "no error"

    with ThreadPoolExecutor(8) as pool:
        assert list(pool.map(lambda _: ask(), range(8))) == ["dot died"] * 8
    assert flights.do("k", lambda: 7) == 7


def test_different_keys_compute_side_by_side() -> None:
    flights: SingleFlight[str] = SingleFlight()

    def slow(key: str) -> str:
        time.sleep(0.3)
        return key

    start = time.monotonic()
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda key: flights.do(key, lambda: slow(key)), ["a", "b", "c", "d"]))
    assert results == ["a", "b", "c", "d"] and time.monotonic() - start < 0.9


def test_a_program_a_whole_class_asks_for_at_once_runs_once(monkeypatch: pytest.MonkeyPatch) -> None:
    real = runs.run_with_overrides
    calls = []

    def counted(*args: object) -> object:
        calls.append(1)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(runs, "run_with_overrides", counted)
    cache = RunCache(8, 100_000)
    source = "a = Value(2.0, label='a')\nb = a * a + a\nb.backward()"
    with ThreadPoolExecutor(12) as pool:
        results = list(pool.map(lambda _: cache.run(source, {}, Limits()), range(12)))
    assert len(calls) == 1
    assert all(result is results[0] for result in results)
