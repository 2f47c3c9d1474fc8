// Settings: the global shortcut that brings the window up with the clipboard's contact.
import { call } from "./ipc.js";
import { announce } from "./announcer.js";
import { problemText } from "./errors.js";
import { t } from "./i18n.js";

const $ = (id) => document.getElementById(id);

/** The global shortcut: shown, switched on or off, changed by pressing the new keys. */
export function setUpShortcutSetting() {
  const value = $("shortcut-value");
  const onOff = $("shortcut-toggle");
  const record = $("shortcut-record");
  const capture = $("shortcut-capture");
  const line = $("shortcut-state");
  let status = null;

  function show(next) {
    status = next;
    value.textContent = next.shortcut ?? "";
    const on = next.shortcut !== null;
    onOff.textContent = t(on ? "settings.shortcut_on" : "settings.shortcut_off");
    onOff.setAttribute("aria-pressed", String(on));
    onOff.setAttribute("aria-label", t(on ? "settings.shortcut_on_label" : "settings.shortcut_off_label"));
    line.textContent = next.problem
      ? problemText(next.problem)
      : next.active ? t("settings.shortcut_active", { shortcut: next.shortcut }) : t("settings.shortcut_switched_off");
  }

  async function set(wanted) {
    try {
      show(await call("set_shortcut", { shortcut: wanted }));
      announce(line.textContent);
    } catch (problem) {
      line.textContent = problemText(problem);
      announce(problemText(problem));
    }
  }

  onOff.addEventListener("click", () => set(status?.shortcut !== null ? null : status?.standard));

  // The keys as the shortcut plugin reads them: modifiers, then the key by its position
  // (`KeyK` → `K`), so the layout the agent types in does not matter.
  function combination(event) {
    const key = event.code.replace(/^Key/, "").replace(/^Digit/, "");
    if (["Control", "Shift", "Alt", "Meta", "OS"].some((m) => event.code.startsWith(m))) return null;
    const parts = [];
    if (event.ctrlKey) parts.push("Ctrl");
    if (event.shiftKey) parts.push("Shift");
    if (event.altKey) parts.push("Alt");
    if (event.metaKey) parts.push("Super");
    return parts.length ? [...parts, key].join("+") : null;
  }

  function listen(event) {
    event.preventDefault();
    event.stopPropagation();
    if (event.key === "Escape") return stop();
    const wanted = combination(event);
    if (!wanted) return undefined;
    stop();
    return set(wanted);
  }

  function stop() {
    capture.hidden = true;
    record.setAttribute("aria-pressed", "false");
    document.removeEventListener("keydown", listen, true);
    record.focus();
  }

  record.addEventListener("click", () => {
    capture.hidden = false;
    record.setAttribute("aria-pressed", "true");
    document.addEventListener("keydown", listen, true);
  });

  const autostart = $("autostart");
  autostart.addEventListener("change", async () => {
    try {
      autostart.checked = await call("set_autostart", { enabled: autostart.checked });
      $("autostart-state").textContent = autostart.checked ? t("settings.autostart_on") : "";
    } catch (problem) {
      autostart.checked = !autostart.checked;
      $("autostart-state").textContent = problemText(problem);
    }
  });

  return {
    async fill() {
      show(await call("shortcut_status"));
      try {
        autostart.checked = await call("autostart_status");
      } catch (problem) {
        $("autostart-state").textContent = problemText(problem);
      }
    },
  };
}
