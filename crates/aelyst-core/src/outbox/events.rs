//! What the outbox tells its listener (the shell forwards it to the window): an entry's new
//! version, entries removed, and why sending is on hold.

use serde::Serialize;

use super::Entry;
use crate::AppError;

/// Why sending is on hold for every action.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, strum::EnumDiscriminants)]
#[strum_discriminants(derive(strum::EnumIter))]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Pause {
    /// No token saved yet.
    NoToken,
    /// The server refused the token (401/403).
    TokenRejected,
    /// The keychain could not be read: why, as the window words it.
    Keychain { problem: AppError },
}

impl Pause {
    /// Short words for diagnostics.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::NoToken => "no token",
            Self::TokenRejected => "token refused",
            Self::Keychain { .. } => "keychain unavailable",
        }
    }
}

/// What the window is told.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, strum::EnumDiscriminants)]
#[strum_discriminants(derive(strum::EnumIter))]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum HistoryEvent {
    Upsert { entry: Box<Entry> },
    Removed { ids: Vec<String> },
    Paused { pause: Option<Pause> },
}

pub type Listener = Box<dyn Fn(HistoryEvent) + Send + Sync>;
