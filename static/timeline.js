// The timeline of a graph: start, one forward step per node, the resets of the pass (grads set to
// zero), the backward seed, one backward step per operation node, then the updates of the pass; a
// collapsed group's values take one forward and one backward step together.
// Pure functions of the graph, its collapsed groups and a position: the state and the narration.

import { formatNumber as f } from "./format.js";
import { hiddenIn, mergeBackward, mergeForward } from "./groups.js";
import { nameIn, nameTable } from "./names.js";

export function buildTimeline(graph, source = "", collapsed = graph.collapsed ?? []) {
  const nodes = new Map(graph.nodes.map((node) => [node.id, node]));
  const operands = new Map(graph.nodes.map((node) => [node.id, []]));
  for (const edge of graph.edges) operands.get(edge.target).push(edge.source);
  const boxOf = hiddenIn(graph, collapsed);
  const groups = new Map((graph.groups ?? []).map((group) => [group.id, group]));
  const resets = graph.resets ?? [];
  const updates = graph.updates ?? [];
  const backwardStart = graph.forward.length + resets.length + 1; // the seed's place, all groups expanded
  const steps = [{ kind: "start", raw: 0 }];
  steps.push(...mergeForward(graph, boxOf, groups));
  resets.forEach((change, i) => steps.push({ kind: "reset", node: change.node, change, raw: graph.forward.length + 1 + i }));
  const seed = steps.length;
  steps.push(...mergeBackward(graph, boxOf, groups, backwardStart));
  const backwardEnd = steps.length - 1;
  const updatesStart = backwardStart + graph.backward.length;
  updates.forEach((change, i) => steps.push({ kind: "update", node: change.node, change, raw: updatesStart + i }));
  const counts = {};
  for (const step of steps) counts[step.kind] = (counts[step.kind] ?? 0) + 1;
  const seen = {};
  for (const step of steps) {
    seen[step.kind] = (seen[step.kind] ?? 0) + 1;
    Object.assign(step, { index: seen[step.kind], total: counts[step.kind] });
  }
  // Where each step of the expanded timeline lies in this one: a step inside a box is the box's step.
  const rawToPosition = new Array(updatesStart + updates.length).fill(0);
  steps.forEach((step, position) => {
    for (const raw of step.raws ?? [step.raw]) rawToPosition[raw] = position;
  });
  const forwardEnd = seed - 1 - resets.length;
  const sourceLines = source.split("\n");
  const last = steps.length - 1;
  const pictured = new Map(); // the names in the picture's label slots
  const names = nameTable(graph, pictured);
  return { graph, nodes, operands, boxOf, groups, steps, forwardEnd, seed, backwardEnd, sourceLines, rawToPosition, last, names, pictured };
}

export function phaseText(timeline, position) {
  const step = timeline.steps[position];
  if (step.kind === "start") return `start 0 / ${timeline.forwardEnd}`;
  return `${step.kind} ${step.index} / ${step.total}`;
}

// What is known at a position: data and grad per node (null = not yet), and what to highlight.
export function stateAt(timeline, position) {
  const { graph, steps, forwardEnd } = timeline;
  const computed = new Set(graph.nodes.filter((node) => !node.op).map((node) => node.id));
  for (let i = 1; i <= Math.min(position, forwardEnd); i++) {
    for (const id of steps[i].members ?? [steps[i].node]) computed.add(id); // a box's values at once
  }
  const data = new Map();
  const grad = new Map();
  // A grad before this pass's resets: what the last pass left (the first reset's `before`), else
  // the grad this pass's backward starts from (not 0 when the program did not zero it).
  const leftOver = new Map();
  for (const change of graph.resets ?? []) if (!leftOver.has(change.node)) leftOver.set(change.node, change.before);
  for (const node of graph.nodes) {
    data.set(node.id, computed.has(node.id) ? node.data : null);
    grad.set(node.id, computed.has(node.id) ? (leftOver.get(node.id) ?? node.grad_before ?? 0) : null);
  }
  const received = new Map(); // deposits so far per node, to narrate accumulation
  let deposits = [];
  for (let i = forwardEnd + 1; i <= position; i++) {
    const step = steps[i];
    if (step.kind !== "backward") {
      const field = step.change.field === "data" ? data : grad;
      if (field.has(step.node)) field.set(step.node, step.change.after);
      continue;
    }
    deposits = [];
    for (const part of step.parts ?? [step]) {
      if (part.deposits.length === 0) grad.set(part.node, part.set ?? 1); // the seed, or a grad set by hand
      part.deposits.forEach((deposit, k) => {
        const before = grad.get(deposit.to);
        const after = before + deposit.amount;
        grad.set(deposit.to, after);
        const count = (received.get(deposit.to) ?? 0) + 1;
        received.set(deposit.to, count);
        deposits.push({ ...deposit, k, from: part.node, before, after, accumulates: count > 1 });
      });
    }
  }
  return { data, grad, step: steps[position], deposits, computed };
}

const PLAIN_NAME = /^[\p{L}\p{N}_.[\]]+$/u; // a name, a path like n.w[2], or a number

// The name a person reads (names.js): never an internal id.
export function rawName(timeline, id) {
  return nameIn(timeline.names, id);
}

// A name to write before `.grad` or an operator: a label with operators or spaces in parentheses,
// so that `(x1*w1 + x2*w2).grad` cannot be read as `x1*w1 + x2*(w2.grad)`.
export function nameOf(timeline, id) {
  const name = rawName(timeline, id);
  return PLAIN_NAME.test(name) ? name : `(${name})`;
}

function describe(timeline, id) {
  const node = timeline.nodes.get(id);
  const [a, b] = timeline.operands.get(id).map((operand) => nameOf(timeline, operand));
  if (node.op === "+" || node.op === "*") return `${a} ${node.op} ${b}`;
  if (node.op.startsWith("**")) return `${a}${node.op}`;
  return `${node.op === "ReLU" ? "relu" : node.op}(${rawName(timeline, timeline.operands.get(id)[0])})`;
}

function arithmetic(timeline, id) {
  const node = timeline.nodes.get(id);
  const [a, b] = timeline.operands.get(id).map((operand) => f(timeline.nodes.get(operand).data));
  if (node.op === "+" || node.op === "*") return `${a} ${node.op} ${b}`;
  if (node.op.startsWith("**")) return `(${a})${node.op}`;
  return `${node.op === "ReLU" ? "relu" : node.op}(${a})`;
}

// The local derivative of `node` with respect to its operand k, written as in the lecture.
function localDerivative(timeline, id, k) {
  const node = timeline.nodes.get(id);
  const operands = timeline.operands.get(id);
  const out = nameOf(timeline, id);
  const x = nameOf(timeline, operands[k]);
  switch (node.op) {
    case "+":
      return "1";
    case "*":
      return `${nameOf(timeline, operands[1 - k])}.data`;
    case "tanh":
      return `(1 - ${out}.data**2)`;
    case "exp":
      return `${out}.data`;
    case "log":
      return `(1 / ${x}.data)`;
    case "ReLU":
      return `(${out}.data > 0)`;
    case "sigmoid":
      return `${out}.data * (1 - ${out}.data)`;
    default: {
      const power = Number(node.op.slice(2));
      return `${power} * ${x}.data**${power - 1}`;
    }
  }
}

// The narration of a position: a list of lines, each an arithmetic statement.
export function narrate(timeline, position) {
  const state = stateAt(timeline, position);
  const { step } = state;
  if (step.kind === "start") {
    return ["Start: only the leaves have data. Step forward to compute each node from its operands."];
  }
  const name = nameOf(timeline, step.node);
  const node = timeline.nodes.get(step.node);
  if (step.kind === "reset" || step.kind === "update") return [changeLine(timeline, step)];
  if (step.group) return boxLines(timeline, step, state);
  if (step.kind === "forward") {
    // A value named by its own expression is not written twice: `(x**2) = (3.0000)**2 = 9.0000`.
    const subject = nameOf(timeline, step.node);
    if (!node.op) return [`${subject} = ${f(node.data)} (a leaf: its data is given)`];
    const made = describe(timeline, step.node);
    const formula = made === rawName(timeline, step.node) ? "" : `${made} = `;
    return [`${subject} = ${formula}${arithmetic(timeline, step.node)} = ${f(node.data)}`];
  }
  if (step.set !== undefined && step.set !== null) return [`${name}.grad = ${f(step.set)} (set by hand at line ${step.line})`];
  if (step.deposits.length === 0) {
    return [`${name}.grad = 1 (the output's derivative with respect to itself; backward starts here)`];
  }
  return depositLines(timeline, step, state.deposits);
}

const SHOWN_DEPOSITS = 3; // the values outside a box whose grads its backward step names

// A collapsed call in one step: what it returned, or the grads it passed back out of itself.
function boxLines(timeline, step, state) {
  const { label } = timeline.groups.get(step.group);
  const count = step.members.length;
  const values = `${count} value${count === 1 ? "" : "s"}`;
  const node = timeline.nodes.get(step.node);
  const holdsOutput = timeline.groups.get(step.group).output === step.node;
  if (step.kind === "forward") {
    const value = node.op ? `${opName(node.op)}(...)` : nameOf(timeline, step.node);
    const made = holdsOutput ? `${value} = ${f(node.data)}` : values;
    return [`${label}: ${made}`, `${values} made inside this call at once: expand its box to step through them.`];
  }
  const outside = new Map(); // value outside the box -> [sum of its deposits, its grad after]
  for (const deposit of state.deposits) {
    if (timeline.boxOf.get(deposit.to) === step.group) continue;
    const [sum] = outside.get(deposit.to) ?? [0];
    outside.set(deposit.to, [sum + deposit.amount, deposit.after]);
  }
  const seeded = step.parts.some((part) => part.deposits.length === 0);
  const steps = `${step.parts.length} backward step${step.parts.length === 1 ? "" : "s"}`;
  const lines = [
    `${label} passes its grad back: ${steps} inside at once` +
      (outside.size ? `, into ${outside.size} value${outside.size === 1 ? "" : "s"} outside it:` : "."),
  ];
  if (seeded) lines.push(`${nameOf(timeline, step.node)}.grad = 1 first (the output: backward starts here)`);
  const shown = [...outside].slice(0, SHOWN_DEPOSITS).map(([id, [sum, after]]) => `${nameOf(timeline, id)}.grad += ${f(sum)} → ${f(after)}`);
  if (outside.size > SHOWN_DEPOSITS) shown.push(`… and ${outside.size - SHOWN_DEPOSITS} more`);
  if (shown.length) lines.push(shown.join(" · "));
  return lines;
}

function opName(op) {
  return op === "ReLU" ? "relu" : op;
}

// A reset or an update, with the program's own line: `w.grad = 0.0000 (was 0.3105)`.
function changeLine(timeline, step) {
  const { node, change } = step;
  const target = `${nameOf(timeline, node)}.${change.field}`;
  const code = `${(timeline.sourceLines[change.line - 1] ?? "").trim()}  (line ${change.line})`;
  if (step.kind === "reset") return `${target} = ${f(change.after)} (was ${f(change.before)}) · ${code}`;
  return `${target}: ${code}: ${f(change.before)} → ${f(change.after)}`;
}

// The chain-rule arithmetic of a backward step's deposits (all of them, or those into one node).
export function depositLines(timeline, step, deposits) {
  const name = nameOf(timeline, step.node);
  const lines = [];
  for (const deposit of deposits) {
    const to = nameOf(timeline, deposit.to);
    const local = localDerivative(timeline, step.node, deposit.k);
    // A deposit the checks of an own engine found wrong is not the formula's: say what the program did.
    const wrong = (timeline.graph.checks ?? []).some((c) => c.kind === "deposit" && c.node === step.node && c.to === deposit.to);
    lines.push(
      wrong
        ? `${to}.grad changed by ${f(deposit.amount)}: what this program's _backward did, not ${local} * ${name}.grad`
        : `${to}.grad += ${local} * ${name}.grad = ${f(deposit.local)} * ${f(deposit.upstream)} = ${f(deposit.amount)}`,
    );
    if (deposit.accumulates) {
      lines.push(
        `${to}.grad = ${f(deposit.before)} + ${f(deposit.amount)} = ${f(deposit.after)} (a second deposit: ${rawName(timeline, deposit.to)} is used more than once, so its grads add up)`,
      );
    }
  }
  return lines;
}

// What a quiz asks before a backward step is shown: for each node the step deposits into, in
// order, its grad after the step, with the arithmetic that gives it.
export function questionsAt(timeline, position) {
  const { step, deposits } = stateAt(timeline, position);
  if (step.kind !== "backward" || step.group || deposits.length === 0) return []; // no question on a whole call
  const targets = [...new Set(deposits.map((deposit) => deposit.to))];
  return targets.map((id) => {
    const into = deposits.filter((deposit) => deposit.to === id);
    return {
      node: id,
      name: nameOf(timeline, id),
      before: into[0].before,
      answer: into.at(-1).after,
      lines: depositLines(timeline, step, into),
    };
  });
}
