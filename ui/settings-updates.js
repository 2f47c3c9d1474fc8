// Settings: updates. On Linux the system's software updates bring new versions (apt); on
// Windows and macOS the app looks for one when the agent asks, and installs it at their word
// (when nothing waits) or when it next starts. What each answer means is Rust's (contract.js).
import { call } from "./ipc.js";
import { announce } from "./announcer.js";
import { problemText } from "./errors.js";
import { t } from "./i18n.js";
import { UPDATE_STATUS } from "./contract.js";

const $ = (id) => document.getElementById(id);

const WORDS = {
  [UPDATE_STATUS.BY_SYSTEM]: () => t("settings.updates_by_system"),
  [UPDATE_STATUS.NOT_CHECKED]: () => t("settings.updates_not_checked"),
  [UPDATE_STATUS.UP_TO_DATE]: () => t("settings.up_to_date"),
  [UPDATE_STATUS.AVAILABLE]: (status) => t("settings.update_available", { version: status.version }),
};

/** Sets up the buttons; `fill()`, when Settings opens, says where updates come from. */
export function setUpUpdates() {
  const state = $("update-state");
  const check = $("check-updates");
  const install = $("install-update");
  let offered = null;

  const show = (status) => {
    offered = status.kind === UPDATE_STATUS.AVAILABLE ? status.version : null;
    state.textContent = WORDS[status.kind](status);
    check.hidden = status.kind === UPDATE_STATUS.BY_SYSTEM;
    install.hidden = !offered;
  };
  const busy = (on) => {
    check.disabled = on;
    install.disabled = on;
  };

  check.addEventListener("click", async () => {
    busy(true);
    state.textContent = t("settings.checking_updates");
    try {
      const status = await call("check_for_update");
      show(status);
      announce(state.textContent);
    } catch (problem) {
      state.textContent = problemText(problem);
    } finally {
      busy(false);
    }
  });
  install.addEventListener("click", async () => {
    busy(true);
    state.textContent = t("settings.installing_update", { version: offered });
    try {
      // On success the app restarts into the new version; nothing comes back.
      await call("install_update");
    } catch (problem) {
      state.textContent = problemText(problem);
      announce(state.textContent);
    } finally {
      busy(false);
    }
  });
  return {
    async fill() {
      if (offered) return;
      try {
        show(await call("update_status"));
      } catch (problem) {
        state.textContent = problemText(problem);
      }
    },
  };
}
