"""pyplot's calls that draw data (plot, scatter, contourf, axhline, axvline): each adds a series to the figure.

A series is plain data in the figure's record (engine/program/figure_record.py): numbers checked and
charged to the run's points, colours and texts cut to size; the server draws it (engine/figures/).
"""

from __future__ import annotations

from typing import Any

import numpy

from engine.program.figure_record import (
    cmap_of,
    color_of,
    current_figure,
    finite,
    number_of,
    numbers_of,
    text_of,
)
from engine.program.pyplot_artists import Line2D, PathCollection, QuadContourSet


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
