// Class mode (PAGE.md "Class mode", API.md "Classes"): a teacher's page publishes its state to the server on every
// change; students' pages follow it through server-sent events, answer the teacher's questions, break away and
// rejoin. The explorer gives this module a few hooks: load(state), goTo(position), timeline(), position(),
// showQuestion(position, node).

import { request, sentence, Student } from "./class_student.js";
import { formatNumber } from "./format.js";
import { isRight } from "./quiz.js";
import { questionsAt } from "./timeline.js";

const $ = (id) => document.querySelector(`[data-testid="${id}"]`);
const TEACHER_KEY = "backprop-class-teacher"; // sessionStorage: this tab teaches (a reload keeps the class)
const TALLY_EVERY_MS = 1000;

function span(className, textContent = "") {
  return Object.assign(document.createElement("span"), { className, textContent });
}

export class Classroom {
  constructor(explorer) {
    this.explorer = explorer;
    this.teaching = null; // {code, token, url, qr}
    this.publishing = null; // a PUT in flight
    this.waiting = null; // the state to publish after it
    this.question = null; // the teacher's open question {id, node, prompt, answer, revealed}
    this.timer = null;
    this.student = new Student(explorer, (text) => this.status(text));
    $("start-class").addEventListener("click", () => this.startClass());
    $("end-class").addEventListener("click", () => this.endClass());
    $("ask").addEventListener("click", () => this.ask());
    $("reveal").addEventListener("click", () => this.reveal());
    $("class-qr-size").addEventListener("click", () => this.toggleQr());
  }

  status(text) {
    $("class-status").textContent = text;
  }

  // The page is ready: teach again after a reload, or follow the class the address names.
  async start() {
    const saved = JSON.parse(sessionStorage.getItem(TEACHER_KEY) ?? "null");
    if (saved) this.showTeaching(saved);
    const code = new URLSearchParams(location.search).get("class");
    if (!saved && code) this.student.join(code);
  }

  // -- the teacher

  async startClass() {
    try {
      const made = await request("POST", "api/classes");
      const url = new URL(made.join_url, document.baseURI).href;
      this.showTeaching({ code: made.code, token: made.teacher_token, url, qr: made.qr_svg });
      this.status(`Class ${made.code} is on.`);
    } catch (error) {
      this.status(`No class: ${sentence(error.message)}.`);
    }
  }

  showTeaching(teaching) {
    this.teaching = teaching;
    sessionStorage.setItem(TEACHER_KEY, JSON.stringify(teaching));
    $("class-teacher").hidden = false;
    $("start-class").hidden = true;
    $("join-form").hidden = true;
    $("class-code").textContent = teaching.code;
    $("class-url").textContent = teaching.url;
    $("class-qr").innerHTML = teaching.qr; // the server's own SVG of the address
    if (!$("class-join-card").classList.contains("big")) this.toggleQr();
    $("class-students").textContent = "Students join with the code or the QR code.";
    this.explorer.republish();
  }

  // A teacher's request about this class (`part` after its address), with the token.
  call(method, part, body) {
    const path = `api/classes/${this.teaching.code}${part ? `/${part}` : ""}`;
    return request(method, path, body, this.teaching.token);
  }

  // Every step, pass, view, group toggle and Run: the newest state goes out, one request at a time.
  publish(state) {
    this.refreshAsk();
    if (!this.teaching) return;
    this.waiting = state;
    if (!this.publishing) this.publishing = this.flush();
  }

  async flush() {
    while (this.waiting && this.teaching) {
      const state = this.waiting;
      this.waiting = null;
      try {
        await this.call("PUT", "state", state);
      } catch (error) {
        if (error.status === 404 || error.status === 403) this.stopTeaching("The class has ended (it expired).");
        else this.status(`The class did not get the last step: ${sentence(error.message)}.`);
      }
    }
    this.publishing = null;
  }

  // The question the next backward step asks, as quiz mode would ask it.
  nextQuestion() {
    const timeline = this.explorer.timeline();
    if (!timeline?.graph.output) return null;
    const position = this.explorer.position() + 1;
    if (position > timeline.last) return null;
    const [question] = questionsAt(timeline, position);
    if (!question) return null;
    const step = timeline.steps[position];
    const through = timeline.nodes.get(step.node);
    const name = through.label || through.name || through.expr || "a node";
    const prompt =
      `Backward step ${step.index} / ${step.total} goes through ${name} (${through.op}).` +
      ` What is ${question.name}.grad after it?`;
    return { node: question.node, prompt, answer: question.answer, name: question.name };
  }

  refreshAsk() {
    const can = this.nextQuestion() !== null;
    $("ask").disabled = !can;
    $("ask").title = can
      ? "Ask everyone for the grad the next backward step gives"
      : "Step to just before a backward step to ask about it";
  }

  async ask() {
    const next = this.nextQuestion();
    if (!next || !this.teaching) return;
    try {
      const { id } = await this.call("POST", "questions", next);
      this.question = { ...next, id, revealed: false };
      $("class-question-asked").textContent = next.prompt;
      $("reveal").disabled = false;
      this.drawTally({ answers: 0, right: 0, bins: [], students: 0 });
      clearInterval(this.timer);
      this.timer = setInterval(() => this.readTally(), TALLY_EVERY_MS);
      this.readTally();
    } catch (error) {
      this.status(`The question was not asked: ${sentence(error.message)}.`);
    }
  }

  async readTally() {
    const question = this.question;
    if (!question || !this.teaching) return;
    try {
      const tally = await this.call("GET", `tally?question=${question.id}`);
      if (question === this.question) this.drawTally(tally);
    } catch (error) {
      if (error.status === 404 || error.status === 403) this.stopTeaching("The class has ended (it expired).");
    }
  }

  // The answers as a bar chart, the most common first; after the reveal, the right bars marked.
  drawTally(tally) {
    const question = this.question;
    const widest = Math.max(1, ...tally.bins.map((bin) => bin.count));
    const rows = tally.bins.map((bin) => {
      const right = question.revealed && isRight(bin.value, question.answer);
      const row = Object.assign(document.createElement("div"), { className: `tally-row${right ? " right" : ""}` });
      row.setAttribute("role", "listitem");
      row.dataset.value = String(bin.value);
      const bar = span("tally-bar");
      bar.style.width = `${(100 * bin.count) / widest}%`;
      const label = span("tally-value", `${right ? "✓ " : ""}${formatNumber(bin.value)}`);
      const count = span("tally-count", String(bin.count));
      const track = span("tally-track");
      track.append(bar);
      row.append(label, track, count);
      return row;
    });
    $("class-tally").replaceChildren(...rows);
    const answer = `${question.name}.grad = ${formatNumber(question.answer)}`;
    const right = question.revealed ? ` · ${tally.right} right (${answer})` : "";
    $("class-tally-summary").textContent = `${tally.answers} of ${tally.students} following answered${right}`;
    $("class-students").textContent = `${tally.students} student${tally.students === 1 ? "" : "s"} following`;
  }

  async reveal() {
    const question = this.question;
    if (!question || !this.teaching) return;
    try {
      await this.call("POST", `questions/${question.id}/reveal`);
      question.revealed = true;
      $("reveal").disabled = true;
      clearInterval(this.timer);
      await this.readTally();
    } catch (error) {
      this.status(`The answer was not revealed: ${sentence(error.message)}.`);
    }
  }

  async endClass() {
    if (!this.teaching) return;
    try {
      await this.call("DELETE", "");
    } catch {
      // it had ended already
    }
    this.stopTeaching(`Class ${this.teaching.code} has ended.`);
  }

  stopTeaching(message) {
    clearInterval(this.timer);
    this.teaching = null;
    this.question = null;
    sessionStorage.removeItem(TEACHER_KEY);
    $("class-teacher").hidden = true;
    $("start-class").hidden = false;
    $("join-form").hidden = false;
    this.status(message);
  }

  toggleQr() {
    const big = $("class-join-card").classList.toggle("big");
    $("class-qr-size").textContent = big ? "Smaller QR code" : "Larger QR code";
    $("class-qr-size").setAttribute("aria-pressed", String(big));
  }
}
