// Running a program and showing its graph: the request (its nudges, pass, groups and view), the answer
// put in every part of the page, an error shown over the older graph, groups toggled.

import { callApi } from "./api.js";
import { clearError, showError } from "./editor.js";
import { outermost } from "./groups.js";
import { renderOutputs } from "./notebook.js";
import { showLeaves } from "./nudge.js";
import { $, checks, compare, editor, groups, hasGraph, hasNudges, hint, notebook, page, quiz, setStatus, training, view } from "./page.js";
import { goTo } from "./player.js";
import { buildTimeline } from "./timeline.js";

// What belongs to a program that ran: off after an error until a program runs again.
const RUN_CONTROLS = ["nudge", "nudge-reset", "numeric-check", "quiz"];

export async function run({ source = editor.getValue(), position = null, keepOverrides = false, pass, keepView = false, raw, around, view: shown = null } = {}) {
  const sameProgram = keepOverrides || source === page.source;
  const overrides = keepOverrides ? page.overrides : {}; // Run on the same program undoes its nudges
  const numeric = sameProgram && page.numeric; // a numeric check belongs to the program it was asked for
  const chosen = pass !== undefined ? pass : sameProgram ? training.pass : null; // null: the API's default pass
  // Another pass has other group ids: its answer names them, then the same groups are asked for.
  const otherPass = sameProgram && training.pass !== null && pass !== undefined && pass !== training.pass && !groups.auto;
  setStatus("Running…");
  const ticket = ++page.runs;
  try {
    const collapse = sameProgram && !otherPass ? groups.request() : "auto";
    const request = { source, overrides, numeric_check: numeric, pass: shown === null ? chosen : null, collapse, view: shown };
    let graph = await graphWithGroups(request);
    const translated = otherPass ? groups.translate(graph.groups ?? []) : null;
    const drawn = translated && outermost(graph.groups, translated);
    if (drawn && [...drawn].sort().join() !== [...(graph.collapsed ?? [])].sort().join()) {
      graph = await callApi("api/graph", { ...request, collapse: translated }, setStatus);
    }
    if (ticket !== page.runs) return; // a later request (PageUp held down, say) answers for the page
    if (!sameProgram) forgetProgram(source);
    if (otherPass && translated) groups.choose(translated);
    else if (otherPass) groups.forget(); // that pass's calls differ: the API chooses
    page.source = source;
    if (Object.keys(page.overrides).length && !Object.keys(overrides).length) $("nudge-result").textContent = "";
    page.overrides = overrides;
    clearError(editor);
    setBroken(false);
    notebook.showViews(graph, source, shown);
    showGraph(graph, { position: position ?? (shown === null ? graph.views?.at(-1)?.position : null) ?? null, keepView, raw, around });
    setStatus("");
  } catch (error) {
    if (ticket !== page.runs) return;
    training.wanted = null;
    showError(editor, error);
    setBroken(true);
    if (error.partial) {
      renderOutputs($("console"), { ...error.partial, error }, (line) => editor.selectLine(line));
      $("console-panel").hidden = $("console").hidden;
    }
    if (page.timeline && source !== page.source) {
      $("error").textContent += "\nThe graph shown is still that of the last program that ran.";
    }
    setStatus("");
  }
}

// After an error, nothing may act on the older program still shown (a nudge would nudge it).
function setBroken(broken) {
  page.broken = broken;
  if (broken && quiz.on) {
    quiz.setOn(false);
    if (hasGraph()) goTo(page.position); // a question left open: its marks go
  }
  for (const id of RUN_CONTROLS) $(id).disabled = broken || (id === "nudge-reset" && !hasNudges());
  if (!broken) $("nudge").disabled = !hasGraph();
}

// Group ids the server does not know (a link to another program's groups): the API's choice instead.
async function graphWithGroups(request) {
  try {
    return await callApi("api/graph", request, setStatus);
  } catch (error) {
    if (request.collapse === "auto" || error.kind !== "name" || error.line !== null) throw error;
    groups.forget();
    return callApi("api/graph", { ...request, collapse: "auto" }, setStatus);
  }
}

// Everything shown about the last program goes when another one runs.
export function forgetProgram(source) {
  page.numeric = false;
  $("numeric-check").checked = false;
  $("nudge-result").textContent = "";
  $("node-details").hidden = true;
  $("node-details").replaceChildren();
  $("details-empty").hidden = false;
  page.selected = null;
  quiz.reset();
  groups.forget();
  const example = page.examples.find((candidate) => candidate.id === $("preset").value);
  if (example && example.source !== source) {
    $("preset").value = ""; // the program is no longer the example named
    $("example-note").textContent = "";
  }
}

// `raw`: a place on the timeline with every group expanded, for a position in a new view of groups.
export function showGraph(graph, { position = null, keepPicture = false, keepView = false, raw, around } = {}) {
  groups.shown(graph);
  page.timeline = buildTimeline(graph, page.source);
  if (raw !== undefined) position = page.timeline.rawToPosition[raw] ?? position;
  if (!keepPicture) view.show(graph.svg, page.timeline, keepView, around);
  $("collapse-all").disabled = groups.groups.length === 0;
  $("expand-all").disabled = groups.groups.length === 0;
  training.show(graph);
  checks.show(graph, page.timeline, view.svg);
  compare.show(graph, view.svg);
  renderOutputs($("console"), graph, (line) => editor.selectLine(line));
  $("console-panel").hidden = $("console").hidden;
  quiz.newGraph();
  $("picture-error").hidden = !graph.svg_error;
  $("picture-error").textContent = graph.svg_error ? `No picture: ${graph.svg_error.message}` : "";
  const empty = !hasGraph();
  $("graph-empty").hidden = !empty;
  $("zoom").hidden = empty;
  $("nudge").disabled = empty || page.broken;
  $("nudge-reset").disabled = !hasNudges() || page.broken;
  $("download-svg").disabled = !graph.svg;
  $("graph-empty").textContent = empty ? emptyMessage(graph) : "";
  showLeaves();
  goTo(position ?? page.timeline.forwardEnd);
  if (!empty) hint.graphShown();
  if (!empty && !performance.getEntriesByName("first-graph").length) performance.mark("first-graph"); // bench/page.py
}

// A program that makes no Value (only prints, say) has no graph: say so, in the engine's notes.
function emptyMessage(graph) {
  const notes = (graph.notes ?? []).map((note) => note.message.replace(/^\w/, (first) => first.toUpperCase()));
  return notes.length ? notes.join(" ") : "No graph: this program makes no Value.";
}

// Groups toggled (a box expands, a cluster's title collapses): the same program again, the step where it was.

export async function toggleGroups(change, around = null) {
  if (!hasGraph()) return;
  const focused = around && document.activeElement?.dataset?.group === around;
  change();
  const raw = page.timeline.steps[page.position].raw;
  await run({ source: page.source, keepOverrides: true, raw, around: around && `group-${around}` });
  if (focused) view.svg?.querySelector(`[data-group="${around}"]`)?.focus(); // keyboard users stay on the group
}
