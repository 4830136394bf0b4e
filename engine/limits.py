"""Every bound on what a program may cost, in one place; the app overrides them from settings.

The defaults admit both halves of the micrograd lecture many times over (its 20-step training
loop with the lecture's own Value class makes about 8,000 values and 28,000 writes in 0.1 s)
and stop a hostile program within seconds and a few hundred MiB. Time and memory are enforced
by the jail (engine/jail), the rest by the recorder (engine/program/recorder.py).
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_SOURCE_CHARS = 200_000  # characters of program text
MAX_STATEMENTS = 20_000  # statements in the program text
MAX_NESTING = 100  # depth of one statement's syntax tree (CPython's compiler recurses on it)
MAX_SECONDS = 3.0  # wall time of one run, then the program is stopped at the line running
MAX_CPU_SECONDS = 3.0  # processor time of one run
MAX_MEMORY_BYTES = 512 * 2**20  # memory a run may allocate beyond what the jail's process starts with
MAX_RECURSION = 3_000  # Python frames nested (sys.setrecursionlimit in the run)
MAX_NODES = 100_000  # values made in one run, drawn or not
MAX_EVENTS = 150_000  # data and grad writes, _backward calls, passes, bindings and operands recorded (~500 bytes each)
MAX_PASSES = 1_000  # backward() calls recorded
MAX_PRINT_LINES = 10_000  # lines printed
MAX_PRINT_CHARS = 1_000_000  # characters printed
MAX_LABEL_CHARS = 100  # characters of one label shown; longer ones are cut
MAX_NUMERIC_NODES = 1_000  # graph nodes for which a finite-difference check is made
MAX_CHECK_NODES = 1_000  # graph nodes of a pass whose every final grad is checked by finite differences (own classes)
MAX_SCREENED_NODES = 10_000  # beyond that, those the chain rule disagrees with, up to this many graph nodes
MAX_CHECK_OPERATIONS = 500_000  # operations recomputed for those finite differences (0.2 to 0.7 s here), then no more
MAX_CHECK_RUNS = 8  # runs of a program made to check its grads where its operations are not known (2 per leaf)
MAX_CHECK_SECONDS = 2.0  # wall time those runs may take in all (each is also bounded by MAX_SECONDS)
MAX_CHECKS = 200  # checks of the program's own engine reported for one pass
MAX_FIGURES = 50  # matplotlib figures one run may make
MAX_PLOT_POINTS = 200_000  # points (and contour grid values) in all of a run's figures
MAX_NOTEBOOK_CELLS = 5_000  # cells in one .ipynb sent to /api/notebook


@dataclass(frozen=True)
class Limits:
    """The limits one run works under."""

    max_source_chars: int = MAX_SOURCE_CHARS
    max_statements: int = MAX_STATEMENTS
    max_nesting: int = MAX_NESTING
    max_seconds: float = MAX_SECONDS
    max_cpu_seconds: float = MAX_CPU_SECONDS
    max_memory_bytes: int = MAX_MEMORY_BYTES
    max_recursion: int = MAX_RECURSION
    max_nodes: int = MAX_NODES
    max_events: int = MAX_EVENTS
    max_passes: int = MAX_PASSES
    max_print_lines: int = MAX_PRINT_LINES
    max_print_chars: int = MAX_PRINT_CHARS
    max_label_chars: int = MAX_LABEL_CHARS
    max_numeric_nodes: int = MAX_NUMERIC_NODES
    max_check_nodes: int = MAX_CHECK_NODES
    max_screened_nodes: int = MAX_SCREENED_NODES
    max_check_operations: int = MAX_CHECK_OPERATIONS
    max_check_runs: int = MAX_CHECK_RUNS
    max_check_seconds: float = MAX_CHECK_SECONDS
    max_checks: int = MAX_CHECKS
    max_figures: int = MAX_FIGURES
    max_plot_points: int = MAX_PLOT_POINTS
    max_notebook_cells: int = MAX_NOTEBOOK_CELLS


DEFAULT_LIMITS = Limits()
