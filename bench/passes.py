"""The cost of choosing another pass of a training run on the server, against running the program anew.

Run: python -m bench.passes
One worker. The lecture's training loop (20 passes): the first request runs it and lays its graph
out, collapsed (the default for a pass of 398 values) or expanded; every pass asked for after
that comes from the kept run and the kept layout. Then the same
requests with the run cache emptied each time, as a server without it would answer them.
"""

from __future__ import annotations

import asyncio
import itertools
import statistics
import time

from bench.client import Session, percentile, running_server
from engine.examples import EXAMPLES

TRAINING = next(example.source for example in EXAMPLES if example.id == "lecture-training")
ROUNDS = 5


async def timed(session: Session, body: dict[str, object]) -> float:
    started = time.perf_counter()
    status, _ = await session.request("POST", "/api/graph", body)
    assert status == 200, status
    return time.perf_counter() - started


async def measure(port: int, cached: bool, collapse: object) -> tuple[float, list[float]]:
    session = Session("127.0.0.1", port)
    first = await timed(session, {"source": TRAINING, "collapse": collapse})
    choices = []
    for round_ in range(ROUNDS):
        for index in range(20):
            # Without the cache: a new text each time (a comment), so the run is made again; the layout is kept.
            source = TRAINING if cached else f"{TRAINING}# {round_} {index}\n"
            choices.append(await timed(session, {"source": source, "pass": index, "collapse": collapse}))
    session.close()
    return first, choices


def main() -> None:
    with running_server(1) as port:
        print("The lecture's training loop, 20 passes of 398 values; one worker")
        print(f"{'':>38} {'first request':>14} {'another pass: p50':>18} {'p95':>8} {'mean':>8}")
        rows = [("with the run cache", True), ("running the program again", False)]
        for (name, cached), (view, collapse) in itertools.product(rows, [("collapsed", "auto"), ("expanded", [])]):
            first, choices = asyncio.run(measure(port, cached, collapse))
            print(
                f"{f'{name}, {view}':>38} {first * 1e3:>12.1f}ms {percentile(choices, 0.5) * 1e3:>16.1f}ms"
                f" {percentile(choices, 0.95) * 1e3:>6.1f}ms {statistics.mean(choices) * 1e3:>6.1f}ms"
            )


if __name__ == "__main__":
    main()
