// The history as the window knows it: each entry Rust keeps, by id, at its newest version, and
// how many of each bulk run's entries are in each state. No DOM here: the history view draws
// it, Bulk follows its runs and My conversations its rows, each by listening to it.
import { HISTORY_EVENT } from "./contract.js";

/** What a listener is told happened. */
export const CHANGE = Object.freeze({ SNAPSHOT: "snapshot", UPSERT: "upsert", REMOVED: "removed" });

/** id → the entry as last heard. */
const entries = new Map();
/** Ids Rust removed: entry ids are never reused, so a late change to one is stale. */
const gone = new Set();
/** batch id → how many of its entries are in each state, kept as entries change. */
const batches = new Map();
const listeners = [];
// A window left open for days would keep every "history-change" measure; past this many they
// are cleared. A benchmark of a 2,000-row run makes well under it.
const MEASURES_KEPT = 20000;
let measures = 0;

/**
 * Calls `listener(entries, change)` after every change with the entries it touched (the new
 * versions; the last versions on a removal), so a listener can tell at once whether the change
 * is its business. Listeners are called in the order they came.
 */
export function onHistoryChange(listener) {
  listeners.push(listener);
}

/** How many entries of a bulk run are in each state: { total, pending, done, failed, cancelled }. */
export function batchCounts(batch) {
  return { total: 0, pending: 0, done: 0, failed: 0, cancelled: 0, ...batches.get(batch) };
}

/** How many entries the window knows. */
export function historySize() {
  return entries.size;
}

function tally(entry, step) {
  if (!entry.batch) return;
  const counts = batches.get(entry.batch) ?? { total: 0 };
  counts.total += step;
  counts[entry.state] = (counts[entry.state] ?? 0) + step;
  if (counts.total === 0) batches.delete(entry.batch);
  else batches.set(entry.batch, counts);
}

function notify(changed, change) {
  if (changed.length) listeners.forEach((listener) => listener(changed, change));
}

/** Keeps `entry` unless a newer version is known or it was removed; says whether it was kept. */
function keep(entry) {
  const before = entries.get(entry.id);
  // The command's answer and the worker's events can arrive in either order, and the same
  // version twice; a removed entry's last change can arrive after its removal.
  if ((before && before.revision >= entry.revision) || gone.has(entry.id)) return false;
  if (before) tally(before, -1);
  entries.set(entry.id, entry);
  tally(entry, 1);
  return true;
}

/** A version of one entry, from Rust's events or a command's answer. */
export function putEntry(entry) {
  if (keep(entry)) notify([entry], CHANGE.UPSERT);
}

function removeEntries(ids) {
  const removed = [];
  for (const id of ids) {
    gone.add(id);
    const entry = entries.get(id);
    if (!entry) continue;
    entries.delete(id);
    tally(entry, -1);
    removed.push(entry);
  }
  notify(removed, CHANGE.REMOVED);
}

/** The history as Rust answered it. */
function putSnapshot(snapshot) {
  if (entries.size === 0) {
    notify(snapshot.filter(keep), CHANGE.SNAPSHOT);
  } else {
    // Something was sent before Rust answered (a quick first action): merge, revisions decide.
    snapshot.forEach(putEntry);
  }
}

/**
 * The history's changes from Rust, to `onHistory` (the handler of the first answer's history
 * channel: workspace.js), and `take(snapshot, onPause)`, which takes in the history as that
 * answer gave it; `onPause` hears when sending pauses or goes on. Changes that arrive before
 * the snapshot is taken in are applied after it; revisions keep them right.
 */
export function historyStream() {
  let onPause = () => {};
  const apply = (event) => {
    if (event.type === HISTORY_EVENT.UPSERT) putEntry(event.entry);
    if (event.type === HISTORY_EVENT.REMOVED) removeEntries(event.ids);
    if (event.type === HISTORY_EVENT.PAUSED) onPause(event.pause);
  };
  // The window's own cost of each change, listeners and drawing included ("history-change",
  // read by the benchmark).
  const handle = (event) => {
    performance.mark("history-change-start");
    try {
      apply(event);
    } finally {
      performance.measure("history-change", "history-change-start");
      performance.clearMarks("history-change-start");
      if (++measures >= MEASURES_KEPT) {
        performance.clearMeasures("history-change");
        measures = 0;
      }
    }
  };
  let early = [];
  return {
    onHistory: (event) => (early ? early.push(event) : handle(event)),
    take(snapshot, pauses) {
      onPause = pauses;
      putSnapshot(snapshot);
      const waiting = early;
      early = null;
      waiting.forEach(handle);
    },
  };
}
