// The history of recent actions on screen: the view of what history-store.js knows.
// Keyed by entry id: a change touches only its own row, and a new row goes straight to its
// place, so a 2,000-row bulk run costs as much per row at its end as at its start.
// Only the newest page of the rows the filter lets through is on screen (more as the agent
// scrolls to "Show older actions"): a 10,000-entry history starts as fast as a short one.
import { callIn } from "./ipc.js";
import { announce } from "./announcer.js";
import { confirmAction } from "./confirm.js";
import { problemText, pauseText, reasonNamesItsAddress, reasonText } from "./errors.js";
import { formatDateTime, formatDateTimeWithSeconds, formatTime, formatTimeWithSeconds, t } from "./i18n.js";
import { actionWord, contactWords, stateWord } from "./words.js";
import { shownWorkspace } from "./workspace.js";
import { showFill } from "./handoff.js";
import { ACTION, ENTRY_STATE, FORM_FILL, PAUSE } from "./contract.js";
import { CHANGE, historySize, onHistoryChange, putEntry } from "./history-store.js";

/**
 * id → { entry, element, haystack }: the entry as last drawn, its <li> while it is on screen
 * (else null), its filter text.
 */
const rows = new Map();
/**
 * The same rows by `seq`, oldest first: where a new row goes on screen (newest first there), found
 * by binary search. Oldest first because a new action is the newest: a push, not a shift.
 */
let order = [];
let filter = "";
/** Rows the filter lets through, kept as rows change so the empty line needs no count. */
let matchCount = 0;
/** Rows on screen: always the newest `limit` (or fewer) of those the filter lets through. */
let shown = 0;
/** Rows on screen at first, and how many more each "Show older actions" adds. */
const PAGE = 200;
let limit = PAGE;

// Up to this many removed ids are taken out of `order` one by one (found by binary search);
// more (Clear finished on a big history) and one pass over `order` is cheaper.
const ONE_BY_ONE = 64;
// Words that differ by action, as keys written out (a test checks each exists).
const KEYS = {
  [ACTION.CLOSE]: {
    saved: "history.saved_close", done: "history.done_close", failed: "history.announce_failed_close",
    retry: "history.retry_close",
  },
  [ACTION.OPEN]: {
    saved: "history.saved_open", done: "history.done_open", failed: "history.announce_failed_open",
    retry: "history.retry_open",
  },
};

function contactText(entry) {
  return contactWords(entry.identifier);
}

/** Local midnight today and tomorrow, worked out again only once the day is over. */
let today = { start: 0, end: 0 };
function isToday(ms) {
  const now = Date.now();
  if (now >= today.end || now < today.start) {
    const d = new Date(now);
    today = {
      start: new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime(),
      end: new Date(d.getFullYear(), d.getMonth(), d.getDate() + 1).getTime(),
    };
  }
  return ms >= today.start && ms < today.end;
}

function timeText(ms) {
  return isToday(ms) ? formatTime(ms) : formatDateTime(ms);
}

function stateWords(entry) {
  if (entry.state !== ENTRY_STATE.PENDING) return stateWord(entry.state);
  // "waiting" is the window's own word: pending, with a reason it has not gone yet.
  return stateWord(entry.reason ? "waiting" : ENTRY_STATE.PENDING);
}

/** Why the entry waits or failed, with when it goes again while it waits. */
function reasonLine(entry) {
  const words = reasonText(entry.reason, entry);
  if (entry.state === ENTRY_STATE.PENDING && words && entry.nextAttemptAt) {
    const at = entry.nextAttemptAt;
    // Not today (a clock set back or forward): the date too, so the time is not misread.
    const time = isToday(at) ? formatTimeWithSeconds(at) : formatDateTimeWithSeconds(at);
    return t("history.next_try", { reason: words, time });
  }
  return words;
}

/**
 * One row, cloned from a prototype built once (cheaper than a createElement per part, ten
 * thousand times). Buttons carry no listener of their own: the list has one for all (below).
 */
let prototype = null;
function rowPrototype() {
  if (!prototype) {
    prototype = document.createElement("li");
    prototype.className = "entry";
    const line = document.createElement("div");
    line.className = "entry-line";
    const badge = document.createElement("span");
    const action = document.createElement("span");
    const contact = document.createElement("span");
    contact.className = "entry-contact";
    line.append(badge, action, contact);
    const meta = document.createElement("div");
    meta.className = "entry-meta";
    prototype.append(line, meta);
  }
  return prototype;
}

function render(entry) {
  const item = rowPrototype().cloneNode(true);
  item.dataset.entry = entry.id;
  item.dataset.action = entry.action;
  item.dataset.status = entry.state;
  const [badge, action, contact] = item.firstChild.childNodes;
  badge.className = `state state-${entry.state}`;
  badge.textContent = stateWords(entry);
  action.textContent = actionWord(entry.action);
  const who = contactText(entry);
  contact.textContent = who;
  let meta = timeText(entry.createdAt);
  if (entry.category) meta += ` · ${entry.category}`;
  if (entry.summary) meta += ` · ${t("history.quoted", { text: entry.summary })}`;
  item.lastChild.textContent = meta;

  const reason = reasonLine(entry);
  if (reason) {
    const p = document.createElement("p");
    p.className = "entry-reason";
    p.textContent = reason;
    item.append(p);
  }
  // Made for an address the workspace no longer uses, or failed or cancelled before this
  // version kept each action's address: said so, and never sent from here (Rust refuses it
  // too); the contact can still be copied into the form.
  const elsewhere = entry.address && entry.address !== shownWorkspace()?.apiBaseUrl;
  const unknown = !entry.address && (entry.state === ENTRY_STATE.FAILED || entry.state === ENTRY_STATE.CANCELLED);
  if (elsewhere || unknown) {
    if (!reasonNamesItsAddress(entry.reason)) {
      const p = document.createElement("p");
      p.className = "entry-reason";
      p.textContent = elsewhere
        ? t("history.made_for", { address: entry.address })
        : t("history.made_before_addresses");
      item.append(p);
    }
    item.append(entryButton("copy", t("history.copy_to_form"), t("history.copy_to_form_label", { contact: who })));
    return item;
  }
  if (entry.state === ENTRY_STATE.FAILED || entry.state === ENTRY_STATE.CANCELLED) {
    item.append(entryButton("retry", t("app.try_again"), t(KEYS[entry.action].retry, { contact: who })));
  }
  if (entry.state === ENTRY_STATE.DONE) {
    item.append(entry.action === ACTION.CLOSE
      ? entryButton("undo", t("history.undo_reopen"), t("history.undo_reopen_label", { contact: who }))
      : entryButton("undo", t("history.undo_close_again"), t("history.undo_close_again_label", { contact: who })));
  }
  return item;
}

function entryButton(className, text, label) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = className;
  button.textContent = text;
  button.setAttribute("aria-label", label);
  return button;
}

/** The rows' buttons, handled once for the whole list. */
function onListClick(event) {
  const button = event.target.closest?.("button");
  const row = button && rows.get(button.closest("li.entry")?.dataset.entry);
  if (!row) return;
  if (button.classList.contains("retry")) retryEntry(row.entry.id);
  else if (button.classList.contains("undo")) undoEntry(row.entry);
  else if (button.classList.contains("copy")) {
    const { kind, display } = row.entry.identifier;
    showFill({ type: FORM_FILL.CONTACT, kind, value: display });
  }
}

/** Reopens a done close (or closes a done open) after the agent confirms. */
async function undoEntry(entry) {
  const reopening = entry.action === ACTION.CLOSE;
  const contact = contactText(entry);
  const sure = await confirmAction(reopening
    ? { title: t("confirm.reopen_title"), yes: t("confirm.reopen_yes"),
        text: t("confirm.reopen_text", { contact }) }
    : { title: t("confirm.close_again_title"), yes: t("confirm.close_again_yes"),
        text: t("confirm.close_again_text", { contact }) });
  if (!sure) return;
  try {
    const next = await callIn("submit_action", { input: {
      identifierKind: entry.identifier.kind,
      identifierValue: entry.identifier.canonical,
      action: reopening ? ACTION.OPEN : ACTION.CLOSE,
    } });
    showSubmitted(next);
  } catch (problem) {
    announce(problemText(problem));
  }
}

async function retryEntry(id) {
  try {
    putEntry(await callIn("retry_action", { id }));
  } catch (problem) {
    announce(problemText(problem));
  }
}

/**
 * Whether the filter lets the row through: it searches the words shown, in the agent's
 * language. Its text is put together once per version.
 */
function matches(row) {
  if (!filter) return true;
  const { entry } = row;
  row.haystack ??= [contactText(entry), entry.identifier.canonical, entry.category ?? "", entry.summary ?? "",
    stateWords(entry), actionWord(entry.action), reasonText(entry.reason, entry)].join(" ").toLowerCase();
  return row.haystack.includes(filter);
}

/** Index of the first row in `order` not older than `seq` (binary search). */
function position(seq) {
  let low = 0;
  let high = order.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (order[middle].entry.seq < seq) low = middle + 1;
    else high = middle;
  }
  return low;
}

function historyList() {
  return document.getElementById("history");
}

function showEmpty() {
  const empty = document.getElementById("history-empty");
  empty.hidden = matchCount > 0;
  const text = historySize() === 0 ? t("history.empty") : t("history.no_match");
  if (empty.textContent !== text) empty.textContent = text;
  const more = document.getElementById("history-more");
  const hidden = matchCount <= shown;
  if (more.hidden !== hidden) more.hidden = hidden;
  if (!hidden) {
    const text = t("history.more_count", { count: matchCount - shown });
    if (more.textContent !== text) more.textContent = text;
  }
}

/** The oldest row on screen, or null. */
function oldestShown() {
  const last = historyList().lastElementChild;
  return last ? rows.get(last.dataset.entry) ?? null : null;
}

/** Puts `row` on screen in its place (above the next older row on screen). */
function showRow(row) {
  row.element = render(row.entry);
  let at = position(row.entry.seq) - 1;
  while (at >= 0 && !order[at].element) at--;
  historyList().insertBefore(row.element, at >= 0 ? order[at].element : null);
  shown++;
}

function hideRow(row) {
  row.element.remove();
  row.element = null;
  shown--;
}

/** Keeps the screen at `limit` rows: the oldest go when newer ones come. */
function trimBottom() {
  while (shown > limit) hideRow(oldestShown());
}

/** Brings older matching rows on screen until `limit` is reached or none is left. */
function fillBottom() {
  const oldest = oldestShown();
  let at = oldest ? position(oldest.entry.seq) - 1 : order.length - 1;
  const fragment = document.createDocumentFragment();
  for (; at >= 0 && shown < limit; at--) {
    const row = order[at];
    if (row.element || !matches(row)) continue;
    row.element = render(row.entry);
    fragment.append(row.element);
    shown++;
  }
  historyList().append(fragment);
}

/** Whether a matching row that is not on screen belongs there. */
function belongsOnScreen(row) {
  if (shown < limit) return true;
  const oldest = oldestShown();
  return oldest !== null && row.entry.seq > oldest.entry.seq;
}

/**
 * Puts a row's new <li> where the old one was. The keyboard stays on the same button if it is
 * still there, else on the row itself (Try again's button goes once the action is on its way).
 */
function replaceElement(row, element) {
  const focused = row.element.contains(document.activeElement) ? document.activeElement : null;
  row.element.replaceWith(element);
  row.element = element;
  if (!focused) return;
  const same = focused.localName === "button"
    && [...element.querySelectorAll("button")].find((button) => button.className === focused.className);
  if (same) {
    same.focus();
  } else {
    element.tabIndex = -1;
    element.focus();
  }
}

/** A newer version of one entry (the store has already checked it is newer). */
function upsert(entry) {
  let row = rows.get(entry.id);
  const before = row?.entry;
  let matched = false;
  if (row) {
    matched = matches(row);
    row.entry = entry;
    row.haystack = null;
  } else {
    row = { entry, element: null, haystack: null };
    rows.set(entry.id, row);
    // Nearly always the newest: a push at the end of `order`.
    const at = position(entry.seq);
    if (at === order.length) order.push(row);
    else order.splice(at, 0, row);
  }
  const matching = matches(row);
  matchCount += Number(matching) - Number(matched);
  if (row.element && matching) {
    replaceElement(row, render(entry));
  } else if (row.element) {
    hideRow(row);
    fillBottom();
  } else if (matching && belongsOnScreen(row)) {
    showRow(row);
    trimBottom();
  }
  showEmpty();
  if (before && before.state === ENTRY_STATE.PENDING && entry.state !== ENTRY_STATE.PENDING) {
    const keys = KEYS[entry.action];
    announce(entry.state === ENTRY_STATE.DONE
      ? t(keys.done, { contact: contactText(entry) })
      : t(keys.failed, { contact: contactText(entry), reason: reasonText(entry.reason, entry) }).trim());
  }
}

function remove(entries) {
  let removed = 0;
  for (const { id } of entries) {
    const row = rows.get(id);
    if (!row) continue;
    rows.delete(id);
    if (row.element) hideRow(row);
    matchCount -= Number(matches(row));
    removed++;
    if (entries.length <= ONE_BY_ONE) {
      const at = position(row.entry.seq);
      const index = order[at] === row ? at : order.indexOf(row);
      if (index >= 0) order.splice(index, 1);
    }
  }
  if (removed === 0) return;
  if (entries.length > ONE_BY_ONE) order = order.filter((row) => rows.get(row.entry.id) === row);
  fillBottom();
  showEmpty();
}

/** Shows the history as Rust answered it (newest first): the newest page built aside, put in at once. */
function showSnapshot(snapshot) {
  performance.mark("history-initial-render-start");
  // Sorted here too (oldest first), so the order rule holds whatever the answer's order.
  for (const entry of snapshot.slice().sort((a, b) => a.seq - b.seq)) {
    if (rows.has(entry.id)) continue;
    const row = { entry, element: null, haystack: null };
    rows.set(entry.id, row);
    order.push(row);
  }
  // A filter typed before the history arrived already applies.
  matchCount = filter ? order.reduce((count, row) => count + Number(matches(row)), 0) : rows.size;
  fillBottom();
  showEmpty();
  performance.measure("history-initial-render", "history-initial-render-start");
  performance.clearMarks("history-initial-render-start");
}

/** A new filter: the newest page of what it lets through, from the top. */
function applyFilter() {
  filter = document.getElementById("history-filter").value.trim().toLowerCase();
  historyList().replaceChildren();
  for (const row of order) row.element = null;
  shown = 0;
  limit = PAGE;
  matchCount = filter ? order.reduce((count, row) => count + Number(matches(row)), 0) : order.length;
  fillBottom();
  showEmpty();
}

function showMore() {
  limit += PAGE;
  fillBottom();
  showEmpty();
}

export function showSubmitted(entry) {
  putEntry(entry);
  announce(t(KEYS[entry.action].saved, { contact: contactText(entry) }));
}

export function showPause(pause) {
  const line = document.getElementById("history-paused");
  if (!pause) {
    line.hidden = true;
    return;
  }
  const keychain = pause.kind === PAUSE.KEYCHAIN;
  document.getElementById("history-paused-text").textContent = keychain
    ? t("history.paused_keychain", { problem: pauseText(pause) })
    : t("history.paused_token");
  // The keychain is asked again by itself every half minute; this asks now.
  document.getElementById("history-paused-retry").hidden = !keychain;
  line.hidden = false;
}

/**
 * Draws the history and keeps it drawn: `history` is history-store's `historyStream()`, and
 * `snapshot` the history as Rust's first answer gave it.
 */
export function setUpHistory({ history, snapshot, onPause }) {
  const status = document.getElementById("export-status");
  document.getElementById("history-filter").addEventListener("input", applyFilter);
  historyList().addEventListener("click", onListClick);
  document.getElementById("history-paused-retry").addEventListener("click", async () => {
    try {
      await callIn("retry_sending");
    } catch (problem) {
      announce(problemText(problem));
    }
  });
  const more = document.getElementById("history-more");
  more.addEventListener("click", showMore);
  // Scrolling down to the button shows the next page by itself.
  new IntersectionObserver((seen) => {
    if (seen.some((e) => e.isIntersecting) && !more.hidden) showMore();
  }).observe(more);
  document.getElementById("export-history").addEventListener("click", async () => {
    // With a filter, only what it shows, newest first as on screen; an empty list asks Rust
    // for everything.
    const ids = filter ? order.filter(matches).map((row) => row.entry.id).reverse() : [];
    if (filter && ids.length === 0) {
      status.textContent = t("history.export_nothing");
      return;
    }
    try {
      const path = await callIn("export_history", { ids });
      status.textContent = path ? t("history.export_saved", { path }) : "";
    } catch (problem) {
      status.textContent = problemText(problem);
    }
  });
  document.getElementById("clear-finished").addEventListener("click", async () => {
    try {
      const removed = await callIn("clear_finished");
      announce(t("history.cleared", { count: removed }));
    } catch (problem) {
      status.textContent = problemText(problem);
    }
  });
  onHistoryChange((entries, change) => {
    if (change === CHANGE.SNAPSHOT) showSnapshot(entries);
    else if (change === CHANGE.REMOVED) remove(entries);
    else entries.forEach(upsert);
  });
  history.take(snapshot, (pause) => {
    showPause(pause);
    onPause(pause);
  });
}
