// A place on the timeline shown: the picture's numbers and highlights, the narration, the output, the
// controls, the node's details; stepping, playing, a quiz question's state.

import { renderDetails } from "./details.js";
import { formatNumber } from "./format.js";
import { showStep } from "./leaves.js";
import { $, checks, hasGraph, hint, page, quiz, training, view } from "./page.js";
import { saveToUrl } from "./share.js";
import { narrate, phaseText, rawName, stateAt } from "./timeline.js";

const TIMELINE_CONTROLS = ["to-start", "step-back", "step-forward", "to-end", "play", "position"];

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

export function goTo(position) {
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

export function step(delta) {
  hint.dismiss(); // the first step taken: the hint has done its work
  if (delta === 1 && hasGraph() && quiz.intercepts(page.timeline, page.position + 1)) {
    stopPlaying(); // a question waits for its answer
    return;
  }
  goTo(page.position + delta);
}

// A quiz question: the state before the step at `position`, its node current, the asked node marked.
export function showQuestion(position, asked) {
  const timeline = page.timeline;
  const state = stateAt(timeline, position - 1);
  view.apply({ ...state, step: timeline.steps[position], deposits: [] }, asked);
}

export function togglePlay() {
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

export function stopPlaying() {
  clearInterval(page.timer);
  page.timer = null;
  $("play").textContent = "▶ Play";
  $("play").setAttribute("aria-pressed", "false");
}

// The details of a node at the current step; `clicked`: chosen in the picture, so its panel opens.
export function selectNode(id, clicked = false, known = null) {
  const node = page.timeline?.nodes.get(id);
  if (!node) return;
  page.selected = id;
  const state = known ?? stateAt(page.timeline, page.position);
  const name = rawName(page.timeline, id);
  renderDetails($("node-details"), node, state, page.source, { hideNumeric: quiz.on, name });
  $("details-empty").hidden = true;
  if (clicked) document.querySelector('[data-panel="details"]').open = true;
}
