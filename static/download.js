// The picture as it stands now, downloaded as a standalone SVG file that looks as on screen.

const SVG_NS = "http://www.w3.org/2000/svg";

// The highlight styles, embedded in a downloaded SVG.
const SVG_STYLE = `
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

// `svg`: the picture in the page; `home`: its viewBox.
function serializeSvg(svg, home) {
  const copy = svg.cloneNode(true);
  copy.setAttribute("xmlns", SVG_NS);
  copy.setAttribute("viewBox", home.join(" "));
  copy.removeAttribute("style");
  const style = document.createElementNS(SVG_NS, "style");
  style.textContent = SVG_STYLE;
  copy.prepend(style);
  return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(copy)}`;
}

export function downloadSvg(svg, home) {
  if (!svg) return;
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([serializeSvg(svg, home)], { type: "image/svg+xml" }));
  link.download = "backprop-graph.svg";
  link.click();
  URL.revokeObjectURL(link.href);
}
