"""ProgramError shows what went wrong and where."""

from __future__ import annotations

from engine.errors import ProgramError


def test_str_shows_the_source_line_and_a_caret() -> None:
    error = ProgramError("name", "name 'q' is not defined", 2, 5).with_source("a = 1.0\nb = q + a\n")
    assert str(error).splitlines() == [
        "name error at line 2, column 5: name 'q' is not defined",
        "    b = q + a",
        "        ^",
    ]


def test_str_without_a_place_is_one_line() -> None:
    assert str(ProgramError("syntax", "the program is empty")) == "syntax error: the program is empty"


def test_to_dict_is_the_api_error_object() -> None:
    assert ProgramError("math", "division by zero", 1, 3).to_dict() == {
        "kind": "math",
        "message": "division by zero",
        "line": 1,
        "column": 3,
    }
