"""Whether programs that run to their limits slow other students down, and how much memory they take.

Run: python -m bench.isolation [--seconds 15]
Two workers. A student runs the lecture's L graph with new numbers every 100 ms, first alone,
then while 4 clients keep a program in flight that runs to the wall-time limit, then while 4
clients keep a program in flight that fills the item and value limits. Prints the student's
latencies and the server's resident memory.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import time

from bench.client import Session, percentile, running_server
from bench.soak import resident_kib

STUDENT = "a = {a}; b = -3.0; c = 10.0; e = a*b; d = e + c; f = -2.0; L = d * f"
ENDLESS = "n = 0\nwhile True:\n    n = n + 1\n"
MEMORY = (
    "xs = [0.5 * i for i in range(900000)]\n"
    "ys = [x + 1.0 for x in xs]\n"
    "v = Value(0.5)\nfor i in range(49000):\n    v = v * 1.0001\n"
)
HOSTILE_CLIENTS = 4


async def keep_busy(port: int, source: str, stop: asyncio.Event, statuses: list[int]) -> None:
    """Send the program again as soon as its answer comes, until stopped; each time new, so that no cache serves it."""
    session = Session("127.0.0.1", port)
    while not stop.is_set():
        status, _ = await session.request("POST", "/api/graph", {"source": f"{source}# {len(statuses)}\n"})
        statuses.append(status)
    session.close()


async def student(port: int, seconds: float) -> list[float]:
    """The lecture's graph with new numbers every 100 ms; each answer's latency."""
    rng = random.Random(0)
    session = Session("127.0.0.1", port)
    latencies = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        started = time.perf_counter()
        status, _ = await session.request("POST", "/api/graph", {"source": STUDENT.format(a=rng.uniform(1, 3))})
        assert status == 200, status
        latencies.append(time.perf_counter() - started)
        await asyncio.sleep(0.1)
    session.close()
    return latencies


async def scenario(port: int, seconds: float, hostile: str | None) -> tuple[list[float], list[int], int]:
    stop = asyncio.Event()
    statuses: list[int] = []
    peak = resident_kib(port)
    busy = [
        asyncio.create_task(keep_busy(port, hostile, stop, statuses)) for _ in range(HOSTILE_CLIENTS if hostile else 0)
    ]
    await asyncio.sleep(0.5 if hostile else 0)
    measured = asyncio.create_task(student(port, seconds))
    while not measured.done():
        peak = max(peak, resident_kib(port))
        await asyncio.sleep(0.2)
    stop.set()
    await asyncio.gather(*busy)
    return measured.result(), statuses, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=15.0)
    args = parser.parse_args()
    with running_server(2) as port:
        start_rss = resident_kib(port)
        print(
            f"2 workers; the student's L graph every 100 ms for {args.seconds:g} s; {HOSTILE_CLIENTS} hostile clients"
        )
        print(f"{'alongside':>26} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8} {'hostile answers':>18} {'peak RSS':>10}")
        for name, hostile in (
            ("nothing", None),
            ("programs at the time limit", ENDLESS),
            ("programs at the memory limits", MEMORY),
        ):
            latencies, statuses, peak = asyncio.run(scenario(port, args.seconds, hostile))
            answers = ", ".join(f"{statuses.count(code)}×{code}" for code in sorted(set(statuses))) or "-"
            print(
                f"{name:>26} {percentile(latencies, 0.5) * 1e3:>6.1f}ms {percentile(latencies, 0.95) * 1e3:>6.1f}ms"
                f" {percentile(latencies, 0.99) * 1e3:>6.1f}ms {max(latencies) * 1e3:>6.1f}ms {answers:>18}"
                f" {peak / 1024:>8.1f}MiB"
            )
        print(
            f"resident memory of the server: {start_rss / 1024:.1f} MiB at the start,"
            f" {resident_kib(port) / 1024:.1f} MiB at the end"
        )


if __name__ == "__main__":
    main()
