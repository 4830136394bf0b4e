// Training in the page: the passes of the program, one chosen through the loss chart, the pass
// buttons or PageUp and PageDown, and the stale pass's warning.

import { formatNumber } from "./format.js";
import { drawPasses, passText } from "./passes.js";
import { rawName } from "./timeline.js";

const $ = (id) => document.querySelector(`[data-testid="${id}"]`);

export class Training {
  // `choose(index)` shows another pass of the same program.
  constructor(choose) {
    this.choose = choose;
    this.passes = [];
    this.pass = null; // the pass shown, when the program has several
    this.wanted = null; // the pass asked for and not yet shown
    this.reference = null; // a pinned run's losses, drawn dashed in the chart (compare.js)
    $("pass-prev").addEventListener("click", () => this.step(-1));
    $("pass-next").addEventListener("click", () => this.step(1));
  }

  show(graph) {
    this.passes = graph.passes ?? [];
    this.pass = this.passes.length > 1 ? graph.pass : null;
    this.wanted = null;
    const several = this.pass !== null;
    $("training").hidden = !several;
    drawPasses($("passes"), $("passes-legend"), this.passes, graph.pass, (index) => this.pick(index), this.reference);
    $("pass-info").textContent = several ? passText(this.passes, this.pass) : "";
    $("pass-prev").disabled = !several || this.pass === 0;
    $("pass-next").disabled = !several || this.pass === this.passes.length - 1;
  }

  // The pass `delta` away from the last one asked for: each press counts, however fast.
  step(delta) {
    return this.pick((this.wanted ?? this.pass ?? 0) + delta);
  }

  async pick(index) {
    if (this.pass === null || index < 0 || index >= this.passes.length || index === (this.wanted ?? this.pass)) return;
    this.wanted = index;
    const focused = document.activeElement?.closest?.('[data-testid="passes"]') !== null;
    await this.choose(index);
    if (focused) $("passes").querySelector('[aria-current="true"]')?.focus(); // keyboard users stay on the chart
  }

  // A stale pass (no zero_grad before backward): say so from its seed on, naming a grad it started from.
  showStaleWarning(step, timeline) {
    const pass = this.passes[this.pass];
    const stale = Boolean(pass?.stale) && step.kind === "backward";
    $("stale-warning").hidden = !stale;
    if (!stale) return;
    const carried = timeline.graph.nodes.find((node) => node.grad_before);
    const example = carried ? ` (${rawName(timeline, carried.id)}.grad was ${formatNumber(carried.grad_before)})` : "";
    $("stale-warning").textContent =
      `Stale pass: the grads were not set to zero before backward(), so they start from the last pass's values${example} ` +
      "and this pass's grads add up on top of them. This is the zero_grad bug: set every p.grad = 0.0 before loss.backward().";
  }
}
