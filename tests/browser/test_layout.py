"""The page, graph first, measured as a person sees it at 1440 x 900, 1280 x 720 and on a phone (390 x 844):
the graph's room, readable text on opening, controls off the nodes, names instead of ids, numbers in
step with the timeline, nudges undone, the first visit's hint."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from engine.examples import EXAMPLES
from tests.browser.conftest import screenshot
from tests.browser.helpers import Page, node_id, open_page, run_program, svg_text, text, tid, wait_idle

pytestmark = pytest.mark.browser

DESKTOPS = [(1440, 900), (1280, 720)]
PHONE = (390, 844)
MIN_TEXT_PX = 12 - 0.01  # 12 px, less the float noise of a box measured on screen (11.99997)
ID = re.compile(r"\b[ng]\d+\b")  # what the API calls a node or a group


@pytest.fixture
def sized(browser: Any, base_url: str) -> Iterator[Any]:
    """A page at a chosen size: sized(width, height)."""
    contexts: list[Any] = []
    errors: list[str] = []

    def make(width: int, height: int, storage: Any = None) -> Page:
        context = browser.new_context(viewport={"width": width, "height": height}, storage_state=storage)
        contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.base_url = base_url
        return page

    yield make
    for context in contexts:
        context.close()
    assert errors == [], errors


def choose(page: Page, example: str) -> None:
    if page.input_value(tid("preset")) != example:
        page.select_option(tid("preset"), example)
    wait_idle(page)
    page.wait_for_function("/^(forward|backward) /.test(document.querySelector('[data-testid=phase]').textContent)")
    page.evaluate("document.activeElement.blur()")  # keys step the timeline, not the list


def dismiss_hint(page: Page) -> None:
    if page.is_visible(tid("first-visit-hint")):
        page.click(tid("first-visit-hint-dismiss"))


GRAPH_BOX = """() => {
    const r = document.querySelector('[data-testid=graph]').getBoundingClientRect();
    return [r.width, r.height, innerWidth, innerHeight];
}"""

# Value nodes and collapsed boxes whose data text lies wholly inside the graph's box and the window.
READABLE = """() => {
    const g = document.querySelector('[data-testid=graph]').getBoundingClientRect();
    const box = {left: Math.max(g.left, 0), top: Math.max(g.top, 0),
                 right: Math.min(g.right, innerWidth), bottom: Math.min(g.bottom, innerHeight)};
    const texts = [...document.querySelectorAll('[data-testid=graph] svg text[id^="data-"]')];
    const shown = texts.map(t => [t.id, t.getBoundingClientRect()]).filter(([, r]) =>
        r.left >= box.left - 1 && r.right <= box.right + 1 && r.top >= box.top - 1 && r.bottom <= box.bottom + 1);
    return {all: texts.length, shown: shown.map(([id, r]) => [id, r.height])};
}"""

OVERLAPS = """() => {
    const g = document.querySelector('[data-testid=graph]').getBoundingClientRect();
    const clip = r => ({left: Math.max(r.left, g.left), right: Math.min(r.right, g.right),
                        top: Math.max(r.top, g.top), bottom: Math.min(r.bottom, g.bottom)});
    const nodes = [...document.querySelectorAll('[data-testid=graph] g.node')]
        .map(n => clip(n.getBoundingClientRect())).filter(r => r.right > r.left && r.bottom > r.top);
    const controls = [...document.querySelectorAll('button, input, select, label, .timeline, .says')]
        .filter(c => !c.closest('[data-testid=graph]') && c.getClientRects().length
                     && getComputedStyle(c).visibility !== 'hidden');
    const hits = [];
    for (const c of controls) {
        const r = c.getBoundingClientRect();
        for (const n of nodes) {
            if (r.left < n.right - 1 && n.left < r.right - 1 && r.top < n.bottom - 1 && n.top < r.bottom - 1) {
                hits.push(c.dataset.testid || c.className || c.tagName);
                break;
            }
        }
    }
    return [nodes.length, hits];
}"""


@pytest.mark.parametrize("size", DESKTOPS, ids=["1440x900", "1280x720"])
@pytest.mark.parametrize("example", ["lecture-L", "neuron", "lecture-training"])
def test_the_graph_takes_most_of_the_screen_and_opens_readable(sized: Any, size: tuple[int, int], example: str) -> None:
    page = sized(*size)
    open_page(page)
    choose(page, example)
    width, height, window_width, window_height = page.evaluate(GRAPH_BOX)
    share = width * height / (window_width * window_height)
    assert share >= 0.55, (share, width, height)
    assert height >= 480
    readable = page.evaluate(READABLE)
    heights = [h for _, h in readable["shown"]]
    if example == "lecture-training":  # too large to show whole at 12 px: its readable part and an overview
        assert len(heights) >= 4, readable["shown"]
        assert page.is_visible(tid("minimap"))
    else:  # whole, every value in view
        assert len(heights) == readable["all"], readable
        assert page.is_hidden(tid("minimap"))
    assert min(heights) >= MIN_TEXT_PX, heights
    nodes, hits = page.evaluate(OVERLAPS)
    assert nodes > 0 and hits == [], hits
    screenshot(page, f"80-layout-{example}-{size[0]}x{size[1]}")


def test_on_a_phone_nothing_scrolls_sideways_and_the_graph_and_narration_read_whole(sized: Any) -> None:
    page = sized(*PHONE)
    open_page(page)
    for example in ["lecture-L", "neuron", "lecture-training"]:
        choose(page, example)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
        readable = page.evaluate(READABLE)
        heights = [h for _, h in readable["shown"]]
        assert len(heights) >= 4 and min(heights) >= MIN_TEXT_PX, readable["shown"]
        screenshot(page, f"81-phone-{example}")
        page.keyboard.press("End")
        for _ in range(6):  # the longest narrations: the backward steps
            clipped = page.eval_on_selector(tid("narration"), "n => n.scrollHeight > n.clientHeight + 1")
            assert not clipped, text(page, tid("narration"))
            page.keyboard.press("ArrowLeft")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE[0]
    # the step controls stay within reach while the page is scrolled down to the panels
    page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
    box = page.locator(tid("step-forward")).bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE[1]
    screenshot(page, "82-phone-scrolled")


WALK = """() => {
    const seen = [];
    const read = () => {
        const ids = ['narration', 'node-details', 'quiz-question', 'quiz-label', 'stale-warning', 'nudge-result'];
        for (const id of ids) {
            seen.push(document.querySelector(`[data-testid=${id}]`).textContent);
        }
        for (const row of document.querySelectorAll('[data-testid=leaves] tbody tr')) seen.push(row.textContent);
    };
    const key = k => document.body.dispatchEvent(new KeyboardEvent('keydown', {key: k, bubbles: true}));
    key('Home');
    read();
    const phase = () => document.querySelector('[data-testid=phase]').textContent;
    for (let i = 0; i < 5000 && !document.querySelector('[data-testid=step-forward]').disabled; i++) {
        key('ArrowRight');
        read();
    }
    for (const title of document.querySelectorAll('[data-testid=graph] svg title')) seen.push(title.textContent);
    for (const element of document.querySelectorAll('[data-testid=graph] [aria-label], [data-testid=graph] text')) {
        seen.push(element.getAttribute('aria-label') || element.textContent);
    }
    return [phase(), seen];
}"""


@pytest.mark.parametrize("example", [example.id for example in EXAMPLES if example.id != "f-of-x"])
def test_no_internal_id_is_shown_anywhere_a_person_reads(page: Page, example: str) -> None:
    open_page(page)
    choose(page, example)
    if example == "lecture-training":  # every value of the pass, each named
        page.click(tid("expand-all"))
        page.wait_for_function("!document.querySelector('[data-testid=graph] .group-box')")
    wait_idle(page)
    phase, seen = page.evaluate(WALK)
    assert not phase.startswith(("forward", "start")), phase  # walked to the end
    shown = [line for line in seen if ID.search(line)]
    assert shown == [], shown[:5]
    assert any("grad" in line for line in seen)


def test_the_quiz_names_values_not_ids(page: Page) -> None:
    open_page(page)
    choose(page, "quadratic")
    page.check(tid("quiz"))
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # the seed, then a question
    question = text(page, tid("quiz-question"))
    assert question.startswith("Backward step") and not ID.search(question), question
    page.fill(tid("quiz-answer"), "1")
    page.press(tid("quiz-answer"), "Enter")
    assert not ID.search(text(page, tid("quiz-feedback")))


def test_an_unlabelled_value_is_named_by_its_expression_in_the_narration_and_the_picture(page: Page) -> None:
    open_page(page)
    run_program(page, "x = 3.0\nf = 3*x**2 - 4*x + 5\n")  # the quadratic: once `f = n8 + n9`
    page.keyboard.press("Home")
    lines = []
    for _ in range(12):
        page.keyboard.press("ArrowRight")
        lines.append(text(page, tid("narration")))
    assert "(x**2) = (3.0000)**2 = 9.0000" in lines, lines
    assert "f = (3*x**2 - 4*x) + 5.0 = 15.0000 + 5.0000 = 20.0000" in lines, lines
    assert not [line for line in lines if ID.search(line)]
    labels = page.eval_on_selector_all(
        '[data-testid=graph] g.node[id^="node-"]', "gs => gs.map(g => g.querySelector('text').textContent)"
    )
    assert "x**2" in labels and "3*x**2 - 4*x" in labels, labels  # the same names, in the label slots
    assert not [label for label in labels if ID.search(label)]


def test_the_leaves_table_shows_the_numbers_of_the_current_step(page: Page) -> None:
    open_page(page)

    def row(label: str) -> list[str]:
        cells = page.locator(f"{tid('leaves')} tbody tr").all()
        for cell_row in cells:
            texts = cell_row.locator("td").all_text_contents()
            if texts[1] == label:
                return texts[2:4]
        raise AssertionError(label)

    assert row("a") == ["2.0000", "0.0000"]  # after Run: the end of the forward pass, no grad yet
    page.keyboard.press("Home")
    assert row("a") == ["2.0000", "0.0000"]
    page.keyboard.press("End")
    assert row("a") == ["2.0000", "6.0000"]
    assert row("f") == ["-2.0000", "4.0000"]
    page.keyboard.press("ArrowLeft")  # before the step that deposits into a
    assert row("a") == ["2.0000", "0.0000"]
    assert svg_text(page, f"grad-{node_id(page, 'a')}") == "grad 0.0000"  # the picture agrees
    page.click(tid("step-forward"))
    assert row("a") == ["2.0000", "6.0000"]
    # the details of a clicked node follow the timeline too
    page.click(tid("to-start"))
    page.click(f"#node-{node_id(page, 'a')} text >> nth=0")
    details = page.locator(f"{tid('node-details')} dd").all_text_contents()
    assert details[:3] == ["a · leaf", "2.0000", "0.0000"], details
    page.click(tid("to-end"))
    details = page.locator(f"{tid('node-details')} dd").all_text_contents()
    assert details[:3] == ["e · made by *", "-6.0000", "-2.0000"], details  # the last step's node, e


def test_after_an_error_nudge_check_and_quiz_are_off_until_a_program_runs(page: Page) -> None:
    open_page(page)
    run_program(page, "a = 2.0\nb = q * a")
    assert page.is_visible(tid("error"))
    for control in ["nudge", "numeric-check", "quiz", "nudge-reset"]:
        assert page.is_disabled(tid(control)), control
    run_program(page, "a = Value(2.0, label='a')\nb = a * a; b.label = 'b'")
    assert page.is_hidden(tid("error"))
    assert page.is_enabled(tid("nudge")) and page.is_enabled(tid("quiz")) and page.is_enabled(tid("numeric-check"))
    assert page.is_disabled(tid("nudge-reset"))  # nothing to undo yet


def test_a_nudge_is_undone_by_nudge_reset_and_by_run_on_the_same_program(page: Page) -> None:
    open_page(page)
    page.click(tid("nudge"))
    page.wait_for_function("document.querySelector('[data-testid=output-value]').textContent === '-7.2865'")
    assert page.is_enabled(tid("nudge-reset"))
    page.click(tid("nudge-reset"))
    page.wait_for_function("document.querySelector('[data-testid=output-value]').textContent === '-8.0000'")
    assert svg_text(page, f"data-{node_id(page, 'a')}") == "data 2.0000"
    assert text(page, tid("nudge-result")) == ""
    assert page.is_disabled(tid("nudge-reset"))
    assert "ov=" not in page.url
    page.click(tid("nudge"))
    page.wait_for_function("document.querySelector('[data-testid=output-value]').textContent === '-7.2865'")
    page.click(tid("run"))  # the program unchanged: Run starts from its own numbers
    page.wait_for_function("document.querySelector('[data-testid=output-value]').textContent === '-8.0000'")
    assert page.is_disabled(tid("nudge-reset"))


def test_a_layers_neurons_are_drawn_top_to_bottom_in_their_order(page: Page) -> None:
    open_page(page)
    choose(page, "mlp-loss")
    tops = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('[data-testid=graph] g.node.group-box')]
            .map(g => [g.querySelector('text').textContent, g.getBoundingClientRect().top]))"""
    )
    for call in range(1, 5):
        for layer in [range(1, 5), range(5, 9)]:
            ys = [tops[f"Neuron {n} · call {call}"] for n in layer]
            assert ys == sorted(ys) and len(set(ys)) == len(ys), (call, ys)


def test_deposit_labels_at_one_operation_do_not_overlap(page: Page) -> None:
    open_page(page)
    page.keyboard.press("End")  # the last step: e's deposits into a and b, at the same * node
    boxes = page.eval_on_selector_all(
        "[data-testid=graph] text.deposit",
        "ts => ts.map(t => { const r = t.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; })",
    )
    assert len(boxes) == 2
    (l1, t1, r1, b1), (l2, t2, r2, b2) = boxes
    assert r1 <= l2 or r2 <= l1 or b1 <= t2 or b2 <= t1, boxes


def test_the_first_visit_hint_shows_once(sized: Any) -> None:
    page = sized(1280, 720)
    open_page(page)
    assert page.is_visible(tid("first-visit-hint"))
    assert "→" in text(page, tid("first-visit-hint")) and "Run" in text(page, tid("first-visit-hint"))
    screenshot(page, "83-first-visit")
    page.click(tid("first-visit-hint-dismiss"))
    assert page.is_hidden(tid("first-visit-hint"))
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert page.is_hidden(tid("first-visit-hint"))
    other = sized(1280, 720)  # another browser: a newcomer again
    open_page(other)
    assert other.is_visible(tid("first-visit-hint"))
    other.keyboard.press("ArrowLeft")  # the first step taken dismisses it too
    assert other.is_hidden(tid("first-visit-hint"))


@pytest.mark.parametrize("size", [*DESKTOPS, PHONE], ids=["1440x900", "1280x720", "390x844"])
def test_the_main_states_at_each_size(sized: Any, size: tuple[int, int]) -> None:
    """A backward step, a quiz question, an error and a training pass's backward step, each saved to look at:
    no sideways scrolling, the narration whole, the error shown beside the graph it leaves in place."""
    page = sized(*size)
    open_page(page)
    dismiss_hint(page)
    name = f"{size[0]}x{size[1]}"

    def check(state: str) -> None:
        assert page.evaluate("document.documentElement.scrollWidth") <= size[0], state
        assert not page.eval_on_selector(tid("narration"), "n => n.scrollHeight > n.clientHeight + 1"), state
        screenshot(page, f"84-{state}-{name}")

    page.keyboard.press("End")
    page.keyboard.press("ArrowLeft")
    check("backward")
    page.check(tid("quiz"))
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("ArrowRight")
    assert page.is_enabled(tid("quiz-answer"))
    check("quiz")
    page.uncheck(tid("quiz"))
    run_program(page, "a = Value(2.0, label='a')\nb = q * a")
    assert page.is_visible(tid("error")) and page.locator(f"{tid('graph')} svg").count() == 1
    check("error")
    choose(page, "zero-grad-bug")
    page.keyboard.press("End")
    for _ in range(45):  # back through the updates into the backward pass of a stale pass
        page.keyboard.press("ArrowLeft")
    assert text(page, tid("phase")).startswith("backward")
    assert page.is_visible(tid("stale-warning"))
    check("stale-training")


def test_the_side_column_widens_and_the_graph_gives_way_still_whole(sized: Any) -> None:
    page = sized(1440, 900)
    open_page(page)
    before = page.evaluate(GRAPH_BOX)[0]
    assert page.eval_on_selector(".panels", "p => getComputedStyle(p).resize") == "horizontal"
    page.eval_on_selector(".panels", "p => { p.style.width = '560px'; }")  # as its corner dragged
    page.wait_for_function("w => document.querySelector('[data-testid=graph]').clientWidth < w - 100", arg=before)
    page.wait_for_timeout(100)  # the graph's resize observer refits it
    readable = page.evaluate(READABLE)
    assert len(readable["shown"]) == readable["all"] == 7
    assert page.locator(".cm-content").bounding_box()["width"] > 450  # the program's lines have room
    screenshot(page, "85-wide-program")
