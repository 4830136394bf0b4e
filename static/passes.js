// The loss chart of a training run: one point per pass, the chosen one marked, stale ones hollow.
// Drawn by hand as inline SVG: no charting dependency to vendor, and it is styled, focused and
// tested like the graph's own SVG. Each point is a focusable button (Enter or Space picks it).

import { formatNumber } from "./format.js";

const SVG_NS = "http://www.w3.org/2000/svg";
const HEIGHT = 56; // px: a strip above the graph, drawn at the size it is shown (texts 12 px)
const PAD = { left: 62, right: 12, top: 7, bottom: 15 };
const RADIUS = 4;
const CHOSEN_RADIUS = 6.5;
const LOG_SPAN = 100; // a log scale when the losses span more than two decades

function make(name, attributes = {}, text = "") {
  const element = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  if (text) element.textContent = text;
  return element;
}

// Whether the chart's y axis is logarithmic for these losses.
export function usesLog(passes) {
  const values = passes.map((pass) => pass.data);
  const low = Math.min(...values);
  return low > 0 && Math.max(...values) / low > LOG_SPAN;
}

// Draw `passes` into `container` (an empty one when there is at most one pass), its key in `legend`;
// `reference`: the losses of a pinned run, drawn dashed on the same axes.
export function drawPasses(container, legend, passes, chosen, onPick, reference = null) {
  container.replaceChildren();
  legend.textContent = "";
  container.hidden = passes.length < 2;
  if (container.hidden) return;
  const WIDTH = Math.max(240, container.clientWidth || 900);
  const all = [...passes, ...(reference ?? []).map((data) => ({ data }))];
  const log = usesLog(all);
  const scale = log ? Math.log10 : (value) => value;
  const ys = passes.map((pass) => scale(pass.data));
  const [low, high] = [Math.min(...all.map((pass) => scale(pass.data))), Math.max(...all.map((pass) => scale(pass.data)))];
  const count = Math.max(passes.length, reference?.length ?? 0);
  const span = high - low || 1;
  const x = (i) => PAD.left + (i * (WIDTH - PAD.left - PAD.right)) / (count - 1);
  const y = (value) => PAD.top + ((high - value) * (HEIGHT - PAD.top - PAD.bottom)) / span;
  const svg = make("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, class: "passes-chart", role: "group" });
  svg.setAttribute("aria-label", `${passes[0].label || "output"} per pass${log ? ", log scale" : ""}`);
  const bottom = HEIGHT - PAD.bottom;
  svg.append(
    make("line", { x1: PAD.left, y1: bottom, x2: WIDTH - PAD.right, y2: bottom, class: "axis" }),
    make("line", { x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: bottom, class: "axis" }),
    make("text", { x: PAD.left - 6, y: PAD.top + 8, class: "tick end" }, formatNumber(Math.max(...all.map((p) => p.data)))),
    make("text", { x: PAD.left - 6, y: bottom, class: "tick end" }, formatNumber(Math.min(...all.map((p) => p.data)))),
    make("text", { x: PAD.left, y: HEIGHT - 2, class: "tick" }, "pass 1"),
    make("text", { x: WIDTH - PAD.right, y: HEIGHT - 2, class: "tick end" }, `pass ${count}`),
    make("text", { x: (WIDTH + PAD.left) / 2, y: HEIGHT - 2, class: "tick middle" }, `${passes[0].label || "output"}${log ? " (log scale)" : ""}`),
    make("polyline", { points: passes.map((pass, i) => `${x(i)},${y(ys[i])}`).join(" "), class: "curve" }),
  );
  if (reference) {
    const points = reference.map((data, i) => `${x(i)},${y(scale(data))}`).join(" ");
    svg.append(make("polyline", { points, class: "curve pinned", "data-testid": "pinned-curve" }));
  }
  passes.forEach((pass, i) => {
    const point = make("circle", { cx: x(i), cy: y(ys[i]), r: i === chosen ? CHOSEN_RADIUS : RADIUS, tabindex: 0, role: "button" });
    point.classList.add("point");
    point.classList.toggle("stale", pass.stale);
    point.classList.toggle("chosen", i === chosen);
    point.setAttribute("aria-label", `pass ${i + 1}: ${pass.label || "output"} ${formatNumber(pass.data)}${pass.stale ? ", stale" : ""}`);
    if (i === chosen) point.setAttribute("aria-current", "true");
    point.addEventListener("click", () => onPick(i));
    point.addEventListener("keydown", (event) => {
      if (event.key !== "Enter" && event.key !== " ") return;
      event.preventDefault();
      event.stopPropagation();
      onPick(i);
    });
    svg.append(point);
  });
  legend.textContent = passes.some((pass) => pass.stale)
    ? "● pass  ◉ shown  ○ stale (grads not zeroed)"
    : "● pass  ◉ shown";
  if (reference) legend.textContent += "  ━ this run  ╍ pinned run";
  container.append(svg);
}

// `pass 3 / 20 · loss = 0.0421 · line 14`: pass numbers from 1, for people.
export function passText(passes, chosen) {
  const pass = passes[chosen];
  if (!pass) return "";
  const line = pass.line === null ? "" : ` · line ${pass.line}`;
  return `pass ${chosen + 1} / ${passes.length} · ${pass.label || "output"} = ${formatNumber(pass.data)}${line}`;
}
