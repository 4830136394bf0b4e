"""The DOT text of a graph: draw_dot's records and operation nodes, the API's ids, every label escaped.

The text depends only on the structure (ids, labels, operations, edges): number cells have a
fixed width and hold a placeholder, so one layout serves every data and grad of a structure.
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
    """What the layout depends on, and nothing else: ids, labels, operations and edges."""
    nodes = tuple((node.id, node.label, node.op) for node in exploration.nodes)
    return nodes, tuple((edge.source, edge.target) for edge in exploration.edges)


def dot_size(exploration: Exploration) -> int:
    """The nodes dot lays out: one per value and one per operation."""
    return len(exploration.nodes) + sum(1 for node in exploration.nodes if node.op)


def dot_source(exploration: Exploration) -> str:
    """The DOT text of a graph, laid out left to right like micrograd's draw_dot; numbers are placeholders."""
    lines = [HEADER]
    for node in exploration.nodes:
        name, node_id = _quote(node.id), _quote(f"node-{node.id}")
        lines.append(f"\t{name} [label={_value_label(node.label)} id={node_id} shape=plain]\n")
        if node.op:
            op, op_id, edge_id = _quote(f"op_{node.id}"), _quote(f"op-{node.id}"), _quote(f"edge-op-{node.id}")
            lines.append(f"\t{op} [label=<{_escape(node.op)}> id={op_id} shape=ellipse]\n")
            lines.append(f"\t{op} -> {name} [id={edge_id}]\n")
    positions: dict[str, int] = {}
    for edge in exploration.edges:
        k = positions.get(edge.target, 0)
        positions[edge.target] = k + 1
        edge_id = _quote(f"edge-{edge.source}-{edge.target}-{k}")
        lines.append(f"\t{_quote(edge.source)} -> {_quote(f'op_{edge.target}')} [id={edge_id}]\n")
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
