"""How a program stops: the oracle's own stops (an infinite value, a time-out) and an exception described
as CPython reports it, at its innermost and outermost program lines."""

from __future__ import annotations

import traceback
from types import FrameType
from typing import Any

from .program import PROGRAM_FILE, _character_column


class NonFinite(BaseException):
    """A value's data or grad became infinite or NaN: the explorer stops the program there (LANGUAGE.md)."""


class ProgramTimeout(BaseException):
    """The program ran past its time."""


def _describe_error(error: BaseException, timeout: float, source_lines: list[str]) -> dict[str, Any]:
    if isinstance(error, SyntaxError) and error.filename == PROGRAM_FILE:
        return {
            "type": "SyntaxError",
            "message": str(error.msg),
            "line": error.lineno,
            "column": error.offset,
            "outer_line": None,
        }
    frames = []
    tb = error.__traceback__
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == PROGRAM_FILE:
            frames.append(tb)
        tb = tb.tb_next
    line = column = outer = None
    if frames:
        inner = frames[-1]
        positions = list(inner.tb_frame.f_code.co_positions())
        start = positions[inner.tb_lasti // 2] if 0 <= inner.tb_lasti // 2 < len(positions) else (None,) * 4
        line = start[0] or inner.tb_lineno
        column = _character_column(source_lines, line, start[2] or 0)
        outer = frames[0].tb_lineno
    if isinstance(error, ProgramTimeout):
        kind, message = "Timeout", f"ran past {timeout} s"
    else:
        kind, message = type(error).__name__, traceback.format_exception_only(type(error), error)[-1].strip()
    return {"type": kind, "message": message, "line": line, "column": column, "outer_line": outer}


def _raise_timeout(signum: int, frame: FrameType | None) -> None:
    raise ProgramTimeout
