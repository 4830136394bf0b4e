// The program editor (CodeMirror 6, vendored) and its error display: the message in words in the
// `error` element, and the spot underlined in the editor with the message on hover.

import {
  bracketMatching,
  defaultHighlightStyle,
  defaultKeymap,
  drawSelection,
  EditorState,
  EditorView,
  highlightActiveLine,
  highlightActiveLineGutter,
  highlightSpecialChars,
  history,
  historyKeymap,
  indentOnInput,
  indentUnit,
  indentWithTab,
  keymap,
  lineNumbers,
  lintGutter,
  Prec,
  python,
  setDiagnostics,
  setDiagnosticsEffect,
  StateEffect,
  StateField,
  syntaxHighlighting,
} from "./vendor/codemirror-6.43.15.min.js";

const $ = (id) => document.querySelector(`[data-testid="${id}"]`);

const setInvalid = StateEffect.define();

// Whether the text shows an error; any edit clears it, as it clears the underline.
const invalid = StateField.define({
  create: () => false,
  update(value, transaction) {
    for (const effect of transaction.effects) if (effect.is(setInvalid)) return effect.value;
    return transaction.docChanged ? false : value;
  },
  provide: (field) => EditorView.contentAttributes.from(field, (on) => (on ? { "aria-invalid": "true" } : {})),
});

const clearMarksOnEdit = EditorState.transactionExtender.of((transaction) =>
  transaction.docChanged && transaction.startState.field(invalid) ? { effects: setDiagnosticsEffect.of([]) } : null,
);

export class ProgramEditor {
  // `parent` receives the editor; `onRun` is called on Ctrl+Enter or Cmd+Enter.
  constructor(parent, { onRun, label = "program", describedBy = "" }) {
    const run = () => {
      onRun();
      return true;
    };
    this.view = new EditorView({
      parent,
      state: EditorState.create({
        doc: "",
        extensions: [
          Prec.highest(keymap.of([{ key: "Mod-Enter", run }, { key: "Ctrl-Enter", run }, { key: "Meta-Enter", run }])),
          lineNumbers(),
          highlightActiveLineGutter(),
          highlightSpecialChars(),
          history(),
          drawSelection(),
          indentOnInput(),
          bracketMatching(),
          highlightActiveLine(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          python(),
          indentUnit.of("    "),
          EditorState.tabSize.of(4),
          keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
          lintGutter(),
          invalid,
          clearMarksOnEdit,
          // the box's border shows an error too (a class: a :has() rule would restyle the page per step)
          EditorView.updateListener.of((update) => parent.classList.toggle("invalid", update.state.field(invalid))),
          EditorView.contentAttributes.of({
            "data-testid": "source",
            // editable text is in the tab order already; the explicit tabindex tells checkers that
            // the scrolling box of a long program has a focusable part
            tabindex: "0",
            "aria-label": label,
            "aria-describedby": describedBy,
            spellcheck: "false",
            autocapitalize: "off",
            autocorrect: "off",
          }),
        ],
      }),
    });
  }

  getValue() {
    return this.view.state.doc.toString();
  }

  // Replace the whole program (one undo step, so Ctrl+Z brings the last text back).
  setValue(text) {
    if (text === this.getValue()) return;
    this.view.dispatch({ changes: { from: 0, to: this.view.state.doc.length, insert: text }, selection: { anchor: 0 } });
    this.view.scrollDOM.scrollTop = 0;
  }

  focus() {
    this.view.focus();
  }

  // Select a 1-based line and bring it into view (a console line shows where it was printed).
  selectLine(line) {
    const { doc } = this.view.state;
    const row = doc.line(Math.max(1, Math.min(line, doc.lines)));
    this.view.dispatch({
      selection: { anchor: row.from, head: row.to },
      effects: EditorView.scrollIntoView(row.from, { y: "center" }),
    });
    this.view.focus();
  }

  // Underline the program at a 1-based line and column: the word that starts there, or one character.
  markError(line, column, message) {
    const { state } = this.view;
    if (!line) {
      this.view.dispatch(setDiagnostics(state, []), { effects: setInvalid.of(true) });
      return;
    }
    const row = state.doc.line(Math.max(1, Math.min(line, state.doc.lines)));
    const from = Math.min(row.from + Math.max(0, (column ?? 1) - 1), row.to);
    const word = state.wordAt(from);
    const to = word && word.from === from ? word.to : Math.min(from + 1, row.to);
    const diagnostic = { from, to, severity: "error", message };
    this.view.dispatch(setDiagnostics(state, [diagnostic]), {
      effects: [setInvalid.of(true), EditorView.scrollIntoView(from, { y: "center" })],
    });
  }

  clearError() {
    this.view.dispatch(setDiagnostics(this.view.state, []), { effects: setInvalid.of(false) });
  }
}

export function showError(editor, error) {
  const where = error.line ? ` (line ${error.line}, column ${error.column})` : "";
  const kind = error.kind ? `${error.kind} error` : "error";
  $("error").textContent = `${kind}${where}: ${error.message}`;
  $("error").hidden = false;
  editor.markError(error.line, error.column, `${kind}: ${error.message}`);
}

export function clearError(editor) {
  $("error").hidden = true;
  $("error").textContent = "";
  editor.clearError();
}
