//! Aelyst Desk's shell: the Tauri builder and setup, the managed state, the file dialogs, and
//! the commands the window may call (`commands/`, by area; the list is `commands/list.rs`).
//! Everything else lives in the Tauri-free `aelyst-core` crate.

pub mod commands;
pub mod dialogs;
pub mod event_hub;
pub mod global_shortcut;
pub mod handoff;
pub mod notify;
pub mod preferences;
pub mod state;
pub mod tray;
pub mod updates;
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
    options: AppOptions,
) -> tauri::Builder<R> {
    builder
        .manage(handoff::Handoffs::default())
        .manage(global_shortcut::Shortcuts::default())
        .manage(tray::Tray::default())
        // Used from Rust only ("Open log folder"); the window is granted none of its commands.
        .plugin(tauri_plugin_opener::init())
        // File dialogs are opened from Rust (bulk CSV, export); the window gets no dialog
        // or file permissions.
        .plugin(tauri_plugin_dialog::init())
        // "Start with the computer" (off unless the agent turns it on in Settings); used from
        // Rust only.
        .plugin(tauri_plugin_autostart::Builder::new().build())
        // The agent's preferences (language, shortcut), from Rust only (preferences.rs).
        .plugin(tauri_plugin_store::Builder::new().build())
        .setup(move |app| {
            // Another Aelyst Desk that could not be handed over to (no session bus for the
            // single-instance plugin) holds the app's lock: say so, and open and write nothing.
            let data_dir = app.path().app_data_dir()?;
            aelyst_core::files::create_private_dir(&data_dir)?;
            let Some(app_lock) = aelyst_core::files::lock_exclusive(&data_dir.join(APP_LOCK_FILE))?
            else {
                return Err(aelyst_core::outbox::OutboxError::AlreadyRunning.into());
            };
            // A version the agent was told of installs now, before any workspace opens
            // (Windows and macOS; apt updates the .deb).
            let policies = options.policies.clone();
            updates::install_pending_at_start(app.handle(), &data_dir, &policies);
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
                // The page starts in the agent's language: the saved choice, read on its own
                // before the rest of the state, or the computer's.
                let chosen = aelyst_core::preferences::peek_language(
                    &data_dir.join(aelyst_core::preferences::FILE),
                    &data_dir.join(SETTINGS_FILE),
                );
                let language = aelyst_core::language::effective(
                    policies.language(chosen.as_deref()).as_deref(),
                );
                // With its words (JSON is a JavaScript literal), so the page draws without
                // fetching them first (i18n.js; README, Figures).
                tauri::WebviewWindowBuilder::from_config(app.handle(), &config)?
                    .initialization_script(format!(
                        "window.__AELYST_LANG__ = {};\nwindow.__AELYST_WORDS__ = {};",
                        serde_json::Value::from(language),
                        aelyst_core::language::catalog_text(language),
                    ))
                    .build()?;
            }
            let state = AppState::open(
                &data_dir,
                app.path().app_log_dir()?,
                keychains.clone(),
                app_lock,
                Arc::new(|worker| {
                    tauri::async_runtime::spawn(worker);
                }),
                policies.clone(),
                |legacy| preferences::PreferenceStore::open(app.handle(), &data_dir, legacy),
            )?;
            // Starting with the computer, when IT decided it: made so now.
            if let Some(start) = policies.locked.start_with_computer {
                use tauri_plugin_autostart::ManagerExt;
                let manager = app.autolaunch();
                let done = if start {
                    manager.enable()
                } else {
                    manager.disable()
                };
                if let Err(err) = done {
                    tracing::warn!("start with the computer not set as the policy says: {err}");
                }
            }
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
            // A shortcut IT locked is the one registered, whatever the agent had saved.
            let saved_shortcut = state
                .workspaces
                .policies()
                .resolve(
                    |p| p.global_shortcut.clone(),
                    Some(state.preferences.get().shortcut),
                    None,
                )
                .value;
            if options.notifications {
                let handle = app.handle().clone();
                state
                    .event_hub
                    .watch_failures(Box::new(move |workspace, entry| {
                        notify::failed(&handle, workspace, entry);
                    }));
            }
            app.manage(state);
            // macOS hands links to a running app as an event, not a command line.
            #[cfg(target_os = "macos")]
            if app
                .try_state::<tauri_plugin_deep_link::DeepLink<R>>()
                .is_some()
            {
                use tauri_plugin_deep_link::DeepLinkExt;
                let handle = app.handle().clone();
                app.deep_link().on_open_url(move |event| {
                    for url in event.urls() {
                        let asked = if handoff::links_allowed(&handle) {
                            aelyst_core::handoff::from_link(url.as_str())
                        } else {
                            aelyst_core::handoff::link_turned_off()
                        };
                        handoff::handle(&handle, asked, aelyst_core::handoff::Source::Link);
                    }
                });
            }
            // Off the main thread: a phone number's first parse loads libphonenumber's
            // metadata (about half a second), which held up the window. The page gets the
            // contact when it asks, or on its channel once it is ready.
            if let Some(launch) = options.launch {
                let handle = app.handle().clone();
                tauri::async_runtime::spawn_blocking(move || {
                    handoff::handle(&handle, launch, aelyst_core::handoff::Source::CommandLine);
                });
            }
            // The tray icon is made the first time the window goes to the background (see
            // tray::keep_running): making it costs start-up half a second on a desktop
            // without a tray host, and it is for reaching the app once the window is gone.
            app.state::<tray::Tray>().allow(options.tray);
            // The global shortcut waits for the window's first frame (`window_ready`):
            // registering it held start-up for half a second (measured).
            if options.global_shortcut {
                app.state::<global_shortcut::Shortcuts>()
                    .registering(saved_shortcut.clone());
                app.manage(global_shortcut::Pending(std::sync::Mutex::new(Some(
                    saved_shortcut,
                ))));
            }
            Ok(())
        })
        .invoke_handler(invoke_handler())
}

/// What the real app adds to [`app_builder`] and tests leave out.
#[derive(Default)]
pub struct AppOptions {
    /// What this launch's command line asked for (`--contact`, a link…).
    pub launch: Option<aelyst_core::handoff::Handoff>,
    /// Register the global shortcut (the real desktop only: tests on the mock runtime must
    /// not take a key of the machine they run on).
    pub global_shortcut: bool,
    /// Show the tray icon (the real desktop only).
    pub tray: bool,
    /// Notify of failures while the window is out of sight (the real desktop only).
    pub notifications: bool,
    /// IT's policies, read once at launch (README, Set up by IT); tests on the mock runtime
    /// have none.
    pub policies: Arc<aelyst_core::policy::Policies>,
}

/// Starts the desktop app; returns when the last window closes.
pub fn run() {
    // Journals, settings, logs and WebKit's storage hold customers' contacts and notes.
    aelyst_core::files::private_by_default();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let desktop = tauri::Builder::default()
        // First, so a second launch hands over before anything else starts: its command line
        // (`--close-from-clipboard`, `--contact …`, a link) is done by this running app.
        .plugin(tauri_plugin_single_instance::init(|app, args, _cwd| {
            let links = handoff::links_allowed(app);
            match aelyst_core::handoff::from_args_with(args.get(1..).unwrap_or_default(), links) {
                Some(handoff) => {
                    handoff::handle(app, handoff, aelyst_core::handoff::Source::CommandLine)
                }
                None => handoff::show_window(app),
            }
        }))
        .plugin(tauri_plugin_window_state::Builder::default().build())
        // Registers the aelyst-desk: scheme (the .deb's desktop entry declares it too). On
        // Linux and Windows a link arrives as a command line, handed over above; on macOS as
        // an event (see the setup in `app_builder`).
        .plugin(tauri_plugin_deep_link::init())
        .on_window_event(|window, event| match event {
            tauri::WindowEvent::Resized(_) | tauri::WindowEvent::Moved(_) => {
                window_state::save_soon(window.app_handle());
            }
            tauri::WindowEvent::CloseRequested { api, .. } if tray::keep_running(window) => {
                api.prevent_close();
            }
            _ => {}
        });
    // IT's policies, from the system's own places only: read once, before the window is made
    // (they can set its language) and before this launch's link is taken (they can turn links
    // off).
    let policies = Arc::new(aelyst_core::policy::sources::read_system());
    let links = policies.check(aelyst_core::policy::Setting::Links).is_ok();
    let options = AppOptions {
        launch: aelyst_core::handoff::from_args_with(&args, links),
        global_shortcut: true,
        tray: true,
        notifications: true,
        policies,
    };
    // The in-app updater on Windows and macOS (nothing on Linux: apt updates the .deb).
    let desktop = updates::plugin(desktop);
    let builder = app_builder(desktop, Keychains::platform(), options);
    if let Err(err) = builder.run(tauri::generate_context!()) {
        eprintln!("Aelyst Desk could not start: {err}");
        std::process::exit(1);
    }
}
