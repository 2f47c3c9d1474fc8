// The settings panel: this computer's language, the shown workspace (name, closing rule,
// address), how much history is kept, its token (replace or forget), adding and removing
// workspaces, and help.
import { call, callIn } from "./ipc.js";
import { announce } from "./announcer.js";
import { confirmAction } from "./confirm.js";
import { fieldToFix, problemText } from "./errors.js";
import { SHOW_SETTINGS, t } from "./i18n.js";
import { showTokenStep } from "./token-step.js";
import { showView } from "./views.js";
import { CLOSING_RULE } from "./contract.js";
import { setUpLanguage } from "./settings-language.js";
import { setUpShortcutSetting } from "./settings-shortcut.js";
import { setUpCloseAndNext } from "./settings-close-and-next.js";
import { setUpUpdates } from "./settings-updates.js";
import { applyWorkspaceLocks } from "./policy.js";
import { cancelWaitingFirst, setUpAddWorkspace, setUpRemoveWorkspace } from "./settings-workspaces.js";

const $ = (id) => document.getElementById(id);
/** Opens the panel (set up by setUpSettings). */
let openPanel = async () => {};

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

  const info = appInfo ?? call("app_info");
  setUpLanguage(info);
  setUpCloseAndNext(info);
  const updates = setUpUpdates();
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
      applyWorkspaceLocks(loaded.locked, (await info).setByOrganization);
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

  // Settings on its way to the screen: a second press meanwhile waits for it.
  let opening = null;

  function open() {
    opening ??= (async () => {
      showError("");
      // Filled first, then shown: lines that fill in after it shows push what is below them
      // down, under a pointer (or a WebDriver click) already on its way to a button.
      await Promise.all([
        shortcut.fill().catch((err) => console.warn("shortcut status:", err)),
        updates.fill(),
        fill(),
      ]);
      panel.hidden = false;
      toggle.setAttribute("aria-expanded", "true");
      panel.scrollIntoView({ block: "start" });
    })().finally(() => {
      opening = null;
    });
    return opening;
  }
  openPanel = open;

  toggle.addEventListener("click", async () => {
    if (opening) return;
    if (!panel.hidden) {
      panel.hidden = true;
      toggle.setAttribute("aria-expanded", "false");
      return;
    }
    const focused = document.activeElement;
    await open();
    // Unless the agent went elsewhere while it filled.
    if (document.activeElement === focused) $("token-replace").focus();
  });

  $("me-change").addEventListener("click", async () => {
    panel.hidden = true;
    toggle.setAttribute("aria-expanded", "false");
    await showView("my-conversations", { chooseMe: true });
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
