"""contourf as SVG: the grid's cells filled in the colours of their level bands, as matplotlib's filled contours.

A cell whose four corners fall in one band is one rectangle (a row's run of such cells is merged); a cell
across bands is divided and each part coloured by the bilinear value at its centre, which is how
matplotlib's contours cross a cell, so a boundary shows the intermediate bands as thin stripes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from engine.figures.axes import FigureError, checked_number, checked_numbers, fmt, nice_ticks
from engine.figures.style import COLORMAPS, colormap

SUBDIVISIONS = 8  # parts per side of a cell that crosses bands
MAX_CELLS = 40_000  # cells drawn; a finer grid is sampled


def _levels(low: float, high: float, ticks: Callable[[float, float, int], list[float]]) -> list[float]:
    """matplotlib's automatic levels: about 7 nice steps covering the data."""
    levels = ticks(low, high if high > low else low + 1e-9, 7)
    step = levels[1] - levels[0] if len(levels) > 1 else 1.0
    if levels[0] > low:
        levels.insert(0, levels[0] - step)
    if levels[-1] < high or len(levels) < 2:
        levels.append(levels[-1] + step)
    return levels


def draw_contourf(s: dict[str, Any], X: Callable[[float], float], Y: Callable[[float], float]) -> list[str]:
    """The SVG elements of one contourf record (checked: numbers, grid shape, colormap)."""
    xs, ys, z = checked_numbers(s.get("x")), checked_numbers(s.get("y")), checked_numbers(s.get("z"))
    columns = s.get("columns")
    if type(columns) is not int or columns != len(xs) or len(z) != len(xs) * len(ys) or len(xs) < 2 or len(ys) < 2:
        raise FigureError("a contourf's grid is not as pyplot records it")
    finite = [v for v in z if v is not None]
    if not finite or any(v is None for v in xs + ys):
        return []
    gx: list[float] = [v for v in xs if v is not None]
    gy: list[float] = [v for v in ys if v is not None]
    levels = _levels(min(finite), max(finite), nice_ticks)
    bands = len(levels) - 1
    cmap = str(s.get("cmap")) if s.get("cmap") in COLORMAPS else "viridis"
    colors = [colormap(cmap, k / (bands - 1) if bands > 1 else 0.5) for k in range(bands)]

    def band(value: float) -> int:
        return next((k for k in range(bands) if value < levels[k + 1]), bands - 1)

    def rect(x0: float, x1: float, y0: float, y1: float, k: int) -> str:
        left, right, top, bottom = X(x0), X(x1), Y(y1), Y(y0)
        return (
            f'<rect x="{fmt(min(left, right))}" y="{fmt(min(top, bottom))}" width="{fmt(abs(right - left))}"'
            f' height="{fmt(abs(bottom - top))}" fill="{colors[k]}"/>'
        )

    alpha = checked_number(s.get("alpha"))
    opacity = f' opacity="{fmt(alpha)}"' if alpha is not None and alpha < 1 else ""
    parts = [f'<g class="contourf" data-bands="{bands}" shape-rendering="crispEdges"{opacity}>']
    rows = len(gy)
    stride = max(1, int(((rows - 1) * (columns - 1) / MAX_CELLS) ** 0.5 + 0.999))
    for i in range(0, rows - 1, stride):
        i2 = min(i + stride, rows - 1)
        run_start, run_band = 0, -1
        for j in [*range(0, columns - 1, stride), columns - 1]:
            j2 = min(j + stride, columns - 1)
            k = -1
            if j < columns - 1:
                corners = [z[i * columns + j], z[i * columns + j2], z[i2 * columns + j], z[i2 * columns + j2]]
                if all(c is not None for c in corners):
                    a, b, c, d = (float(v) for v in corners)
                    found = {band(a), band(b), band(c), band(d)}
                    k = found.pop() if len(found) == 1 else -2  # -2: across bands, divided below
            if k != run_band or k == -2 or j >= columns - 1:
                if run_band >= 0:
                    parts.append(rect(gx[run_start], gx[j], gy[i], gy[i2], run_band))
                run_start, run_band = j, k
            if k == -2:
                for p in range(SUBDIVISIONS):
                    for q in range(SUBDIVISIONS):
                        u, v = (q + 0.5) / SUBDIVISIONS, (p + 0.5) / SUBDIVISIONS
                        value = a * (1 - u) * (1 - v) + b * u * (1 - v) + c * (1 - u) * v + d * u * v
                        x0 = gx[j] + (gx[j2] - gx[j]) * q / SUBDIVISIONS
                        x1 = gx[j] + (gx[j2] - gx[j]) * (q + 1) / SUBDIVISIONS
                        y0 = gy[i] + (gy[i2] - gy[i]) * p / SUBDIVISIONS
                        y1 = gy[i] + (gy[i2] - gy[i]) * (p + 1) / SUBDIVISIONS
                        parts.append(rect(x0, x1, y0, y1, band(value)))
                run_band = -1
    parts.append("</g>")
    return parts
