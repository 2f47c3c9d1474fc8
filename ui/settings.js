// The settings panel: this computer's language, the shown workspace (name, closing rule,
// address), how much history is kept, its token (replace or forget), adding and removing
// workspaces, and help.
import { call, callIn } from "./ipc.js";
import { announce } from "./announcer.js";
import { confirmAction } from "./confirm.js";
import { actionsWaiting, fieldToFix, problemText } from "./errors.js";
import { CHOSEN_LANGUAGE, LANGUAGES, LANGUAGE_NAMES, t } from "./i18n.js";
import { showTokenStep } from "./token-step.js";
import { shownWorkspace, switchTo } from "./workspace.js";
import { showView } from "./views.js";
import { CLOSING_RULE } from "./contract.js";

const $ = (id) => document.getElementById(id);
/** Set before the reload that applies a new language: Settings opens again after it. */
const SHOW_SETTINGS = "aelyst.showSettings";
/** Opens the panel (set up by setUpSettings). */
let openPanel = async () => {};

/**
 * On a refusal because actions still wait, asks whether to cancel them; true when they were
 * cancelled (the caller tries again).
 */
async function cancelWaitingFirst(problem, { title, yes }) {
  const count = actionsWaiting(problem);
  if (!count) return false;
  const cancel = await confirmAction({
    title,
    text: t("confirm.waiting_text", { count }),
    yes,
    no: t("confirm.keep_waiting"),
  });
  if (!cancel) return false;
  await callIn("cancel_waiting");
  return true;
}

/**
 * The language of this computer's window (not per workspace). A change is saved in Rust, then
 * the page starts again in it, with Settings open where the agent left it. `appInfo`: the
 * app_info answer (or its promise), which says the choice and what the computer's own is.
 */
function setUpLanguage(appInfo) {
  const select = $("language-select");
  const error = $("language-error");
  let system = "en";
  const hint = $("language-hint");
  // A short label (a select cannot wrap, and at 200% a long one is cut off); which language
  // the computer has is said beside it.
  const systemOption = document.createElement("option");
  systemOption.value = "";
  systemOption.textContent = t("settings.language_auto");
  select.replaceChildren(
    systemOption,
    ...LANGUAGES.map((code) => {
      const option = document.createElement("option");
      option.value = code;
      // Each name in its own language, so a screen reader says it as a speaker would.
      option.lang = code;
      option.textContent = LANGUAGE_NAMES[code];
      return option;
    }),
  );
  Promise.resolve(appInfo).then((info) => {
    system = LANGUAGES.includes(info.language?.system) ? info.language.system : "en";
    hint.textContent = t("settings.language_system", { name: LANGUAGE_NAMES[system] });
    select.value = LANGUAGES.includes(info.language?.chosen) ? info.language.chosen : "";
  }, () => {});

  select.addEventListener("change", async () => {
    const chosen = select.value;
    error.hidden = true;
    try {
      await call("set_language", { language: chosen || null });
    } catch (problem) {
      error.textContent = problemText(problem);
      error.hidden = false;
      return;
    }
    // The window's own start-up script still says the language it was opened in: this wins.
    sessionStorage.setItem(CHOSEN_LANGUAGE, chosen || system);
    sessionStorage.setItem(SHOW_SETTINGS, "1");
    location.reload();
  });
}

/** After a reload that applied a new language: Settings as the agent left it. */
export async function showSettingsAfterReload() {
  if (!sessionStorage.getItem(SHOW_SETTINGS)) return;
  sessionStorage.removeItem(SHOW_SETTINGS);
  await openPanel();
  $("language-select").focus();
}

export function setUpSettings({ appInfo } = {}) {
  const panel = $("settings");
  const toggle = $("settings-toggle");
  const form = $("settings-form");
  const name = $("workspace-rename");
  const rule = $("closing-rule");
  for (const option of rule.options) option.value = CLOSING_RULE[option.dataset.rule];
  const address = $("api-address");
  const size = $("history-size");
  const error = $("settings-error");
  const tokenState = $("token-state");
  let loaded = null;

  function showError(message) {
    error.textContent = message;
    error.hidden = !message;
  }

  setUpLanguage(appInfo ?? call("app_info"));
  const shortcut = setUpShortcutSetting();

  async function fill() {
    try {
      loaded = await callIn("get_settings");
      name.value = loaded.name;
      // A rule a newer version set: offered (and kept on saving) until the agent picks another.
      const newer = loaded.closingRule === CLOSING_RULE.NEWER;
      $("closing-rule-newer").hidden = !newer;
      $("closing-rule-hint").textContent = t(newer ? "settings.rule_newer_hint" : "settings.rule_hint");
      rule.value = loaded.closingRule;
      address.value = loaded.apiBaseUrl;
      size.value = loaded.historyLimit;
      const me = loaded.me;
      $("me-state").textContent = !me
        ? t("settings.me_unset")
        : me.email
          ? t("settings.me_set_email", { name: me.name, email: me.email })
          : t("settings.me_set", { name: me.name });
      const token = await callIn("token_status");
      tokenState.textContent = token.problem
        ? problemText(token.problem)
        : t(token.saved ? "settings.token_saved" : "settings.token_none");
    } catch (problem) {
      showError(problemText(problem));
    }
  }

  async function open() {
    panel.hidden = false;
    toggle.setAttribute("aria-expanded", "true");
    showError("");
    // The shortcut's line fills beside the rest; the focus does not wait for it.
    shortcut.fill().catch((err) => console.warn("shortcut status:", err));
    await fill();
    panel.scrollIntoView({ block: "start" });
  }
  openPanel = open;

  toggle.addEventListener("click", async () => {
    if (!panel.hidden) {
      panel.hidden = true;
      toggle.setAttribute("aria-expanded", "false");
      return;
    }
    await open();
    $("token-replace").focus();
  });

  $("me-change").addEventListener("click", async () => {
    panel.hidden = true;
    toggle.setAttribute("aria-expanded", "false");
    await showView("mine", { chooseMe: true });
  });

  $("token-replace").addEventListener("click", () => {
    showTokenStep({ cancellable: true });
  });

  $("token-forget").addEventListener("click", async () => {
    const sure = await confirmAction({
      title: t("confirm.forget_title"),
      text: t("confirm.forget_text"),
      yes: t("confirm.forget_yes"),
    });
    if (!sure) return;
    try {
      await callIn("forget_token");
    } catch (problem) {
      // The line under "API token" is where the agent looks; it is not a live region, so the
      // message is also said out loud.
      tokenState.textContent = problemText(problem);
      announce(problemText(problem));
      return;
    }
    announce(t("settings.token_removed"));
    showTokenStep();
    await fill();
  });

  const helpStatus = $("help-status");
  $("open-logs").addEventListener("click", async () => {
    try {
      await call("open_log_folder");
      helpStatus.textContent = "";
    } catch (problem) {
      helpStatus.textContent = problemText(problem);
    }
  });
  $("copy-diagnostics").addEventListener("click", async () => {
    let text;
    try {
      text = await callIn("diagnostics");
    } catch (problem) {
      helpStatus.textContent = problemText(problem);
      return;
    }
    const box = $("diagnostics");
    box.value = text;
    box.hidden = false;
    try {
      await navigator.clipboard.writeText(text);
      helpStatus.textContent = t("settings.copied");
    } catch {
      box.select();
      helpStatus.textContent = t("settings.select_to_copy");
    }
  });

  async function save(confirmAddress = false) {
    const historyLimit = Number.parseInt(size.value, 10);
    return callIn("save_settings", {
      settings: {
        name: name.value,
        apiBaseUrl: address.value,
        closingRule: rule.value,
        historyLimit: Number.isFinite(historyLimit) ? historyLimit : 0,
        confirmAddress,
      },
    });
  }

  // Saves; a new address that would forget the saved token is asked about first (Rust says
  // so once everything else has passed its checks), and actions still waiting for the old
  // address are offered to be cancelled.
  async function saveAsked() {
    let confirmAddress = false;
    for (;;) {
      let saved;
      try {
        saved = await save(confirmAddress);
      } catch (problem) {
        const cancelled = await cancelWaitingFirst(problem, {
          title: t("confirm.waiting_address_title"),
          yes: t("confirm.waiting_address_yes"),
        });
        if (!cancelled) throw problem;
        continue;
      }
      if (!saved.confirmAddress) return saved;
      const sure = await confirmAction({
        title: t("confirm.address_title"),
        text: t("confirm.address_text"),
        yes: t("confirm.address_yes"),
      });
      if (!sure) return null;
      confirmAddress = true;
    }
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError("");
    let saved;
    try {
      saved = await saveAsked();
      if (!saved) return;
    } catch (problem) {
      showError(problemText(problem));
      ({ "api-address": address, "history-size": size, "workspace-name": name })[fieldToFix(problem)]?.focus();
      return;
    }
    const renamed = name.value.trim() !== loaded?.name;
    if (saved.addressChanged || renamed || rule.value !== loaded?.closingRule) {
      // The header, the form's rule and (for a new address) the token step: start afresh.
      location.reload();
      return;
    }
    announce(t("settings.saved"));
    await fill();
  });

  setUpAddWorkspace();
  setUpRemoveWorkspace();
}


/** The global shortcut: shown, switched on or off, changed by pressing the new keys. */
function setUpShortcutSetting() {
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

function setUpAddWorkspace() {
  const open = $("workspace-add");
  const form = $("workspace-add-form");
  const error = $("workspace-add-error");
  const show = (visible) => {
    form.hidden = !visible;
    open.setAttribute("aria-expanded", String(visible));
    error.hidden = true;
    if (visible) $("workspace-name").focus();
  };
  open.addEventListener("click", () => show(form.hidden));
  $("workspace-add-cancel").addEventListener("click", () => {
    show(false);
    open.focus();
  });
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    try {
      const id = await call("add_workspace", {
        name: $("workspace-name").value,
        apiBaseUrl: $("workspace-address").value,
      });
      // Shown at once; with no token yet, the page asks for it.
      await switchTo(id);
    } catch (problem) {
      error.textContent = problemText(problem);
      error.hidden = false;
      ({ "workspace-name": $("workspace-name"), "api-address": $("workspace-address") })[fieldToFix(problem)]?.focus();
    }
  });
}

function setUpRemoveWorkspace() {
  const status = $("workspace-status");
  $("workspace-remove").addEventListener("click", async () => {
    const workspace = shownWorkspace();
    const sure = await confirmAction({
      title: t("confirm.remove_title", { name: workspace.name }),
      text: t("confirm.remove_text"),
      yes: t("confirm.remove_yes"),
    });
    if (!sure) return;
    try {
      try {
        await callIn("remove_workspace");
      } catch (problem) {
        const cancelled = await cancelWaitingFirst(problem, {
          title: t("confirm.waiting_remove_title"),
          yes: t("confirm.waiting_remove_yes"),
        });
        if (!cancelled) throw problem;
        await callIn("remove_workspace");
      }
    } catch (problem) {
      status.textContent = problemText(problem);
      announce(problemText(problem));
      return;
    }
    location.reload();
  });
}
