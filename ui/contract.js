// The contract between Rust and the window: every value the window branches on and every
// limit it shows, generated from the Rust types by crates/aelyst-core/src/contract.rs.
// Do not edit: `AELYST_WRITE_CONTRACT=1 cargo test -p aelyst-core --lib contract` writes
// it again, and that test fails while this file differs from the types.

/** The languages the app speaks, as `<html lang>` and the catalogs name them. */
export const LANGUAGES = Object.freeze(["en", "ms", "id", "pt-BR", "es"]);

/** Limits, as Rust checks them. */
export const LIMITS = Object.freeze({
  /** A closing category's length, in UTF-16 units (as `maxlength` counts). */
  CATEGORY_MAX: 128,
  /** A closing summary's length, in UTF-16 units. */
  SUMMARY_MAX: 512,
  /** A workspace's name, in characters. */
  WORKSPACE_NAME_MAX: 60,
  /** An API token, in characters. */
  TOKEN_MAX: 1024,
  /** The fewest actions the history keeps. */
  HISTORY_LIMIT_MIN: 10,
  /** The most actions the history keeps. */
  HISTORY_LIMIT_MAX: 100000,
  /** What the history keeps unless the agent says otherwise. */
  HISTORY_LIMIT_DEFAULT: 1000,
  /** How often My conversations asks for the list while it is shown. */
  LIST_TIMER_MS: 120000,
});

/** What an action does (`Action`). */
export const ACTION = Object.freeze({
  OPEN: "open",
  CLOSE: "close",
});

/** How a contact is named (`IdentifierKind`). */
export const IDENTIFIER_KIND = Object.freeze({
  PHONE: "phone",
  EMAIL: "email",
  ID: "id",
});

/** An action's state in the history (`EntryState`). */
export const ENTRY_STATE = Object.freeze({
  PENDING: "pending",
  DONE: "done",
  FAILED: "failed",
  CANCELLED: "cancelled",
});

/** The history's events, by `type` (`HistoryEvent`). */
export const HISTORY_EVENT = Object.freeze({
  UPSERT: "upsert",
  REMOVED: "removed",
  PAUSED: "paused",
});

/** Why sending is on hold, by `kind` (`Pause`). */
export const PAUSE = Object.freeze({
  NO_TOKEN: "noToken",
  TOKEN_REJECTED: "tokenRejected",
  KEYCHAIN: "keychain",
});

/** Why an action waits or did not go through, by `code` (`Reason`). */
export const REASON = Object.freeze({
  RATE_LIMITED: "rate_limited",
  QUEUED: "queued",
  SERVER_ERROR: "server_error",
  TIMEOUT: "timeout",
  NETWORK: "network",
  TOKEN_REFUSED: "token_refused",
  REFUSED: "refused",
  NO_CONTACT: "no_contact",
  SERVER_KEPT_FAILING: "server_kept_failing",
  CANCELLED: "cancelled",
  NOT_RECORDED: "not_recorded",
  LEGACY: "legacy",
  OTHER_ADDRESS: "other_address",
});

/** Why a read will be tried again: the `reason` of an `unreachable` error (`RetryReason::word`). */
export const RETRY_REASON = Object.freeze({
  RATE_LIMITED: "rate_limited",
  QUEUED: "queued",
  SERVER_ERROR: "server_error",
  TIMEOUT: "timeout",
  NETWORK: "network",
});

/** Why the keychain could not do it: the `cause` of a `keychain_failed` error (`FailCause`). */
export const KEYCHAIN_FAIL_CAUSE = Object.freeze({
  UNREADABLE: "unreadable",
  AMBIGUOUS: "ambiguous",
  OTHER: "other",
});

/** What My conversations can show (`my_conversations::ListState`). */
export const LIST_STATE = Object.freeze({
  OK: "ok",
  SKIPPED: "skipped",
  UNAVAILABLE: "unavailable",
  NO_TOKEN: "noToken",
  NO_ME: "noMe",
});

/** Why the window asks for My conversations (`my_conversations::Trigger`). */
export const LIST_TRIGGER = Object.freeze({
  ASKED: "asked",
  FOCUS: "focus",
  TIMER: "timer",
});

/** What a handoff shows, by `type` (`handoff::FormFill`). */
export const FORM_FILL = Object.freeze({
  CONTACT: "contact",
  NOTE: "note",
  ENTRY: "entry",
});

/** Why a handoff gave no contact, by `code` (`handoff::Note`). */
export const HANDOFF_NOTE = Object.freeze({
  NO_CONTACT: "no_contact",
  NOT_USABLE: "not_usable",
  CONTACT_MISSING: "contact_missing",
  LINK_REFUSED: "link_refused",
});

/** Where a handed-over contact came from (`handoff::Source`). */
export const HANDOFF_SOURCE = Object.freeze({
  COMMAND_LINE: "command_line",
  LINK: "link",
  CLIPBOARD: "clipboard",
});

/** What is wrong with a link: the `why` of a `link_refused` note (`handoff::LinkProblem`). */
export const LINK_PROBLEM = Object.freeze({
  MALFORMED: "malformed",
  NOT_OURS: "not_ours",
  NOT_CLOSE: "not_close",
  TWO_CONTACTS: "two_contacts",
  EXTRA: "extra",
  NO_CONTACT: "no_contact",
  TURNED_OFF: "turned_off",
});

/** What start-up found, by `code` (`notice::Notice`). */
export const NOTICE = Object.freeze({
  SETTINGS_UNREADABLE: "settings_unreadable",
  ADDRESS_VARIABLE_INVALID: "address_variable_invalid",
  PREFERENCES_RESTORED: "preferences_restored",
  PREFERENCES_UNREADABLE: "preferences_unreadable",
  HISTORY_UNREADABLE: "history_unreadable",
  UPDATE_INSTALLED: "update_installed",
  WORKSPACE_SET_ASIDE: "workspace_set_aside",
});

/** Why a workspace was set aside (`settings::SetAsideWhy`). */
export const SET_ASIDE_WHY = Object.freeze({
  UNREADABLE: "unreadable",
  ADDRESS_REFUSED: "address_refused",
});

/** What a workspace's close needs (`workspace::ClosingRule`). */
export const CLOSING_RULE = Object.freeze({
  OPTIONAL: "optional",
  CATEGORY: "category",
  CATEGORY_SUMMARY: "category-summary",
  NEWER: "newer",
});

/** Where Bulk's rows come from (`bulk::Source`). */
export const BULK_SOURCE = Object.freeze({
  LINES: "lines",
  CSV: "csv",
});

/** What IT's policies can lock or turn off (`policy::Setting`). */
export const POLICY_SETTING = Object.freeze({
  WORKSPACE: "workspace",
  API_ADDRESS: "api_address",
  ADD_WORKSPACE: "add_workspace",
  GLOBAL_SHORTCUT: "global_shortcut",
  LANGUAGE: "language",
  START_WITH_COMPUTER: "start_with_computer",
  HISTORY_LIMIT: "history_limit",
  BULK: "bulk",
  CSV_IMPORT: "csv_import",
  EXPORT: "export",
  LINKS: "links",
  UPDATES: "updates",
});

/** What Settings says about updates, by `kind` (`update::UpdateStatus`). */
export const UPDATE_STATUS = Object.freeze({
  BY_SYSTEM: "by_system",
  NOT_CHECKED: "not_checked",
  UP_TO_DATE: "up_to_date",
  AVAILABLE: "available",
});
