"""What a jailed run costs: a bare fork in this process against runs in the jail, with and without the filter.

Run: python -m bench.jail [--runs 200]
Each line is the median and 95th percentile of `runs` runs, one after another, of the cheapest
target there is (tests.jail_targets:empty), once the jail's parent has started; the last line
sends a 200 KB request and gets a 1 MB result back.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from typing import Any

from engine.jail import Jail, JailLimits

LIMITS = JailLimits(wall_seconds=5.0, cpu_seconds=5.0, memory_bytes=256 * 2**20, stack_bytes=64 * 2**20)
REQUEST_BYTES = 200_000
RESULT_BYTES = 1_000_000


def bare_fork() -> None:
    """fork, _exit in the child, waitpid in this process."""
    pid = os.fork()
    if pid == 0:
        os._exit(0)
    os.waitpid(pid, 0)


def jail_run(jail: Jail, request: dict[str, Any]) -> Callable[[], None]:
    """One run of `request` in `jail`, checked for its answer."""

    def run() -> None:
        result = jail.run(request, LIMITS)
        if result.message is None:
            raise RuntimeError(f"the jail failed: {result.failure}")

    return run


def measure(action: Callable[[], None], runs: int) -> tuple[float, float]:
    """Median and 95th percentile of `runs` calls, in milliseconds."""
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        seconds.append(time.perf_counter() - start)
    seconds.sort()
    return statistics.median(seconds) * 1000, seconds[min(len(seconds) - 1, int(0.95 * len(seconds)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    runs = parser.parse_args().runs
    unfiltered = Jail("tests.jail_targets:call", filter=False)
    filtered = Jail("tests.jail_targets:call")
    try:
        for jail in (unfiltered, filtered):
            reason = jail.check()  # starts the parent: not measured
            if reason is not None:
                raise SystemExit(f"the jail does not work here: {reason}")
        empty = {"function": "empty"}
        large = {"function": "make_text", "length": RESULT_BYTES, "padding": "x" * REQUEST_BYTES}
        rows = [
            ("bare os.fork + _exit + waitpid", bare_fork),
            ("jail, empty target, no filter", jail_run(unfiltered, empty)),
            ("jail, empty target, filter", jail_run(filtered, empty)),
            ("jail, filter, 200 KB in, 1 MB out", jail_run(filtered, large)),
        ]
        print(f"{'':36}{'median ms':>10}{'p95 ms':>10}   ({runs} runs each)")
        for name, action in rows:
            median, p95 = measure(action, runs)
            print(f"{name:36}{median:10.2f}{p95:10.2f}")
    finally:
        unfiltered.close()
        filtered.close()


if __name__ == "__main__":
    main()
