// Nudging the leaves: the leaves listed with their grads, the ticked ones nudged along their grads and
// the output's change against its first-order prediction, the program's own numbers back, the numeric check.

import { callApi } from "./api.js";
import { clearError, showError } from "./editor.js";
import { formatNumber } from "./format.js";
import { renderLeaves, tickedLeaves } from "./leaves.js";
import { $, editor, groups, hasGraph, hasNudges, page, quiz, setStatus } from "./page.js";
import { run, showGraph } from "./run.js";
import { rawName, stateAt } from "./timeline.js";

// The leaves a student can nudge: those with a name, or a path such as n.w (made inside an object).
function leafNodes() {
  return page.timeline.graph.nodes.filter((node) => !node.op && (node.name !== null || node.path));
}

export function showLeaves() {
  const changes = (page.timeline.graph.updates ?? []).filter((change) => change.field === "data");
  const updated = changes.length ? new Map(changes.map((change) => [change.node, change.after])) : null;
  const state = stateAt(page.timeline, Math.min(page.position, page.timeline.last));
  const names = page.timeline.names;
  renderLeaves($("leaves"), leafNodes(), { source: page.source, hideGrads: quiz.on, updated, names, state });
}

export async function nudge() {
  if (!hasGraph() || page.broken) return;
  const names = tickedLeaves($("leaves"));
  const stepSize = Number($("nudge-step").value);
  try {
    const request = { source: page.source, overrides: page.overrides, step: stepSize, names, collapse: groups.request() };
    const result = await callApi("api/nudge", request, setStatus);
    page.overrides = result.overrides;
    clearError(editor);
    const name = rawName(page.timeline, page.timeline.graph.output);
    $("nudge-result").textContent =
      `${name}: ${formatNumber(result.before)} → ${formatNumber(result.after)} ` +
      `(first-order prediction ${formatNumber(result.predicted)})`;
    showGraph(result.graph, { keepPicture: result.graph.collapsed?.join() === page.timeline.graph.collapsed?.join() });
  } catch (error) {
    showError(editor, error);
  }
}

// Back to the program's own numbers: the same program run without its nudges.
export async function resetNudges() {
  if (!hasGraph() || page.broken || !hasNudges()) return;
  await run({ source: page.source, position: page.position });
  $("nudge-result").textContent = "";
}

export async function toggleNumeric() {
  page.numeric = $("numeric-check").checked;
  if (page.timeline) await run({ source: page.source, position: page.position, keepOverrides: true });
}
