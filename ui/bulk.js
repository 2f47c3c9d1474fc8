// The Bulk view: paste or open a list, check every row (in Rust), send the good ones through
// the outbox, follow the run, cancel what has not gone yet.
import { callIn, call } from "./ipc.js";
import { announce } from "./announcer.js";
import { fieldToFix, problemText } from "./errors.js";
import { setUpActionToggle } from "./action-toggle.js";
import { batchCounts, onHistoryChange } from "./history-store.js";
import { t } from "./i18n.js";
import { contactWords } from "./words.js";
import { ACTION, BULK_SOURCE } from "./contract.js";

const CONFIRM_KEYS = { [ACTION.CLOSE]: "bulk.confirm_close", [ACTION.OPEN]: "bulk.confirm_open" };

// The view set up by setUpBulk, for the modules that hand it a list.
let bulk = null;

/** Fills the list with `lines` (one contact each), Close chosen, to be checked and sent. */
export function prefillClose(lines) {
  bulk?.prefillClose(lines);
}

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
    source: csvText === null ? BULK_SOURCE.LINES : BULK_SOURCE.CSV,
    text: csvText ?? input.value,
    action: action(),
    category: action() === ACTION.CLOSE ? category.value : "",
    summary: action() === ACTION.CLOSE ? summary.value : "",
  });

  function showError(message) {
    error.textContent = message;
    error.hidden = !message;
  }

  // The message, then the field to fix when there is one (a file that cannot be read leaves the
  // focus where it is: nothing on screen is wrong).
  function showProblem(problem) {
    showError(problemText(problem));
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
      source.textContent = t("bulk.csv_source");
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
        row.identifier ? contactWords(row.identifier) : row.input,
        [row.category, row.summary].filter(Boolean).join(" · "),
        row.problem ? problemText(row.problem) : t("bulk.row_ready"),
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
      t(bad ? "bulk.review_summary_bad" : "bulk.review_summary", { ready, count: rows.length, bad });
    const confirm = document.getElementById("bulk-confirm");
    confirm.textContent = t(CONFIRM_KEYS[action()], { count: ready });
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
      announce(t("bulk.sending", { count: started.count }));
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
      announce(t("bulk.cancelled", { count: stopped }));
    } catch (problem) {
      showError(problemText(problem));
    }
    cancel.disabled = false;
    showProgress();
  });

  // history-store.js keeps each batch's counts as entries change, so following a 2,000-row run costs
  // the same for its last row as for its first.
  function showProgress() {
    if (!batch) return;
    const counts = batchCounts(batch);
    const progress = document.getElementById("bulk-progress");
    progress.max = Math.max(counts.total, 1);
    progress.value = counts.total - counts.pending;
    document.getElementById("bulk-counts").textContent = t("bulk.progress", {
      done: counts.done,
      failed: counts.failed,
      waiting: counts.pending,
      cancelled: counts.cancelled,
      total: counts.total,
    });
    if (counts.pending === 0) {
      cancel.disabled = true;
    }
  }
  onHistoryChange((changed) => {
    if (batch && changed.some((entry) => entry.batch === batch)) showProgress();
  });
  bulk = {
    prefillClose(lines) {
      csvText = null;
      source.textContent = "";
      input.value = lines.join("\n");
      review.hidden = true;
      toggle.choose(ACTION.CLOSE);
    },
  };
}
