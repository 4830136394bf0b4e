"""What the browser tests do as a person would: open the page, type a program, read what it shows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

Page = Any
ROOT = Path(__file__).resolve().parent.parent.parent
EDITOR_BUNDLE = next((ROOT / "static" / "vendor").glob("codemirror-*.min.js")).name
AXE = next((Path(__file__).resolve().parent / "vendor").glob("axe-*.min.js"))


def tid(name: str) -> str:
    return f'[data-testid="{name}"]'


def open_page(page: Page, hash_: str = "") -> None:
    page.goto(page.base_url + "/" + hash_)
    page.wait_for_selector("body[data-ready=true]")


def wait_idle(page: Page) -> None:
    """Until the last request is answered and shown."""
    page.wait_for_function("document.querySelector('[data-testid=status]').textContent === ''")


def run_program(page: Page, source: str) -> None:
    page.fill(tid("source"), source)
    page.click(tid("run"))
    wait_idle(page)


def program_text(page: Page) -> str:
    """The editor's whole program, as CodeMirror holds it."""
    return str(
        page.evaluate(
            f"""import('./static/vendor/{EDITOR_BUNDLE}').then(m =>
                m.EditorView.findFromDOM(document.querySelector('.cm-editor')).state.doc.toString())"""
        )
    )


def text(page: Page, selector: str) -> str:
    return str(page.text_content(selector)).strip()


def svg_text(page: Page, element_id: str) -> str:
    return str(
        page.eval_on_selector("[data-testid=graph] svg", f"svg => svg.getElementById('{element_id}').textContent")
    )


def node_id(page: Page, label: str) -> str:
    """The id of the node with this label, read from the picture."""
    return str(
        page.evaluate(
            """label => [...document.querySelectorAll('g.node[id^="node-"]')]
                .find(g => g.querySelector('text').textContent === label).id.slice(5)""",
            label,
        )
    )


def view_of(page: Page) -> str:
    """Where the picture stands in its box: its size and its offset."""
    return str(
        page.eval_on_selector(
            "[data-testid=graph] svg", "s => `${s.style.width} ${s.style.height} ${s.style.transform}`"
        )
    )


def data_text_heights(page: Page) -> list[float]:
    """The on-screen height in px of every `data-<id>` text of the picture, smallest first."""
    heights = page.evaluate(
        """() => [...document.querySelectorAll('[data-testid=graph] svg text[id^="data-"]')]
            .map(t => t.getBoundingClientRect().height)"""
    )
    return sorted(float(height) for height in heights)


def in_view(page: Page, element_id: str) -> bool:
    """Whether the element lies wholly inside the graph's box on screen."""
    return bool(
        page.evaluate(
            """id => {
                const box = document.querySelector('[data-testid=graph]').getBoundingClientRect();
                const r = document.getElementById(id).getBoundingClientRect();
                return r.left >= box.left - 1 && r.right <= box.right + 1 && r.top >= box.top - 1
                    && r.bottom <= box.bottom + 1;
            }""",
            element_id,
        )
    )


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page as it stands."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    found = page.evaluate(
        """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
            .filter(v => v.impact === 'serious' || v.impact === 'critical')
            .map(v => `${v.id} (${v.impact}): ${v.nodes.map(n => n.target.join(' ')).join(', ')}`)"""
    )
    return [str(item) for item in found]


def hidden_in(graph: Any, collapsed: list[str]) -> dict[str, str]:
    """Each value of an API answer drawn inside a collapsed box, and its box (the outermost collapsed group)."""
    parent = {group["id"]: group["parent"] for group in graph["groups"]}
    boxes: dict[str, str] = {}
    for node in graph["nodes"]:
        group = node["group"]
        while group:
            if group in collapsed:
                boxes[node["id"]] = group
            group = parent[group]
    return boxes


def merged_count(steps: list[str], hidden: dict[str, str]) -> int:
    """Steps over these nodes with each collapsed box's nodes as one step."""
    return len([node for node in steps if node not in hidden]) + len({hidden[node] for node in steps if node in hidden})


def forward_steps(graph: Any) -> int:
    """The forward steps the page shows for an API answer in its own view of the groups."""
    return merged_count(graph["forward"], hidden_in(graph, graph.get("collapsed", [])))
