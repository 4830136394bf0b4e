// Names, never ids: what the page calls a value wherever a person reads it (narration, details, quiz,
// tooltips, checks). Its label, else its variable's name, else its path (n.w[2]), else the source
// text of the expression that made it (`expr`, as the picture shows it), else the same text rebuilt
// from its operation and operands. Two values with one name (`act.tanh()` in every neuron) are told
// apart by their call (`act.tanh() in Neuron 3 · call 2`).

const MAX_NAME = 40; // characters, as the API shortens `expr`
const LONG_PART = 24; // a part of an expression rebuilt longer than this is named by the expression and its place
const PICTURED_CHARS = 24; // of a name in the picture's label slot (engine/picture/text.py)

function shorten(text, most = MAX_NAME) {
  return text.length <= most ? text : `${text.slice(0, most - 1)}…`;
}

// A number as Python prints a float literal: 2.0, -3.5.
function literal(x) {
  if (Number.isInteger(x) && Math.abs(x) < 1e16) return `${x}.0`;
  return String(x);
}

// A name the program gave: a label, a variable's name, a path.
function ownName(node) {
  return node.label || node.name || node.path || null;
}

// An operand's name as part of an expression: in parentheses unless it is one word.
function operand(name) {
  return /^[\p{L}\p{N}_.[\]…-]+$/u.test(name) ? name : `(${name})`;
}

// The expression rebuilt from its operation and its operands' names: `a*b`, `(x1*w1 + x2*w2).tanh()`.
function rebuilt(node, operandNames) {
  if (!node.op) return literal(node.data);
  const [a, b] = operandNames.map(operand);
  if (node.op === "+" && b !== undefined) return `${a} + ${b}`;
  if (node.op === "*" && b !== undefined) return `${a}*${b}`;
  if (a === undefined) return node.op;
  if (node.op.startsWith("**")) return `${a}${node.op}`;
  return `${a}.${node.op === "ReLU" ? "relu" : node.op}()`;
}

// id -> [the name in a sentence, the name in the picture's label slot] for every node of a graph
// answer. A value is named by what the program gave it, else by `expr`; a part of a longer expression
// (the 3 of `3*x**2`, the first sums of `sum(...)`) shares its `expr` with the value it feeds, so it is
// named by its operation and operands instead.
function names(graph) {
  const byId = new Map(graph.nodes.map((node) => [node.id, node]));
  const operands = new Map(graph.nodes.map((node) => [node.id, []]));
  const feeds = new Map(graph.nodes.map((node) => [node.id, []]));
  for (const edge of graph.edges) {
    operands.get(edge.target)?.push(edge.source);
    feeds.get(edge.source)?.push(edge.target);
  }
  const order = [...new Set([...(graph.forward ?? []), ...graph.nodes.map((node) => node.id)])];
  const named = new Map();
  const parts = new Map(); // the long parts of each expression so far, per call
  const short = new Map(); // a long part's name as the picture's label slot shows it
  for (const id of order) {
    const node = byId.get(id);
    if (!node) continue;
    const own = ownName(node);
    const expr = node.expr || null;
    const part = expr && feeds.get(id).some((next) => byId.get(next)?.expr === expr);
    let made = expr && !part ? expr : rebuilt(node, operands.get(id).map((other) => named.get(other) ?? "…"));
    if (part && node.op && made.length > LONG_PART) {
      // A running sum of `sum(...)`: the expression, and which part of it, reads better than its nesting.
      const key = `${node.group} ${expr}`;
      parts.set(key, (parts.get(key) ?? 0) + 1);
      made = `${shorten(expr, LONG_PART)} (part ${parts.get(key)})`;
      short.set(id, `${shorten(expr, PICTURED_CHARS - 9)} (part ${parts.get(key)})`);
    }
    named.set(id, shorten(own ?? made));
  }
  return [named, short];
}

// id -> the name a person reads. Values named alike but made in different calls are told apart by
// their call (`act.tanh() in Neuron 3 · call 2`); `pictured` gets the bare names, as the picture
// shows them inside the call's frame.
export function nameTable(graph, pictured = null) {
  const [named, short] = names(graph);
  const count = new Map();
  for (const name of named.values()) count.set(name, (count.get(name) ?? 0) + 1);
  const groups = new Map((graph.groups ?? []).map((group) => [group.id, group]));
  const told = new Map();
  for (const node of graph.nodes) {
    const name = named.get(node.id);
    pictured?.set(node.id, short.get(node.id) ?? shorten(name, PICTURED_CHARS));
    const call = groups.get(node.group)?.label;
    told.set(node.id, count.get(name) > 1 && call && !node.label ? `${name} in ${call}` : name);
  }
  return told;
}

// The name of an id of `table`, or a readable stand-in: never the id itself.
export function nameIn(table, id) {
  return table.get(id) ?? "a value";
}
