// The table of named leaves: which ones a nudge moves, with their data and grad at the current step
// (never ahead of the timeline: at the start and through the forward pass a grad reads 0, or what the
// last pass left) and their numeric grad.

import { formatNumber } from "./format.js";

// Rows for `nodes`; the ticks stay for the same program, and a new program starts all ticked.
// In a quiz the grads are the answers, so they are hidden. `updated` (id -> data after the pass's
// update, or null) adds the column of the data after the update. `names` (id -> name) says what to
// call each leaf; `state` (timeline.js) gives the numbers of the current step.
export function renderLeaves(table, nodes, { source, hideGrads, updated = null, names, state }) {
  table.querySelector('[data-testid="leaves-after"]').hidden = !updated;
  const body = table.querySelector("tbody");
  const checked = new Set(tickedLeaves(table));
  const fresh = body.children.length === 0 || body.dataset.source !== source;
  body.replaceChildren(
    ...nodes.map((node) => {
      const row = document.createElement("tr");
      row.dataset.node = node.id;
      const box = Object.assign(document.createElement("input"), { type: "checkbox", value: node.id });
      box.checked = fresh || checked.has(node.id);
      const name = names.get(node.id) ?? node.label;
      box.setAttribute("aria-label", `nudge ${name}`);
      const numeric = node.numeric_grad === null ? "—" : hideGrads ? "?" : formatNumber(node.numeric_grad);
      const after = updated ? [updated.has(node.id) ? formatNumber(updated.get(node.id)) : "—"] : [];
      const cells = [name, "", ...after, "", numeric];
      const first = document.createElement("td");
      first.append(box);
      const cellsShown = cells.map((text) => Object.assign(document.createElement("td"), { textContent: text }));
      cellsShown[0].replaceChildren(...breakable(name)); // a long path such as n.layers[0].neurons[1].w[2]
      cellsShown[1].className = "leaf-data";
      cellsShown[cells.length - 2].className = "leaf-grad";
      row.append(first, ...cellsShown);
      return row;
    }),
  );
  body.dataset.source = source;
  showStep(table, state, hideGrads);
}

// The data and grad cells at a timeline state; only texts that change are touched.
export function showStep(table, state, hideGrads) {
  for (const row of table.tBodies[0].rows) {
    const id = row.dataset.node;
    const data = state.data.get(id);
    const grad = state.grad.get(id);
    const dataText = data === null || data === undefined ? "—" : formatNumber(data);
    const gradText = hideGrads ? "?" : grad === null || grad === undefined ? "—" : formatNumber(grad);
    const [dataCell, gradCell] = [row.querySelector(".leaf-data"), row.querySelector(".leaf-grad")];
    if (dataCell.textContent !== dataText) dataCell.textContent = dataText;
    if (gradCell.textContent !== gradText) gradCell.textContent = gradText;
  }
}

// A path with a possible line break after each dot, so that a narrow table wraps it at its parts.
function breakable(name) {
  return name.split(/(?<=\.)/).flatMap((part, i) => (i ? [document.createElement("wbr"), part] : [part]));
}

export function tickedLeaves(table) {
  return [...table.querySelectorAll("tbody input:checked")].map((box) => box.value);
}
