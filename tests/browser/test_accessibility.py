"""axe-core on the page in its main states: no serious or critical violations."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot
from tests.browser.helpers import Page, open_page, run_program, serious_violations, tid
from tests.lecture_programs import PROGRAMS

pytestmark = pytest.mark.browser


def test_the_page_has_no_serious_accessibility_violations_in_its_main_states(page: Page) -> None:
    open_page(page)
    assert serious_violations(page) == [], "a graph"
    run_program(page, "a = 2.0\nb = q * a")
    assert serious_violations(page) == [], "an error"
    run_program(page, PROGRAMS["lecture-training"])
    assert page.text_content(tid("phase")) != "no graph"
    screenshot(page, "43-training-run")
    assert page.locator(f"{tid('passes')} circle.point").count() == 20
    assert page.is_visible(tid("console"))
    assert serious_violations(page) == [], "a training run, its last pass shown, its chart and console"
    page.select_option(tid("preset"), "zero-grad-bug")
    page.wait_for_function("document.querySelector('[data-testid=pass-info]').textContent.startsWith('pass 20')")
    page.wait_for_function("document.querySelector('[data-testid=status]').textContent === ''")
    page.focus(tid("graph"))
    page.keyboard.press("ArrowRight")
    assert page.is_visible(tid("stale-warning"))
    assert serious_violations(page) == [], "a stale pass at its seed, its warning shown"
    page.select_option(tid("preset"), "lecture-L")
    page.wait_for_function("document.querySelector('[data-testid=output-value]').textContent === '-8.0000'")
    page.check(tid("quiz"))
    page.click(tid("step-forward"))
    page.click(tid("step-forward"))
    page.fill(tid("quiz-answer"), "3")
    page.press(tid("quiz-answer"), "Enter")
    assert serious_violations(page) == [], "a quiz question"
    page.click(tid("present"))
    screenshot(page, "42-quiz-presenting")
    assert serious_violations(page) == [], "presenting"
