"""The one error a program can get: a kind, a message a student can act on, and a place."""

from __future__ import annotations

from typing import Any

KINDS = ("syntax", "unsupported", "name", "type", "math", "limit")


class ProgramError(Exception):
    """A rejected program: `kind` is one of KINDS; `line` and `column` are 1-based or None."""

    def __init__(
        self,
        kind: str,
        message: str,
        line: int | None = None,
        column: int | None = None,
        source_line: str | None = None,
        partial: tuple[Any, ...] | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.line = line
        self.column = column
        self.source_line = source_line
        self.partial = partial  # (prints, cells[, plots]) recorded before the error, for a program that raised partway

    def with_source(self, source: str) -> ProgramError:
        """Attach the offending source line, so that str() can point at it."""
        if self.line is not None and self.source_line is None:
            lines = source.splitlines()
            if 0 < self.line <= len(lines):
                self.source_line = lines[self.line - 1]
        return self

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.kind} error: {self.message}"
        head = f"{self.kind} error at line {self.line}, column {self.column}: {self.message}"
        if self.source_line is None or self.column is None:
            return head
        caret = " " * (self.column - 1) + "^"
        return f"{head}\n    {self.source_line}\n    {caret}"

    def to_dict(self) -> dict[str, object]:
        """The JSON error object of the HTTP API."""
        return {"kind": self.kind, "message": self.message, "line": self.line, "column": self.column}
