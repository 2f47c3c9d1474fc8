// The title bar (Sandbox badge for the shown workspace), start-up notices and the version line.
import { call } from "./ipc.js";

export async function showAppInfo(workspace) {
  const info = await call("app_info");
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
