//! What the commands share: the open workspaces, the settings, the history feed, and what
//! start-up found.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use aelyst_core::api::BASE_URL_ENV;
use aelyst_core::keychain::Keychains;
use aelyst_core::language::{self, Words};
pub use aelyst_core::notice::Notice;
use aelyst_core::preferences::{Preferences, Prepared};
use aelyst_core::settings::SettingsStore;
use aelyst_core::workspace::{OpenWorkspace, Setup, Workspaces, JOURNAL_FILE};
use aelyst_core::AppError;

use crate::event_hub::EventHub;
use crate::preferences::PreferenceStore;

pub const SETTINGS_FILE: &str = "settings.json";
/// Held while the app runs: a second Aelyst Desk that could not be handed over to (no session
/// bus for the single-instance plugin) finds it taken and stops before it writes anything.
pub const APP_LOCK_FILE: &str = "aelyst-desk.lock";

pub struct AppState {
    pub workspaces: Arc<Workspaces>,
    pub settings: Arc<SettingsStore>,
    /// The language and the global shortcut (tauri-plugin-store's file).
    pub preferences: PreferenceStore,
    pub event_hub: Arc<EventHub>,
    /// When each workspace's "My conversations" last asked the API.
    pub refresher: aelyst_core::my_conversations::Refresher,
    /// Things the agent should hear about once, found while starting (a damaged file…).
    pub notices: Vec<Notice>,
    /// The program's file as it started: a new version put in its place starts next time.
    pub program: aelyst_core::installed::Program,
    pub log_dir: PathBuf,
    /// Flushes the log when the app ends.
    pub _log_guard: Option<aelyst_core::logging::Guard>,
    pub _app_lock: std::fs::File,
}

impl AppState {
    /// Opens the settings, every workspace's outbox (each starts sending through `spawn`) and
    /// the log, under the app's folders. `app_lock` is the held [`APP_LOCK_FILE`].
    pub fn open(
        data_dir: &Path,
        log_dir: PathBuf,
        keychains: Keychains,
        app_lock: std::fs::File,
        spawn: aelyst_core::workspace::Spawner,
        policies: Arc<aelyst_core::policy::Policies>,
        open_preferences: impl FnOnce(
            Preferences,
        )
            -> Result<(PreferenceStore, Prepared), tauri_plugin_store::Error>,
    ) -> Result<Self, Box<dyn std::error::Error>> {
        let mut notices = Vec::new();
        let (settings, aside) = SettingsStore::open(&data_dir.join(SETTINGS_FILE))?;
        if let Some(aside) = aside {
            notices.push(Notice::SettingsUnreadable {
                path: aside.display().to_string(),
            });
        }
        // Versions before the preferences' own file kept them in the settings.
        let legacy = settings.read(|s| Preferences::legacy(s.language.clone(), s.shortcut.clone()));
        let (preferences, prepared) = open_preferences(legacy)?;
        if let Some(aside) = prepared.set_aside {
            let path = aside.display().to_string();
            notices.push(if prepared.restored {
                Notice::PreferencesRestored { path }
            } else {
                Notice::PreferencesUnreadable { path }
            });
        }
        // An install of the version before workspaces left its journal here.
        let legacy = data_dir.join(JOURNAL_FILE).exists();
        let env = std::env::var(BASE_URL_ENV)
            .ok()
            .filter(|v| !v.trim().is_empty());
        let settled =
            match settings.update(|s| s.settle_with_policies(&policies, legacy, env.as_deref())) {
                Ok(settled) => settled,
                Err(err) => {
                    notices.push(Notice::AddressVariableInvalid {
                        variable: BASE_URL_ENV,
                        problem: err.into(),
                    });
                    settings.update(|s| s.settle_with_policies(&policies, legacy, None))?
                }
            };
        for aside in settings.read(|s| s.set_aside.clone()) {
            notices.push(Notice::WorkspaceSetAside {
                workspace: aside.name.unwrap_or_else(|| "?".into()),
                why: aside.why,
            });
        }
        let settings = Arc::new(settings);
        let event_hub = Arc::new(EventHub::default());
        let feed = event_hub.clone();
        // Each journal takes its own lock too: an earlier version still running holds the
        // one of the workspace it became, and this stops here.
        let (workspaces, reports) = Workspaces::open(Setup {
            data_dir: data_dir.to_owned(),
            keychains,
            settings: settings.clone(),
            listener: Arc::new(move |id, event| feed.send(id, event)),
            spawn,
            tune: std::convert::identity,
            policies: policies.clone(),
        })?;
        for open in workspaces.all() {
            event_hub.seed(&open.id, &open.outbox.list());
        }
        let log_guard = aelyst_core::logging::init(&log_dir);
        tracing::info!(version = aelyst_core::VERSION, "Aelyst Desk starting");
        tracing::info!(
            sources = policies.sources.len(),
            not_used = policies.problems.len(),
            "policies read"
        );
        tracing::info!(
            workspaces = reports.len(),
            created = settled.created.is_some(),
            "workspaces opened"
        );
        for (name, report) in reports {
            tracing::info!(resumed = report.resumed, "outbox opened");
            if let Some(aside) = report.moved_aside {
                notices.push(Notice::HistoryUnreadable {
                    workspace: name,
                    path: aside.display().to_string(),
                });
            }
        }
        Ok(Self {
            workspaces: Arc::new(workspaces),
            settings,
            preferences,
            event_hub,
            refresher: aelyst_core::my_conversations::Refresher::new(
                aelyst_core::my_conversations::REFRESH,
                Arc::new(aelyst_core::outbox::SystemClock),
            ),
            notices,
            program: aelyst_core::installed::Program::at_start(
                std::env::current_exe().unwrap_or_default(),
            ),
            log_dir,
            _log_guard: log_guard,
            _app_lock: app_lock,
        })
    }

    /// The open workspace with this id, or the plain "no longer in the list".
    pub fn workspace(&self, id: &str) -> Result<Arc<OpenWorkspace>, AppError> {
        Ok(self.workspaces.get(id)?)
    }

    /// The words Rust says itself (tray, notifications), in the agent's language.
    pub fn words(&self) -> &'static Words {
        Words::get(language::effective(self.chosen_language().as_deref()))
    }

    /// The language the window speaks: IT's locked one, else the agent's choice, else IT's
    /// recommended one (`None`: the computer's).
    pub fn chosen_language(&self) -> Option<String> {
        self.workspaces
            .policies()
            .language(self.preferences.get().language.as_deref())
    }
}

/// Runs blocking work (the keychain, files) off the async runtime.
pub async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, AppError> + Send + 'static,
) -> Result<T, AppError> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|_| AppError::internal())?
}
