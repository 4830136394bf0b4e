"""matplotlib.pyplot as a program sees it: each call is recorded, and the server draws the figures.

Nothing here draws: a figure is its calls' numbers and texts (plain data in the recorder's message),
and the server turns them into an SVG of its own making (engine/figures/), so nothing a program
does reaches a renderer, a font file or a path. As with Jupyter's inline backend, a figure ends with
its cell, at `plt.show()` or at `plt.figure()`; `savefig` writes nothing. Here are the figure, its
axes and their labels, limits and legend; the calls that draw data are in pyplot_series.py, what
the calls return in pyplot_artists.py.
"""

from __future__ import annotations

from typing import Any

from engine.program.figure_record import (
    COLORMAPS,
    Colormap,
    Figures,
    current_figure,
    finite,
    new_figure,
    number_of,
    recorded,
    run_figures,
    start,
    text_of,
)
from engine.program.pyplot_artists import Legend, Text
from engine.program.pyplot_series import axhline, axvline, contourf, plot, scatter

__all__ = ["recorded", "start"]


def grid(visible: Any = True, *args: Any, **kwargs: Any) -> None:
    """The grid behind the data."""
    current_figure()["grid"] = bool(visible) if visible is not None else True


def title(label: Any, *args: Any, **kwargs: Any) -> Text:
    """The figure's title."""
    current_figure()["title"] = text_of(label)
    return Text(0.5, 1.0, text_of(label))


def xlabel(label: Any, *args: Any, **kwargs: Any) -> Text:
    """The x axis's label."""
    current_figure()["xlabel"] = text_of(label)
    return Text(0.5, 0, text_of(label))


def ylabel(label: Any, *args: Any, **kwargs: Any) -> Text:
    """The y axis's label."""
    current_figure()["ylabel"] = text_of(label)
    return Text(0, 0.5, text_of(label))


def legend(*args: Any, **kwargs: Any) -> Legend:
    """The legend of the labelled lines and points."""
    figure = current_figure()
    figure["legend"] = True
    if args and isinstance(args[0], list | tuple):  # plt.legend(['a', 'b']): labels in the order drawn
        for series, label in zip(
            (s for s in figure["series"] if s["kind"] in ("line", "scatter")), args[0], strict=False
        ):
            series["label"] = text_of(label)
    return Legend()


def _limits(key: str, args: tuple[Any, ...], kwargs: dict[str, Any], low: str, high: str) -> tuple[float, float]:
    figure = current_figure()
    if len(args) == 1 and isinstance(args[0], tuple | list):
        args = tuple(args[0])
    values = list(args) + [None] * (2 - len(args))
    lo, hi = kwargs.get(low, values[0]), kwargs.get(high, values[1])
    if lo is None and hi is None:
        current = figure[key] or [0.0, 1.0]
        return current[0], current[1]
    old = figure[key] or [None, None]
    figure[key] = [
        finite(number_of(lo)) if lo is not None else old[0],
        finite(number_of(hi)) if hi is not None else old[1],
    ]
    return figure[key][0], figure[key][1]


def xlim(*args: Any, **kwargs: Any) -> tuple[float, float]:
    """The x axis's range."""
    return _limits("xlim", args, kwargs, "left", "right")


def ylim(*args: Any, **kwargs: Any) -> tuple[float, float]:
    """The y axis's range."""
    return _limits("ylim", args, kwargs, "bottom", "top")


class Figure:
    """plt.figure()'s figure: its size, and its one axes."""

    def __init__(self, record: dict[str, Any]) -> None:
        self.number_of = len(Figures.figures) - 1  # the record stays out of the program's reach
        self._size = tuple(record["size"])

    def add_subplot(self, *args: Any, **kwargs: Any) -> Axes:
        """The figure's one axes."""
        return Axes()

    def gca(self) -> Axes:
        """The figure's one axes."""
        return Axes()

    def savefig(self, *args: Any, **kwargs: Any) -> None:
        """Writes no file, as plt.savefig."""
        savefig()

    def __repr__(self) -> str:
        width, height = self._size
        record = Figures.figures[self.number_of] if 0 <= self.number_of < len(Figures.figures) else {"series": []}
        axes = 1 if record["series"] else 0
        return f"<Figure size {width * 100:g}x{height * 100:g} with {axes} Axes>"


class Axes:
    """The one axes of a figure: the same calls as pyplot's, by their Axes names."""

    plot = staticmethod(plot)
    scatter = staticmethod(scatter)
    contourf = staticmethod(contourf)
    axhline = staticmethod(axhline)
    axvline = staticmethod(axvline)
    grid = staticmethod(grid)
    legend = staticmethod(legend)
    set_title = staticmethod(title)
    set_xlabel = staticmethod(xlabel)
    set_ylabel = staticmethod(ylabel)
    set_xlim = staticmethod(xlim)
    set_ylim = staticmethod(ylim)

    def __repr__(self) -> str:
        return "<Axes: >"


def figure(*args: Any, figsize: Any = None, **kwargs: Any) -> Figure:
    """A new figure, of figsize inches (6.4 by 4.8 unless given)."""
    return Figure(new_figure(figsize))


def subplots(nrows: int = 1, ncols: int = 1, figsize: Any = None, **kwargs: Any) -> tuple[Figure, Axes]:
    """A figure with one axes (the explorer draws one axes per figure)."""
    if nrows != 1 or ncols != 1:
        raise ValueError("the explorer draws figures with one axes: use plt.subplots() or plt.subplots(1, 1)")
    return Figure(new_figure(figsize)), Axes()


def gca() -> Axes:
    """The current axes."""
    current_figure()
    return Axes()


def show(*args: Any, **kwargs: Any) -> None:
    """Ends the figure: the next drawing call starts another."""
    run_figures().current = None


def close(*args: Any, **kwargs: Any) -> None:
    """Ends the figure, as show() does."""
    run_figures().current = None


def savefig(*args: Any, **kwargs: Any) -> None:
    """Writes no file: the figure is shown by the explorer, and a program writes no files."""
    recorder = run_figures().recorder
    if recorder is not None:
        note = "plt.savefig writes no file in the explorer: the figure is shown below its cell"
        if all(text != note for _, text in recorder.notes):
            recorder.notes.append((recorder.running_line(), note))


cm = type("cm", (), {name: Colormap(name) for name in COLORMAPS})()
