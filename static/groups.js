// Groups: the calls of a program's functions, each drawn as a cluster around its values or
// collapsed into one box. Pure helpers for the timeline (which box hides a value, one step per
// box), the page's set of collapsed groups, and the boxes and cluster titles as buttons.

// The value a box stands for: its call's output when the box holds it, else its last value made.
function representative(boxOf, groups, box, members) {
  const output = groups.get(box)?.output;
  return output && boxOf.get(output) === box ? output : members.at(-1);
}

// The values of each box, in the order of `ids`.
function membersOf(ids, boxOf) {
  const members = new Map();
  for (const id of ids) {
    const box = boxOf.get(id);
    if (!box) continue;
    if (!members.has(box)) members.set(box, []);
    members.get(box).push(id);
  }
  return members;
}

// One forward step per value, but one per collapsed box, at the place of its last value.
export function mergeForward(graph, boxOf, groups) {
  const members = membersOf(graph.forward, boxOf);
  const place = new Map(graph.forward.map((id, i) => [id, i + 1]));
  const steps = [];
  graph.forward.forEach((id, i) => {
    const box = boxOf.get(id);
    if (!box) steps.push({ kind: "forward", node: id, raw: i + 1 });
    else if (members.get(box).at(-1) === id) {
      const ids = members.get(box);
      const raws = ids.map((member) => place.get(member));
      steps.push({ kind: "forward", node: representative(boxOf, groups, box, ids), group: box, members: ids, raw: i + 1, raws });
    }
  });
  return steps;
}

// One backward step per operation, but one per collapsed box, at the place of its first step, with
// the deposits of all its steps.
export function mergeBackward(graph, boxOf, groups, start) {
  const parts = new Map();
  graph.backward.forEach((step, j) => {
    const box = boxOf.get(step.node);
    if (!box) return;
    if (!parts.has(box)) parts.set(box, []);
    parts.get(box).push({ ...step, raw: start + j });
  });
  const members = membersOf(graph.nodes.map((node) => node.id), boxOf);
  const steps = [];
  graph.backward.forEach((step, j) => {
    const box = boxOf.get(step.node);
    if (!box) steps.push({ kind: "backward", node: step.node, deposits: step.deposits, set: step.set, line: step.line, raw: start + j });
    else if (parts.get(box)[0].raw === start + j) {
      const inside = parts.get(box);
      const ids = members.get(box);
      const deposits = inside.flatMap((part) => part.deposits);
      const node = representative(boxOf, groups, box, ids);
      const raws = inside.map((part) => part.raw);
      steps.push({ kind: "backward", node, group: box, members: ids, parts: inside, deposits, raw: raws.at(-1), raws });
    }
  });
  return steps;
}

// For each value drawn inside a collapsed box, the box: its outermost collapsed group.
export function hiddenIn(graph, collapsed) {
  const shut = new Set(collapsed);
  const parent = new Map((graph.groups ?? []).map((group) => [group.id, group.parent]));
  const boxOf = new Map();
  if (shut.size === 0) return boxOf;
  for (const node of graph.nodes) {
    let box = null;
    for (let group = node.group; group; group = parent.get(group)) if (shut.has(group)) box = group;
    if (box) boxOf.set(node.id, box);
  }
  return boxOf;
}

// The collapsed boxes of `elements` (group id -> element) marked for a timeline state: pending
// while a value inside is not computed, current on its own step and on a reset or update inside.
export function markBoxes(elements, state, boxOf) {
  const { step } = state;
  const current = step.group ?? boxOf.get(step.node);
  const pending = new Set();
  for (const [id, box] of boxOf) if (!state.computed.has(id)) pending.add(box);
  for (const [id, element] of elements) {
    if (!element?.classList.contains("node")) continue;
    element.classList.toggle("pending", pending.has(id));
    element.classList.toggle("current", current === id);
    element.classList.toggle("backward", current === id && step.kind === "backward");
  }
}

// Group elements renamed for another pass: `toOld` maps each new group id to the old one.
export function renameGroups(elements, toOld) {
  const renamed = new Map();
  for (const [id, old] of toOld) {
    const element = elements.get(old);
    if (element) {
      element.id = `group-${id}`;
      for (const target of [element, ...element.querySelectorAll("[data-group]")]) {
        if (target.dataset.group) target.dataset.group = id;
      }
    }
    renamed.set(id, element);
  }
  return renamed;
}

// A collapsed box's step shows what it passes out of itself: per value outside it, the sum of its
// deposits, on the first drawn edge from that value into the box.
export function shownDeposits(state, boxOf, drawn) {
  const box = state.step.group;
  if (!box) return state.deposits;
  const sums = new Map(); // value outside -> {amount, carrier: the deposit whose edge is drawn}
  for (const deposit of state.deposits) {
    if (boxOf.get(deposit.to) === box) continue;
    const sum = sums.get(deposit.to) ?? { amount: 0, carrier: null };
    sum.amount += deposit.amount;
    if (!sum.carrier && drawn(deposit)) sum.carrier = deposit;
    sums.set(deposit.to, sum);
  }
  return [...sums.values()].filter((sum) => sum.carrier).map((sum) => ({ ...sum.carrier, amount: sum.amount }));
}

// For passes of one structure, each group of `graph` and the group at its place in `before`; null
// when their groups or collapsed views differ.
export function sameGroups(before, graph) {
  const [old, now] = [before.groups ?? [], graph.groups ?? []];
  if (old.length !== now.length || now.some((group, i) => group.label !== old[i].label)) return null;
  const toOld = new Map(now.map((group, i) => [group.id, old[i].id]));
  const collapsed = (graph.collapsed ?? []).map((id) => toOld.get(id));
  if (collapsed.join() !== (before.collapsed ?? []).join()) return null;
  return toOld;
}

// Whether a group of `groups` (by id) lies inside one of `shut`.
function insideShut(group, byId, shut) {
  for (let parent = byId.get(group)?.parent; parent; parent = byId.get(parent)?.parent) if (shut.has(parent)) return true;
  return false;
}

// What the server draws collapsed for the set `ids`: its outermost groups.
export function outermost(groups, ids) {
  const byId = new Map(groups.map((group) => [group.id, group]));
  const shut = new Set(ids);
  return groups.filter((group) => shut.has(group.id) && !insideShut(group.id, byId, shut)).map((group) => group.id);
}

// The page's collapsed groups: the API's default ("auto") until the student changes something, then
// a set of ids that keeps those hidden inside a collapsed group, so that expanding it again restores them.
export class GroupState {
  constructor() {
    this.forget();
  }

  forget() {
    this.auto = true;
    this.ids = new Set();
    this.groups = [];
  }

  // As a request's `collapse`.
  request() {
    return this.auto ? "auto" : [...this.ids];
  }

  // A graph shown: its groups, and the API's choice while it chooses.
  shown(graph) {
    this.groups = graph.groups ?? [];
    if (this.auto) this.ids = new Set(graph.collapsed ?? []);
  }

  choose(ids) {
    this.auto = false;
    this.ids = new Set(ids);
  }

  toggle(id) {
    const ids = new Set(this.ids);
    if (ids.has(id)) ids.delete(id);
    else ids.add(id);
    this.choose(ids);
  }

  collapseAll() {
    this.choose(this.groups.map((group) => group.id));
  }

  // The same groups in another pass of a training loop, by their place in `groups`; null when
  // that pass's calls differ (then the API chooses again).
  translate(groups) {
    if (groups.length !== this.groups.length || groups.some((group, i) => group.label !== this.groups[i].label)) return null;
    const place = new Map(this.groups.map((group, i) => [group.id, i]));
    return [...this.ids].filter((id) => place.has(id)).map((id) => groups[place.get(id)].id);
  }
}

// Boxes and cluster titles as buttons: a box expands, a title collapses its cluster.
export function decorateGroups(svg, groups) {
  for (const group of groups) {
    const element = svg.getElementById(`group-${group.id}`);
    if (!element) continue;
    const box = element.classList.contains("node");
    const target = box ? element : element.querySelector(":scope > text");
    if (!target) continue;
    element.querySelector(":scope > title")?.remove(); // Graphviz's own name, shown as a tooltip
    target.classList.add(box ? "group-box" : "group-title");
    target.setAttribute("tabindex", "0");
    target.setAttribute("role", "button");
    target.setAttribute("aria-label", `${box ? "Expand" : "Collapse"} ${group.label}`);
    target.dataset.group = group.id;
  }
}

// Clicks and Enter or Space on a box or a cluster title call `onToggle(group id)`.
export function listenForToggles(container, onToggle, dragged = () => false) {
  const targetOf = (event) => event.target.closest?.(".group-box, .group-title");
  container.addEventListener("click", (event) => {
    const target = targetOf(event);
    if (target && !dragged()) onToggle(target.dataset.group);
  });
  container.addEventListener("keydown", (event) => {
    const target = targetOf(event);
    if (!target || (event.key !== "Enter" && event.key !== " ")) return;
    event.preventDefault();
    event.stopPropagation(); // Space here is no play
    onToggle(target.dataset.group);
  });
}
