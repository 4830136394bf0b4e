"""The real server after every hostile program, sent from four threads at once: no server error, no hang.

The engine's table (test_hostile_programs.py) checks each program's error and place; this checks that the
server, with its jail, answers every one of them with a graph or a program's error, and is healthy after.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from queue import Empty, SimpleQueue

import pytest

from bench.client import running_server
from tests.programs import LECTURE_L
from tests.security.forked import CRASH
from tests.security.hostile import DEFAULTS, JAIL, LARGE_RECORDS, RUN_TIME, SAFE, STATIC, sources

pytestmark = pytest.mark.server

THREADS = 4
REQUEST_TIMEOUT = 20.0  # seconds: a run's deadline and grace, with room for the queue of four at once
ANSWERS = (200, 400, 422)  # a graph, a program's error, a body the schema refuses (a lone surrogate); 0: dropped
# The engine's table checks the default limits; smaller ones here keep the barrage short, since what this
# checks is that no program makes a server error or holds a worker.
BUDGET = {
    "max_seconds": "1.0",
    "max_cpu_seconds": "1.0",
    "max_memory_bytes": str(128 * 2**20),
    "max_nodes": "10000",
    "max_events": "100000",
}
# Programs the engine's table marks as holes: the explorer's own failure is their known outcome for now.
KNOWN_FAILURES = {
    str(row.values[0]) for rows in (STATIC, RUN_TIME, JAIL, DEFAULTS, SAFE, LARGE_RECORDS) for row in rows if row.marks
}


def request(port: int, method: str, path: str, body: object = None, timeout: float = 10) -> tuple[int, bytes]:
    """(status, body) of one request on a new connection; status 0 when it is dropped or refused."""
    data = None if body is None else json.dumps(body).encode()
    headers = {"content-type": "application/json"}
    try:
        with urllib.request.urlopen(
            urllib.request.Request(f"http://127.0.0.1:{port}{path}", data, headers, method=method), timeout=timeout
        ) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except ConnectionError:
        return 0, b""
    except urllib.error.URLError as error:
        if isinstance(error.reason, ConnectionError):
            return 0, b""
        raise


@dataclass
class Barrage:
    """What the server answered to each program, and what went wrong on the way."""

    port: int
    statuses: dict[str, int] = field(default_factory=dict)
    bodies: dict[str, bytes] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)


def send_from_threads(port: int, programs: list[str]) -> Barrage:
    """POST each program to /api/graph from THREADS threads; the first request left unanswered stops them."""
    barrage = Barrage(port)
    queue: SimpleQueue[str] = SimpleQueue()
    for program in programs:
        queue.put(program)
    stop = threading.Event()

    def send() -> None:
        while not stop.is_set():
            try:
                program = queue.get_nowait()
            except Empty:
                return
            try:
                status, body = request(port, "POST", "/api/graph", {"source": program}, REQUEST_TIMEOUT)
            except OSError as error:  # a timeout: every later request would wait as long for the held worker
                barrage.failures.append(f"no answer ({error}) to {program[:80]!r}")
                stop.set()
                return
            barrage.statuses[program] = status
            barrage.bodies[program] = body

    threads = [threading.Thread(target=send) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return barrage


@pytest.fixture(scope="module")
def barrage() -> Iterator[Barrage]:
    """A server with two workers that has been sent every hostile program."""
    with running_server(2, **BUDGET) as port:
        yield send_from_threads(port, list(dict.fromkeys(sources())))


def test_no_hostile_program_makes_a_server_error_or_holds_a_worker(barrage: Barrage) -> None:
    wrong = [f"{status} for {program[:80]!r}" for program, status in barrage.statuses.items() if status not in ANSWERS]
    problems = barrage.failures + wrong
    assert not problems, "\n".join(problems)
    assert len(barrage.statuses) == len(set(sources()))


def test_no_hostile_program_makes_the_explorer_fail_on_its_own(barrage: Barrage) -> None:
    failed = [program for program, body in barrage.bodies.items() if CRASH.encode() in body]
    assert [program[:80] for program in failed if program not in KNOWN_FAILURES] == []


def test_after_the_barrage_the_lecture_program_and_health_answer_at_once(barrage: Barrage) -> None:
    start = time.perf_counter()
    status, body = request(barrage.port, "POST", "/api/graph", {"source": LECTURE_L})
    assert status == 200 and json.loads(body)["output"] == "n6"
    assert time.perf_counter() - start < 2.0
    status, body = request(barrage.port, "GET", "/healthz")
    assert status == 200 and json.loads(body)["status"] == "ok"
