"""Python's operators on the program's values, with every result's size checked before it is made.

Numbers, strings, lists, tuples and micrograd's Value go to Python's own operators, so the
results are CPython's; `[0] * 10**9`, `'x' * 10**9` and `10**10**10` are refused first.
"""

from __future__ import annotations

import ast
import operator
import types
from collections.abc import Callable
from typing import Any

from engine.language.runtime import Runtime

BINARY: dict[type[ast.operator], tuple[str, Callable[[Any, Any], Any]]] = {
    ast.Add: ("+", operator.add),
    ast.Sub: ("-", operator.sub),
    ast.Mult: ("*", operator.mul),
    ast.Div: ("/", operator.truediv),
    ast.FloorDiv: ("//", operator.floordiv),
    ast.Mod: ("%", operator.mod),
    ast.Pow: ("**", operator.pow),
}
COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Is: operator.is_,
    ast.IsNot: operator.is_not,
}
SEQUENCES = (str, list, tuple)


def check_binary(runtime: Runtime, symbol: str, left: Any, right: Any) -> None:
    """Refuse an operation whose result would be too large, before Python makes it."""
    if symbol == "*":
        for sequence, count in ((left, right), (right, left)):
            if isinstance(sequence, SEQUENCES) and isinstance(count, int) and count > 0:
                runtime.allocate(len(sequence) * count)
        if isinstance(left, int) and isinstance(right, int):
            check_bits(runtime, left.bit_length() + right.bit_length())
    elif symbol == "+":
        if isinstance(left, SEQUENCES) and type(left) is type(right):
            runtime.allocate(len(left) + len(right))
    elif symbol == "**":
        if isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
            check_bits(runtime, (abs(left).bit_length() - 1) * right)
    elif symbol == "%" and isinstance(left, str):
        raise runtime.error("unsupported", "the % operator formats strings only in Python 2 style; use an f-string")


def check_bits(runtime: Runtime, bits: int) -> None:
    """Refuse an integer of more bits than the limit."""
    if bits > runtime.limits.max_int_bits:
        raise runtime.error(
            "limit", f"the integer result would have about {bits:,} bits; the limit is {runtime.limits.max_int_bits:,}"
        )


def check_number(runtime: Runtime, value: Any) -> Any:
    """An integer made by Python's arithmetic, bounded; other values as they are."""
    if type(value) is int and value.bit_length() > runtime.limits.max_int_bits:
        raise runtime.error("limit", f"an integer has more than {runtime.limits.max_int_bits:,} bits")
    return value


CONTAINERS = (list, tuple, dict)


def check_deep(runtime: Runtime, value: Any) -> None:
    """Refuse to print, compare or hash a structure that Python would walk for too long in C.

    `x = [x, x]` forty times is small in memory and a trillion items when printed: the walk
    counts items as Python's C code would visit them (shared parts again, cycles once).
    """
    if not isinstance(value, CONTAINERS):
        return
    budget = runtime.limits.max_sequence
    visits = 0
    stack: list[Any] = [value]
    while stack:
        current = stack.pop()
        children = current.items() if isinstance(current, dict) else current
        for child in children:
            if isinstance(current, dict):
                stack.extend(part for part in child if isinstance(part, CONTAINERS) and part is not current)
            elif isinstance(child, CONTAINERS) and child is not current:
                stack.append(child)
            visits += 1
        if visits > budget or len(stack) > budget:
            raise runtime.error(
                "limit", f"this structure is too large to print, compare or hash: over {budget:,} items"
            )
    runtime.tick(visits)


def contains(runtime: Runtime, item: Any, container: Any) -> bool:
    """`item in container`, looping in charged steps where Python would loop in C without limit."""
    if isinstance(container, list | tuple | str | dict) or (isinstance(container, range) and type(item) is int):
        check_deep(runtime, item)
        if isinstance(item, CONTAINERS) and isinstance(container, list | tuple):
            check_deep(runtime, container)
        return item in container
    if isinstance(container, range | map | zip | enumerate | reversed | types.GeneratorType):
        return any(element is item or element == item for element in runtime.iterate(container))
    return item in container  # raises Python's TypeError for what cannot be searched


def format_value(runtime: Runtime, value: Any, spec: str) -> str:
    """format(value, spec) as an f-string does it, with widths and precisions bounded."""
    check_deep(runtime, value)
    digits = [int(number) for number in _numbers_in_spec(spec)]
    if any(number > runtime.limits.max_sequence for number in digits):
        raise runtime.error("limit", f"the format width or precision is larger than {runtime.limits.max_sequence:,}")
    text = format(value, spec)
    runtime.allocate(len(text))
    return text


def _numbers_in_spec(spec: str) -> list[str]:
    numbers = []
    current = ""
    for char in spec:
        if char.isdigit():
            current += char
        elif current:
            numbers.append(current)
            current = ""
    return [*numbers, current] if current else numbers
