// The explorer page: its controls, keys and examples wired to the parts (page.js) that run a program
// (run.js), step through it (player.js), nudge it (nudge.js) and share it (share.js). Talks to the JSON API only.

import { readExamples } from "./api.js";
import { downloadSvg } from "./download.js";
import { listenForToggles } from "./groups.js";
import { nudge, resetNudges, showLeaves, toggleNumeric } from "./nudge.js";
import { $, classroom, editor, groups, page, quiz, training, view } from "./page.js";
import { goTo, step, stopPlaying, togglePlay } from "./player.js";
import { run, toggleGroups } from "./run.js";
import { loadFromUrl, saveToUrl } from "./share.js";

const PRESENT_TEXT_SCALE = 1.5; // presenter mode's type against the page's

// -- examples, present mode

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

function togglePresent() {
  const on = document.body.classList.toggle("present");
  $("present").setAttribute("aria-pressed", String(on));
  view.viewport.setTextScale(on ? PRESENT_TEXT_SCALE : 1);
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
  $("fit").addEventListener("click", () => view.viewport.fit());
  $("zoom-in").addEventListener("click", () => view.viewport.zoom(1 / 1.25));
  $("zoom-out").addEventListener("click", () => view.viewport.zoom(1.25));
  $("present").addEventListener("click", togglePresent);
  $("download-svg").addEventListener("click", () => downloadSvg(view.svg, view.viewport.home));
  listenForToggles($("graph"), (id) => toggleGroups(() => groups.toggle(id), id), () => view.viewport.dragged);
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
