// Sharing: the URL's hash holds the program, the nudged values, the pass, the collapsed groups, the
// position, the nudge step and quiz mode, so that a link (or a reload) opens the same state. No state lives on the server.
// The same state is published to a class the page teaches (classroom.js), and a teacher's is loaded here.

import { $, classroom, editor, groups, page, quiz, training } from "./page.js";
import { forgetProgram, run } from "./run.js";

const DEFAULT_STEP = "0.01";

function writeShared({ source, overrides, pass, position, collapse = "auto", step, quiz }) {
  const params = new URLSearchParams({ src: source, pos: String(position) });
  if (pass !== null && pass !== undefined) params.set("pass", String(pass));
  if (collapse !== "auto") params.set("groups", collapse.join(",")); // positions count a collapsed group as one step
  if (Object.keys(overrides).length) params.set("ov", JSON.stringify(overrides));
  if (step !== DEFAULT_STEP) params.set("step", step);
  if (quiz) params.set("quiz", "1");
  history.replaceState(null, "", `#${params}`);
}

// The state in the page's hash, or null when it holds no program.
function readShared(hash = location.hash) {
  const params = new URLSearchParams(hash.slice(1));
  if (!params.has("src")) return null;
  let overrides = {};
  try {
    overrides = JSON.parse(params.get("ov") ?? "{}");
  } catch {
    overrides = {};
  }
  return {
    source: params.get("src"),
    overrides,
    position: Number(params.get("pos") ?? "0") || 0,
    pass: params.has("pass") && Number.isInteger(Number(params.get("pass"))) ? Number(params.get("pass")) : null,
    collapse: params.has("groups") ? params.get("groups").split(",").filter(Boolean) : "auto",
    step: params.get("step") ?? DEFAULT_STEP,
    quiz: params.get("quiz") === "1",
  };
}

export function saveToUrl() {
  const { source, overrides, position } = page;
  const { pass } = training;
  const collapse = groups.request();
  writeShared({ source, overrides, pass, position, collapse, step: $("nudge-step").value, quiz: quiz.on });
  classroom.publish({ source, overrides, pass, view: page.view ?? null, position, collapse, quiz: quiz.on });
}

export async function loadFromUrl() {
  const shared = readShared();
  if (!shared) return false;
  await loadShared(shared);
  return true;
}

export async function loadShared(shared) {
  if (page.timeline && shared.source !== page.source) forgetProgram(shared.source);
  editor.setValue(shared.source);
  quiz.setOn(shared.quiz);
  if (shared.step !== undefined) $("nudge-step").value = shared.step;
  page.source = shared.source;
  page.overrides = shared.overrides;
  if (shared.collapse !== "auto") groups.choose(shared.collapse);
  await run({ position: shared.position, keepOverrides: true, pass: shared.pass });
}
