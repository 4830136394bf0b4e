"""matplotlib.pyplot as a program sees it: each call is recorded, and the server draws the figures.

Nothing here draws: a figure is its calls' numbers and texts (plain data in the recorder's message),
and the server turns them into an SVG of its own making (engine/figures/), so nothing a program
does reaches a renderer, a font file or a path. As with Jupyter's inline backend, a figure ends with
its cell, at `plt.show()` or at `plt.figure()`; `savefig` writes nothing.
"""

from __future__ import annotations

from typing import Any

import numpy

from engine.program.figure_record import (
    COLORMAPS,
    Colormap,
    Figures,
    cmap_of,
    color_of,
    current_figure,
    finite,
    new_figure,
    number_of,
    numbers_of,
    recorded,
    run_figures,
    start,
    text_of,
)

__all__ = ["recorded", "start"]


class Artist:
    """What a drawing call returns: its repr is matplotlib's kind of object."""

    kind = "matplotlib.artist.Artist"

    def __repr__(self) -> str:
        return f"<{self.kind} object at {id(self):#x}>"  # as CPython writes an object without a repr of its own


class Line2D(Artist):
    """What plot() returns, one per line."""

    kind = "matplotlib.lines.Line2D"


class PathCollection(Artist):
    """What scatter() returns."""

    kind = "matplotlib.collections.PathCollection"


class QuadContourSet(Artist):
    """What contourf() returns."""

    kind = "matplotlib.contour.QuadContourSet"


class Legend(Artist):
    """What legend() returns."""

    kind = "matplotlib.legend.Legend"


class Text:
    """A title's or label's Text, as matplotlib shows it: Text(0.5, 1.0, 'title')."""

    def __init__(self, x: float, y: float, text: str) -> None:
        self.x, self.y, self.text = x, y, text

    def __repr__(self) -> str:
        return f"Text({self.x:g}, {self.y:g}, {self.text!r})"


def _split_format(fmt: str) -> tuple[str | None, str, str]:
    """A format string as `'r--'` or `'o'`: colour, line style, marker."""
    color = next((c for c in "bgrcmykw" if c in fmt), None)
    style = next((s for s in ("--", "-.", ":", "-") if s in fmt), "")
    marker = next((m for m in "o.x+*s^v" if m in fmt), "")
    return color, style if style or marker else "-", marker


def plot(*args: Any, **kwargs: Any) -> list[Line2D]:
    """plt.plot(y), plt.plot(x, y), plt.plot(x, y, 'r--', x2, y2, ...): one line per group."""
    figure = current_figure()
    lines = []
    rest = list(args)
    while rest:
        group = [rest.pop(0)]
        while rest and not isinstance(rest[0], str) and len(group) < 2:
            group.append(rest.pop(0))
        fmt = rest.pop(0) if rest and isinstance(rest[0], str) else ""
        ys = numbers_of(group[-1], "y")
        xs = numbers_of(group[0], "x") if len(group) == 2 else [float(i) for i in range(len(ys))]
        if len(xs) != len(ys):
            raise ValueError(f"x and y must have same first dimension, but have shapes ({len(xs)},) and ({len(ys)},)")
        color, style, marker = _split_format(fmt)
        figure["series"].append(
            {
                "kind": "line",
                "x": xs,
                "y": ys,
                "color": color_of(kwargs.get("color", kwargs.get("c", color))),
                "style": {"dashed": "--", "dotted": ":", "dashdot": "-."}.get(str(kwargs.get("linestyle")), style),
                "marker": marker if "marker" not in kwargs else text_of(kwargs["marker"])[:1],
                "width": min(max(number_of(kwargs.get("linewidth", kwargs.get("lw", 1.5)), 1.5), 0.1), 10.0),
                "label": text_of(kwargs.get("label")),
            }
        )
        lines.append(Line2D())
    return lines


def scatter(x: Any, y: Any, s: Any = None, c: Any = None, cmap: Any = None, **kwargs: Any) -> PathCollection:
    """Points, coloured by `c` (numbers through the colormap, or one colour)."""
    xs, ys = numbers_of(x, "x"), numbers_of(y, "y")
    if len(xs) != len(ys):
        raise ValueError("x and y must be the same size")
    values = None
    color = color_of(kwargs.get("color"))
    if isinstance(c, str):
        color = c[:30]
    elif c is not None:
        values = numbers_of(c, "c")
        if len(values) != len(xs):
            raise ValueError(
                f"'c' argument has {len(values)} elements, which is inconsistent with 'x' of size {len(xs)}"
            )
    current_figure()["series"].append(
        {
            "kind": "scatter",
            "x": xs,
            "y": ys,
            "values": values,
            "color": color,
            "cmap": cmap_of(cmap),
            "size": min(max(number_of(s if s is not None and numpy.ndim(s) == 0 else 36.0, 36.0), 1.0), 400.0),
            "alpha": min(max(number_of(kwargs.get("alpha", 1.0), 1.0), 0.0), 1.0),
            "label": text_of(kwargs.get("label")),
        }
    )
    return PathCollection()


def contourf(*args: Any, cmap: Any = None, alpha: Any = None, levels: Any = None, **kwargs: Any) -> QuadContourSet:
    """Filled contours of Z over a grid: contourf(Z) or contourf(X, Y, Z)."""
    if len(args) not in (1, 3):
        raise TypeError("contourf() takes Z, or X, Y and Z")
    z = numpy.asarray(args[-1], dtype=float)
    if z.ndim != 2 or z.shape[0] < 2 or z.shape[1] < 2:
        raise TypeError(f"Input z must be 2D, not {z.ndim}D, with at least 2 rows and columns")
    rows, columns = z.shape
    if len(args) == 3:
        x, y = numpy.asarray(args[0], dtype=float), numpy.asarray(args[1], dtype=float)
        xs = x[0] if x.ndim == 2 else x
        ys = y[:, 0] if y.ndim == 2 else y
        if xs.shape != (columns,) or ys.shape != (rows,):
            raise TypeError(f"Shapes of x {x.shape} and z {z.shape} do not match")
    else:
        xs, ys = numpy.arange(columns, dtype=float), numpy.arange(rows, dtype=float)
    current_figure()["series"].append(
        {
            "kind": "contourf",
            "x": numbers_of(xs, "X"),
            "y": numbers_of(ys, "Y"),
            "z": numbers_of(z, "Z"),
            "columns": columns,
            "levels": int(number_of(levels, 7)) if levels is None or numpy.ndim(levels) == 0 else 7,
            "cmap": cmap_of(cmap),
            "alpha": min(max(number_of(alpha if alpha is not None else 1.0, 1.0), 0.0), 1.0),
        }
    )
    return QuadContourSet()


def axhline(y: Any = 0, color: Any = None, linestyle: Any = "-", **kwargs: Any) -> Line2D:
    """A horizontal line across the axes."""
    return _rule("hline", y, color, linestyle)


def axvline(x: Any = 0, color: Any = None, linestyle: Any = "-", **kwargs: Any) -> Line2D:
    """A vertical line across the axes."""
    return _rule("vline", x, color, linestyle)


def _rule(kind: str, at: Any, color: Any, linestyle: Any) -> Line2D:
    """A line across the axes at one number: `hline` or `vline`."""
    current_figure()["series"].append(
        {
            "kind": kind,
            "at": finite(number_of(at, 0.0)),
            "color": color_of(color),
            "style": linestyle if linestyle in ("-", "--", ":", "-.") else "-",
        }
    )
    return Line2D()


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
