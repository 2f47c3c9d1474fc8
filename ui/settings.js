// The settings panel: the token (replace or forget), the API address and the history size.
import { call } from "./ipc.js";
import { announce } from "./announcer.js";
import { confirmAction } from "./confirm.js";
import { fieldToFix } from "./errors.js";
import { showTokenStep } from "./token-step.js";

export function setUpSettings({ onChanged }) {
  const panel = document.getElementById("settings");
  const toggle = document.getElementById("settings-toggle");
  const form = document.getElementById("settings-form");
  const address = document.getElementById("api-address");
  const size = document.getElementById("history-size");
  const error = document.getElementById("settings-error");
  const tokenState = document.getElementById("token-state");

  function showError(message) {
    error.textContent = message;
    error.hidden = !message;
  }

  async function fill() {
    try {
      const settings = await call("get_settings");
      address.value = settings.apiBaseUrl;
      size.value = settings.historyLimit;
      const token = await call("token_status");
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
      document.getElementById("token-replace").focus();
    }
  });

  document.getElementById("token-replace").addEventListener("click", () => {
    showTokenStep({ cancellable: true });
  });

  document.getElementById("token-forget").addEventListener("click", async () => {
    const sure = await confirmAction({
      title: "Forget the API token?",
      text: "Nothing can be sent until a new one is saved.",
      yes: "Forget token",
    });
    if (!sure) return;
    try {
      await call("forget_token");
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

  const helpStatus = document.getElementById("help-status");
  document.getElementById("open-logs").addEventListener("click", async () => {
    try {
      await call("open_log_folder");
      helpStatus.textContent = "";
    } catch (problem) {
      helpStatus.textContent = problem.message;
    }
  });
  document.getElementById("copy-diagnostics").addEventListener("click", async () => {
    let text;
    try {
      text = await call("diagnostics");
    } catch (problem) {
      helpStatus.textContent = problem.message;
      return;
    }
    const box = document.getElementById("diagnostics");
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

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError("");
    const historyLimit = Number.parseInt(size.value, 10);
    try {
      await call("save_settings", {
        settings: { apiBaseUrl: address.value, historyLimit: Number.isFinite(historyLimit) ? historyLimit : 0 },
      });
      announce("Settings saved.");
      await onChanged();
    } catch (problem) {
      showError(problem.message);
      ({ "api-address": address, "history-size": size })[fieldToFix(problem)]?.focus();
    }
  });
}
