// The title bar (Sandbox badge for the shown workspace), start-up notices and the version line.
import { call } from "./ipc.js";
import { noticeText } from "./errors.js";
import { t } from "./i18n.js";

/** `asked`: the app_info answer when it was asked for already (start-up asks early). */
export async function showAppInfo(workspace, asked = call("app_info")) {
  const info = await asked;
  document.getElementById("sandbox-badge").hidden = !workspace.sandbox;
  document.getElementById("app-version").textContent = t("app.version", {
    version: info.version,
    workspace: workspace.name,
    address: workspace.apiBaseUrl,
  });
  const notices = document.getElementById("notices");
  notices.replaceChildren(
    ...info.notices.map((notice) => {
      const p = document.createElement("p");
      p.className = "notice";
      p.textContent = noticeText(notice);
      return p;
    }),
  );
  return info;
}
