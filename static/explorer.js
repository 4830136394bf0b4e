// The explorer page: editor, run, timeline, nudge, quiz, sharing. Talks to the JSON API only.

import { callApi, readExamples } from "./api.js";
import { Classroom } from "./classroom.js";
import { Checks } from "./checks.js";
import { Compare } from "./compare.js";
import { NotebookPage, renderOutputs } from "./notebook.js";
import { renderDetails } from "./details.js";
import { clearError, ProgramEditor, showError } from "./editor.js";
import { formatNumber } from "./format.js";
import { GraphView } from "./graph.js";
import { GroupState, listenForToggles, outermost } from "./groups.js";
import { FirstVisitHint } from "./hint.js";
import { renderLeaves, showStep, tickedLeaves } from "./leaves.js";
import { Quiz } from "./quiz.js";
import { readShared, writeShared } from "./share.js";
import { buildTimeline, narrate, phaseText, rawName, stateAt } from "./timeline.js";
import { Training } from "./training.js";

const $ = (id) => document.querySelector(`[data-testid="${id}"]`);
const PRESENT_TEXT_SCALE = 1.5; // presenter mode's type against the page's
const TIMELINE_CONTROLS = ["to-start", "step-back", "step-forward", "to-end", "play", "position"];
// What belongs to a program that ran: off after an error until a program runs again.
const RUN_CONTROLS = ["nudge", "nudge-reset", "numeric-check", "quiz"];

const page = {
  source: "", // the program of the graph shown
  overrides: {},
  timeline: null,
  position: 0,
  numeric: false,
  timer: null,
  examples: [],
  runs: 0, // requests made: only the answer to the last one is shown
  broken: false, // the last Run failed: the graph shown is an older program's
  selected: null, // the node whose details are shown
};

const view = new GraphView($("graph"), (id) => selectNode(id, true), $("minimap"));
const hint = new FirstVisitHint($("first-visit-hint"), $("first-visit-hint-dismiss"));
const groups = new GroupState(); // the collapsed groups asked for
// Another pass of the same program: same layout and view, the same step; only numbers change.
const training = new Training((index) =>
  run({ source: page.source, position: page.position, keepOverrides: true, pass: index, keepView: true }),
);
const editor = new ProgramEditor($("editor"), { onRun: () => run(), describedBy: "error example-note" });
const notebook = new NotebookPage({ editor, run: (options) => run(options), setStatus: (text) => setStatus(text) });
const quiz = new Quiz({ show: showQuestion, reveal: (position) => goTo(position) });
// Class mode's hooks: show a teacher's state, move, mark a question, publish again, read the timeline.
const classroom = new Classroom({
  load: loadShared, goTo, showQuestion, republish: saveToUrl, timeline: () => page.timeline, position: () => page.position,
});
const checks = new Checks({ goTo: (position) => goTo(position), quizOn: () => quiz.on, selectLine: (line) => editor.selectLine(line) });
const compare = new Compare({ training, redraw: () => page.timeline && showGraph(page.timeline.graph, { position: page.position, keepPicture: true }) });

function setStatus(text) {
  $("status").textContent = text;
}

// -- running a program

async function run({ source = editor.getValue(), position = null, keepOverrides = false, pass, keepView = false, raw, around, view: shown = null } = {}) {
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

function hasNudges() {
  return Object.keys(page.overrides).length > 0;
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
function forgetProgram(source) {
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
function showGraph(graph, { position = null, keepPicture = false, keepView = false, raw, around } = {}) {
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

function hasGraph() {
  return page.timeline !== null && page.timeline.graph.output !== null && page.timeline.graph.output !== undefined;
}

// A program that makes no Value (only prints, say) has no graph: say so, in the engine's notes.
function emptyMessage(graph) {
  const notes = (graph.notes ?? []).map((note) => note.message.replace(/^\w/, (first) => first.toUpperCase()));
  return notes.length ? notes.join(" ") : "No graph: this program makes no Value.";
}

function showNoGraph() {
  $("phase").textContent = "no graph";
  $("stale-warning").hidden = true;
  $("narration").replaceChildren();
  $("output-value").textContent = "";
  delete $("output-value").dataset.value;
  $("position").max = "0";
  $("position").value = "0";
  for (const id of TIMELINE_CONTROLS) $(id).disabled = true;
  stopPlaying();
  saveToUrl();
}

// -- the timeline

function goTo(position) {
  const timeline = page.timeline;
  if (!timeline) return;
  if (quiz.pending) quiz.cancel();
  if (!hasGraph()) {
    page.position = 0;
    showNoGraph();
    return;
  }
  page.position = Math.max(0, Math.min(position, timeline.last));
  const state = stateAt(timeline, page.position);
  view.apply(state);
  $("phase").textContent = phaseText(timeline, page.position);
  training.showStaleWarning(state.step, timeline);
  const narration = $("narration");
  narration.replaceChildren(
    ...checks.narrationAt(page.position), // what the program's own engine got wrong here, first
    ...narrate(timeline, page.position).map((line) => Object.assign(document.createElement("p"), { textContent: line })),
  );
  const output = timeline.nodes.get(timeline.graph.output);
  $("output-value").textContent = formatNumber(output.data);
  $("output-value").dataset.value = String(output.data);
  $("position").max = String(timeline.last);
  $("position").value = String(page.position);
  $("step-back").disabled = page.position === 0;
  $("to-start").disabled = page.position === 0;
  $("step-forward").disabled = page.position === timeline.last;
  $("to-end").disabled = page.position === timeline.last;
  $("play").disabled = false;
  $("position").disabled = false;
  if (page.position === timeline.last) stopPlaying();
  if (state.step.node) selectNode(state.step.node, false, state); // the step's node, for keyboard and screen-reader users
  else if (page.selected) selectNode(page.selected, false, state);
  if (page.timeline.graph.nodes.length) showStep($("leaves"), state, quiz.on);
  saveToUrl();
}

function step(delta) {
  hint.dismiss(); // the first step taken: the hint has done its work
  if (delta === 1 && hasGraph() && quiz.intercepts(page.timeline, page.position + 1)) {
    stopPlaying(); // a question waits for its answer
    return;
  }
  goTo(page.position + delta);
}

// A quiz question: the state before the step at `position`, its node current, the asked node marked.
function showQuestion(position, asked) {
  const timeline = page.timeline;
  const state = stateAt(timeline, position - 1);
  view.apply({ ...state, step: timeline.steps[position], deposits: [] }, asked);
}

function togglePlay() {
  if (page.timer) {
    stopPlaying();
    return;
  }
  if (!hasGraph()) return;
  if (page.position === page.timeline.last) goTo(0);
  const perSecond = Number($("speed").value);
  page.timer = setInterval(() => step(1), 1000 / perSecond);
  $("play").textContent = "⏸ Pause";
  $("play").setAttribute("aria-pressed", "true");
}

function stopPlaying() {
  clearInterval(page.timer);
  page.timer = null;
  $("play").textContent = "▶ Play";
  $("play").setAttribute("aria-pressed", "false");
}

// -- leaves, numeric check and nudge

// The leaves a student can nudge: those with a name, or a path such as n.w (made inside an object).
function leafNodes() {
  return page.timeline.graph.nodes.filter((node) => !node.op && (node.name !== null || node.path));
}

function showLeaves() {
  const changes = (page.timeline.graph.updates ?? []).filter((change) => change.field === "data");
  const updated = changes.length ? new Map(changes.map((change) => [change.node, change.after])) : null;
  const state = stateAt(page.timeline, Math.min(page.position, page.timeline.last));
  const names = page.timeline.names;
  renderLeaves($("leaves"), leafNodes(), { source: page.source, hideGrads: quiz.on, updated, names, state });
}

async function nudge() {
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
async function resetNudges() {
  if (!hasGraph() || page.broken || !hasNudges()) return;
  await run({ source: page.source, position: page.position });
  $("nudge-result").textContent = "";
}

async function toggleNumeric() {
  page.numeric = $("numeric-check").checked;
  if (page.timeline) await run({ source: page.source, position: page.position, keepOverrides: true });
}

// The details of a node at the current step; `clicked`: chosen in the picture, so its panel opens.
function selectNode(id, clicked = false, known = null) {
  const node = page.timeline?.nodes.get(id);
  if (!node) return;
  page.selected = id;
  const state = known ?? stateAt(page.timeline, page.position);
  const name = rawName(page.timeline, id);
  renderDetails($("node-details"), node, state, page.source, { hideNumeric: quiz.on, name });
  $("details-empty").hidden = true;
  if (clicked) document.querySelector('[data-panel="details"]').open = true;
}

// -- sharing: the URL's hash holds the program, the overrides and the position

function saveToUrl() {
  const { source, overrides, position } = page;
  const { pass } = training;
  const collapse = groups.request();
  writeShared({ source, overrides, pass, position, collapse, step: $("nudge-step").value, quiz: quiz.on });
  classroom.publish({ source, overrides, pass, view: page.view ?? null, position, collapse, quiz: quiz.on });
}

async function loadFromUrl() {
  const shared = readShared();
  if (!shared) return false;
  await loadShared(shared);
  return true;
}

async function loadShared(shared) {
  if (page.timeline && shared.source !== page.source) forgetProgram(shared.source);
  editor.setValue(shared.source);
  quiz.setOn(shared.quiz);
  if (shared.step !== undefined) $("nudge-step").value = shared.step;
  page.source = shared.source;
  page.overrides = shared.overrides;
  if (shared.collapse !== "auto") groups.choose(shared.collapse);
  await run({ position: shared.position, keepOverrides: true, pass: shared.pass });
}

// -- groups: a box expands, a cluster's title collapses; the step stays where it was

async function toggleGroups(change, around = null) {
  if (!hasGraph()) return;
  const focused = around && document.activeElement?.dataset?.group === around;
  change();
  const raw = page.timeline.steps[page.position].raw;
  await run({ source: page.source, keepOverrides: true, raw, around: around && `group-${around}` });
  if (focused) view.svg?.querySelector(`[data-group="${around}"]`)?.focus(); // keyboard users stay on the group
}

// -- examples, present mode, download

async function loadExamples() {
  const examples = await readExamples();
  page.examples = examples;
  const select = $("preset");
  for (const example of examples) {
    select.append(Object.assign(document.createElement("option"), { value: example.id, textContent: example.title }));
  }
  select.addEventListener("change", () => {
    const example = examples.find((candidate) => candidate.id === select.value);
    if (!example) return;
    editor.setValue(example.source);
    $("example-note").textContent = example.note;
    run();
  });
  return examples;
}

function downloadSvg() {
  const text = view.serialize();
  if (!text) return;
  const link = document.createElement("a");
  link.href = URL.createObjectURL(new Blob([text], { type: "image/svg+xml" }));
  link.download = "backprop-graph.svg";
  link.click();
  URL.revokeObjectURL(link.href);
}

function togglePresent() {
  const on = document.body.classList.toggle("present");
  $("present").setAttribute("aria-pressed", String(on));
  view.setTextScale(on ? PRESENT_TEXT_SCALE : 1);
}

// -- wiring

function onKey(event) {
  if (event.target instanceof Element && event.target.closest("textarea, input, select, .cm-editor")) return;
  const actions = {
    ArrowRight: () => step(1),
    ArrowLeft: () => step(-1),
    Home: () => goTo(0),
    End: () => goTo(Number.MAX_SAFE_INTEGER),
    " ": togglePlay,
    PageUp: () => training.step(-1),
    PageDown: () => training.step(1),
  };
  const action = actions[event.key];
  if (!action) return;
  event.preventDefault();
  const start = performance.now();
  action();
  document.body.getBoundingClientRect(); // layout included in the measured time
  window.lastStepMs = performance.now() - start;
}

async function main() {
  $("run").addEventListener("click", () => run());
  $("step-back").addEventListener("click", () => step(-1));
  $("step-forward").addEventListener("click", () => step(1));
  $("to-start").addEventListener("click", () => goTo(0));
  $("to-end").addEventListener("click", () => goTo(Number.MAX_SAFE_INTEGER));
  $("play").addEventListener("click", togglePlay);
  $("position").addEventListener("input", () => goTo(Number($("position").value)));
  $("speed").addEventListener("input", () => {
    if (page.timer) {
      stopPlaying();
      togglePlay();
    }
  });
  $("nudge").addEventListener("click", nudge);
  $("nudge-reset").addEventListener("click", resetNudges);
  $("nudge-step").addEventListener("change", saveToUrl);
  $("numeric-check").addEventListener("change", toggleNumeric);
  $("fit").addEventListener("click", () => view.fit());
  $("zoom-in").addEventListener("click", () => view.zoom(1 / 1.25));
  $("zoom-out").addEventListener("click", () => view.zoom(1.25));
  $("present").addEventListener("click", togglePresent);
  $("download-svg").addEventListener("click", downloadSvg);
  listenForToggles($("graph"), (id) => toggleGroups(() => groups.toggle(id), id), () => view.dragged);
  $("collapse-all").addEventListener("click", () => toggleGroups(() => groups.collapseAll()));
  $("expand-all").addEventListener("click", () => toggleGroups(() => groups.choose([])));
  $("quiz").addEventListener("change", () => {
    if (page.timeline) showLeaves();
    if (page.timeline && !quiz.on) goTo(page.position); // a question left open: its marks go
    saveToUrl();
  });
  document.addEventListener("keydown", onKey);
  const examples = await loadExamples();
  if (!(await loadFromUrl())) {
    const first = examples.find((example) => example.id === "lecture-L") ?? examples[0];
    if (first) {
      $("preset").value = first.id;
      editor.setValue(first.source);
      $("example-note").textContent = first.note;
      await run();
    }
  }
  await classroom.start();
  document.body.dataset.ready = "true";
}

main();
