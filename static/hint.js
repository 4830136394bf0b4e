// The first visit's hint beside the first graph: one short line on what to press, dismissed by its
// button (or by the first step taken), and not shown again in this browser.

const KEY = "backprop-explorer.hint-seen";

function seen() {
  try {
    return localStorage.getItem(KEY) === "1";
  } catch {
    return false; // storage refused (a private window): the hint shows, and goes when dismissed
  }
}

export class FirstVisitHint {
  constructor(element, dismiss) {
    this.element = element;
    this.dismissed = false; // for this page too, when storage is refused
    dismiss.addEventListener("click", () => this.dismiss());
  }

  // A graph is shown: the hint appears on a first visit.
  graphShown() {
    if (!this.dismissed && !seen()) this.element.hidden = false;
  }

  dismiss() {
    if (this.dismissed) return;
    this.dismissed = true;
    this.element.hidden = true;
    try {
      localStorage.setItem(KEY, "1");
    } catch {
      // nothing to remember it in
    }
  }
}
