// The title bar (Sandbox badge for the shown workspace), start-up notices, the version line, and
// the note that a newer version was installed while the app ran.
import { call } from "./ipc.js";
import { noticeText } from "./errors.js";
import { t } from "./i18n.js";
import { announce } from "./announcer.js";

/** `asked`: the app_info answer when it was asked for already (start-up asks early). */
export async function showAppInfo(workspace, asked = call("app_info")) {
  const info = await asked;
  document.getElementById("sandbox-badge").hidden = !workspace.sandbox;
  document.getElementById("app-version").textContent = t("app.version", {
    version: info.version,
    workspace: workspace.name,
    address: workspace.apiBaseUrl,
  });
  document.getElementById("notices").replaceChildren(...info.notices.map(noticeLine));
  return info;
}

function noticeLine(notice) {
  const p = document.createElement("p");
  p.className = "notice";
  p.textContent = noticeText(notice);
  return p;
}

/**
 * Each time the window is shown or focused, asks whether a new version was installed under
 * the running app (apt upgrades it in the background); says so once, then stops asking.
 */
export function watchForNewerVersion() {
  let asking = false;
  const ask = async () => {
    if (asking || document.visibilityState !== "visible") return;
    asking = true;
    try {
      const notice = await call("newer_installed");
      if (!notice) return;
      document.removeEventListener("visibilitychange", ask);
      window.removeEventListener("focus", ask);
      document.getElementById("notices").append(noticeLine(notice));
      announce(noticeText(notice));
    } catch {
      // Asked again the next time the window is shown.
    } finally {
      asking = false;
    }
  };
  document.addEventListener("visibilitychange", ask);
  window.addEventListener("focus", ask);
}
