"""An SVG from dot turned into a template with a slot for every data and grad text, and filled in."""

from __future__ import annotations

import re
from dataclasses import dataclass

from engine.picture.errors import PictureError
from engine.steps import Exploration
from engine.value import format_number

NODE_GROUP = re.compile(r'<g id="node-([^"]+)" class="node">(.*?)</g>', re.DOTALL)
TEXT = re.compile(r"<text([^>]*)>([^<]*)</text>")
# dot names the graph's group "graph0" in its first picture and "page0,1_graph0" in every later one.
GRAPH_GROUP = re.compile(r'<g id="page\d+,\d+_(graph\d+)" class="graph"')


@dataclass(frozen=True)
class SvgTemplate:
    """An SVG with a slot for every data and grad text: parts[0] slot[0] parts[1] ... parts[-1]."""

    parts: list[str]
    slots: list[tuple[str, str]]  # ("data" | "grad", node id)


def make_template(svg: str) -> SvgTemplate:
    """The template of one SVG document from dot: comments dropped, a slot at each data and grad text."""
    start = svg.find("<svg")
    if start < 0 or "</svg>" not in svg:
        raise PictureError("Graphviz wrote something that is not a picture")
    svg = re.sub(r"<!--.*?-->\n?", "", svg[start:], flags=re.DOTALL).replace("&#45;", "-")
    svg = GRAPH_GROUP.sub(r'<g id="\1" class="graph"', svg, count=1)
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
