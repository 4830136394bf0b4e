"""A training loop in the page as a student uses it: the loss chart, the passes, resets and updates, the console."""

from __future__ import annotations

from typing import Any

import pytest

from engine.examples import EXAMPLES
from engine.picture import format_number
from tests.browser.conftest import screenshot
from tests.browser.helpers import (
    EDITOR_BUNDLE,
    Page,
    open_page,
    run_program,
    svg_text,
    text,
    tid,
    view_of,
    wait_idle,
)

pytestmark = pytest.mark.browser

SOURCES = {example.id: example.source for example in EXAMPLES}
POINTS = f"{tid('passes')} circle.point"


def answer(page: Page, example: str, pass_index: int | None = None) -> Any:
    """What the API answers for the example with every group expanded: the expected values."""
    body: dict[str, Any] = {"source": SOURCES[example], "pass": pass_index, "collapse": []}
    response = page.request.post(page.base_url + "/api/graph", data=body)
    assert response.ok
    return response.json()


def choose_example(page: Page, example: str, expand: bool = False) -> None:
    """Open the example; with `expand`, show every value (its calls open as boxes, one step each)."""
    open_page(page)
    page.select_option(tid("preset"), example)
    page.wait_for_function("document.querySelectorAll('[data-testid=passes] circle.point').length > 1")
    wait_idle(page)
    if expand:
        page.click(tid("expand-all"))
        page.wait_for_function("document.querySelectorAll('[data-testid=graph] .group-box').length === 0")
        wait_idle(page)


def pass_info(graph: Any, index: int) -> str:
    chosen = graph["passes"][index]
    total = len(graph["passes"])
    return f"pass {index + 1} / {total} · {chosen['label']} = {format_number(chosen['data'])} · line {chosen['line']}"


def wait_for_pass(page: Page, expected: str) -> None:
    page.wait_for_function(
        "text => document.querySelector('[data-testid=pass-info]').textContent === text", arg=expected
    )
    wait_idle(page)


def press(page: Page, key: str, times: int = 1) -> None:
    page.focus(tid("graph"))  # keys act when the editor does not have focus
    for _ in range(times):
        page.keyboard.press(key)


def node_name(node: Any) -> str:
    return str(node["label"] or node["name"] or node["path"])


def test_a_training_run_charts_every_pass_and_shows_the_last(page: Page) -> None:
    choose_example(page, "lecture-training", expand=True)
    graph = answer(page, "lecture-training")
    assert page.locator(POINTS).count() == len(graph["passes"]) == 20
    assert graph["pass"] == 19
    assert text(page, tid("pass-info")) == pass_info(graph, 19)
    assert text(page, tid("output-value")) == format_number(graph["passes"][19]["data"])
    assert page.get_attribute(f"{POINTS}:nth-of-type(20)", "aria-current") == "true"
    assert "log scale" in str(page.get_attribute(f"{tid('passes')} svg", "aria-label"))
    assert page.is_disabled(tid("pass-next"))
    screenshot(page, "70-training")

    page.evaluate("document.querySelector('[data-testid=graph] svg').dataset.kept = 'yes'")
    view = view_of(page)
    page.click(tid("pass-prev"))
    wait_for_pass(page, pass_info(graph, 18))
    assert text(page, tid("output-value")) == format_number(graph["passes"][18]["data"])
    # The same picture and view, its numbers and ids those of the pass chosen.
    assert page.get_attribute(f"{tid('graph')} svg", "data-kept") == "yes"
    assert view_of(page) == view
    previous = answer(page, "lecture-training", 18)
    assert previous["output"] != graph["output"]
    assert svg_text(page, f"data-{previous['output']}") == f"data {format_number(previous['passes'][18]['data'])}"
    assert page.locator(f"#node-{graph['output']}").count() == 0
    parameter = previous["resets"][0]["node"]  # a parameter keeps its id; its data is this pass's
    data = next(node["data"] for node in previous["nodes"] if node["id"] == parameter)
    assert svg_text(page, f"data-{parameter}") == f"data {format_number(data)}"
    press(page, "PageUp")
    wait_for_pass(page, pass_info(graph, 17))
    press(page, "PageDown")
    wait_for_pass(page, pass_info(graph, 18))
    press(page, "PageUp", 3)  # pressed faster than the answers come: each press counts, the last answer shows
    wait_for_pass(page, pass_info(graph, 15))
    assert text(page, tid("output-value")) == format_number(graph["passes"][15]["data"])
    page.click(f"{POINTS} >> nth=2")
    wait_for_pass(page, pass_info(graph, 2))
    assert text(page, tid("output-value")) == format_number(graph["passes"][2]["data"])
    page.focus(f"{POINTS} >> nth=0")
    page.keyboard.press("Enter")
    wait_for_pass(page, pass_info(graph, 0))
    assert page.is_disabled(tid("pass-prev"))
    assert page.evaluate("document.activeElement.getAttribute('aria-current')") == "true"  # focus stays on the chart
    page.click(tid("present"))
    screenshot(page, "75-training-present")


def test_the_timeline_of_a_pass_walks_its_resets_then_backward_then_its_updates(page: Page) -> None:
    choose_example(page, "lecture-training", expand=True)
    graph = answer(page, "lecture-training")
    nodes = {node["id"]: node for node in graph["nodes"]}
    resets, updates = graph["resets"], graph["updates"]
    forward = len(graph["forward"])
    assert text(page, tid("phase")) == f"forward {forward} / {forward}"
    first = resets[0]
    assert svg_text(page, f"grad-{first['node']}") == f"grad {format_number(first['before'])}"  # the last pass's

    press(page, "ArrowRight")
    assert text(page, tid("phase")) == f"reset 1 / {len(resets)}"
    name = node_name(nodes[first["node"]])
    expected = f"{name}.grad = {format_number(first['after'])} (was {format_number(first['before'])})"
    assert expected in text(page, tid("narration"))
    assert f"(line {first['line']})" in text(page, tid("narration"))
    assert svg_text(page, f"grad-{first['node']}") == "grad 0.0000"
    press(page, "ArrowRight")
    assert text(page, tid("phase")) == f"reset 2 / {len(resets)}"
    screenshot(page, "71-reset")

    press(page, "End")
    assert text(page, tid("phase")) == f"update {len(updates)} / {len(updates)}"
    press(page, "ArrowLeft", len(updates) - 1)
    assert text(page, tid("phase")) == f"update 1 / {len(updates)}"
    change = updates[0]
    line = SOURCES["lecture-training"].splitlines()[change["line"] - 1].strip()
    assert line == "p.data += -0.1 * p.grad"
    expected = (
        f"{node_name(nodes[change['node']])}.data: {line}  (line {change['line']}): "
        f"{format_number(change['before'])} → {format_number(change['after'])}"
    )
    assert text(page, tid("narration")) == expected
    assert svg_text(page, f"data-{change['node']}") == f"data {format_number(change['after'])}"
    second = updates[1]
    assert svg_text(page, f"data-{second['node']}") == f"data {format_number(second['before'])}"  # not yet
    assert page.is_visible(tid("leaves-after"))
    row = page.locator(f"{tid('leaves')} tbody tr", has_text=name).first.locator("td")
    assert row.nth(1).text_content() == name
    assert row.nth(2).text_content() == format_number(change["after"])  # its data at this step: updated
    assert row.nth(3).text_content() == format_number(change["after"])  # the column of the data after the update
    later = page.locator(f"{tid('leaves')} tbody tr", has_text=node_name(nodes[second["node"]])).first.locator("td")
    assert later.nth(2).text_content() == format_number(second["before"])  # not yet updated
    screenshot(page, "72-update")


def test_the_console_shows_what_the_program_printed_linked_to_its_lines(page: Page) -> None:
    choose_example(page, "lecture-training")
    graph = answer(page, "lecture-training")
    printed = page.locator(f"{tid('console')} li.printed .printed-text").all_text_contents()
    assert len(printed) == 20
    assert [float(line.split()[1]) for line in printed] == [entry["data"] for entry in graph["passes"]]
    assert text(page, f"{tid('console')} li.result").startswith("Out: [Value(data=")
    page.locator(f"{tid('console')} li.printed button").nth(3).click()
    selected = page.evaluate(
        f"""import('./static/vendor/{EDITOR_BUNDLE}').then(m => {{
            const view = m.EditorView.findFromDOM(document.querySelector('.cm-editor'));
            const range = view.state.selection.main;
            return view.state.sliceDoc(range.from, range.to); }})"""
    )
    assert selected == SOURCES["lecture-training"].splitlines()[graph["prints"][3]["line"] - 1]
    screenshot(page, "74-console")


def test_the_console_shows_printed_markup_as_text(page: Page) -> None:
    open_page(page)
    run_program(page, 'print("<b>x</b>")\na = Value(2.0)\nb = a * a\n"<i>done</i>"')
    assert text(page, f"{tid('console')} .printed-text") == "<b>x</b>"
    assert text(page, f"{tid('console')} li.result") == "Out: '<i>done</i>'"
    assert page.locator(f"{tid('console')} b, {tid('console')} i").count() == 0
    assert page.is_hidden(tid("training"))  # one pass: no chart


def test_a_stale_pass_warns_at_its_seed_and_shows_the_grads_it_started_from(page: Page) -> None:
    choose_example(page, "zero-grad-bug", expand=True)
    graph = answer(page, "zero-grad-bug")
    assert graph["passes"][graph["pass"]]["stale"]
    assert page.locator(f"{POINTS}.stale").count() == sum(entry["stale"] for entry in graph["passes"])
    carried = next(node for node in graph["nodes"] if node["grad_before"])
    assert page.is_hidden(tid("stale-warning"))
    assert svg_text(page, f"grad-{carried['id']}") == f"grad {format_number(carried['grad_before'])}"
    press(page, "ArrowRight")  # no resets in this loop: the seed
    assert text(page, tid("phase")).startswith("backward 1 / ")
    assert page.is_visible(tid("stale-warning"))
    warning = text(page, tid("stale-warning"))
    assert "not set to zero" in warning and "last pass" in warning and "zero_grad" in warning
    screenshot(page, "73-stale")

    page.click(f"{POINTS} >> nth=0")  # the first pass started from zero grads
    wait_for_pass(page, pass_info(answer(page, "zero-grad-bug", 0), 0))
    assert text(page, tid("phase")).startswith("backward 1 / ")
    assert page.is_hidden(tid("stale-warning"))


def test_a_training_run_without_the_bug_never_warns(page: Page) -> None:
    choose_example(page, "lecture-training")
    graph = answer(page, "lecture-training")
    press(page, "ArrowRight", len(graph["resets"]) + 1)
    assert text(page, tid("phase")).startswith("backward 1 / ")
    assert page.is_hidden(tid("stale-warning"))
    press(page, "End")
    assert page.is_hidden(tid("stale-warning"))


def test_a_share_link_opens_the_same_pass_at_the_same_step(page: Page, browser: Any) -> None:
    choose_example(page, "lecture-training")
    graph = answer(page, "lecture-training")
    page.click(f"{POINTS} >> nth=4")
    wait_for_pass(page, pass_info(graph, 4))
    press(page, "ArrowRight", 3)
    phase, value = text(page, tid("phase")), text(page, tid("output-value"))
    assert phase == f"reset 3 / {len(graph['resets'])}"
    link = page.url
    assert "pass=4" in link
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert text(page, tid("pass-info")) == pass_info(graph, 4)
    assert text(page, tid("phase")) == phase
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    other = context.new_page()
    other.base_url = page.base_url
    other.goto(link)
    other.wait_for_selector("body[data-ready=true]")
    assert text(other, tid("pass-info")) == pass_info(graph, 4)
    assert (text(other, tid("phase")), text(other, tid("output-value"))) == (phase, value)
    context.close()


def test_another_program_clears_the_chart_and_the_console(page: Page) -> None:
    choose_example(page, "lecture-training")
    page.select_option(tid("preset"), "lecture-L")
    page.wait_for_function("document.querySelector('[data-testid=output-value]').textContent === '-8.0000'")
    assert page.is_hidden(tid("training"))
    assert page.is_hidden(tid("console"))
    assert page.is_hidden(tid("leaves-after"))
    assert "pass=" not in page.url
