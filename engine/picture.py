"""The picture: DOT built from a graph, laid out once by Graphviz's `dot`, numbers filled in per request.

The layout depends only on the structure (ids, labels, operations, edges): number cells have a
fixed width, so a template made by one `dot` run serves every data and grad of that structure.
Every text is escaped for Graphviz's HTML-like labels; the SVG gets the stable ids of the API.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import time
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

import graphviz

from engine.steps import Exploration
from engine.value import format_number

NUMBER_CELL = "-00000.0000"  # the widest number the cells are sized for; wider ones overflow, never relayout
# dot's effort by graph size, in dot nodes (values and operations). Up to FULL_EFFORT_NODES dot runs
# with its defaults. Up to TRY_FULL_EFFORT_NODES it gets FULL_EFFORT_TRY seconds at its defaults,
# which layered graphs like an MLP need (0.2 s for the MLP example) and tangled ones exceed; past
# that, or past the try, it runs with the fewest optimisation passes (a random 600-value DAG: 0.5 s
# instead of 4.4 s).
FULL_EFFORT_NODES = 350
TRY_FULL_EFFORT_NODES = 1_000
FULL_EFFORT_TRY = 0.5  # seconds
LOW_EFFORT = ["-Gnslimit=0", "-Gnslimit1=0", "-Gmclimit=0.01", "-Gsearchsize=1", "-Gremincross=false"]
LOW_EFFORT += ["-Gnewrank=true", "-Gsplines=line"]
NODE_GROUP = re.compile(r'<g id="node-([^"]+)" class="node">(.*?)</g>', re.DOTALL)
TEXT = re.compile(r"<text([^>]*)>([^<]*)</text>")


class PictureError(Exception):
    """Graphviz could not draw the graph: `dot` is missing, failed, or took too long."""


class GraphvizMissing(PictureError):
    """The dot program is not installed."""


class DrawTimeout(PictureError):
    """dot ran past its time limit and was killed."""


@dataclass(frozen=True)
class SvgTemplate:
    """An SVG with a slot for every data and grad text: parts[0] slot[0] parts[1] ... parts[-1]."""

    parts: list[str]
    slots: list[tuple[str, str]]  # ("data" | "grad", node id)


def structure_key(exploration: Exploration) -> tuple[object, ...]:
    """What the layout depends on, and nothing else: ids, labels, operations and edges."""
    nodes = tuple((node.id, node.label, node.op) for node in exploration.nodes)
    return nodes, tuple((edge.source, edge.target) for edge in exploration.edges)


def dot_source(exploration: Exploration) -> str:
    """The DOT text of a graph, laid out left to right like micrograd's draw_dot; numbers are placeholders."""
    dot = graphviz.Digraph(
        graph_attr={"rankdir": "LR", "bgcolor": "transparent"},
        node_attr={"fontname": "DejaVu Sans", "fontsize": "12"},
        edge_attr={"arrowsize": "0.6"},
    )
    for node in exploration.nodes:
        dot.node(node.id, _value_label(node.label), shape="plain", id=f"node-{node.id}")
        if node.op:
            dot.node(f"op_{node.id}", f"<{_escape(node.op)}>", shape="ellipse", id=f"op-{node.id}")
            dot.edge(f"op_{node.id}", node.id, id=f"edge-op-{node.id}")
    positions: dict[str, int] = {}
    for edge in exploration.edges:
        k = positions.get(edge.target, 0)
        positions[edge.target] = k + 1
        dot.edge(edge.source, f"op_{edge.target}", id=f"edge-{edge.source}-{edge.target}-{k}")
    source: str = dot.source
    return source


def _escape(text: str) -> str:
    """Text for an HTML-like label: markup escaped, control characters made visible."""
    visible = "".join(
        char if unicodedata.category(char)[0] != "C" else char.encode("unicode_escape").decode("ascii") for char in text
    )
    return html.escape(visible, quote=False)


def _value_label(label: str) -> str:
    cell = f'<TD FIXEDSIZE="TRUE" WIDTH="{len(NUMBER_CELL) * 8 + 44}" HEIGHT="24">'
    return (
        '<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4"><TR>'
        f'<TD HEIGHT="24">{_escape(label)}</TD>'
        f"{cell}data {NUMBER_CELL}</TD>{cell}grad {NUMBER_CELL}</TD>"
        "</TR></TABLE>>"
    )


def find_dot() -> str | None:
    """The path of Graphviz's dot, or None when it is not installed."""
    return shutil.which("dot")


def layout(exploration: Exploration, timeout: float) -> SvgTemplate:
    """Lay a graph out with dot, with as much effort as its size allows within `timeout` seconds."""
    source = dot_source(exploration)
    size = len(exploration.nodes) + sum(1 for node in exploration.nodes if node.op)
    if size <= FULL_EFFORT_NODES:
        return render_template(source, timeout)
    started = time.monotonic()
    if size <= TRY_FULL_EFFORT_NODES and timeout > FULL_EFFORT_TRY:
        try:
            return render_template(source, FULL_EFFORT_TRY)
        except DrawTimeout:
            pass
    try:
        return render_template(source, timeout - (time.monotonic() - started), LOW_EFFORT)
    except DrawTimeout:
        raise DrawTimeout(timeout_message(timeout)) from None


def timeout_message(timeout: float) -> str:
    """What a drawing past its time limit tells the user."""
    return f"Graphviz took longer than {timeout:.2g} s to draw this graph"


def render_template(source: str, timeout: float, flags: Sequence[str] = ()) -> SvgTemplate:
    """Run dot once on a DOT text and turn its SVG into a template with a slot per number."""
    dot = find_dot()
    if dot is None:
        raise GraphvizMissing("Graphviz is not installed: the dot program was not found")
    try:
        # subprocess.run kills dot and reaps it when the time limit passes.
        result = subprocess.run([dot, "-Tsvg", *flags], input=source.encode(), capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        raise DrawTimeout(timeout_message(timeout)) from None
    svg = result.stdout.decode("utf-8", "replace")
    if result.returncode != 0 or "</svg>" not in svg:
        reason = result.stderr.decode("utf-8", "replace").strip().splitlines()[:1]
        raise PictureError(f"Graphviz failed to draw this graph ({reason[0] if reason else result.returncode})")
    return _template(svg)


def _template(svg: str) -> SvgTemplate:
    svg = re.sub(r"<!--.*?-->\n?", "", svg[svg.index("<svg") :], flags=re.DOTALL).replace("&#45;", "-")
    parts: list[str] = []
    slots: list[tuple[str, str]] = []
    cursor = 0
    for group in NODE_GROUP.finditer(svg):
        node_id = group.group(1)
        texts = list(TEXT.finditer(svg, group.start(2), group.end(2)))
        if len(texts) < 2:
            raise PictureError("Graphviz drew a value node without its data and grad")
        for kind, text in zip(("data", "grad"), texts[-2:], strict=True):
            parts.append(svg[cursor : text.start()] + f'<text id="{kind}-{node_id}" class="{kind}"{text.group(1)}>')
            slots.append((kind, node_id))
            cursor = text.end(2)
    parts.append(svg[cursor:])
    return SvgTemplate(parts, slots)


def fill_template(template: SvgTemplate, exploration: Exploration) -> str:
    """The template with this exploration's data and grad in every slot."""
    numbers = {node.id: {"data": node.data, "grad": node.grad} for node in exploration.nodes}
    pieces = [template.parts[0]]
    for (kind, node_id), part in zip(template.slots, template.parts[1:], strict=True):
        pieces.append(f"{kind} {format_number(numbers[node_id][kind])}")
        pieces.append(part)
    return "".join(pieces)


def render_svg(exploration: Exploration, timeout: float = 10.0) -> str:
    """Draw a graph with its current numbers, with no caching."""
    return fill_template(layout(exploration, timeout), exploration)
