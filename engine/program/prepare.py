"""A program made ready to run: its text checked by the static wall, instrumented and compiled.

The server prepares a program short enough to parse there (engine/run.py, PRECHECK_CHARS) and
sends the compiled code with the request, so the jailed process starts running it at once; a
longer program is prepared in the jail alone (engine/program/execute.py). Both call `prepare`.
The code travels as `marshal` bytes: the jailed process runs the interpreter the server runs.
"""

from __future__ import annotations

import base64
import marshal
from dataclasses import dataclass
from types import CodeType
from typing import Any

from engine.limits import Limits
from engine.program.check import check_program
from engine.program.instrument import instrument
from engine.program.origins import PROGRAM
from engine.program.source import (
    Note,
    blank_notebook_lines,
    cell_starts,
    compile_tree,
    is_shorthand,
    method_call_starts,
    syntax_tree,
)

CallStarts = dict[tuple[int, int, int, int], tuple[int, int]]  # engine/program/source.py, method_call_starts


@dataclass(frozen=True)
class Prepared:
    """The instrumented program's code, the notes made on the way, and where its method calls begin."""

    code: CodeType
    notes: list[Note]
    call_starts: CallStarts


def prepare(source: str, limits: Limits) -> Prepared:
    """The program checked, instrumented and compiled, or the ProgramError that refuses it."""
    text, notes = blank_notebook_lines(source)
    tree, nodes = syntax_tree(text, limits)
    check_program(tree)
    call_starts = method_call_starts(nodes)
    more: list[Note] = []
    instrumented = instrument(tree, cell_starts(text), is_shorthand(tree, nodes), more, lines=text.split("\n"))
    return Prepared(compile_tree(instrumented, PROGRAM), [*notes, *more], call_starts)


def to_message(prepared: Prepared) -> dict[str, Any]:
    """A prepared program as plain JSON data, for the request."""
    return {
        "code": base64.b64encode(marshal.dumps(prepared.code)).decode("ascii"),
        "notes": [[note.line, note.message] for note in prepared.notes],
        "call_starts": [[*span, *start] for span, start in prepared.call_starts.items()],
    }


def from_message(message: dict[str, Any]) -> Prepared:
    """The prepared program a request carries."""
    code = marshal.loads(base64.b64decode(message["code"]))
    if not isinstance(code, CodeType):
        raise TypeError("the request's code is not a code object")
    notes = [Note(line, text) for line, text in message["notes"]]
    starts = {(a, b, c, d): (e, f) for a, b, c, d, e, f in message["call_starts"]}
    return Prepared(code, notes, starts)
