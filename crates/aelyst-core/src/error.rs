//! The one shape every error takes on its way to the window: a stable [`ErrorCode`] the window
//! can branch on (`ui/errors.js` handles each one) and the fields its sentence needs (a limit, a
//! line, the value typed). The window turns the two into words in the agent's language; Rust
//! keeps an English `message` for its own log only.
//!
//! Each domain error enum says its code through [`Coded`]; the shell turns any of them into an
//! [`AppError`] with `?`.

use std::collections::BTreeMap;

use serde::Serialize;

/// Every code that can reach the window. Serialised in snake_case; `ui/errors.js` has exactly
/// these keys (a test in `tests/ui_contract.rs` fails when the two differ).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, strum::EnumIter, strum::IntoStaticStr,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ErrorCode {
    // The contact typed in the form or a bulk row.
    IdentifierEmpty,
    IdentifierKindUnknown,
    PhoneWithoutCountryCode,
    PhoneInvalid,
    EmailInvalid,
    ContactIdInvalid,
    // The closing note.
    CategoryTooLong,
    SummaryTooLong,
    SummaryWithoutCategory,
    NoteOnReopen,
    CategoryControlCharacters,
    // The token as pasted, and the keychain that keeps it.
    TokenEmpty,
    TokenHasSpaces,
    /// Longer than a token can be, or than the keychain keeps with its address.
    TokenTooLong,
    KeychainUnavailable,
    KeychainLocked,
    KeychainFailed,
    // The API address and the connection.
    ApiAddressInvalid,
    ApiAddressInsecure,
    ClientSetup,
    // Reads from the API (closing notes, contact preview).
    TokenRefused,
    RateLimited,
    Unreachable,
    UnexpectedAnswer,
    /// An answer longer than the client reads (`limit` bytes).
    AnswerTooLarge,
    // The outbox.
    NotSaved,
    EntryNotFound,
    EntryNotRetryable,
    /// Try again on an action made for an address the workspace no longer uses.
    EntryOtherAddress,
    /// Try again on an action an earlier version finished without recording its address.
    EntryAddressUnknown,
    AlreadyRunning,
    // Settings.
    HistoryLimitOutOfRange,
    SettingsNotSaved,
    LanguageUnknown,
    // Workspaces and their closing rule.
    WorkspaceNotFound,
    WorkspaceNameInvalid,
    ClosingCategoryRequired,
    ClosingSummaryRequired,
    ActionsStillWaiting,
    LastWorkspace,
    /// A token typed for the address shown, which is no longer the workspace's.
    WorkspaceAddressChanged,
    // The global shortcut.
    ShortcutInvalid,
    /// Shift alone, or no modifier: it would go off while the agent types.
    ShortcutTooPlain,
    ShortcutRefused,
    ShortcutUnavailable,
    /// Not a refusal: the shortcut is on, but a Wayland session may not pass it to the app.
    ShortcutWaylandLimited,
    AutostartFailed,
    // Bulk runs.
    BulkEmpty,
    BulkTooManyRows,
    BulkFileTooLarge,
    BulkCsvUnreadable,
    BulkFileUnreadable,
    BulkNothingReady,
    /// A bulk row: the kind of contact can't be told (bulk rows have no kind chooser).
    BulkRowKindUnknown,
    /// A bulk row names the contact of an earlier row (`first`).
    BulkRowRepeated,
    /// A setting a policy locked ("Set by your organization"; `setting` says which).
    SetByOrganization,
    // Updates (the in-app updater, Windows and macOS).
    /// A fetched update that is not what the app's key signed for the version offered.
    UpdateRefused,
    /// The update could not be checked, fetched or installed (`detail`: what went wrong).
    UpdateFailed,
    /// Actions are still waiting: the update installs when the app next starts.
    UpdateWaitsForActions,
    // The shell's own work.
    LogFolderUnavailable,
    ExportFailed,
    Internal,
}

impl ErrorCode {
    /// Every code, for the contract test with the window.
    pub fn all() -> impl Iterator<Item = Self> {
        <Self as strum::IntoEnumIterator>::iter()
    }

    /// The name the window sees (`"phone_invalid"`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The fields a message needs, by name (`{"limit": 128, "length": 140}`).
pub type Fields = BTreeMap<&'static str, serde_json::Value>;

/// Implemented by each domain error enum: its code, and the fields its message uses.
pub trait Coded: std::fmt::Display {
    fn code(&self) -> ErrorCode;

    fn fields(&self) -> Fields {
        Fields::new()
    }
}

/// What the window receives when a command fails: `{code, …fields}`. The window words it in
/// the agent's language (`ui/locales/`); `message` is the English sentence for the log and
/// for tests, and never reaches the window.
#[derive(Clone, PartialEq, Eq, Serialize)]
pub struct AppError {
    pub code: ErrorCode,
    #[serde(skip)]
    pub message: String,
    #[serde(flatten)]
    pub fields: Fields,
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
            fields: Fields::new(),
        }
    }

    /// Something failed inside the app (a task that panicked): nothing the agent did.
    pub fn internal() -> Self {
        Self::new(
            ErrorCode::Internal,
            "Something went wrong inside the app. Try again.",
        )
    }
}

impl<E: Coded> From<E> for AppError {
    fn from(err: E) -> Self {
        Self {
            code: err.code(),
            message: err.to_string(),
            fields: err.fields(),
        }
    }
}

/// The code and the names of the fields, never their values (a field can hold what the agent
/// typed, a contact): this is what the log shows of a failed command.
impl std::fmt::Debug for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppError")
            .field("code", &self.code)
            .field("fields", &self.fields.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl std::fmt::Display for AppError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for AppError {}

/// Builds [`Fields`] from `name => value` pairs.
#[macro_export]
macro_rules! fields {
    ($($name:literal => $value:expr),* $(,)?) => {{
        let mut fields = $crate::error::Fields::new();
        $(fields.insert($name, ::serde_json::json!($value));)*
        fields
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_log_sees_the_code_and_the_field_names_not_what_was_typed() {
        let mut err = AppError::new(ErrorCode::PhoneInvalid, "+60 12 not a phone");
        err.fields = crate::fields! { "value" => "+60 12 not a phone" };
        let logged = format!("{err:?}");
        assert_eq!(
            logged,
            r#"AppError { code: PhoneInvalid, fields: ["value"] }"#
        );
    }

    #[test]
    fn codes_serialise_as_their_snake_case_names() {
        for code in ErrorCode::all() {
            assert_eq!(
                serde_json::to_value(code).unwrap(),
                serde_json::json!(code.as_str())
            );
        }
        assert_eq!(ErrorCode::PhoneInvalid.as_str(), "phone_invalid");
    }

    #[test]
    fn an_error_reaches_the_window_as_its_code_and_fields_without_english_words() {
        let mut err = AppError::new(ErrorCode::CategoryTooLong, "Too long.");
        err.fields = crate::fields! { "limit" => 128, "length" => 140 };
        assert_eq!(
            serde_json::to_value(&err).unwrap(),
            serde_json::json!({"code": "category_too_long", "limit": 128, "length": 140})
        );
    }
}
