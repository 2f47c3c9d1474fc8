//! Aelyst Desk's core: everything that is not the window. The Aelyst API client (`api`), the
//! durable outbox and history (`outbox`), the token in the OS keychain (`keychain`), settings
//! (`settings`), bulk rows (`bulk`), the CSV export (`export`), the diagnostics text, the log
//! file, and the error codes every failure reaches the window with (`error`).
//!
//! It does not depend on Tauri (CI checks `cargo tree -p aelyst-core`): the shell in
//! `src-tauri/` is a thin layer of commands over it.

pub mod api;
pub mod bulk;
pub mod clock;
pub mod contract;
pub mod diagnostics;
pub mod error;
pub mod export;
pub mod files;
pub mod handoff;
pub mod installed;
pub mod keychain;
pub mod language;
pub mod logging;
pub mod my_conversations;
pub mod notice;
pub mod notification;
pub mod outbox;
pub mod policy;
pub mod preferences;
pub mod settings;
pub mod update;
pub mod workspace;

pub use error::{AppError, Coded, ErrorCode};

/// The app's version, for the window and diagnostics.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");
