//! The one shape every error takes on its way to the window: a stable `kind` the UI can branch
//! on, and a `message` in plain words it can show as is.

use serde::Serialize;

/// Implemented by each domain module's error enum.
pub trait ErrorKind: std::fmt::Display {
    /// A stable, machine-readable name (`"invalid_identifier"`, `"keychain_unavailable"`, …).
    fn kind(&self) -> &'static str;
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UiError {
    pub kind: &'static str,
    pub message: String,
}

impl UiError {
    pub fn new(kind: &'static str, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
        }
    }
}

impl<E: ErrorKind> From<E> for UiError {
    fn from(err: E) -> Self {
        Self {
            kind: err.kind(),
            message: err.to_string(),
        }
    }
}

impl std::fmt::Display for UiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}
