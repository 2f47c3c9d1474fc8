//! Aelyst Desk's shell: the Tauri builder and setup, the managed state, the file dialogs, and
//! the commands the window may call (`commands/`, by area; the list is `commands/list.rs`).
//! Everything else lives in the Tauri-free `aelyst-core` crate.

pub mod commands;
pub mod dialogs;
pub mod history_feed;
pub mod state;
mod window_state;

use std::sync::Arc;

use aelyst_core::keychain::Keychains;
use tauri::{Manager, Runtime};

pub use state::{AppState, APP_LOCK_FILE, SETTINGS_FILE};

pub const MAIN_WINDOW: &str = "main";

macro_rules! app_commands {
    ($($area:ident :: $name:ident),* $(,)?) => {
        /// Every command the window may call, by name (each is granted as `allow-<name>`).
        pub const COMMANDS: &[&str] = &[$(stringify!($name)),*];

        fn invoke_handler<R: Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static {
            tauri::generate_handler![$(commands::$area::$name),*]
        }
    };
}
include!("commands/list.rs");

/// Everything the app registers, generic over the runtime so `tauri::test`'s mock runtime can
/// drive the same commands the real window uses. The keychain is passed in so tests can
/// hand it keyring-core's mock store.
pub fn app_builder<R: Runtime>(
    builder: tauri::Builder<R>,
    keychains: Keychains,
) -> tauri::Builder<R> {
    builder
        // Used from Rust only ("Open log folder"); the window is granted none of its commands.
        .plugin(tauri_plugin_opener::init())
        // File dialogs are opened from Rust (bulk CSV, export); the window gets no dialog
        // or file permissions.
        .plugin(tauri_plugin_dialog::init())
        .setup(move |app| {
            // Another Aelyst Desk that could not be handed over to (no session bus for the
            // single-instance plugin) holds the app's lock: say so, and open and write nothing.
            let data_dir = app.path().app_data_dir()?;
            std::fs::create_dir_all(&data_dir)?;
            let Some(app_lock) =
                aelyst_core::fsutil::lock_exclusive(&data_dir.join(APP_LOCK_FILE))?
            else {
                return Err(aelyst_core::outbox::OutboxError::AlreadyRunning.into());
            };
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
            let state = AppState::open(
                &data_dir,
                app.path().app_log_dir()?,
                keychains.clone(),
                app_lock,
                Arc::new(|worker| {
                    tauri::async_runtime::spawn(worker);
                }),
            )?;
            // Opens the keychain connection while the webview loads, so the window's first
            // "is a token saved?" does not wait for it.
            let shown = state.settings.read(|s| s.shown.clone()).unwrap_or_default();
            if let Ok(warm) = state.workspace(&shown) {
                tauri::async_runtime::spawn_blocking(move || {
                    if let Err(err) = warm.credentials() {
                        tracing::warn!(
                            "keychain not ready: {}",
                            aelyst_core::AppError::from(err).code
                        );
                    }
                });
            }
            app.manage(state);
            Ok(())
        })
        .invoke_handler(invoke_handler())
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
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .on_window_event(|window, event| {
            if matches!(
                event,
                tauri::WindowEvent::Resized(_) | tauri::WindowEvent::Moved(_)
            ) {
                window_state::save_soon(window.app_handle());
            }
        });
    let builder = app_builder(desktop, Keychains::platform());
    if let Err(err) = builder.run(tauri::generate_context!()) {
        eprintln!("Aelyst Desk could not start: {err}");
        std::process::exit(1);
    }
}
