"""Quiz mode: the student types each grad before the backward step shows it."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import screenshot
from tests.browser.helpers import Page, node_id, open_page, svg_text, text, tid

pytestmark = pytest.mark.browser


def answer(page: Page, value: str, press_enter: bool = False) -> None:
    page.fill(tid("quiz-answer"), value)
    if press_enter:
        page.press(tid("quiz-answer"), "Enter")
    else:
        page.click(tid("quiz-submit"))


def test_a_quiz_round_asks_each_grad_before_showing_it_and_keeps_the_score(page: Page, browser: Any) -> None:
    open_page(page)
    page.check(tid("quiz"))
    assert text(page, tid("quiz-score")) == "0 / 0 right"
    grads = page.locator(f"{tid('leaves')} tbody td:nth-child(4)").all_text_contents()
    assert set(grads) == {"?"}  # the leaf table would give the answers away
    page.click(tid("step-forward"))  # the seed: nothing to ask
    assert text(page, tid("phase")) == "backward 1 / 4"
    page.click(tid("step-forward"))
    assert text(page, tid("phase")) == "backward 1 / 4"  # not shown yet: first the question
    assert "What is d.grad after it?" in text(page, tid("quiz-question"))
    d, f = node_id(page, "d"), node_id(page, "f")
    assert svg_text(page, f"grad-{d}") == "grad 0.0000"
    assert "asked" in str(page.get_attribute(f"#node-{d}", "class"))
    assert page.evaluate("document.activeElement.dataset.testid") == "quiz-answer"
    screenshot(page, "40-quiz-question")
    answer(page, "-2")
    assert "What is f.grad after it?" in text(page, tid("quiz-question"))
    assert text(page, tid("phase")) == "backward 1 / 4"
    answer(page, "5")
    assert text(page, tid("phase")) == "backward 2 / 4"  # both answered: the step is shown
    assert svg_text(page, f"grad-{f}") == "grad 4.0000"
    feedback = page.locator(f"{tid('quiz-feedback')} p").all_text_contents()
    assert feedback == [
        "Right: d.grad = -2.0000.",
        "d.grad += f.data * L.grad = -2.0000 * 1.0000 = -2.0000",
        "Not quite: you said 5, but f.grad = 4.0000.",
        "f.grad += d.data * L.grad = 4.0000 * 1.0000 = 4.0000",
    ]
    assert text(page, tid("quiz-score")) == "1 / 2 right"
    screenshot(page, "41-quiz-answered")
    page.keyboard.press("Enter")  # the focus is on Forward: the next question
    assert "What is e.grad after it?" in text(page, tid("quiz-question"))
    answer(page, "abc", press_enter=True)
    assert text(page, tid("quiz-hint")).startswith("Type a number")
    answer(page, "-2.0004", press_enter=True)  # within 0.001
    answer(page, "-1.999", press_enter=True)
    assert text(page, tid("quiz-score")) == "3 / 4 right"
    assert text(page, tid("phase")) == "backward 3 / 4"
    assert "quiz=1" in page.url
    shared = browser.new_page()
    shared.goto(page.url)
    shared.wait_for_selector("body[data-ready=true]")
    assert shared.is_checked(tid("quiz"))
    assert text(shared, tid("quiz-score")) == "0 / 0 right"
    shared.click(tid("step-forward"))
    assert "What is a.grad after it?" in text(shared, tid("quiz-question"))
    shared.close()


def test_two_deposits_into_one_node_are_one_question_about_the_sum(page: Page) -> None:
    open_page(page)
    page.select_option(tid("preset"), "a-plus-a")
    page.wait_for_function("document.querySelector('[data-testid=phase]').textContent === 'forward 2 / 2'")
    page.check(tid("quiz"))
    page.click(tid("step-forward"))
    page.click(tid("step-forward"))
    assert "What is a.grad after it?" in text(page, tid("quiz-question"))
    answer(page, "2", press_enter=True)
    assert text(page, tid("quiz-score")) == "1 / 1 right"
    assert text(page, tid("phase")) == "backward 2 / 2"


def test_stepping_back_leaves_a_question_and_the_quiz_tolerance_is_1e_3(page: Page) -> None:
    open_page(page)
    page.check(tid("quiz"))
    page.click(tid("step-forward"))
    page.click(tid("step-forward"))
    assert page.is_enabled(tid("quiz-answer"))
    page.click(tid("step-back"))
    assert text(page, tid("phase")) == "forward 7 / 7"
    assert page.is_disabled(tid("quiz-answer"))
    assert text(page, tid("quiz-score")) == "0 / 0 right"
    verdicts = page.evaluate(
        """() => import('./static/quiz.js').then(m => [
            m.isRight(6.005, 6), m.isRight(6.007, 6), m.isRight(0.0009, 0), m.isRight(0.0011, 0),
            m.isRight(-1500.9, -1500), m.isRight(-1502, -1500)])"""
    )
    assert verdicts == [True, False, True, False, True, False]
