"""Everything the page shows belongs to the program shown, and reads one way only."""

from __future__ import annotations

import json

import pytest

from tests.browser.conftest import screenshot
from tests.browser.helpers import Page, open_page, run_program, text, tid, wait_idle

pytestmark = pytest.mark.browser


def test_nothing_of_the_last_program_stays_after_another_one_runs(page: Page) -> None:
    open_page(page)
    page.click(tid("nudge"))
    page.wait_for_function("document.querySelector('[data-testid=nudge-result]').textContent !== ''")
    page.check(tid("numeric-check"))
    page.wait_for_function("!document.querySelector('[data-testid=leaves] tbody').textContent.includes('—')")
    page.check(tid("quiz"))
    page.click(tid("step-forward"))
    page.click(tid("step-forward"))
    page.fill(tid("quiz-answer"), "-1.96")  # d.grad = f.data, nudged from -2.0
    page.press(tid("quiz-answer"), "Enter")
    assert text(page, tid("quiz-score")) == "1 / 1 right"
    page.select_option(tid("preset"), "neuron")
    page.wait_for_function("document.querySelector('[data-testid=output-value]').textContent === '0.7071'")
    assert text(page, tid("nudge-result")) == ""
    assert not page.is_checked(tid("numeric-check"))
    assert set(page.locator(f"{tid('leaves')} tbody td:last-child").all_text_contents()) == {"—"}
    assert text(page, tid("quiz-score")) == "0 / 0 right"
    assert text(page, tid("quiz-feedback")) == ""
    page.click(tid("nudge"))
    page.wait_for_function("document.querySelector('[data-testid=nudge-result]').textContent !== ''")
    assert text(page, tid("nudge-result")).startswith("o: 0.7071 → ")
    run_program(page, "x = 3.0\ny = x * x")
    assert text(page, tid("nudge-result")) == ""
    assert page.input_value(tid("preset")) == ""  # the program is no longer the example
    assert text(page, tid("example-note")) == ""
    screenshot(page, "50-another-program")


def test_the_same_program_run_again_drops_its_nudge(page: Page) -> None:
    open_page(page)
    page.click(tid("nudge"))
    page.wait_for_function("document.querySelector('[data-testid=output-value]').textContent === '-7.2865'")
    assert text(page, tid("nudge-result")).startswith("L: -8.0000 → -7.2865")
    page.click(tid("run"))  # Run: the program as written, its own numbers
    wait_idle(page)
    assert text(page, tid("output-value")) == "-8.0000"
    assert text(page, tid("nudge-result")) == ""


def test_labels_with_operators_are_parenthesised_in_the_narration(page: Page) -> None:
    open_page(page)
    page.select_option(tid("preset"), "neuron")
    page.wait_for_function("document.querySelector('[data-testid=output-value]').textContent === '0.7071'")
    for _ in range(4):  # the seed, o = tanh(n), n = ... + b, then the sum of the products
        page.keyboard.press("ArrowRight")
    lines = page.locator(f"{tid('narration')} p").all_text_contents()
    assert lines[0] == "(x1*w1).grad += 1 * (x1*w1 + x2*w2).grad = 1.0000 * 0.5000 = 0.5000"
    page.keyboard.press("ArrowLeft")
    assert text(page, tid("narration")).startswith("(x1*w1 + x2*w2).grad += 1 * n.grad")
    page.keyboard.press("Home")
    narrations = []
    for _ in range(10):
        page.keyboard.press("ArrowRight")
        narrations.append(text(page, tid("narration")))
    assert "(x1*w1 + x2*w2) = (x1*w1) + (x2*w2) = -6.0000 + 0.0000 = -6.0000" in narrations


NO_VALUE = {
    "output": None,
    "nodes": [],
    "edges": [],
    "forward": [],
    "backward": [],
    "svg": "",
    "pass": 0,
    "passes": [],
    "resets": [],
    "updates": [],
    "prints": [{"line": 2, "text": "9.0"}],
    "result": None,
    "notes": [{"line": None, "message": "Make a Value (x = Value(3.0)) to see a graph."}],
    "groups": [],
}


def test_a_program_that_makes_no_value_shows_no_graph_and_no_error(page: Page) -> None:
    open_page(page)
    page.route(
        "**/api/graph",
        lambda route: route.fulfill(
            status=200, body=json.dumps(NO_VALUE), headers={"content-type": "application/json"}
        ),
    )
    run_program(page, "def f(x):\n    return x * x\nprint(f(3.0))")
    assert page.is_hidden(tid("error"))
    assert text(page, tid("graph-empty")) == "Make a Value (x = Value(3.0)) to see a graph."
    assert page.locator(f"{tid('graph')} svg").count() == 0
    assert text(page, tid("phase")) == "no graph"
    assert text(page, tid("output-value")) == ""
    assert page.is_disabled(tid("step-forward")) and page.is_disabled(tid("play"))
    page.keyboard.press("ArrowRight")
    page.keyboard.press("End")
    page.check(tid("quiz"))
    assert page.is_disabled(tid("nudge")) and page.is_disabled(tid("download-svg"))
    assert text(page, tid("phase")) == "no graph"
    screenshot(page, "51-no-value")
    page.unroute("**/api/graph")
    run_program(page, "def f(x):\n    return x * x\nprint(f(4.0))")  # the engine's own answer
    assert page.is_hidden(tid("error"))
    assert "no graph" in text(page, tid("graph-empty")).lower()
    run_program(page, "a = 2.0\nb = a * a")
    assert text(page, tid("output-value")) == "4.0000"
    assert page.is_hidden(tid("graph-empty"))
