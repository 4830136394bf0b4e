"""The recorder's message in columns: event kinds, their integers and their numbers, as packed arrays.

A run of the lecture's training loop records about 25,000 events; as JSON lists they took 27 ms to
write and 17 ms to read, as packed arrays under 2 ms. The arrays cross the jail as raw bytes after
the frame's JSON (engine/jail/protocol.py). Both ends run on one machine, so they keep its byte order.
"""

from __future__ import annotations

from array import array

# Event kinds, and the integers each carries in `ints` (a write also carries its new number in `floats`).
WRITE = 0  # value, field (0 data, 1 grad), line
STEP = 1  # value, line: a call of the value's _backward begins
END_STEP = 2  # (none): that call returned
PASS = 3  # value, line (-1: the explorer's own): a backward() call begins
END_PASS = 4  # (none): that call returned
VIEW = 5  # value, line: draw_dot(value)
BIND = 6  # value, line, name (an index into `names`): a module-scope assignment
FIELDS = ("data", "grad")  # a write's field, by its number
INTS = {WRITE: 3, STEP: 2, END_STEP: 0, PASS: 2, END_PASS: 0, VIEW: 2, BIND: 3}
VALUE_INTS = 6  # per value: line, column, group (-1: none), events before it, operands, expression


def pack(numbers: list[int] | list[float], typecode: str) -> bytes:
    """The bytes of the array of `typecode` that holds the numbers."""
    return array(typecode, numbers).tobytes()


def unpack(data: bytes, typecode: str) -> array:  # type: ignore[type-arg]
    """The array the bytes hold; ValueError if they are not whole items."""
    numbers = array(typecode)
    numbers.frombytes(data)
    return numbers
