// The Bulk view: paste or open a list, check every row (in Rust), send the good ones through
// the outbox, follow the run, cancel what has not gone yet.
import { callIn, call } from "./ipc.js";
import { announce } from "./announcer.js";
import { fieldToFix } from "./errors.js";
import { setUpActionToggle } from "./action-toggle.js";
import { batchCounts, onHistoryChange } from "./history.js";
import { ACTION_WORDS, plural } from "./words.js";

export function setUpBulk() {
  const form = document.getElementById("bulk-form");
  const input = document.getElementById("bulk-input");
  const source = document.getElementById("bulk-source");
  const category = document.getElementById("bulk-category");
  const summary = document.getElementById("bulk-summary");
  const error = document.getElementById("bulk-error");
  const review = document.getElementById("bulk-review");
  const run = document.getElementById("bulk-run");
  const cancel = document.getElementById("bulk-cancel");
  let csvText = null;
  let batch = null;

  // A new choice makes the checked list out of date: it is checked again before sending.
  const toggle = setUpActionToggle({
    close: document.getElementById("bulk-close"),
    open: document.getElementById("bulk-open"),
    noteFields: document.getElementById("bulk-note-fields"),
    onChange: () => {
      review.hidden = true;
    },
  });
  const action = () => toggle.current();

  const request = () => ({
    source: csvText === null ? "lines" : "csv",
    text: csvText ?? input.value,
    action: action(),
    category: action() === "close" ? category.value : "",
    summary: action() === "close" ? summary.value : "",
  });

  function showError(message) {
    error.textContent = message;
    error.hidden = !message;
  }

  // The message, then the field to fix when there is one (a file that cannot be read leaves the
  // focus where it is: nothing on screen is wrong).
  function showProblem(problem) {
    showError(problem.message);
    ({ "bulk-input": input, identifier: input, category, summary })[fieldToFix(problem)]?.focus();
  }
  for (const field of [input, category, summary]) {
    field.addEventListener("input", () => {
      review.hidden = true;
      showError("");
    });
  }
  input.addEventListener("input", () => {
    csvText = null;
    source.textContent = "";
  });

  document.getElementById("bulk-open-csv").addEventListener("click", async () => {
    showError("");
    try {
      const text = await call("bulk_open_csv");
      if (text === null) return;
      csvText = text;
      input.value = "";
      source.textContent = "Using the CSV file (identifier, category, summary). Type above to use a list instead.";
      form.requestSubmit();
    } catch (problem) {
      showProblem(problem);
    }
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError("");
    try {
      showRows(await callIn("bulk_preview", { input: request() }));
    } catch (problem) {
      review.hidden = true;
      showProblem(problem);
    }
  });

  function showRows(rows) {
    const body = document.querySelector("#bulk-rows tbody");
    // Up to 2,000 rows: built in a fragment and put in once, never spread as call arguments.
    const fragment = document.createDocumentFragment();
    for (const row of rows) {
      const tr = document.createElement("tr");
      tr.dataset.ready = String(!row.problem);
      tr.dataset.line = row.line;
      const cells = [
        String(row.line),
        row.contact ?? row.input,
        [row.category, row.summary].filter(Boolean).join(" · "),
        row.problem ?? "Ready",
      ];
      for (const text of cells) {
        const td = document.createElement("td");
        td.textContent = text;
        tr.append(td);
      }
      fragment.append(tr);
    }
    body.replaceChildren(fragment);
    const ready = rows.filter((row) => !row.problem).length;
    const bad = rows.length - ready;
    document.getElementById("bulk-review-summary").textContent =
      `${ready} of ${rows.length} rows are ready` + (bad ? `; ${bad} will not be sent (see why below).` : ".");
    const confirm = document.getElementById("bulk-confirm");
    confirm.textContent = `${ACTION_WORDS[action()]} ${plural(ready, "conversation")}`;
    confirm.disabled = ready === 0;
    review.hidden = false;
  }

  document.getElementById("bulk-confirm").addEventListener("click", async () => {
    showError("");
    try {
      const started = await callIn("bulk_submit", { input: request() });
      batch = started.batch;
      review.hidden = true;
      run.hidden = false;
      cancel.disabled = false;
      showProgress();
      announce(`Sending ${plural(started.count, "action")}.`);
    } catch (problem) {
      showProblem(problem);
    }
  });

  cancel.addEventListener("click", async () => {
    if (!batch) return;
    showError("");
    // Off while Rust answers, so a second press does not ask twice. On again after: an action
    // that was on its way can come back to wait for another try, and that one can be stopped.
    cancel.disabled = true;
    try {
      const stopped = await callIn("bulk_cancel", { batch });
      announce(`Cancelled ${plural(stopped, "action")} not sent yet.`);
    } catch (problem) {
      showError(problem.message);
    }
    cancel.disabled = false;
    showProgress();
  });

  // history.js keeps each batch's counts as entries change, so following a 2,000-row run costs
  // the same for its last row as for its first.
  function showProgress() {
    if (!batch) return;
    const counts = batchCounts(batch);
    const progress = document.getElementById("bulk-progress");
    progress.max = Math.max(counts.total, 1);
    progress.value = counts.total - counts.pending;
    document.getElementById("bulk-counts").textContent =
      `${counts.done} done · ${counts.failed} failed · ${counts.pending} waiting · ${counts.cancelled} cancelled, of ${counts.total}`;
    if (counts.pending === 0) {
      cancel.disabled = true;
    }
  }
  onHistoryChange((changed) => {
    if (batch && changed.some((entry) => entry.batch === batch)) showProgress();
  });
}
