// The table of named leaves: which ones a nudge moves, with their data, grad and numeric grad.

import { formatNumber } from "./format.js";

// Rows for `nodes`; the ticks stay for the same program, and a new program starts all ticked.
// In a quiz the grads are the answers, so they are hidden. `updated` (id -> data after the pass's
// update, or null) adds the column of the data after the update.
export function renderLeaves(table, nodes, { source, hideGrads, updated = null }) {
  table.querySelector('[data-testid="leaves-after"]').hidden = !updated;
  const body = table.querySelector("tbody");
  const checked = new Set(tickedLeaves(table));
  const fresh = body.children.length === 0 || body.dataset.source !== source;
  body.replaceChildren(
    ...nodes.map((node) => {
      const row = document.createElement("tr");
      const box = Object.assign(document.createElement("input"), { type: "checkbox", value: node.id });
      box.checked = fresh || checked.has(node.id);
      const name = node.label || node.name || node.path;
      box.setAttribute("aria-label", `nudge ${name}`);
      const grad = hideGrads ? "?" : formatNumber(node.grad);
      const numeric = node.numeric_grad === null ? "—" : hideGrads ? "?" : formatNumber(node.numeric_grad);
      const after = updated ? [updated.has(node.id) ? formatNumber(updated.get(node.id)) : "—"] : [];
      const cells = [name, formatNumber(node.data), ...after, grad, numeric];
      const first = document.createElement("td");
      first.append(box);
      const cellsShown = cells.map((text) => Object.assign(document.createElement("td"), { textContent: text }));
      cellsShown[0].replaceChildren(...breakable(name)); // a long path such as n.layers[0].neurons[1].w[2]
      row.append(first, ...cellsShown);
      return row;
    }),
  );
  body.dataset.source = source;
}

// A path with a possible line break after each dot, so that a narrow table wraps it at its parts.
function breakable(name) {
  return name.split(/(?<=\.)/).flatMap((part, i) => (i ? [document.createElement("wbr"), part] : [part]));
}

export function tickedLeaves(table) {
  return [...table.querySelectorAll("tbody input:checked")].map((box) => box.value);
}
