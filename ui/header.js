// The title bar: the "Sandbox" badge, and the version and API address in the footer.
import { call } from "./ipc.js";

export async function showAppInfo() {
  const info = await call("app_info");
  document.getElementById("sandbox-badge").hidden = !info.sandbox;
  document.getElementById("app-version").textContent =
    `Version ${info.version} · sending to ${info.apiBaseUrl}`;
  return info;
}
