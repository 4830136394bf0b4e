"""matplotlib.pyplot as a program sees it: each call is recorded, and the server draws the figures.

Nothing here draws: a figure is its calls' numbers and texts (plain data in the recorder's message),
and the server turns them into an SVG of its own making (engine/figures.py), so nothing a program
does reaches a renderer, a font file or a path. As with Jupyter's inline backend, a figure ends with
its cell, at `plt.show()` or at `plt.figure()`; `savefig` writes nothing.
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


def _state() -> type[Figures]:
    recorder = hooks.Current.recorder
    if Figures.recorder is not recorder:  # a new run: nothing drawn yet
        Figures.recorder, Figures.figures, Figures.current, Figures.points = recorder, [], None, 0
        Figures.starts = cell_starts("\n".join(recorder.lines))
    return Figures


def _cell(line: int) -> int:
    return sum(1 for start in Figures.starts if start <= line) - 1


def _new_figure(size: Any = None) -> dict[str, Any]:
    state = _state()
    if len(state.figures) >= state.limits.max_figures:
        raise Limit(f"the program made more than {state.limits.max_figures:,} figures")
    line = state.recorder.running_line() if state.recorder is not None else 1
    width, height = 6.4, 4.8
    if isinstance(size, tuple | list) and len(size) == 2:
        width, height = (min(max(_number(v, 1.0), 1.0), 20.0) for v in size)
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


def _figure() -> dict[str, Any]:
    """The figure being drawn on: a new one in a new cell, as the inline backend shows one per cell."""
    state = _state()
    line = state.recorder.running_line() if state.recorder is not None else 1
    if state.current is None or state.current["cell"] != _cell(line):
        return _new_figure()
    return state.current


def _number(value: Any, default: float = math.nan) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):
        return default
    return number


def _finite(number: float) -> float | None:
    return number if math.isfinite(number) else None


def _numbers(values: Any, what: str) -> list[float | None]:
    """An array of numbers as a list (None where not finite), charged to the run's points."""
    try:
        array = numpy.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError) as error:
        raise TypeError(f"{what} must be numbers ({error})") from None
    Figures.points += array.size
    if Figures.points > Figures.limits.max_plot_points:
        raise Limit(f"the program's figures have more than {Figures.limits.max_plot_points:,} points in all")
    return [_finite(x) for x in array.tolist()]


def _text(value: Any) -> str:
    return str(value)[:MAX_TEXT_CHARS] if value is not None else ""


def _color(value: Any) -> Any:
    """A colour as matplotlib names one: a string (checked when drawn) or an RGB(A) tuple of numbers."""
    if isinstance(value, str):
        return value[:30]
    if isinstance(value, tuple | list) and len(value) in (3, 4):
        return [_number(v, 0.0) for v in value]
    return None


def _cmap(value: Any) -> str:
    name = value.name if isinstance(value, Colormap) else value
    return name if isinstance(name, str) and name in COLORMAPS else "viridis"


class Artist:
    """What a drawing call returns: its repr is matplotlib's kind of object."""

    kind = "matplotlib.artist.Artist"

    def __repr__(self) -> str:
        return f"<{self.kind} object at {id(self):#x}>"  # as CPython writes an object without a repr of its own


class Line2D(Artist):
    kind = "matplotlib.lines.Line2D"


class PathCollection(Artist):
    kind = "matplotlib.collections.PathCollection"


class QuadContourSet(Artist):
    kind = "matplotlib.contour.QuadContourSet"


class Legend(Artist):
    kind = "matplotlib.legend.Legend"


class Text:
    """A title's or label's Text, as matplotlib shows it: Text(0.5, 1.0, 'title')."""

    def __init__(self, x: float, y: float, text: str) -> None:
        self.x, self.y, self.text = x, y, text

    def __repr__(self) -> str:
        return f"Text({self.x:g}, {self.y:g}, {self.text!r})"


class Colormap:
    """plt.cm.Spectral: a colormap by name."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"<matplotlib.colors.LinearSegmentedColormap object ({self.name})>"


def _split_format(fmt: str) -> tuple[str | None, str, str]:
    """A format string as `'r--'` or `'o'`: colour, line style, marker."""
    color = next((c for c in "bgrcmykw" if c in fmt), None)
    style = next((s for s in ("--", "-.", ":", "-") if s in fmt), "")
    marker = next((m for m in "o.x+*s^v" if m in fmt), "")
    return color, style if style or marker else "-", marker


def plot(*args: Any, **kwargs: Any) -> list[Line2D]:
    """plt.plot(y), plt.plot(x, y), plt.plot(x, y, 'r--', x2, y2, ...): one line per group."""
    figure = _figure()
    lines = []
    rest = list(args)
    while rest:
        group = [rest.pop(0)]
        while rest and not isinstance(rest[0], str) and len(group) < 2:
            group.append(rest.pop(0))
        fmt = rest.pop(0) if rest and isinstance(rest[0], str) else ""
        ys = _numbers(group[-1], "y")
        xs = _numbers(group[0], "x") if len(group) == 2 else [float(i) for i in range(len(ys))]
        if len(xs) != len(ys):
            raise ValueError(f"x and y must have same first dimension, but have shapes ({len(xs)},) and ({len(ys)},)")
        color, style, marker = _split_format(fmt)
        figure["series"].append(
            {
                "kind": "line",
                "x": xs,
                "y": ys,
                "color": _color(kwargs.get("color", kwargs.get("c", color))),
                "style": {"dashed": "--", "dotted": ":", "dashdot": "-."}.get(str(kwargs.get("linestyle")), style),
                "marker": marker if "marker" not in kwargs else _text(kwargs["marker"])[:1],
                "width": min(max(_number(kwargs.get("linewidth", kwargs.get("lw", 1.5)), 1.5), 0.1), 10.0),
                "label": _text(kwargs.get("label")),
            }
        )
        lines.append(Line2D())
    return lines


def scatter(x: Any, y: Any, s: Any = None, c: Any = None, cmap: Any = None, **kwargs: Any) -> PathCollection:
    """Points, coloured by `c` (numbers through the colormap, or one colour)."""
    xs, ys = _numbers(x, "x"), _numbers(y, "y")
    if len(xs) != len(ys):
        raise ValueError("x and y must be the same size")
    values = None
    color = _color(kwargs.get("color"))
    if isinstance(c, str):
        color = c[:30]
    elif c is not None:
        values = _numbers(c, "c")
        if len(values) != len(xs):
            raise ValueError(
                f"'c' argument has {len(values)} elements, which is inconsistent with 'x' of size {len(xs)}"
            )
    _figure()["series"].append(
        {
            "kind": "scatter",
            "x": xs,
            "y": ys,
            "values": values,
            "color": color,
            "cmap": _cmap(cmap),
            "size": min(max(_number(s if s is not None and numpy.ndim(s) == 0 else 36.0, 36.0), 1.0), 400.0),
            "alpha": min(max(_number(kwargs.get("alpha", 1.0), 1.0), 0.0), 1.0),
            "label": _text(kwargs.get("label")),
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
    _figure()["series"].append(
        {
            "kind": "contourf",
            "x": _numbers(xs, "X"),
            "y": _numbers(ys, "Y"),
            "z": _numbers(z, "Z"),
            "columns": columns,
            "levels": int(_number(levels, 7)) if levels is None or numpy.ndim(levels) == 0 else 7,
            "cmap": _cmap(cmap),
            "alpha": min(max(_number(alpha if alpha is not None else 1.0, 1.0), 0.0), 1.0),
        }
    )
    return QuadContourSet()


def axhline(y: Any = 0, color: Any = None, linestyle: Any = "-", **kwargs: Any) -> Line2D:
    """A horizontal line across the axes."""
    _figure()["series"].append(
        {
            "kind": "hline",
            "at": _finite(_number(y, 0.0)),
            "color": _color(color),
            "style": linestyle if linestyle in ("-", "--", ":", "-.") else "-",
        }
    )
    return Line2D()


def axvline(x: Any = 0, color: Any = None, linestyle: Any = "-", **kwargs: Any) -> Line2D:
    """A vertical line across the axes."""
    _figure()["series"].append(
        {
            "kind": "vline",
            "at": _finite(_number(x, 0.0)),
            "color": _color(color),
            "style": linestyle if linestyle in ("-", "--", ":", "-.") else "-",
        }
    )
    return Line2D()


def grid(visible: Any = True, *args: Any, **kwargs: Any) -> None:
    """The grid behind the data."""
    _figure()["grid"] = bool(visible) if visible is not None else True


def title(label: Any, *args: Any, **kwargs: Any) -> Text:
    """The figure's title."""
    _figure()["title"] = _text(label)
    return Text(0.5, 1.0, _text(label))


def xlabel(label: Any, *args: Any, **kwargs: Any) -> Text:
    """The x axis's label."""
    _figure()["xlabel"] = _text(label)
    return Text(0.5, 0, _text(label))


def ylabel(label: Any, *args: Any, **kwargs: Any) -> Text:
    """The y axis's label."""
    _figure()["ylabel"] = _text(label)
    return Text(0, 0.5, _text(label))


def legend(*args: Any, **kwargs: Any) -> Legend:
    """The legend of the labelled lines and points."""
    figure = _figure()
    figure["legend"] = True
    if args and isinstance(args[0], list | tuple):  # plt.legend(['a', 'b']): labels in the order drawn
        for series, label in zip(
            (s for s in figure["series"] if s["kind"] in ("line", "scatter")), args[0], strict=False
        ):
            series["label"] = _text(label)
    return Legend()


def _limits(key: str, args: tuple[Any, ...], kwargs: dict[str, Any], low: str, high: str) -> tuple[float, float]:
    figure = _figure()
    if len(args) == 1 and isinstance(args[0], tuple | list):
        args = tuple(args[0])
    values = list(args) + [None] * (2 - len(args))
    lo, hi = kwargs.get(low, values[0]), kwargs.get(high, values[1])
    if lo is None and hi is None:
        current = figure[key] or [0.0, 1.0]
        return current[0], current[1]
    old = figure[key] or [None, None]
    figure[key] = [
        _finite(_number(lo)) if lo is not None else old[0],
        _finite(_number(hi)) if hi is not None else old[1],
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
        self._number = len(Figures.figures) - 1  # the record stays out of the program's reach
        self._size = tuple(record["size"])

    def add_subplot(self, *args: Any, **kwargs: Any) -> Axes:
        return Axes()

    def gca(self) -> Axes:
        return Axes()

    def savefig(self, *args: Any, **kwargs: Any) -> None:
        savefig()

    def __repr__(self) -> str:
        width, height = self._size
        record = Figures.figures[self._number] if 0 <= self._number < len(Figures.figures) else {"series": []}
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
    return Figure(_new_figure(figsize))


def subplots(nrows: int = 1, ncols: int = 1, figsize: Any = None, **kwargs: Any) -> tuple[Figure, Axes]:
    """A figure with one axes (the explorer draws one axes per figure)."""
    if nrows != 1 or ncols != 1:
        raise ValueError("the explorer draws figures with one axes: use plt.subplots() or plt.subplots(1, 1)")
    return Figure(_new_figure(figsize)), Axes()


def gca() -> Axes:
    """The current axes."""
    _figure()
    return Axes()


def show(*args: Any, **kwargs: Any) -> None:
    """Ends the figure: the next drawing call starts another."""
    _state().current = None


def close(*args: Any, **kwargs: Any) -> None:
    """Ends the figure, as show() does."""
    _state().current = None


def savefig(*args: Any, **kwargs: Any) -> None:
    """Writes no file: the figure is shown by the explorer, and a program writes no files."""
    recorder = _state().recorder
    if recorder is not None:
        note = "plt.savefig writes no file in the explorer: the figure is shown below its cell"
        if all(text != note for _, text in recorder.notes):
            recorder.notes.append((recorder.running_line(), note))


cm = type("cm", (), {name: Colormap(name) for name in COLORMAPS})()


def recorded() -> list[dict[str, Any]]:
    """The figures of the run in progress, with something drawn on them."""
    if Figures.recorder is not hooks.Current.recorder:
        return []
    return [figure for figure in Figures.figures if figure["series"] or figure["title"]]
