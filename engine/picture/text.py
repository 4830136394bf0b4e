"""The DOT text of a graph: draw_dot's records and operation nodes, the API's ids, every label escaped.

The text depends only on the structure (labels, operations, edges): number cells have a fixed
width and hold a placeholder, and nodes are named by their place in the topological order
(`v0`, `v1`, ...), not by their ids, so one layout serves every data and grad of a structure and
every pass of a training loop; the template puts each pass's own ids back (template.py).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Mapping

from engine.steps import Exploration

NUMBER_CELL = "-00000.0000"  # the widest number the cells are sized for; wider ones overflow, never relayout
# The graph has a name: an unnamed one gets a counter that a long-lived dot increases from graph to graph.
GRAPH_NAME = "computation graph"
HEADER = (
    f'digraph "{GRAPH_NAME}" {{\n'
    "\tgraph [bgcolor=transparent rankdir=LR]\n"
    '\tnode [fontname="DejaVu Sans" fontsize=12]\n'
    "\tedge [arrowsize=0.6]\n"
)
ID = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")  # DOT identifiers that need no quotes (numerals are quoted)
KEYWORDS = {"node", "edge", "graph", "digraph", "subgraph", "strict"}


def structure_key(exploration: Exploration) -> tuple[object, ...]:
    """What the layout depends on, and nothing else: labels, operations and edges between places."""
    places = {node.id: index for index, node in enumerate(exploration.nodes)}
    nodes = tuple((node.label, node.op) for node in exploration.nodes)
    return nodes, tuple((places[edge.source], places[edge.target]) for edge in exploration.edges)


def place_name(index: int) -> str:
    """The name of the node at this place in the topological order, in the DOT text and the template."""
    return f"v{index}"


def dot_size(exploration: Exploration) -> int:
    """The nodes dot lays out: one per value and one per operation."""
    return len(exploration.nodes) + sum(1 for node in exploration.nodes if node.op)


def dot_source(exploration: Exploration) -> str:
    """The DOT text of a graph, laid out left to right like micrograd's draw_dot; numbers are placeholders."""
    lines = [HEADER]
    names = {node.id: place_name(index) for index, node in enumerate(exploration.nodes)}
    for node in exploration.nodes:
        name = names[node.id]
        lines.append(f"\t{name} [label={_value_label(node.label)} id={_quote(f'node-{name}')} shape=plain]\n")
        if node.op:
            op, op_id, edge_id = f"op_{name}", _quote(f"op-{name}"), _quote(f"edge-op-{name}")
            lines.append(f"\t{op} [label=<{_escape(node.op)}> id={op_id} shape=ellipse]\n")
            lines.append(f"\t{op} -> {name} [id={edge_id}]\n")
    positions: dict[str, int] = {}
    for edge in exploration.edges:
        source, target = names[edge.source], names[edge.target]
        k = positions.get(target, 0)
        positions[target] = k + 1
        lines.append(f"\t{source} -> op_{target} [id={_quote(f'edge-{source}-{target}-{k}')}]\n")
    lines.append("}\n")
    return "".join(lines)


def with_graph_attributes(source: str, attributes: Mapping[str, str]) -> str:
    """The DOT text with graph attributes set inside it, as dot's -G flags would set them."""
    header, body = source.split("\n", 1)
    settings = " ".join(f'{name}="{value}"' for name, value in attributes.items())
    return f"{header}\n\tgraph [{settings}]\n{body}"


def _quote(name: str) -> str:
    """A DOT identifier: as it is when it is one, else a quoted string."""
    if ID.fullmatch(name) and name.lower() not in KEYWORDS:
        return name
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


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
