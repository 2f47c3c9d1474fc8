// The settings panel: the shown workspace (name, closing rule, address), how much history is
// kept, its token (replace or forget), adding and removing workspaces, and help.
import { call, callIn } from "./ipc.js";
import { announce } from "./announcer.js";
import { confirmAction } from "./confirm.js";
import { actionsWaiting, fieldToFix } from "./errors.js";
import { showTokenStep } from "./token-step.js";
import { shownWorkspace, switchTo } from "./workspace.js";
import { plural } from "./words.js";
import { showView } from "./views.js";

const $ = (id) => document.getElementById(id);

/**
 * On a refusal because actions still wait, asks whether to cancel them; true when they were
 * cancelled (the caller tries again).
 */
async function cancelWaitingFirst(problem, { title, yes }) {
  const count = actionsWaiting(problem);
  if (!count) return false;
  const one = count === 1;
  const cancel = await confirmAction({
    title,
    text: `${plural(count, "action")} of this workspace ${one ? "is" : "are"} still waiting to be sent. Keep waiting until ${one ? "it is" : "they are"} sent (they show in the history), or cancel ${one ? "it" : "them"} now?`,
    yes,
    no: "Keep waiting",
  });
  if (!cancel) return false;
  await callIn("cancel_waiting");
  return true;
}

export function setUpSettings() {
  const panel = $("settings");
  const toggle = $("settings-toggle");
  const form = $("settings-form");
  const name = $("workspace-rename");
  const rule = $("closing-rule");
  const address = $("api-address");
  const size = $("history-size");
  const error = $("settings-error");
  const tokenState = $("token-state");
  let loaded = null;

  function showError(message) {
    error.textContent = message;
    error.hidden = !message;
  }

  async function fill() {
    try {
      loaded = await callIn("get_settings");
      name.value = loaded.name;
      rule.value = loaded.closingRule;
      address.value = loaded.apiBaseUrl;
      size.value = loaded.historyLimit;
      $("me-state").textContent = loaded.me
        ? `You are ${loaded.me.name}${loaded.me.email ? ` (${loaded.me.email})` : ""}: "My conversations" shows what is assigned to you.`
        : "Not chosen yet: \"My conversations\" asks once.";
      const token = await callIn("token_status");
      tokenState.textContent = token.problem
        ?? (token.saved ? "A token is saved in this computer's keychain." : "No token is saved yet.");
    } catch (problem) {
      showError(problem.message);
    }
  }

  toggle.addEventListener("click", async () => {
    const opening = panel.hidden;
    panel.hidden = !opening;
    toggle.setAttribute("aria-expanded", String(opening));
    if (opening) {
      showError("");
      await fill();
      panel.scrollIntoView({ block: "start" });
      $("token-replace").focus();
    }
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
      title: "Forget the API token?",
      text: "Nothing can be sent until a new one is saved.",
      yes: "Forget token",
    });
    if (!sure) return;
    try {
      await callIn("forget_token");
    } catch (problem) {
      // The line under "API token" is where the agent looks; it is not a live region, so the
      // message is also said out loud.
      tokenState.textContent = problem.message;
      announce(problem.message);
      return;
    }
    announce("The token was removed from this computer.");
    showTokenStep();
    await fill();
  });

  const helpStatus = $("help-status");
  $("open-logs").addEventListener("click", async () => {
    try {
      await call("open_log_folder");
      helpStatus.textContent = "";
    } catch (problem) {
      helpStatus.textContent = problem.message;
    }
  });
  $("copy-diagnostics").addEventListener("click", async () => {
    let text;
    try {
      text = await callIn("diagnostics");
    } catch (problem) {
      helpStatus.textContent = problem.message;
      return;
    }
    const box = $("diagnostics");
    box.value = text;
    box.hidden = false;
    try {
      await navigator.clipboard.writeText(text);
      helpStatus.textContent = "Copied. Paste it into your message to support.";
    } catch {
      box.select();
      helpStatus.textContent = "Select the text below and copy it into your message to support.";
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
          title: "Actions are waiting for the old address",
          yes: "Cancel them and change",
        });
        if (!cancelled) throw problem;
        continue;
      }
      if (!saved.confirmAddress) return saved;
      const sure = await confirmAction({
        title: "Change this workspace's address?",
        text: "Its token is forgotten, and you will be asked for the token that goes with the new address.",
        yes: "Change address",
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
      showError(problem.message);
      ({ "api-address": address, "history-size": size, "workspace-name": name })[fieldToFix(problem)]?.focus();
      return;
    }
    const renamed = name.value.trim() !== loaded?.name;
    if (saved.addressChanged || renamed || rule.value !== loaded?.closingRule) {
      // The header, the form's rule and (for a new address) the token step: start afresh.
      location.reload();
      return;
    }
    announce("Settings saved.");
    await fill();
  });

  setUpAddWorkspace();
  setUpRemoveWorkspace();
  const shortcut = setUpShortcutSetting();
  toggle.addEventListener("click", () => {
    if (!panel.hidden) shortcut.fill();
  });
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
    onOff.textContent = on ? "On" : "Off";
    onOff.setAttribute("aria-pressed", String(on));
    onOff.setAttribute("aria-label", on ? "Shortcut on: switch it off" : "Shortcut off: switch it on");
    line.textContent = next.problem
      ?? (next.active ? `Press ${next.shortcut} in any app.` : "Switched off. The command aelyst-desk --close-from-clipboard still works.");
  }

  async function set(wanted) {
    try {
      show(await call("set_shortcut", { shortcut: wanted }));
      announce(line.textContent);
    } catch (problem) {
      line.textContent = problem.message;
      announce(problem.message);
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
      $("autostart-state").textContent = autostart.checked
        ? "Aelyst Desk starts when you log in."
        : "";
    } catch (problem) {
      autostart.checked = !autostart.checked;
      $("autostart-state").textContent = problem.message;
    }
  });

  return {
    async fill() {
      show(await call("shortcut_status"));
      try {
        autostart.checked = await call("autostart_status");
      } catch (problem) {
        $("autostart-state").textContent = problem.message;
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
      error.textContent = problem.message;
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
      title: `Remove the workspace “${workspace.name}”?`,
      text: "Its token is forgotten and its history deleted from this computer. Nothing in Aelyst changes.",
      yes: "Remove workspace",
    });
    if (!sure) return;
    try {
      try {
        await callIn("remove_workspace");
      } catch (problem) {
        const cancelled = await cancelWaitingFirst(problem, {
          title: "Actions are still waiting",
          yes: "Cancel them and remove",
        });
        if (!cancelled) throw problem;
        await callIn("remove_workspace");
      }
    } catch (problem) {
      status.textContent = problem.message;
      announce(problem.message);
      return;
    }
    location.reload();
  });
}
