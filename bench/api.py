"""HTTP throughput and latency on loopback, and Graphviz draw times for large graphs.

Run: python -m bench.api      (starts the app itself, with 1 and then 2 workers; --single: no load tables)
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import math
import random
import subprocess
import time
from collections.abc import Callable

import graphviz

from bench.client import Connection, percentile, running_server
from engine.examples import EXAMPLES
from engine.picture import (
    LOW_EFFORT,
    TRY_FULL_EFFORT_NODES,
    DotProcess,
    dot_size,
    dot_source,
    layout,
    with_graph_attributes,
)
from engine.steps import explore

LECTURE_L = next(example.source for example in EXAMPLES if example.id == "lecture-L")
NEURON = next(example.source for example in EXAMPLES if example.id == "neuron")
MLP = next(example.source for example in EXAMPLES if example.id == "mlp-loss")
TRAINING = next(example.source for example in EXAMPLES if example.id == "lecture-training")
DAG_VALUES = 460  # random_dag_source's budget for a DAG of 529 values (1,050 dot nodes)
SECONDS = 3.0  # per table row
REPEATS = 31  # single requests timed, for medians
DAG_REPEATS = 5  # new layouts of the random DAG, about a second each
CONCURRENCY = [1, 16, 64]
LOAD_HEADER = f"  {'scenario':<22} {'clients':>7} {'ok/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'503':>6} {'errors':>6}"
counter = itertools.count()


def cached_request() -> dict[str, object]:
    return {"source": LECTURE_L}


def new_numbers_request() -> dict[str, object]:
    return {"source": LECTURE_L, "overrides": {"a": 1.0 + next(counter) * 1e-6}}


def uncached_request() -> dict[str, object]:
    return {"source": LECTURE_L.replace("label='a'", f"label='a{next(counter)}'")}


def new_neuron_request() -> dict[str, object]:
    return {"source": NEURON.replace("label='x1'", f"label='x1 {next(counter)}'")}


def new_training_request(collapse: object = "auto") -> dict[str, object]:
    """The lecture's training loop with its classes renamed: a run and a layout not yet cached."""
    return {"source": TRAINING.replace("Neuron", f"Neuron{next(counter)}"), "collapse": collapse}


def new_dag_request(source: str) -> dict[str, object]:
    return {"source": f"{source}\nx0.label = 'x0 {next(counter)}'"}


async def load(
    port: int, clients: int, make_body: Callable[[], dict[str, object]]
) -> tuple[float, list[float], int, int]:
    """Requests per second, latencies of 200s, 503s (busy) and other errors of `clients` clients for SECONDS."""
    latencies: list[float] = []
    busy = errors = 0
    stop = time.perf_counter() + SECONDS

    async def client() -> None:
        nonlocal busy, errors
        connection = await Connection.open("127.0.0.1", port)
        try:
            while time.perf_counter() < stop:
                start = time.perf_counter()
                status, _ = await connection.request("POST", "/api/graph", make_body())
                if status == 200:
                    latencies.append(time.perf_counter() - start)
                busy += status == 503
                errors += status not in (200, 503)
        finally:
            connection.close()

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return len(latencies) / (time.perf_counter() - start), latencies, busy, errors


class Value:
    """The lecture's own Value cell (add, mul, tanh, backward): the notebook the explorer is timed against."""

    def __init__(self, data: float, _children: tuple[Value, ...] = (), _op: str = "", label: str = "") -> None:
        self.data, self.grad, self.label, self._op = data, 0.0, label, _op
        self._prev = set(_children)
        self._backward: Callable[[], None] = lambda: None

    def __add__(self, other: Value) -> Value:
        out = Value(self.data + other.data, (self, other), "+")

        def _backward() -> None:
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other: Value) -> Value:
        out = Value(self.data * other.data, (self, other), "*")

        def _backward() -> None:
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def tanh(self) -> Value:
        t = math.tanh(self.data)
        out = Value(t, (self,), "tanh")

        def _backward() -> None:
            self.grad += (1 - t**2) * out.grad

        out._backward = _backward
        return out

    def backward(self) -> None:
        topo: list[Value] = []
        visited: set[Value] = set()
        stack: list[tuple[Value, bool]] = [(self, False)]
        while stack:
            v, done = stack.pop()
            if done:
                topo.append(v)
            elif v not in visited:
                visited.add(v)
                stack.append((v, True))
                stack.extend((child, False) for child in v._prev)
        self.grad = 1.0
        for v in reversed(topo):
            v._backward()


def draw_dot_notebook(root: Value) -> str:
    """The notebook way: micrograd's draw_dot (record labels) piped to dot -Tsvg."""
    dot = graphviz.Digraph(format="svg", graph_attr={"rankdir": "LR"})
    nodes, edges, stack = set(), set(), [root]
    while stack:
        v = stack.pop()
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                stack.append(child)
    for n in nodes:
        uid = str(id(n))
        dot.node(name=uid, label=f"{{ {n.label} | data {n.data:.4f} | grad {n.grad:.4f} }}", shape="record")
        if n._op:
            dot.node(name=uid + n._op, label=n._op)
            dot.edge(uid + n._op, uid)
    for n1, n2 in edges:
        dot.edge(str(id(n1)), str(id(n2)) + n2._op)
    return subprocess.run(["dot", "-Tsvg"], input=dot.source.encode(), capture_output=True, check=True).stdout.decode()


def neuron_values() -> Value:
    x1, x2 = Value(2.0, label="x1"), Value(0.0, label="x2")
    w1, w2 = Value(-3.0, label="w1"), Value(1.0, label="w2")
    b = Value(6.8813735870195432, label="b")
    x1w1, x2w2 = x1 * w1, x2 * w2
    x1w1.label, x2w2.label = "x1*w1", "x2*w2"
    x1w1x2w2 = x1w1 + x2w2
    x1w1x2w2.label = "x1*w1 + x2*w2"
    n = x1w1x2w2 + b
    n.label = "n"
    out = n.tanh()
    out.label = "o"
    out.backward()
    return out


def lecture_values() -> Value:
    a, b, c, f = Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c"), Value(-2.0, label="f")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    out = d * f
    out.label = "L"
    out.backward()
    return out


def random_dag_source(values: int, seed: int = 0) -> str:
    """A random DAG with reuse: each value combines a recent value with any earlier one; all feed the output."""
    rng = random.Random(seed)
    names = [f"x{i}" for i in range(8)]
    lines = [f"{name} = {rng.uniform(-1, 1):.3f}" for name in names]
    unused = set(names)
    made = len(names)
    while made < values:
        a, b = rng.choice(names[-20:]), rng.choice(names)
        form, cost = rng.choice([("{a} + {b}", 1), ("{a} * {b}", 1), ("({a} * {b}).tanh()", 2)])
        name = f"v{len(names)}"
        lines.append(f"{name} = " + form.format(a=a, b=b))
        names.append(name)
        unused = (unused - {a, b}) | {name}
        made += cost
    lines.append(f"out = {names[-1]}")
    lines += [f"out += {name}" for name in sorted(unused - {names[-1]})]
    return "\n".join(lines)


def median_time(run: Callable[[], object], repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


async def single_requests(port: int) -> None:
    connection = await Connection.open("127.0.0.1", port)

    async def timed(body: dict[str, object]) -> float:
        start = time.perf_counter()
        status, _ = await connection.request("POST", "/api/graph", body)
        assert status == 200
        return time.perf_counter() - start

    def median(times: list[float]) -> float:
        return percentile(times, 0.5)

    # Each new structure is timed next to a notebook drawing, so that both see the same load on the machine.
    new, notebook, neuron, notebook_neuron = [], [], [], []
    for _ in range(REPEATS):
        new.append(await timed(uncached_request()))
        notebook.append(median_time(lambda: draw_dot_notebook(lecture_values()), 1))
        neuron.append(await timed(new_neuron_request()))
        notebook_neuron.append(median_time(lambda: draw_dot_notebook(neuron_values()), 1))
    numbers = [await timed(new_numbers_request()) for _ in range(REPEATS)]
    repeats = [await timed(cached_request()) for _ in range(REPEATS)]
    dag_source = random_dag_source(DAG_VALUES)
    dag = [await timed(new_dag_request(dag_source)) for _ in range(DAG_REPEATS)]
    collapsed, expanded = [], []
    for _ in range(DAG_REPEATS):
        collapsed.append(await timed(new_training_request()))
        expanded.append(await timed(new_training_request([])))
    await timed({"source": TRAINING})
    other_pass = [await timed({"source": TRAINING, "pass": k % 20}) for k in range(REPEATS)]
    connection.close()
    print(f"\nOne request at a time, median of {REPEATS} ({DAG_REPEATS} for the DAG); new structure: a new layout")
    print(f"  {'graph':<26} {'new structure':>14} {'notebook':>9} {'ratio':>6}")
    for title, times, reference in [("lecture L", new, notebook), ("tanh neuron", neuron, notebook_neuron)]:
        ratio = median(times) / median(reference)
        print(f"  {title:<26} {median(times) * 1e3:11.1f} ms {median(reference) * 1e3:6.1f} ms {ratio:5.2f}×")
    values = len(explore(dag_source).nodes)
    print(f"  {f'random DAG, {values} values':<26} {median(dag) * 1e3:11.0f} ms")
    print(f"  {'training pass, collapsed':<26} {median(collapsed) * 1e3:11.0f} ms   (a new program: run and layout)")
    print(f"  {'training pass, expanded':<26} {median(expanded) * 1e3:11.0f} ms")
    print(f"  {'training, another pass':<26} {median(other_pass) * 1e3:11.1f} ms   (same program, collapsed)")
    print(f"  new numbers, known structure {median(numbers) * 1e3:7.1f} ms")
    print(f"  repeat                       {median(repeats) * 1e3:7.1f} ms")


def draw_times() -> None:
    """Layouts with a new dot each (as before the pool) and with one long-lived dot, and that dot's time alone."""
    print("Layout time, median: a new dot per graph / one long-lived dot / that dot alone (no DOT text, no template)")
    dot = DotProcess()
    graphs = [("lecture L", LECTURE_L, REPEATS), ("tanh neuron", NEURON, REPEATS), ("MLP loss example", MLP, 15)]
    for title, source, repeats in [*graphs, ("random DAG", random_dag_source(DAG_VALUES), 9)]:
        exploration = explore(source)
        text = dot_source(exploration)
        if dot_size(exploration) > TRY_FULL_EFFORT_NODES:
            text = with_graph_attributes(text, LOW_EFFORT)  # as layout() draws it
        runs: list[Callable[[], object]] = [
            lambda e=exploration: layout(e, timeout=60),
            lambda e=exploration: layout(e, 60, dot.render),
            lambda t=text: dot.render(t, 60),
        ]
        times: list[list[float]] = [[], [], []]
        for _ in range(repeats):  # the three in turn, so that they meet the same load on the machine
            for run, record in zip(runs, times, strict=True):
                record.append(median_time(run, 1))
        medians = " / ".join(f"{percentile(record, 0.5) * 1e3:6.1f} ms" for record in times)
        print(f"  {title:<18} {len(exploration.nodes):>4} values ({dot_size(exploration):>5} dot nodes) {medians}")
    dot.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--single", action="store_true", help="only the one-request-at-a-time figures")
    single = parser.parse_args().single
    draw_times()
    for workers in (1, 2):
        with running_server(workers) as port:
            print(f"\n{workers} worker(s)")
            scenarios = [("cached example", cached_request), ("unique new programs", uncached_request)]
            if not single:
                print(LOAD_HEADER)
            for title, make_body in [] if single else scenarios:
                for clients in CONCURRENCY:
                    rate, latencies, busy, errors = asyncio.run(load(port, clients, make_body))
                    print(
                        f"  {title:<22} {clients:>7} {rate:>8.0f} {percentile(latencies, 0.5) * 1e3:>8.1f} "
                        f"{percentile(latencies, 0.99) * 1e3:>8.1f} {busy:>6} {errors:>6}"
                    )
            asyncio.run(single_requests(port))


if __name__ == "__main__":
    main()
