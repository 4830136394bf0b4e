"""Hints for the errors a student's own value class raises most: CPython's message kept, what to do added.

- `2 * a` with no `__rmul__` (and `0 + a` in `sum(...)` with no `__radd__`): CPython's TypeError
  "unsupported operand type(s) for *: 'int' and 'Value'";
- `a * 2` with an `__mul__` that does not wrap the number: "'int' object has no attribute 'data'".
"""

from __future__ import annotations

import re

from engine.errors import ProgramError

REFLECTED = {"+": "__radd__", "*": "__rmul__", "-": "__rsub__", "/": "__rtruediv__", "**": "__rpow__"}
OPERAND = re.compile(r"unsupported operand type\(s\) for (\*\*|[+*/-]|pow\(\)): '(int|float|bool)' and '(\w+)'")
NO_DATA = re.compile(r"'(int|float|bool)' object has no attribute '(data|grad|_prev)'")


def hint(message: str) -> str | None:
    """What to do about an error message of these kinds, else None."""
    match = OPERAND.search(message)
    if match is not None:
        op, number, cls = match.groups()
        op = "**" if op == "pow()" else op
        method = REFLECTED[op]
        example = f"a number {op} a {cls} (`2 {op} a`)"
        if op == "+":
            example += ", as in sum(...), which starts at 0,"
        return (
            f"{example} asks the {number} first, which does not know a {cls}; Python then calls"
            f" {cls}.{method}, and your class has none. Define it: `def {method}(self, other): return"
            + (f" self {op} other`." if op in "+*" else f" {cls}(other) {op} self`.")
        )
    match = NO_DATA.search(message)
    if match is not None:
        return (
            f"a plain {match.group(1)} reached an operation that reads `.{match.group(2)}`: wrap numbers first,"
            " `other = other if isinstance(other, Value) else Value(other)`."
        )
    return None


def with_hint(error: ProgramError) -> ProgramError:
    """The error with a hint after CPython's message where one applies."""
    extra = hint(error.message)
    if extra is not None and extra not in error.message:
        error.message = f"{error.message}. Hint: {extra}"
        error.args = (error.message,)
    return error
