"""Where in the program a value was made: the line, the column and the source text of the instruction running.

CPython gives every instruction a span (`code.co_positions()`, lines and UTF-8 offsets); the text
of that span is the expression that made a value (`wi*xi`), read once per place in the code.
"""

from __future__ import annotations

from types import CodeType, FrameType
from typing import Any

MAX_EXPR_CHARS = 40  # a value's expression, as the page names it (`wi*xi`, `act.tanh()`)


class Places:
    """The places of a program's instructions, found on first use, and the expressions' texts, numbered."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        # by id(code), as a code object hashes its whole contents; `positions` keeps each code alive with its id
        self.positions: dict[int, tuple[CodeType, list[Any]]] = {}
        self.known: dict[tuple[int, int], tuple[int, int, int]] = {}
        self.call_starts: dict[tuple[int, int, int, int], tuple[int, int]] = {}  # method calls' starts, by span
        self.exprs: dict[str, int] = {}  # the source texts that made values, numbered in the order first seen

    def place(self, frame: FrameType) -> tuple[int, int, int]:
        """The 1-based line and column of the instruction a frame is running, and its expression's number."""
        key = (id(frame.f_code), frame.f_lasti)
        known = self.known.get(key)
        if known is None:
            known = self.known[key] = self.find_place(frame)
        return known

    def find_place(self, frame: FrameType) -> tuple[int, int, int]:
        code = frame.f_code
        known = self.positions.get(id(code))
        if known is None:
            known = self.positions[id(code)] = (code, list(code.co_positions()))
        positions = known[1]
        line, end_line, offset, end_offset = positions[frame.f_lasti // 2]
        line, end_line, offset = line or frame.f_lineno, end_line or line or frame.f_lineno, offset or 0
        start_line, start = self.call_starts.get((line, offset, end_line, end_offset or 0), (line, offset))
        text = self.source_text(start_line, end_line, start, end_offset)
        return line, self.column(line, offset), self.expr(text)

    def source_text(self, line: int, end_line: int, offset: int, end_offset: int | None) -> str:
        """The program's text between two UTF-8 byte positions, on one line however many it spans."""
        lines = [text.encode() for text in self.lines[line - 1 : end_line]]
        if not lines or end_offset is None:
            return ""
        lines[-1] = lines[-1][:end_offset]
        lines[0] = lines[0][offset:]
        parts = (part.decode(errors="ignore").strip().removesuffix("\\") for part in lines)
        return " ".join(" ".join(part.split()) for part in parts)

    def expr(self, text: str) -> int:
        """The number of an expression's text, shortened to MAX_EXPR_CHARS."""
        if len(text) > MAX_EXPR_CHARS:
            text = text[: MAX_EXPR_CHARS - 1] + "…"
        number = self.exprs.get(text)
        if number is None:
            number = self.exprs[text] = len(self.exprs)
        return number

    def column(self, line: int, offset: int) -> int:
        """The 1-based column, in characters, of a UTF-8 byte offset into a line of the program."""
        text = self.lines[line - 1] if 0 < line <= len(self.lines) else ""
        return (offset if text.isascii() else len(text.encode()[:offset].decode(errors="ignore"))) + 1
