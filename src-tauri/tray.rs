//! The tray icon (Show, Close from clipboard, the waiting and failed counts, Quit), and what
//! closing the window does: while actions wait, or while the global shortcut is on, the app
//! keeps running (in the tray, sending) instead of ending.

use std::sync::atomic::{AtomicBool, Ordering};

use aelyst_core::handoff::Handoff;
use tauri::menu::{Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Runtime, Window};
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};

use crate::history_feed::Totals;
use crate::state::AppState;
use crate::words::plural;

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

fn counts_text(totals: Totals) -> String {
    format!(
        "{} waiting · {} failed",
        plural(totals.waiting, "action", "actions"),
        totals.failed
    )
}

/// Makes the tray icon. Runs on the main thread (GTK's rule on Linux).
pub fn create<R: Runtime>(app: &AppHandle<R>) -> Result<(), Box<dyn std::error::Error>> {
    if !indicator_library() {
        return Err("no tray indicator library (libayatana-appindicator3)".into());
    }
    let show = MenuItem::with_id(app, "show", "Show Aelyst Desk", true, None::<&str>)?;
    let clipboard =
        MenuItem::with_id(app, "clipboard", "Close from clipboard", true, None::<&str>)?;
    let feed = app.state::<AppState>().history_feed.clone();
    let counts = MenuItem::with_id(
        app,
        "counts",
        counts_text(feed.totals()),
        false,
        None::<&str>,
    )?;
    let quit_item = MenuItem::with_id(app, "quit", "Quit Aelyst Desk", true, None::<&str>)?;
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
        .tooltip("Aelyst Desk")
        .menu(&menu)
        .show_menu_on_left_click(true)
        .on_menu_event(|app, event| match event.id.as_ref() {
            "show" => crate::handoff::show_window(app),
            "clipboard" => crate::handoff::handle(app, Handoff::FromClipboard, "The clipboard"),
            "quit" => quit(app),
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    feed.watch_totals(Box::new(move |totals| {
        let _ = counts.set_text(counts_text(totals));
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
        .map_or(0, |state| state.history_feed.totals().waiting);
    let shortcut = app
        .try_state::<crate::shortcut::Shortcuts>()
        .is_some_and(|s| s.status().active);
    if waiting == 0 && !shortcut {
        return false;
    }
    let tray = app.state::<Tray>();
    // Made once, after this event is handled (on the main thread, as GTK wants); when the
    // indicator library is there, the tray will be, and the window can hide.
    let first = tray.allowed.load(Ordering::SeqCst) && !tray.tried.swap(true, Ordering::SeqCst);
    if first && indicator_library() {
        tray.shown.store(true, Ordering::SeqCst);
        let handle = app.clone();
        let _ = app.run_on_main_thread(move || {
            if let Err(err) = create(&handle) {
                tracing::warn!("no tray icon: {err}");
                handle.state::<Tray>().shown.store(false, Ordering::SeqCst);
            }
        });
    }
    if tray.shown.load(Ordering::SeqCst) {
        let _ = window.hide();
    } else {
        let _ = window.minimize();
    }
    if !tray.noted.swap(true, Ordering::SeqCst) {
        let why = if waiting > 0 {
            format!(
                "Aelyst Desk keeps running to send {} still waiting.",
                plural(waiting, "action", "actions")
            )
        } else {
            "Aelyst Desk keeps running so the shortcut works from any app.".to_owned()
        };
        let find = if tray.shown.load(Ordering::SeqCst) {
            "Find it in the tray (the Aelyst Desk icon); quit from there."
        } else {
            "Find it in the taskbar; quit from its window menu."
        };
        // A notification, not a dialog: a modal dialog would hold the window's own events.
        crate::notify::note("Aelyst Desk is still running", &format!("{why} {find}"));
    }
    true
}

/// Quit from the tray: asks first when actions wait (they go at the next start).
fn quit<R: Runtime>(app: &AppHandle<R>) {
    let waiting = app.state::<AppState>().history_feed.totals().waiting;
    if waiting == 0 {
        app.exit(0);
        return;
    }
    let handle = app.clone();
    app.dialog()
        .message(format!(
            "{} still waiting to be sent. If you quit, they are sent the next time Aelyst Desk starts.",
            plural(waiting, "action is", "actions are")
        ))
        .title("Quit Aelyst Desk?")
        .kind(MessageDialogKind::Warning)
        .buttons(MessageDialogButtons::OkCancelCustom(
            "Quit".into(),
            "Keep running".into(),
        ))
        .show(move |quit| {
            if quit {
                handle.exit(0);
            }
        });
}
