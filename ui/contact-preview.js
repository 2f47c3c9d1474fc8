// Who the typed contact is, when the workspace can tell: a help, never a blocker.
import { callIn } from "./ipc.js";
import { t } from "./i18n.js";

const STATUS_KEYS = { open: "form.preview_open", close: "form.preview_closed" };
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
    line.textContent = t("form.preview_none");
  } else {
    const who = preview.name ?? t("form.preview_unnamed");
    const status = Object.hasOwn(STATUS_KEYS, preview.status) ? t(STATUS_KEYS[preview.status]) : "";
    line.textContent = status ? t("form.preview_line", { who, status }) : who;
  }
}

export function clearPreview() {
  latest++;
  document.getElementById("contact-preview").textContent = "";
}
