"""The engine's speed: the autograd on random graphs, and whole programs against CPython running the same text.

Programs run twice per repeat, side by side: in the explorer (its interpreter, with every pass
recorded) and in CPython with the lecture's Value (micrograd's own where the program imports
it), printing nothing. The ratio is explorer time / CPython time.

Run: python -m bench.engine
"""

from __future__ import annotations

import random
import re
import statistics
import time
from collections.abc import Callable

from engine.language import run_program
from engine.value import Value
from tests.cpython_oracle import Value as LectureValue
from tests.lecture_programs import PROGRAMS

SIZES = [1_000, 10_000, 100_000]
OPERATIONS: list[tuple[int, Callable[[Value, Value], Value]]] = [  # (values made, operation)
    (1, lambda a, b: a + b),
    (1, lambda a, b: a * b),
    (2, lambda a, b: (a * b).tanh()),
    (3, lambda a, b: a - b),
    (2, lambda a, b: (a + b).sigmoid()),
]
BENCH_PROGRAMS = {
    "lecture training, 20 steps": PROGRAMS["lecture-training"],
    "zero_grad bug, 20 steps": PROGRAMS["zero-grad-bug"],
    "micrograd demo, nn": PROGRAMS["micrograd-demo"],
    "fib(20), plain ints": "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\nprint(fib(20))\n",
    "loop of 100k floats": "total = 0.0\nfor i in range(100000):\n    total += i * 0.5\nprint(total)\n",
    "chain, x * 1.0001 x5000": "x = 0.5\n" + "x = x * 1.0001\n" * 5_000,
}


def build_graph(size: int, seed: int = 0) -> Value:
    """A random DAG with reuse: each value combines the previous one with a random earlier one."""
    rng = random.Random(seed)
    values = [Value(rng.uniform(-1, 1)) for _ in range(8)]
    made = len(values)
    while made < size:
        cost, operation = rng.choice(OPERATIONS)
        values.append(operation(values[-1], values[rng.randrange(len(values))]))
        made += cost
    return values[-1]


def count_nodes(root: Value) -> int:
    seen = {id(root)}
    stack = [root]
    while stack:
        for child in stack.pop()._prev:
            if id(child) not in seen:
                seen.add(id(child))
                stack.append(child)
    return len(seen)


def timed(run: Callable[[], object], repeats: int = 3) -> tuple[float, object]:
    """Median wall time of `run` over a few repeats, and its last result."""
    times, result = [], None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


NOT_IN_CPYTHON = re.compile(r"^\s*([%!]|(import|from) (numpy|matplotlib|torch|graphviz)\b).*$", re.MULTILINE)


def run_in_cpython(source: str) -> None:
    """The program as CPython runs it in a notebook with the lecture's Value, printing nothing."""
    source = NOT_IN_CPYTHON.sub("", source)  # what the explorer skips with a note
    random.seed(0)
    quiet: dict[str, object] = {"Value": LectureValue, "print": lambda *args, **kwargs: None, "__name__": "__main__"}
    exec(compile(source, "<program>", "exec"), quiet)  # the benchmark's own program texts, for the reference time


def main() -> None:
    print(f"{'graph':>22} {'values':>8} {'forward':>10} {'backward':>10} {'fwd/node':>9} {'bwd/node':>9}")
    for size in SIZES:
        forward, root = timed(lambda size=size: build_graph(size))
        assert isinstance(root, Value)
        backward, _ = timed(root.backward)
        nodes = count_nodes(root)
        print(
            f"{'random DAG (Python)':>22} {nodes:>8,} {forward * 1e3:>8.1f}ms {backward * 1e3:>8.1f}ms "
            f"{forward / nodes * 1e6:>7.2f}µs {backward / nodes * 1e6:>7.2f}µs"
        )
    print()
    print(f"{'program (median of 5)':>28} {'explorer':>10} {'CPython':>10} {'ratio':>7} {'steps':>9} {'steps/s':>10}")
    for name, source in BENCH_PROGRAMS.items():
        explorer, run = timed(lambda source=source: run_program(source), repeats=5)
        cpython, _ = timed(lambda source=source: run_in_cpython(source), repeats=5)
        steps = run.steps  # type: ignore[attr-defined]
        print(
            f"{name:>28} {explorer * 1e3:>8.1f}ms {cpython * 1e3:>8.1f}ms {explorer / cpython:>6.1f}x"
            f" {steps:>9,} {steps / explorer:>10,.0f}"
        )


if __name__ == "__main__":
    main()
