"""Programs that run to their limits, against the real server: other students are not slowed, the server's memory stays.

Every program runs in a jailed child of the jail's parent, so the server's own processes (the ones
resident_kib counts) never hold a program's memory; bench/isolation.py prints the figures.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bench.client import call_json, percentile, run_async, running_server
from bench.isolation import ENDLESS, FILLING, FOUR_GIB, scenario
from bench.soak import resident_kib

pytestmark = pytest.mark.server

MAX_P95_SECONDS = 0.1  # the student's p95 beside four endless loops: about 25 ms measured, 50 ms the aim
MAX_GROWTH_MIB = 64  # the server's resident memory while programs fill 512 MiB each, or ask for 4 GiB
MAX_RECORD_MIB = 128  # the server's resident memory after it replayed one run as large as the limits allow
EVENTS = "x = Value(1.0)\nfor i in range(140_000):\n    x.grad = 0.5\n# {}\n"  # a run within every limit


@pytest.fixture(scope="module")
def server() -> Iterator[int]:
    """A server with two workers and the default limits; yields its port."""
    with running_server(2) as port:
        yield port


def test_programs_at_the_time_limit_do_not_slow_other_students() -> None:
    with running_server(2, max_seconds="2") as port:
        measured = run_async(scenario(port, 6.0, ENDLESS))
    assert measured.statuses and set(measured.statuses) == {400}
    assert {error.split(":")[0] for error in measured.errors} == {"limit"}  # each ended by the wall-time limit
    assert percentile(measured.latencies, 0.95) < MAX_P95_SECONDS, sorted(measured.latencies)[-5:]


@pytest.mark.parametrize("program", [FILLING, FOUR_GIB], ids=["memory filled a MiB at a time", "4 GiB at once"])
def test_a_program_ends_at_the_jails_memory_limit_and_the_servers_memory_stays(server: int, program: str) -> None:
    status, body = call_json(server, "/api/graph", {"source": program})
    assert (status, body["error"]["kind"]) == (400, "limit") and "MemoryError" in body["error"]["message"]
    measured = run_async(scenario(server, 3.0, program))
    assert measured.statuses and set(measured.statuses) == {400}
    grown = (measured.peak_kib - measured.start_kib) / 1024
    assert grown < MAX_GROWTH_MIB, f"{grown:.0f} MiB more while {len(measured.statuses)} programs filled theirs"


def test_runs_with_many_events_do_not_pile_up_in_the_servers_memory() -> None:
    # A worker's first runs leave their peak with the worker's allocators (about 200 bytes an event is kept
    # while the run is cached, more while it is replayed and answered); the runs after them must reuse that
    # memory, not add to it: the run cache counts events as well as values. Measured with one worker, so that
    # every run is that worker's: 53 MiB after the first run of this size, 68 after three, 81 after nine, and
    # a plateau at about 100 MiB from the thirtieth run on.
    with running_server(1) as port:

        def run(number: int) -> None:
            status, _ = call_json(port, "/api/graph", {"source": EVENTS.format(number)}, timeout=60)
            assert status == 200

        start = resident_kib(port)
        for number in range(3):
            run(number)
        after_three = resident_kib(port)
        for number in range(3, 9):
            run(number)
        first = (after_three - start) / 1024
        more = (resident_kib(port) - after_three) / 1024
    assert first < MAX_RECORD_MIB, f"{first:.0f} MiB more after three runs"
    assert more < MAX_GROWTH_MIB / 2, f"{more:.0f} MiB more after six more runs"
