"""Why a graph has no picture: Graphviz missing, failing, or past its time limit."""

from __future__ import annotations

MISSING = "Graphviz is not installed: the dot program was not found"


class PictureError(Exception):
    """Graphviz could not draw the graph: `dot` is missing, failed, or took too long."""


class GraphvizMissing(PictureError):
    """The dot program is not installed."""


class DrawTimeout(PictureError):
    """dot ran past its time limit and was killed."""


def timeout_message(timeout: float) -> str:
    """What a drawing past its time limit tells the user."""
    return f"Graphviz took longer than {timeout:.2g} s to draw this graph"


def failure_message(reason: str | int | None) -> str:
    """What a drawing that dot failed tells the user: dot's first message, or its exit status."""
    return f"Graphviz failed to draw this graph ({reason})"
