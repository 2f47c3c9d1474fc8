// The token step: first run, a token the server refused, or "Replace token" in settings.
import { callIn } from "./ipc.js";
import { announce } from "./announcer.js";
import { fieldToFix, problemText } from "./errors.js";
import { t } from "./i18n.js";
import { shownWorkspace, workspaceCount } from "./workspace.js";

const step = () => document.getElementById("token-step");

export function setUpTokenStep({ onSaved }) {
  const form = document.getElementById("token-form");
  const input = document.getElementById("token-input");
  const error = document.getElementById("token-error");
  const cancel = document.getElementById("token-cancel");

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.hidden = true;
    try {
      // The address the agent sees: Rust refuses the token if the workspace now sends elsewhere.
      await callIn("save_token", { token: input.value, address: shownWorkspace().apiBaseUrl });
      input.value = "";
      hideTokenStep();
      announce(t("token.saved"));
      await onSaved();
    } catch (problem) {
      error.textContent = problemText(problem);
      error.hidden = false;
      // A token to fix: back to it. A keychain problem: the token is fine, and Save is where
      // the agent tries again once the keychain is unlocked.
      if (fieldToFix(problem) === "token") input.focus();
    }
  });
  cancel.addEventListener("click", () => hideTokenStep());
}

/** Shows the step. `reason` explains why (a refused token); `cancellable` when a token exists. */
export function showTokenStep({ reason = "", cancellable = false } = {}) {
  const reasonLine = document.getElementById("token-reason");
  reasonLine.textContent = reason;
  reasonLine.hidden = !reason;
  document.getElementById("token-cancel").hidden = !cancellable;
  document.getElementById("token-error").hidden = true;
  // With several workspaces, the agent must know whose token this is.
  document.getElementById("token-heading").textContent = workspaceCount() > 1
    ? t("token.heading_named", { name: shownWorkspace().name })
    : t("token.heading");
  step().hidden = false;
  document.body.dataset.tokenStep = "true";
  document.getElementById("token-input").focus();
}

export function hideTokenStep() {
  step().hidden = true;
  delete document.body.dataset.tokenStep;
  document.getElementById("identifier-value").focus();
}

export function tokenStepVisible() {
  return !step().hidden;
}
