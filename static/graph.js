// The inline SVG: texts and classes changed in place for a timeline state, plus pan, zoom and fit.

import { formatNumber } from "./format.js";

const SVG_NS = "http://www.w3.org/2000/svg";

export class GraphView {
  constructor(container, onSelect) {
    this.container = container;
    this.onSelect = onSelect;
    this.svg = null;
    this.elements = new Map(); // id -> {group, data, grad, op, opEdge, edges: [...]}
    this.shown = new Map(); // element -> last text / class, to touch the DOM only on change
    container.addEventListener("click", (event) => {
      const group = event.target.closest?.('g.node[id^="node-"]');
      if (group && !this.dragged) this.onSelect(group.id.slice(5));
    });
    this.installPanZoom();
    // A pixel-sized SVG is laid out only when the box resizes; at 100% Chromium lays all of it out
    // again whenever anything on the page changes (30 ms for 700 nodes).
    new ResizeObserver(() => this.fitBox()).observe(container);
  }

  fitBox() {
    if (!this.svg) return;
    this.svg.style.width = `${this.container.clientWidth}px`;
    this.svg.style.height = `${this.container.clientHeight}px`;
  }

  // Put a new picture in place; the timeline's graph names its elements.
  show(svgText, timeline) {
    this.container.querySelector("svg")?.remove();
    this.elements.clear();
    this.shown.clear();
    this.svg = null;
    if (!svgText) return;
    const parsed = new DOMParser().parseFromString(svgText, "image/svg+xml").documentElement;
    this.svg = document.importNode(parsed, true);
    this.svg.setAttribute("role", "img");
    this.svg.setAttribute("aria-label", "computation graph");
    this.home = this.svg.getAttribute("viewBox").split(/\s+/).map(Number);
    this.svg.removeAttribute("width");
    this.svg.removeAttribute("height");
    this.container.prepend(this.svg);
    this.fitBox();
    this.deposits = document.createElementNS(SVG_NS, "g");
    this.deposits.setAttribute("class", "deposits");
    this.svg.querySelector("g.graph").append(this.deposits);
    const byId = (id) => this.svg.getElementById(id);
    for (const node of timeline.graph.nodes) {
      this.elements.set(node.id, {
        group: byId(`node-${node.id}`),
        data: byId(`data-${node.id}`),
        grad: byId(`grad-${node.id}`),
        op: byId(`op-${node.id}`),
        opEdge: byId(`edge-op-${node.id}`),
        edges: timeline.operands.get(node.id).map((source, k) => byId(`edge-${source}-${node.id}-${k}`)),
      });
    }
    this.fit();
  }

  setText(element, text) {
    if (element && this.shown.get(element) !== text) {
      element.textContent = text;
      this.shown.set(element, text);
    }
  }

  setClass(element, name, on) {
    if (element) element.classList.toggle(name, on);
  }

  // Show a timeline state: numbers known so far, the current step highlighted, the rest dimmed.
  apply(state) {
    if (!this.svg) return;
    const { step } = state;
    for (const [id, parts] of this.elements) {
      const data = state.data.get(id);
      const grad = state.grad.get(id);
      this.setText(parts.data, data === null ? "data" : `data ${formatNumber(data)}`);
      this.setText(parts.grad, grad === null ? "grad" : `grad ${formatNumber(grad)}`);
      const pending = !state.computed.has(id);
      const current = step.node === id;
      for (const element of [parts.group, parts.op, parts.opEdge, ...parts.edges]) {
        this.setClass(element, "pending", pending);
        this.setClass(element, "current", current);
        this.setClass(element, "backward", current && step.kind === "backward");
      }
    }
    this.showDeposits(state);
  }

  showDeposits(state) {
    this.deposits.replaceChildren();
    for (const deposit of state.deposits) {
      const edge = this.elements.get(state.step.node).edges[deposit.k];
      const path = edge?.querySelector("path");
      if (!path) continue;
      const middle = path.getPointAtLength(path.getTotalLength() * 0.4);
      const label = document.createElementNS(SVG_NS, "text");
      label.setAttribute("x", middle.x);
      label.setAttribute("y", middle.y - 4);
      label.setAttribute("class", "deposit");
      label.setAttribute("text-anchor", "middle");
      label.textContent = `${deposit.amount < 0 ? "" : "+"}${formatNumber(deposit.amount)}`;
      this.deposits.append(label);
    }
  }

  // Pan and zoom move the viewBox; the layout itself never changes.
  setView([x, y, width, height]) {
    this.view = [x, y, width, height];
    this.svg?.setAttribute("viewBox", `${x} ${y} ${width} ${height}`);
  }

  fit() {
    if (this.home) this.setView(this.home);
  }

  zoom(factor, cx = 0.5, cy = 0.5) {
    if (!this.svg) return;
    const [x, y, width, height] = this.view;
    const [w, h] = [width * factor, height * factor];
    this.setView([x + (width - w) * cx, y + (height - h) * cy, w, h]);
  }

  installPanZoom() {
    const box = this.container;
    box.addEventListener(
      "wheel",
      (event) => {
        if (!this.svg) return;
        event.preventDefault();
        const rect = box.getBoundingClientRect();
        this.zoom(event.deltaY > 0 ? 1.15 : 1 / 1.15, (event.clientX - rect.left) / rect.width, (event.clientY - rect.top) / rect.height);
      },
      { passive: false },
    );
    let start = null;
    box.addEventListener("pointerdown", (event) => {
      if (!this.svg || event.button !== 0) return;
      start = { x: event.clientX, y: event.clientY, view: this.view };
      this.dragged = false;
    });
    box.addEventListener("pointermove", (event) => {
      if (!start) return;
      const rect = box.getBoundingClientRect();
      const scale = Math.max(start.view[2] / rect.width, start.view[3] / rect.height);
      const [dx, dy] = [event.clientX - start.x, event.clientY - start.y];
      if (Math.abs(dx) + Math.abs(dy) > 3) this.dragged = true;
      if (this.dragged) {
        box.setPointerCapture?.(event.pointerId);
        this.setView([start.view[0] - dx * scale, start.view[1] - dy * scale, start.view[2], start.view[3]]);
      }
    });
    const end = () => {
      start = null;
      setTimeout(() => (this.dragged = false), 0);
    };
    box.addEventListener("pointerup", end);
    box.addEventListener("pointercancel", end);
  }

  // The picture as it stands now, as a standalone SVG file.
  serialize() {
    if (!this.svg) return null;
    const copy = this.svg.cloneNode(true);
    copy.setAttribute("xmlns", SVG_NS);
    copy.setAttribute("viewBox", this.home.join(" "));
    const style = document.createElementNS(SVG_NS, "style");
    style.textContent = SVG_STYLE;
    copy.prepend(style);
    return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}`;
  }
}

// The highlight styles, also embedded in a downloaded SVG so that it looks as on screen.
export const SVG_STYLE = `
.pending polygon, .pending ellipse, .pending text, .pending path { opacity: 0.35; }
.current polygon, .current ellipse { stroke: #0072b2; stroke-width: 3; fill: #e6f1f8; }
.current.backward polygon, .current.backward ellipse { stroke: #d55e00; fill: #fbeee6; }
g.edge.current path { stroke: #0072b2; stroke-width: 2.5; }
g.edge.current.backward path { stroke: #d55e00; stroke-dasharray: 6 3; }
text.deposit { fill: #d55e00; font: bold 12px "DejaVu Sans", sans-serif; }
`;
