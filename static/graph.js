// The graph's picture in the page: the SVG put in place, its texts and classes changed in place for
// a timeline state, the deposits drawn on their edges. What part of it shows: viewport.js.

import { drawDeposits, ellipseBox, shapeOf } from "./deposits.js";
import { formatNumber } from "./format.js";
import { decorateGroups, markBoxes, renameGroups, sameGroups, shownDeposits } from "./groups.js";
import { rawName } from "./timeline.js";
import { Viewport } from "./viewport.js";

const SVG_NS = "http://www.w3.org/2000/svg";

export class GraphView {
  // `minimap`: the button that holds the overview of a graph larger than its view.
  constructor(container, onSelect, minimap = null) {
    this.container = container;
    this.onSelect = onSelect;
    this.svg = null;
    this.elements = new Map(); // id -> {group, data, grad, op, opEdge, edges: [...]}
    this.groups = new Map(); // group id -> its cluster or its collapsed box
    this.shown = new Map(); // element -> last text, to touch the DOM only on change
    this.extents = new Map(); // id -> the node's bounding box in picture units (the layout never changes)
    this.shapes = new WeakMap(); // a node's element -> its box from its polygons (deposit labels avoid it)
    container.addEventListener("click", (event) => {
      const group = event.target.closest?.('g.node[id^="node-"]');
      if (group && !this.viewport.dragged) this.onSelect(group.id.slice(5));
    });
    this.viewport = new Viewport(container, minimap, this);
  }

  // Put a new picture in place; the timeline's graph names its elements. With `keepView`, a
  // picture of the same size (another pass of a training loop) keeps the pan and zoom; with
  // `around`, the element of that id is put in the middle at the zoom shown (a group just toggled).
  show(svgText, timeline, keepView = false, around = null) {
    if (keepView && svgText && this.reuse(timeline)) return;
    this.timeline = timeline;
    const shown = this.viewport.close(keepView);
    this.container.querySelector("svg")?.remove();
    this.elements.clear();
    this.groups.clear();
    this.shown.clear();
    this.extents.clear();
    this.svg = null;
    this.output = timeline.graph.output;
    if (!svgText) return;
    const parsed = new DOMParser().parseFromString(svgText, "image/svg+xml").documentElement;
    this.svg = document.importNode(parsed, true);
    this.svg.setAttribute("role", timeline.graph.groups?.length ? "group" : "img"); // groups are buttons
    this.svg.setAttribute("aria-label", "computation graph");
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
    this.viewport.open(this.svg, shown, around);
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

  extentOf(id) {
    if (!this.extents.has(id)) {
      const group = this.elementOf(id);
      this.extents.set(id, group ? this.viewport.toPicture(group.getBoundingClientRect()) : null);
    }
    return this.extents.get(id);
  }

  // Where a large graph opens (viewport.js): the output's box, and every drawn value and collapsed
  // box, in picture units, measured once (the layout never changes).
  outputBox() {
    return this.extentOf(this.output);
  }

  drawnBoxes() {
    const collapsed = [...this.groups.values()].filter((element) => element?.classList.contains("node"));
    return [
      ...[...this.elements.keys()].map((id) => this.extentOf(id)),
      ...collapsed.map((element) => this.viewport.toPicture(element.getBoundingClientRect())),
    ].filter(Boolean);
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
    this.viewport.follow(step.node ? this.elementOf(step.node) : null); // first, while the layout is still clean
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
}
