// The one module of the window that knows Rust's error codes. Rust rejects a command with
// { code, message, ...fields }: `code` is one of its `ErrorCode` enum (snake_case) and `message`
// is plain words the window shows as they are. Every other module asks this one what a problem
// means for the screen, so a code added or renamed in Rust is one line to change here, and a
// Rust test compares the keys below with the enum.
//
// `field`: the form field the agent should fix (the module that shows the form maps the name to
// its own input), or null when nothing the agent typed is wrong. `waiting`: refused because
// actions still wait to be sent; the window offers to cancel them.
//
// The table keeps one code per line and no comments inside, because that Rust test reads its
// keys line by line between the opening line and the closing `});`.
export const ERROR_HANDLING = Object.freeze({
  identifier_empty: { field: "identifier" },
  identifier_kind_unknown: { field: "identifier" },
  phone_without_country_code: { field: "identifier" },
  phone_invalid: { field: "identifier" },
  email_invalid: { field: "identifier" },
  contact_id_invalid: { field: "identifier" },
  category_too_long: { field: "category" },
  summary_too_long: { field: "summary" },
  summary_without_category: { field: "category" },
  note_on_reopen: { field: "category" },
  category_control_characters: { field: "category" },
  token_empty: { field: "token" },
  token_has_spaces: { field: "token" },
  keychain_unavailable: { field: null },
  keychain_locked: { field: null },
  keychain_failed: { field: null },
  api_address_invalid: { field: "api-address" },
  api_address_insecure: { field: "api-address" },
  client_setup: { field: null },
  token_refused: { field: "token" },
  rate_limited: { field: null },
  unreachable: { field: null },
  unexpected_answer: { field: null },
  not_saved: { field: null },
  entry_not_found: { field: null },
  entry_not_retryable: { field: null },
  already_running: { field: null },
  history_limit_out_of_range: { field: "history-size" },
  settings_not_saved: { field: null },
  workspace_not_found: { field: null },
  workspace_name_invalid: { field: "workspace-name" },
  closing_category_required: { field: "category" },
  closing_summary_required: { field: "summary" },
  actions_still_waiting: { field: null, waiting: true },
  last_workspace: { field: null },
  shortcut_invalid: { field: null },
  shortcut_refused: { field: null },
  shortcut_unavailable: { field: null },
  autostart_failed: { field: null },
  bulk_empty: { field: "bulk-input" },
  bulk_too_many_rows: { field: "bulk-input" },
  bulk_file_too_large: { field: null },
  bulk_csv_unreadable: { field: null },
  bulk_file_unreadable: { field: null },
  bulk_nothing_ready: { field: "bulk-input" },
  log_folder_unavailable: { field: null },
  export_failed: { field: null },
  internal: { field: null },
});

const INTERNAL_MESSAGE = "Something went wrong inside the app. Try again.";

function known(code) {
  return typeof code === "string" && Object.hasOwn(ERROR_HANDLING, code);
}

/**
 * Turns anything `invoke` threw into { code, message, ...fields }, with `code` always one of
 * ERROR_HANDLING's keys, so the rest of the window never has to guess.
 */
export function toProblem(error) {
  const isRustAnswer = error !== null && typeof error === "object" && !(error instanceof Error);
  if (isRustAnswer && known(error.code) && typeof error.message === "string" && error.message) {
    return { ...error };
  }
  // Kept for whoever opens the developer tools: the agent only sees plain words.
  console.warn("An error the window does not know:", error);
  // A Rust answer with a code this window does not know yet still carries plain words (every
  // Rust error does); anything else (a string from Tauri itself, a script error) is not meant
  // for the agent.
  const message = isRustAnswer && typeof error.message === "string" && error.message.trim()
    ? error.message
    : INTERNAL_MESSAGE;
  return { code: "internal", message };
}

/** The form field the agent should fix for this problem (see ERROR_HANDLING), or null. */
export function fieldToFix(problem) {
  return known(problem?.code) ? ERROR_HANDLING[problem.code].field : null;
}

/** How many actions still wait, when that is why the problem refused; else 0. */
export function actionsWaiting(problem) {
  return known(problem?.code) && ERROR_HANDLING[problem.code].waiting ? problem.count : 0;
}
