"""The parts of a figure's drawing that are plain arithmetic: checked record values, axis ranges, ticks.

The record comes from the jailed child, so every value is checked here before it is drawn: numbers
finite, lists of numbers bounded, texts cut and cleared of what XML cannot hold.
"""

from __future__ import annotations

import math
import re
from typing import Any

MINUS = "\u2212"  # matplotlib writes negative ticks with a true minus sign
XML_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"})


def escape(text: str) -> str:
    """Text as SVG shows it: never read as markup, in an element or an attribute."""
    return text.translate(XML_ESCAPES)


class FigureError(ValueError):
    """A figure record not as engine/program/pyplot.py writes it."""


def checked_number(value: Any) -> float | None:
    if type(value) in (int, float) and math.isfinite(value):
        return float(value)
    if value is None:
        return None
    raise FigureError("a figure's number is not a number")


def checked_numbers(values: Any, limit: int = 10_000_000) -> list[float | None]:
    if not isinstance(values, list) or len(values) > limit:
        raise FigureError("a figure's numbers are not a list")
    return [checked_number(v) for v in values]


CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # not allowed in XML


def checked_text(value: Any, chars: int = 200) -> str:
    return CONTROL.sub("\ufffd", value[:chars]) if isinstance(value, str) else ""


def fmt(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def nice_ticks(low: float, high: float, bins: int) -> list[float]:
    """Tick positions as matplotlib's MaxNLocator picks them: a step of 1, 2, 2.5 or 5 times a power of ten."""
    span = high - low
    raw = span / max(bins, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(s * power for s in (1, 2, 2.5, 5, 10) if s * power >= raw * (1 - 1e-9))
    first = math.ceil(low / step - 1e-9) * step
    ticks = []
    k = 0
    while first + k * step <= high + step * 1e-9 and k < 50:
        ticks.append(round(first + k * step, 12))
        k += 1
    return ticks


def tick_labels(ticks: list[float]) -> list[str]:
    """Labels as matplotlib's ScalarFormatter writes them: as many decimals as the step needs, a true minus."""
    if len(ticks) > 1:
        step = abs(ticks[1] - ticks[0])
        decimals = 0
        while decimals < 6 and abs(step * 10**decimals - round(step * 10**decimals)) > 1e-6:
            decimals += 1
    else:
        decimals = 1
    big = any(abs(t) >= 1e6 for t in ticks)
    texts = [f"{t:.3g}" if big else f"{t:.{decimals}f}" for t in ticks]
    return [(text.lstrip("-") if float(text) == 0 else text).replace("-", MINUS) for text in texts]


class Axis:
    """One axis's range: data values to pixels."""

    def __init__(self, low: float, high: float, start: float, end: float) -> None:
        if not high > low:
            low, high = low - 0.5 if low == high else high, high + 0.5 if low == high else low
        self.low, self.high, self.start, self.end = low, high, start, end

    def __call__(self, value: float) -> float:
        return self.start + (value - self.low) / (self.high - self.low) * (self.end - self.start)


def axis_range(values: list[float], margin: bool, limit: Any) -> tuple[float, float]:
    """An axis's range: the data's with matplotlib's 5% margins, or the program's xlim/ylim."""
    finite = [v for v in values if v is not None]
    low, high = (min(finite), max(finite)) if finite else (0.0, 1.0)
    if margin and finite:
        pad = (high - low) * 0.05 or (abs(low) * 0.05 or 0.05)
        low, high = low - pad, high + pad
    elif low == high:
        low, high = low - 0.5, high + 0.5
    if isinstance(limit, list) and len(limit) == 2:
        given = [checked_number(v) for v in limit]
        low = given[0] if given[0] is not None else low
        high = given[1] if given[1] is not None else high
    return low, high
