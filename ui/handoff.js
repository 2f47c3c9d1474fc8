// A contact handed to the app from outside the window (the global shortcut, the command line,
// a link) or pasted with the Paste button: the form shows it with Close chosen and the focus
// in the category, or a plain note when there was no contact. The clipboard is read in Rust.
import { call, channel } from "./ipc.js";
import { showView } from "./views.js";

const $ = (id) => document.getElementById(id);

export function showFill(fill, { focus = true } = {}) {
  if (!fill) return;
  showView("single");
  const note = $("handoff-note");
  const value = $("identifier-value");
  if (fill.type === "note") {
    value.value = "";
    value.dispatchEvent(new Event("input"));
    note.textContent = fill.text;
    note.hidden = false;
    if (focus) value.focus();
    return;
  }
  note.hidden = true;
  const kind = $("identifier-type");
  kind.value = fill.kind;
  kind.dispatchEvent(new Event("change"));
  value.value = fill.value;
  value.dispatchEvent(new Event("input"));
  $("status-close").click();
  if (focus) $("category").focus();
}

/** Listens for handoffs; answers with one that came before the window was ready. */
export async function setUpHandoffs() {
  $("paste-contact").addEventListener("click", async () => {
    showFill(await call("paste_contact"));
  });
  $("identifier-value").addEventListener("input", () => {
    $("handoff-note").hidden = true;
  });
  return call("watch_handoffs", { onEvent: channel((fill) => showFill(fill)) });
}
