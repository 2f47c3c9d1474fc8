// The one module of the window that knows the codes Rust sends: error codes (a refused command
// rejects with { code, ...fields }: `code` is one of its `ErrorCode` enum, snake_case, and the
// fields are what its sentence needs), and the codes of history reasons, start-up notices and
// handoff notes. It turns each into words in the agent's language (ui/locales/), so a code added
// or renamed in Rust is one line to change here, and a Rust test compares the keys below with
// the enum (another checks that no other module reads a code).
//
// `field`: the form field the agent should fix (the module that shows the form maps the name to
// its own input), or null when nothing the agent typed is wrong. `waiting`: refused because
// actions still wait to be sent; the window offers to cancel them.
//
// The table keeps one code per line and no comments inside, because that Rust test reads its
// keys line by line between the opening line and the closing `});`.
import { formatMegabytes, hasWords, t } from "./i18n.js";
import { contactWords } from "./words.js";
import {
  HANDOFF_NOTE, HANDOFF_SOURCE, KEYCHAIN_FAIL_CAUSE, LINK_PROBLEM, PAUSE, REASON, RETRY_REASON,
} from "./contract.js";

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
  token_too_long: { field: "token" },
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
  answer_too_large: { field: null },
  not_saved: { field: null },
  entry_not_found: { field: null },
  entry_not_retryable: { field: null },
  entry_other_address: { field: null },
  entry_address_unknown: { field: null },
  already_running: { field: null },
  history_limit_out_of_range: { field: "history-size" },
  settings_not_saved: { field: null },
  language_unknown: { field: null },
  workspace_not_found: { field: null },
  workspace_name_invalid: { field: "workspace-name" },
  closing_category_required: { field: "category" },
  closing_summary_required: { field: "summary" },
  actions_still_waiting: { field: null, waiting: true },
  last_workspace: { field: null },
  workspace_address_changed: { field: null },
  shortcut_invalid: { field: null },
  shortcut_too_plain: { field: null },
  shortcut_refused: { field: null },
  shortcut_unavailable: { field: null },
  shortcut_wayland_limited: { field: null },
  autostart_failed: { field: null },
  bulk_empty: { field: "bulk-input" },
  bulk_too_many_rows: { field: "bulk-input" },
  bulk_file_too_large: { field: null },
  bulk_csv_unreadable: { field: null },
  bulk_file_unreadable: { field: null },
  bulk_nothing_ready: { field: "bulk-input" },
  bulk_row_kind_unknown: { field: "bulk-input" },
  bulk_row_repeated: { field: "bulk-input" },
  set_by_organization: { field: null },
  update_refused: { field: null },
  update_failed: { field: null },
  update_waits_for_actions: { field: null },
  log_folder_unavailable: { field: null },
  export_failed: { field: null },
  internal: { field: null },
});

function known(code) {
  return typeof code === "string" && Object.hasOwn(ERROR_HANDLING, code);
}

/**
 * Turns anything `invoke` threw into { code, ...fields }, with `code` always one of
 * ERROR_HANDLING's keys, so the rest of the window never has to guess.
 */
export function toProblem(error) {
  const isRustAnswer = error !== null && typeof error === "object" && !(error instanceof Error);
  if (isRustAnswer && known(error.code)) {
    return { ...error };
  }
  // Kept for whoever opens the developer tools: the agent only sees plain words. A code this
  // window does not know yet, a string from Tauri itself, a script error: none has words here.
  console.warn("An error the window does not know:", error);
  return { code: "internal" };
}

/** One of `allowed`'s values, or `otherwise`: a sub-key is never built from a word Rust made up. */
const oneOf = (word, allowed, otherwise) => (Object.values(allowed).includes(word) ? word : otherwise);

/** The words for a problem, in the agent's language. */
export function problemText(problem) {
  const code = known(problem?.code) ? problem.code : "internal";
  if (code === "keychain_failed") {
    return t(`error.keychain_failed.${oneOf(problem.cause, KEYCHAIN_FAIL_CAUSE, KEYCHAIN_FAIL_CAUSE.OTHER)}`);
  }
  if (code === "unreachable") {
    const reason = oneOf(problem.reason, RETRY_REASON, RETRY_REASON.NETWORK);
    return t(`error.unreachable.${reason}`);
  }
  if (code === "bulk_file_too_large" || code === "answer_too_large") {
    return t(`error.${code}`, { size: formatMegabytes(problem.limit) });
  }
  return t(`error.${code}`, problem);
}

/** The form field the agent should fix for this problem (see ERROR_HANDLING), or null. */
export function fieldToFix(problem) {
  return known(problem?.code) ? ERROR_HANDLING[problem.code].field : null;
}

/** How many actions still wait, when that is why the problem refused; else 0. */
export function actionsWaiting(problem) {
  return known(problem?.code) && ERROR_HANDLING[problem.code].waiting ? problem.count : 0;
}

/**
 * Why a history entry waits or did not go through: `reason` is null or { code, ...fields }
 * (see `Reason` in the core's api/outcome.rs). Some words name the entry's own contact.
 */
export function reasonText(reason, entry) {
  if (!reason) return "";
  switch (reason.code) {
    case REASON.LEGACY:
      // Words an earlier version saved, in the language it spoke then.
      return reason.text ?? "";
    case REASON.NO_CONTACT:
      return t("reason.no_contact", { contact: contactWords(entry.identifier) });
    case REASON.SERVER_KEPT_FAILING:
      return t("reason.server_kept_failing", { status: reason.status, count: reason.tries });
    case REASON.REFUSED: {
      // Aelyst's own words, when it gave some, come after ours as they are.
      const said = typeof reason.serverMessage === "string" && reason.serverMessage.trim() !== "";
      const fields = { status: reason.status, serverMessage: reason.serverMessage };
      if (reason.status === 400) return t(said ? "reason.refused_said" : "reason.refused", fields);
      return t(said ? "reason.refused_status_said" : "reason.refused_status", fields);
    }
    default: {
      const key = `reason.${reason.code}`;
      if (hasWords(key)) return t(key, reason);
      console.warn("A reason the window does not know:", reason);
      return "";
    }
  }
}

/** Whether the reason's own words already name the address the entry was made for. */
export function reasonNamesItsAddress(reason) {
  return reason?.code === REASON.OTHER_ADDRESS;
}

/** Why sending is on hold: { kind: one of PAUSE, problem? }. */
export function pauseText(pause) {
  if (pause.kind === PAUSE.KEYCHAIN) return problemText(pause.problem);
  if (pause.kind === PAUSE.TOKEN_REJECTED) return t("reason.token_refused");
  return t("history.pause_no_token");
}

/** A start-up notice: { code: one of NOTICE, ...fields } (see the core's notice.rs). */
export function noticeText(notice) {
  const problem = notice.problem ? problemText(notice.problem) : undefined;
  return t(`notice.${notice.code}`, { ...notice, problem });
}

/** The note the form shows when a handoff brought no usable contact. */
export function handoffNoteText(note) {
  const source = t(`handoff.source.${oneOf(note.source, HANDOFF_SOURCE, HANDOFF_SOURCE.CLIPBOARD)}`);
  switch (note.code) {
    case HANDOFF_NOTE.NOT_USABLE:
      // Rust leaves out the text itself (a password copied by mistake is not put on screen),
      // so the two codes whose words would quote it have words of their own here.
      if (["phone_invalid", "email_invalid"].includes(note.problem?.code)) {
        return t(`handoff.not_usable.${note.problem.code}`, { source });
      }
      return t("handoff.not_usable", { source, problem: problemText(note.problem) });
    case HANDOFF_NOTE.CONTACT_MISSING:
      return t("handoff.contact_missing");
    case HANDOFF_NOTE.LINK_REFUSED:
      return t(`handoff.link_refused.${oneOf(note.why, LINK_PROBLEM, LINK_PROBLEM.MALFORMED)}`);
    default:
      return t("handoff.no_contact", { source });
  }
}
