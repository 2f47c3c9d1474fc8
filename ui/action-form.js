// The open/close form. Rust checks every field with the same rules it sends with; this module
// only reflects the answer on screen.
import { callIn } from "./ipc.js";
import { previewContact, clearPreview } from "./contact-preview.js";
import { fieldToFix, problemText } from "./errors.js";
import { setUpActionToggle } from "./action-toggle.js";
import { t } from "./i18n.js";
import { ACTION, IDENTIFIER_KIND, LIMITS } from "./contract.js";
import { KEY, pressed } from "./keyboard.js";

const KINDS = {
  [IDENTIFIER_KIND.PHONE]: { label: "form.value_phone", hint: "form.hint_phone", inputMode: "tel" },
  [IDENTIFIER_KIND.EMAIL]: { label: "form.value_email", hint: "form.hint_email", inputMode: "email" },
  [IDENTIFIER_KIND.ID]: { label: "form.value_id", hint: "form.hint_id", inputMode: "numeric" },
};
const SUBMIT_KEYS = { [ACTION.CLOSE]: "form.submit_close", [ACTION.OPEN]: "form.submit_open" };
const PREVIEW_DELAY_MS = 400;

// The form set up by setUpActionForm, for the modules that put a contact in it.
let form = null;
// Who wants to know when the form has sent an action (and made itself ready for the next).
const sentListeners = [];

/** Calls `listener(entry)` after each action the form sends, once the form is ready again. */
export function onFormSent(listener) {
  sentListeners.push(listener);
}

/**
 * Puts a contact in the form, Close chosen, as a handoff or a picked row does: `note` is said
 * above the form (or nothing), and `clearNote` empties the category and summary first (what
 * was typed for another contact must never go out with this one). The preview follows.
 */
export function fillContact({ kind, value, note = "", clearNote = true }) {
  form?.fillContact({ kind, value, note, clearNote });
}

/** Empties the contact and says `note` above the form: a handoff that brought no contact. */
export function showFormNote(note) {
  form?.showNote(note);
}

export function setUpActionForm({ onSubmitted }) {
  const element = document.getElementById("action-form");
  const note = document.getElementById("handoff-note");
  const kind = document.getElementById("identifier-type");
  const value = document.getElementById("identifier-value");
  const valueLabel = document.getElementById("identifier-value-label");
  const hint = document.getElementById("identifier-hint");
  const close = document.getElementById("status-close");
  const open = document.getElementById("status-open");
  const category = document.getElementById("category");
  const summary = document.getElementById("summary");
  const counter = document.getElementById("summary-count");
  const error = document.getElementById("form-error");
  const submit = document.getElementById("submit");
  let previewTimer = 0;

  function showKind() {
    const info = KINDS[kind.value];
    valueLabel.textContent = t(info.label);
    hint.textContent = t(info.hint);
    value.inputMode = info.inputMode;
  }

  const toggle = setUpActionToggle({
    close,
    open,
    noteFields: document.getElementById("note-fields"),
    onChange: (action) => {
      submit.textContent = t(SUBMIT_KEYS[action]);
    },
  });

  function showNoteState() {
    summary.disabled = category.value.trim() === "";
    // UTF-16 units, as Rust, the API and `maxlength` count them (an emoji counts 2).
    counter.textContent = t("form.summary_count", { count: summary.value.length, max: LIMITS.SUMMARY_MAX });
  }

  function showError(message) {
    error.textContent = message;
    error.hidden = !message;
  }

  function schedulePreview() {
    clearTimeout(previewTimer);
    previewTimer = setTimeout(() => previewContact(kind.value, value.value), PREVIEW_DELAY_MS);
  }

  function showNote(text) {
    note.textContent = text;
    note.hidden = !text;
  }

  // A pasted "phone:…", "email:…" or "id:…" picks its own kind. What the agent types makes a
  // handoff's note above the form old news.
  value.addEventListener("input", () => {
    showNote("");
    const match = /^\s*(phone|email|id)\s*:\s*(.*)$/is.exec(value.value);
    if (match) {
      kind.value = match[1].toLowerCase();
      value.value = match[2].trim();
      showKind();
    }
    showError("");
    schedulePreview();
  });
  kind.addEventListener("change", () => {
    showKind();
    schedulePreview();
  });
  category.addEventListener("input", showNoteState);
  summary.addEventListener("input", showNoteState);

  // Only Ctrl+Enter and the button send. A plain Enter in a field (meant for another app, or
  // for picking a category suggestion, landing here right after a handoff raised the window)
  // would make the browser submit the form by itself: that submission is let through to the
  // field (a suggestion is still picked) but sends nothing.
  let plainEnter = false;
  element.addEventListener("keydown", (event) => {
    if (event.key !== "Enter") return;
    if (pressed(KEY.SEND, event)) {
      event.preventDefault();
      element.requestSubmit();
      return;
    }
    const field = event.target.localName;
    const isButton = ["submit", "button", "reset"].includes(event.target.type);
    if ((field === "input" && !isButton) || field === "select") {
      plainEnter = true;
      setTimeout(() => {
        plainEnter = false;
      });
    }
  });

  element.addEventListener("submit", async (event) => {
    event.preventDefault();
    if (plainEnter) return;
    showError("");
    const action = toggle.current();
    const input = {
      identifierKind: kind.value,
      identifierValue: value.value,
      action,
      category: action === ACTION.CLOSE ? category.value : "",
      summary: action === ACTION.CLOSE && !summary.disabled ? summary.value : "",
    };
    submit.disabled = true;
    try {
      const entry = await callIn("submit_action", { input });
      onSubmitted(entry);
      value.value = "";
      summary.value = "";
      clearPreview();
      showNoteState();
      value.focus();
      for (const listener of sentListeners) listener(entry);
    } catch (problem) {
      showError(problemText(problem));
      focusFieldToFix(problem);
    } finally {
      submit.disabled = false;
    }
  });

  // Focus goes where the agent has something to fix; the contact otherwise (a refused send is
  // usually followed by another try, and the summary is off without a category).
  function focusFieldToFix(problem) {
    const field = { identifier: value, category, summary }[fieldToFix(problem)];
    const usable = field && !field.disabled && !field.closest("[hidden]");
    (usable ? field : value).focus();
  }

  function clear() {
    value.value = "";
    category.value = "";
    summary.value = "";
    showError("");
    clearPreview();
    showNoteState();
    value.focus();
  }

  showKind();
  showNoteState();
  form = {
    fillContact({ kind: given, value: contact, note: said, clearNote }) {
      if (clearNote) {
        category.value = "";
        summary.value = "";
        showNoteState();
      }
      kind.value = given;
      showKind();
      value.value = contact;
      showError("");
      schedulePreview();
      toggle.choose(ACTION.CLOSE);
      showNote(said);
    },
    showNote(said) {
      value.value = "";
      showError("");
      clearPreview();
      showNote(said);
    },
  };
  return {
    clearForm: clear,
    chooseAction: (next) => {
      toggle.choose(next);
      (next === ACTION.OPEN ? open : close).focus();
    },
  };
}
