// The explorer page's state and the parts it is made of (the graph's picture, the editor, quiz, training,
// class mode, …), built once and shared by the modules that run a program (run.js), show a place on the
// timeline (player.js), nudge (nudge.js) and share (share.js). The parts' hooks call into those modules,
// which import the parts: the imports go both ways, so none of these modules does anything on load but
// define.

import { Checks } from "./checks.js";
import { Classroom } from "./classroom.js";
import { Compare } from "./compare.js";
import { ProgramEditor } from "./editor.js";
import { GraphView } from "./graph.js";
import { GroupState } from "./groups.js";
import { FirstVisitHint } from "./hint.js";
import { NotebookPage } from "./notebook.js";
import { goTo, selectNode, showQuestion } from "./player.js";
import { Quiz } from "./quiz.js";
import { run, showGraph } from "./run.js";
import { loadShared, saveToUrl } from "./share.js";
import { Training } from "./training.js";

export const $ = (id) => document.querySelector(`[data-testid="${id}"]`);

export const page = {
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

export const view = new GraphView($("graph"), (id) => selectNode(id, true), $("minimap"));
export const hint = new FirstVisitHint($("first-visit-hint"), $("first-visit-hint-dismiss"));
export const groups = new GroupState(); // the collapsed groups asked for
// Another pass of the same program: same layout and view, the same step; only numbers change.
export const training = new Training((index) =>
  run({ source: page.source, position: page.position, keepOverrides: true, pass: index, keepView: true }),
);
export const editor = new ProgramEditor($("editor"), { onRun: () => run(), describedBy: "error example-note" });
export const notebook = new NotebookPage({ editor, run: (options) => run(options), setStatus: (text) => setStatus(text) });
export const quiz = new Quiz({ show: showQuestion, reveal: (position) => goTo(position) });
// Class mode's hooks: show a teacher's state, move, mark a question, publish again, read the timeline.
export const classroom = new Classroom({
  load: loadShared, goTo, showQuestion, republish: saveToUrl, timeline: () => page.timeline, position: () => page.position,
});
export const checks = new Checks({ goTo: (position) => goTo(position), quizOn: () => quiz.on, selectLine: (line) => editor.selectLine(line) });
export const compare = new Compare({ training, redraw: () => page.timeline && showGraph(page.timeline.graph, { position: page.position, keepPicture: true }) });

export function setStatus(text) {
  $("status").textContent = text;
}

export function hasGraph() {
  return page.timeline !== null && page.timeline.graph.output !== null && page.timeline.graph.output !== undefined;
}

export function hasNudges() {
  return Object.keys(page.overrides).length > 0;
}
