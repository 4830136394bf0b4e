"""An SVG from dot turned into a template with a slot for every data and grad text, and filled in."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from engine.exploration import Exploration
from engine.picture.errors import PictureError


def format_number(x: float) -> str:
    """A number as the picture and the page show it: Python's %.4f, negative zero as 0.0000."""
    text = f"{x:.4f}"
    return "0.0000" if text == "-0.0000" else text


NODE_GROUP = re.compile(r'<g id="node-([^"]+)" class="node">(.*?)</g>', re.DOTALL)
# A collapsed group's box shows its output's data and grad; their placeholders name the output's place.
BOX_GROUP = re.compile(r'<g id="group-c(\d+)" class="node">(.*?)</g>', re.DOTALL)
TEXT = re.compile(r"<text([^>]*)>([^<]*)</text>")
# dot names the graph's group "graph0" in its first picture and "page0,1_graph0" in every later one.
GRAPH_GROUP = re.compile(r'<g id="page\d+,\d+_(graph\d+)" class="graph"')


# A node's name in the DOT text (`v12`, its place in the topological order) or a group's (`c3`, its
# place in the pass's groups) where dot repeats it: in element ids and in titles (`v3->op_v12`,
# `cluster_c3`), never in labels.
NAMED = re.compile(r'id="[^"]*"|<title>[^<]*</title>')
PLACE = re.compile(r"(?<=[-_>;])([vc])(\d+)(?=[-_<&\"])")
SLOT_OF_NAME = {"v": "id", "c": "group"}


@dataclass(frozen=True)
class SvgTemplate:
    """An SVG with a slot for every node id, data and grad text: parts[0] slot[0] parts[1] ... parts[-1]."""

    parts: list[str]
    slots: list[tuple[str, int]]  # ("id" | "data" | "grad", a node's place) or ("group", a group's place)


def make_template(svg: str, box_outputs: Mapping[int, int] | None = None) -> SvgTemplate:
    """The template of one SVG document from dot: comments dropped, a slot at each data and grad text.

    `box_outputs` gives the place of the output each collapsed group's box shows, by the group's place.
    """
    box_outputs = box_outputs or {}
    start = svg.find("<svg")
    if start < 0 or "</svg>" not in svg:
        raise PictureError("Graphviz wrote something that is not a picture")
    svg = re.sub(r"<!--.*?-->\n?", "", svg[start:], flags=re.DOTALL).replace("&#45;", "-")
    svg = GRAPH_GROUP.sub(r'<g id="\1" class="graph"', svg, count=1)
    cuts: list[tuple[int, int, str, int]] = []  # (start, end, slot kind, place): text replaced by a slot
    # (span, the place whose numbers it shows, what it is): value nodes, and boxes showing their output
    numbered = [(group.span(2), int(group.group(1)[1:]), "a value node") for group in NODE_GROUP.finditer(svg)]
    for group in BOX_GROUP.finditer(svg):
        output = box_outputs.get(int(group.group(1)))
        if output is not None:
            numbered.append((group.span(2), output, "a collapsed call"))
    for (first, last), place, drawn in numbered:
        texts = list(TEXT.finditer(svg, first, last))
        if len(texts) < 2:
            raise PictureError(f"Graphviz drew {drawn} without its data and grad")
        for kind, text in zip(("data", "grad"), texts[-2:], strict=True):
            cuts.append((text.start(2), text.end(2), kind, place))
    for named in NAMED.finditer(svg):
        for name in PLACE.finditer(svg, named.start(), named.end()):
            cuts.append((name.start(), name.end(), SLOT_OF_NAME[name.group(1)], int(name.group(2))))
    parts: list[str] = []
    slots: list[tuple[str, int]] = []
    cursor = 0
    for start, end, kind, place in sorted(cuts):
        piece = svg[cursor:start]
        if kind in ("data", "grad"):  # the text element gets the API's id: data-<id>, grad-<id>
            opening = piece.rindex("<text")
            parts.append(f'{piece[:opening]}<text id="{kind}-')
            slots.append(("id", place))
            piece = f'" class="{kind}"{svg[cursor + opening + 5 : start]}'
        parts.append(piece)
        slots.append((kind, place))
        cursor = end
    parts.append(svg[cursor:])
    return SvgTemplate(parts, slots)


def fill_template(template: SvgTemplate, exploration: Exploration) -> str:
    """The template with this exploration's ids, data and grads in its slots."""
    nodes = exploration.nodes
    pieces = [template.parts[0]]
    for (kind, place), part in zip(template.slots, template.parts[1:], strict=True):
        if kind == "group":
            pieces.append(exploration.groups[place].id)
        elif kind == "id":
            pieces.append(nodes[place].id)
        else:
            node = nodes[place]
            pieces.append(f"{kind} {format_number(node.data if kind == 'data' else node.grad)}")
        pieces.append(part)
    return "".join(pieces)
