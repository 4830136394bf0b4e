"""Hostile programs are refused with the right kind and place, and nothing is ever run."""

from __future__ import annotations

import pytest

from engine.errors import ProgramError
from engine.language import parse_program
from engine.limits import MAX_SOURCE_CHARS

HOSTILE = [
    # (program, kind, line, column)
    ("a = 1.0\nb = a.__class__", "unsupported", 2, 5),
    ("a = 1.0\na.data", "unsupported", 2, 1),
    ("__import__('os').system('true')", "unsupported", 1, 1),
    ("import os", "unsupported", 1, 1),
    ("from micrograd.engine import Value", "unsupported", 1, 1),
    ("f = lambda x: x", "unsupported", 1, 5),
    ("a = [x for x in (1, 2)]", "unsupported", 1, 5),
    ("a = 'text'", "unsupported", 1, 5),
    ("a = Value(2.0, label=open('x'))", "unsupported", 1, 22),
    ("print(1.0)", "unsupported", 1, 1),
    ("a = 1.0\nb = eval('a')", "unsupported", 2, 5),
    ("a = 1.0\nb = a.tanh(1)", "unsupported", 2, 5),
    ("a = 1.0\na.data = 5.0", "unsupported", 2, 1),
    ("a = 1.0\na.data += 0.01 * a.grad", "unsupported", 2, 1),
    ("a = 1.0\nb = a % 2", "unsupported", 2, 5),
    ("a = 1.0\nb = a ** a", "unsupported", 2, 10),
    ("a = 2.0\nb = a ** 9 ** 9", "unsupported", 2, 10),
    ("a = 1.0\nb = a < 2", "unsupported", 2, 5),
    ("a = True", "unsupported", 1, 5),
    ("a = 2j", "unsupported", 1, 5),
    ("tanh = 1.0", "unsupported", 1, 1),
    ("a = b = 1.0", "unsupported", 1, 1),
    ("for i in x: pass", "unsupported", 1, 1),
    ("def f(): pass", "unsupported", 1, 1),
    ("x = 1.0\nx[0]", "unsupported", 2, 1),
    ("b = q + 1", "name", 1, 5),
    ("a = 2.0 ** 10000.0", "math", 1, 5),
    ("a = 1e400", "math", 1, 5),
    ("a = " + "9" * 400, "math", 1, 5),
    ("a = 1.0\nb = 1" + "0" * 5000, "limit", 2, 5),
    ("a = 1.0\nb = a / 0", "math", 2, 9),
    ("a = 0.0\nb = 1 / a", "math", 2, 5),
    ("a = -1.0\nb = a.log()", "math", 2, 5),
    ("a = -8.0\nb = a ** 0.5", "math", 2, 5),
    ("a = 2.0\n" + "a = a * a\n" * 12, "math", 11, 5),
    ("a = 1e300\nb = a * a", "math", 2, 5),
    ("a = 800.0\nb = a.exp()", "math", 2, 5),
    ("a = 1.0\nb = a +", "syntax", 2, 8),
    ("a = (1.0", "syntax", 1, 5),
    ("a = 1.0\x00", "syntax", 1, 8),
    ("a = 1.0\nb = '\ud800'", "syntax", 2, 6),
    ("a = " + "(" * 300 + "1" + ")" * 300, "limit", 1, 205),
    ("a = 1.0\nb = " + "-" * 150 + "a", "limit", 2, 1),
    ("a = 1.0\nb = " + "-" * 100_000 + "a", "limit", None, None),
    ("a = 1.0\nb = " + " + ".join(["a"] * 50_000), "limit", None, None),
    ("a = 1.0\n" + "a\n" * 20_001, "limit", None, None),
    ("a = 1.0\n" + " " * MAX_SOURCE_CHARS, "limit", None, None),
    ("a = Value(1.0, label='" + "x" * 101 + "')", "limit", 1, 22),
    ("", "syntax", None, None),
    ("# only a comment\n\n", "syntax", None, None),
]


@pytest.mark.parametrize(("source", "kind", "line", "column"), HOSTILE, ids=[row[0][:40] for row in HOSTILE])
def test_hostile_program_is_refused_with_kind_and_place(
    source: str, kind: str, line: int | None, column: int | None
) -> None:
    with pytest.raises(ProgramError) as caught:
        parse_program(source)
    assert (caught.value.kind, caught.value.line, caught.value.column) == (kind, line, column)
    assert caught.value.message


def test_no_program_can_reach_python_builtins(tmp_path: object) -> None:
    marker = "/tmp/backprop-explorer-should-not-exist"
    for source in (f"open('{marker}', 'w')", f"__import__('os').mkdir('{marker}')", "exec('1')"):
        with pytest.raises(ProgramError):
            parse_program(source)
    import os

    assert not os.path.exists(marker)
