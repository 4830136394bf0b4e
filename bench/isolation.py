"""Whether programs that run to their limits slow other students down, and whether their memory reaches the server.

Run: python -m bench.isolation [--seconds 15]
Two workers. A student runs the lecture's L graph with new numbers every 100 ms, first alone, then while
4 clients each keep a program in flight that runs to the wall-time limit, then one that fills the jail's
memory limit a MiB at a time, then one that asks for 4 GiB at once. Prints the student's latencies, how
the hostile programs were answered, and the server's resident memory (its own processes: every program
runs in a jailed child of the jail's parent, which is not the server's).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import time
from dataclasses import dataclass, field

from bench.client import Session, percentile, running_server
from bench.soak import resident_kib

STUDENT = "a = {a}; b = -3.0; c = 10.0; e = a*b; d = e + c; f = -2.0; L = d * f"
ENDLESS = "n = 0\nwhile True:\n    n = n + 1\n"
FILLING = "chunks = []\nwhile True:\n    chunks.append(bytearray(2**20))\n"  # to the jail's limit, a MiB at a time
FOUR_GIB = "x = bytearray(4 * 2**30)\n"
HOSTILE = {"programs at the time limit": ENDLESS, "memory filled to the limit": FILLING, "4 GiB at once": FOUR_GIB}
HOSTILE_CLIENTS = 4


@dataclass
class Scenario:
    """What one scenario measured: the student's latencies, the hostile programs' answers, the server's memory."""

    latencies: list[float] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # the kinds and first words of the hostile programs' errors
    start_kib: int = 0
    peak_kib: int = 0

    def answers(self) -> str:
        """The hostile programs' answers, as 12×400."""
        return ", ".join(f"{self.statuses.count(code)}×{code}" for code in sorted(set(self.statuses))) or "-"


async def keep_busy(port: int, source: str, stop: asyncio.Event, scenario: Scenario) -> None:
    """Send the program again as soon as its answer comes, until stopped; each time new, so that no cache serves it."""
    session = Session("127.0.0.1", port)
    while not stop.is_set():
        status, body = await session.request("POST", "/api/graph", {"source": f"{source}# {len(scenario.statuses)}\n"})
        scenario.statuses.append(status)
        if status == 400:
            error = json.loads(body)["error"]
            scenario.errors.append(f"{error['kind']}: {error['message'][:60]}")
    session.close()


async def student(port: int, seconds: float, latencies: list[float]) -> None:
    """The lecture's graph with new numbers every 100 ms; each answer's latency."""
    rng = random.Random(0)
    session = Session("127.0.0.1", port)
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        started = time.perf_counter()
        status, _ = await session.request("POST", "/api/graph", {"source": STUDENT.format(a=rng.uniform(1, 3))})
        assert status == 200, status
        latencies.append(time.perf_counter() - started)
        await asyncio.sleep(0.1)
    session.close()


async def scenario(port: int, seconds: float, hostile: str | None) -> Scenario:
    """The student for `seconds` while HOSTILE_CLIENTS keep `hostile` in flight (none when None)."""
    measured = Scenario(start_kib=resident_kib(port))
    measured.peak_kib = measured.start_kib
    stop = asyncio.Event()
    clients = [] if hostile is None else [keep_busy(port, hostile, stop, measured) for _ in range(HOSTILE_CLIENTS)]
    busy = [asyncio.create_task(client) for client in clients]
    await asyncio.sleep(0.5 if hostile else 0)
    timed = asyncio.create_task(student(port, seconds, measured.latencies))
    while not timed.done():
        measured.peak_kib = max(measured.peak_kib, resident_kib(port))
        await asyncio.sleep(0.1)
    await timed
    stop.set()
    await asyncio.gather(*busy)
    measured.peak_kib = max(measured.peak_kib, resident_kib(port))
    return measured


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=15.0)
    args = parser.parse_args()
    with running_server(2) as port:
        start_rss = resident_kib(port)
        print(
            f"2 workers; the student's L graph every 100 ms for {args.seconds:g} s; {HOSTILE_CLIENTS} hostile clients"
        )
        print(
            f"{'alongside':>28} {'p50':>8} {'p95':>8} {'p99':>8} {'max':>8} {'hostile answers':>16}"
            f" {'server RSS':>11} {'grew':>8}"
        )
        for name, hostile in {"nothing": None, **HOSTILE}.items():
            measured = asyncio.run(scenario(port, args.seconds, hostile))
            latencies = measured.latencies
            print(
                f"{name:>28} {percentile(latencies, 0.5) * 1e3:>6.1f}ms {percentile(latencies, 0.95) * 1e3:>6.1f}ms"
                f" {percentile(latencies, 0.99) * 1e3:>6.1f}ms {max(latencies) * 1e3:>6.1f}ms {measured.answers():>16}"
                f" {measured.peak_kib / 1024:>9.1f}MiB {(measured.peak_kib - measured.start_kib) / 1024:>6.1f}MiB"
            )
            for error in sorted(set(measured.errors)):
                print(f"{'':>28} {error}")
        print(
            f"resident memory of the server: {start_rss / 1024:.1f} MiB at the start,"
            f" {resident_kib(port) / 1024:.1f} MiB at the end"
        )


if __name__ == "__main__":
    main()
