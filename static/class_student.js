// A student in class mode: the teacher's state arrives as server-sent events and the page shows it, until the
// student breaks away (the states keep arriving, unapplied) and rejoins. Questions are answered as in quiz mode.

import { formatNumber } from "./format.js";
import { isRight } from "./quiz.js";

const $ = (id) => document.querySelector(`[data-testid="${id}"]`);
const STUDENT_KEY = "backprop-student"; // localStorage: a random id, the only thing the server knows of a student
const CODE = /^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{6}$/;
const SAME_PROGRAM = ["source", "overrides", "pass", "view", "collapse", "quiz"]; // else only the position moved
const RETRY_MS = 3000;

export function sentence(text) {
  return text.replace(/^\w/, (first) => first.toUpperCase());
}

// A class request: the answer's JSON (null for 204), or an Error with the server's message and status.
export async function request(method, path, body, token) {
  const headers = body === undefined ? {} : { "content-type": "application/json" };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  if (response.status === 204) return null;
  const payload = await response.json().catch(() => ({}));
  if (!response.ok) {
    const message = payload.error?.message ?? `the server answered ${response.status}`;
    throw Object.assign(new Error(message), { status: response.status });
  }
  return payload;
}

function studentId() {
  let id = localStorage.getItem(STUDENT_KEY);
  if (!id) localStorage.setItem(STUDENT_KEY, (id = crypto.randomUUID()));
  return id;
}

export class Student {
  constructor(explorer, status) {
    this.explorer = explorer;
    this.status = status;
    this.code = null; // the class followed
    this.source = null; // its EventSource
    this.lost = false; // the connection broke and has not come back yet
    this.following = false;
    this.latest = null; // the teacher's last state
    this.applied = null; // the teacher's state the page shows
    this.pending = null;
    this.applying = Promise.resolve();
    this.asked = null; // the open question {id, node, prompt, sent}
    $("join-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.join($("join-code").value);
    });
    $("break-away").addEventListener("click", () => this.setFollowing(false));
    $("rejoin").addEventListener("click", () => this.setFollowing(true));
    $("leave-class").addEventListener("click", () => this.leave("You left the class."));
    $("class-answer-form").addEventListener("submit", (event) => {
      event.preventDefault();
      this.sendAnswer();
    });
  }

  join(text) {
    const code = text.trim().toUpperCase();
    if (!CODE.test(code)) {
      this.status("A class code is 6 letters and digits, such as K7Q2MX.");
      return;
    }
    this.leave("");
    this.code = code;
    $("join-code").value = code;
    const address = new URL(location.href);
    address.searchParams.set("class", code);
    history.replaceState(null, "", address);
    this.status(`Joining class ${code}…`);
    this.connect();
    this.setFollowing(true);
  }

  connect() {
    const code = this.code;
    const source = new EventSource(`api/classes/${code}/events`);
    this.source = source;
    source.onopen = () => {
      this.status(this.lost ? `Reconnected to class ${code}.` : `In class ${code}.`);
      this.lost = false;
    };
    source.onerror = () => {
      if (source !== this.source) return;
      if (source.readyState === EventSource.CONNECTING) {
        this.lost = true;
        this.status(`The connection to class ${code} was lost: reconnecting…`);
      } else {
        this.refused(source);
      }
    };
    const on = (kind, handle) => source.addEventListener(kind, (event) => handle(JSON.parse(event.data)));
    on("state", (state) => this.onState(state));
    on("question", (question) => this.onQuestion(question));
    on("reveal", (reveal) => this.onReveal(reveal));
    on("closed", (closed) => this.leave(closed.reason === "expired" ? "The class has expired." : "The class has ended."));
  }

  // The server refused the stream (an EventSource does not say why): ask once to tell the student.
  async refused(source) {
    let status = 0;
    const controller = new AbortController();
    try {
      status = (await fetch(`api/classes/${this.code}/events`, { signal: controller.signal })).status;
    } catch {
      status = 0; // the server is away
    }
    controller.abort();
    if (source !== this.source) return;
    if (status === 404) {
      this.leave(`No class ${this.code} is running: it ended, expired, or the code is mistyped.`);
      return;
    }
    this.lost = true;
    this.status(`Class ${this.code} cannot be reached${status ? ` (the server answered ${status})` : ""}: trying again…`);
    setTimeout(() => {
      if (source === this.source) this.connect();
    }, RETRY_MS);
  }

  // The class ended, or the student left it: the page stays, theirs to use.
  leave(message) {
    this.source?.close();
    this.source = null;
    this.code = null;
    this.lost = false;
    this.following = false;
    this.applied = null;
    this.latest = null;
    for (const id of ["following", "break-away", "rejoin", "leave-class"]) $(id).hidden = true;
    $("start-class").hidden = $("join-form").hidden = false;
    if (this.asked) $("class-answer").disabled = $("class-submit").disabled = true;
    const address = new URL(location.href);
    if (address.searchParams.has("class")) {
      address.searchParams.delete("class");
      history.replaceState(null, "", address);
    }
    if (message) this.status(`${message} The page is yours to explore.`);
  }

  setFollowing(on) {
    if (!this.code) return;
    this.following = on;
    $("following").hidden = !on;
    $("following").textContent = `Following the teacher · ${this.code}`;
    $("break-away").hidden = !on;
    $("rejoin").hidden = on;
    $("leave-class").hidden = false;
    $("start-class").hidden = $("join-form").hidden = true; // a student in a class neither teaches nor joins another
    this.applied = null; // the student may have changed the page meanwhile
    if (on && this.latest) this.follow(this.latest);
  }

  onState(state) {
    this.latest = state;
    if (this.following) this.follow(state);
  }

  // States are shown in order; a burst shows only the newest.
  follow(state) {
    this.pending = state;
    this.applying = this.applying.then(() => this.applyPending());
  }

  async applyPending() {
    const state = this.pending;
    this.pending = null;
    if (!state || !this.following) return;
    const applied = this.applied;
    const same = applied && SAME_PROGRAM.every((key) => JSON.stringify(applied[key]) === JSON.stringify(state[key]));
    if (same) this.explorer.goTo(state.position);
    else await this.explorer.load(state);
    this.applied = state;
    this.markAsked();
  }

  // -- questions, as in quiz mode

  onQuestion(question) {
    this.asked = { ...question, sent: null };
    $("class-student-question").hidden = false;
    $("class-question").textContent = question.prompt;
    $("class-answer").value = "";
    $("class-hint").textContent = "";
    $("class-feedback").replaceChildren();
    $("class-answer").disabled = $("class-submit").disabled = false;
    this.markAsked();
    $("class-answer").focus();
  }

  // The asked node, marked in the picture as quiz mode marks it, on the step before the one asked about.
  markAsked() {
    const timeline = this.explorer.timeline();
    if (!this.asked || !this.following || !timeline?.nodes.has(this.asked.node)) return;
    const position = this.explorer.position() + 1;
    if (position <= timeline.last) this.explorer.showQuestion(position, this.asked.node);
  }

  async sendAnswer() {
    const asked = this.asked;
    if (!asked || !this.code) return;
    const text = $("class-answer").value.trim();
    const answer = Number(text);
    if (text === "" || !Number.isFinite(answer)) {
      $("class-hint").textContent = "Type a number, such as -1.5 or 0.25.";
      return;
    }
    try {
      await request("POST", `api/classes/${this.code}/answers`, { question: asked.id, student: studentId(), answer });
      asked.sent = answer;
      $("class-hint").textContent = "";
      this.say("", [`Sent: ${text}. You may change it until the teacher reveals the answer.`]);
    } catch (error) {
      $("class-hint").textContent = sentence(error.message);
    }
  }

  onReveal(reveal) {
    const asked = this.asked;
    if (!asked || asked.id !== reveal.id) return;
    this.asked = null;
    $("class-answer").disabled = $("class-submit").disabled = true;
    const { answers, right } = reveal.tally;
    const counted = `Right answers in the class: ${right} of ${answers}.`;
    if (reveal.answer === null) {
      this.say("", ["The teacher closed the question.", counted]);
      return;
    }
    const value = formatNumber(reveal.answer);
    if (asked.sent === null) this.say("", [`The answer: ${value}.`, counted]);
    else if (isRight(asked.sent, reveal.answer)) this.say("quiz-right", [`Right: the grad is ${value}.`, counted]);
    else this.say("quiz-wrong", [`Not quite: you said ${asked.sent}, but the grad is ${value}.`, counted]);
  }

  say(className, lines) {
    const block = Object.assign(document.createElement("div"), { className });
    block.append(...lines.map((line) => Object.assign(document.createElement("p"), { textContent: line })));
    $("class-feedback").replaceChildren(block);
  }
}
