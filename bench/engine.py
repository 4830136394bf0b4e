"""The engine's speed: whole programs run by the explorer against CPython running the same text, in one run.

Each program runs side by side, in turns: in the explorer (`run_program`: the static check, the
program instrumented and compiled, a jailed child forked for the run, the program with every
write recorded, the message back and the replay into passes) and in plain CPython in this process
(the same text, with the lecture's Value where the program uses the built-in one, printing
nothing). Each turn's text is new (a comment line added), as a student's edit is; the explorer
then runs it once more, when the server has it prepared. The ratio is explorer time (new text)
/ CPython time.

Run: python -m bench.engine
"""

from __future__ import annotations

import random
import re
import statistics
import time
from collections.abc import Callable

from engine.examples import training_loop
from engine.run import run_program
from tests.cpython_oracle import Value as LectureValue
from tests.lecture_programs import LECTURE_VALUE, PROGRAMS

REPEATS = 7
BENCH_PROGRAMS = {
    "lecture training, own Value class": LECTURE_VALUE + training_loop(),
    "lecture training, built-in Value": training_loop(),
    "micrograd demo, nn": PROGRAMS["micrograd-demo"],
    "300,000 float additions": "total = 0.0\nfor i in range(300000):\n    total += i * 0.5\nprint(total)\n",
    "30,000 method calls": (
        "class A:\n    def f(self, x):\n        return x + 1\na = A()\nt = 0\n"
        "for i in range(30000):\n    t = a.f(t)\nprint(t)\n"
    ),
    "fib(20), plain ints": "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\nprint(fib(20))\n",
    "an empty program": "pass\n",
}


def timed(run: Callable[[], object], repeats: int = REPEATS) -> list[float]:
    """Wall times of `run`, in seconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times


NOT_IN_CPYTHON = re.compile(r"^\s*([%!]|(import|from) (numpy|matplotlib|torch|graphviz)\b).*$", re.MULTILINE)


def run_in_cpython(source: str) -> None:
    """The program as CPython runs it in a notebook with the lecture's Value, printing nothing."""
    source = NOT_IN_CPYTHON.sub("", source)  # imports the explorer accepts without using them
    random.seed(0)
    quiet: dict[str, object] = {"Value": LectureValue, "print": lambda *args, **kwargs: None, "__name__": "__main__"}
    exec(compile(source, "<program>", "exec"), quiet)  # the benchmark's own program texts, for the reference time


def main() -> None:
    run_program("pass\n")  # the jail's prepared process starts once per server process
    print(f"median of {REPEATS}, taken in turns; a new text each time (a comment line added), and the same text again")
    print(
        f"{'program':>36} {'explorer':>10} {'same text':>10} {'CPython':>10} {'ratio':>7}"
        f" {'values':>8} {'steps':>8} {'passes':>6}"
    )
    for name, source in BENCH_PROGRAMS.items():
        explorer: list[float] = []
        again: list[float] = []
        cpython: list[float] = []
        for repeat in range(REPEATS):
            text = f"{source}# run {repeat} of {time.time()}\n"  # not yet prepared by the server
            explorer += timed(lambda text=text: run_program(text), 1)
            again += timed(lambda text=text: run_program(text), 1)
            cpython += timed(lambda text=text: run_in_cpython(text), 1)
        run = run_program(source)
        steps = sum(len(p.steps) for p in run.passes)
        mine, theirs = statistics.median(explorer), statistics.median(cpython)
        print(
            f"{name:>36} {mine * 1e3:>8.1f}ms {statistics.median(again) * 1e3:>8.1f}ms {theirs * 1e3:>8.2f}ms"
            f" {mine / theirs:>6.1f}x {len(run.nodes):>8,} {steps:>8,} {len(run.passes):>6}"
        )


if __name__ == "__main__":
    main()
