"""The time of one timeline step in the browser, on the MLP loss example and on the last pass of the
training loop (`lecture-training`, about 400 values per pass: from the end back, its 41 updates
then backward steps), and the time to choose another pass (PageUp to the new numbers laid out).

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


def main() -> None:
    with running_server(workers=1) as port, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(f"http://127.0.0.1:{port}/")
        page.wait_for_selector("body[data-ready=true]")
        page.select_option('[data-testid="preset"]', "mlp-loss")
        page.wait_for_function("document.querySelector('[data-testid=phase]').textContent.startsWith('forward 398')")
        nodes = page.locator("[data-testid=graph] svg g.node").count()
        print(f"MLP loss example: {nodes} SVG nodes (values and operations)")
        print(f"{HEADER} {'next frame p50':>15} {'p95':>7}")
        measure(page, "mlp-loss", [("forward", "Home", "ArrowRight"), ("backward", "End", "ArrowLeft")])
        page.select_option('[data-testid="preset"]', "lecture-training")
        page.wait_for_function("document.querySelector('[data-testid=pass-info]').textContent.startsWith('pass 20')")
        page.wait_for_function("document.querySelector('[data-testid=status]').textContent === ''")
        nodes = page.locator("[data-testid=graph] svg g.node").count()
        print(f"Training loop, its last pass: {nodes} SVG nodes; the timeline runs through resets and updates")
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
        browser.close()


if __name__ == "__main__":
    main()
