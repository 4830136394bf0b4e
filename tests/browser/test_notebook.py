"""Notebooks on the page: open a .ipynb (button and drop), cells in the editor, outputs and figures per cell,
the draw_dot views each opening the graph as the notebook showed it, and the output before an error."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import nbformat
import pytest

from tests.browser.conftest import screenshot
from tests.browser.helpers import open_page, program_text, run_program, serious_violations, tid, wait_idle

pytestmark = pytest.mark.browser

CELLS = [
    ("markdown", "# The lecture, in short"),
    ("code", "import numpy as np\nimport matplotlib.pyplot as plt\n%matplotlib inline"),
    ("code", "def f(x):\n  return 3*x**2 - 4*x + 5\nf(3.0)"),
    ("code", "xs = np.arange(-5, 5, 0.25)\nys = f(xs)\nplt.plot(xs, ys)\nplt.title('f(x) = 3x**2 - 4x + 5')"),
    (
        "code",
        "a = Value(2.0, label='a')\nb = Value(-3.0, label='b')\nc = Value(10.0, label='c')\n"
        "e = a*b; e.label = 'e'\nd = e + c; d.label = 'd'\nf = Value(-2.0, label='f')\nL = d * f; L.label = 'L'\n"
        "draw_dot(L)",
    ),
    ("code", "L.grad = 1.0\nf.grad = 4.0\nd.grad = -2.0\ndraw_dot(L)"),
    ("code", "print('L', L.data)\nL.data"),
]


def write_notebook(path: Path) -> Path:
    makers = {"code": nbformat.v4.new_code_cell, "markdown": nbformat.v4.new_markdown_cell}
    notebook = nbformat.v4.new_notebook(cells=[makers[kind](source) for kind, source in CELLS])
    path.write_text(nbformat.writes(notebook))
    return path


def test_a_notebook_opens_from_its_button_with_cells_outputs_figures_and_views(page: Any, tmp_path: Path) -> None:
    open_page(page)
    page.set_input_files(tid("notebook-file"), str(write_notebook(tmp_path / "lecture.ipynb")))
    page.wait_for_selector(f"{tid('views')} button")
    wait_idle(page)
    assert program_text(page).startswith("# %%\nimport numpy as np")
    assert page.locator(".cm-line.cell-start").count() == 6
    console = page.locator(tid("console"))
    assert "Out[2]: 20.0" in console.inner_text()
    assert "L -8.0" in console.inner_text() and "Out[6]: -8.0" in console.inner_text()
    figure = page.locator(f"{tid('figure-0')} svg.figure")
    assert figure.bounding_box()["width"] >= 300  # readable inline
    assert page.locator(f"{tid('figure-0')} text.title").text_content() == "f(x) = 3x**2 - 4x + 5"
    assert page.locator(f"{tid('figure-0')} text.xtick").all_text_contents() == ["−4", "−2", "0", "2", "4"]
    views = page.locator(f"{tid('views')} button")
    assert views.all_inner_texts() == ["draw_dot(L) · line 22", "draw_dot(L) · line 27"]
    assert page.locator(tid("view-1")).get_attribute("aria-current") == "true"
    screenshot(page, "notebook-opened")
    assert serious_violations(page) == [], "a notebook: its cells, outputs, figures and views"
    graph_text = page.locator(tid("graph")).inner_text()
    assert "grad 4.0000" in graph_text  # f.grad as the second picture showed it
    page.click(tid("view-0"))
    wait_idle(page)
    assert page.locator(tid("view-0")).get_attribute("aria-current") == "true"
    assert "grad 4.0000" not in page.locator(tid("graph")).inner_text()  # before the manual grads
    page.click(tid("step-forward"))
    page.click(tid("step-back"))
    screenshot(page, "notebook-first-view")
    page.click(tid("enlarge-0"))  # the figure, large enough to read from the back of a room
    large = page.locator(f"{tid('figure-dialog')} > svg").bounding_box()
    assert large["width"] >= 800
    screenshot(page, "notebook-figure-large")
    page.keyboard.press("Escape")
    assert not page.locator(tid("figure-dialog")).is_visible()
    page.click(tid("out-view-1"))  # the second picture, from its cell's Out[n] in the console
    wait_idle(page)
    assert page.locator(tid("view-1")).get_attribute("aria-current") == "true"
    assert "grad 4.0000" in page.locator(tid("graph")).inner_text()


def test_a_notebook_dropped_on_the_page_opens(page: Any, tmp_path: Path) -> None:
    open_page(page)
    text = write_notebook(tmp_path / "dropped.ipynb").read_text()
    page.evaluate(
        """text => {
            const data = new DataTransfer();
            data.items.add(new File([text], 'dropped.ipynb', { type: 'application/json' }));
            document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
        }""",
        text,
    )
    page.wait_for_selector(f"{tid('views')} button")
    wait_idle(page)
    assert "dropped.ipynb: 6 code cells" in page.locator(tid("example-note")).inner_text()
    assert page.locator(f"{tid('figure-0')} svg.figure").count() == 1


def test_a_program_that_raises_still_shows_what_it_printed_and_drew(page: Any) -> None:
    open_page(page)
    source = (
        "# %%\nimport matplotlib.pyplot as plt\nprint('before')\nplt.plot([1, 2, 3], [1, 4, 9])\n"
        "# %%\nprint('then')\nx = 1 / 0\n"
    )
    run_program(page, source)
    assert page.locator(tid("error")).is_visible()
    console = page.locator(tid("console")).inner_text()
    assert "before" in console and "then" in console and "ZeroDivisionError" in console
    assert page.locator(f"{tid('figure-0')} svg polyline").count() == 1
    screenshot(page, "notebook-error")


@pytest.mark.parametrize(("width", "height"), [(1440, 900), (1280, 720), (390, 844)])
def test_notebook_screenshots_at_each_size(page: Any, tmp_path: Path, width: int, height: int) -> None:
    page.set_viewport_size({"width": width, "height": height})
    open_page(page)
    page.set_input_files(tid("notebook-file"), str(write_notebook(tmp_path / "lecture.ipynb")))
    page.wait_for_selector(f"{tid('views')} button")
    wait_idle(page)
    page.locator(tid("figure-0")).scroll_into_view_if_needed()
    screenshot(page, f"notebook-{width}x{height}")
    figure = page.locator(f"{tid('figure-0')} svg.figure").bounding_box()
    console = page.locator(tid("console")).bounding_box()
    assert figure["width"] > 200 and figure["x"] + figure["width"] <= console["x"] + console["width"] + 1
