//! The thin layer the window calls. Each command is declared in `build.rs` and granted by
//! name in `capabilities/default.json`; the work itself lives in the domain modules.

use std::sync::{Arc, Mutex, MutexGuard};

use serde::{Deserialize, Serialize};
use tauri::ipc::Channel;
use tauri::{AppHandle, Runtime, State};
use tauri_plugin_store::StoreExt;

use crate::api::{
    Action, Client, ClientConfig, ContactLookup, Feature, Identifier, IdentifierKind, StatusChange,
};
use crate::keychain::Keychain;
use crate::outbox::{Entry, HistoryEvent, Outbox, Pause};
use crate::settings::{Settings, SettingsError};
use crate::ui_error::UiError;

pub const SETTINGS_FILE: &str = "settings.json";
const SETTINGS_KEY: &str = "settings";

pub struct AppState {
    pub keychain: Arc<Keychain>,
    pub outbox: Outbox,
    pub history_feed: Arc<HistoryFeed>,
    pub settings: Mutex<Settings>,
    /// Things the agent should hear about once, found while starting (a damaged file…).
    pub notices: Vec<String>,
    pub log_dir: std::path::PathBuf,
    /// Flushes the log when the app ends.
    pub _log_guard: Option<tracing_appender::non_blocking::WorkerGuard>,
}

impl AppState {
    fn settings(&self) -> MutexGuard<'_, Settings> {
        self.settings.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The one shared client (cheap to clone); rebuilt only when the API address changes.
    fn client(&self) -> Client {
        self.outbox.client()
    }
}

pub fn load_settings<R: Runtime>(app: &AppHandle<R>) -> Settings {
    app.store(SETTINGS_FILE)
        .ok()
        .and_then(|store| store.get(SETTINGS_KEY))
        .and_then(|value| serde_json::from_value(value).ok())
        .unwrap_or_default()
}

fn persist_settings<R: Runtime>(app: &AppHandle<R>, settings: &Settings) -> Result<(), UiError> {
    let save = || -> Result<(), String> {
        let store = app.store(SETTINGS_FILE).map_err(|e| e.to_string())?;
        let value = serde_json::to_value(settings).map_err(|e| e.to_string())?;
        store.set(SETTINGS_KEY, value);
        store.save().map_err(|e| e.to_string())
    };
    save().map_err(|reason| SettingsError::Save(reason).into())
}

async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, UiError> + Send + 'static,
) -> Result<T, UiError> {
    tauri::async_runtime::spawn_blocking(work)
        .await
        .map_err(|_| {
            UiError::new(
                "internal",
                "Something went wrong inside the app. Try again.",
            )
        })?
}

#[derive(Debug, Serialize, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: &'static str,
    pub api_base_url: String,
    /// The API is on this computer: show the "Sandbox" badge.
    pub sandbox: bool,
    pub notices: Vec<String>,
}

#[tauri::command]
pub async fn app_info(state: State<'_, AppState>) -> Result<AppInfo, UiError> {
    let client = state.client();
    let config = client.config();
    Ok(AppInfo {
        version: env!("CARGO_PKG_VERSION"),
        api_base_url: config.base_url().to_string(),
        sandbox: config.is_local(),
        notices: state.notices.clone(),
    })
}

/// What the form sends: the fields as typed.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ActionInput {
    pub identifier_kind: IdentifierKind,
    pub identifier_value: String,
    pub action: Action,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
}

impl ActionInput {
    /// Every check, before anything is saved or sent.
    pub fn parse(&self) -> Result<(Identifier, StatusChange), UiError> {
        let identifier = Identifier::from_typed(self.identifier_kind, &self.identifier_value)?;
        let change = StatusChange::new(
            self.action,
            self.category.as_deref(),
            self.summary.as_deref(),
        )?;
        Ok((identifier, change))
    }
}

/// Checks, saves to disk, and queues the action. Nothing is sent when a check fails.
#[tauri::command]
pub async fn submit_action<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    input: ActionInput,
) -> Result<Entry, UiError> {
    let (identifier, change) = input.parse()?;
    let category = change.category.clone();
    let entry = state.outbox.submit(identifier, change)?;
    if let Some(category) = category {
        let snapshot = {
            let mut settings = state.settings();
            settings.remember_category(&category);
            settings.clone()
        };
        // The action is safe already; a settings write that fails only loses the suggestion.
        if let Err(err) = persist_settings(&app, &snapshot) {
            tracing::warn!("recent categories not saved: {}", err.kind);
        }
    }
    Ok(entry)
}

/// Where the outbox's changes go: the channel the window opened last (a reload opens a new
/// one and the old page is gone).
#[derive(Default)]
pub struct HistoryFeed {
    window: Mutex<Option<Channel<HistoryEvent>>>,
}

impl HistoryFeed {
    pub fn send(&self, event: HistoryEvent) {
        let window = self
            .window
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(channel) = window.as_ref() {
            if let Err(err) = channel.send(event) {
                tracing::warn!("history change not delivered: {err}");
            }
        }
    }

    fn watch(&self, channel: Channel<HistoryEvent>) {
        *self
            .window
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(channel);
    }
}

/// Streams history changes on `on_event` from now on and answers with the history as it is,
/// in one round trip. The stream starts first, so no change falls between the two; a change
/// the answer already shows arrives again with the same revision.
#[tauri::command]
pub async fn watch_history(
    state: State<'_, AppState>,
    on_event: Channel<HistoryEvent>,
) -> Result<Vec<Entry>, UiError> {
    state.history_feed.watch(on_event);
    Ok(state.outbox.list())
}

#[tauri::command]
pub async fn retry_action(state: State<'_, AppState>, id: String) -> Result<Entry, UiError> {
    Ok(state.outbox.retry(&id)?)
}

#[tauri::command]
pub async fn clear_finished(state: State<'_, AppState>) -> Result<usize, UiError> {
    Ok(state.outbox.clear_finished()?)
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TokenStatus {
    pub saved: bool,
    /// Why sending is on hold, if it is.
    pub pause: Option<Pause>,
    /// The keychain could not be read: plain words.
    pub problem: Option<String>,
}

#[tauri::command]
pub async fn token_status(state: State<'_, AppState>) -> Result<TokenStatus, UiError> {
    let keychain = state.keychain.clone();
    let stored = blocking(move || Ok(keychain.has_token())).await?;
    let (saved, problem) = match stored {
        Ok(saved) => (saved, None),
        Err(err) => (false, Some(err.to_string())),
    };
    Ok(TokenStatus {
        saved,
        pause: state.outbox.pause(),
        problem,
    })
}

/// Saves the token in the OS keychain. It is never sent back to the window.
#[tauri::command]
pub async fn save_token(state: State<'_, AppState>, token: String) -> Result<(), UiError> {
    let keychain = state.keychain.clone();
    blocking(move || Ok(keychain.save(&token)?)).await?;
    state.outbox.token_changed();
    Ok(())
}

#[tauri::command]
pub async fn forget_token(state: State<'_, AppState>) -> Result<(), UiError> {
    let keychain = state.keychain.clone();
    blocking(move || Ok(keychain.forget()?)).await?;
    state.outbox.token_changed();
    Ok(())
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SettingsView {
    /// Empty: the real Aelyst API.
    pub api_base_url: String,
    pub history_limit: usize,
}

#[tauri::command]
pub async fn get_settings(state: State<'_, AppState>) -> Result<SettingsView, UiError> {
    let settings = state.settings();
    Ok(SettingsView {
        api_base_url: settings.api_base_url.clone().unwrap_or_default(),
        history_limit: settings.history_limit,
    })
}

/// Validates everything first: a refused value changes nothing.
#[tauri::command]
pub async fn save_settings<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    settings: SettingsView,
) -> Result<(), UiError> {
    let mut next = state.settings().clone();
    next.set_api_base_url(&settings.api_base_url)?;
    next.set_history_limit(settings.history_limit)?;
    let client = Client::new(ClientConfig::resolve(next.api_base_url.as_deref())?)?;
    persist_settings(&app, &next)?;
    *state.settings() = next;
    state.outbox.set_client(client);
    state.outbox.set_history_limit(settings.history_limit)?;
    Ok(())
}

/// The cached choices, at once.
#[tauri::command]
pub async fn closing_categories(state: State<'_, AppState>) -> Result<Vec<String>, UiError> {
    Ok(state.settings().category_choices())
}

/// Asks the workspace for its closing notes and caches them. Quietly keeps the cache when the
/// feature is off, there is no token, or the network is down.
#[tauri::command]
pub async fn refresh_closing_categories<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<Vec<String>, UiError> {
    let keychain = state.keychain.clone();
    let Ok(Some(token)) = blocking(move || Ok(keychain.load())).await? else {
        return Ok(state.settings().category_choices());
    };
    if let Ok(Feature::Available(notes)) = state.client().closing_notes(&token).await {
        let snapshot = {
            let mut settings = state.settings();
            settings.closing_notes = notes;
            settings.clone()
        };
        if let Err(err) = persist_settings(&app, &snapshot) {
            tracing::warn!("closing notes not cached: {}", err.kind);
        }
    }
    Ok(state.settings().category_choices())
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactPreviewView {
    pub found: bool,
    pub name: Option<String>,
    /// `open` or `close`.
    pub status: Option<String>,
}

/// Who the agent is about to act on, when the workspace offers it; `None` when it cannot be
/// told (feature off, no token, offline, bad input). Never an error: the preview is a help.
#[tauri::command]
pub async fn contact_preview(
    state: State<'_, AppState>,
    kind: IdentifierKind,
    value: String,
) -> Result<Option<ContactPreviewView>, UiError> {
    let Ok(identifier) = Identifier::from_typed(kind, &value) else {
        return Ok(None);
    };
    let keychain = state.keychain.clone();
    let Ok(Some(token)) = blocking(move || Ok(keychain.load())).await? else {
        return Ok(None);
    };
    Ok(match state.client().contact(&token, &identifier).await {
        Ok(Feature::Available(ContactLookup::Found(contact))) => {
            let name = [contact.first_name, contact.last_name]
                .into_iter()
                .flatten()
                .filter(|part| !part.trim().is_empty())
                .collect::<Vec<_>>()
                .join(" ");
            Some(ContactPreviewView {
                found: true,
                name: (!name.is_empty()).then_some(name),
                status: contact.status,
            })
        }
        Ok(Feature::Available(ContactLookup::NoSuchContact)) => Some(ContactPreviewView {
            found: false,
            name: None,
            status: None,
        }),
        _ => None,
    })
}

/// Plain facts for a support request: no token, no summaries, no contacts.
#[tauri::command]
pub async fn diagnostics(state: State<'_, AppState>) -> Result<String, UiError> {
    let keychain = state.keychain.clone();
    let token = match blocking(move || Ok(keychain.has_token())).await? {
        Ok(true) => "saved".to_owned(),
        Ok(false) => "not saved".to_owned(),
        Err(err) => format!("unavailable ({})", crate::ui_error::ErrorKind::kind(&err)),
    };
    let client = state.client();
    let entries = state.outbox.list();
    let count =
        |wanted: crate::outbox::EntryState| entries.iter().filter(|e| e.state == wanted).count();
    let pause = state.outbox.pause().map_or("no", |pause| pause.kind());
    Ok(format!(
        "Aelyst Desk {version}\nSystem: {os} {arch}\nAPI address: {api}\nToken: {token}\n\
         History: {pending} waiting, {done} done, {failed} failed, {cancelled} cancelled\nSending paused: {pause}\nLog folder: {logs}\n",
        version = env!("CARGO_PKG_VERSION"),
        os = std::env::consts::OS,
        arch = std::env::consts::ARCH,
        api = client.config().base_url(),
        pending = count(crate::outbox::EntryState::Pending),
        done = count(crate::outbox::EntryState::Done),
        failed = count(crate::outbox::EntryState::Failed),
        cancelled = count(crate::outbox::EntryState::Cancelled),
        logs = state.log_dir.display(),
    ))
}

/// Opens the log folder in the system's file manager.
#[tauri::command]
pub async fn open_log_folder<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
) -> Result<(), UiError> {
    use tauri_plugin_opener::OpenerExt;
    std::fs::create_dir_all(&state.log_dir)
        .map_err(|_| UiError::new("log_folder", "The log folder could not be created."))?;
    app.opener()
        .open_path(state.log_dir.display().to_string(), None::<&str>)
        .map_err(|_| UiError::new("log_folder", "No file manager could open the log folder."))
}

/// A bulk run as the Bulk view describes it.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkInput {
    pub source: crate::bulk::Source,
    pub text: String,
    pub action: Action,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub summary: Option<String>,
}

impl BulkInput {
    fn rows(&self) -> Result<Vec<crate::bulk::Row>, UiError> {
        let defaults = crate::bulk::Defaults {
            action: self.action,
            category: self.category.as_deref(),
            summary: self.summary.as_deref(),
        };
        Ok(crate::bulk::rows(self.source, &self.text, &defaults)?)
    }
}

/// Every row checked, with the reason for each one that will not be sent. Sends nothing.
#[tauri::command]
pub async fn bulk_preview(input: BulkInput) -> Result<Vec<crate::bulk::Row>, UiError> {
    input.rows()
}

/// Test automation only: a path that stands in for the file dialog's answer.
const DIALOG_PATH_ENV: &str = "AELYST_DIALOG_PATH";

/// Asks for a CSV file (reading happens here, in Rust) and returns its text; `None` when the
/// agent cancelled the dialog.
#[tauri::command]
pub async fn bulk_open_csv<R: Runtime>(app: AppHandle<R>) -> Result<Option<String>, UiError> {
    use tauri_plugin_dialog::DialogExt;
    let picked = match std::env::var_os(DIALOG_PATH_ENV) {
        Some(path) => Some(std::path::PathBuf::from(path)),
        None => {
            let dialog = app
                .dialog()
                .file()
                .add_filter("CSV or text", &["csv", "txt"]);
            blocking(move || Ok(dialog.blocking_pick_file().and_then(|p| p.into_path().ok())))
                .await?
        }
    };
    let Some(path) = picked else {
        return Ok(None);
    };
    let read = blocking(move || {
        let too_large = std::fs::metadata(&path).map(|m| m.len() > crate::bulk::MAX_CSV_BYTES);
        if matches!(too_large, Ok(true)) {
            return Err(crate::bulk::BulkError::TooLarge.into());
        }
        let bytes = std::fs::read(&path)
            .map_err(|err| crate::bulk::BulkError::Read(err.kind().to_string()))?;
        Ok(String::from_utf8_lossy(&bytes).into_owned())
    })
    .await?;
    Ok(Some(read))
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BulkStarted {
    pub batch: String,
    pub count: usize,
}

/// Checks every row again (the window's copy is not trusted) and queues the good ones
/// through the durable outbox in one write.
#[tauri::command]
pub async fn bulk_submit(
    state: State<'_, AppState>,
    input: BulkInput,
) -> Result<BulkStarted, UiError> {
    let ready = crate::bulk::ready(input.rows()?)?;
    let (batch, entries) = state.outbox.submit_many(ready)?;
    tracing::info!(batch = %batch, count = entries.len(), "bulk run queued");
    Ok(BulkStarted {
        batch,
        count: entries.len(),
    })
}

/// Stops what of a bulk run has not been sent yet; it is recorded as cancelled.
#[tauri::command]
pub async fn bulk_cancel(state: State<'_, AppState>, batch: String) -> Result<usize, UiError> {
    let cancelled = state.outbox.cancel_batch(&batch)?;
    tracing::info!(batch = %batch, cancelled, "bulk run cancelled");
    Ok(cancelled)
}

/// Saves the given history entries (all when `ids` is empty) as CSV where the agent chooses.
/// Returns the file written, or `None` when the dialog was cancelled.
#[tauri::command]
pub async fn export_history<R: Runtime>(
    app: AppHandle<R>,
    state: State<'_, AppState>,
    ids: Vec<String>,
) -> Result<Option<String>, UiError> {
    use tauri_plugin_dialog::DialogExt;
    let mut entries = state.outbox.list();
    if !ids.is_empty() {
        let wanted: std::collections::HashSet<&String> = ids.iter().collect();
        entries.retain(|e| wanted.contains(&e.id));
    }
    let target = match std::env::var_os(DIALOG_PATH_ENV) {
        Some(path) => Some(std::path::PathBuf::from(path)),
        None => {
            let dialog = app
                .dialog()
                .file()
                .add_filter("CSV", &["csv"])
                .set_file_name("aelyst-desk-history.csv");
            blocking(move || Ok(dialog.blocking_save_file().and_then(|p| p.into_path().ok())))
                .await?
        }
    };
    let Some(path) = target else {
        return Ok(None);
    };
    let written = path.clone();
    blocking(move || {
        let file = std::fs::File::create(&path).map_err(|err| {
            UiError::new(
                "export",
                format!("The file could not be saved: {}.", err.kind()),
            )
        })?;
        crate::export::write_csv(&entries, std::io::BufWriter::new(file))
            .map_err(|_| UiError::new("export", "The file could not be written completely."))
    })
    .await?;
    Ok(Some(written.display().to_string()))
}
