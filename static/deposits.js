// The deposits of a backward step drawn on their edges: each amount as a label beside its edge, placed
// from its text's length (no layout forced mid-step), at the first place along the edge where it
// covers no other label, no operation sign and no record beside it, else stacked on its edge's side.

import { formatNumber } from "./format.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const GAP = 2; // px between two labels that would overlap
const CHAR_PX = 8.4; // a character of a label (bold 12 px DejaVu Sans digits: 8.3)
const ASCENT_PX = 11;
const HEIGHT_PX = 14;
const PLACES = [0.4, 0.25, 0.55, 0.12]; // along its edge, from the operand, in order of preference

export function overlaps(a, b) {
  return a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
}

export function ellipseBox(ellipse) {
  const [cx, cy, rx, ry] = ["cx", "cy", "rx", "ry"].map((name) => Number(ellipse.getAttribute(name)));
  return { x: cx - rx, y: cy - ry, width: 2 * rx, height: 2 * ry };
}

// A drawn node's box from its polygons' points, in picture units: read once (into `cache`), with no layout.
export function shapeOf(group, cache) {
  if (!cache.has(group)) {
    const xs = [];
    const ys = [];
    for (const polygon of group.querySelectorAll("polygon")) {
      for (const pair of (polygon.getAttribute("points") ?? "").trim().split(/\s+/)) {
        const [x, y] = pair.split(",").map(Number);
        if (Number.isFinite(x) && Number.isFinite(y)) {
          xs.push(x);
          ys.push(y);
        }
      }
    }
    const [left, top] = [Math.min(...xs), Math.min(...ys)];
    const box = xs.length ? { x: left, y: top, width: Math.max(...xs) - left, height: Math.max(...ys) - top } : null;
    cache.set(group, box ?? { x: 0, y: 0, width: 0, height: 0 });
  }
  return cache.get(group);
}

// Draw `deposits` ([{path, amount, source: the box of the value it goes into, or null}]) into `layer`,
// keeping off `placed` (boxes already taken: the operation's sign, the step's own node).
export function drawDeposits(layer, deposits, placed) {
  layer.replaceChildren();
  for (const { path, amount, source } of deposits) {
    const label = document.createElementNS(SVG_NS, "text");
    label.setAttribute("class", "deposit");
    label.setAttribute("text-anchor", "middle");
    label.textContent = `${amount < 0 ? "" : "+"}${formatNumber(amount)}`;
    const width = label.textContent.length * CHAR_PX;
    const length = path.getTotalLength();
    const obstacles = source ? [...placed, source] : placed;
    const [start, end] = [path.getPointAtLength(0), path.getPointAtLength(length)];
    const sides = start.y > end.y + 1 ? ["below", "above"] : ["above", "below"]; // away from the other edges
    const boxAt = (t, side) => {
      const point = path.getPointAtLength(length * t);
      const y = side === "above" ? point.y - 4 - ASCENT_PX : point.y + 4;
      return { x: point.x - width / 2, y, width, height: HEIGHT_PX };
    };
    const candidates = PLACES.flatMap((t) => sides.map((side) => boxAt(t, side)));
    let box = candidates.find((candidate) => !obstacles.some((other) => overlaps(candidate, other)));
    if (!box) {
      // Stacked past the labels in the way, on the side of its own edge (below for an edge that rises).
      box = boxAt(PLACES[0], sides[0]);
      for (let tries = 0; tries < 20; tries++) {
        const hit = placed.find((other) => overlaps(box, other));
        if (!hit) break;
        box.y = sides[0] === "above" ? hit.y - box.height - GAP : hit.y + hit.height + GAP;
      }
    }
    label.setAttribute("x", box.x + width / 2);
    label.setAttribute("y", box.y + ASCENT_PX);
    layer.append(label);
    placed.push(box);
  }
}
