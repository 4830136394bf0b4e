// The editor's error display: the message in words, and the spot marked in a backdrop behind the
// textarea (a textarea cannot colour its own text).

const $ = (id) => document.querySelector(`[data-testid="${id}"]`);

export function showError(error) {
  const where = error.line ? ` (line ${error.line}, column ${error.column})` : "";
  $("error").textContent = `${error.kind ? `${error.kind} error` : "error"}${where}: ${error.message}`;
  $("error").hidden = false;
  markSpot(error.line, error.column);
}

export function clearError() {
  $("error").hidden = true;
  $("error").textContent = "";
  markSpot(null, null);
}

export function markSpot(line, column) {
  const editor = $("source");
  const backdrop = document.getElementById("backdrop");
  backdrop.replaceChildren();
  editor.removeAttribute("aria-invalid");
  if (!line) return;
  editor.setAttribute("aria-invalid", "true");
  const lines = editor.value.split("\n");
  lines.forEach((text, index) => {
    const row = document.createElement("span");
    row.className = index + 1 === line ? "error-line" : "";
    if (index + 1 === line) {
      const at = Math.max(0, Math.min(column - 1, text.length));
      const spot = document.createElement("mark");
      spot.textContent = text.slice(at, at + 1) || " ";
      row.append(text.slice(0, at), spot, text.slice(at + 1));
    } else {
      row.textContent = text;
    }
    backdrop.append(row, "\n");
  });
  syncBackdrop();
  const offset = lines.slice(0, line - 1).reduce((sum, text) => sum + text.length + 1, 0) + Math.max(0, column - 1);
  editor.setSelectionRange(offset, Math.min(offset + 1, editor.value.length));
}

export function syncBackdrop() {
  const backdrop = document.getElementById("backdrop");
  backdrop.scrollTop = $("source").scrollTop;
  backdrop.scrollLeft = $("source").scrollLeft;
}
