"""The student's own engine in the page: whose Value runs, its checks on their edges, in the narration and in the
list with links to their steps, a correct engine confirmed; two runs compared (pin, unpin, two curves, grads)."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot
from tests.browser.helpers import Page, node_id, open_page, run_program, serious_violations, text, tid, wait_idle
from tests.engines import BUGGY, CORRECT, MANUAL_SETS, line_of
from tests.lecture_programs import DATASET, EXPRESSION_L, MLP_CLASSES

pytestmark = pytest.mark.browser

OVERWRITE = BUGGY[0]  # `self.grad = other.data * out.grad` in __mul__, a used twice
SIZES = [(1440, 900), (1280, 720), (390, 844)]
MINE = ["value-class", "pin", "unpin", "checks-list", "compare-result", "narration"]


def mine_fit(page: Page) -> bool:
    """This feature's elements end inside the window (the page's own layout is tested elsewhere)."""
    return bool(
        page.evaluate(
            """ids => ids.map(id => document.querySelector(`[data-testid="${id}"]`))
                .filter(e => e && e.offsetParent !== null)
                .every(e => e.getBoundingClientRect().right <= window.innerWidth + 1)""",
            MINE,
        )
    )


def test_a_wrong_deposit_is_marked_on_its_edge_in_the_narration_and_in_the_list(page: Page) -> None:
    open_page(page)
    run_program(page, OVERWRITE.source)
    assert text(page, tid("value-class")) == "your Value (line 3)"
    line = line_of(OVERWRITE.source, OVERWRITE.line_text)
    first = text(page, tid("check-0"))
    assert first.startswith(f"wrong deposit: line {line}: `self.grad = other.data * out.grad`") and "use `+=`" in first
    a, d = node_id(page, "a"), node_id(page, "d")
    marked = page.eval_on_selector_all(".check-edge", "edges => edges.map(e => e.id)")
    assert marked == [f"edge-{a}-{d}-0"]
    assert page.eval_on_selector(f"#node-{a}", "g => g.classList.contains('check-grad')")  # its final grad too
    page.click(tid("check-0"))  # the link goes to the step: d's backward step
    assert text(page, tid("phase")).startswith("backward")
    narration = text(page, tid("narration"))
    assert f"line {line}: `self.grad = other.data * out.grad` replaced the -6.0000 already in a.grad" in narration
    assert "3.0000 * 1.0000 = 3.0000" in narration
    assert "a.grad changed by 9.0000: what this program's _backward did, not b.data * d.grad" in narration
    assert "b.grad += a.data * d.grad = -2.0000 * 1.0000 = -2.0000" in narration  # the right one, as ever
    page.keyboard.press("ArrowLeft")
    assert "wrong deposit" not in text(page, tid("narration"))  # only at its own step
    page.keyboard.press("ArrowRight")
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(200)
        if width < 500:  # a phone: the narration and the marked edge, where a student scrolls to
            page.locator(tid("narration")).scroll_into_view_if_needed()
        screenshot(page, f"checks-deposit-{width}x{height}")
        assert mine_fit(page)


def test_quiz_mode_keeps_the_lists_numbers_until_their_step(page: Page) -> None:
    open_page(page)
    run_program(page, OVERWRITE.source)
    page.check(tid("quiz"))
    listed = text(page, tid("check-0"))
    assert "hidden in quiz mode" in listed and "3.0000" not in listed


def test_a_wrong_order_links_to_the_early_backward_step(page: Page) -> None:
    order = next(b for b in BUGGY if b.kind == "order")
    open_page(page)
    run_program(page, order.source)
    link = page.locator(f"{tid('checks-list')} [data-kind=order]")
    assert link.count() == 1
    link.click()
    narration = text(page, tid("narration"))
    assert "wrong order" in narration and "before e" in narration
    assert page.eval_on_selector(f"#node-{node_id(page, 'd')}", "g => g.classList.contains('check-node')")


def test_a_correct_engine_is_confirmed_and_unmarked(page: Page) -> None:
    open_page(page)
    run_program(page, CORRECT["the lecture's class, neuron"])
    assert text(page, tid("value-class")) == "your Value (line 3)"
    assert "agrees with the chain rule" in text(page, tid("checks-list"))
    assert page.locator(".check-edge, .check-node, .check-grad").count() == 0
    page.keyboard.press("End")
    assert "⚠" not in text(page, tid("narration"))
    screenshot(page, "checks-correct-1440x900")


def test_the_builtin_value_shows_no_engine_line(page: Page) -> None:
    open_page(page)
    run_program(page, EXPRESSION_L + "L.backward()\n")
    assert page.locator(tid("value-class")).is_hidden()
    assert page.locator(tid("checks-list")).is_hidden()


def test_hand_set_grads_are_confirmed_or_checked_and_quiz_mode_hides_the_true_value(page: Page) -> None:
    page.set_viewport_size({"width": 1280, "height": 720})
    open_page(page)
    run_program(page, MANUAL_SETS)
    page.keyboard.press("End")
    page.keyboard.press("ArrowLeft")  # f.grad = 4.0 ... the step before the last: a.grad = 6.0, right
    assert "✓ Right" in text(page, tid("narration"))
    page.keyboard.press("ArrowRight")  # b.grad = 4.0, wrong
    narration = text(page, tid("narration"))
    assert "wrong hand-set grad" in narration and "dL/db is -4.0000" in narration
    assert f"b.grad = 4.0000 (set by hand at line {line_of(MANUAL_SETS, 'b.grad = 4.0')})" in narration
    b = node_id(page, "b")
    assert page.eval_on_selector(f"#grad-{b}", "t => t.textContent") == "grad 4.0000"  # as the program set it
    screenshot(page, "checks-hand-set-1280x720")
    page.check(tid("quiz"))
    page.click(tid("check-0"))
    assert "-4.0000" not in text(page, tid("checks-list"))
    assert "-4.0000" not in text(page, tid("check-narration"))
    page.click(tid("check-reveal"))
    assert "dL/db is -4.0000" in text(page, tid("check-narration"))


def test_pin_and_compare_two_training_runs(page: Page) -> None:
    open_page(page)
    page.select_option(tid("preset"), "lecture-training")
    page.wait_for_function("document.querySelectorAll('[data-testid=passes] circle.point').length > 1")
    wait_idle(page)
    page.click(tid("pin"))
    assert page.locator(tid("unpin")).is_visible() and page.locator(tid("pin")).is_hidden()
    page.select_option(tid("preset"), "zero-grad-bug")
    page.wait_for_function("document.querySelector('[data-testid=pass-info]').textContent.includes('20')")
    wait_idle(page)
    assert "pin" in text(page, tid("example-note")).lower()
    curves = page.eval_on_selector_all(f"{tid('passes')} polyline", "lines => lines.map(l => l.getAttribute('class'))")
    assert curves == ["curve", "curve pinned"]
    assert "pinned run" in text(page, tid("passes-legend"))
    assert "dashed" in text(page, tid("compare-result"))
    # the two curves part at pass 3: the pinned one's third point is elsewhere
    parted = page.evaluate(
        """() => {
          const [mine, pinned] = [...document.querySelectorAll('[data-testid=passes] polyline')]
            .map(l => l.getAttribute('points').split(' ').map(p => p.split(',').map(Number)));
          return [0, 1, 2].map(i => Math.abs(mine[i][1] - pinned[i][1]) > 0.01);
        }"""
    )
    assert parted == [False, False, True]
    for width, height in SIZES:
        page.set_viewport_size({"width": width, "height": height})
        page.wait_for_timeout(200)
        if width < 500:
            page.locator(tid("passes")).scroll_into_view_if_needed()
        screenshot(page, f"compare-training-{width}x{height}")
        assert mine_fit(page)
    page.click(tid("unpin"))
    assert page.locator(f"{tid('passes')} polyline").count() == 1
    assert page.locator(tid("compare-result")).is_hidden()


def test_pin_a_one_pass_program_and_see_the_grads_that_differ(page: Page) -> None:
    open_page(page)
    run_program(page, CORRECT["the lecture's class (operands in a set)"])
    page.click(tid("pin"))
    run_program(page, OVERWRITE.source)
    result = text(page, tid("compare-result"))
    assert result.startswith("1 grad differs") and "a -3.0000 → 3.0000" in result
    a = node_id(page, "a")
    assert page.eval_on_selector_all(".differs", "nodes => nodes.map(n => n.id)") == [f"node-{a}"]
    screenshot(page, "compare-one-pass-1440x900")


def test_the_same_mistake_at_every_call_is_listed_once_and_counted(page: Page) -> None:
    tanh = next(b for b in BUGGY if "tanh" in b.name and b.kind == "deposit")
    source = tanh.source.split("\n# inputs x1,x2")[0] + "\n" + MLP_CLASSES + DATASET
    source += (
        "ypred = [n(x) for x in xs]\nloss = sum((yout - ygt)**2 for ygt, yout in zip(ys, ypred))\nloss.backward()\n"
    )
    body = page.request.post(page.base_url + "/api/graph", data={"source": source}).json()  # type: ignore[attr-defined]
    deposits = [check for check in body["checks"] if check["kind"] == "deposit"]
    assert len(deposits) == 4 * 9  # nine neurons' tanh, on each of four examples
    open_page(page)
    run_program(page, source)
    items = page.locator(f"{tid('checks-list')} > ol > li")
    assert items.count() == 2  # the tanh line, and the final grads
    assert "and 35 more like it" in items.nth(0).inner_text()
    assert page.locator(f"{tid('checks-list')} a[data-testid^=check-]").count() == len(body["checks"])  # all listed
    page.locator(f"{tid('checks-list')} summary").first.click()
    page.click(tid("check-5"))  # one folded under the first: a link to its own step
    assert "wrong deposit" in text(page, tid("narration"))
    assert page.locator(".group-box.check-node").count() == 36  # each neuron call, collapsed, is marked
    screenshot(page, "checks-mlp-1440x900")


def test_a_label_with_markup_in_a_check_is_shown_as_typed(page: Page) -> None:
    source = OVERWRITE.source.replace("label='a'", "label='<img src=x onerror=alert(1)>'")
    open_page(page)
    run_program(page, source)
    assert "<img src=x onerror=alert(1)>.grad" not in text(page, tid("checks-list"))  # not a plain name: "the grad of"
    assert "the grad of <img src=x onerror=alert(1)>" in text(page, tid("checks-list"))
    assert page.locator(f"{tid('checks-list')} img, {tid('narration')} img").count() == 0


def test_values_are_compared_by_name_when_an_edit_moves_their_ids(page: Page) -> None:
    open_page(page)
    run_program(page, CORRECT["the lecture's class (operands in a set)"])
    page.click(tid("pin"))
    run_program(
        page, OVERWRITE.source.replace("\na = Value(-2.0, label='a')", "\nz = Value(9.0)\na = Value(-2.0, label='a')")
    )
    result = text(page, tid("compare-result"))
    assert result.startswith("1 grad differs") and "a -3.0000 → 3.0000" in result


def outside_the_editor(found: list[str]) -> list[str]:
    """axe's findings but the editor's own token colours (its f-string orange is 3.84:1 on white)."""
    return [item for item in found if not item.startswith("color-contrast (serious): .\u037c")]


def test_checks_and_a_comparison_have_no_serious_accessibility_violations(page: Page) -> None:
    open_page(page)
    run_program(page, OVERWRITE.source)
    page.click(tid("check-0"))  # the editor shows line 29, and the f'**{k}' of line 36
    assert outside_the_editor(serious_violations(page)) == [], "checks listed, marked and narrated"
    page.click(tid("pin"))
    run_program(page, CORRECT["the lecture's class (operands in a set)"])
    assert page.is_visible(tid("compare-result"))
    assert outside_the_editor(serious_violations(page)) == [], "a one-pass comparison"
