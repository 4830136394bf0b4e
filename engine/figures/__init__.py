"""A program's figures as SVG: the server draws each from the numbers and texts its pyplot calls recorded.

The jailed child only records (engine/program/pyplot.py); everything here is a pure function of that
record, which is read as untrusted data: every number is checked to be finite, every colour is one
of a table or `#rrggbb`, and every text is escaped, so the SVG is self-contained and safe to inline
(no script, no event attribute, no external reference) whatever the labels say. It looks as the
notebook's inline figure does: matplotlib's sizes at 100 dpi, its colour cycle, ticks, grid, lines,
markers, scatter points, filled contours, title, axis labels and legend.
"""

from __future__ import annotations

import math
import re
from typing import Any

from engine.figures.axes import (
    Axis,
    FigureError,
    axis_range,
    checked_number,
    checked_numbers,
    checked_text,
    escape,
    fmt,
    nice_ticks,
    tick_labels,
)
from engine.figures.contour import draw_contourf
from engine.figures.style import COLORMAPS, CYCLE, NAMED_COLORS, colormap

DPI = 100  # pixels per inch, as matplotlib's default
PT = DPI / 72  # pixels per point
MAX_SERIES = 200  # series drawn per figure
MAX_DRAWN_POINTS = 5_000  # points drawn per line; a longer line is thinned evenly
HEX = re.compile(r"#[0-9a-fA-F]{6}")
SHORT_HEX = re.compile(r"#[0-9a-fA-F]{3}")


def _color(value: Any, default: str) -> str:
    """A colour as `#rrggbb`: matplotlib's names, `C0`..`C9`, hex, or an RGB tuple of 0..1; else the default."""
    if isinstance(value, str):
        name = value.strip()
        if HEX.fullmatch(name):
            return name.lower()
        if SHORT_HEX.fullmatch(name):
            return "#" + "".join(c * 2 for c in name[1:]).lower()
        if re.fullmatch(r"C\d", name):
            return CYCLE[int(name[1]) % len(CYCLE)]
        return NAMED_COLORS.get(name.lower(), default)
    if isinstance(value, list) and len(value) in (3, 4) and all(type(v) in (int, float) for v in value):
        return "#" + "".join(f"{round(min(max(v, 0.0), 1.0) * 255):02x}" for v in value[:3])
    return default


def draw_figure(figure: dict[str, Any]) -> str:
    """The SVG of one recorded figure."""
    if not isinstance(figure, dict) or not isinstance(figure.get("series"), list):
        raise FigureError("a figure is not as pyplot records it")
    size = figure.get("size")
    inches = [checked_number(v) for v in size] if isinstance(size, list) and len(size) == 2 else [6.4, 4.8]
    width = round(min(max(inches[0] or 6.4, 1.0), 20.0) * DPI)
    height = round(min(max(inches[1] or 4.8, 1.0), 20.0) * DPI)
    left, right, top, bottom = 0.125 * width, 0.9 * width, 0.12 * height, 0.89 * height
    series = [s for s in figure["series"][:MAX_SERIES] if isinstance(s, dict)]
    xs: list[float] = []
    ys: list[float] = []
    sticky_x = sticky_y = False
    for s in series:
        kind = s.get("kind")
        if kind in ("line", "scatter"):
            xs += [v for v in checked_numbers(s.get("x")) if v is not None]
            ys += [v for v in checked_numbers(s.get("y")) if v is not None]
        elif kind == "contourf":
            xs += [v for v in checked_numbers(s.get("x")) if v is not None]
            ys += [v for v in checked_numbers(s.get("y")) if v is not None]
            sticky_x = sticky_y = True
        elif kind == "hline" and checked_number(s.get("at")) is not None:
            ys.append(float(s["at"]))
        elif kind == "vline" and checked_number(s.get("at")) is not None:
            xs.append(float(s["at"]))
    X = Axis(*axis_range(xs, not sticky_x, figure.get("xlim")), left, right)
    Y = Axis(*axis_range(ys, not sticky_y, figure.get("ylim")), bottom, top)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="figure" viewBox="0 0 {width} {height}" width="{width}"'
        f' height="{height}" font-family="DejaVu Sans, Bitstream Vera Sans, Arial, sans-serif" role="img">',
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
    ]
    xticks = [t for t in nice_ticks(X.low, X.high, 9) if X.low - 1e-9 <= t <= X.high + 1e-9]
    yticks = [t for t in nice_ticks(Y.low, Y.high, 9) if Y.low - 1e-9 <= t <= Y.high + 1e-9]
    plot_area = [
        f'<svg x="{fmt(left)}" y="{fmt(top)}" width="{fmt(right - left)}" height="{fmt(bottom - top)}"'
        f' viewBox="{fmt(left)} {fmt(top)} {fmt(right - left)} {fmt(bottom - top)}" overflow="hidden">'
    ]
    for s in series:
        if s.get("kind") == "contourf":
            plot_area += draw_contourf(s, X, Y)
    if figure.get("grid") is True:
        grid = [f'<line x1="{fmt(X(t))}" y1="{fmt(top)}" x2="{fmt(X(t))}" y2="{fmt(bottom)}"/>' for t in xticks]
        grid += [f'<line x1="{fmt(left)}" y1="{fmt(Y(t))}" x2="{fmt(right)}" y2="{fmt(Y(t))}"/>' for t in yticks]
        plot_area.append(f'<g class="grid" stroke="#b0b0b0" stroke-width="{fmt(0.8 * PT)}">{"".join(grid)}</g>')
    legend: list[tuple[str, str, str]] = []
    color_index = 0
    for s in series:
        kind = s.get("kind")
        if kind == "line":
            color = _color(s.get("color"), CYCLE[color_index % len(CYCLE)])
            color_index += 1
            plot_area.append(_line(s, X, Y, color))
            if checked_text(s.get("label")) and not checked_text(s.get("label")).startswith("_"):
                legend.append((checked_text(s.get("label")), color, "line"))
        elif kind == "scatter":
            color = _color(s.get("color"), CYCLE[color_index % len(CYCLE)])
            color_index += 1
            plot_area.append(_scatter(s, X, Y, color))
            if checked_text(s.get("label")):
                legend.append((checked_text(s.get("label")), color, "point"))
        elif kind in ("hline", "vline") and checked_number(s.get("at")) is not None:
            color = _color(s.get("color"), CYCLE[color_index % len(CYCLE)])
            color_index += 1
            at = float(s["at"])
            a, b = ((left, Y(at)), (right, Y(at))) if kind == "hline" else ((X(at), top), (X(at), bottom))
            plot_area.append(
                f'<line class="{kind}" x1="{fmt(a[0])}" y1="{fmt(a[1])}" x2="{fmt(b[0])}" y2="{fmt(b[1])}"'
                f' stroke="{color}" stroke-width="{fmt(1.5 * PT)}"{_dash(s.get("style"))}/>'
            )
    plot_area.append("</svg>")
    out += plot_area
    out.append(
        f'<rect class="frame" x="{fmt(left)}" y="{fmt(top)}" width="{fmt(right - left)}"'
        f' height="{fmt(bottom - top)}" fill="none" stroke="#000000" stroke-width="{fmt(0.8 * PT)}"/>'
    )
    out += _ticks(xticks, yticks, X, Y, left, bottom)
    title, xlabel, ylabel = (escape(checked_text(figure.get(key))) for key in ("title", "xlabel", "ylabel"))
    if title:
        out.append(
            f'<text class="title" x="{fmt((left + right) / 2)}" y="{fmt(top - 0.6 * 12 * PT)}"'
            f' font-size="{fmt(12 * PT)}" text-anchor="middle">{title}</text>'
        )
    if xlabel:
        out.append(
            f'<text class="xlabel" x="{fmt((left + right) / 2)}" y="{fmt(bottom + 3.2 * 10 * PT)}"'
            f' font-size="{fmt(10 * PT)}" text-anchor="middle">{xlabel}</text>'
        )
    if ylabel:
        widest = max((len(label) for label in tick_labels(yticks)), default=1) * 0.62 * 10 * PT
        x, y = max(left - 3.5 * PT - 3 - widest - 0.7 * 10 * PT, 0.8 * 10 * PT), (top + bottom) / 2
        out.append(
            f'<text class="ylabel" x="{fmt(x)}" y="{fmt(y)}" font-size="{fmt(10 * PT)}"'
            f' text-anchor="middle" transform="rotate(-90 {fmt(x)} {fmt(y)})">{ylabel}</text>'
        )
    if figure.get("legend") is True and legend:
        out += _legend(legend, right, top)
    out.append("</svg>")
    return "".join(out)


def _dash(style: Any) -> str:
    dashes = {"--": "3.7 1.6", ":": "1 1.65", "-.": "6.4 1.6 1 1.6"}
    if style in dashes:
        return f' stroke-dasharray="{" ".join(fmt(float(d) * 1.5 * PT) for d in dashes[style].split())}"'
    return ""


def _line(s: dict[str, Any], X: Axis, Y: Axis, color: str) -> str:
    xs, ys = checked_numbers(s.get("x")), checked_numbers(s.get("y"))
    if len(xs) != len(ys):
        raise FigureError("a line's x and y differ in length")
    count = len(xs)
    stride = max(1, math.ceil(count / MAX_DRAWN_POINTS))
    points = [(x, y) for x, y in list(zip(xs, ys, strict=True))[::stride]]
    width = checked_number(s.get("width")) or 1.5
    runs: list[list[str]] = [[]]
    for x, y in points:
        if x is None or y is None:
            runs.append([])
        else:
            runs[-1].append(f"{fmt(X(x))},{fmt(Y(y))}")
    style = s.get("style")
    marker = checked_text(s.get("marker"), 1)
    parts = [f'<g class="line" data-points="{count}">']
    if style in ("-", "--", ":", "-."):
        for run in runs:
            if run:
                parts.append(
                    f'<polyline points="{" ".join(run)}" fill="none" stroke="{color}"'
                    f' stroke-width="{fmt(min(max(width, 0.1), 10.0) * PT)}" stroke-linejoin="round"'
                    f' stroke-linecap="square"{_dash(style)}/>'
                )
    if marker:
        radius = 3 * PT if marker != "." else 1.5 * PT
        for run in runs:
            for point in run:
                px, py = point.split(",")
                parts.append(f'<circle cx="{px}" cy="{py}" r="{fmt(radius)}" fill="{color}"/>')
    parts.append("</g>")
    return "".join(parts)


def _scatter(s: dict[str, Any], X: Axis, Y: Axis, color: str) -> str:
    xs, ys = checked_numbers(s.get("x")), checked_numbers(s.get("y"))
    values = checked_numbers(s["values"]) if s.get("values") is not None else None
    if len(xs) != len(ys) or (values is not None and len(values) != len(xs)):
        raise FigureError("a scatter's x, y and c differ in length")
    cmap = str(s.get("cmap")) if s.get("cmap") in COLORMAPS else "viridis"
    finite = [v for v in values or [] if v is not None]
    low, high = (min(finite), max(finite)) if finite else (0.0, 1.0)
    size = checked_number(s.get("size")) or 36.0
    radius = math.sqrt(min(max(size, 1.0), 400.0)) / 2 * PT
    alpha = checked_number(s.get("alpha"))
    opacity = f' fill-opacity="{fmt(alpha)}"' if alpha is not None and alpha < 1 else ""
    parts = [f'<g class="scatter" data-points="{len(xs)}"{opacity}>']
    for k, (x, y) in enumerate(zip(xs, ys, strict=True)):
        if x is None or y is None:
            continue
        fill = color
        if values is not None:
            v = values[k]
            fill = colormap(cmap, 0.0 if v is None or high == low else (v - low) / (high - low))
        parts.append(f'<circle cx="{fmt(X(x))}" cy="{fmt(Y(y))}" r="{fmt(radius)}" fill="{fill}"/>')
    parts.append("</g>")
    return "".join(parts)


def _ticks(xticks: list[float], yticks: list[float], X: Axis, Y: Axis, left: float, bottom: float) -> list[str]:
    size, length = 10 * PT, 3.5 * PT
    parts = [f'<g class="ticks" stroke="#000000" stroke-width="{fmt(0.8 * PT)}">']
    parts += [
        f'<line x1="{fmt(X(t))}" y1="{fmt(bottom)}" x2="{fmt(X(t))}" y2="{fmt(bottom + length)}"/>' for t in xticks
    ]
    parts += [f'<line x1="{fmt(left)}" y1="{fmt(Y(t))}" x2="{fmt(left - length)}" y2="{fmt(Y(t))}"/>' for t in yticks]
    parts.append(f'</g><g class="tick-labels" font-size="{fmt(size)}" fill="#000000">')
    parts += [
        f'<text class="xtick" x="{fmt(X(t))}" y="{fmt(bottom + length + size)}" text-anchor="middle">'
        f"{escape(label)}</text>"
        for t, label in zip(xticks, tick_labels(xticks), strict=True)
    ]
    parts += [
        f'<text class="ytick" x="{fmt(left - length - 3)}" y="{fmt(Y(t) + size * 0.35)}" text-anchor="end">'
        f"{escape(label)}</text>"
        for t, label in zip(yticks, tick_labels(yticks), strict=True)
    ]
    parts.append("</g>")
    return parts


def _legend(entries: list[tuple[str, str, str]], right: float, top: float) -> list[str]:
    size = 10 * PT
    rows = entries[:20]
    width = max(len(label) for label, _, _ in rows) * size * 0.6 + 3.5 * size
    height = len(rows) * size * 1.4 + size * 0.6
    x0, y0 = right - width - 0.5 * size, top + 0.5 * size
    parts = [
        f'<g class="legend" font-size="{fmt(size)}"><rect x="{fmt(x0)}" y="{fmt(y0)}" width="{fmt(width)}"'
        f' height="{fmt(height)}" rx="3" fill="#ffffff" fill-opacity="0.8" stroke="#cccccc"/>'
    ]
    for k, (label, color, kind) in enumerate(rows):
        y = y0 + size * (1.0 + 1.4 * k)
        if kind == "line":
            parts.append(
                f'<line x1="{fmt(x0 + 0.4 * size)}" y1="{fmt(y)}" x2="{fmt(x0 + 2.2 * size)}" y2="{fmt(y)}"'
                f' stroke="{color}" stroke-width="{fmt(1.5 * PT)}"/>'
            )
        else:
            parts.append(f'<circle cx="{fmt(x0 + 1.3 * size)}" cy="{fmt(y)}" r="{fmt(3 * PT)}" fill="{color}"/>')
        parts.append(f'<text x="{fmt(x0 + 2.8 * size)}" y="{fmt(y + 0.35 * size)}">{escape(label)}</text>')
    parts.append("</g>")
    return parts


def draw_plots(figures: Any, cells: int) -> list[dict[str, Any]]:
    """The API's `plots` for the figures a run recorded: index, line, cell, svg, and each series' points."""
    if not isinstance(figures, list):
        raise FigureError("the figures are not a list")
    plots = []
    for index, figure in enumerate(figures):
        if not isinstance(figure, dict):
            raise FigureError("a figure is not as pyplot records it")
        line, cell = figure.get("line"), figure.get("cell")
        series = (
            [
                {
                    "kind": s.get("kind"),
                    "points": len(s["x"]) if isinstance(s.get("x"), list) else 0,
                    "label": checked_text(s.get("label")),
                }
                for s in figure["series"]
                if isinstance(s, dict) and s.get("kind") in ("line", "scatter", "contourf", "hline", "vline")
            ]
            if isinstance(figure.get("series"), list)
            else []
        )
        plots.append(
            {
                "index": index,
                "line": line if type(line) is int and line > 0 else 1,
                "cell": cell if type(cell) is int and 0 <= cell < max(cells, 1) else 0,
                "svg": draw_figure(figure),
                "title": checked_text(figure.get("title")),
                "series": series,
            }
        )
    return plots
