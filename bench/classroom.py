"""A simulated class on loopback: students open the page, load an example, run edited programs and nudge.

Run: python -m bench.classroom [--seconds 40] [--think 5] [--live-only]
For 1 and 2 workers and 30, 100 and 200 students: requests per second and p50/p95/p99 latency per
endpoint, and errors. Then, with 2 workers: a burst of 200 simultaneous Runs of distinct programs,
and the latency of rejecting a wrong program. Then a live class (bench/class_live.py): 300 students
follow a teacher's steps and answer a question, on 1 worker and on 2 workers with Redis.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time
from collections import defaultdict

from bench.class_live import run_live
from bench.client import Connection, Session, percentile, running_server
from engine.examples import EXAMPLES

NEURON = next(example.source for example in EXAMPLES if example.id == "neuron")
CLASS_SIZES = [30, 100, 200]
STATIC = ["/", "/static/explorer.js", "/static/timeline.js", "/static/graph.js", "/static/format.js", "/static/app.css"]


def edited_numbers(rng: random.Random) -> str:
    """The neuron with new weights: the same structure, so its layout is cached."""
    return NEURON.replace("Value(-3.0, label='w1')", f"Value({rng.uniform(-3, 3):.3f}, label='w1')")


def edited_structure(student: int, edit: int) -> str:
    """The neuron with a new label on the output: a structure nobody drew before."""
    return NEURON.replace("o.label = 'o'", f"o.label = 'o{student}_{edit}'")


class Record:
    """Latencies and statuses per endpoint."""

    def __init__(self) -> None:
        self.latencies: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)

    async def timed(self, name: str, session: Session, method: str, path: str, body: object | None = None) -> None:
        start = time.perf_counter()
        try:
            status, _ = await session.request(method, path, body)
        except (OSError, asyncio.IncompleteReadError, ValueError):
            status = 0
        self.latencies[name].append(time.perf_counter() - start)
        if status != 200:
            self.errors[name] += 1


async def student(number: int, port: int, seconds: float, think: float, record: Record) -> None:
    rng = random.Random(number)
    stop = time.perf_counter() + seconds
    await asyncio.sleep(rng.uniform(0, think))  # students arrive over the first think time
    session = Session("127.0.0.1", port)
    try:
        for path in STATIC:
            await record.timed("page and static files", session, "GET", path)
        await record.timed("examples", session, "GET", "/api/examples")
        await record.timed("graph, known layout", session, "POST", "/api/graph", {"source": NEURON})
        edits = 0
        while time.perf_counter() < stop:
            await asyncio.sleep(think * rng.uniform(0.5, 1.5))
            roll = rng.random()
            if roll < 0.5:
                body = {"source": edited_numbers(rng)}
                await record.timed("graph, known layout", session, "POST", "/api/graph", body)
            elif roll < 0.7:
                edits += 1
                body = {"source": edited_structure(number, edits)}
                await record.timed("graph, new layout", session, "POST", "/api/graph", body)
            else:
                await record.timed("nudge", session, "POST", "/api/nudge", {"source": NEURON, "step": 0.01})
    finally:
        session.close()


async def simulate(port: int, students: int, seconds: float, think: float) -> tuple[Record, float]:
    record = Record()
    start = time.perf_counter()
    await asyncio.gather(*(student(k, port, seconds, think, record) for k in range(students)))
    return record, time.perf_counter() - start


def print_record(title: str, record: Record, elapsed: float) -> None:
    total = sum(len(values) for values in record.latencies.values())
    errors = sum(record.errors.values())
    print(f"\n{title}: {total} requests in {elapsed:.0f} s, {total / elapsed:.1f} req/s, {errors} errors")
    print(f"  {'endpoint':<24} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}")
    for name, values in record.latencies.items():
        print(
            f"  {name:<24} {len(values):>6} {percentile(values, 0.5) * 1e3:>8.1f} "
            f"{percentile(values, 0.95) * 1e3:>8.1f} {percentile(values, 0.99) * 1e3:>8.1f} {record.errors[name]:>6}"
        )


async def burst(port: int, size: int) -> None:
    """`size` students press Run at the same moment, each on a program of new structure."""
    connections = [await Connection.open("127.0.0.1", port) for _ in range(size)]

    async def run(k: int) -> tuple[int, float, bool]:
        start = time.perf_counter()
        status, _ = await connections[k].request("POST", "/api/graph", {"source": edited_structure(10_000 + k, 0)})
        return status, time.perf_counter() - start, False

    results = await asyncio.gather(*(run(k) for k in range(size)))
    for connection in connections:
        connection.close()
    statuses: dict[int, int] = defaultdict(int)
    for status, _, _ in results:
        statuses[status] += 1
    latencies = [seconds for _, seconds, _ in results]
    print(f"\nBurst: {size} simultaneous Runs of distinct programs (new layouts), 2 workers")
    print(f"  statuses {dict(statuses)}; slowest answer {max(latencies):.2f} s; p50 {percentile(latencies, 0.5):.2f} s")


async def rejection(port: int, count: int) -> None:
    connection = await Connection.open("127.0.0.1", port)
    latencies = []
    for k in range(count):
        start = time.perf_counter()
        status, _ = await connection.request("POST", "/api/graph", {"source": f"a = 2.0\nb = a * q{k}"})
        latencies.append(time.perf_counter() - start)
        assert status == 400
    connection.close()
    print(f"\nRejecting a wrong program (name error), one client, {count} requests:")
    print(f"  p50 {percentile(latencies, 0.5) * 1e3:.2f} ms, p99 {percentile(latencies, 0.99) * 1e3:.2f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=40.0, help="length of each simulated class")
    parser.add_argument("--think", type=float, default=5.0, help="mean think time between a student's actions")
    parser.add_argument("--live-only", action="store_true", help="only the live class")
    args = parser.parse_args()
    if args.live_only:
        run_live(followers=300, states=30, pause=0.2)
        return
    for workers in (1, 2):
        for size in CLASS_SIZES:
            with running_server(workers) as port:
                record, elapsed = asyncio.run(simulate(port, size, args.seconds, args.think))
            print_record(f"{size} students, {workers} worker(s), think {args.think:g} s", record, elapsed)
    with running_server(2) as port:
        asyncio.run(burst(port, 200))
        asyncio.run(rejection(port, 500))
    run_live(followers=300, states=30, pause=0.2)


if __name__ == "__main__":
    main()
