// Settings: adding a workspace, removing the shown one, and what to do about actions that
// still wait when a change needs them gone.
import { call, callIn } from "./ipc.js";
import { announce } from "./announcer.js";
import { confirmAction } from "./confirm.js";
import { actionsWaiting, fieldToFix, problemText } from "./errors.js";
import { t } from "./i18n.js";
import { shownWorkspace, switchTo } from "./workspace.js";

const $ = (id) => document.getElementById(id);

/**
 * On a refusal because actions still wait, asks whether to cancel them; true when they were
 * cancelled (the caller tries again).
 */
export async function cancelWaitingFirst(problem, { title, yes }) {
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

export function setUpAddWorkspace() {
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

export function setUpRemoveWorkspace() {
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
