"""Graphs are readable when they appear: text at least 10 px high on screen (15 px when presenting)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot
from tests.browser.helpers import Page, data_text_heights, in_view, open_page, program_text, tid

pytestmark = pytest.mark.browser

# Before this rule, fitting every graph to a 1400 x 900 window drew these data texts 9, 6 and 2 px high.
# Forward steps: the MLP's 398 values open with each neuron's call collapsed into one box, one step.
EXAMPLES = {"lecture-L": 7, "neuron": 10, "mlp-loss": 62}


def choose(page: Page, example: str) -> None:
    page.select_option(tid("preset"), example)
    n = EXAMPLES[example]
    page.wait_for_function(
        "n => document.querySelector('[data-testid=phase]').textContent === `forward ${n} / ${n}`", arg=n
    )


def output_in_view(page: Page) -> bool:
    current = page.eval_on_selector("[data-testid=graph] g.node.current", "g => g.id")
    return in_view(page, current)


@pytest.mark.parametrize("example", list(EXAMPLES))
def test_data_texts_are_at_least_10_px_high_when_a_graph_appears(page: Page, example: str) -> None:
    open_page(page)
    choose(page, example)
    heights = data_text_heights(page)
    svg = page.request.post(page.base_url + "/api/graph", data={"source": program_text(page)}).json()["svg"]
    assert len(heights) == svg.count('id="data-')  # every value drawn, or the output of a collapsed call
    assert heights[0] >= 10, heights[:3]
    assert output_in_view(page)  # the view starts on the output
    screenshot(page, f"30-readable-{example}")
    page.click(tid("present"))
    presented = data_text_heights(page)
    assert presented[0] >= 15, presented[:3]
    assert output_in_view(page)
    screenshot(page, f"31-readable-{example}-present")


FOLLOW = """([key, steps]) => {
    const box = document.querySelector('[data-testid=graph]').getBoundingClientRect();
    const seen = [];
    for (let i = 0; i < steps; i++) {
        document.body.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true}));
        const current = document.querySelector('[data-testid=graph] g.node.current');  // a value or a box
        const r = current.getBoundingClientRect();
        const inside = r.left >= box.left - 1 && r.right <= box.right + 1 && r.top >= box.top - 1
            && r.bottom <= box.bottom + 1;
        seen.push([document.querySelector('[data-testid=phase]').textContent, inside,
                   document.querySelector('[data-testid=graph] svg').style.transform]);
    }
    return seen;
}"""


def test_stepping_follows_the_current_node_across_a_large_graph(page: Page) -> None:
    open_page(page)
    choose(page, "mlp-loss")
    page.keyboard.press("Home")
    forward = page.evaluate(FOLLOW, ["ArrowRight", 40])
    assert [phase for phase, inside, _ in forward if not inside] == []
    assert len({view for _, _, view in forward}) > 1  # the first steps are far from the output: the view moved
    screenshot(page, "32-follow-forward")
    page.keyboard.press("End")
    backward = page.evaluate(FOLLOW, ["ArrowLeft", 40])
    assert [phase for phase, inside, _ in backward if not inside] == []
    assert data_text_heights(page)[0] >= 10
