// The workspaces: which one the window shows, the switcher in the header (with two or more),
// and the badge naming the others that have failed actions. Every other module works on the
// shown workspace only (see `callIn` in ipc.js).
import { adopt, call, firstAnswer, setShownWorkspace } from "./ipc.js";
import { ready, t } from "./i18n.js";

let view = { shown: "", workspaces: [] };

/**
 * The answer to the window's first question to Rust (asked by index.html as the page is read):
 * the workspaces (and, on its channel, their failed counts changing), with the shown one's
 * token status, cached categories and history (its changes to `onHistory`). Shows the
 * switcher once the catalog is there too. Resolves to `{ workspace, token, categories,
 * history }`.
 */
export async function openWorkspaces(onHistory) {
  // A count that changes before the answer is taken in is applied after it (counts are whole
  // numbers, not steps: one applied late is still right).
  let early = [];
  adopt("failedCounts", (count) => (early ? early.push(count) : onFailedCount(count)));
  adopt("history", onHistory);
  const opening = await firstAnswer("opening");
  performance.mark("opened");
  view = opening.workspaces;
  early.forEach(onFailedCount);
  early = null;
  setShownWorkspace(view.shown);
  await ready;
  showSwitcher();
  return { ...opening, workspace: shownWorkspace() };
}

export function shownWorkspace() {
  return view.workspaces.find((w) => w.id === view.shown);
}

export function workspaceCount() {
  return view.workspaces.length;
}

/**
 * Shows another workspace. The page starts afresh on it, so nothing of the one before (a
 * half-typed form, its categories, a bulk review waiting for Send) can reach this one.
 */
export async function switchTo(id) {
  await call("show_workspace", { workspace: id });
  location.reload();
}

function onFailedCount({ workspace, failed }) {
  const changed = view.workspaces.find((w) => w.id === workspace);
  if (changed) {
    changed.failed = failed;
    showBadge();
  }
}

function showSwitcher() {
  const holder = document.getElementById("workspace-switch");
  if (view.workspaces.length < 2) {
    holder.replaceChildren();
    holder.hidden = true;
    return;
  }
  const label = document.createElement("label");
  label.htmlFor = "workspace-select";
  label.className = "visually-hidden";
  label.textContent = t("header.workspace_label");
  const select = document.createElement("select");
  select.id = "workspace-select";
  select.setAttribute("aria-describedby", "workspace-failed");
  for (const workspace of view.workspaces) {
    const option = document.createElement("option");
    option.value = workspace.id;
    option.textContent = workspace.name;
    option.selected = workspace.id === view.shown;
    select.append(option);
  }
  select.addEventListener("change", () => switchTo(select.value));
  const badge = document.createElement("span");
  badge.id = "workspace-failed";
  badge.className = "badge failed";
  badge.setAttribute("role", "status");
  holder.replaceChildren(label, select, badge);
  holder.hidden = false;
  showBadge();
}

// The shown workspace's failures are in its history; the badge is for the others.
function showBadge() {
  const badge = document.getElementById("workspace-failed");
  if (!badge) return;
  const elsewhere = view.workspaces.filter((w) => w.id !== view.shown && w.failed > 0);
  badge.textContent = elsewhere
    .map((w) => t("header.failed_elsewhere", { name: w.name, count: w.failed }))
    .join(" · ");
  badge.hidden = elsewhere.length === 0;
  for (const option of document.getElementById("workspace-select").options) {
    const workspace = view.workspaces.find((w) => w.id === option.value);
    option.dataset.failed = String(workspace?.failed ?? 0);
  }
}
