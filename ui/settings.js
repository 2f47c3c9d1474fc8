// The settings panel: the token (replace or forget), the API address and the history size.
import { call } from "./ipc.js";
import { announce } from "./announcer.js";
import { showTokenStep } from "./token-step.js";

export function setUpSettings({ onChanged }) {
  const panel = document.getElementById("settings");
  const toggle = document.getElementById("settings-toggle");
  const form = document.getElementById("settings-form");
  const address = document.getElementById("api-address");
  const size = document.getElementById("history-size");
  const error = document.getElementById("settings-error");

  async function fill() {
    const settings = await call("get_settings");
    address.value = settings.apiBaseUrl;
    size.value = settings.historyLimit;
    const token = await call("token_status");
    document.getElementById("token-state").textContent = token.problem
      ?? (token.saved ? "A token is saved in this computer's keychain." : "No token is saved yet.");
  }

  toggle.addEventListener("click", async () => {
    const opening = panel.hidden;
    panel.hidden = !opening;
    toggle.setAttribute("aria-expanded", String(opening));
    if (opening) {
      error.hidden = true;
      await fill();
      panel.scrollIntoView({ block: "start" });
      document.getElementById("token-replace").focus();
    }
  });

  document.getElementById("token-replace").addEventListener("click", () => {
    showTokenStep({ cancellable: true });
  });

  document.getElementById("token-forget").addEventListener("click", async () => {
    if (!window.confirm("Forget the API token? Nothing can be sent until a new one is saved.")) return;
    await call("forget_token");
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
    const text = await call("diagnostics");
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
    error.hidden = true;
    const historyLimit = Number.parseInt(size.value, 10);
    try {
      await call("save_settings", {
        settings: { apiBaseUrl: address.value, historyLimit: Number.isFinite(historyLimit) ? historyLimit : 0 },
      });
      announce("Settings saved.");
      await onChanged();
    } catch (problem) {
      error.textContent = problem.message;
      error.hidden = false;
    }
  });
}
