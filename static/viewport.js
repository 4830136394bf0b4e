// What part of the graph's picture shows, and at what size: a first view in which the numbers can be
// read, pan, zoom, fit, the step's node followed, the overview of a large graph beside it.

import { busiestView } from "./home.js";
import { Minimap } from "./minimap.js";

const MIN_TEXT_PX = 12; // fit the whole graph only while its texts stay at least this high on screen
const READABLE_TEXT_PX = 12.5; // otherwise show the graph at this text height, with the overview beside
const MARGIN = 0.97; // of the box, left around a fitted graph
const EDGE_PX = 16; // around the picture when it is larger than the box
const FOLLOW_MARGIN_PX = 12; // a followed node stays this far inside the view
const MAX_TEXT_PX = 100; // the closest zoom

export class Viewport {
  // `minimap`: the button that holds the overview of a graph larger than its view. `picture` (the
  // GraphView) tells where things are drawn: outputBox() and drawnBoxes(), in picture units.
  constructor(container, minimap, picture) {
    this.container = container;
    this.minimap = minimap ? new Minimap(minimap, (x, y) => this.lookAt(x, y)) : null;
    this.picture = picture;
    this.svg = null;
    this.textScale = 1; // presenter mode's larger type
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

  // The picture taken away; returns the pan and zoom it was shown at, which `keepView` keeps for a
  // picture of the same size (another pass of a training loop).
  close(keepView) {
    const kept = keepView && this.svg && !this.atHome ? { home: this.home.join(" "), center: this.center, unit: this.unit } : null;
    const unit = this.svg && !this.atHome ? this.unit : null;
    this.svg = null;
    this.center = null;
    this.drawnUnit = null;
    this.atHome = false;
    this.minimap?.clear();
    return { kept, unit };
  }

  // A new picture in place, with what close() returned (`kept`: the view kept); with `around`, the
  // element of that id is put in the middle at the zoom shown (a group just toggled).
  open(svg, { kept, unit }, around = null) {
    this.svg = svg;
    this.home = svg.getAttribute("viewBox").split(/\s+/).map(Number);
    this.minimap?.draw(svg, this.home);
    this.fitBox();
    this.place(this.home[0] + this.home[2] / 2, this.home[1] + this.home[3] / 2, 1); // texts at full size
    this.textUnits = this.measureText();
    if (kept && kept.home === this.home.join(" ")) this.place(...kept.center, kept.unit);
    else this.goHome();
    const middle = around && svg.getElementById(around);
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
    const box = this.picture.outputBox();
    this.center = box ? this.busiestAround(box) : [x + width, y + height / 2];
    this.place(...this.clamped(this.center), this.unit);
  }

  // The busiest readable view around `box` (the output), home.js.
  busiestAround(box) {
    const span = [this.width * this.unit, this.height * this.unit];
    const [center, holdsOutput] = busiestView(box, this.picture.drawnBoxes(), span, (point) => this.clamped(point));
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

  // Pan to the step's node (`group`, its element) when it is not wholly in view, so that stepping never
  // leaves the screen, unless the view was just chosen (a group toggled, a first view away from the
  // output). Measured on screen (before this step changes any text, so the layout is still clean): the
  // node's box against the graph's box less a margin, so that no node is left cut at an edge.
  follow(group) {
    const held = this.holdView;
    this.holdView = false;
    if (held || !group || !this.center) return;
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
}
