//! Updates through the in-app updater (Windows and macOS; the .deb is updated by apt, see the
//! README): what Settings is told, and when an update may be installed. Checking a feed, the
//! signature and the version it was signed for is tauri-plugin-updater's (the shell's
//! `updates.rs`, with `requireSignedVersion` on: a feed that pairs a newer version with an
//! older, correctly signed file is refused).

use serde::Serialize;

use crate::error::{Coded, ErrorCode, Fields};

/// What Settings shows about updates.
#[derive(
    Debug, Clone, PartialEq, Eq, Serialize, strum::EnumDiscriminants, strum::IntoStaticStr,
)]
#[strum_discriminants(derive(strum::EnumIter))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum UpdateStatus {
    /// This install is updated by the system (apt): the app does not update itself.
    BySystem,
    /// The app updates itself, and has not asked yet (it asks when the agent says so).
    NotChecked,
    UpToDate,
    /// A newer version, checked, installed when the agent says so with nothing waiting, or
    /// when the app next starts.
    Available {
        version: String,
    },
}

/// Why no update was installed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UpdateError {
    /// Fetched, but not what was signed with the app's key for the version offered.
    #[error("the update was refused: {detail}")]
    Refused { detail: String },
    #[error("the update could not be checked, fetched or installed: {detail}")]
    Failed { detail: String },
    #[error("{count} actions are still waiting to be sent")]
    WaitsForActions { count: usize },
}

impl Coded for UpdateError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Refused { .. } => ErrorCode::UpdateRefused,
            Self::Failed { .. } => ErrorCode::UpdateFailed,
            Self::WaitsForActions { .. } => ErrorCode::UpdateWaitsForActions,
        }
    }

    fn fields(&self) -> Fields {
        match self {
            Self::Refused { detail } | Self::Failed { detail } => {
                crate::fields! { "detail" => detail }
            }
            Self::WaitsForActions { count } => crate::fields! { "count" => count },
        }
    }
}

/// An update replaces the running app (the installer ends it), so it is installed at the
/// agent's word only when nothing is on its way; otherwise it waits for the next start, when
/// nothing has been sent yet.
pub fn may_install_now(waiting: usize) -> Result<(), UpdateError> {
    match waiting {
        0 => Ok(()),
        count => Err(UpdateError::WaitsForActions { count }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_update_is_installed_at_the_agents_word_only_with_nothing_waiting() {
        assert_eq!(may_install_now(0), Ok(()));
        let waiting = may_install_now(3).unwrap_err();
        assert_eq!(waiting.code(), ErrorCode::UpdateWaitsForActions);
        assert_eq!(waiting.fields()["count"], 3);
    }

    #[test]
    fn what_went_wrong_reaches_the_window_by_code() {
        let refused = UpdateError::Refused {
            detail: "signature".into(),
        };
        assert_eq!(refused.code(), ErrorCode::UpdateRefused);
        assert_eq!(refused.fields()["detail"], "signature");
        assert_eq!(
            UpdateError::Failed {
                detail: "offline".into()
            }
            .code(),
            ErrorCode::UpdateFailed
        );
    }
}
