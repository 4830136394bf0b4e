"""Big graphs in the page: each call a box or a cluster, toggled by a click or a key, stepped as one."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest

from engine.examples import EXAMPLES
from engine.picture import format_number
from tests.browser.conftest import screenshot
from tests.browser.helpers import (
    Page,
    hidden_in,
    in_view,
    merged_count,
    open_page,
    serious_violations,
    svg_text,
    text,
    tid,
    wait_idle,
)

pytestmark = pytest.mark.browser

SOURCES = {example.id: example.source for example in EXAMPLES}
BOXES = f'{tid("graph")} svg g.node[id^="group-"]'
VALUES = f'{tid("graph")} svg g.node[id^="node-"]'


def answer(page: Page, example: str, **fields: Any) -> Any:
    """What the API answers for the example, as the page receives it."""
    response = page.request.post(page.base_url + "/api/graph", data={"source": SOURCES[example], **fields})
    assert response.ok
    return response.json()


def choose(page: Page, example: str, hash_: str = "") -> None:
    open_page(page, hash_)
    if not hash_:
        page.select_option(tid("preset"), example)
    page.wait_for_selector(f"{tid('graph')} svg g.node")
    wait_idle(page)


def drawn_boxes(page: Page) -> set[str]:
    return {str(box)[len("group-") :] for box in page.eval_on_selector_all(BOXES, "boxes => boxes.map(b => b.id)")}


def box_in_view(page: Page, graph: Any) -> Any:
    """A collapsed call that returned a value, its box in view."""
    return next(
        group
        for group in reversed(graph["groups"])
        if group["id"] in graph["collapsed"] and group["output"] and in_view(page, f"group-{group['id']}")
    )


def press(page: Page, key: str, times: int = 1) -> None:
    page.focus(tid("graph"))
    for _ in range(times):
        page.keyboard.press(key)


def toggle(page: Page, action: Any) -> None:
    """Click or press something that redraws the groups, and wait for the new picture."""
    page.evaluate("document.querySelector('[data-testid=graph] svg').dataset.old = 'yes'")
    action()
    page.wait_for_function("!document.querySelector('[data-testid=graph] svg').dataset.old")
    wait_idle(page)


def test_a_big_training_graph_opens_with_its_innermost_calls_collapsed(page: Page) -> None:
    choose(page, "mlp-loss")
    graph = answer(page, "mlp-loss")
    assert len(graph["nodes"]) > 150 and graph["collapsed"]
    assert drawn_boxes(page) == set(graph["collapsed"])
    hidden = hidden_in(graph, graph["collapsed"])
    drawn = set(page.eval_on_selector_all(VALUES, "nodes => nodes.map(n => n.id.slice(5))"))
    assert drawn and not drawn & set(hidden)
    assert drawn == {node["id"] for node in graph["nodes"]} - set(hidden)
    labels = {group["id"]: group["label"] for group in graph["groups"]}
    first = graph["collapsed"][0]
    assert page.get_attribute(f"#group-{first}", "aria-label") == f"Expand {labels[first]}"
    assert page.get_attribute(f"#group-{first}", "role") == "button"
    assert page.is_enabled(tid("collapse-all")) and page.is_enabled(tid("expand-all"))
    screenshot(page, "90-groups-collapsed")
    assert serious_violations(page) == [], "the collapsed view"


def test_a_click_expands_a_box_and_enter_on_its_title_collapses_it(page: Page) -> None:
    choose(page, "mlp-loss")
    graph = answer(page, "mlp-loss")
    page.click(tid("fit"))
    neuron = box_in_view(page, graph)
    inside = [node_id for node_id, box in hidden_in(graph, graph["collapsed"]).items() if box == neuron["id"]]
    hidden = hidden_in(graph, graph["collapsed"])
    forward = merged_count(graph["forward"], hidden)
    assert text(page, tid("phase")) == f"forward {forward} / {forward}"
    toggle(page, lambda: page.click(f"#group-{neuron['id']}"))
    assert page.get_attribute(f"#group-{neuron['id']}", "class") == "cluster"
    assert all(page.locator(f"#node-{node_id}").count() == 1 for node_id in inside)
    assert drawn_boxes(page) == set(graph["collapsed"]) - {neuron["id"]}
    expanded = forward + len(inside) - 1
    assert text(page, tid("phase")) == f"forward {expanded} / {expanded}"  # the same step: the end of forward
    title = f"#group-{neuron['id']} > text.group-title"
    assert page.get_attribute(title, "aria-label") == f"Collapse {neuron['label']}"
    assert page.get_attribute(title, "tabindex") == "0"
    # Clicked in the whole picture, it opens at a zoom where its numbers can be read, its title in view.
    heights = page.evaluate(
        "ids => ids.map(id => document.getElementById(`data-${id}`).getBoundingClientRect().height)", inside
    )
    assert min(heights) >= 10, heights
    assert in_view(page, f"group-{neuron['id']}") or page.evaluate(
        "id => { const t = document.querySelector(`#group-${id} > text`).getBoundingClientRect();"
        " const b = document.querySelector('[data-testid=graph]').getBoundingClientRect();"
        " return t.left >= b.left && t.right <= b.right && t.top >= b.top && t.bottom <= b.bottom; }",
        neuron["id"],
    )
    screenshot(page, "91-groups-expanded-one")

    page.focus(title)
    toggle(page, lambda: page.keyboard.press("Enter"))
    assert "node" in str(page.get_attribute(f"#group-{neuron['id']}", "class")).split()
    assert all(page.locator(f"#node-{node_id}").count() == 0 for node_id in inside)
    assert page.evaluate("document.activeElement.id") == f"group-{neuron['id']}"  # the key stays on the group
    screenshot(page, "91-groups-box-focused")
    assert text(page, tid("phase")) == f"forward {forward} / {forward}"


def test_expand_all_shows_every_value_and_collapse_all_the_outermost_calls(page: Page) -> None:
    choose(page, "mlp-loss")
    graph = answer(page, "mlp-loss")
    toggle(page, lambda: page.click(tid("expand-all")))
    assert page.locator(VALUES).count() == len(graph["nodes"])
    assert page.locator(BOXES).count() == 0
    assert text(page, tid("phase")) == f"forward {len(graph['forward'])} / {len(graph['forward'])}"
    toggle(page, lambda: page.click(tid("collapse-all")))
    outermost = {group["id"] for group in graph["groups"] if group["parent"] is None}
    assert drawn_boxes(page) == outermost
    hidden = hidden_in(graph, sorted(outermost))
    assert page.locator(VALUES).count() == len(graph["nodes"]) - len(hidden)
    # Expanding an outer call again shows its inner calls as they were: collapsed.
    mlp = next(group for group in graph["groups"] if group["parent"] is None and group["output"])
    page.click(tid("fit"))
    toggle(page, lambda: page.click(f"#group-{mlp['id']}"))
    children = {group["id"] for group in graph["groups"] if group["parent"] == mlp["id"]}
    assert drawn_boxes(page) == (outermost - {mlp["id"]}) | children


def test_a_collapsed_call_is_one_forward_step_and_one_backward_step(page: Page) -> None:
    choose(page, "mlp-loss")
    graph = answer(page, "mlp-loss")
    nodes = {node["id"]: node for node in graph["nodes"]}
    hidden = hidden_in(graph, graph["collapsed"])
    boxes = set(hidden.values())
    merged_forward = merged_count(graph["forward"], hidden)
    assert text(page, tid("phase")) == f"forward {merged_forward} / {merged_forward}"
    page.click(tid("to-start"))
    # Step to the first box whose call returned a value: the step where its last value is made.
    neuron = next(group for group in graph["groups"] if group["id"] in boxes and group["output"])
    last = {hidden[node]: i for i, node in enumerate(graph["forward"]) if node in hidden}
    steps = [
        hidden.get(node, node) for i, node in enumerate(graph["forward"]) if last.get(hidden.get(node, ""), i) == i
    ]
    assert len(steps) == merged_forward
    position = steps.index(neuron["id"]) + 1
    # A call that returned no value (an __init__ making weights) says how many values it made.
    labels = {group["id"]: group for group in graph["groups"]}
    init = next(i for i, step in enumerate(steps) if step in labels and not labels[step]["output"])
    press(page, "ArrowRight", init + 1)
    made = sum(1 for box in hidden.values() if box == steps[init])
    assert text(page, tid("narration")).startswith(f"{labels[steps[init]]['label']}: {made} values")
    press(page, "Home")
    press(page, "ArrowRight", position)
    assert text(page, tid("phase")) == f"forward {position} / {merged_forward}"
    output = nodes[neuron["output"]]
    narration = text(page, tid("narration"))
    assert narration.startswith(f"{neuron['label']}: {output['op']}(...) = {format_number(output['data'])}")
    assert "current" in str(page.get_attribute(f"#group-{neuron['id']}", "class"))
    assert svg_text(page, f"data-{output['id']}") == f"data {format_number(output['data'])}"
    screenshot(page, "92-groups-step")

    # Backward: the grads at its end are the API's, whichever steps were merged.
    assert graph["resets"] == graph["updates"] == []
    press(page, "End")
    merged_backward = merged_count([step["node"] for step in graph["backward"]], hidden)
    assert text(page, tid("phase")) == f"backward {merged_backward} / {merged_backward}"
    outputs = {group["output"] for group in graph["groups"] if group["id"] in boxes and group["output"]}
    for node_id in (set(nodes) - set(hidden)) | outputs:
        assert svg_text(page, f"grad-{node_id}") == f"grad {format_number(nodes[node_id]['grad'])}"
    # The backward step of the box: one step, its narration summarising what it passes back.
    while not text(page, tid("narration")).startswith(f"{neuron['label']} passes its grad back"):
        press(page, "ArrowLeft")
        assert text(page, tid("phase")).startswith("backward")
    assert "backward steps inside at once" in text(page, tid("narration"))
    screenshot(page, "93-groups-backward-step")
    # The quiz asks about single steps only: a whole call goes by without a question.
    merged = text(page, tid("phase"))
    press(page, "ArrowLeft")
    page.check(tid("quiz"))
    press(page, "ArrowRight")
    assert text(page, tid("phase")) == merged
    assert page.is_disabled(tid("quiz-answer"))


def test_the_groups_shown_survive_another_pass_and_a_share_link(page: Page) -> None:
    choose(page, "lecture-training")
    graph = answer(page, "lecture-training")
    page.click(tid("fit"))
    neuron = box_in_view(page, graph)
    place = [group["id"] for group in graph["groups"]].index(neuron["id"])
    toggle(page, lambda: page.click(f"#group-{neuron['id']}"))
    phase = text(page, tid("phase"))
    page.click(tid("pass-prev"))
    page.wait_for_function("() => document.querySelector('[data-testid=pass-info]').textContent.startsWith('pass 19 ')")
    wait_idle(page)
    previous = answer(page, "lecture-training", **{"pass": 18})
    expanded = previous["groups"][place]["id"]
    assert page.get_attribute(f"#group-{expanded}", "class") == "cluster"
    assert drawn_boxes(page) == set(previous["collapsed"]) - {expanded}
    assert text(page, tid("phase")) == phase
    assert "pass 19 / 20" in text(page, tid("pass-info"))
    press(page, "ArrowLeft", 3)
    phase = text(page, tid("phase"))
    narration = text(page, tid("narration"))
    link = page.url
    page.goto("about:blank")
    page.goto(link)
    page.wait_for_selector("body[data-ready=true]")
    wait_idle(page)
    assert page.get_attribute(f"#group-{expanded}", "class") == "cluster"
    assert drawn_boxes(page) == set(previous["collapsed"]) - {expanded}
    assert text(page, tid("phase")) == phase
    assert text(page, tid("narration")) == narration


def test_a_reset_inside_a_collapsed_call_stays_one_step_and_lights_its_box(page: Page) -> None:
    choose(page, "lecture-training")
    graph = answer(page, "lecture-training")
    hidden = hidden_in(graph, graph["collapsed"])
    first = graph["resets"][0]
    box = hidden[first["node"]]
    press(page, "ArrowRight")
    assert text(page, tid("phase")) == f"reset 1 / {len(graph['resets'])}"
    assert f"(was {format_number(first['before'])})" in text(page, tid("narration"))
    assert "current" in str(page.get_attribute(f"#group-{box}", "class")).split()
    assert in_view(page, f"group-{box}")  # the view follows the box
    screenshot(page, "94-groups-reset")


REPLAY = """async ([graph, collapsed]) => {
    const { buildTimeline, stateAt } = await import('./static/timeline.js');
    const timeline = buildTimeline(graph, '', collapsed);
    const state = stateAt(timeline, timeline.backwardEnd);
    const off = (node) => Math.abs(state.grad.get(node.id) - node.grad) > 1e-9 * (1 + Math.abs(node.grad));
    const wrong = graph.nodes.filter(off);
    return { wrong: wrong.map(node => node.id), forward: timeline.forwardEnd, last: timeline.last,
             places: timeline.rawToPosition.length,
             mapped: timeline.steps.every((step, i) => timeline.rawToPosition[step.raw] === i) };
}"""


@pytest.mark.parametrize("view", ["auto", "all", "none"])
def test_replaying_a_pass_in_any_view_of_its_groups_ends_with_the_api_grads(page: Page, view: str) -> None:
    open_page(page)
    graph = answer(page, "micrograd-nn")
    collapsed = {"auto": graph["collapsed"], "all": [group["id"] for group in graph["groups"]], "none": []}[view]
    replay = page.evaluate(REPLAY, [graph, collapsed])
    assert replay["wrong"] == []  # every value, those inside boxes too
    assert replay["mapped"]  # each step is where its place with every group expanded leads
    expanded = 1 + len(graph["forward"]) + len(graph["resets"]) + len(graph["backward"]) + len(graph["updates"])
    assert replay["places"] == expanded
    hidden = hidden_in(graph, collapsed)
    assert replay["forward"] == merged_count(graph["forward"], hidden)
    backward = merged_count([step["node"] for step in graph["backward"]], hidden)
    assert replay["last"] == replay["forward"] + len(graph["resets"]) + backward + len(graph["updates"])


def test_a_nudge_keeps_the_groups_shown_and_a_program_without_calls_has_no_group_buttons(page: Page) -> None:
    choose(page, "mlp-loss")
    graph = answer(page, "mlp-loss")
    page.click(tid("fit"))
    neuron = box_in_view(page, graph)
    toggle(page, lambda: page.click(f"#group-{neuron['id']}"))
    page.click(tid("nudge"))
    page.wait_for_function("document.querySelector('[data-testid=nudge-result]').textContent !== ''")
    wait_idle(page)
    assert page.is_hidden(tid("error"))
    assert page.get_attribute(f"#group-{neuron['id']}", "class") == "cluster"
    assert drawn_boxes(page) == set(graph["collapsed"]) - {neuron["id"]}
    page.select_option(tid("preset"), "lecture-L")
    page.wait_for_function("document.querySelector('[data-testid=output-value]').textContent === '-8.0000'")
    assert page.is_disabled(tid("collapse-all")) and page.is_disabled(tid("expand-all"))
    assert "groups=" not in page.url


def test_a_link_naming_groups_the_program_does_not_make_opens_with_the_default_groups(page: Page) -> None:
    graph = answer(page, "lecture-training")
    params = urlencode({"src": SOURCES["lecture-training"], "pos": "3", "groups": "g999999,g5"})
    choose(page, "lecture-training", f"#{params}")
    assert drawn_boxes(page) == set(graph["collapsed"])
    assert page.is_hidden(tid("error"))
    assert "groups=" not in page.url  # the link now says the API's default
