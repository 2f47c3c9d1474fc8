//! The contract between Rust and the window, written from the Rust types themselves: every
//! value the window branches on (states, event tags, reasons, notices, sources…) and every
//! limit it shows, as `ui/contract.js`, which the window's modules import instead of typing
//! the strings. A test below fails while the file differs from what the types say;
//! `AELYST_WRITE_CONTRACT=1 cargo test -p aelyst-core --lib contract` writes it again.
//!
//! Each value is what serde writes for the type (read back from `serde_json`), so a rename in
//! Rust changes the file. Enums with data are listed through their strum discriminants, whose
//! variants a `match` turns into one sample each: a new variant does not compile until it has
//! one. The error codes stay in `ui/errors.js`, which a test of the app compares with
//! [`crate::ErrorCode`].

use serde::Serialize;
use strum::IntoEnumIterator;

use crate::api::{
    Action, IdentifierKind, Reason, ReasonDiscriminants, RetryReason, RetryReasonDiscriminants,
    StatusChange, CATEGORY_MAX_CHARS, MAX_TOKEN_CHARS, SUMMARY_MAX_CHARS,
};
use crate::handoff::{
    FormFill, FormFillDiscriminants, LinkProblem, Note, NoteDiscriminants, Source,
};
use crate::keychain::FailCause;
use crate::my_conversations::{ListState, Trigger, WINDOW_TIMER_MS};
use crate::notice::{Notice, NoticeDiscriminants};
use crate::outbox::{
    Entry, EntryState, HistoryEvent, HistoryEventDiscriminants, Pause, PauseDiscriminants,
    DEFAULT_HISTORY_LIMIT,
};
use crate::settings::{SetAsideWhy, HISTORY_LIMIT_RANGE};
use crate::update::{UpdateStatus, UpdateStatusDiscriminants};
use crate::workspace::{ClosingRule, NAME_MAX_CHARS};
use crate::{AppError, ErrorCode};

/// Where the window's copy lives, from this crate's folder.
pub const WINDOW_FILE: &str = "../../ui/contract.js";

/// One set of values the window branches on: `NAME: "value"` for each variant.
pub struct Group {
    /// The JavaScript name (`ENTRY_STATE`).
    pub name: &'static str,
    /// What the values are, and the Rust type they come from.
    pub doc: &'static str,
    /// The variant's name in SCREAMING_SNAKE_CASE, and the value Rust sends or accepts.
    pub values: Vec<(String, String)>,
}

impl Group {
    /// The values alone, in the order Rust declares them.
    pub fn values(&self) -> Vec<&str> {
        self.values.iter().map(|(_, v)| v.as_str()).collect()
    }
}

/// Every group, in the order the file has them.
pub fn groups() -> Vec<Group> {
    vec![
        unit::<Action>("ACTION", "What an action does (`Action`)."),
        unit::<IdentifierKind>(
            "IDENTIFIER_KIND",
            "How a contact is named (`IdentifierKind`).",
        ),
        unit::<EntryState>("ENTRY_STATE", "An action's state in the history (`EntryState`)."),
        tagged("HISTORY_EVENT", "The history's events, by `type` (`HistoryEvent`).", "type", |d| {
            match d {
                HistoryEventDiscriminants::Upsert => HistoryEvent::Upsert {
                    entry: Box::new(sample_entry()),
                },
                HistoryEventDiscriminants::Removed => HistoryEvent::Removed { ids: Vec::new() },
                HistoryEventDiscriminants::Paused => HistoryEvent::Paused { pause: None },
            }
        }),
        tagged("PAUSE", "Why sending is on hold, by `kind` (`Pause`).", "kind", |d| match d {
            PauseDiscriminants::NoToken => Pause::NoToken,
            PauseDiscriminants::TokenRejected => Pause::TokenRejected,
            PauseDiscriminants::Keychain => Pause::Keychain {
                problem: sample_error(),
            },
        }),
        tagged(
            "REASON",
            "Why an action waits or did not go through, by `code` (`Reason`).",
            "code",
            sample_reason,
        ),
        Group {
            name: "RETRY_REASON",
            doc: "Why a read will be tried again: the `reason` of an `unreachable` error (`RetryReason::word`).",
            values: RetryReasonDiscriminants::iter()
                .map(|d| (screaming(&format!("{d:?}")), sample_retry(d).word().to_owned()))
                .collect(),
        },
        unit::<FailCause>(
            "KEYCHAIN_FAIL_CAUSE",
            "Why the keychain could not do it: the `cause` of a `keychain_failed` error (`FailCause`).",
        ),
        unit::<ListState>("LIST_STATE", "What My conversations can show (`my_conversations::ListState`)."),
        unit::<Trigger>(
            "LIST_TRIGGER",
            "Why the window asks for My conversations (`my_conversations::Trigger`).",
        ),
        tagged("FORM_FILL", "What a handoff shows, by `type` (`handoff::FormFill`).", "type", |d| {
            match d {
                FormFillDiscriminants::Contact => FormFill::Contact {
                    kind: IdentifierKind::Id,
                    value: "1".into(),
                },
                FormFillDiscriminants::Note => FormFill::Note {
                    note: Note::NoContact,
                    source: Source::Clipboard,
                },
                FormFillDiscriminants::Entry => FormFill::Entry {
                    workspace: String::new(),
                    id: String::new(),
                },
            }
        }),
        tagged(
            "HANDOFF_NOTE",
            "Why a handoff gave no contact, by `code` (`handoff::Note`).",
            "code",
            sample_note,
        ),
        unit::<Source>(
            "HANDOFF_SOURCE",
            "Where a handed-over contact came from (`handoff::Source`).",
        ),
        unit::<LinkProblem>(
            "LINK_PROBLEM",
            "What is wrong with a link: the `why` of a `link_refused` note (`handoff::LinkProblem`).",
        ),
        tagged(
            "NOTICE",
            "What start-up found, by `code` (`notice::Notice`).",
            "code",
            sample_notice,
        ),
        unit::<SetAsideWhy>(
            "SET_ASIDE_WHY",
            "Why a workspace was set aside (`settings::SetAsideWhy`).",
        ),
        unit::<ClosingRule>(
            "CLOSING_RULE",
            "What a workspace's close needs (`workspace::ClosingRule`).",
        ),
        unit::<crate::bulk::Source>("BULK_SOURCE", "Where Bulk's rows come from (`bulk::Source`)."),
        unit::<crate::policy::Setting>(
            "POLICY_SETTING",
            "What IT's policies can lock or turn off (`policy::Setting`).",
        ),
        tagged(
            "UPDATE_STATUS",
            "What Settings says about updates, by `kind` (`update::UpdateStatus`).",
            "kind",
            |d| match d {
                UpdateStatusDiscriminants::BySystem => UpdateStatus::BySystem,
                UpdateStatusDiscriminants::NotChecked => UpdateStatus::NotChecked,
                UpdateStatusDiscriminants::UpToDate => UpdateStatus::UpToDate,
                UpdateStatusDiscriminants::Available => UpdateStatus::Available {
                    version: String::new(),
                },
            },
        ),
    ]
}

/// Every limit the window shows or enforces: name, what it is, value.
pub fn limits() -> Vec<(&'static str, &'static str, u64)> {
    let count = |n: usize| n as u64;
    vec![
        (
            "CATEGORY_MAX",
            "A closing category's length, in UTF-16 units (as `maxlength` counts).",
            count(CATEGORY_MAX_CHARS),
        ),
        (
            "SUMMARY_MAX",
            "A closing summary's length, in UTF-16 units.",
            count(SUMMARY_MAX_CHARS),
        ),
        (
            "WORKSPACE_NAME_MAX",
            "A workspace's name, in characters.",
            count(NAME_MAX_CHARS),
        ),
        (
            "TOKEN_MAX",
            "An API token, in characters.",
            count(MAX_TOKEN_CHARS),
        ),
        (
            "HISTORY_LIMIT_MIN",
            "The fewest actions the history keeps.",
            count(*HISTORY_LIMIT_RANGE.start()),
        ),
        (
            "HISTORY_LIMIT_MAX",
            "The most actions the history keeps.",
            count(*HISTORY_LIMIT_RANGE.end()),
        ),
        (
            "HISTORY_LIMIT_DEFAULT",
            "What the history keeps unless the agent says otherwise.",
            count(DEFAULT_HISTORY_LIMIT),
        ),
        (
            "LIST_TIMER_MS",
            "How often My conversations asks for the list while it is shown.",
            WINDOW_TIMER_MS,
        ),
    ]
}

/// `ui/contract.js`, as the Rust types say it should be.
pub fn window_module() -> String {
    let mut out = String::from(
        "// The contract between Rust and the window: every value the window branches on and every\n\
         // limit it shows, generated from the Rust types by crates/aelyst-core/src/contract.rs.\n\
         // Do not edit: `AELYST_WRITE_CONTRACT=1 cargo test -p aelyst-core --lib contract` writes\n\
         // it again, and that test fails while this file differs from the types.\n",
    );
    out.push_str(
        "\n/** The languages the app speaks, as `<html lang>` and the catalogs name them. */\n",
    );
    out.push_str("export const LANGUAGES = Object.freeze([");
    let languages: Vec<String> = crate::language::LANGUAGES
        .iter()
        .map(|l| format!("\"{l}\""))
        .collect();
    out.push_str(&languages.join(", "));
    out.push_str("]);\n");
    out.push_str("\n/** Limits, as Rust checks them. */\nexport const LIMITS = Object.freeze({\n");
    for (name, doc, value) in limits() {
        out.push_str(&format!("  /** {doc} */\n  {name}: {value},\n"));
    }
    out.push_str("});\n");
    for group in groups() {
        out.push_str(&format!(
            "\n/** {} */\nexport const {} = Object.freeze({{\n",
            group.doc, group.name
        ));
        for (key, value) in &group.values {
            out.push_str(&format!("  {key}: \"{value}\",\n"));
        }
        out.push_str("});\n");
    }
    out
}

/// A unit enum: each variant's serde value.
fn unit<T: IntoEnumIterator + Serialize + std::fmt::Debug>(
    name: &'static str,
    doc: &'static str,
) -> Group {
    Group {
        name,
        doc,
        values: T::iter()
            .map(|v| (screaming(&format!("{v:?}")), serialised(&v, None)))
            .collect(),
    }
}

/// An enum with data, tagged by `tag`: one sample per discriminant.
fn tagged<D: IntoEnumIterator + std::fmt::Debug, T: Serialize>(
    name: &'static str,
    doc: &'static str,
    tag: &str,
    sample: impl Fn(D) -> T,
) -> Group {
    Group {
        name,
        doc,
        values: D::iter()
            .map(|d| {
                (
                    screaming(&format!("{d:?}")),
                    serialised(&sample(d), Some(tag)),
                )
            })
            .collect(),
    }
}

/// The string serde writes for `value`, or for its `tag` field.
fn serialised<T: Serialize>(value: &T, tag: Option<&str>) -> String {
    let json = serde_json::to_value(value).expect("contract values serialise");
    let field = match tag {
        Some(tag) => &json[tag],
        None => &json,
    };
    field
        .as_str()
        .unwrap_or_else(|| panic!("{json} has no string {tag:?}"))
        .to_owned()
}

/// `NoToken` → `NO_TOKEN`.
fn screaming(ident: &str) -> String {
    let mut out = String::new();
    for (i, c) in ident.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_uppercase());
    }
    out
}

fn sample_error() -> AppError {
    AppError::new(ErrorCode::KeychainLocked, "")
}

fn sample_entry() -> Entry {
    Entry::new(
        1,
        0,
        crate::api::Identifier::parse("id:1").expect("a contact ID"),
        StatusChange::new(Action::Close, None, None).expect("a close without a note"),
    )
}

fn sample_reason(d: ReasonDiscriminants) -> Reason {
    use ReasonDiscriminants as D;
    match d {
        D::RateLimited => Reason::RateLimited,
        D::Queued => Reason::Queued,
        D::ServerError => Reason::ServerError { status: 500 },
        D::Timeout => Reason::Timeout,
        D::Network => Reason::Network,
        D::TokenRefused => Reason::TokenRefused,
        D::Refused => Reason::Refused {
            status: 400,
            server_message: None,
        },
        D::NoContact => Reason::NoContact,
        D::ServerKeptFailing => Reason::ServerKeptFailing {
            status: 500,
            tries: 1,
        },
        D::Cancelled => Reason::Cancelled,
        D::NotRecorded => Reason::NotRecorded,
        D::Legacy => Reason::Legacy {
            text: String::new(),
        },
        D::OtherAddress => Reason::OtherAddress {
            address: String::new(),
        },
    }
}

fn sample_retry(d: RetryReasonDiscriminants) -> RetryReason {
    use RetryReasonDiscriminants as D;
    match d {
        D::RateLimited => RetryReason::RateLimited,
        D::Queued => RetryReason::Queued,
        D::ServerError => RetryReason::ServerError { status: 500 },
        D::Timeout => RetryReason::Timeout,
        D::Network => RetryReason::Network,
    }
}

fn sample_note(d: NoteDiscriminants) -> Note {
    use NoteDiscriminants as D;
    match d {
        D::NoContact => Note::NoContact,
        D::NotUsable => Note::NotUsable {
            problem: sample_error(),
        },
        D::ContactMissing => Note::ContactMissing,
        D::LinkRefused => Note::LinkRefused {
            why: LinkProblem::Malformed,
        },
    }
}

fn sample_notice(d: NoticeDiscriminants) -> Notice {
    use NoticeDiscriminants as D;
    match d {
        D::SettingsUnreadable => Notice::SettingsUnreadable {
            path: String::new(),
        },
        D::AddressVariableInvalid => Notice::AddressVariableInvalid {
            variable: "",
            problem: sample_error(),
        },
        D::PreferencesRestored => Notice::PreferencesRestored {
            path: String::new(),
        },
        D::PreferencesUnreadable => Notice::PreferencesUnreadable {
            path: String::new(),
        },
        D::HistoryUnreadable => Notice::HistoryUnreadable {
            workspace: String::new(),
            path: String::new(),
        },
        D::UpdateInstalled => Notice::UpdateInstalled,
        D::WorkspaceSetAside => Notice::WorkspaceSetAside {
            workspace: String::new(),
            why: SetAsideWhy::Unreadable,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_windows_contract_is_what_the_rust_types_say() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(WINDOW_FILE);
        let want = window_module();
        if std::env::var_os("AELYST_WRITE_CONTRACT").is_some() {
            std::fs::write(&path, &want).unwrap();
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        // Compared by line, so a checkout with Windows line ends is not "stale".
        assert!(
            have.lines().eq(want.lines()),
            "ui/contract.js is stale: run AELYST_WRITE_CONTRACT=1 cargo test -p aelyst-core --lib contract"
        );
    }

    #[test]
    fn values_are_what_serde_writes() {
        let groups = groups();
        let get = |name: &str| groups.iter().find(|g| g.name == name).unwrap();
        assert_eq!(
            get("PAUSE").values,
            [
                ("NO_TOKEN".to_owned(), "noToken".to_owned()),
                ("TOKEN_REJECTED".to_owned(), "tokenRejected".to_owned()),
                ("KEYCHAIN".to_owned(), "keychain".to_owned()),
            ]
        );
        assert_eq!(
            get("CLOSING_RULE").values(),
            ["optional", "category", "category-summary", "newer"]
        );
        assert_eq!(
            get("RETRY_REASON").values(),
            [
                "rate_limited",
                "queued",
                "server_error",
                "timeout",
                "network"
            ]
        );
        assert_eq!(
            get("HANDOFF_SOURCE").values(),
            ["command_line", "link", "clipboard"]
        );
        // Every name is unique within its group, and every group has values.
        for group in &groups {
            let mut keys: Vec<&str> = group.values.iter().map(|(k, _)| k.as_str()).collect();
            keys.sort_unstable();
            keys.dedup();
            assert_eq!(keys.len(), group.values.len(), "{}", group.name);
            assert!(!keys.is_empty(), "{}", group.name);
        }
    }
}
