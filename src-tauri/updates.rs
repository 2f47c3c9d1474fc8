//! The in-app updater, on Windows and macOS: tauri-plugin-updater, with the public key and the
//! feed's address in the configuration the release build writes (`plugins.updater`). No
//! command takes an address or a key, so nothing in the window can point it elsewhere, and
//! `requireSignedVersion` makes the plugin refuse a file signed for another version than the
//! feed offers (a replayed older release). The .deb has no updater: apt updates it, and the
//! window is told so.
//!
//! An update installs when the agent says so with nothing waiting, or at the next start: a
//! version found by a check is noted in the data folder (`update-pending`), and the next start
//! installs it before any workspace opens, so nothing is on its way when the installer ends
//! the app.

use aelyst_core::update::{UpdateError, UpdateStatus};
use tauri::{AppHandle, Runtime};

#[cfg(any(windows, target_os = "macos"))]
pub use enabled::{check, install, install_pending_at_start, plugin};

#[cfg(not(any(windows, target_os = "macos")))]
pub use by_system::{check, install, install_pending_at_start, plugin};

/// What Settings shows before any check.
pub fn status() -> UpdateStatus {
    if cfg!(any(windows, target_os = "macos")) {
        UpdateStatus::NotChecked
    } else {
        UpdateStatus::BySystem
    }
}

#[cfg(not(any(windows, target_os = "macos")))]
mod by_system {
    use super::*;

    pub fn plugin<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
        builder
    }

    pub async fn check<R: Runtime>(_app: &AppHandle<R>) -> Result<UpdateStatus, UpdateError> {
        Ok(UpdateStatus::BySystem)
    }

    pub async fn install<R: Runtime>(
        _app: &AppHandle<R>,
        _waiting: usize,
    ) -> Result<(), UpdateError> {
        Ok(())
    }

    pub fn install_pending_at_start<R: Runtime>(
        _app: &AppHandle<R>,
        _data_dir: &std::path::Path,
        _policies: &aelyst_core::policy::Policies,
    ) {
    }
}

#[cfg(any(windows, target_os = "macos"))]
mod enabled {
    use std::path::Path;
    use std::time::Duration;

    use aelyst_core::policy::UpdatesMode;
    use aelyst_core::update::may_install_now;
    use tauri::Manager;
    use tauri_plugin_updater::{Update, UpdaterExt};

    use super::*;

    /// Noted when a check finds a version: the next start installs it.
    const PENDING_FILE: &str = "update-pending";
    /// A check or a download that takes longer is given up (the agent is waiting, or the
    /// app is starting).
    const TIMEOUT: Duration = Duration::from_secs(20);

    pub fn plugin<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
        builder.plugin(tauri_plugin_updater::Builder::new().build())
    }

    fn failed(err: tauri_plugin_updater::Error) -> UpdateError {
        use tauri_plugin_updater::Error as E;
        let detail = err.to_string();
        match err {
            E::Minisign(_) | E::SignedVersionMismatch { .. } | E::MissingSignedVersion => {
                UpdateError::Refused { detail }
            }
            _ => UpdateError::Failed { detail },
        }
    }

    /// The feed's offer, if it is newer (the plugin's rule).
    async fn offer<R: Runtime>(app: &AppHandle<R>) -> Result<Option<Update>, UpdateError> {
        let updater = app
            .updater_builder()
            .timeout(TIMEOUT)
            .build()
            .map_err(failed)?;
        updater.check().await.map_err(failed)
    }

    fn pending_file<R: Runtime>(app: &AppHandle<R>) -> Option<std::path::PathBuf> {
        app.path()
            .app_data_dir()
            .ok()
            .map(|dir| dir.join(PENDING_FILE))
    }

    /// IT's `Updates` policy (Windows and macOS): `off` never checks, `notify` never installs
    /// by itself at start, `automatic` (or none) does both.
    fn mode<R: Runtime>(app: &AppHandle<R>) -> Option<UpdatesMode> {
        app.try_state::<crate::state::AppState>()
            .and_then(|state| state.workspaces.policies().locked.updates)
    }

    fn turned_off<R: Runtime>(app: &AppHandle<R>) -> Result<(), UpdateError> {
        match mode(app) {
            Some(UpdatesMode::Off) => Err(UpdateError::Failed {
                detail: "turned off by your organization".into(),
            }),
            _ => Ok(()),
        }
    }

    pub async fn check<R: Runtime>(app: &AppHandle<R>) -> Result<UpdateStatus, UpdateError> {
        turned_off(app)?;
        let found = offer(app).await?;
        let pending = pending_file(app);
        Ok(match found {
            Some(update) => {
                if let Some(path) = pending {
                    aelyst_core::files::write_atomically(&path, update.version.as_bytes())
                        .map_err(|err| UpdateError::Failed {
                            detail: err.to_string(),
                        })?;
                }
                UpdateStatus::Available {
                    version: update.version,
                }
            }
            None => {
                if let Some(path) = pending {
                    let _ = std::fs::remove_file(path);
                }
                UpdateStatus::UpToDate
            }
        })
    }

    pub async fn install<R: Runtime>(
        app: &AppHandle<R>,
        waiting: usize,
    ) -> Result<(), UpdateError> {
        turned_off(app)?;
        may_install_now(waiting)?;
        let Some(update) = offer(app).await? else {
            return Ok(());
        };
        // The plugin checks the signature against the configured key before it installs.
        update
            .download_and_install(|_, _| {}, || {})
            .await
            .map_err(failed)?;
        if let Some(path) = pending_file(app) {
            let _ = std::fs::remove_file(path);
        }
        // Windows: the installer has ended the app already. macOS: the new bundle is in place.
        app.restart();
    }

    /// At start, before any workspace opens: a version the last check found is installed now.
    /// Whatever fails, the app starts as it is (the note goes, so a missing network does not
    /// slow every start; the agent can check again).
    pub fn install_pending_at_start<R: Runtime>(
        app: &AppHandle<R>,
        data_dir: &Path,
        policies: &aelyst_core::policy::Policies,
    ) {
        let path = data_dir.join(PENDING_FILE);
        // `notify`: the agent installs; `off`: nothing.
        let mode = policies.locked.updates;
        if !path.exists() || matches!(mode, Some(UpdatesMode::Notify | UpdatesMode::Off)) {
            return;
        }
        let _ = std::fs::remove_file(&path);
        let handle = app.clone();
        if let Err(err) = tauri::async_runtime::block_on(install(&handle, 0)) {
            tracing::warn!(code = ?aelyst_core::AppError::from(err).code, "the update found earlier was not installed");
        }
    }
}
