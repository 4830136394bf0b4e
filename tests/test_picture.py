"""The picture: draw_dot's layout, the API's stable ids, escaping, and a layout that ignores numbers."""

from __future__ import annotations

import html
import os
import re
import stat
import subprocess
import time
from pathlib import Path

import pytest

from engine.examples import EXAMPLES
from engine.picture import (
    FULL_EFFORT_NODES,
    LOW_EFFORT,
    GraphvizMissing,
    PictureError,
    dot_source,
    layout,
    render_svg,
    render_template,
    with_graph_attributes,
)
from engine.steps import explore
from tests.programs import LECTURE_L

pytestmark = pytest.mark.skipif(os.system("command -v dot >/dev/null") != 0, reason="Graphviz is not installed")


def text_of(svg: str, element_id: str) -> str:
    match = re.search(rf'<text id="{re.escape(element_id)}"[^>]*>([^<]*)</text>', svg)
    assert match, element_id
    return match.group(1)


def group_ids(svg: str) -> set[str]:
    return set(re.findall(r'<g id="([^"]+)"', svg))


def test_every_value_node_shows_label_data_and_grad_as_draw_dot_does() -> None:
    svg = render_svg(explore(LECTURE_L))
    assert text_of(svg, "data-n6") == "data -8.0000"
    assert text_of(svg, "grad-n6") == "grad 1.0000"
    assert text_of(svg, "grad-n0") == "grad 6.0000"
    assert re.search(r'<g id="node-n6" class="node">.*?>L</text>', svg, re.DOTALL)


def test_the_svg_carries_the_stable_ids_of_the_api() -> None:
    exploration = explore(LECTURE_L)
    ids = group_ids(render_svg(exploration))
    for node in exploration.nodes:
        assert f"node-{node.id}" in ids
        if node.op:
            assert f"op-{node.id}" in ids and f"edge-op-{node.id}" in ids
    assert {"edge-n0-n3-0", "edge-n1-n3-1", "edge-n3-n4-0", "edge-n2-n4-1"} <= ids


def test_a_plus_a_draws_two_edges_with_their_positions() -> None:
    ids = group_ids(render_svg(explore("a = 3.0\nb = a + a")))
    assert {"edge-n0-n1-0", "edge-n0-n1-1", "edge-op-n1", "op-n1"} <= ids


def test_negative_zero_reads_as_zero() -> None:
    svg = render_svg(explore("a = -0.0\nb = a * 1.0"))
    assert text_of(svg, "data-n2") == "data 0.0000"


def test_the_layout_does_not_depend_on_the_numbers() -> None:
    first = render_svg(explore(LECTURE_L))
    second = render_svg(explore(LECTURE_L, {"a": -12345.678, "f": 0.001}))
    assert first != second

    def without_numbers(svg: str) -> str:
        return re.sub(r"(data|grad) [-0-9.]+<", "<", svg)

    assert without_numbers(first) == without_numbers(second)


def test_the_dot_text_depends_only_on_the_structure() -> None:
    assert dot_source(explore(LECTURE_L)) == dot_source(explore(LECTURE_L, {"a": 99.0}))
    assert dot_source(explore(LECTURE_L)) != dot_source(explore(LECTURE_L.replace("d * f", "d + f")))


HOSTILE_LABELS = [
    'x" URL="javascript:alert(1)',
    "{a|<p>b}",
    "a\\\\",
    "<script>alert(1)</script>",
    "]]><!-- &amp; \\n \\x01",
    "<svg onload=alert(1)>",
]


@pytest.mark.parametrize("label", HOSTILE_LABELS)
def test_labels_are_shown_as_typed_and_never_read_as_markup(label: str) -> None:
    exploration = explore(f"a = Value(1.0, label='{label}')\nb = a * 2")
    shown = exploration.nodes[0].label
    svg = render_svg(exploration)
    assert (
        "<script" not in svg and "<a " not in svg and "href" not in svg and "onload" not in svg.replace("onload=", "")
    )
    texts = re.findall(r'<g id="node-n0" class="node">.*?<text[^>]*>([^<]*)</text>', svg, re.DOTALL)
    visible = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in shown)
    assert html.unescape(texts[0]) == visible


def test_control_characters_in_labels_are_made_visible() -> None:
    svg = render_svg(explore("a = Value(1.0, label='tab\\there')\nb = a * 2"))
    assert "tab\\there" in svg


def test_large_graphs_are_drawn_with_low_effort_quickly() -> None:
    source = next(example.source for example in EXAMPLES if example.id == "mlp-loss")
    exploration = explore(source)
    assert len(exploration.nodes) + sum(1 for n in exploration.nodes if n.op) > FULL_EFFORT_NODES
    start = time.perf_counter()
    render_svg(exploration)
    assert time.perf_counter() - start < 2.0


def test_effort_set_inside_the_dot_text_lays_out_as_dots_flags_do() -> None:
    source = dot_source(explore(next(example.source for example in EXAMPLES if example.id == "mlp-loss")))

    def draw(text: str, *flags: str) -> bytes:
        return subprocess.run(["dot", "-Tsvg", *flags], input=text.encode(), capture_output=True, check=True).stdout

    by_flags = draw(source, *(f"-G{name}={value}" for name, value in LOW_EFFORT.items()))
    assert draw(with_graph_attributes(source, LOW_EFFORT)) == by_flags != draw(source)


def fake_dot(tmp_path: Path, script: str) -> str:
    path = tmp_path / "dot"
    path.write_text("#!/bin/sh\n" + script)
    path.chmod(path.stat().st_mode | stat.S_IEXEC)
    return str(tmp_path)


def test_a_hung_dot_is_killed_at_the_time_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", fake_dot(tmp_path, f"echo $$ > {tmp_path}/pid\nexec /bin/sleep 30\n"))
    start = time.perf_counter()
    with pytest.raises(PictureError, match=r"longer than 0\.5 s"):
        render_template("digraph {}", timeout=0.5)
    assert time.perf_counter() - start < 2.0
    pid = int((tmp_path / "pid").read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # killed and reaped: no process, no zombie


def test_a_mid_sized_graph_past_its_limit_names_the_whole_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", fake_dot(tmp_path, "exec /bin/sleep 30\n"))
    exploration = explore(next(example.source for example in EXAMPLES if example.id == "mlp-loss"))
    start = time.perf_counter()
    with pytest.raises(PictureError, match=r"longer than 1 s"):
        layout(exploration, timeout=1.0)  # 0.5 s at full effort, then the rest at low effort
    assert time.perf_counter() - start < 2.0


def test_a_failing_dot_is_an_error_not_half_a_picture(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", fake_dot(tmp_path, "echo '<svg>' ; echo 'Error: broken' >&2; exit 1\n"))
    with pytest.raises(PictureError, match="broken"):
        render_template("digraph {}", timeout=5)


def test_a_missing_dot_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(GraphvizMissing):
        render_template("digraph {}", timeout=5)
