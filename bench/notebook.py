"""The lecture notebook's second half, whole, end to end, against CPython running the same cells.

Run: python -m bench.notebook [--repeats 15]
The explorer: the run in the jail (check, run, record, replay), the figures drawn as SVG, the first
pass's records and the first picture (a Graphviz layout, none cached). CPython: the same cells in
this process with real numpy, matplotlib (SVG backend, the figure rendered to SVG text) and torch,
each cell's figures rendered and closed at its end as the inline backend does. Also the parent's
memory with numpy, and with real matplotlib, for the choice of drawing figures in the server.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from app.pictures import Pictures
from engine.figures import draw_plots
from engine.lecture_notebooks import SECOND_HALF
from engine.limits import DEFAULT_LIMITS
from engine.run import jail, run_program
from engine.steps import record_pass
from tests.cpython_oracle import Value as LectureValue

MEMORY_PROBE = """
import sys
def rss():
    with open('/proc/self/status') as status:
        return next(int(line.split()[1]) for line in status if line.startswith('VmRSS:'))
before = rss()
for name in sys.argv[1:]:
    __import__(name)
print(rss() - before)
"""


def timed(action: Callable[[], Any], repeats: int) -> float:
    """The median wall time of `repeats` calls, in milliseconds."""
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1e3


def run_in_cpython(source: str) -> list[str]:
    """The cells in this process with real numpy, matplotlib and torch; each cell's figures as SVG text."""
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    namespace: dict[str, Any] = {"__name__": "__main__", "Value": LectureValue, "draw_dot": lambda root: None}
    figures = []
    for cell in re.split(r"^# %%.*$", source, flags=re.M):
        text = "\n".join("" if line.lstrip().startswith("%") else line for line in cell.split("\n"))
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(text, "<cell>", "exec"), namespace)
        for number in plt.get_fignums():
            out = io.StringIO()
            plt.figure(number).savefig(out, format="svg")
            figures.append(out.getvalue())
        plt.close("all")
    return figures


def main() -> None:
    """Print the end-to-end times, each part's, and the memory real matplotlib would cost."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=15)
    repeats = parser.parse_args().repeats
    pictures = Pictures(cache_size=8, concurrency=1, queue_depth=4, queue_wait=5.0, timeout=5.0, max_values=1_000)
    run_program("pass\n")  # the jail's parent starts once per server process
    run_in_cpython(SECOND_HALF)  # CPython's imports once, as a notebook's kernel has them
    run = run_program(SECOND_HALF)
    message_plots = [{"line": p["line"], "cell": p["cell"]} for p in run.plots]

    def end_to_end() -> None:
        pictures.cache.clear()
        ran = run_program(SECOND_HALF)
        pictures.draw(record_pass(ran, None, False, DEFAULT_LIMITS, None))

    def first_picture() -> None:
        pictures.cache.clear()
        pictures.draw(record_pass(run, None, False, DEFAULT_LIMITS, None))

    # the figures alone, drawn again from the record the jail sent (what run_program did inside)
    recorded = (
        jail().run({"source": SECOND_HALF, "limits": DEFAULT_LIMITS.__dict__, "overrides": {}}, _bounds()).message or {}
    )
    explorer: list[float] = []
    cpython: list[float] = []
    for _ in range(repeats):  # in turns, so that both see the same load on the machine
        explorer.append(timed(end_to_end, 1))
        cpython.append(timed(lambda: run_in_cpython(SECOND_HALF), 1))
    mine, theirs = statistics.median(explorer), statistics.median(cpython)
    parts = {
        "run in the jail (check, run, record, replay, figures)": timed(lambda: run_program(SECOND_HALF), repeats),
        "  of which the figures drawn as SVG": timed(lambda: draw_plots(recorded.get("plots", []), 9), repeats),
        "first pass's records and first picture (dot, uncached)": timed(first_picture, repeats),
    }
    print(f"the lecture notebook, second half: {len(run.nodes):,} values, {len(run.passes)} passes, "
          f"{len(message_plots)} figure(s), median of {repeats}")  # fmt: skip
    print(f"  explorer, end to end      {mine:8.1f} ms")
    for name, ms in parts.items():
        print(f"    {name:<56} {ms:8.1f} ms")
    print(f"  CPython + numpy, matplotlib (SVG), torch {theirs:8.1f} ms")
    print(f"  ratio {mine / theirs:.2f}x (goal 3x, bar 6x)")
    lecture_figure = "import numpy as np\nimport matplotlib.pyplot as plt\nplt.plot(np.arange(-5, 5, 0.25))\n"
    real = timed(lambda: run_in_cpython(lecture_figure), repeats)
    drawn = parts["  of which the figures drawn as SVG"]
    print(f"  one lecture figure: real matplotlib to SVG {real:.1f} ms, the explorer's drawing {drawn:.2f} ms")
    for modules in (["numpy"], ["numpy", "matplotlib.pyplot"]):
        probe = [sys.executable, "-c", MEMORY_PROBE, *modules]
        kib = int(subprocess.run(probe, capture_output=True, text=True, check=True).stdout)
        print(f"  resident memory a parent would add for {' + '.join(modules)}: {kib / 1024:.1f} MiB")


def _bounds() -> Any:
    from engine.jail import JailLimits
    from engine.run import STACK_BYTES

    return JailLimits(
        wall_seconds=3.0, cpu_seconds=3.0, memory_bytes=DEFAULT_LIMITS.max_memory_bytes, stack_bytes=STACK_BYTES
    )


if __name__ == "__main__":
    main()
