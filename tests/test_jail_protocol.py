"""The jail's frames: JSON with a length in front, and the raw bytes the JSON names after it."""

from __future__ import annotations

import json
import math
from array import array
from typing import Any

import pytest

from engine.jail.protocol import HEADER, RAW, ProtocolError, decode_body, encode_frame


def round_trip(value: dict[str, Any]) -> dict[str, Any]:
    """A value encoded as a frame, checked for its length, then decoded."""
    frame = encode_frame(value)
    (length,) = HEADER.unpack_from(frame)
    assert length == len(frame) - HEADER.size
    return decode_body(frame[HEADER.size :])


def as_array(typecode: str, raw: bytes) -> array[Any]:
    """The array raw bytes hold."""
    numbers = array(typecode)
    numbers.frombytes(raw)
    return numbers


def body(text: str, raw: bytes = b"") -> bytes:
    """A frame's body made by hand: the JSON's length, the JSON, the raw bytes."""
    data = text.encode()
    return HEADER.pack(len(data)) + data + raw


def test_json_comes_back_as_it_went_floats_included() -> None:
    value = {"a": [1, 2.5, "é", None, True], "b": {"c": -0.0}, "inf": math.inf, "big": 1e308}
    back = round_trip(value)
    assert back == value and math.copysign(1.0, back["b"]["c"]) == -1.0
    assert math.isnan(round_trip({"nan": math.nan})["nan"])


def test_bytes_cross_raw_and_arrays_come_back_equal() -> None:
    ints, floats = array("i", range(-5, 100_000)), array("d", [0.1, -2.5, math.inf])
    frame = encode_frame({"events": {"ints": ints.tobytes(), "floats": floats.tobytes()}, "empty": b""})
    assert len(frame) < ints.itemsize * len(ints) * 1.01  # raw, not base64 or JSON lists
    back = decode_body(frame[HEADER.size :])
    assert as_array("i", back["events"]["ints"]) == ints and as_array("d", back["events"]["floats"]) == floats
    assert back["empty"] == b""


def test_text_that_looks_like_raw_bytes_stays_text() -> None:
    printed = json.dumps({RAW: [0, 10**9]})
    back = round_trip({"prints": [[1, printed]], "label": RAW, "raw": b"abc"})
    assert back["prints"] == [[1, printed]] and back["label"] == RAW and back["raw"] == b"abc"


@pytest.mark.parametrize(
    "raw_reference",
    [[0, 4], [2, 2], [-1, 1], [1, -1], [0.0, 1], ["0", 1], [0], [0, 1, 2], None],
    ids=["past the end", "partly past", "negative offset", "negative length", "float", "text", "short", "long", "null"],
)
def test_bytes_named_outside_the_frame_are_a_protocol_error(raw_reference: Any) -> None:
    with pytest.raises(ProtocolError):
        decode_body(body(json.dumps({"x": {RAW: raw_reference}}), b"abc"))


@pytest.mark.parametrize(
    "data",
    [b"", b"\x00\x00", HEADER.pack(10) + b"{}", body("{"), body("[1, 2]"), body("{}")[:-1], body('"x"')],
    ids=["empty", "short header", "JSON cut short", "bad JSON", "a list", "cut", "a string"],
)
def test_a_garbled_body_is_a_protocol_error(data: bytes) -> None:
    with pytest.raises(ProtocolError):
        decode_body(data)


def test_what_neither_json_nor_bytes_can_hold_is_a_type_error() -> None:
    for value in ({"x": bytearray(b"a")}, {"x": {1, 2}}, {"x": object()}):
        with pytest.raises(TypeError):
            encode_frame(value)
