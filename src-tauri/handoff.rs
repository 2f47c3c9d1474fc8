//! Bringing the window to the front with a contact in the form: from this launch's command
//! line, a second launch's (handed over by the single-instance plugin), a link, the global
//! shortcut, or the Paste button. The clipboard is read here, in Rust, and only then: never
//! polled, never logged; the window has no clipboard permission.

use std::sync::Mutex;

use aelyst_core::handoff::{fill_from_text, FormFill, Handoff};
use tauri::ipc::Channel;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_clipboard_manager::ClipboardExt;

use crate::MAIN_WINDOW;

/// What the window should show, held until it listens (a handoff at start comes before the
/// page has loaded).
#[derive(Default)]
pub struct Handoffs {
    pending: Mutex<Option<FormFill>>,
    window: Mutex<Option<Channel<FormFill>>>,
}

impl Handoffs {
    fn deliver(&self, fill: FormFill) {
        let window = self
            .window
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let undelivered = match window.as_ref() {
            Some(channel) => channel.send(fill.clone()).err().map(|_| fill),
            None => Some(fill),
        };
        if undelivered.is_some() {
            *self
                .pending
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner()) = undelivered;
        }
    }

    /// From now on handoffs go to `channel`; returns one that came before.
    pub fn watch(&self, channel: Channel<FormFill>) -> Option<FormFill> {
        *self
            .window
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = Some(channel);
        self.pending
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .take()
    }
}

/// The clipboard's contact, read now. The clipboard plugin is added on first use: it opens a
/// connection to the display server, which start-up need not pay for.
pub fn from_clipboard<R: Runtime>(app: &AppHandle<R>) -> FormFill {
    if app
        .try_state::<tauri_plugin_clipboard_manager::Clipboard<R>>()
        .is_none()
    {
        if let Err(err) = app.plugin(tauri_plugin_clipboard_manager::init()) {
            tracing::warn!("clipboard unavailable: {err}");
        }
    }
    match app.clipboard().read_text() {
        Ok(text) => fill_from_text(&text, aelyst_core::handoff::Source::Clipboard),
        Err(_) => fill_from_text("", aelyst_core::handoff::Source::Clipboard),
    }
}

/// Whether IT left links on (`AllowLinks`); before the state exists, yes (the launch's own
/// command line is checked against the policies where it is read).
pub fn links_allowed<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.try_state::<crate::state::AppState>()
        .is_none_or(|state| {
            state
                .workspaces
                .policies()
                .check(aelyst_core::policy::Setting::Links)
                .is_ok()
        })
}

/// Does what was asked: the window comes to the front and shows the contact (or the note).
pub fn handle<R: Runtime>(
    app: &AppHandle<R>,
    handoff: Handoff,
    source: aelyst_core::handoff::Source,
) {
    let fill = match handoff {
        Handoff::FromClipboard => from_clipboard(app),
        Handoff::Contact(text) => fill_from_text(&text, source),
        Handoff::Refused(note) => FormFill::Note { note, source },
    };
    show_window(app);
    app.state::<Handoffs>().deliver(fill);
}

/// A notification about an entry was clicked: the window shows it (in its workspace).
pub fn show_entry<R: Runtime>(app: &AppHandle<R>, workspace: &str, id: &str) {
    show_window(app);
    app.state::<Handoffs>().deliver(FormFill::Entry {
        workspace: workspace.to_owned(),
        id: id.to_owned(),
    });
}

pub fn show_window<R: Runtime>(app: &AppHandle<R>) {
    if let Some(window) = app.get_webview_window(MAIN_WINDOW) {
        let _ = window.unminimize();
        let _ = window.show();
        let _ = window.set_focus();
    }
}
