"""Programs that run to their limits, against the real server: other students are not slowed, memory stays bounded."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from bench.client import percentile, running_server
from bench.isolation import ENDLESS, MEMORY, scenario
from bench.soak import resident_kib

pytestmark = pytest.mark.server


def in_thread(coroutine: object) -> tuple[list[float], list[int], int]:
    """asyncio.run in a thread of its own: the browser tests' driver keeps a loop in the main thread."""
    with ThreadPoolExecutor(1) as executor:
        result: tuple[list[float], list[int], int] = executor.submit(asyncio.run, coroutine).result()  # type: ignore[arg-type]
        return result


def test_programs_at_the_time_limit_do_not_slow_other_students() -> None:
    with running_server(2, max_seconds="2") as port:
        latencies, statuses, _ = in_thread(scenario(port, 8.0, ENDLESS))
    assert statuses and set(statuses) == {400}  # each ended by the wall-time limit
    assert percentile(latencies, 0.95) < 0.1, sorted(latencies)[-5:]


def test_programs_at_the_memory_limits_raise_the_servers_memory_by_a_few_hundred_mib_at_most() -> None:
    with running_server(2) as port:
        start = resident_kib(port)
        _, statuses, peak = in_thread(scenario(port, 6.0, MEMORY))
        assert statuses and set(statuses) <= {200, 400}
        assert (peak - start) / 1024 < 400, (start, peak)
