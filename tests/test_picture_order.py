"""The picture's shape: a value's record is a narrow column, and the neurons of one layer's call are drawn
in the order the code made them, top to bottom (dot alone drew layer 2 as 7, 8, 5, 6)."""

from __future__ import annotations

import html
import re

from engine.examples import EXAMPLES
from engine.picture import collapsed_groups, make_view, render_svg
from engine.steps import explore


def source(example_id: str) -> str:
    return next(example.source for example in EXAMPLES if example.id == example_id)


def box_tops(svg: str) -> dict[str, float]:
    """Each collapsed box's title and the y of its top edge (smaller is higher on screen)."""
    tops = {}
    for box in re.finditer(r'<g id="group-g\d+" class="node">(.*?)</g>', svg, re.DOTALL):
        points = re.search(r'points="([-\d.]+),([-\d.]+)', box.group(1))
        title = re.search(r"<text[^>]*>([^<]*)</text>", box.group(1))
        assert points and title
        tops[title.group(1)] = float(points.group(2))
    return tops


def test_the_neurons_of_each_layer_call_are_drawn_top_to_bottom_in_their_order() -> None:
    exploration = explore(source("mlp-loss"))
    svg = render_svg(exploration, view=make_view(exploration, collapsed_groups(exploration, "auto")))
    tops = box_tops(svg)
    layers = [range(1, 5), range(5, 9)]
    for call in range(1, 5):
        for layer in layers:
            ys = [tops[f"Neuron {n} · call {call}"] for n in layer]
            assert ys == sorted(ys), (call, ys)  # Neuron 1 above Neuron 2 ...
            assert len(set(ys)) == len(ys)


def test_the_lecture_graphs_are_narrow_enough_to_read_whole_on_a_laptop() -> None:
    # At 12 px text (14 px boxes) the picture's unit is about 1.2 per pixel: both fit a 900 px wide area.
    for example_id, widest in (("lecture-L", 700), ("neuron", 900)):
        exploration = explore(source(example_id))
        svg = render_svg(exploration)
        match = re.search(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"', svg)
        assert match and float(match.group(1)) <= widest, (example_id, match and match.group(1))


def test_an_unlabelled_value_shows_its_expression_escaped_in_its_label_slot() -> None:
    exploration = explore('x = 3.0\ny = x * {"<b>&</b>": 3.0}["<b>&</b>"] + 1.0\n')
    svg = render_svg(exploration)
    node = next(node for node in exploration.nodes if node.op == "*")
    assert node.expr == 'x * {"<b>&</b>": 3.0}["<b>&</b>"]'
    group = re.search(rf'<g id="node-{node.id}" class="node">(.*?)</g>', svg, re.DOTALL)
    assert group is not None
    texts = re.findall(r"<text[^>]*>([^<]*)</text>", group.group(1))
    assert html.unescape(texts[0]) == node.expr[:23] + "…"  # the start of a long name, so the record stays narrow
    assert "<b>" not in group.group(1)  # shown as typed, never read as markup
    assert texts[1:] == ["data 9.0000", "grad 1.0000"]  # its grads after backward, as every picture
