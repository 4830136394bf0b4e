"""Every bound on what a program may cost, in one place; the app overrides them from settings."""

from __future__ import annotations

from dataclasses import dataclass

MAX_SOURCE_CHARS = 200_000  # characters of program text
MAX_STATEMENTS = 20_000  # statements per program
MAX_NODES = 20_000  # value nodes per program, drawn or not
MAX_NESTING = 100  # depth of one expression's syntax tree
MAX_LABEL_CHARS = 100  # characters of one label
MAX_NUMERIC_NODES = 1_000  # graph nodes for which a finite-difference check is made


@dataclass(frozen=True)
class Limits:
    """The limits one evaluation runs under."""

    max_source_chars: int = MAX_SOURCE_CHARS
    max_statements: int = MAX_STATEMENTS
    max_nodes: int = MAX_NODES
    max_nesting: int = MAX_NESTING
    max_label_chars: int = MAX_LABEL_CHARS
    max_numeric_nodes: int = MAX_NUMERIC_NODES


DEFAULT_LIMITS = Limits()
