// The console: what the program printed, each line linked to the line that printed it, then its
// result (as a notebook's Out[] shows it), then the explorer's notes. Always text, never HTML.

function item(className, text) {
  return Object.assign(document.createElement("li"), { className, textContent: text });
}

// Fill `container` from a graph answer; `onLine(line)` shows a source line in the editor.
export function renderConsole(container, { prints = [], result = null, notes = [] }, onLine) {
  const list = document.createElement("ol");
  list.className = "console-lines";
  for (const printed of prints) {
    const row = document.createElement("li");
    row.className = "printed";
    const link = Object.assign(document.createElement("button"), {
      type: "button",
      className: "line-link",
      textContent: `${printed.line}`,
      title: `line ${printed.line} of the program`,
    });
    link.setAttribute("aria-label", `line ${printed.line}`);
    link.addEventListener("click", () => onLine(printed.line));
    const output = Object.assign(document.createElement("span"), { className: "printed-text", textContent: printed.text });
    row.append(link, output);
    list.append(row);
  }
  if (result !== null) list.append(item("result", `Out: ${result}`));
  for (const note of notes) list.append(item("console-note", note.line ? `line ${note.line}: ${note.message}` : note.message));
  const heading = Object.assign(document.createElement("h2"), { textContent: "Console" });
  container.replaceChildren(heading, list);
  container.hidden = list.children.length === 0;
}
