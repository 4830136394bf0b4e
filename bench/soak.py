"""A steady load for a long time, watching the server's resident memory (the caches are bounded).

Run: python -m bench.soak [--seconds 600] [--rate 20]
Prints the resident memory of the supervisor and its workers every minute, and at the end.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import time

from bench.classroom import NEURON, edited_numbers, edited_structure
from bench.client import Session, running_server
from bench.workers import port_processes, rss_bytes


def resident_kib(port: int) -> int:
    """Resident memory of every process of the server on `port`, in KiB."""
    total = 0
    for pid, _ in port_processes(port):
        with contextlib.suppress(OSError):  # a process that ended meanwhile
            total += rss_bytes(pid) // 1024
    return total


async def soak(port: int, seconds: float, rate: float) -> None:
    rng = random.Random(0)
    session = Session("127.0.0.1", port)
    start = time.perf_counter()
    next_report = 0.0
    sent = errors = 0
    while (elapsed := time.perf_counter() - start) < seconds:
        if elapsed >= next_report:
            print(
                f"  {elapsed:6.0f} s  {resident_kib(port) / 1024:7.1f} MiB  {sent} requests, {errors} errors",
                flush=True,
            )
            next_report += 60
        roll = rng.random()
        if roll < 0.4:
            body: dict[str, object] = {"source": edited_numbers(rng)}
        elif roll < 0.7:
            body = {"source": edited_structure(0, sent)}
        elif roll < 0.9:
            body = {"source": NEURON, "step": 0.01}
        else:
            body = {"source": f"a = 2.0\nb = a * q{sent}"}
        path = "/api/nudge" if "step" in body else "/api/graph"
        status, _ = await session.request("POST", path, body)
        sent += 1
        errors += status not in (200, 400)
        await asyncio.sleep(1 / rate)
    print(f"  {seconds:6.0f} s  {resident_kib(port) / 1024:7.1f} MiB  {sent} requests, {errors} errors")
    session.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=600.0)
    parser.add_argument("--rate", type=float, default=20.0, help="requests per second (about)")
    args = parser.parse_args()
    with running_server(2) as port:
        print(f"Soak: 2 workers, about {args.rate:g} requests/s for {args.seconds:g} s (30% new structures)")
        asyncio.run(soak(port, args.seconds, args.rate))


if __name__ == "__main__":
    main()
