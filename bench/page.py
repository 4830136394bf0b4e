"""The time of one timeline step in the browser, on the MLP loss example and on the last pass of the
training loop expanded (`lecture-training`, about 400 values per pass: from the end back, its 41 updates
then backward steps), the time to choose another pass (PageUp to the new numbers laid out), to toggle a
group (a neuron's call expanded or collapsed, to its new picture shown) and to the page's first graph.

Run: python -m bench.page     (starts the app and Debian's Chromium itself)
Prints, for steps in the forward and the backward phase, the time from the key press to the
SVG updated (texts, classes, style and layout), and to the start of the next animation frame
(which includes waiting for the frame clock, up to 16.7 ms). The graph opens at a readable scale
on its output, so many steps also pan the view to their node (a CSS transform); those are
counted and included.
"""

from __future__ import annotations

import statistics

from playwright.sync_api import Page, sync_playwright

from bench.client import running_server
from tests.browser.conftest import CHROMIUM, CHROMIUM_FLAGS

STEPS = 100

MEASURE = """async (key) => {
  const phase = document.querySelector('[data-testid=phase]').textContent;
  const svg = document.querySelector('[data-testid=graph] svg');
  const view = svg.style.transform;
  const start = performance.now();
  document.body.dispatchEvent(new KeyboardEvent('keydown', {key, bubbles: true}));
  document.body.getBoundingClientRect();  // style and layout of the updated SVG
  const updated = performance.now() - start;
  await new Promise(resolve => requestAnimationFrame(resolve));
  const moved = document.querySelector('[data-testid=phase]').textContent !== phase;
  return [updated, performance.now() - start, moved, svg.style.transform !== view];
}"""


PASS_SWITCHES = 19
SWITCH_PASS = """async () => {
  const info = document.querySelector('[data-testid=pass-info]');
  const before = info.textContent;
  const start = performance.now();
  document.body.dispatchEvent(new KeyboardEvent('keydown', {key: 'PageUp', bubbles: true}));
  while (info.textContent === before) await new Promise(resolve => setTimeout(resolve, 0));
  document.body.getBoundingClientRect();
  const request = performance.getEntriesByType('resource').filter(entry => entry.name.endsWith('/api/graph')).at(-1);
  return [performance.now() - start, request.responseEnd - request.startTime];
}"""

HEADER = f"{'graph':<9} {'phase':<9} {'steps':>5} {'panned':>6} {'updated p50':>12} {'p95':>7}"


def measure(page: Page, graph: str, phases: list[tuple[str, str, str]]) -> None:
    """Print p50 and p95 of STEPS key presses per phase: from the key to the SVG updated, and painted."""
    for phase, start_key, key in phases:
        page.evaluate(MEASURE, start_key)
        results = [page.evaluate(MEASURE, key) for _ in range(STEPS)]
        if not all(result[2] for result in results):
            raise RuntimeError("a key press did not move the timeline")
        updated = sorted(result[0] for result in results)
        painted = sorted(result[1] for result in results)
        panned = sum(result[3] for result in results)
        print(
            f"{graph:<9} {phase:<9} {STEPS:>5} {panned:>6} {statistics.median(updated):>10.2f}ms {updated[94]:>5.2f}ms "
            f"{statistics.median(painted):>13.2f}ms {painted[94]:>5.2f}ms"
        )


TOGGLE = """async () => {
  // Expand the first collapsed box, then collapse its call again by its title: each until its picture is shown.
  const box = document.querySelector('[data-testid=graph] .group-box');
  const id = box.dataset.group;
  const shown = (kind) => document.querySelector(`[data-testid=graph] .${kind}[data-group="${id}"]`)
    && document.querySelector('[data-testid=status]').textContent === '';
  const times = [];
  for (const [target, kind] of [[box, 'group-title'], [null, 'group-box']]) {
    const element = target ?? document.querySelector(`[data-testid=graph] .group-title[data-group="${id}"]`);
    const start = performance.now();
    element.dispatchEvent(new MouseEvent('click', {bubbles: true}));
    while (!shown(kind)) await new Promise(resolve => setTimeout(resolve, 0));
    document.body.getBoundingClientRect();
    times.push(performance.now() - start);
  }
  return times;
}"""
TOGGLES = 10
FRAME_MS = 16.0  # one frame at 60 Hz: a step on the expanded training pass at p95
TOGGLE_MS = 100.0  # a group expanded or collapsed, p50
FIRST_GRAPH_MS = 1000.0  # the page's first graph after load


def first_graph(page: Page, url: str) -> float:
    """Milliseconds from the start of navigation to the first graph shown (its performance mark)."""
    page.goto(url)
    page.wait_for_selector("body[data-ready=true]")
    return float(page.evaluate("performance.getEntriesByName('first-graph')[0].startTime"))


def main() -> None:
    with running_server(workers=1) as port, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1440, "height": 900})
        url = f"http://127.0.0.1:{port}/"
        first_graph(page, url)  # warm: the server's first layout and the browser's module cache
        loads = sorted(first_graph(page, url) for _ in range(5))
        print(f"first graph after load (5 loads): p50 {statistics.median(loads):.0f} ms, max {loads[-1]:.0f} ms")
        page.select_option('[data-testid="preset"]', "mlp-loss")
        page.wait_for_selector("[data-testid=graph] .group-box")
        page.wait_for_function("document.querySelector('[data-testid=status]').textContent === ''")
        nodes = page.locator("[data-testid=graph] svg g.node").count()
        print(f"MLP loss example, its neurons collapsed: {nodes} SVG nodes")
        print(f"{HEADER} {'next frame p50':>15} {'p95':>7}")
        measure(page, "mlp-loss", [("forward", "Home", "ArrowRight"), ("backward", "End", "ArrowLeft")])
        page.select_option('[data-testid="preset"]', "lecture-training")
        page.wait_for_function("document.querySelector('[data-testid=pass-info]').textContent.startsWith('pass 20')")
        page.wait_for_function("document.querySelector('[data-testid=status]').textContent === ''")
        toggles = sorted(t for _ in range(TOGGLES) for t in page.evaluate(TOGGLE))
        print(
            f"a group toggled ({len(toggles)} times, expand and collapse): p50 {statistics.median(toggles):.1f} ms, "
            f"p95 {toggles[int(len(toggles) * 0.95) - 1]:.1f} ms"
        )
        page.click('[data-testid="expand-all"]')
        page.wait_for_function("!document.querySelector('[data-testid=graph] .group-box')")
        page.wait_for_function("document.querySelector('[data-testid=status]').textContent === ''")
        nodes = page.locator("[data-testid=graph] svg g.node").count()
        print(f"Training loop, its last pass expanded: {nodes} SVG nodes; the timeline runs through resets and updates")
        # From the start forward through forward and resets; from the end back through updates and backward.
        measure(page, "training", [("forward", "Home", "ArrowRight"), ("upd+back", "End", "ArrowLeft")])
        switches = [page.evaluate(SWITCH_PASS) for _ in range(PASS_SWITCHES)]
        total = sorted(switch[0] for switch in switches)
        server = sorted(switch[1] for switch in switches)
        print(
            f"choosing another pass (PageUp, {PASS_SWITCHES} times): to the new picture laid out "
            f"p50 {statistics.median(total):.1f} ms, p95 {total[-1]:.1f} ms (max); of which the request "
            f"p50 {statistics.median(server):.1f} ms"
        )
        print(
            f"targets: a step <= {FRAME_MS} ms at p95, a toggle <= {TOGGLE_MS} ms at p50, "
            f"first graph <= {FIRST_GRAPH_MS} ms"
        )
        browser.close()


if __name__ == "__main__":
    main()
