"""Forward and backward time per node for graphs of 1k, 10k and 100k values built in Python.

Run: python -m bench.engine
"""

from __future__ import annotations

import random
import statistics
import time
from collections.abc import Callable

from engine.language import Program, parse_program
from engine.value import Value

SIZES = [1_000, 10_000, 100_000]
OPERATIONS: list[tuple[int, Callable[[Value, Value], Value]]] = [  # (values made, operation)
    (1, lambda a, b: a + b),
    (1, lambda a, b: a * b),
    (2, lambda a, b: (a * b).tanh()),
    (3, lambda a, b: a - b),
    (2, lambda a, b: (a + b).sigmoid()),
]


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


def report(graph: str, nodes: int, forward: float, backward: float) -> None:
    print(
        f"{graph:>22} {nodes:>8,} {forward * 1e3:>8.1f}ms {backward * 1e3:>8.1f}ms "
        f"{forward / nodes * 1e6:>7.2f}µs {backward / nodes * 1e6:>7.2f}µs"
    )


def main() -> None:
    print(f"{'graph':>22} {'values':>8} {'forward':>10} {'backward':>10} {'fwd/node':>9} {'bwd/node':>9}")
    for size in SIZES:
        forward, root = timed(lambda size=size: build_graph(size))
        assert isinstance(root, Value)
        backward, _ = timed(root.backward)
        report("random DAG (Python)", count_nodes(root), forward, backward)
    source = "x = 0.5\n" + "x = x * 1.0001\n" * 5_000
    parse, program = timed(lambda: parse_program(source))
    assert isinstance(program, Program)
    backward, _ = timed(program.output.backward)
    report("chain (language)", len(program.nodes), parse, backward)


if __name__ == "__main__":
    main()
