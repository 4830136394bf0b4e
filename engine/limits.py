"""Every bound on what a program may cost, in one place; the app overrides them from settings.

The defaults admit the lecture's 20-step training loop (about 30,000 steps, 8,000 values and
20 passes in 0.3 s) many times over, and stop a hostile program within seconds and a few
hundred MiB.
"""

from __future__ import annotations

from dataclasses import dataclass

MAX_SOURCE_CHARS = 200_000  # characters of program text
MAX_STATEMENTS = 20_000  # statements in the program text
MAX_STEPS = 2_000_000  # work: a statement, loop turn or item iterated is 1, a call 10 (about 1.5 s in all)
MAX_SECONDS = 1.5  # wall time of one run
MAX_NODES = 100_000  # values made in one run, drawn or not (about 600 bytes each)
MAX_PASSES = 1_000  # backward() calls recorded
MAX_CALL_DEPTH = 200  # nested calls of the program's own functions
MAX_SEQUENCE = 1_000_000  # items of one list, tuple, dict or range made at once, characters of one string
MAX_ITEMS = 2_000_000  # items allocated over a run: list, tuple, dict and string items, objects, and pass records
MAX_PRINT_LINES = 10_000  # lines printed
MAX_PRINT_CHARS = 1_000_000  # characters printed
MAX_INT_BITS = 10_000  # bits of one integer (about 3,000 digits); 10**10**10 is refused before it is computed
MAX_NESTING = 100  # depth of one statement's syntax tree
MAX_LABEL_CHARS = 100  # characters of one label
MAX_NUMERIC_NODES = 1_000  # graph nodes for which a finite-difference check is made


@dataclass(frozen=True)
class Limits:
    """The limits one run works under."""

    max_source_chars: int = MAX_SOURCE_CHARS
    max_statements: int = MAX_STATEMENTS
    max_steps: int = MAX_STEPS
    max_seconds: float = MAX_SECONDS
    max_nodes: int = MAX_NODES
    max_passes: int = MAX_PASSES
    max_call_depth: int = MAX_CALL_DEPTH
    max_sequence: int = MAX_SEQUENCE
    max_items: int = MAX_ITEMS
    max_print_lines: int = MAX_PRINT_LINES
    max_print_chars: int = MAX_PRINT_CHARS
    max_int_bits: int = MAX_INT_BITS
    max_nesting: int = MAX_NESTING
    max_label_chars: int = MAX_LABEL_CHARS
    max_numeric_nodes: int = MAX_NUMERIC_NODES


DEFAULT_LIMITS = Limits()
