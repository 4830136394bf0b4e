// Checking the student's own engine (PAGE.md): whose Value runs, what its _backward functions did
// wrong against the chain rule, marked on their edges and nodes, told in the narration at their step,
// and listed in checks-list, each a link to its step. A correct own engine is confirmed in one line.

const $ = (id) => document.querySelector(`[data-testid="${id}"]`);
const KIND_TITLES = {
  deposit: "wrong deposit",
  missing: "missing deposit",
  order: "wrong order",
  set: "wrong hand-set grad",
  grad: "final grad differs from finite differences",
};

export class Checks {
  // `goTo(position)` moves the timeline; `quizOn()` says whether true values stay hidden until asked.
  constructor({ goTo, quizOn, selectLine }) {
    this.goTo = goTo;
    this.quizOn = quizOn;
    this.selectLine = selectLine;
    this.graph = null;
    this.timeline = null;
    this.svg = null;
    this.revealed = new Set(); // checks whose true value a quiz taker asked to see
    $("quiz").addEventListener("change", () => this.graph && this.renderList(this.own()));
    // a check can make the narration scroll: a region that scrolls must be reachable with the keyboard
    if (!$("narration").hasAttribute("tabindex")) $("narration").tabIndex = 0;
  }

  own() {
    return Boolean(this.graph?.value_class) && this.graph.value_class !== "builtin";
  }

  // A new graph (or another pass): the value-class line, the list, and the marks in the picture.
  show(graph, timeline, svg) {
    this.graph = graph;
    this.timeline = timeline;
    this.svg = svg;
    this.revealed.clear();
    const own = this.own();
    const label = $("value-class");
    label.hidden = !own;
    label.textContent = own ? `your ${graph.value_class}` : "";
    label.title = own ? "The program's own class Value runs as written; its _backward functions are checked against the chain rule." : "";
    this.renderList(own);
    this.mark();
  }

  checks() {
    return this.graph?.checks ?? [];
  }

  // The timeline position of a check's step; a final grad's check goes to the end of the backward pass.
  positionOf(check) {
    const timeline = this.timeline;
    if (check.step === null || check.step === undefined) return timeline.backwardEnd;
    const graph = timeline.graph;
    const start = graph.forward.length + (graph.resets ?? []).length + 1;
    return timeline.rawToPosition[start + check.step] ?? timeline.backwardEnd;
  }

  renderList(own) {
    const list = $("checks-list");
    list.replaceChildren();
    list.hidden = !own || !this.graph.output;
    if (list.hidden) return;
    const checks = this.checks();
    const heading = document.createElement("h3");
    heading.className = "checks-heading";
    if (checks.length === 0) {
      heading.textContent = "✓ Your engine agrees with the chain rule";
      const line = document.createElement("p");
      line.dataset.testid = "checks-ok";
      line.className = "checks-ok";
      line.textContent =
        "Every deposit of every _backward call in this pass is the local derivative times out.grad, and every final grad " +
        "matches the finite-difference gradient (to 1e-3).";
      list.append(heading, line);
      return;
    }
    heading.textContent = `⚠ ${checks.length} check${checks.length === 1 ? "" : "s"} of your engine failed`;
    const items = document.createElement("ol");
    items.className = "checks-items";
    // The same mistake at every call of the same line (a neuron's tanh on each example): listed once, the
    // others folded under it, each still a link to its own step.
    const seen = new Map();
    checks.forEach((check, n) => {
      const key = `${check.kind}:${check.line ?? ""}:${check.kind === "grad" ? "" : check.message.split(":")[0]}`;
      const link = this.link(check, n);
      const first = seen.get(key);
      if (first) {
        const inner = document.createElement("li");
        inner.append(link);
        first.list.append(inner);
        first.summary.textContent = `and ${first.list.children.length} more like it`;
        first.more.hidden = false;
        return;
      }
      const item = document.createElement("li");
      const more = document.createElement("details");
      more.className = "checks-more";
      more.hidden = true;
      const summary = document.createElement("summary");
      const list = document.createElement("ol");
      more.append(summary, list);
      seen.set(key, { more, summary, list });
      item.append(link, more);
      items.append(item);
    });
    list.append(heading, items);
  }

  // A check as a link to its step, which also selects its line in the editor.
  link(check, n) {
    const link = document.createElement("a");
    link.href = "#";
    link.dataset.testid = `check-${n}`;
    link.dataset.kind = check.kind;
    link.className = `check-link check-${check.kind}`;
    const body = this.text(check, n);
    const where = check.line && !body.includes(`line ${check.line}`) ? ` (line ${check.line})` : "";
    link.textContent = `${KIND_TITLES[check.kind] ?? check.kind}: ${body}${where}`;
    link.addEventListener("click", (event) => {
      event.preventDefault();
      this.goTo(this.positionOf(check));
      if (check.line) this.selectLine?.(check.line); // the line in the editor, and the keys stay with the timeline
      link.focus();
    });
    return link;
  }

  // A check's sentence. In quiz mode the true values wait: a wrong hand-set grad's until asked for, the
  // others' in the list until their step (the narration there tells them in full).
  text(check, n, inList = true) {
    if (check.kind === "set" && this.quizOn() && !this.revealed.has(n)) {
      return `line ${check.line}: this hand-set grad is not the gradient of the output (the true value is hidden in quiz mode)`;
    }
    if (inList && this.quizOn() && !this.revealed.has(n)) {
      return `${check.line ? `line ${check.line}: ` : ""}numbers hidden in quiz mode until this step`;
    }
    return check.message;
  }

  // Marks in the picture: the edge of a wrong or missing deposit, the node of every check.
  mark() {
    if (!this.svg) return;
    for (const element of this.svg.querySelectorAll(".check-edge, .check-node, .check-grad")) {
      element.classList.remove("check-edge", "check-node", "check-grad");
    }
    for (const check of this.checks()) {
      // a value inside a collapsed call: its box is marked
      const box = this.timeline?.boxOf?.get(check.node);
      const node = this.svg.getElementById(`node-${check.node}`) ?? (box ? this.svg.getElementById(`group-${box}`) : null);
      node?.classList.add(check.kind === "grad" ? "check-grad" : "check-node");
      if (check.to) {
        for (const edge of this.svg.querySelectorAll(`[id^="edge-${CSS.escape(check.to)}-${CSS.escape(check.node)}-"]`)) {
          edge.classList.add("check-edge");
        }
      }
    }
  }

  // Narration lines for the step at `position`: its checks, or the confirmation of a right hand-set grad.
  narrationAt(position) {
    const timeline = this.timeline;
    if (!timeline || !this.graph) return [];
    const own = this.own();
    const lines = [];
    const step = timeline.steps[position];
    this.checks().forEach((check, n) => {
      const here = check.step === null ? position === timeline.backwardEnd : this.positionOf(check) === position;
      if (!here) return;
      const line = document.createElement("p");
      line.className = `check-narration check-${check.kind}`;
      line.dataset.testid = "check-narration";
      line.textContent = `⚠ ${KIND_TITLES[check.kind] ?? check.kind}: ${this.text(check, n, false)}`;
      if (check.kind === "set" && this.quizOn() && !this.revealed.has(n)) {
        const show = document.createElement("button");
        show.type = "button";
        show.dataset.testid = "check-reveal";
        show.textContent = "show the true value";
        show.addEventListener("click", () => {
          this.revealed.add(n);
          this.renderList(true);
          line.textContent = `⚠ ${KIND_TITLES.set}: ${check.message}`;
        });
        line.append(" ", show);
      }
      lines.push(line);
    });
    const raw = step?.raw;
    const start = timeline.graph.forward.length + (timeline.graph.resets ?? []).length + 1;
    const record = raw !== undefined ? timeline.graph.backward[raw - start] : undefined;
    const isSet = record && record.set !== undefined && record.set !== null && record.node === step.node;
    const manual = Boolean(this.graph.passes?.[this.graph.pass]?.manual); // the lecture's backprop by hand
    const seed = isSet && record.node === this.graph.output; // the output's own grad: the seed, a choice
    if (own && manual && isSet && !seed && lines.length === 0 && !this.quizOn()) {
      const right = document.createElement("p");
      right.className = "check-narration check-right";
      right.dataset.testid = "check-confirmed";
      right.textContent = "✓ Right: this hand-set grad is the gradient of the output (the explorer's chain rule agrees).";
      lines.push(right);
    }
    return lines;
  }
}
