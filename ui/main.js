// Starts each part of the window, then marks it ready (the end-to-end tests wait for that).
import { showAppInfo } from "./header.js";
import { setUpActionForm, checkAction } from "./action-form.js";

setUpActionForm({
  onAccepted: async (input) => {
    const checked = await checkAction(input);
    return `Checked: ${checked.action === "close" ? "close" : "reopen"} the conversation with ${checked.contact}.`;
  },
});

showAppInfo()
  .catch((problem) => {
    document.getElementById("app-version").textContent = problem.message;
  })
  .finally(() => {
    document.body.dataset.ready = "true";
  });
