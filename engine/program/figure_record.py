"""The figures of the run in progress: what pyplot's calls record, checked and charged to the run's limits.

Plain data only (numbers, texts, colour names), which the server draws (engine/figures/). A figure
ends with its cell, as with Jupyter's inline backend.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy

from engine.limits import DEFAULT_LIMITS, Limits
from engine.program import hooks
from engine.program.recorder import Limit, Recorder
from engine.program.source import cell_starts

MAX_TEXT_CHARS = 200  # characters of a title, label or legend entry kept
COLORMAPS = ("viridis", "jet", "Spectral", "coolwarm", "RdBu", "plasma", "gray", "Blues", "Reds", "bwr")


class Figures:
    """The figures of the run in progress, and the one being drawn on."""

    recorder: ClassVar[Recorder | None] = None
    figures: ClassVar[list[dict[str, Any]]] = []
    current: ClassVar[dict[str, Any] | None] = None
    starts: ClassVar[list[int]] = [1]
    points: ClassVar[int] = 0
    limits: ClassVar[Limits] = DEFAULT_LIMITS


def start(limits: Limits) -> None:
    """A run begins under these limits: nothing drawn yet."""
    Figures.limits = limits
    Figures.recorder = None


def run_figures() -> type[Figures]:
    """The state of the run in progress (reset when a new run's recorder is seen)."""
    recorder = hooks.Current.recorder
    if Figures.recorder is not recorder:  # a new run: nothing drawn yet
        Figures.recorder, Figures.figures, Figures.current, Figures.points = recorder, [], None, 0
        Figures.starts = cell_starts("\n".join(recorder.lines))
    return Figures


def _cell(line: int) -> int:
    return sum(1 for start in Figures.starts if start <= line) - 1


def new_figure(size: Any = None) -> dict[str, Any]:
    """A new figure of `size` inches, made current."""
    state = run_figures()
    if len(state.figures) >= state.limits.max_figures:
        raise Limit(f"the program made more than {state.limits.max_figures:,} figures")
    line = state.recorder.running_line() if state.recorder is not None else 1
    width, height = 6.4, 4.8
    if isinstance(size, tuple | list) and len(size) == 2:
        width, height = (min(max(number_of(v, 1.0), 1.0), 20.0) for v in size)
    figure: dict[str, Any] = {
        "line": line,
        "cell": _cell(line),
        "size": [width, height],
        "title": "",
        "xlabel": "",
        "ylabel": "",
        "grid": False,
        "legend": False,
        "xlim": None,
        "ylim": None,
        "series": [],
    }
    state.figures.append(figure)
    state.current = figure
    return figure


def current_figure() -> dict[str, Any]:
    """The figure being drawn on: a new one in a new cell, as the inline backend shows one per cell."""
    state = run_figures()
    line = state.recorder.running_line() if state.recorder is not None else 1
    if state.current is None or state.current["cell"] != _cell(line):
        return new_figure()
    return state.current


def number_of(value: Any, default: float = math.nan) -> float:
    """A number as a float, or the default when it is not one."""
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return default
    return number


def finite(number: float) -> float | None:
    """The number, or None when it is infinite or NaN (JSON has neither)."""
    return number if math.isfinite(number) else None


def numbers_of(values: Any, what: str) -> list[float | None]:
    """An array of numbers as a list (None where not finite), charged to the run's points."""
    try:
        array = numpy.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError) as error:
        raise TypeError(f"{what} must be numbers ({error})") from None
    Figures.points += array.size
    if Figures.points > Figures.limits.max_plot_points:
        raise Limit(f"the program's figures have more than {Figures.limits.max_plot_points:,} points in all")
    return [finite(x) for x in array.tolist()]


def text_of(value: Any) -> str:
    """A title's or label's text, cut to MAX_TEXT_CHARS."""
    return str(value)[:MAX_TEXT_CHARS] if value is not None else ""


def color_of(value: Any) -> Any:
    """A colour as matplotlib names one: a string (checked when drawn) or an RGB(A) tuple of numbers."""
    if isinstance(value, str):
        return value[:30]
    if isinstance(value, tuple | list) and len(value) in (3, 4):
        return [number_of(v, 0.0) for v in value]
    return None


def cmap_of(value: Any) -> str:
    """A colormap's name from a name or plt.cm's object; viridis, matplotlib's default, otherwise."""
    name = value.name if isinstance(value, Colormap) else value
    return name if isinstance(name, str) and name in COLORMAPS else "viridis"


class Colormap:
    """plt.cm.Spectral: a colormap by name."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<matplotlib.colors.LinearSegmentedColormap object ({self.name})>"


def recorded() -> list[dict[str, Any]]:
    """The figures of the run in progress, with something drawn on them."""
    if Figures.recorder is not hooks.Current.recorder:
        return []
    return [figure for figure in Figures.figures if figure["series"] or figure["title"]]
