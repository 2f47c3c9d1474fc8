//! What start-up found that the agent should hear about once (the shell collects them; the
//! window words each code as `notice.<code>` in `ui/locales/`).

use crate::error::AppError;

/// Something start-up found that the agent should hear about once: a code the window words
/// (`notice.<code>` in `ui/locales/`).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, strum::EnumDiscriminants)]
#[strum_discriminants(derive(strum::EnumIter))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Notice {
    /// The settings file could not be read; the app started with the defaults.
    SettingsUnreadable { path: String },
    /// `AELYST_API_BASE_URL` is not an address the app can use.
    AddressVariableInvalid {
        variable: &'static str,
        problem: AppError,
    },
    /// The preferences file (language, shortcut) could not be read: set aside, and the copy
    /// kept before the last change used.
    PreferencesRestored { path: String },
    /// The preferences file could not be read and there was no good copy: the defaults.
    PreferencesUnreadable { path: String },
    /// Part of a workspace's history could not be read.
    HistoryUnreadable { workspace: String, path: String },
    /// A new version was installed while the app ran (apt, an installer): it starts the next
    /// time the app does. Not found at start-up: asked for when the window is shown.
    UpdateInstalled,
    /// A workspace in the settings file this version cannot open (written by a newer version,
    /// or by hand): not opened, kept as it was, with its token and journal.
    WorkspaceSetAside {
        workspace: String,
        why: crate::settings::SetAsideWhy,
    },
}
