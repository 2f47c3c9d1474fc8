// The history of recent actions: the view of the entries Rust keeps, kept live by a channel.
import { call, channel } from "./ipc.js";
import { announce } from "./announcer.js";
import { confirmAction } from "./confirm.js";

const entries = new Map();
const ACTION_WORDS = { close: "Close", open: "Reopen" };
const STATE_WORDS = { pending: "Sending", done: "Done", failed: "Failed", cancelled: "Cancelled" };
const listeners = [];

/** Called after every change, e.g. to follow a bulk run. */
export function onHistoryChange(listener) {
  listeners.push(listener);
}

export function entriesOfBatch(batch) {
  return [...entries.values()].filter((entry) => entry.batch === batch);
}
const KIND_WORDS = { phone: "phone", email: "email", id: "contact ID" };

function contactText(entry) {
  return `${KIND_WORDS[entry.identifier.kind]} ${entry.identifier.display}`;
}

function timeText(ms) {
  const when = new Date(ms);
  const sameDay = when.toDateString() === new Date().toDateString();
  const time = when.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return sameDay ? time : `${when.toLocaleDateString()} ${time}`;
}

function stateWords(entry) {
  if (entry.state !== "pending") return STATE_WORDS[entry.state];
  return entry.lastError ? "Waiting" : "Sending";
}

function reasonText(entry) {
  if (entry.state === "pending" && entry.lastError && entry.nextAttemptAt) {
    const at = new Date(entry.nextAttemptAt).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
    return `${entry.lastError} Next try at ${at}.`;
  }
  return entry.lastError ?? "";
}

function render(entry) {
  const item = document.createElement("li");
  item.className = "entry";
  item.dataset.entry = entry.id;
  item.dataset.action = entry.action;
  item.dataset.status = entry.state;

  const line = document.createElement("div");
  line.className = "entry-line";
  const badge = document.createElement("span");
  badge.className = `state state-${entry.state}`;
  badge.textContent = stateWords(entry);
  const action = document.createElement("span");
  action.textContent = ACTION_WORDS[entry.action];
  const contact = document.createElement("span");
  contact.className = "entry-contact";
  contact.textContent = contactText(entry);
  line.append(badge, action, contact);

  const meta = document.createElement("div");
  meta.className = "entry-meta";
  const parts = [timeText(entry.createdAt)];
  if (entry.category) parts.push(entry.category);
  if (entry.summary) parts.push(`“${entry.summary}”`);
  meta.textContent = parts.join(" · ");

  item.append(line, meta);
  const reason = reasonText(entry);
  if (reason) {
    const p = document.createElement("p");
    p.className = "entry-reason";
    p.textContent = reason;
    item.append(p);
  }
  if (entry.state === "failed" || entry.state === "cancelled") {
    item.append(entryButton("retry", "Try again", `Try again: ${ACTION_WORDS[entry.action]} ${contactText(entry)}`,
      () => retryEntry(entry.id)));
  }
  if (entry.state === "done") {
    const label = entry.action === "close" ? "Reopen" : "Close again";
    item.append(entryButton("undo", label, `${label}: ${contactText(entry)}`, () => undoEntry(entry)));
  }
  return item;
}

function entryButton(className, text, label, onClick) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = className;
  button.textContent = text;
  button.setAttribute("aria-label", label);
  button.addEventListener("click", onClick);
  return button;
}

/** Reopens a done close (or closes a done open) after the agent confirms. */
async function undoEntry(entry) {
  const reopening = entry.action === "close";
  const contact = contactText(entry);
  const sure = await confirmAction(reopening
    ? { title: "Reopen this conversation?", yes: "Reopen",
        text: `Reopening ${contact} can start a new conversation for this contact.` }
    : { title: "Close this conversation again?", yes: "Close again",
        text: `${contact} will be closed without a closing note.` });
  if (!sure) return;
  try {
    const next = await call("submit_action", { input: {
      identifierKind: entry.identifier.kind,
      identifierValue: entry.identifier.canonical,
      action: reopening ? "open" : "close",
    } });
    showSubmitted(next);
  } catch (problem) {
    announce(problem.message);
  }
}

function matches(entry, filter) {
  if (!filter) return true;
  const haystack = [contactText(entry), entry.identifier.canonical, entry.category ?? "", entry.summary ?? "",
    stateWords(entry), ACTION_WORDS[entry.action], entry.lastError ?? ""].join(" ").toLowerCase();
  return haystack.includes(filter);
}

function shownEntries() {
  const filter = document.getElementById("history-filter").value.trim().toLowerCase();
  return [...entries.values()].sort((a, b) => b.seq - a.seq).filter((e) => matches(e, filter));
}

function redraw() {
  const list = document.getElementById("history");
  const shown = shownEntries();
  list.replaceChildren(...shown.map(render));
  listeners.forEach((listener) => listener());
  const empty = document.getElementById("history-empty");
  empty.hidden = shown.length > 0;
  empty.textContent = entries.size === 0
    ? "No actions yet. What you close or reopen shows up here."
    : "No action matches the filter.";
}

async function retryEntry(id) {
  try {
    upsert(await call("retry_action", { id }));
  } catch (problem) {
    announce(problem.message);
  }
}

function upsert(entry) {
  const before = entries.get(entry.id);
  // The command's answer and the worker's events can arrive in either order.
  if (before && before.revision > entry.revision) return;
  entries.set(entry.id, entry);
  redraw();
  if (before && before.state === "pending" && entry.state !== "pending") {
    const verb = entry.action === "close" ? "Closed" : "Reopened";
    announce(entry.state === "done"
      ? `${verb}: ${contactText(entry)}.`
      : `Could not ${entry.action === "close" ? "close" : "reopen"} ${contactText(entry)}. ${entry.lastError ?? ""}`);
  }
}

export function showSubmitted(entry) {
  upsert(entry);
  announce(`Saved. Sending: ${ACTION_WORDS[entry.action]} ${contactText(entry)}.`);
}

export function showPause(pause) {
  const line = document.getElementById("history-paused");
  if (!pause) {
    line.hidden = true;
    return;
  }
  line.textContent = pause.kind === "keychain"
    ? `Sending is on hold: ${pause.message}`
    : "Sending is on hold until a working API token is saved. Nothing is lost: waiting actions go out then.";
  line.hidden = false;
}

export async function setUpHistory({ onPause }) {
  document.getElementById("history-filter").addEventListener("input", redraw);
  document.getElementById("export-history").addEventListener("click", async () => {
    const status = document.getElementById("export-status");
    const filtered = document.getElementById("history-filter").value.trim() !== "";
    try {
      const path = await call("export_history", { ids: filtered ? shownEntries().map((e) => e.id) : [] });
      status.textContent = path ? `Saved to ${path}` : "";
    } catch (problem) {
      status.textContent = problem.message;
    }
  });
  document.getElementById("clear-finished").addEventListener("click", async () => {
    const removed = await call("clear_finished");
    announce(removed === 1 ? "Cleared 1 finished action." : `Cleared ${removed} finished actions.`);
  });
  const apply = (event) => {
    if (event.type === "upsert") upsert(event.entry);
    if (event.type === "removed") {
      event.ids.forEach((id) => entries.delete(id));
      redraw();
    }
    if (event.type === "paused") {
      showPause(event.pause);
      onPause(event.pause);
    }
  };
  // One round trip: Rust starts streaming changes, then answers with the history as it is.
  // Changes that arrive before that answer are applied after it; revisions keep them right.
  let early = [];
  const changes = channel((event) => (early ? early.push(event) : apply(event)));
  for (const entry of await call("watch_history", { onEvent: changes })) entries.set(entry.id, entry);
  redraw();
  const waiting = early;
  early = null;
  waiting.forEach(apply);
}
