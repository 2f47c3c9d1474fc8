//! The tray icon (Show, Close from clipboard, the waiting and failed counts, Quit), and what
//! closing the window does: while actions wait, or while the global shortcut is on, the app
//! keeps running (in the tray, sending) instead of ending.

use std::sync::atomic::{AtomicBool, Ordering};

use aelyst_core::handoff::Handoff;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Runtime, Window};
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};

use aelyst_core::language::Words;

use crate::event_hub::Totals;
use crate::state::AppState;

/// Whether the tray icon is there (a desktop without a tray, or without the indicator
/// library, has none: the window is then minimised instead of hidden).
#[derive(Default)]
pub struct Tray {
    /// The real desktop makes a tray; tests on the mock runtime do not.
    allowed: AtomicBool,
    /// Making it was tried (once).
    tried: AtomicBool,
    shown: AtomicBool,
    /// The one-time note about running on in the tray was given this run.
    noted: AtomicBool,
}

impl Tray {
    pub fn allow(&self, allowed: bool) {
        self.allowed.store(allowed, Ordering::SeqCst);
    }
}

fn counts_text(words: &Words, totals: Totals) -> String {
    words.text(
        "tray.counts",
        &[("count", &totals.waiting), ("failed", &totals.failed)],
    )
}

fn words<R: Runtime>(app: &AppHandle<R>) -> &'static Words {
    app.try_state::<AppState>().map_or_else(
        || Words::get(aelyst_core::language::system()),
        |s| s.words(),
    )
}

/// Makes the tray icon. Runs on the main thread (GTK's rule on Linux).
pub fn create<R: Runtime>(app: &AppHandle<R>) -> Result<(), Box<dyn std::error::Error>> {
    if !indicator_library() {
        return Err("no tray indicator library (libayatana-appindicator3)".into());
    }
    // In the language of the moment the tray is made (a change in Settings shows at the next
    // start; the counts line follows at once).
    let words = words(app);
    let item = |id: &str, key: &str, enabled: bool| {
        MenuItem::with_id(app, id, words.text(key, &[]), enabled, None::<&str>)
    };
    let show = item("show", "tray.show", true)?;
    let clipboard = item("clipboard", "tray.close_from_clipboard", true)?;
    let feed = app.state::<AppState>().event_hub.clone();
    let counts = MenuItem::with_id(
        app,
        "counts",
        counts_text(words, feed.totals()),
        false,
        None::<&str>,
    )?;
    let quit_item = item("quit", "tray.quit", true)?;
    let menu = Menu::with_items(
        app,
        &[
            &show,
            &clipboard,
            &PredefinedMenuItem::separator(app)?,
            &counts,
            &PredefinedMenuItem::separator(app)?,
            &quit_item,
        ],
    )?;
    let mut tray = TrayIconBuilder::with_id("main")
        .tooltip(words.text("tray.tooltip", &[]))
        .menu(&menu)
        .show_menu_on_left_click(true)
        .on_menu_event(|app, event| match event.id.as_ref() {
            "show" => crate::handoff::show_window(app),
            "clipboard" => crate::handoff::handle(
                app,
                Handoff::FromClipboard,
                aelyst_core::handoff::Source::Clipboard,
            ),
            "quit" => quit(app),
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    let handle = app.clone();
    feed.watch_totals(Box::new(move |totals| {
        let _ = counts.set_text(counts_text(self::words(&handle), totals));
    }));
    Ok(())
}

/// The indicator library the tray needs on Linux is loaded when the tray is made, and its
/// absence would end the app: look for it first.
#[cfg(target_os = "linux")]
fn indicator_library() -> bool {
    ["libayatana-appindicator3.so.1", "libappindicator3.so.1"]
        .iter()
        // SAFETY: loading a system library by name; nothing of it is called here.
        .any(|name| unsafe { libloading::Library::new(name) }.is_ok())
}

#[cfg(not(target_os = "linux"))]
fn indicator_library() -> bool {
    true
}

/// The window's close button: ends the app, unless actions wait or the shortcut is on, in
/// which case the window goes (to the tray, or minimised without one) and sending goes on.
/// Returns true when it kept the app running.
pub fn keep_running<R: Runtime>(window: &Window<R>) -> bool {
    let app = window.app_handle();
    let waiting = app
        .try_state::<AppState>()
        .map_or(0, |state| state.event_hub.totals().waiting);
    let shortcut = app
        .try_state::<crate::global_shortcut::Shortcuts>()
        .is_some_and(|s| s.status().active);
    let tray = app.state::<Tray>();
    tracing::info!(
        waiting,
        shortcut,
        tray = tray.shown.load(Ordering::SeqCst),
        "window closed"
    );
    if waiting == 0 && !shortcut {
        return false;
    }
    // Made once, after this event is handled (on the main thread, as GTK wants); when the
    // indicator library is there, the tray will be, and the window can hide. Queued from
    // another task: `run_on_main_thread` called on the main thread runs at once, inside this
    // close handler, where a tray that failed would have turned this hide into a minimise
    // (which does nothing without a window manager, so the window stayed).
    let first = tray.allowed.load(Ordering::SeqCst) && !tray.tried.swap(true, Ordering::SeqCst);
    if first && indicator_library() {
        tray.shown.store(true, Ordering::SeqCst);
        let handle = app.clone();
        tauri::async_runtime::spawn(async move {
            let maker = handle.clone();
            let _ = handle.run_on_main_thread(move || {
                if let Err(err) = create(&maker) {
                    tracing::warn!("no tray icon: {err}");
                    maker.state::<Tray>().shown.store(false, Ordering::SeqCst);
                    // Hidden with no tray to bring it back: on the taskbar instead.
                    if let Some(window) = maker.get_webview_window(crate::MAIN_WINDOW) {
                        let _ = window.show();
                        let _ = window.minimize();
                    }
                }
            });
        });
    }
    if tray.shown.load(Ordering::SeqCst) {
        let _ = window.hide();
    } else {
        let _ = window.minimize();
    }
    if !tray.noted.swap(true, Ordering::SeqCst) {
        let words = words(app);
        let why = if waiting > 0 {
            words.text("tray.running_to_send", &[("count", &waiting)])
        } else {
            words.text("tray.running_for_shortcut", &[])
        };
        let find = if tray.shown.load(Ordering::SeqCst) {
            words.text("tray.find_in_tray", &[])
        } else {
            words.text("tray.find_in_taskbar", &[])
        };
        // A notification, not a dialog: a modal dialog would hold the window's own events.
        crate::notify::note(
            &words.text("tray.still_running", &[]),
            &format!("{why} {find}"),
        );
    }
    true
}

/// Quit from the tray: asks first when actions wait (they go at the next start).
fn quit<R: Runtime>(app: &AppHandle<R>) {
    let waiting = app.state::<AppState>().event_hub.totals().waiting;
    if waiting == 0 {
        app.exit(0);
        return;
    }
    let handle = app.clone();
    let words = words(app);
    app.dialog()
        .message(words.text("tray.quit_waiting", &[("count", &waiting)]))
        .title(words.text("tray.quit_title", &[]))
        .kind(MessageDialogKind::Warning)
        .buttons(MessageDialogButtons::OkCancelCustom(
            words.text("tray.quit_confirm", &[]),
            words.text("tray.keep_running", &[]),
        ))
        .show(move |quit| {
            if quit {
                handle.exit(0);
            }
        });
}
