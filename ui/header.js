// The title bar (Sandbox badge for the shown workspace), start-up notices and the version line.
import { call } from "./ipc.js";

/** `asked`: the app_info answer when it was asked for already (start-up asks early). */
export async function showAppInfo(workspace, asked = call("app_info")) {
  const info = await asked;
  document.getElementById("sandbox-badge").hidden = !workspace.sandbox;
  document.getElementById("app-version").textContent =
    `Aelyst Desk ${info.version} · ${workspace.name} · sending to ${workspace.apiBaseUrl}`;
  const notices = document.getElementById("notices");
  notices.replaceChildren(
    ...info.notices.map((text) => {
      const p = document.createElement("p");
      p.className = "notice";
      p.textContent = text;
      return p;
    }),
  );
  return info;
}
