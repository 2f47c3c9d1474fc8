//! What the commands share: the keychain, the outbox, the settings, and what start-up found.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use aelyst_core::api::{self, Client, ClientConfig};
use aelyst_core::keychain::Keychain;
use aelyst_core::outbox::{Outbox, OutboxOptions};
use aelyst_core::settings::SettingsStore;
use aelyst_core::AppError;

use crate::history_feed::HistoryFeed;

pub const OUTBOX_FILE: &str = "outbox.jsonl";
pub const SETTINGS_FILE: &str = "settings.json";

pub struct AppState {
    pub keychain: Arc<Keychain>,
    pub outbox: Outbox,
    pub history_feed: Arc<HistoryFeed>,
    pub settings: Arc<SettingsStore>,
    /// Things the agent should hear about once, found while starting (a damaged file…).
    pub notices: Vec<String>,
    pub log_dir: PathBuf,
    /// Flushes the log when the app ends.
    pub _log_guard: Option<aelyst_core::logging::Guard>,
}

impl AppState {
    /// Opens the settings, the log and the outbox under the app's folders.
    pub fn open(
        data_dir: &Path,
        log_dir: PathBuf,
        keychain: Arc<Keychain>,
    ) -> Result<Self, Box<dyn std::error::Error>> {
        std::fs::create_dir_all(data_dir)?;
        let mut notices = Vec::new();
        let (settings, aside) = SettingsStore::open(&data_dir.join(SETTINGS_FILE))?;
        if let Some(aside) = aside {
            notices.push(format!(
                "Your settings file could not be read, so the app started with the defaults. The old file was kept as {}.",
                aside.display()
            ));
        }
        let (api_base_url, history_limit) =
            settings.read(|s| (s.api_base_url.clone(), s.history_limit));
        let config = ClientConfig::resolve(api_base_url.as_deref())
            .or_else(|_| ClientConfig::new(api::DEFAULT_BASE_URL))?;
        let client = Client::new(config)?;
        let history_feed = Arc::new(HistoryFeed::default());
        let feed = history_feed.clone();
        // The journal takes the one-process lock: a second Aelyst Desk (when the
        // single-instance hand-over is not possible) stops here, before writing any log.
        let (outbox, report) = Outbox::open(
            &data_dir.join(OUTBOX_FILE),
            OutboxOptions {
                history_limit,
                ..OutboxOptions::default()
            },
            client,
            keychain.clone(),
            Box::new(move |event| feed.send(event)),
        )?;
        let log_guard = aelyst_core::logging::init(&log_dir);
        tracing::info!(version = aelyst_core::VERSION, "Aelyst Desk starting");
        tracing::info!(resumed = report.resumed, "outbox opened");
        if let Some(aside) = report.moved_aside {
            notices.push(format!(
                "Part of the history could not be read. Everything readable was kept, and the damaged file was saved as {}.",
                aside.display()
            ));
        }
        Ok(Self {
            keychain,
            outbox,
            history_feed,
            settings: Arc::new(settings),
            notices,
            log_dir,
            _log_guard: log_guard,
        })
    }

    /// The one shared client (cheap to clone); rebuilt only when the API address changes.
    pub fn client(&self) -> Client {
        self.outbox.client()
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
