// The Bulk view: paste or open a list, check every row (in Rust), send the good ones through
// the outbox, follow the run, cancel what has not gone yet.
import { call } from "./ipc.js";
import { announce } from "./announcer.js";
import { entriesOfBatch, onHistoryChange } from "./history.js";

const ACTION_WORDS = { close: "Close", open: "Reopen" };

export function setUpBulk() {
  const form = document.getElementById("bulk-form");
  const input = document.getElementById("bulk-input");
  const source = document.getElementById("bulk-source");
  const close = document.getElementById("bulk-close");
  const open = document.getElementById("bulk-open");
  const noteFields = document.getElementById("bulk-note-fields");
  const category = document.getElementById("bulk-category");
  const summary = document.getElementById("bulk-summary");
  const error = document.getElementById("bulk-error");
  const review = document.getElementById("bulk-review");
  const run = document.getElementById("bulk-run");
  let action = "close";
  let csvText = null;
  let batch = null;

  const request = () => ({
    source: csvText === null ? "lines" : "csv",
    text: csvText ?? input.value,
    action,
    category: action === "close" ? category.value : "",
    summary: action === "close" ? summary.value : "",
  });

  function showError(message) {
    error.textContent = message;
    error.hidden = !message;
  }

  function choose(next) {
    action = next;
    close.setAttribute("aria-pressed", String(action === "close"));
    open.setAttribute("aria-pressed", String(action === "open"));
    noteFields.hidden = action !== "close";
    review.hidden = true;
  }
  close.addEventListener("click", () => choose("close"));
  open.addEventListener("click", () => choose("open"));
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
      showError(problem.message);
    }
  });

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    showError("");
    try {
      showRows(await call("bulk_preview", { input: request() }));
    } catch (problem) {
      review.hidden = true;
      showError(problem.message);
    }
  });

  function showRows(rows) {
    const body = document.querySelector("#bulk-rows tbody");
    body.replaceChildren(...rows.map((row) => {
      const tr = document.createElement("tr");
      tr.dataset.ready = String(!row.problem);
      tr.dataset.line = row.line;
      const cells = [
        String(row.line),
        row.contact ?? row.input,
        [row.category, row.summary].filter(Boolean).join(" · "),
        row.problem ?? "Ready",
      ];
      tr.append(...cells.map((text) => {
        const td = document.createElement("td");
        td.textContent = text;
        return td;
      }));
      return tr;
    }));
    const ready = rows.filter((row) => !row.problem).length;
    const bad = rows.length - ready;
    document.getElementById("bulk-review-summary").textContent =
      `${ready} of ${rows.length} rows are ready` + (bad ? `; ${bad} will not be sent (see why below).` : ".");
    const confirm = document.getElementById("bulk-confirm");
    confirm.textContent = `${ACTION_WORDS[action]} ${ready} conversation${ready === 1 ? "" : "s"}`;
    confirm.disabled = ready === 0;
    review.hidden = false;
  }

  document.getElementById("bulk-confirm").addEventListener("click", async () => {
    showError("");
    try {
      const started = await call("bulk_submit", { input: request() });
      batch = started.batch;
      review.hidden = true;
      run.hidden = false;
      document.getElementById("bulk-cancel").disabled = false;
      showProgress();
      announce(`Sending ${started.count} actions.`);
    } catch (problem) {
      showError(problem.message);
    }
  });

  document.getElementById("bulk-cancel").addEventListener("click", async () => {
    if (!batch) return;
    const stopped = await call("bulk_cancel", { batch });
    announce(`Cancelled ${stopped} action${stopped === 1 ? "" : "s"} not sent yet.`);
    showProgress();
  });

  function showProgress() {
    if (!batch) return;
    const entries = entriesOfBatch(batch);
    const count = (state) => entries.filter((e) => e.state === state).length;
    const waiting = entries.filter((e) => e.state === "pending").length;
    const finished = entries.length - waiting;
    const progress = document.getElementById("bulk-progress");
    progress.max = Math.max(entries.length, 1);
    progress.value = finished;
    document.getElementById("bulk-counts").textContent =
      `${count("done")} done · ${count("failed")} failed · ${waiting} waiting · ${count("cancelled")} cancelled, of ${entries.length}`;
    if (waiting === 0) {
      document.getElementById("bulk-cancel").disabled = true;
    }
  }
  onHistoryChange(showProgress);
}

export function setUpViewSwitch() {
  const single = document.getElementById("view-single");
  const bulk = document.getElementById("view-bulk");
  const show = (bulkView) => {
    single.setAttribute("aria-pressed", String(!bulkView));
    bulk.setAttribute("aria-pressed", String(bulkView));
    document.getElementById("bulk-card").hidden = !bulkView;
    document.getElementById("action-card").hidden = bulkView;
  };
  single.addEventListener("click", () => show(false));
  bulk.addEventListener("click", () => show(true));
}
