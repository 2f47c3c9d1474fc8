// A contact handed to the app from outside the window (the global shortcut, the command line,
// a link) or pasted with the Paste button: the form shows it with Close chosen and the focus
// in the category, or a plain note when there was no contact. The clipboard is read in Rust.
import { adopt, call, firstAnswer, shownWorkspaceId } from "./ipc.js";
import { showView } from "./views.js";
import { handoffNoteText } from "./errors.js";
import { ready, t } from "./i18n.js";
import { shownWorkspace, workspaceCount } from "./workspace.js";
import { FORM_FILL } from "./contract.js";
import { fillContact, showFormNote } from "./action-form.js";

const $ = (id) => document.getElementById(id);
/** An entry to show once the page has started again on its workspace. */
const ENTRY_AFTER_RELOAD = "aelyst-show-entry";

/** Scrolls to an entry of the history and puts the focus on it (its Try again, if any). */
export function showEntry(id) {
  const row = document.querySelector(`#history li.entry[data-entry="${CSS.escape(id)}"]`);
  if (!row) return;
  row.scrollIntoView({ block: "center" });
  row.classList.add("pointed-at");
  // A row without buttons (its news may still be on its way to a page that was hidden) takes
  // the focus itself; when its new version replaces it, the focus moves to that (history.js).
  const target = row.querySelector("button") ?? row;
  if (target === row) row.tabIndex = -1;
  target.focus();
}

/** An entry asked for before the page started again on another workspace. */
export function showEntryAfterReload() {
  const id = sessionStorage.getItem(ENTRY_AFTER_RELOAD);
  sessionStorage.removeItem(ENTRY_AFTER_RELOAD);
  if (id) showEntry(id);
}

// Whether a contact or a note was put in the form (a handoff at launch can arrive on the
// channel before start-up has finished: start-up then leaves the form and the focus to it).
let filled = false;

export function formWasFilled() {
  return filled;
}

export async function showFill(fill, { focus: wanted = true } = {}) {
  if (!fill) return;
  if (fill.type !== FORM_FILL.ENTRY) filled = true;
  // A handoff can come in while the catalog still loads; its note needs the words.
  await ready;
  // While the token is asked for, the token field keeps the focus (a contact handed over at
  // launch can arrive after the token step is shown).
  const focus = wanted && $("token-step").hidden;
  if (fill.type === FORM_FILL.ENTRY) {
    if (fill.workspace === shownWorkspaceId()) {
      showEntry(fill.id);
      return;
    }
    sessionStorage.setItem(ENTRY_AFTER_RELOAD, fill.id);
    await call("show_workspace", { workspace: fill.workspace });
    location.reload();
    return;
  }
  showView("single");
  if (fill.type === FORM_FILL.NOTE) {
    showFormNote(handoffNoteText(fill));
    if (focus) $("identifier-value").focus();
    return;
  }
  // A new contact starts with an empty closing note (fillContact empties it): what was typed
  // for the one before must never go out with this one (Ctrl+Enter would send it). With
  // several workspaces, the note says which one it went to.
  fillContact({
    kind: fill.kind,
    value: fill.value,
    note: workspaceCount() > 1 ? t("handoff.into_workspace", { name: shownWorkspace().name }) : "",
  });
  if (focus) $("category").focus();
  // The contact is in the form and the cursor where the agent types next: how long a handoff
  // took is measured to here (scripts/bench-startup.py).
  performance.mark("form-filled");
}

/** Listens for handoffs; answers with one that came before the window was ready. */
export async function setUpHandoffs() {
  $("paste-contact").addEventListener("click", async () => {
    showFill(await call("paste_contact"));
  });
  adopt("handoffs", (fill) => showFill(fill));
  return firstAnswer("handoffs");
}
