// The details of one node: its numbers at the current step and the source line that made it.

import { formatNumber } from "./format.js";

// `name`: what the page calls the node (names.js), never its id.
export function renderDetails(list, node, state, source, { hideNumeric, name }) {
  const data = state.data.get(node.id);
  const grad = state.grad.get(node.id);
  const line = source.split("\n")[node.line - 1] ?? "";
  let numeric = node.numeric_grad === null ? "tick “numeric check”" : formatNumber(node.numeric_grad);
  if (hideNumeric) numeric = "hidden during the quiz";
  const rows = [
    ["node", `${name} · ${node.op ? `made by ${node.op}` : "leaf"}`],
    ["data", data === null ? "not computed yet" : formatNumber(data)],
    ["grad", grad === null ? "not computed yet" : formatNumber(grad)],
    ["numeric grad", numeric],
    ["made at", `line ${node.line}, column ${node.column}: ${line.trim()}`],
  ];
  list.replaceChildren(
    ...rows.flatMap(([term, value]) => [
      Object.assign(document.createElement("dt"), { textContent: term }),
      Object.assign(document.createElement("dd"), { textContent: value }),
    ]),
  );
  list.hidden = false;
}
