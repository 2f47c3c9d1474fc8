// What IT's policies lock or turn off (README, Set up by IT), as Rust says (`POLICY_SETTING`):
// a feature turned off is not offered at all (no dead buttons), and a locked setting stays on
// screen, cannot be changed, and says "Set by your organization". Rust refuses the change
// too, whatever the window sends.
import { POLICY_SETTING } from "./contract.js";
import { t } from "./i18n.js";

/** Features turned off: what is not shown. */
const NOT_OFFERED = {
  [POLICY_SETTING.BULK]: ["view-bulk"],
  [POLICY_SETTING.CSV_IMPORT]: ["bulk-open-csv"],
  [POLICY_SETTING.EXPORT]: ["export-history"],
  [POLICY_SETTING.ADD_WORKSPACE]: ["workspace-add"],
};

/** Settings locked: the controls that change them. */
const CONTROLS = {
  [POLICY_SETTING.LANGUAGE]: ["language-select"],
  [POLICY_SETTING.GLOBAL_SHORTCUT]: ["shortcut-toggle", "shortcut-record"],
  [POLICY_SETTING.START_WITH_COMPUTER]: ["autostart"],
  [POLICY_SETTING.HISTORY_LIMIT]: ["history-size"],
  [POLICY_SETTING.API_ADDRESS]: ["api-address"],
  [POLICY_SETTING.WORKSPACE]: ["workspace-rename", "closing-rule", "workspace-remove"],
};

/** `refused`: app_info's `setByOrganization` list, for the whole app. */
export function applyPolicy(refused) {
  for (const setting of refused) {
    for (const id of NOT_OFFERED[setting] ?? []) document.getElementById(id).hidden = true;
    (CONTROLS[setting] ?? []).forEach((id, index) => lock(id, true, index === 0));
  }
}

/** One workspace's locks (its settings' `locked`), set again each time Settings shows it. */
export function applyWorkspaceLocks(locked, appWide) {
  for (const setting of [POLICY_SETTING.WORKSPACE, POLICY_SETTING.API_ADDRESS]) {
    const on = locked.includes(setting) || appWide.includes(setting);
    CONTROLS[setting].forEach((id, index) => lock(id, on, index === 0));
  }
}

/** Locks or frees one control; the first control of a setting carries the one note. */
function lock(id, on, withNote) {
  const control = document.getElementById(id);
  control.disabled = on;
  if (!withNote) return;
  const noteId = `${id}-set-by-organization`;
  let note = document.getElementById(noteId);
  if (on && !note) {
    note = document.createElement("p");
    note.id = noteId;
    note.className = "hint set-by-organization";
    note.textContent = t("settings.set_by_organization");
    control.closest(".field, .check-row, .actions, .shortcut-row, label")?.after(note) ?? control.after(note);
    const described = control.getAttribute("aria-describedby");
    control.setAttribute("aria-describedby", described ? `${described} ${noteId}` : noteId);
  }
  if (note) note.hidden = !on;
}
