"""The explorer page as a person uses it: Chromium, driven through the data-testids."""

from __future__ import annotations

import re
from typing import Any

import pytest

from bench.client import running_server
from engine.examples import EXAMPLES
from engine.picture import format_number
from engine.steps import explore
from tests.browser.conftest import screenshot
from tests.browser.helpers import (
    Page,
    forward_steps,
    in_view,
    node_id,
    open_page,
    program_text,
    run_program,
    svg_text,
    text,
    tid,
    view_of,
    wait_idle,
)

pytestmark = pytest.mark.browser


def test_the_page_opens_on_the_lecture_graph_at_the_end_of_the_forward_pass(page: Page) -> None:
    open_page(page)
    assert text(page, tid("phase")) == "forward 7 / 7"
    assert text(page, tid("output-value")) == "-8.0000"
    assert svg_text(page, f"data-{node_id(page, 'L')}") == "data -8.0000"
    assert svg_text(page, f"grad-{node_id(page, 'a')}") == "grad 0.0000"
    screenshot(page, "01-lecture-end-of-forward")


@pytest.mark.parametrize("example", EXAMPLES, ids=[example.id for example in EXAMPLES])
def test_every_example_runs_from_the_preset_list(page: Page, example: Any) -> None:
    open_page(page)
    page.select_option(tid("preset"), example.id)
    graph = page.request.post(page.base_url + "/api/graph", data={"source": example.source}).json()
    steps = forward_steps(graph) if graph["passes"] else 0  # a collapsed call is one step
    assert len(explore(example.source).forward) == len(graph["forward"])
    expected = f"forward {steps} / {steps}" if steps else "no graph"
    if graph["views"]:  # a notebook opens at its last draw_dot, where its timeline had got
        position, backward = graph["views"][-1]["position"], len(graph["backward"])
        assert position > steps, "the lecture's notebooks draw after some backpropagation"
        expected = f"backward {position - steps} / {backward}"
    page.wait_for_function("text => document.querySelector('[data-testid=phase]').textContent === text", arg=expected)
    assert page.is_hidden(tid("error"))
    assert (page.locator(f"{tid('graph')} svg g.node").count() > 0) == (steps > 0)
    screenshot(page, f"02-example-{example.id}")


def test_stepping_shows_data_then_grads_in_place(page: Page) -> None:
    open_page(page)
    a, e = node_id(page, "a"), node_id(page, "e")
    page.evaluate("id => { window.shape = document.querySelector(`#node-${id} polygon`); }", a)
    place = page.evaluate("() => JSON.stringify(window.shape.getBBox())")
    page.click(tid("to-start"))
    assert text(page, tid("phase")) == "start 0 / 7"
    assert svg_text(page, f"data-{a}") == "data 2.0000"
    assert svg_text(page, f"data-{e}") == "data"  # not computed yet
    screenshot(page, "03-start")
    for _ in range(3):  # a, b, e
        page.click(tid("step-forward"))
    assert text(page, tid("phase")) == "forward 3 / 7"
    assert svg_text(page, f"data-{e}") == "data -6.0000"
    assert text(page, tid("narration")) == "e = a * b = 2.0000 * -3.0000 = -6.0000"
    assert page.locator(f"#node-{e}").get_attribute("class").split() == ["node", "current"]
    screenshot(page, "04-forward-e")
    page.click(tid("to-end"))
    assert text(page, tid("phase")) == "backward 4 / 4"
    assert svg_text(page, f"grad-{a}") == "grad 6.0000"
    assert "a.grad += b.data * e.grad = -3.0000 * -2.0000 = 6.0000" in text(page, tid("narration"))
    screenshot(page, "05-backward-end")
    page.click(tid("step-back"))
    assert svg_text(page, f"grad-{a}") == "grad 0.0000"
    assert svg_text(page, f"grad-{e}") == "grad -2.0000"
    # the layout never moves: the same element, at the same place in the picture (the view may pan)
    assert page.evaluate("id => document.querySelector(`#node-${id} polygon`) === window.shape", a)
    assert page.evaluate("() => JSON.stringify(window.shape.getBBox())") == place


def test_the_backward_seed_and_a_plus_step_are_narrated(page: Page) -> None:
    open_page(page)
    page.keyboard.press("ArrowRight")
    assert text(page, tid("narration")).startswith("L.grad = 1")
    page.keyboard.press("ArrowRight")
    lines = page.locator(f"{tid('narration')} p").all_text_contents()
    assert lines == [
        "d.grad += f.data * L.grad = -2.0000 * 1.0000 = -2.0000",
        "f.grad += d.data * L.grad = 4.0000 * 1.0000 = 4.0000",
    ]
    page.keyboard.press("ArrowRight")
    assert (
        page.locator(f"{tid('narration')} p").first.text_content()
        == "e.grad += 1 * d.grad = 1.0000 * -2.0000 = -2.0000"
    )
    assert page.locator("[data-testid=graph] text.deposit").count() == 2


def test_a_second_deposit_shows_the_accumulation(page: Page) -> None:
    open_page(page)
    page.select_option(tid("preset"), "a-plus-a")
    page.wait_for_function("document.querySelector('[data-testid=phase]').textContent === 'forward 2 / 2'")
    page.keyboard.press("End")
    lines = page.locator(f"{tid('narration')} p").all_text_contents()
    assert lines == [
        "a.grad += 1 * b.grad = 1.0000 * 1.0000 = 1.0000",
        "a.grad += 1 * b.grad = 1.0000 * 1.0000 = 1.0000",
        "a.grad = 1.0000 + 1.0000 = 2.0000 (a second deposit: a is used more than once, so its grads add up)",
    ]
    assert svg_text(page, "grad-n0") == "grad 2.0000"
    screenshot(page, "06-a-plus-a")


def test_an_error_names_its_place_marks_the_editor_and_keeps_the_last_graph(page: Page) -> None:
    open_page(page)
    run_program(page, "a = 2.0\nb = q * a")
    assert text(page, tid("error")).startswith("name error (line 2, column 5): NameError: name 'q' is not defined")
    assert page.get_attribute(tid("source"), "aria-invalid") == "true"
    assert page.locator(".cm-lintRange-error").all_text_contents() == ["q"]
    assert page.locator(f"{tid('graph')} svg").count() == 1
    assert text(page, tid("output-value")) == "-8.0000"
    screenshot(page, "07-error")
    run_program(page, "a = 2.0\nb = a * a")
    assert page.is_hidden(tid("error"))
    assert text(page, tid("output-value")) == "4.0000"


def test_nudging_the_lecture_graph_moves_L_to_minus_7_2865(page: Page) -> None:
    open_page(page)
    page.fill(tid("nudge-step"), "0.01")
    page.click(tid("nudge"))
    page.wait_for_function("document.querySelector('[data-testid=output-value]').textContent === '-7.2865'")
    assert text(page, tid("nudge-result")) == "L: -8.0000 → -7.2865 (first-order prediction -7.2800)"
    assert text(page, tid("phase")) == "forward 7 / 7"
    assert svg_text(page, f"data-{node_id(page, 'a')}") == "data 2.0600"
    screenshot(page, "08-nudge")


def test_nudge_moves_only_the_ticked_leaves(page: Page) -> None:
    open_page(page)
    boxes = page.locator(f"{tid('leaves')} tbody input")
    for index in range(1, boxes.count()):
        boxes.nth(index).uncheck()
    page.click(tid("nudge"))
    page.wait_for_function("document.querySelector('[data-testid=nudge-result]').textContent !== ''")
    assert svg_text(page, f"data-{node_id(page, 'a')}") == "data 2.0600"
    assert svg_text(page, f"data-{node_id(page, 'b')}") == "data -3.0000"


def test_the_numeric_check_fills_the_leaf_table(page: Page) -> None:
    open_page(page)
    page.check(tid("numeric-check"))
    page.wait_for_function("!document.querySelector('[data-testid=leaves] tbody').textContent.includes('—')")
    page.click(tid("to-end"))  # the table shows the grads of the step shown: all of them at the end
    cells = page.locator(f"{tid('leaves')} tbody tr").first.locator("td").all_text_contents()
    assert cells[1:] == ["a", "2.0000", "6.0000", "6.0000"]


def test_a_share_link_reopens_the_same_graph_at_the_same_step(page: Page, browser: Any) -> None:
    open_page(page)
    page.click(tid("nudge"))
    page.wait_for_function("document.querySelector('[data-testid=output-value]').textContent === '-7.2865'")
    wait_idle(page)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"document.querySelector('{tid('phase')}').textContent === 'backward 2 / 4'")
    url = page.url
    expected = [svg_text(page, f"grad-{node_id(page, label)}") for label in "abcdefL"]
    other = browser.new_page()
    other.base_url = page.base_url
    other.goto(url)
    other.wait_for_selector("body[data-ready=true]")
    assert text(other, tid("phase")) == "backward 2 / 4", url
    assert text(other, tid("output-value")) == "-7.2865"
    assert [svg_text(other, f"grad-{node_id(other, label)}") for label in "abcdefL"] == expected
    other.reload()
    other.wait_for_selector("body[data-ready=true]")
    assert text(other, tid("phase")) == "backward 2 / 4"
    screenshot(other, "09-shared-link")
    other.close()


def test_keys_walk_the_timeline_and_ctrl_enter_runs(page: Page) -> None:
    open_page(page)
    page.keyboard.press("Home")
    assert text(page, tid("phase")) == "start 0 / 7"
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert text(page, tid("phase")) == "forward 2 / 7"
    page.keyboard.press("ArrowLeft")
    assert text(page, tid("phase")) == "forward 1 / 7"
    page.keyboard.press("End")
    assert text(page, tid("phase")) == "backward 4 / 4"
    page.keyboard.press("Home")
    page.fill(tid("nudge-step"), "0.01")  # focus leaves the body; keys typed in inputs do not step
    page.keyboard.press("ArrowRight")
    assert text(page, tid("phase")) == "start 0 / 7"
    page.focus(tid("source"))
    page.fill(tid("source"), "x = 3.0\ny = x * x")
    page.keyboard.press("Control+Enter")
    page.wait_for_function("document.querySelector('[data-testid=output-value]').textContent === '9.0000'")
    page.keyboard.press("ArrowRight")  # in the editor, keys move the cursor, not the timeline
    assert text(page, tid("phase")) == "forward 2 / 2"
    page.fill(tid("source"), "x = 4.0\ny = x * x")
    page.keyboard.press("Meta+Enter")  # Cmd+Enter on a Mac
    page.wait_for_function("document.querySelector('[data-testid=output-value]').textContent === '16.0000'")


def test_space_plays_and_pauses(page: Page) -> None:
    open_page(page)
    page.keyboard.press("Home")
    page.fill(tid("speed"), "10")
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("Space")
    assert page.get_attribute(tid("play"), "aria-pressed") == "true"
    page.wait_for_function("document.querySelector('[data-testid=phase]').textContent.startsWith('forward 3')")
    page.keyboard.press("Space")
    assert page.get_attribute(tid("play"), "aria-pressed") == "false"
    paused = text(page, tid("phase"))
    page.wait_for_timeout(400)
    assert text(page, tid("phase")) == paused


def test_clicking_a_node_shows_its_numbers_and_source_line(page: Page) -> None:
    open_page(page)
    page.click(tid("fit"))  # the whole graph, e included
    page.click(f"#node-{node_id(page, 'e')} text >> nth=0")
    details = text(page, tid("node-details"))
    assert "data-6.0000" in details.replace(" ", "").replace("\n", "") or "-6.0000" in details
    assert "line 4, column 5: e = a*b; e.label = 'e'" in details


def test_zoom_and_fit_change_only_the_view(page: Page) -> None:
    open_page(page)
    a = node_id(page, "a")
    box = page.locator(f"#node-{a} polygon >> nth=0").bounding_box()
    home = view_of(page)
    page.click(tid("zoom-in"))
    assert view_of(page) != home
    assert page.locator(f"#node-{a} polygon >> nth=0").bounding_box() != box
    page.mouse.move(900, 500)
    page.mouse.wheel(0, 300)
    zoomed = view_of(page)
    page.click(tid("fit"))
    assert view_of(page) != zoomed
    ids = page.eval_on_selector_all('[data-testid=graph] g.node[id^="node-"]', "groups => groups.map(g => g.id)")
    assert all(in_view(page, element_id) for element_id in ids)  # Fit shows the whole graph
    assert program_text(page).startswith("a = Value(2.0")


def test_present_mode_hides_the_editor(page: Page) -> None:
    open_page(page)
    page.click(tid("present"))
    assert page.is_hidden(tid("source"))
    screenshot(page, "10-present")
    page.click(tid("present"))
    assert page.is_visible(tid("source"))


def test_the_picture_downloads_as_svg(page: Page) -> None:
    open_page(page)
    with page.expect_download() as download:
        page.click(tid("download-svg"))
    with open(download.value.path(), encoding="utf-8") as file:
        content = file.read()
    assert content.startswith("<?xml") and "data -8.0000" in content and "<style>" in content


def test_the_mlp_example_steps_without_moving(page: Page) -> None:
    open_page(page)
    page.select_option(tid("preset"), "mlp-loss")
    page.wait_for_selector(f"{tid('graph')} .group-box")  # its neurons' calls collapsed
    wait_idle(page)
    page.keyboard.press("End")
    assert re.fullmatch(r"backward \d+ / \d+", text(page, tid("phase")))
    screenshot(page, "11-mlp-end")


NUMBERS = [0.03125, -0.03125, 2.65625, -0.00005, 1e-9, -1e-9, 0.0, -0.0, 123456.78915, 1e21, -3.5e22, 0.99999, 6.0]


def test_the_page_formats_numbers_exactly_as_the_picture(page: Page) -> None:
    open_page(page)
    formatted = page.evaluate("numbers => import('./static/format.js').then(m => numbers.map(m.formatNumber))", NUMBERS)
    assert formatted == [format_number(x) for x in NUMBERS]


def test_the_api_docs_load_with_no_request_leaving_the_machine(page: Page) -> None:
    outside: list[str] = []
    page.on("request", lambda request: outside.append(request.url) if "127.0.0.1" not in request.url else None)
    page.goto(page.base_url + "/docs")
    page.wait_for_selector(".opblock")
    assert page.locator(".opblock").count() == 14  # graph, graph.svg, nudge, examples, healthz, notebook, 8 of classes
    screenshot(page, "12-api-docs")
    page.goto(page.base_url + "/")
    page.wait_for_selector("body[data-ready=true]")
    assert [url for url in outside if not url.startswith(("data:", "blob:"))] == []


def test_without_graphviz_the_page_says_so_and_still_steps(browser: Any, tmp_path: Any) -> None:
    with running_server(workers=1, path=str(tmp_path)) as port:
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/")
        page.wait_for_selector("body[data-ready=true]")
        assert (
            text(page, tid("picture-error")) == "No picture: Graphviz is not installed: the dot program was not found"
        )
        page.keyboard.press("End")
        assert "a.grad += b.data * e.grad = -3.0000 * -2.0000 = 6.0000" in text(page, tid("narration"))
        screenshot(page, "13-no-graphviz")
        page.close()


def test_stepping_shows_the_current_node_in_the_details(page: Page) -> None:
    open_page(page)
    page.keyboard.press("Home")
    for _ in range(3):
        page.keyboard.press("ArrowRight")
    details = text(page, tid("node-details"))
    assert "e · " in details and "line 4, column 5" in details
