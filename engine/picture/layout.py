"""A layout from dot with as much effort as the graph's size and the time limit allow.

Up to FULL_EFFORT_NODES dot nodes (values and operations) dot runs with its defaults. Up to
TRY_FULL_EFFORT_NODES it gets FULL_EFFORT_TRY seconds at its defaults, which layered graphs like
an MLP need (0.2 s for the MLP example) and tangled ones exceed; past that, or past the try, it
runs with the fewest optimisation passes (a random 600-value DAG: 0.5 s instead of 4.4 s), all
but one of them for a graph with clusters. The effort is set by graph attributes inside the DOT
text, so one long-lived dot serves every level.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping

from engine.exploration import Exploration
from engine.picture.errors import DrawTimeout, timeout_message
from engine.picture.process import DotProcess
from engine.picture.template import SvgTemplate, fill_template, make_template
from engine.picture.text import dot_size, dot_source, with_graph_attributes
from engine.picture.view import View, make_view

FULL_EFFORT_NODES = 350
TRY_FULL_EFFORT_NODES = 1_000
FULL_EFFORT_TRY = 0.5  # seconds
LOW_EFFORT = {"nslimit": "0", "nslimit1": "0", "mclimit": "0.01", "searchsize": "1", "remincross": "false"}
LOW_EFFORT |= {"newrank": "true", "splines": "line"}
# With clusters, nslimit1=0 is what makes dot slow: a recursion 190 calls deep passed 20 s with it
# and took 0.2 s without it; 300 sibling calls 4.4 s and 0.3 s.
LOW_EFFORT_CLUSTERS = {name: value for name, value in LOW_EFFORT.items() if name != "nslimit1"}

Render = Callable[[str, float], str]  # DOT text and seconds in, SVG out: a dot process's render


def layout(
    exploration: Exploration, timeout: float, render: Render | None = None, view: View | None = None
) -> SvgTemplate:
    """Lay a graph out, as `view` groups it (all expanded by default), with `render` (a dot started for it
    by default) within `timeout` seconds."""
    if render is None:
        dot = DotProcess()
        try:
            return layout(exploration, timeout, dot.render, view)
        finally:
            dot.close()
    view = view or make_view(exploration, [])
    source = dot_source(exploration, view)
    size = dot_size(exploration, view)
    outputs = view.outputs
    if size <= FULL_EFFORT_NODES:
        return render_template(source, timeout, render, outputs)
    started = time.monotonic()
    if size <= TRY_FULL_EFFORT_NODES and timeout > FULL_EFFORT_TRY:
        try:
            return render_template(source, FULL_EFFORT_TRY, render, outputs)
        except DrawTimeout:
            pass
    low_effort = with_graph_attributes(source, LOW_EFFORT_CLUSTERS if view.clusters else LOW_EFFORT)
    try:
        return render_template(low_effort, timeout - (time.monotonic() - started), render, outputs)
    except DrawTimeout:
        raise DrawTimeout(timeout_message(timeout)) from None


def render_template(
    source: str, timeout: float, render: Render | None = None, box_outputs: Mapping[int, int] | None = None
) -> SvgTemplate:
    """Draw a DOT text with `render` (a dot started for it by default) and make its SVG a template."""
    if render is None:
        dot = DotProcess()
        try:
            return make_template(dot.render(source, timeout), box_outputs)
        finally:
            dot.close()
    return make_template(render(source, timeout), box_outputs)


def render_svg(
    exploration: Exploration, timeout: float = 10.0, render: Render | None = None, view: View | None = None
) -> str:
    """Draw a graph with its current numbers, with no caching."""
    return fill_template(layout(exploration, timeout, render, view), exploration)
