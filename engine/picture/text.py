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
from collections import Counter
from collections.abc import Mapping

from engine.exploration import Exploration, NodeRecord
from engine.picture.view import View, make_view

NUMBER_CELL = "-000.0000"  # the widest number the cells are sized for; wider ones overflow, never relayout
NUMBER_WIDTH = 104  # px at 12 px DejaVu Sans: "grad -000.0000" and a margin
ROW_HEIGHT = 20
NAME_SIZE = 11  # an unlabelled value's name in its label slot
NAME_COLOUR = "#5b5b66"
SLOT_NAME_CHARS = 24  # of a name in a label slot: the start of a longer one, so that its record stays narrow
OP_NODE = "shape=ellipse width=0.3 height=0.3 margin=0.03"  # an operation: as small as its sign
# The graph has a name: an unnamed one gets a counter that a long-lived dot increases from graph to graph.
GRAPH_NAME = "computation graph"
HEADER = (
    f'digraph "{GRAPH_NAME}" {{\n'
    '\tgraph [bgcolor=transparent rankdir=LR fontname="DejaVu Sans" ranksep=0.45 nodesep=0.2]\n'
    '\tnode [fontname="DejaVu Sans" fontsize=12]\n'
    "\tedge [arrowsize=0.6]\n"
)
ID = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")  # DOT identifiers that need no quotes (numerals are quoted)
BOX_COLOUR = "#e8eefc"  # a collapsed call
FEED_COLOUR = "#a9b4c4"  # edges out of a collapsed call that returned no Value of its own
CLUSTER_STYLE = 'style="rounded,dashed" color="#7a869a" fontcolor="#3b4a63" fontsize=13 labeljust=l'
KEYWORDS = {"node", "edge", "graph", "digraph", "subgraph", "strict"}


def structure_key(exploration: Exploration, view: View | None = None) -> tuple[object, ...]:
    """What the layout depends on, and nothing else: labels, operations, edges and groups between places."""
    view = view or make_view(exploration, [])
    places = {node.id: index for index, node in enumerate(exploration.nodes)}
    nodes = tuple((node.label, slot_name(node), node.op) for node in exploration.nodes)
    edges = tuple((places[edge.source], places[edge.target]) for edge in exploration.edges)
    groups = tuple(group.label for group in exploration.groups)
    shown = (view.clusters, view.group_frames, view.frames, view.collapsed, list(view.outputs.items()))
    return nodes, edges, groups, *(tuple(part) for part in shown)


def place_name(index: int) -> str:
    """The name of the node at this place in the topological order, in the DOT text and the template."""
    return f"v{index}"


def group_name(index: int) -> str:
    """The name of the group at this place in the pass's groups, in the DOT text and the template."""
    return f"c{index}"


def dot_size(exploration: Exploration, view: View | None = None) -> int:
    """The nodes dot lays out: one per value and one per operation outside boxes, one per box."""
    view = view or make_view(exploration, [])
    shown = sum(2 if node.op else 1 for node, box in zip(exploration.nodes, view.boxes, strict=True) if box is None)
    return shown + len(view.collapsed)


def dot_source(exploration: Exploration, view: View | None = None) -> str:
    """The DOT text of a graph, laid out left to right like micrograd's draw_dot; numbers are placeholders.

    Nodes inside a collapsed group are drawn as its box; every other group is a cluster around its values.
    """
    view = view or make_view(exploration, [])
    contents: dict[int | None, list[str]] = {}  # the statements of each cluster (None: the graph itself)
    for place, node in enumerate(exploration.nodes):
        if view.boxes[place] is None:
            contents.setdefault(view.frames[place], []).extend(_value_node(place, node.label, slot_name(node), node.op))
    places = {node.id: index for index, node in enumerate(exploration.nodes)}
    sizes = Counter(view.boxes)
    for box in view.collapsed:
        statement = _box_node(exploration.groups[box].label, box, box in view.outputs, sizes[box])
        contents.setdefault(view.group_frames[box], []).append(statement)
    order = _box_order(exploration, view, places)
    for frame, statement in order:
        contents.setdefault(frame, []).append(statement)
    # dot's last pass over the whole graph would undo the order of the boxes inside their clusters
    header = HEADER + ("\tgraph [remincross=false]\n" if order else "")
    lines = [header, *_cluster_text(exploration, view, contents), *_edges(exploration, view, places), "}\n"]
    return "".join(lines)


def _box_order(exploration: Exploration, view: View, places: dict[str, int]) -> list[tuple[int | None, str]]:
    """Boxes of one frame fed by the same values (the neurons of one layer's call) kept in the order of
    their calls, top to bottom, as the code made them: dot would otherwise order them to shorten edges.
    The parameters a box takes from a constructor's box are not counted: each neuron has its own."""
    feeds: dict[int, set[str]] = {box: set() for box in view.collapsed}
    for edge in exploration.edges:
        source, target = places[edge.source], places[edge.target]
        source_box, target_box = view.boxes[source], view.boxes[target]
        feeder = source_box is None or source_box in view.outputs  # not a constructor's parameters
        if target_box is not None and source_box != target_box and feeder:
            feeds[target_box].add(place_name(source) if source_box is None else group_name(source_box))
    rows: dict[tuple[int | None, frozenset[str]], list[int]] = {}
    for box in view.collapsed:
        rows.setdefault((view.group_frames[box], frozenset(feeds[box])), []).append(box)
    statements = []
    for (frame, _), boxes in rows.items():
        if len(boxes) > 1:
            chain = " -> ".join(group_name(box) for box in reversed(boxes))  # left to right: bottom to top
            statements.append((frame, f"{{rank=same; {chain} [style=invis]}}\n"))
    return statements


def slot_name(node: NodeRecord) -> str:
    """What the label slot of an unlabelled value shows, in a lighter colour: the name the page gives it
    (its variable, its path, else the source text that made it), so that a name read in the narration
    can be found in the picture."""
    name = "" if node.label else node.name or node.path or node.expr
    return name if len(name) <= SLOT_NAME_CHARS else name[: SLOT_NAME_CHARS - 1] + "…"


def _value_node(place: int, label: str, shown_name: str, op: str) -> list[str]:
    name = place_name(place)
    lines = [f"{name} [label={_value_label(label, shown_name)} id={_quote(f'node-{name}')} shape=plain]\n"]
    if op:
        op_name, op_id, edge_id = f"op_{name}", _quote(f"op-{name}"), _quote(f"edge-op-{name}")
        lines.append(f"op_{name} [label=<{_escape(op)}> id={op_id} {OP_NODE}]\n")
        lines.append(f"{op_name} -> {name} [id={edge_id}]\n")
    return lines


def _box_node(label: str, box: int, shows_output: bool, size: int) -> str:
    """A collapsed group: its title and its output's data and grad, or how many values it holds."""
    name = group_name(box)
    title = f'<TR><TD HEIGHT="{ROW_HEIGHT}">{_bold(label)}</TD></TR>'
    if shows_output:
        cells = "".join(f"<TR>{_number_cell()}{kind} {NUMBER_CELL}</TD></TR>" for kind in ("data", "grad"))
    else:
        cells = f'<TR><TD HEIGHT="{ROW_HEIGHT}">{size} values</TD></TR>'
    table = f'<TABLE BORDER="1" CELLBORDER="1" CELLSPACING="0" CELLPADDING="2" BGCOLOR="{BOX_COLOUR}">'
    return f"{name} [label=<{table}{title}{cells}</TABLE>> id={_quote(f'group-{name}')} shape=plain]\n"


def _cluster_text(exploration: Exploration, view: View, contents: dict[int | None, list[str]]) -> list[str]:
    """The statements of the graph with a cluster per expanded group, nested as the calls were."""
    children: dict[int | None, list[int]] = {}
    for place in view.clusters:
        children.setdefault(view.group_frames[place], []).append(place)
    lines: list[str] = []
    stack: list[tuple[int | None, int]] = [(None, 1)]  # (cluster, depth); a negative cluster closes one
    while stack:
        cluster, depth = stack.pop()
        indent = "\t" * depth
        if cluster is not None and cluster < 0:
            lines.append("\t" * (depth - 1) + "}\n")
            continue
        if cluster is not None:
            name = group_name(cluster)
            label = _escape(exploration.groups[cluster].label)
            lines.append("\t" * (depth - 1) + f"subgraph cluster_{name} {{\n")
            lines.append(f"{indent}id={_quote(f'group-{name}')} label=<{label}> {CLUSTER_STYLE}\n")
            stack.append((-1, depth))
        lines.extend(indent + statement for statement in contents.get(cluster, []))
        stack.extend((child, depth + 1) for child in reversed(children.get(cluster, [])))
    return lines


def _edges(exploration: Exploration, view: View, places: dict[str, int]) -> list[str]:
    """Operand to operation, in operand order; into and out of a box once per pair of ends."""
    lines = []
    positions: dict[int, int] = {}
    seen: set[tuple[str, str]] = set()
    for edge in exploration.edges:
        source, target = places[edge.source], places[edge.target]
        k = positions.get(target, 0)
        positions[target] = k + 1
        source_box, target_box = view.boxes[source], view.boxes[target]
        start = place_name(source) if source_box is None else group_name(source_box)
        end = f"op_{place_name(target)}" if target_box is None else group_name(target_box)
        if (source_box is not None and source_box == target_box) or (start, end) in seen:
            continue
        if target_box is not None:
            seen.add((start, end))
        edge_id = _quote(f"edge-{place_name(source)}-{place_name(target)}-{k}")
        # Out of a box with no output (a constructor's parameters) in a lighter line, behind the flow of values.
        colour = f' color="{FEED_COLOUR}"' if source_box is not None and source_box not in view.outputs else ""
        lines.append(f"\t{start} -> {end} [id={edge_id}{colour}]\n")
    return lines


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


def _bold(label: str) -> str:
    """A label in bold; an empty one as nothing (dot refuses an empty <B></B>)."""
    return f"<B>{_escape(label)}</B>" if label else ""


def _light(name: str) -> str:
    """An unlabelled value's name: smaller and lighter than a label, the program's own."""
    return f'<FONT POINT-SIZE="{NAME_SIZE}" COLOR="{NAME_COLOUR}">{_escape(name)}</FONT>' if name else ""


def _number_cell() -> str:
    return f'<TD FIXEDSIZE="TRUE" WIDTH="{NUMBER_WIDTH}" HEIGHT="{ROW_HEIGHT}">'


def _value_label(label: str, name: str = "") -> str:
    """draw_dot's record `label | data | grad`, its fields one above the other as a record's are when
    the graph runs left to right: a column as narrow as a number, so that a chain of values fits a
    screen at a readable size."""
    cell = _number_cell()
    return (
        '<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="2">'
        f'<TR><TD HEIGHT="{ROW_HEIGHT}">{_bold(label) if label else _light(name)}</TD></TR>'
        f"<TR>{cell}data {NUMBER_CELL}</TD></TR><TR>{cell}grad {NUMBER_CELL}</TD></TR>"
        "</TABLE>>"
    )
