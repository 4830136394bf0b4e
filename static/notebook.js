// Notebooks on the page: opening a .ipynb (button or drop), the cells marked in the editor, the console
// cell by cell (prints, Out[n], figures inline), the list of draw_dot views, and what a program printed
// and drew before its error. Everything the program wrote is shown as text; a figure is the server's
// SVG, checked again here against a short list of elements and attributes before it is inlined.

import { renderConsole } from "./console.js";
import { EditorView, StateEffect } from "./vendor/codemirror-6.43.15.min.js";

const $ = (id) => document.querySelector(`[data-testid="${id}"]`);
const CELL_MARKER = /^# ?%%/;
const SVG_NS = "http://www.w3.org/2000/svg";
const FIGURE_ELEMENTS = new Set(["svg", "g", "rect", "line", "polyline", "circle", "text"]);
const FIGURE_ATTRIBUTES = /^(x|y|x1|x2|y1|y2|cx|cy|r|rx|width|height|viewBox|points|fill|stroke|opacity|transform|class|role|font-size|font-family|text-anchor|overflow|shape-rendering|stroke-width|stroke-dasharray|stroke-linejoin|stroke-linecap|fill-opacity|data-points|data-bands|xmlns|aria-label)$/;

function element(tag, props = {}, ...children) {
  const node = Object.assign(document.createElement(tag), props);
  node.append(...children);
  return node;
}

function lineLink(line, onLine) {
  const link = element("button", { type: "button", className: "line-link", textContent: `${line}`, title: `line ${line} of the program` });
  link.setAttribute("aria-label", `line ${line}`);
  link.addEventListener("click", () => onLine(line));
  return link;
}

// The server's figure as an inline SVG element, keeping only the elements and attributes it draws with.
export function figureElement(svgText, name = "a figure") {
  const parsed = new DOMParser().parseFromString(svgText, "image/svg+xml").documentElement;
  if (parsed.namespaceURI !== SVG_NS || parsed.localName !== "svg") return element("p", { className: "error", textContent: "This figure could not be shown." });
  const walk = (node) => {
    for (const child of [...node.children]) {
      if (child.namespaceURI !== SVG_NS || !FIGURE_ELEMENTS.has(child.localName)) child.remove();
      else walk(child);
    }
    for (const attribute of [...node.attributes]) {
      if (!FIGURE_ATTRIBUTES.test(attribute.name) || /url\(|javascript:/i.test(attribute.value)) node.removeAttribute(attribute.name);
    }
  };
  walk(parsed);
  const figure = document.importNode(parsed, true);
  figure.removeAttribute("width");
  figure.removeAttribute("height");
  figure.setAttribute("aria-label", name);
  return figure;
}

const opener = { open: null }; // the page's way to open a view: set by NotebookPage

// A figure at a size for reading it from the back of a room, in a dialog (Esc or the button closes it).
function showLarge(svgText, name) {
  let dialog = $("figure-dialog");
  if (!dialog) {
    dialog = element("dialog", { className: "figure-dialog" });
    dialog.dataset.testid = "figure-dialog";
    dialog.addEventListener("click", (event) => {
      if (event.target === dialog) dialog.close(); // a click beside the figure
    });
    document.body.append(dialog);
  }
  const close = element("button", { type: "button", textContent: "Close" });
  close.addEventListener("click", () => dialog.close());
  dialog.setAttribute("aria-label", name);
  dialog.replaceChildren(figureElement(svgText, name), close);
  dialog.showModal();
  close.focus();
}

// The console as a notebook shows its outputs: per cell, its prints, its Out[n] and its figures; a cell
// whose Out[n] is draw_dot's picture offers the view it made, as the notebook shows the picture there.
export function renderOutputs(container, { prints = [], result = null, notes = [], cells = [], plots = [], views = [], error = null }, onLine) {
  if (cells.length <= 1 && plots.length === 0 && !error) {
    container.classList.remove("has-figures");
    renderConsole(container, { prints, result, notes }, onLine);
    return;
  }
  const list = element("ol", { className: "console-cells" });
  const bounds = cells.length ? cells : [{ index: 0, line: 1, end_line: Infinity, out: result }];
  for (const cell of bounds) {
    const inside = (line) => line >= cell.line && line <= cell.end_line;
    const printed = prints.filter((p) => inside(p.line));
    const figures = plots.filter((plot) => plot.cell === cell.index);
    const failed = error && error.line && inside(error.line);
    if (!printed.length && cell.out === null && !figures.length && !failed) continue;
    const item = element("li", { className: "console-cell" });
    item.dataset.testid = `cell-${cell.index}`;
    item.append(element("div", { className: "cell-head" }, element("span", { className: "cell-label", textContent: `In [${cell.index + 1}]` }), lineLink(cell.line, onLine)));
    const lines = element("ol", { className: "console-lines" });
    for (const p of printed) {
      lines.append(element("li", { className: "printed" }, lineLink(p.line, onLine), element("span", { className: "printed-text", textContent: p.text })));
    }
    if (lines.children.length) item.append(lines);
    for (const plot of figures) {
      const box = element("figure", { className: "console-figure" });
      box.dataset.testid = `figure-${plot.index}`;
      const name = plot.title ? `figure: ${plot.title}` : `figure ${plot.index + 1}, line ${plot.line}`;
      box.setAttribute("aria-label", name);
      const enlarge = element("button", { type: "button", className: "enlarge", title: "Show this figure large" });
      enlarge.dataset.testid = `enlarge-${plot.index}`;
      enlarge.append(figureElement(plot.svg, name));
      enlarge.addEventListener("click", () => showLarge(plot.svg, name));
      box.append(enlarge);
      item.append(box);
    }
    if (cell.out !== null && cell.out !== undefined) {
      const view = cell.out.startsWith("<graphviz.graphs.Digraph") ? views.filter((v) => inside(v.line)).at(-1) : undefined;
      let shown = element("span", { textContent: cell.out });
      if (view && opener.open) {
        shown = element("button", { type: "button", className: "open-view", textContent: `the picture of draw_dot, line ${view.line}: open it` });
        shown.dataset.testid = `out-view-${view.index}`;
        shown.addEventListener("click", () => opener.open(view));
      }
      item.append(element("div", { className: "result" }, element("span", { className: "out-label", textContent: `Out[${cell.index + 1}]: ` }), shown));
    }
    if (failed) item.append(element("p", { className: "cell-error", textContent: `${error.kind} error at line ${error.line}: ${error.message}` }));
    list.append(item);
  }
  const extra = element("ol", { className: "console-lines" });
  for (const note of notes) extra.append(element("li", { className: "console-note", textContent: note.line ? `line ${note.line}: ${note.message}` : note.message }));
  container.replaceChildren(element("h2", { textContent: "Console" }), list, extra);
  container.classList.toggle("has-figures", plots.length > 0);
  container.hidden = false;
}

// The `draw_dot(v)` calls, in order: each opens the graph as the notebook's picture showed it.
function viewName(view, source) {
  const text = source.split("\n")[view.line - 1] ?? "";
  const call = text.match(/draw_dot\([^)]*\)/);
  return `${call ? call[0] : text.trim().slice(0, 40) || "draw_dot"} · line ${view.line}`;
}

export class NotebookPage {
  // `editor`: the ProgramEditor; `run(options)`: the page's run; `setStatus(text)`: the status line.
  constructor({ editor, run, setStatus }) {
    this.editor = editor;
    this.run = run;
    opener.open = (view) => this.openView(view);
    this.setStatus = setStatus;
    this.chosen = null;
    this.list = element("nav", { className: "views", hidden: true });
    this.list.dataset.testid = "views";
    this.list.setAttribute("aria-label", "draw_dot views");
    const picture = $("graph")?.closest(".picture") ?? $("graph");
    picture?.before(this.list);
    this.addOpenButton();
    this.listenForDrops();
    const marker = EditorView.updateListener.of(() => this.markCells());
    editor.view.dispatch({ effects: StateEffect.appendConfig.of(marker) });
    this.markCells();
  }

  // `# %%` lines start cells: the editor shows each as a boundary.
  markCells() {
    for (const line of this.editor.view.contentDOM.querySelectorAll(".cm-line")) {
      line.classList.toggle("cell-start", CELL_MARKER.test(line.textContent));
    }
  }

  addOpenButton() {
    const input = element("input", { type: "file", accept: ".ipynb,application/x-ipynb+json,application/json", hidden: true });
    input.dataset.testid = "notebook-file";
    const button = element("button", { type: "button", textContent: "Open notebook…", title: "Open a Jupyter notebook (.ipynb); or drop one on the page" });
    button.dataset.testid = "open-notebook";
    button.addEventListener("click", () => input.click());
    input.addEventListener("change", () => {
      if (input.files?.length) this.open(input.files[0]);
      input.value = "";
    });
    const anchor = $("preset")?.closest("label") ?? $("run");
    anchor?.after(button, input);
  }

  listenForDrops() {
    document.addEventListener("dragover", (event) => {
      if ([...(event.dataTransfer?.items ?? [])].some((item) => item.kind === "file")) {
        event.preventDefault();
        document.body.classList.add("dropping");
      }
    });
    document.addEventListener("dragleave", () => document.body.classList.remove("dropping"));
    document.addEventListener("drop", (event) => {
      const file = event.dataTransfer?.files?.[0];
      document.body.classList.remove("dropping");
      if (!file) return;
      event.preventDefault();
      this.open(file);
    });
  }

  // A notebook file: its code cells into the editor (POST api/notebook), then run.
  async open(file) {
    this.setStatus(`Opening ${file.name}…`);
    const text = await file.text();
    const response = await fetch("api/notebook", { method: "POST", headers: { "content-type": "application/json" }, body: text });
    const payload = await response.json().catch(() => ({ error: { message: `the server answered ${response.status}` } }));
    if (!response.ok) {
      const error = payload.error ?? { message: `the server answered ${response.status}` };
      $("error").textContent = `${file.name} could not be opened: ${error.message}`;
      $("error").hidden = false;
      this.setStatus("");
      return;
    }
    const skipped = payload.skipped.length ? ` (${payload.skipped.length} skipped: ${payload.skipped.map((s) => `cell ${s.cell + 1}, ${s.reason}`).join("; ")})` : "";
    this.editor.setValue(payload.source);
    this.markCells();
    if ($("preset")) $("preset").value = "";
    $("example-note").textContent = `${file.name}: ${payload.cells} code cells${skipped}`;
    await this.run({ source: payload.source });
  }

  openView(view) {
    return this.run({ source: this.source, view: view.index, position: view.position, keepOverrides: true });
  }

  // The views of the graph shown; `chosen` is the view it shows (the last unless another was picked).
  showViews(graph, source, chosen) {
    this.source = source;
    const views = graph.views ?? [];
    this.list.hidden = views.length < 2;
    if (views.length < 2) {
      this.list.replaceChildren();
      return;
    }
    const current = chosen ?? views.length - 1;
    const items = views.map((view) => {
      const button = element("button", { type: "button", textContent: viewName(view, source) });
      button.dataset.testid = `view-${view.index}`;
      if (view.index === current) button.setAttribute("aria-current", "true");
      button.addEventListener("click", () => this.openView(view));
      return element("li", {}, button);
    });
    this.list.replaceChildren(element("span", { className: "views-label", textContent: "Views" }), element("ol", {}, ...items));
  }
}
