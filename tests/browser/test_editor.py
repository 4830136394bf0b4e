"""The program editor as a person uses it: typing Python with indentation, pasting a cell, errors."""

from __future__ import annotations

import pytest

from tests.browser.conftest import screenshot
from tests.browser.helpers import Page, open_page, program_text, text, tid, wait_idle

pytestmark = pytest.mark.browser

NEURON_CELL = """x1 = Value(2.0, label='x1')
x2 = Value(0.0, label='x2')
w1 = Value(-3.0, label='w1')
w2 = Value(1.0, label='w2')
b = Value(6.8813735870195432, label='b')
x1w1 = x1*w1; x1w1.label = 'x1*w1'
x2w2 = x2*w2; x2w2.label = 'x2*w2'
x1w1x2w2 = x1w1 + x2w2; x1w1x2w2.label = 'x1*w1 + x2*w2'
n = x1w1x2w2 + b; n.label = 'n'
o = n.tanh(); o.label = 'o'
o.backward()
"""


def clear_editor(page: Page) -> None:
    page.click(tid("source"))
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")


CLASS = """class Neuron:
    def __init__(self, w):
        self.w = w
    def __call__(self, x):
        return self.w * x
n = Neuron(Value(2.0))
y = n(Value(3.0))
y.backward()"""


def test_typing_a_class_indents_after_a_colon_and_runs(page: Page) -> None:
    open_page(page)
    clear_editor(page)
    page.keyboard.type("class Neuron:\ndef __init__(self, w):\nself.w = w\n")  # each : indents the next line
    page.keyboard.press("Backspace")  # one indent unit back, to the class body
    page.keyboard.type("def __call__(self, x):\nreturn self.w * x\n")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    page.keyboard.type("n = Neuron(Value(2.0))\ny = n(Value(3.0))\ny.backward()")
    assert program_text(page) == CLASS
    page.keyboard.press("Control+Enter")
    page.wait_for_function("document.querySelector('[data-testid=output-value]').textContent === '6.0000'")
    assert page.is_hidden(tid("error"))
    assert page.locator(f"{tid('leaves')} tbody td:nth-child(2)").all_text_contents() == ["n.w"]  # by its path
    page.click(tid("nudge"))
    page.wait_for_function("document.querySelector('[data-testid=output-value]').textContent === '6.0900'")
    keyword = page.locator(".cm-line").first.locator("span").first
    assert keyword.text_content() == "class"
    plain = page.evaluate("getComputedStyle(document.querySelector('.cm-content')).color")
    assert keyword.evaluate("e => getComputedStyle(e).color") != plain  # Python highlighting
    assert page.locator(".cm-lineNumbers .cm-gutterElement").filter(has_text="8").count() == 1
    screenshot(page, "20-editor-class")


def test_tab_indents_undo_restores_and_brackets_match(page: Page) -> None:
    open_page(page)
    page.fill(tid("source"), "def f(x):\n    return x")
    page.click(tid("source"))
    page.keyboard.press("Control+End")
    page.keyboard.press("Tab")
    assert program_text(page) == "def f(x):\n        return x"
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Shift+Tab")
    assert program_text(page) == "def f(x):\nreturn x"
    page.keyboard.press("Control+z")
    assert program_text(page) == "def f(x):\n    return x"
    page.keyboard.press("Control+y")
    assert program_text(page) == "def f(x):\nreturn x"
    page.keyboard.type("\ny = (x)")
    assert page.locator(".cm-matchingBracket").all_text_contents() == ["(", ")"]


def test_a_pasted_cell_keeps_its_lines_and_runs(page: Page) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    open_page(page)
    page.evaluate("text => navigator.clipboard.writeText(text)", NEURON_CELL)
    clear_editor(page)
    page.keyboard.press("Control+V")
    assert program_text(page) == NEURON_CELL
    page.keyboard.press("Control+Enter")
    page.wait_for_function("document.querySelector('[data-testid=output-value]').textContent === '0.7071'")
    clear_editor(page)
    page.keyboard.insert_text("a = 2.0\nb = a * a\n")  # what an input method or a drop does
    page.click(tid("run"))
    page.wait_for_function("document.querySelector('[data-testid=output-value]').textContent === '4.0000'")


def test_an_error_is_underlined_at_its_line_and_column_with_the_message_on_hover(page: Page) -> None:
    open_page(page)
    page.fill(tid("source"), "a = 2.0\nb = a * 3.0\nc = b + zz * a\n")
    page.click(tid("run"))
    wait_idle(page)
    message = text(page, tid("error"))
    assert message.startswith("name error (line 3, column 9): NameError: name 'zz' is not defined")
    place = page.evaluate(
        """() => {
            const mark = document.querySelector('.cm-lintRange-error');
            const line = mark.closest('.cm-line');
            const before = document.createRange();
            before.setStart(line, 0);
            before.setEndBefore(mark);
            return [[...document.querySelectorAll('.cm-line')].indexOf(line) + 1,
                    before.toString().length + 1, mark.textContent];
        }"""
    )
    assert place == [3, 9, "zz"]
    page.hover(".cm-lintRange-error")
    tooltip = page.wait_for_selector(".cm-tooltip-lint")
    assert "name 'zz' is not defined" in str(tooltip.text_content())
    screenshot(page, "21-editor-error")
    page.click(tid("source"))
    page.keyboard.press("Control+End")
    page.keyboard.type("#")
    assert page.locator(".cm-lintRange-error").count() == 0  # an edit clears the mark
    assert page.get_attribute(tid("source"), "aria-invalid") is None
