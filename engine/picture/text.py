"""The DOT text of a graph: draw_dot's records and operation nodes, the API's ids, every label escaped.

The text depends only on the structure (ids, labels, operations, edges): number cells have a
fixed width and hold a placeholder, so one layout serves every data and grad of a structure.
"""

from __future__ import annotations

import html
import unicodedata
from collections.abc import Mapping

import graphviz

from engine.steps import Exploration

NUMBER_CELL = "-00000.0000"  # the widest number the cells are sized for; wider ones overflow, never relayout
# The graph has a name: an unnamed one gets a counter that a long-lived dot increases from graph to graph.
GRAPH_NAME = "computation graph"


def structure_key(exploration: Exploration) -> tuple[object, ...]:
    """What the layout depends on, and nothing else: ids, labels, operations and edges."""
    nodes = tuple((node.id, node.label, node.op) for node in exploration.nodes)
    return nodes, tuple((edge.source, edge.target) for edge in exploration.edges)


def dot_size(exploration: Exploration) -> int:
    """The nodes dot lays out: one per value and one per operation."""
    return len(exploration.nodes) + sum(1 for node in exploration.nodes if node.op)


def dot_source(exploration: Exploration) -> str:
    """The DOT text of a graph, laid out left to right like micrograd's draw_dot; numbers are placeholders."""
    dot = graphviz.Digraph(
        GRAPH_NAME,
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


def with_graph_attributes(source: str, attributes: Mapping[str, str]) -> str:
    """The DOT text with graph attributes set inside it, as dot's -G flags would set them."""
    header, body = source.split("\n", 1)
    settings = " ".join(f'{name}="{value}"' for name, value in attributes.items())
    return f"{header}\n\tgraph [{settings}]\n{body}"


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
