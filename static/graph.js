// The inline SVG: texts and classes changed in place for a timeline state, plus pan, zoom and a
// first view in which the numbers can be read.

import { drawDeposits, ellipseBox, shapeOf } from "./deposits.js";
import { formatNumber } from "./format.js";
import { decorateGroups, markBoxes, renameGroups, sameGroups, shownDeposits } from "./groups.js";
import { busiestView } from "./home.js";
import { Minimap } from "./minimap.js";
import { rawName } from "./timeline.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const MIN_TEXT_PX = 12; // fit the whole graph only while its texts stay at least this high on screen
const READABLE_TEXT_PX = 12.5; // otherwise show the graph at this text height, with the overview beside
const MARGIN = 0.97; // of the box, left around a fitted graph
const EDGE_PX = 16; // around the picture when it is larger than the box
const FOLLOW_MARGIN_PX = 12; // a followed node stays this far inside the view
const MAX_TEXT_PX = 100; // the closest zoom

export class GraphView {
  // `minimap`: the button that holds the overview of a graph larger than its view.
  constructor(container, onSelect, minimap = null) {
    this.container = container;
    this.minimap = minimap ? new Minimap(minimap, (x, y) => this.lookAt(x, y)) : null;
    this.onSelect = onSelect;
    this.svg = null;
    this.textScale = 1; // presenter mode's larger type
    this.elements = new Map(); // id -> {group, data, grad, op, opEdge, edges: [...]}
    this.groups = new Map(); // group id -> its cluster or its collapsed box
    this.shown = new Map(); // element -> last text, to touch the DOM only on change
    this.extents = new Map(); // id -> the node's bounding box in picture units (the layout never changes)
    this.shapes = new WeakMap(); // a node's element -> its box from its polygons (deposit labels avoid it)
    container.addEventListener("click", (event) => {
      const group = event.target.closest?.('g.node[id^="node-"]');
      if (group && !this.dragged) this.onSelect(group.id.slice(5));
    });
    this.installPanZoom();
    new ResizeObserver(() => this.fitBox()).observe(container);
  }

  fitBox() {
    this.width = this.container.clientWidth;
    this.height = this.container.clientHeight;
    if (!this.svg) return;
    if (this.atHome) this.goHome();
    else this.render();
  }

  // Put a new picture in place; the timeline's graph names its elements. With `keepView`, a
  // picture of the same size (another pass of a training loop) keeps the pan and zoom; with
  // `around`, the element of that id is put in the middle at the zoom shown (a group just toggled).
  show(svgText, timeline, keepView = false, around = null) {
    if (keepView && svgText && this.reuse(timeline)) return;
    this.timeline = timeline;
    const kept = keepView && this.svg && !this.atHome ? { home: this.home.join(" "), center: this.center, unit: this.unit } : null;
    const unit = this.svg && !this.atHome ? this.unit : null;
    this.container.querySelector("svg")?.remove();
    this.elements.clear();
    this.groups.clear();
    this.shown.clear();
    this.extents.clear();
    this.svg = null;
    this.center = null;
    this.drawnUnit = null;
    this.atHome = false;
    this.output = timeline.graph.output;
    this.minimap?.clear();
    if (!svgText) return;
    const parsed = new DOMParser().parseFromString(svgText, "image/svg+xml").documentElement;
    this.svg = document.importNode(parsed, true);
    this.svg.setAttribute("role", timeline.graph.groups?.length ? "group" : "img"); // groups are buttons
    this.svg.setAttribute("aria-label", "computation graph");
    this.home = this.svg.getAttribute("viewBox").split(/\s+/).map(Number);
    this.svg.removeAttribute("width");
    this.svg.removeAttribute("height");
    this.container.prepend(this.svg);
    this.deposits = document.createElementNS(SVG_NS, "g");
    this.deposits.setAttribute("class", "deposits");
    (this.svg.querySelector("g.graph") ?? this.svg).append(this.deposits);
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
    for (const group of timeline.graph.groups ?? []) this.groups.set(group.id, byId(`group-${group.id}`));
    decorateGroups(this.svg, timeline.graph.groups ?? []);
    this.nameTitles();
    this.minimap?.draw(this.svg, this.home);
    this.fitBox();
    this.place(this.home[0] + this.home[2] / 2, this.home[1] + this.home[3] / 2, 1); // texts at full size
    this.textUnits = this.measureText();
    if (kept && kept.home === this.home.join(" ")) this.place(...kept.center, kept.unit);
    else this.goHome();
    const middle = around && this.svg.getElementById(around);
    if (middle && this.center) {
      const box = this.toPicture(middle.getBoundingClientRect());
      this.atHome = false;
      // At the zoom shown, but never so far out that its numbers cannot be read.
      let scale = unit ?? this.unit;
      if (this.textUnits && this.textUnits / scale < MIN_TEXT_PX * this.textScale) scale = this.textUnits / (READABLE_TEXT_PX * this.textScale);
      // Its middle, or its top left corner (a cluster's title) when it is larger than the view.
      const [spanX, spanY] = [(this.width - 2 * EDGE_PX) * scale, (this.height - 2 * EDGE_PX) * scale];
      const x = box && (box.width <= spanX ? box.x + box.width / 2 : box.x + spanX / 2);
      const y = box && (box.height <= spanY ? box.y + box.height / 2 : box.y + spanY / 2);
      if (box) this.place(...this.clamped([x, y]), scale);
      this.holdView = true; // the group toggled stays in view, not the step's node
    }
  }

  // A value's own element, or the collapsed box it is drawn in.
  elementOf(id) {
    return this.elements.get(id)?.group ?? this.groups.get(this.timeline?.boxOf.get(id)) ?? null;
  }

  // Another pass of the same structure (a training loop): the server draws such passes with one
  // layout, their pictures differing only in numbers and ids, so the picture stays and its
  // elements take the new ids. No SVG to parse and lay out again: choosing a pass stays quick.
  reuse(timeline) {
    const before = this.timeline;
    if (!this.svg || !before || before.graph.forward.length !== timeline.graph.forward.length) return false;
    const toOldGroup = sameGroups(before.graph, timeline.graph);
    if (!toOldGroup) return false;
    const toOld = new Map(timeline.graph.forward.map((id, i) => [id, before.graph.forward[i]]));
    if (toOld.size !== this.elements.size) return false;
    for (const [id, old] of toOld) {
      const [node, was] = [timeline.nodes.get(id), before.nodes.get(old)];
      if (!node || !was || node.op !== was.op || node.label !== was.label) return false;
      const operands = timeline.operands.get(id).map((operand) => toOld.get(operand));
      if (operands.join() !== before.operands.get(old).join()) return false;
    }
    const toNew = new Map([...toOld, ...toOldGroup].map(([id, old]) => [old, id]));
    const renamed = (text) => text.replace(/[ng]\d+/g, (id) => toNew.get(id) ?? id);
    this.groups = renameGroups(this.groups, toOldGroup);
    const elements = new Map();
    const extents = new Map();
    for (const [id, old] of toOld) {
      const parts = this.elements.get(old);
      for (const element of [parts.group, parts.data, parts.grad, parts.op, parts.opEdge, ...parts.edges]) {
        if (!element) continue;
        element.id = renamed(element.id);
      }
      elements.set(id, parts);
      if (this.extents.has(old)) extents.set(id, this.extents.get(old));
    }
    this.elements = elements;
    this.extents = extents;
    this.timeline = timeline;
    this.output = timeline.graph.output;
    this.nameTitles();
    return true;
  }

  // The tooltips of values, operations and edges in names (Graphviz's own titles hold ids).
  nameTitles() {
    const title = (element, text) => {
      const own = element?.querySelector(":scope > title");
      if (own) own.textContent = text;
    };
    const name = (id) => rawName(this.timeline, id);
    for (const [id, parts] of this.elements) {
      const node = this.timeline.nodes.get(id);
      title(parts.group, name(id));
      // The label slot of an unlabelled value (its texts: the name, data, grad) shows the page's name.
      const texts = node.label ? [] : (parts.group?.querySelectorAll(":scope > text") ?? []);
      const pictured = this.timeline.pictured.get(id);
      if (texts.length === 3 && pictured && texts[0].textContent !== pictured) texts[0].textContent = pictured;
      title(parts.op, `${node.op}: makes ${name(id)}`);
      title(parts.opEdge, `${node.op} → ${name(id)}`);
      this.timeline.operands.get(id).forEach((operand, k) => title(parts.edges[k], `${name(operand)} → ${name(id)}`));
    }
  }

  // The height of a data text in picture units, measured once at one unit per pixel (on screen
  // a text's box is rounded to whole pixels): the layout never changes.
  measureText() {
    const sample = this.svg.querySelector('text[id^="data-"]') ?? this.svg.querySelector("text");
    return sample ? this.toPicture(sample.getBoundingClientRect()).height : 0;
  }

  // A rectangle on screen in the picture's own units (those of its viewBox).
  toPicture(rect) {
    const matrix = this.svg.getScreenCTM()?.inverse();
    if (!matrix || rect.width + rect.height === 0) return null;
    const a = new DOMPoint(rect.left, rect.top).matrixTransform(matrix);
    const b = new DOMPoint(rect.right, rect.bottom).matrixTransform(matrix);
    return { x: a.x, y: a.y, width: b.x - a.x, height: b.y - a.y };
  }

  extentOf(id) {
    if (!this.extents.has(id)) {
      const group = this.elementOf(id);
      this.extents.set(id, group ? this.toPicture(group.getBoundingClientRect()) : null);
    }
    return this.extents.get(id);
  }

  // The first view: the whole graph while its text stays readable, else a readable scale
  // centred on the output (kept inside the picture).
  goHome() {
    if (!this.svg || !this.width || !this.height) return;
    const [x, y, width, height] = this.home;
    const fitUnit = this.fitUnit();
    const minimum = MIN_TEXT_PX * this.textScale;
    this.atHome = true;
    if (!this.textUnits || this.textUnits / fitUnit >= minimum) {
      this.place(x + width / 2, y + height / 2, fitUnit);
      return;
    }
    this.unit = this.textUnits / (READABLE_TEXT_PX * this.textScale);
    const box = this.extentOf(this.output);
    this.center = box ? this.busiestAround(box) : [x + width, y + height / 2];
    this.place(...this.clamped(this.center), this.unit);
  }

  // The busiest readable view around `box` (the output), home.js; the picture's values and boxes measured
  // once (the layout never changes).
  busiestAround(box) {
    const collapsed = [...this.groups.values()].filter((element) => element?.classList.contains("node"));
    const boxes = [
      ...[...this.elements.keys()].map((id) => this.extentOf(id)),
      ...collapsed.map((element) => this.toPicture(element.getBoundingClientRect())),
    ].filter(Boolean);
    const span = [this.width * this.unit, this.height * this.unit];
    const [center, holdsOutput] = busiestView(box, boxes, span, (point) => this.clamped(point));
    if (!holdsOutput) this.holdView = true; // the output is elsewhere: the first step does not pan away to it
    return center;
  }


  // A centre moved as little as needed to keep the view inside the picture (and a small margin).
  clamped([cx, cy]) {
    const pad = EDGE_PX * this.unit;
    const [x, y, width, height] = [this.home[0] - pad, this.home[1] - pad, this.home[2] + 2 * pad, this.home[3] + 2 * pad];
    const clamp = (value, low, size, span) =>
      span >= size ? low + size / 2 : Math.max(low + span / 2, Math.min(low + size - span / 2, value));
    return [clamp(cx, x, width, this.width * this.unit), clamp(cy, y, height, this.height * this.unit)];
  }

  // Presenter mode: the same rule at a larger type.
  setTextScale(scale) {
    this.textScale = scale;
    this.fitBox();
    this.goHome();
  }

  // Picture units per pixel that show the whole picture.
  fitUnit() {
    return Math.max(this.home[2] / this.width, this.home[3] / this.height) / MARGIN;
  }

  place(cx, cy, unit) {
    this.center = [cx, cy];
    this.unit = unit;
    this.render();
  }

  // The SVG keeps its viewBox and is sized for the scale, then moved by a CSS transform: a pan is
  // then only composited, where a new viewBox would lay out every text again (50 ms for 700 nodes).
  render() {
    if (!this.svg || !this.center) return;
    const [x, y, width, height] = this.home;
    if (this.drawnUnit !== this.unit) {
      this.svg.style.width = `${width / this.unit}px`;
      this.svg.style.height = `${height / this.unit}px`;
      this.drawnUnit = this.unit;
    }
    const left = this.width / 2 - (this.center[0] - x) / this.unit;
    const top = this.height / 2 - (this.center[1] - y) / this.unit;
    this.svg.style.transform = `translate(${left}px, ${top}px)`;
    const [spanX, spanY] = [this.width * this.unit, this.height * this.unit];
    this.minimap?.view(this.center[0] - spanX / 2, this.center[1] - spanY / 2, spanX, spanY);
  }

  // The overview clicked: that point in the middle, at the zoom shown.
  lookAt(x, y) {
    if (!this.svg || !this.center) return;
    this.atHome = false;
    this.place(...this.clamped([x, y]), this.unit);
  }

  // Pan to a node that is not wholly in view, so that stepping never leaves the screen. Measured on
  // screen (before this step changes any text, so the layout is still clean): the node's box against
  // the graph's box less a margin, so that no node is left cut at an edge.
  follow(id) {
    const group = this.elementOf(id);
    if (!group || !this.center) return;
    const node = group.getBoundingClientRect();
    const view = this.container.getBoundingClientRect();
    const margin = FOLLOW_MARGIN_PX;
    const inside =
      node.left >= view.left + margin &&
      node.top >= view.top + margin &&
      node.right <= view.right - margin &&
      node.bottom <= view.bottom - margin;
    if (inside || node.width + node.height === 0) return;
    this.atHome = false;
    const dx = (node.left + node.right) / 2 - (view.left + view.right) / 2;
    const dy = (node.top + node.bottom) / 2 - (view.top + view.bottom) / 2;
    const middle = [this.center[0] + dx * this.unit, this.center[1] + dy * this.unit];
    const clamped = this.clamped(middle);
    // A text drawn wider than Graphviz measured it can reach past the picture's edge: then the node wins.
    const fits =
      Math.abs(clamped[0] - middle[0]) / this.unit <= (view.width - node.width) / 2 - margin &&
      Math.abs(clamped[1] - middle[1]) / this.unit <= (view.height - node.height) / 2 - margin;
    this.place(...(fits ? clamped : middle), this.unit);
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
  // `asking` names the node whose grad a quiz question asks for.
  apply(state, asking = null) {
    if (!this.svg) return;
    const { step } = state;
    if (step.node && !this.holdView) this.follow(step.node); // first, while the layout is still clean
    this.holdView = false;
    const boxOf = this.timeline.boxOf;
    for (const [id, parts] of this.elements) {
      const data = state.data.get(id);
      const grad = state.grad.get(id);
      this.setText(parts.data, data === null ? "data" : `data ${formatNumber(data)}`);
      this.setText(parts.grad, grad === null ? "grad" : `grad ${formatNumber(grad)}`);
      const pending = !state.computed.has(id);
      const current = step.node === id || (step.group !== undefined && boxOf.get(id) === step.group);
      for (const element of [parts.group, parts.op, parts.opEdge, ...parts.edges]) {
        this.setClass(element, "pending", pending);
        this.setClass(element, "current", current);
        this.setClass(element, "backward", current && step.kind === "backward");
      }
      this.setClass(parts.group, "asked", asking === id);
    }
    markBoxes(this.groups, state, boxOf);
    this.showDeposits(state);
  }

  // Each deposit's amount on its edge (deposits.js), off the operation's sign and the nodes beside it.
  showDeposits(state) {
    const drawn = (deposit) => Boolean(this.elements.get(deposit.from ?? state.step.node)?.edges[deposit.k]);
    const ellipse = this.elements.get(state.step.node)?.op?.querySelector("ellipse");
    const placed = ellipse ? [ellipseBox(ellipse)] : [];
    const step = this.elementOf(state.step.node); // a value, or the box it is drawn in
    if (step) placed.push(shapeOf(step, this.shapes));
    const deposits = [];
    for (const deposit of shownDeposits(state, this.timeline.boxOf, drawn)) {
      const path = this.elements.get(deposit.from ?? state.step.node).edges[deposit.k]?.querySelector("path");
      const source = this.elementOf(deposit.to);
      if (path) deposits.push({ path, amount: deposit.amount, source: source && shapeOf(source, this.shapes) });
    }
    drawDeposits(this.deposits, deposits, placed);
  }

  // Fit: the whole picture, however small its text.
  fit() {
    if (!this.svg || !this.width) return;
    const [x, y, width, height] = this.home;
    this.atHome = false;
    this.place(x + width / 2, y + height / 2, this.fitUnit());
  }

  // Zoom by `factor` (above 1 shows more) about a point given as fractions of the box, between
  // a quarter of the fitted size and texts 100 px high.
  zoom(factor, fx = 0.5, fy = 0.5) {
    if (!this.svg || !this.center) return;
    const smallest = this.textUnits ? this.textUnits / MAX_TEXT_PX : 0;
    factor = Math.max(smallest, Math.min(this.fitUnit() * 4, this.unit * factor)) / this.unit;
    const [w, h] = [this.width * this.unit, this.height * this.unit];
    const point = [this.center[0] + (fx - 0.5) * w, this.center[1] + (fy - 0.5) * h];
    this.atHome = false;
    this.place(point[0] + (this.center[0] - point[0]) * factor, point[1] + (this.center[1] - point[1]) * factor, this.unit * factor);
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
      start = { x: event.clientX, y: event.clientY, center: this.center };
      this.dragged = false;
    });
    box.addEventListener("pointermove", (event) => {
      if (!start) return;
      const [dx, dy] = [event.clientX - start.x, event.clientY - start.y];
      if (Math.abs(dx) + Math.abs(dy) > 3) this.dragged = true;
      if (this.dragged) {
        box.setPointerCapture?.(event.pointerId);
        this.atHome = false;
        this.place(start.center[0] - dx * this.unit, start.center[1] - dy * this.unit, this.unit);
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
    copy.removeAttribute("style");
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
.group-box.current > polygon { fill: none; }
.group-box.current > polygon:first-of-type { fill: #e6f1f8; }
.group-box.current.backward > polygon:first-of-type { fill: #fbeee6; }
g.edge.current path { stroke: #0072b2; stroke-width: 2.5; }
g.edge.current.backward path { stroke: #d55e00; stroke-dasharray: 6 3; }
text.deposit { fill: #d55e00; font: bold 12px "DejaVu Sans", sans-serif; }
`;
