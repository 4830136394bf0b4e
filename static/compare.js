// Comparing two runs (PAGE.md): `pin` keeps the run shown as a reference; every run after it shows
// both loss curves in one chart (the pinned one dashed, with a legend) and, for one-pass programs,
// marks the values whose grad differs from the pinned run's. `unpin` ends it.

import { formatNumber } from "./format.js";

const $ = (id) => document.querySelector(`[data-testid="${id}"]`);
const SAME = 1e-9; // relative: grads closer than this are the same

function nameOf(node) {
  return node.label || node.name || node.path || node.expr || `${node.op || "value"} of line ${node.line}`;
}

// The same value in two runs: by its label, name or path where it has one (an edit above it moves its id),
// else by its id, which counts the values made.
function keyOf(node) {
  const name = node.label || node.name || node.path;
  return name ? `name:${name}` : `id:${node.id}`;
}

export class Compare {
  // `redraw()` draws the current graph's chart again (with or without the reference curve).
  constructor({ training, redraw }) {
    this.training = training;
    this.redraw = redraw;
    this.pinned = null;
    this.graph = null;
    this.svg = null;
    $("pin").addEventListener("click", () => this.pin());
    $("unpin").addEventListener("click", () => this.unpin());
  }

  pin() {
    const graph = this.graph;
    if (!graph?.output) return;
    const passes = graph.passes ?? [];
    const output = graph.nodes.find((node) => node.id === graph.output);
    this.pinned = {
      losses: passes.map((pass) => pass.data),
      label: `pinned run (${passes.length} pass${passes.length === 1 ? "" : "es"}, ${output ? nameOf(output) : "output"} = ${formatNumber(passes.at(-1)?.data ?? output?.data ?? 0)})`,
      grads: new Map(graph.nodes.map((node) => [keyOf(node), node])),
      onePass: passes.length <= 1,
    };
    this.training.reference = this.pinned.losses.length > 1 ? this.pinned.losses : null;
    this.redraw();
  }

  unpin() {
    this.pinned = null;
    this.training.reference = null;
    this.redraw();
  }

  // A graph shown: the buttons, the difference in grads, the line that says what is compared.
  show(graph, svg) {
    this.graph = graph;
    this.svg = svg;
    const pinned = this.pinned;
    $("pin").disabled = !graph.output;
    $("pin").hidden = pinned !== null;
    $("unpin").hidden = pinned === null;
    const result = $("compare-result");
    for (const element of svg?.querySelectorAll(".differs") ?? []) element.classList.remove("differs");
    result.hidden = pinned === null;
    if (!pinned) {
      result.textContent = "";
      return;
    }
    const passes = graph.passes ?? [];
    if (!pinned.onePass || passes.length > 1) {
      result.textContent =
        passes.length > 1 && pinned.losses.length > 1
          ? `Loss curves: this run (solid) against the ${pinned.label} (dashed).`
          : `Compared with the ${pinned.label}: the curves need a program with several passes on both sides.`;
      return;
    }
    const differ = [];
    for (const node of graph.nodes) {
      const before = pinned.grads.get(keyOf(node));
      if (!before || before.op !== node.op) continue;
      const scale = Math.max(Math.abs(before.grad), Math.abs(node.grad));
      if (Math.abs(before.grad - node.grad) <= SAME * scale) continue;
      differ.push(`${nameOf(node)} ${formatNumber(before.grad)} → ${formatNumber(node.grad)}`);
      svg?.querySelector(`#node-${CSS.escape(node.id)}`)?.classList.add("differs");
    }
    result.textContent = differ.length
      ? `${differ.length} grad${differ.length === 1 ? " differs" : "s differ"} from the ${pinned.label}, marked in the picture: ${differ.join(" · ")}`
      : `Every grad is the same as in the ${pinned.label}.`;
  }
}
