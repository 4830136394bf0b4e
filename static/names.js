// Names, never ids: what the page calls a value wherever a person reads it (narration, details, quiz,
// tooltips, checks). Its label, else its variable's name, else its path (n.w[2]), else the source
// text of the expression that made it (`expr`, as the picture shows it), else the same text rebuilt
// from its operation and operands. Two values with one name (`act.tanh()` in every neuron) are told
// apart by their call (`act.tanh() in Neuron 3 · call 2`).

const MAX_NAME = 40; // characters, as the API shortens `expr`
const INTERNAL_ID = /^[ngc]\d+$/; // what the API calls a node or a group: never shown

function shorten(text) {
  return text.length <= MAX_NAME ? text : `${text.slice(0, MAX_NAME - 1)}…`;
}

// A number as Python prints a float literal: 2.0, -3.5.
function literal(x) {
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${x}.0`;
  return String(x);
}

function ownName(node) {
  for (const candidate of [node.label, node.name, node.path, node.expr]) {
    if (candidate && !INTERNAL_ID.test(candidate)) return candidate;
  }
  return null;
}

// The expression rebuilt from its operation and operands (`a*b`, `(x1*w1 + x2*w2).tanh()`, `x**2`), an
// operand without a name of its own rebuilt in turn, two levels deep, then written `…`.
// `graph`: {byId, operands} (id -> node, id -> operand ids).
function rebuilt(node, graph, depth = 0) {
  if (!node.op) return literal(node.data);
  const wrap = (id) => {
    const operand = graph.byId.get(id);
    const name = operand ? (ownName(operand) ?? (depth < 1 ? rebuilt(operand, graph, depth + 1) : "…")) : "…";
    return /^[\p{L}\p{N}_.[\]…]+$/u.test(name) ? name : `(${name})`;
  };
  const [a, b] = (graph.operands.get(node.id) ?? []).map(wrap);
  if (node.op === "+" && b !== undefined) return `${a} + ${b}`;
  if (node.op === "*" && b !== undefined) return `${a}*${b}`;
  if (a === undefined) return node.op;
  if (node.op.startsWith("**")) return `${a}${node.op}`;
  return `${a}.${node.op === "ReLU" ? "relu" : node.op}()`;
}

// id -> the name a person reads, for every node of a graph answer.
export function nameTable(graph) {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const operands = new Map(graph.nodes.map((node) => [node.id, []]));
  for (const edge of graph.edges) operands.get(edge.target)?.push(edge.source);
  const groups = new Map((graph.groups ?? []).map((group) => [group.id, group]));
  const names = new Map();
  for (const node of graph.nodes) {
    names.set(node.id, shorten(ownName(node) ?? rebuilt(node, { byId, operands })));
  }
  // Values named alike but made in different calls: the call tells them apart.
  const count = new Map();
  for (const name of names.values()) count.set(name, (count.get(name) ?? 0) + 1);
  const told = new Map();
  for (const node of graph.nodes) {
    const name = names.get(node.id);
    const call = groups.get(node.group)?.label;
    told.set(node.id, count.get(name) > 1 && call && !node.label ? `${name} in ${call}` : name);
  }
  return told;
}

// The name of an id of `table`, or a readable stand-in: never the id itself.
export function nameIn(table, id) {
  return table.get(id) ?? "a value";
}
