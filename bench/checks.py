"""What checking a student's own engine costs on the server, beside the run itself.

Run: python -m bench.checks
- the lecture's training loop with the lecture's own class Value (20 passes of 398 values): the checks
  of each pass, made once, then again from the run they are kept with;
- a chain of 977 values, the worst shape for the finite differences (each value upstream of all later);
- a class with an operation the chain rule here does not know (`sin`): its leaves' final grads checked by
  running the program again (two runs a leaf).
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Mapping

from engine.checks import Stats, check_pass
from engine.limits import DEFAULT_LIMITS
from engine.record import Run
from engine.run import run_program
from tests.engines import TUPLE_VALUE
from tests.lecture_programs import LECTURE_VALUE, training_loop
from tests.test_checks_hostile import WRONG_SINE

CHAIN = TUPLE_VALUE + (
    "xs = [Value(0.001 * i) for i in range(245)]\nL = xs[0]\nfor x in xs[1:]:\n  L = (L * x + x).tanh()\nL.backward()\n"
)


def timed(action: object) -> float:
    started = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - started


def main() -> None:
    source = LECTURE_VALUE + training_loop()
    started = time.perf_counter()
    run = run_program(source)
    ran = time.perf_counter() - started
    first = [timed(lambda i=i: check_pass(run, i, source, DEFAULT_LIMITS)) for i in range(len(run.passes))]
    again = [timed(lambda i=i: check_pass(run, i, source, DEFAULT_LIMITS)) for i in range(len(run.passes))]
    print(f"training loop, own class: run {ran * 1000:.0f} ms; checks of a pass (398 values)")
    print(f"  made: median {statistics.median(first) * 1000:.1f} ms, max {max(first) * 1000:.1f} ms")
    print(f"  kept: median {statistics.median(again) * 1e6:.1f} µs")

    chain = run_program(CHAIN)
    size = len(chain.passes[0].order)
    print(f"chain of {size} values: {timed(lambda: check_pass(chain, 0, CHAIN, DEFAULT_LIMITS)) * 1000:.0f} ms")

    sine = run_program(WRONG_SINE)
    stats = Stats()

    def rerun(nudged: Mapping[int, float]) -> Run:
        return run_program(WRONG_SINE, DEFAULT_LIMITS, nudged)

    spent = timed(lambda: check_pass(sine, 0, WRONG_SINE, DEFAULT_LIMITS, rerun, {}, stats))
    print(f"unknown operation: {stats.reruns} runs again, {spent * 1000:.0f} ms in all")


if __name__ == "__main__":
    main()
