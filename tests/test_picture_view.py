"""Groups in the picture: the call tree of the lecture's network, clusters, collapsed boxes and their layouts."""

from __future__ import annotations

import html
import os
import re
import time
from collections import Counter

import pytest

from app.pictures import PictureLimit
from engine.errors import ProgramError
from engine.examples import EXAMPLES
from engine.exploration import Exploration
from engine.picture import (
    AUTO_COLLAPSE_VALUES,
    MAX_CLUSTER_DEPTH,
    collapsed_groups,
    dot_size,
    dot_source,
    format_number,
    make_view,
    render_svg,
    structure_key,
)
from engine.steps import explore
from tests.programs import LECTURE_L
from tests.test_pictures import make_pictures

pytestmark = pytest.mark.skipif(os.system("command -v dot >/dev/null") != 0, reason="Graphviz is not installed")

TRAINING = next(example.source for example in EXAMPLES if example.id == "lecture-training")
CALLS = "def f(x):\n    y = x * 2.0\n    return y + 1.0\n\na = Value(3.0, label='a')\nb = f(a)\nc = f(b) * a"


def training(pass_index: int | None = None) -> Exploration:
    return explore(TRAINING, pass_index=pass_index)


def element_ids(svg: str, kind: str) -> set[str]:
    return set(re.findall(rf'<g id="([^"]+)" class="{kind}">', svg))


def test_the_lecture_network_records_its_call_tree_mlp_layer_neuron() -> None:
    graph = training()
    by_id = {group.id: group for group in graph.groups}
    calls = [group for group in graph.groups if group.name.endswith("__call__")]
    assert Counter(group.name for group in calls) == {"MLP.__call__": 4, "Layer.__call__": 12, "Neuron.__call__": 36}
    for group in calls:
        parent = by_id[group.parent] if group.parent else None
        expected = {"MLP.__call__": None, "Layer.__call__": "MLP.__call__", "Neuron.__call__": "Layer.__call__"}
        assert (parent.name if parent else None) == expected[group.name]
    assert [group.label for group in calls[:3]] == ["MLP 1 · call 1", "Layer 1 · call 1", "Neuron 1 · call 1"]
    assert calls[-1].label == "Neuron 9 · call 4"


def test_every_value_a_neuron_call_makes_is_in_its_group() -> None:
    graph = training()
    nodes = {node.id: node for node in graph.nodes}
    for group in graph.groups:
        if group.name != "Neuron.__call__":
            continue
        members = [node for node in graph.nodes if node.group == group.id]
        first_layer = group.label.split(" ")[1] in "1234"
        # Value(x) for each plain input in the first layer, then w*x for each input, b + ..., and tanh
        assert len(members) == (10 if first_layer else 9)
        assert Counter(node.op for node in members)["*"] == (3 if first_layer else 4)
        assert group.output is not None and nodes[group.output].op == "tanh" and nodes[group.output].group == group.id
    parameters = [node for node in graph.nodes if node.path and node.path.startswith("n.layers")]
    assert len(parameters) == 41 and all(node.group is not None for node in parameters)


def test_auto_collapses_the_innermost_calls_of_a_big_pass_only() -> None:
    graph = training()
    assert len(graph.nodes) > AUTO_COLLAPSE_VALUES
    parents = {group.parent for group in graph.groups}
    assert collapsed_groups(graph) == [group.id for group in graph.groups if group.id not in parents]
    small = explore(CALLS)
    assert len(small.groups) == 2 and collapsed_groups(small) == []


def test_a_list_of_groups_is_kept_outermost_only_and_unknown_ids_are_name_errors() -> None:
    graph = training()
    mlp = next(group for group in graph.groups if group.name == "MLP.__call__")
    inside = [group.id for group in graph.groups if group.parent == mlp.id]
    assert collapsed_groups(graph, [*inside, mlp.id]) == [mlp.id]
    assert collapsed_groups(graph, []) == []
    with pytest.raises(ProgramError) as raised:
        collapsed_groups(graph, ["g999999"])
    assert raised.value.kind == "name" and "g999999" in raised.value.message


def test_collapsed_calls_are_boxes_with_their_outputs_numbers_and_no_inner_nodes() -> None:
    graph = training()
    collapsed = collapsed_groups(graph)
    svg = render_svg(graph, view=make_view(graph, collapsed))
    assert element_ids(svg, "node") >= {f"group-{group_id}" for group_id in collapsed}
    boxed = {node.id for node in graph.nodes if node.group in collapsed}
    drawn = {name[5:] for name in element_ids(svg, "node") if name.startswith("node-")}
    assert drawn and not drawn & boxed and drawn | boxed == {node.id for node in graph.nodes}
    neuron = next(group for group in graph.groups if group.id in collapsed and group.output)
    output = next(node for node in graph.nodes if node.id == neuron.output)
    box = re.search(rf'<g id="group-{neuron.id}" class="node">(.*?)</g>', svg, re.DOTALL)
    assert box is not None
    texts = [html.unescape(text) for text in re.findall(r"<text[^>]*>([^<]*)</text>", box.group(1))]
    assert texts == [neuron.label, f"data {format_number(output.data)}", f"grad {format_number(output.grad)}"]
    assert f'id="data-{output.id}" class="data"' in box.group(1)
    clusters = element_ids(svg, "cluster")
    assert {f"group-{group.id}" for group in graph.groups if group.name == "MLP.__call__"} <= clusters


def test_a_collapsed_call_without_a_value_output_shows_how_many_values_it_holds_and_feeds_in_grey() -> None:
    graph = training()
    init = next(group for group in graph.groups if group.label == "Neuron 1 · __init__")
    svg = render_svg(graph, view=make_view(graph, [init.id]))
    assert re.search(rf'<g id="group-{init.id}" class="node">.*?>4 values</text>', svg, re.DOTALL)
    svg = render_svg(graph, view=make_view(graph, collapsed_groups(graph)))
    feeds = re.findall(rf'<title>{init.id}-&gt;[^<]*</title>\s*<path fill="none" stroke="([^"]+)"', svg)
    assert len(feeds) == 4 and set(feeds) == {"#a9b4c4"}  # its parameters feed four calls, in a lighter line


def test_edges_into_a_box_are_drawn_once_per_source_and_out_of_it_from_its_output() -> None:
    graph = explore(CALLS)
    first, second = graph.groups
    svg = render_svg(graph, view=make_view(graph, [first.id, second.id]))
    edges = element_ids(svg, "edge")
    a = next(node.id for node in graph.nodes if node.label == "a")
    c = graph.output
    assert f"edge-{second.output}-{c}-0" in edges and f"edge-{a}-{c}-1" in edges
    into_first = [edge for edge in edges if edge.startswith(f"edge-{a}-") and not edge.endswith(f"-{c}-1")]
    assert len(into_first) == 1
    assert f"edge-{first.output}-" in svg  # the first call's output flows into the second box


def test_expanded_calls_are_clusters_titled_with_the_call_around_their_values() -> None:
    graph = explore(CALLS)
    svg = render_svg(graph)
    assert element_ids(svg, "cluster") == {f"group-{group.id}" for group in graph.groups}
    cluster = re.search(rf'<g id="group-{graph.groups[0].id}" class="cluster">.*?<text[^>]*>([^<]*)</text>', svg, re.S)
    assert cluster is not None and cluster.group(1) == "f() · call 1"
    assert {f"node-{node.id}" for node in graph.nodes} <= element_ids(svg, "node")


def test_every_pass_of_a_training_loop_shares_the_collapsed_layout_and_views_have_their_own() -> None:
    pictures = make_pictures(max_values=1_000)
    for index in (0, 5, 19):
        graph = training(index)
        svg = pictures.draw(graph, collapsed_groups(graph))
        assert all(f'id="group-{group_id}"' in svg for group_id in collapsed_groups(graph))
    assert pictures.dot_runs == 1
    pictures.draw(training(3), [])
    assert pictures.dot_runs == 2
    first, last = training(0), training(19)
    assert structure_key(first, make_view(first, collapsed_groups(first))) == structure_key(
        last, make_view(last, collapsed_groups(last))
    )
    assert structure_key(first, make_view(first, [])) != structure_key(first, make_view(first, collapsed_groups(first)))


def test_the_lecture_training_pass_is_drawn_collapsed_in_a_tenth_of_the_dot_nodes() -> None:
    graph = training()
    view = make_view(graph, collapsed_groups(graph))
    assert dot_size(graph, view) * 9 < dot_size(graph)
    start = time.perf_counter()
    render_svg(graph, view=view)
    assert time.perf_counter() - start < 2.0  # a test of sanity; bench/api.py measures


def test_the_picture_limit_counts_what_is_drawn_so_collapsing_lets_a_big_pass_be_drawn() -> None:
    pictures = make_pictures(max_values=200)
    graph = training()
    with pytest.raises(PictureLimit, match="collapse some calls"):
        pictures.draw(graph, [])
    assert 'class="node"' in pictures.draw(graph, collapsed_groups(graph))


DEEP_CALLS = "def f(n):\n    if n == 0:\n        return Value(1.0)\n    return f(n - 1) * 2.0 + 1.0\ny = f(190)"
SIBLING_CALLS = "def g(x):\n    return x * 2.0 + 1.0\ns = Value(0.0)\nfor i in range(300):\n    s = s + g(Value(1.0))"


def test_a_deep_recursion_nests_clusters_only_so_deep() -> None:
    graph = explore(DEEP_CALLS)
    assert len(graph.groups) == 191
    assert dot_source(graph).count("subgraph cluster_") == MAX_CLUSTER_DEPTH
    assert dot_source(graph, make_view(graph, [], max_depth=3)).count("subgraph cluster_") == 3


@pytest.mark.parametrize("source", [DEEP_CALLS, SIBLING_CALLS], ids=["190 calls deep", "300 calls side by side"])
def test_many_clusters_are_drawn_within_the_apps_time_limit(source: str) -> None:
    graph = explore(source)
    assert dot_size(graph) > 1_000  # past full effort: dot's low effort, without what clusters make slow
    svg = render_svg(graph, timeout=2.0)  # the app's default BACKPROP_DRAW_TIMEOUT
    assert {f"node-{node.id}" for node in graph.nodes} <= element_ids(svg, "node")


@pytest.mark.parametrize("name", ["Script", "A_b"])
def test_the_dot_text_of_groups_names_places_not_ids(name: str) -> None:
    calls = "y = m(Value(1.0)) + m(Value(2.0))"
    source = f"class {name}:\n    def __call__(self, x):\n        return x * 2.0\nm = {name}()\n{calls}"
    graph = explore(source)
    text = dot_source(graph, make_view(graph, [graph.groups[0].id]))
    assert f"{name} 1 · call 1" in text and "g0" not in text and "n1" not in text
    svg = render_svg(graph, view=make_view(graph, [graph.groups[0].id]))
    assert f'id="group-{graph.groups[0].id}" class="node"' in svg and f'id="group-{graph.groups[1].id}"' in svg


def test_no_groups_draw_as_before() -> None:
    graph = explore(LECTURE_L)
    assert graph.groups == [] and collapsed_groups(graph) == [] and "subgraph" not in dot_source(graph)


def test_thousands_of_calls_are_refused_a_picture_at_once_and_the_run_still_answers() -> None:
    source = "def g(x):\n    return x * 2.0\ns = Value(0.0)\nfor i in range(3000):\n    s = s + g(Value(1.0))"
    graph = explore(source)
    pictures = make_pictures(max_values=1_000)
    start = time.perf_counter()
    for collapse in (collapsed_groups(graph), []):
        with pytest.raises(PictureLimit) as refused:
            pictures.draw(graph, collapse)
        assert ("collapse some calls" in str(refused.value)) == (collapse == [])
    assert time.perf_counter() - start < 1.0 and pictures.dot_runs == 0
