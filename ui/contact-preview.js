// Who the typed contact is, when the workspace can tell: a help, never a blocker.
import { callIn } from "./ipc.js";

const STATUS_WORDS = { open: "conversation open", close: "conversation closed" };
let latest = 0;

export async function previewContact(kind, value) {
  const line = document.getElementById("contact-preview");
  const asked = ++latest;
  if (!value.trim()) {
    line.textContent = "";
    return;
  }
  let preview = null;
  try {
    preview = await callIn("contact_preview", { kind, value });
  } catch {
    preview = null;
  }
  if (asked !== latest) return;
  if (!preview) {
    line.textContent = "";
  } else if (!preview.found) {
    line.textContent = "No contact in Aelyst matches this yet.";
  } else {
    const who = preview.name ?? "This contact";
    const status = STATUS_WORDS[preview.status] ?? "";
    line.textContent = status ? `${who} · ${status}` : who;
  }
}

export function clearPreview() {
  latest++;
  document.getElementById("contact-preview").textContent = "";
}
