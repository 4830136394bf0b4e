"""Which calls a picture draws collapsed: each collapsed group is one box, every other group a cluster.

A group is a call of the program's own function or method that made values (`Neuron 3 · call 2`).
Collapsed, its values and those of the calls inside it are drawn as one box showing its output;
expanded, they are drawn inside a frame titled with the call. "auto" collapses the innermost
calls of a big pass, so the lecture's network shows its neurons and layers at a glance.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from engine.errors import ProgramError
from engine.exploration import Exploration

AUTO_COLLAPSE_VALUES = 150  # values in a pass past which "auto" collapses its innermost calls
# Clusters nested deeper than this are drawn as part of the one around them: dot's time grows
# with nesting (a recursion 190 calls deep: 0.9 s with a cluster per call, 0.2 s with twelve).
MAX_CLUSTER_DEPTH = 12

Collapse = Literal["auto"] | Sequence[str]  # "auto", or the ids of the groups to collapse


@dataclass(frozen=True)
class View:
    """One way to draw a pass: where each node and group is drawn, by place (index in the exploration)."""

    collapsed: list[int]  # places of the collapsed groups that are drawn, outermost only, in order
    clusters: list[int]  # places of the groups drawn as clusters, in order (a parent before its children)
    group_frames: list[int | None]  # the cluster each group is drawn in (None: the graph itself)
    boxes: list[int | None]  # each node's box: the place of the collapsed group it is drawn in, if any
    frames: list[int | None]  # each node's cluster, when it is not in a box
    outputs: dict[int, int]  # a box's output (the value its call returned) when the box holds it


def collapsed_groups(exploration: Exploration, collapse: Collapse = "auto") -> list[str]:
    """The ids of the groups to draw collapsed, outermost only, in the pass's group order."""
    groups = exploration.groups
    if collapse == "auto":
        if len(exploration.nodes) <= AUTO_COLLAPSE_VALUES:
            return []
        parents = {group.parent for group in groups}
        wanted = {group.id for group in groups if group.id not in parents}
    else:
        known = {group.id for group in groups}
        for group_id in collapse:
            if group_id not in known:
                raise ProgramError(
                    "name", f"there is no group '{group_id[:40]}' in pass {exploration.pass_index}; see `groups`"
                )
        wanted = set(collapse)
    inside: dict[str, bool] = {}  # whether a group is inside a wanted one; a parent comes before its children
    outermost = []
    for group in groups:
        parent = group.parent
        inside[group.id] = parent is not None and (parent in wanted or inside[parent])
        if group.id in wanted and not inside[group.id]:
            outermost.append(group.id)
    return outermost


def make_view(exploration: Exploration, collapsed: Sequence[str], max_depth: int = MAX_CLUSTER_DEPTH) -> View:
    """Where each node and group of a pass is drawn when the groups `collapsed` (outermost only) are, with
    clusters nested at most `max_depth` deep."""
    places = {group.id: index for index, group in enumerate(exploration.groups)}
    box_of: list[int | None] = []  # each group's box: itself or the collapsed group around it
    frame_of: list[int | None] = []  # each group's own cluster, or the cluster its values are drawn in
    group_frames: list[int | None] = []
    depths: list[int] = []
    clusters: list[int] = []
    wanted = set(collapsed)
    for place, group in enumerate(exploration.groups):  # a parent comes before its children
        parent = places[group.parent] if group.parent is not None else None
        depth = depths[parent] + 1 if parent is not None else 0
        depths.append(depth)
        outer_box = box_of[parent] if parent is not None else None
        box_of.append(place if group.id in wanted and outer_box is None else outer_box)
        frame = frame_of[parent] if parent is not None else None
        group_frames.append(frame)
        if box_of[place] is None and depth < max_depth:
            clusters.append(place)
            frame = place
        frame_of.append(frame)
    boxes: list[int | None] = []
    frames: list[int | None] = []
    for node in exploration.nodes:
        owner = places[node.group] if node.group is not None else None
        box = box_of[owner] if owner is not None else None
        boxes.append(box)
        frames.append(frame_of[owner] if owner is not None and box is None else None)
    nodes = {node.id: index for index, node in enumerate(exploration.nodes)}
    outputs = {}
    for box_id in collapsed:
        box = places[box_id]
        output = nodes.get(exploration.groups[box].output or "")
        if output is not None and boxes[output] == box:
            outputs[box] = output
    return View([places[group_id] for group_id in collapsed], clusters, group_frames, boxes, frames, outputs)
