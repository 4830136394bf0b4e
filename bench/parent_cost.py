"""What the modules the jail's parent imports cost: its memory, a plain program's run and an empty run.

Run: python -m bench.parent_cost [--runs 40]
The prepared parent imports numpy (and what programs may use) once; every run forks from it, so its
resident memory is shared by every child, and a child's start pays only for the pages it touches.
"""

from __future__ import annotations

import argparse
import statistics
import time

from engine import run as programs
from engine.run import run_program

EMPTY = "pass\n"
PLAIN = "a = Value(2.0, label='a')\nb = Value(-3.0, label='b')\nL = a*b + a\nL.backward()\nprint(L)\n"


def parent_rss_kib() -> int:
    """The prepared parent's resident memory, from /proc."""
    jail = programs.jail()
    for pid in jail.pids():
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    return 0


def median_ms(source: str, runs: int) -> float:
    """The median wall time of `runs` runs of a program, in milliseconds."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run_program(source)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def main() -> None:
    """Print the parent's memory and the median times of an empty and a plain program."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    runs = parser.parse_args().runs
    started = time.perf_counter()
    run_program("pass\n")
    print(f"parent start and first run: {(time.perf_counter() - started) * 1e3:.0f} ms")
    print(f"parent resident memory: {parent_rss_kib() / 1024:.1f} MiB")
    print(f"empty program (pass): median {median_ms(EMPTY, runs):.1f} ms")
    print(f"plain program (a*b + a, backward): median {median_ms(PLAIN, runs):.1f} ms")


if __name__ == "__main__":
    main()
