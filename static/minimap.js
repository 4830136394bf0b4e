// The overview of a graph larger than its view: every node as a small block and the part shown as a
// framed rectangle, beside the narration (never over the graph). A click moves the view there.

const SVG_NS = "http://www.w3.org/2000/svg";

function make(name, attributes) {
  const element = document.createElementNS(SVG_NS, name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, String(value));
  return element;
}

export class Minimap {
  // `onJump(x, y)`: centre the view on this point, in the picture's units.
  constructor(button, onJump) {
    this.button = button;
    this.onJump = onJump;
    this.svg = null;
    this.frame = null;
    this.home = null;
    button.addEventListener("click", (event) => {
      if (!this.svg) return;
      const matrix = this.svg.getScreenCTM()?.inverse();
      if (!matrix) return;
      const point = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix);
      if (event.detail === 0) this.onJump(this.home[0] + this.home[2] / 2, this.home[1] + this.home[3] / 2);
      else this.onJump(point.x, point.y);
    });
  }

  // A new picture: `picture` is the graph's SVG (in the page), `home` its viewBox.
  draw(picture, home) {
    this.home = home;
    const svg = make("svg", { viewBox: home.join(" "), "aria-hidden": "true", preserveAspectRatio: "xMidYMid meet" });
    const graph = picture.querySelector("g.graph");
    const blocks = make("g", { transform: graph?.getAttribute("transform") ?? "" });
    // The outline of each value, operation and box, as Graphviz drew it.
    for (const shape of picture.querySelectorAll("g.node")) {
      const box = shape.getBBox();
      if (box.width + box.height === 0) continue;
      blocks.append(make("rect", { x: box.x, y: box.y, width: box.width, height: box.height, class: "mini-node" }));
    }
    this.frame = make("rect", { class: "mini-view", x: 0, y: 0, width: 0, height: 0 });
    svg.append(blocks, this.frame);
    this.svg = svg;
    this.button.replaceChildren(svg);
    const [width, height] = [home[2], home[3]];
    this.button.style.aspectRatio = `${Math.max(0.4, Math.min(4, width / height))}`;
  }

  clear() {
    this.svg = null;
    this.button.replaceChildren();
    this.button.hidden = true;
  }

  // The part of the picture on screen, in its units; the overview shows only when that is not all of it.
  view(x, y, width, height) {
    if (!this.svg) return;
    const [hx, hy, hw, hh] = this.home;
    const whole = x <= hx + 1 && y <= hy + 1 && x + width >= hx + hw - 1 && y + height >= hy + hh - 1;
    this.button.hidden = whole;
    if (whole) return;
    this.frame.setAttribute("x", x);
    this.frame.setAttribute("y", y);
    this.frame.setAttribute("width", width);
    this.frame.setAttribute("height", height);
  }
}
