// Every key the window answers, in one list: the shortcut sheet is drawn from it, and the
// handlers (here, in action-form.js and in my-conversations.js) ask it whether a key press is
// theirs, so a key cannot work without being on the sheet.
import { ACTION } from "./contract.js";
import { t } from "./i18n.js";
import { call } from "./ipc.js";

const plain = (event) => !event.ctrlKey && !event.altKey && !event.metaKey;
const inList = (event) => event.target.closest?.("#my-conversations-list") != null;

function typingInText(target) {
  return target instanceof HTMLTextAreaElement
    || (target instanceof HTMLInputElement && !["button", "checkbox", "radio"].includes(target.type));
}

/** The keys, by what they do: `keys` and `says` for the sheet, `match` for the handlers. */
export const KEY = Object.freeze({
  SEND: {
    keys: () => [[t("shortcuts.key_ctrl"), t("shortcuts.key_enter")]],
    says: () => t("shortcuts.send"),
    match: (e) => e.key === "Enter" && (e.ctrlKey || e.metaKey),
  },
  CLEAR: {
    keys: () => [[t("shortcuts.key_esc")]],
    says: () => t("shortcuts.clear"),
    match: (e) => e.key === "Escape" && plain(e) && e.target.closest?.("#action-form") != null,
  },
  CHOOSE_CLOSE: {
    keys: () => [[t("shortcuts.key_alt"), "C"]],
    says: () => t("shortcuts.choose_close"),
    match: (e) => e.altKey && !e.ctrlKey && !e.metaKey && e.key.toLowerCase() === "c",
  },
  CHOOSE_OPEN: {
    keys: () => [[t("shortcuts.key_alt"), "O"]],
    says: () => t("shortcuts.choose_open"),
    match: (e) => e.altKey && !e.ctrlKey && !e.metaKey && e.key.toLowerCase() === "o",
  },
  NEXT_ROW: {
    keys: () => [[t("shortcuts.key_down")], [t("shortcuts.key_up")]],
    says: () => t("shortcuts.rows"),
    match: (e) => plain(e) && !e.shiftKey && (e.key === "ArrowDown" || e.key === "ArrowUp") && inList(e),
  },
  END_ROW: {
    keys: () => [[t("shortcuts.key_home")], [t("shortcuts.key_end")]],
    says: () => t("shortcuts.rows_ends"),
    match: (e) => plain(e) && !e.shiftKey && (e.key === "Home" || e.key === "End") && inList(e),
  },
  // The row's own button and tick box answer Enter and Space: listed, not handled here.
  PICK_ROW: {
    keys: () => [[t("shortcuts.key_enter")]],
    says: () => t("shortcuts.pick_row"),
    match: () => false,
  },
  TICK_ROW: {
    keys: () => [[t("shortcuts.key_space")]],
    says: () => t("shortcuts.tick_row"),
    match: () => false,
  },
  // Tauri's zoom keys (zoomHotkeysEnabled in tauri.conf.json): listed, handled by Tauri.
  ZOOM: {
    keys: () => [[t("shortcuts.key_ctrl"), "="], [t("shortcuts.key_ctrl"), "-"], [t("shortcuts.key_ctrl"), "0"]],
    says: () => t("shortcuts.zoom"),
    match: () => false,
  },
  SHOW: {
    keys: () => [["?"]],
    says: () => t("shortcuts.show"),
    match: (e) => e.key === "?" && !e.ctrlKey && !e.altKey && !typingInText(e.target),
  },
});

/** Whether `event` is the key press `key` (one of KEY's). */
export function pressed(key, event) {
  return key.match(event);
}

/** The sheet's list, drawn each time it is shown (the system-wide shortcut may have changed). */
function drawSheet(list, anywhere) {
  list.replaceChildren();
  const rows = Object.values(KEY).map((key) => [key.keys(), key.says()]);
  // The system-wide shortcut (it can be changed or switched off in Settings).
  if (anywhere) rows.push([[anywhere.split("+")], t("shortcuts.anywhere")]);
  for (const [combinations, says] of rows) {
    const term = document.createElement("dt");
    combinations.forEach((combination, at) => {
      if (at) term.append(" / ");
      combination.forEach((name, index) => {
        if (index) term.append(" + ");
        const kbd = document.createElement("kbd");
        kbd.textContent = name;
        term.append(kbd);
      });
    });
    const meaning = document.createElement("dd");
    meaning.textContent = says;
    list.append(term, meaning);
  }
}

export function setUpShortcuts({ clearForm, chooseAction }) {
  const sheet = document.getElementById("shortcuts");
  const showSheet = async () => {
    if (sheet.open) return;
    // The system-wide shortcut as Rust has it registered now (none when switched off).
    // The system-wide shortcut when it works (or is being registered), not one that failed.
    const anywhere = await call("shortcut_status")
      .then((status) => (status.problem ? "" : status.shortcut ?? ""), () => "");
    drawSheet(document.getElementById("shortcut-list"), anywhere);
    if (!sheet.open) sheet.showModal();
  };
  document.getElementById("shortcuts-open").addEventListener("click", showSheet);

  document.addEventListener("keydown", (event) => {
    if (document.querySelector("dialog[open]")) return;
    if (pressed(KEY.CHOOSE_CLOSE, event) || pressed(KEY.CHOOSE_OPEN, event)) {
      event.preventDefault();
      chooseAction(pressed(KEY.CHOOSE_CLOSE, event) ? ACTION.CLOSE : ACTION.OPEN);
    } else if (pressed(KEY.CLEAR, event)) {
      event.preventDefault();
      clearForm();
    } else if (pressed(KEY.SHOW, event)) {
      event.preventDefault();
      showSheet();
    }
  });
}
