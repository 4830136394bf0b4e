"""The picture: DOT built from a graph, laid out by a long-lived Graphviz `dot`, numbers filled in per request.

The layout depends only on the structure (ids, labels, operations, edges): number cells have a
fixed width, so a template made by one dot layout serves every data and grad of that structure.
Every text is escaped for Graphviz's HTML-like labels; the SVG gets the stable ids of the API.

view.py chooses which calls are drawn collapsed, text.py builds the DOT text, layout.py chooses dot's
effort, process.py and pool.py keep dot processes that draw graph after graph, template.py turns an
SVG into a template and fills it in.
"""

from engine.picture.errors import DrawTimeout, GraphvizMissing, PictureError, timeout_message
from engine.picture.layout import (
    FULL_EFFORT_NODES,
    FULL_EFFORT_TRY,
    LOW_EFFORT,
    TRY_FULL_EFFORT_NODES,
    Render,
    layout,
    render_svg,
    render_template,
)
from engine.picture.pool import DotPool
from engine.picture.process import RECYCLE_BYTES, DotProcess, find_dot, graphviz_version
from engine.picture.template import SvgTemplate, fill_template, format_number, make_template
from engine.picture.text import NUMBER_CELL, dot_size, dot_source, structure_key, with_graph_attributes
from engine.picture.view import AUTO_COLLAPSE_VALUES, MAX_CLUSTER_DEPTH, Collapse, View, collapsed_groups, make_view

__all__ = [
    "AUTO_COLLAPSE_VALUES",
    "FULL_EFFORT_NODES",
    "FULL_EFFORT_TRY",
    "LOW_EFFORT",
    "MAX_CLUSTER_DEPTH",
    "NUMBER_CELL",
    "RECYCLE_BYTES",
    "TRY_FULL_EFFORT_NODES",
    "Collapse",
    "DotPool",
    "DotProcess",
    "DrawTimeout",
    "GraphvizMissing",
    "PictureError",
    "Render",
    "SvgTemplate",
    "View",
    "collapsed_groups",
    "dot_size",
    "dot_source",
    "fill_template",
    "find_dot",
    "format_number",
    "graphviz_version",
    "layout",
    "make_template",
    "make_view",
    "render_svg",
    "render_template",
    "structure_key",
    "timeout_message",
    "with_graph_attributes",
]
