// Quiz mode: before a backward step's deposits are shown, the student types the new grad of each
// node they go into, in turn; then the page says right or wrong, shows the arithmetic and the step.

import { formatNumber } from "./format.js";
import { questionsAt, rawName } from "./timeline.js";

const $ = (id) => document.querySelector(`[data-testid="${id}"]`);

// Right within 1e-3 relative or 0.001 absolute: the picture shows four decimals.
export function isRight(answer, expected) {
  const difference = Math.abs(answer - expected);
  return difference <= 1e-3 || difference <= 1e-3 * Math.abs(expected);
}

export class Quiz {
  // `show(position, node)` draws the state before a step with `node` asked for;
  // `reveal(position)` moves the timeline onto the step once every question is answered.
  constructor({ show, reveal }) {
    this.show = show;
    this.reveal = reveal;
    this.on = false;
    this.right = 0;
    this.asked = 0;
    this.answered = new Set(); // positions whose questions were answered, for this graph
    this.pending = null; // {timeline, position, questions, index}
    $("quiz").addEventListener("change", () => this.setOn($("quiz").checked));
    $("quiz-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.submit();
    });
  }

  setOn(on) {
    this.on = on;
    $("quiz").checked = on;
    $("quiz-panel").hidden = !on;
    this.cancel();
    this.render();
  }

  // A new program: a new score.
  reset() {
    this.right = 0;
    this.asked = 0;
    this.newGraph();
  }

  // New numbers (a nudge, a run): every step can be asked again.
  newGraph() {
    this.answered.clear();
    this.cancel();
    $("quiz-feedback").replaceChildren();
    this.render();
  }

  // Whether stepping onto `position` asks first; if so the question is shown and focused.
  intercepts(timeline, position) {
    if (!this.on || this.answered.has(position)) return false;
    if (this.pending?.position === position) {
      $("quiz-answer").focus();
      return true;
    }
    const questions = questionsAt(timeline, position);
    if (questions.length === 0) return false;
    $("quiz-feedback").replaceChildren();
    this.pending = { timeline, position, questions, index: 0 };
    this.ask();
    return true;
  }

  ask() {
    const { timeline, position, questions, index } = this.pending;
    const question = questions[index];
    const step = timeline.steps[position];
    const through = timeline.nodes.get(step.node);
    const throughName = rawName(timeline, step.node);
    const of = questions.length > 1 ? ` (${index + 1} of ${questions.length} nodes this step feeds)` : "";
    $("quiz-question").textContent =
      `Backward step ${step.index} / ${step.total} goes through ${throughName}` +
      ` (${through.op}). What is ${question.name}.grad after it?${of}`;
    $("quiz-label").textContent = `${question.name}.grad =`;
    $("quiz-answer").value = "";
    $("quiz-hint").textContent = "";
    $("quiz-answer").disabled = false;
    $("quiz-submit").disabled = false;
    this.show(position, question.node);
    $("quiz-answer").focus();
  }

  submit() {
    if (!this.pending) return;
    const text = $("quiz-answer").value.trim();
    const answer = Number(text);
    if (text === "" || !Number.isFinite(answer)) {
      $("quiz-hint").textContent = "Type a number, such as -1.5 or 0.25.";
      return;
    }
    const { questions, index, position } = this.pending;
    const question = questions[index];
    const right = isRight(answer, question.answer);
    $("quiz-hint").textContent = "";
    this.asked += 1;
    if (right) this.right += 1;
    const verdict = right
      ? `Right: ${question.name}.grad = ${formatNumber(question.answer)}.`
      : `Not quite: you said ${text}, but ${question.name}.grad = ${formatNumber(question.answer)}.`;
    this.say(right ? "quiz-right" : "quiz-wrong", [verdict, ...question.lines], index > 0);
    this.render();
    if (index + 1 < questions.length) {
      this.pending.index += 1;
      this.ask();
      return;
    }
    this.answered.add(position);
    this.cancel();
    this.reveal(position);
    $("step-forward").focus(); // Enter goes on to the next question
  }

  say(className, lines, append = false) {
    const block = document.createElement("div");
    block.className = className;
    block.append(...lines.map((line) => Object.assign(document.createElement("p"), { textContent: line })));
    if (append) $("quiz-feedback").append(block);
    else $("quiz-feedback").replaceChildren(block);
  }

  // Leave a question unanswered (the student stepped elsewhere); the step is asked again later.
  cancel() {
    this.pending = null;
    $("quiz-question").textContent = "Step forward into the backward pass: each step asks for a grad before it shows it.";
    $("quiz-label").textContent = "grad =";
    $("quiz-answer").value = "";
    $("quiz-answer").disabled = true;
    $("quiz-submit").disabled = true;
  }

  render() {
    $("quiz-score").textContent = `${this.right} / ${this.asked} right`;
  }
}
