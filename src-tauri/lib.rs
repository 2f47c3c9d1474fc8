//! Aelyst Desk: a thin Tauri shell over Tauri-free domain modules.
//!
//! `api` (the Aelyst client), `keychain` (the token), `outbox` (durable sending and the
//! history) and `settings` know nothing of Tauri; `commands` are the thin
//! `#[tauri::command]` functions the window may call, each granted one by one in
//! `src-tauri/capabilities/default.json`.

pub mod api;
pub mod bulk;
pub mod commands;
pub mod export;
pub mod keychain;
pub mod logging;
pub mod outbox;
pub mod settings;
pub mod ui_error;

#[cfg(feature = "sandbox")]
pub mod sandbox;

use std::sync::{Arc, Mutex};

use tauri::{Manager, Runtime};

use commands::{AppState, HistoryFeed};
use keychain::Keychain;
use outbox::{Outbox, OutboxOptions};

pub const OUTBOX_FILE: &str = "outbox.jsonl";
pub const MAIN_WINDOW: &str = "main";

/// Everything the app registers, generic over the runtime so `tauri::test`'s mock runtime can
/// drive the same commands the real window uses. The keychain is passed in so tests can
/// hand it keyring-core's mock store.
pub fn app_builder<R: Runtime>(
    builder: tauri::Builder<R>,
    keychain: Keychain,
) -> tauri::Builder<R> {
    let keychain = Arc::new(keychain);
    builder
        .plugin(tauri_plugin_store::Builder::new().build())
        // Used from Rust only ("Open log folder"); the window is granted none of its commands.
        .plugin(tauri_plugin_opener::init())
        // File dialogs are opened from Rust (bulk CSV, export); the window gets no dialog
        // or file permissions.
        .plugin(tauri_plugin_dialog::init())
        .setup(move |app| {
            // The window first, so WebKit starts its processes while the state below is opened.
            // Safe: the window's IPC is handled on this (main) thread, which is busy here until
            // the state is managed, so no command can run before it exists.
            let main = app
                .config()
                .app
                .windows
                .iter()
                .find(|w| w.label == MAIN_WINDOW)
                .cloned();
            if let Some(config) = main {
                tauri::WebviewWindowBuilder::from_config(app.handle(), &config)?.build()?;
            }
            let state = open_state(app.handle(), keychain.clone())?;
            let worker = state.outbox.worker();
            app.manage(state);
            tauri::async_runtime::spawn(worker);
            // Opens the keychain connection while the webview loads, so the window's first
            // "is a token saved?" does not wait for it.
            let warm = keychain.clone();
            tauri::async_runtime::spawn_blocking(move || {
                if let Err(err) = warm.has_token() {
                    tracing::warn!("keychain not ready: {}", ui_error::ErrorKind::kind(&err));
                }
            });
            Ok(())
        })
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::submit_action,
            commands::watch_history,
            commands::retry_action,
            commands::clear_finished,
            commands::token_status,
            commands::save_token,
            commands::forget_token,
            commands::get_settings,
            commands::save_settings,
            commands::closing_categories,
            commands::refresh_closing_categories,
            commands::contact_preview,
            commands::diagnostics,
            commands::open_log_folder,
            commands::bulk_preview,
            commands::bulk_open_csv,
            commands::bulk_submit,
            commands::bulk_cancel,
            commands::export_history,
        ])
}

fn open_state<R: Runtime>(
    app: &tauri::AppHandle<R>,
    keychain: Arc<Keychain>,
) -> Result<AppState, Box<dyn std::error::Error>> {
    let data_dir = app.path().app_data_dir()?;
    std::fs::create_dir_all(&data_dir)?;
    let log_dir = app.path().app_log_dir()?;
    let log_guard = logging::init(&log_dir);
    tracing::info!(version = env!("CARGO_PKG_VERSION"), "Aelyst Desk starting");
    let mut notices = Vec::new();
    // tauri-plugin-store would silently replace a file it cannot parse; set it aside first.
    if let Some(aside) = settings::set_aside_if_unreadable(&data_dir.join(commands::SETTINGS_FILE))?
    {
        notices.push(format!(
            "Your settings file could not be read, so the app started with the defaults. The old file was kept as {}.",
            aside.display()
        ));
    }
    let settings = commands::load_settings(app);
    let config = api::ClientConfig::resolve(settings.api_base_url.as_deref())
        .or_else(|_| api::ClientConfig::new(api::DEFAULT_BASE_URL))?;
    let client = api::Client::new(config)?;
    let history_feed = Arc::new(HistoryFeed::default());
    let feed = history_feed.clone();
    let (outbox, report) = Outbox::open(
        &data_dir.join(OUTBOX_FILE),
        OutboxOptions {
            history_limit: settings.history_limit,
            ..OutboxOptions::default()
        },
        client,
        keychain.clone(),
        Box::new(move |event| feed.send(event)),
    )?;
    tracing::info!(resumed = report.resumed, "outbox opened");
    if let Some(aside) = report.moved_aside {
        notices.push(format!(
            "Part of the history could not be read. Everything readable was kept, and the damaged file was saved as {}.",
            aside.display()
        ));
    }
    Ok(AppState {
        keychain,
        outbox,
        history_feed,
        settings: Mutex::new(settings),
        notices,
        log_dir,
        _log_guard: log_guard,
    })
}

/// Starts the desktop app; returns when the last window closes.
pub fn run() {
    let desktop = tauri::Builder::default()
        // First, so a second launch hands over before anything else starts.
        .plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
                let _ = window.unminimize();
                let _ = window.show();
                let _ = window.set_focus();
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build());
    let builder = app_builder(desktop, Keychain::platform(keychain::DEFAULT_ACCOUNT));
    if let Err(err) = builder.run(tauri::generate_context!()) {
        eprintln!("Aelyst Desk could not start: {err}");
        std::process::exit(1);
    }
}
