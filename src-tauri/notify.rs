//! A desktop notification when an action fails for good while the window is out of sight,
//! naming the contact and the reason; clicking it shows the entry. notify-rust directly:
//! tauri-plugin-notification, built on it, has no click on the desktop.

use aelyst_core::api::Action;
use aelyst_core::notification;
use aelyst_core::outbox::Entry;
use tauri::{AppHandle, Manager, Runtime};

use crate::state::AppState;
use crate::MAIN_WINDOW;

/// The window is hidden (in the tray) or minimised: the agent cannot see the history.
fn out_of_sight<R: Runtime>(app: &AppHandle<R>) -> bool {
    app.get_webview_window(MAIN_WINDOW).is_some_and(|window| {
        !window.is_visible().unwrap_or(true) || window.is_minimized().unwrap_or(false)
    })
}

pub fn failed<R: Runtime>(app: &AppHandle<R>, workspace: &str, entry: &Entry) {
    if !out_of_sight(app) {
        return;
    }
    let Some(state) = app.try_state::<AppState>() else {
        return;
    };
    let words = state.words();
    let contact = words.contact(&entry.identifier);
    let title = match entry.action {
        Action::Close => "notify.not_closed",
        Action::Open => "notify.not_reopened",
    };
    let summary = words.text(title, &[("contact", &contact)]);
    let body = match &entry.reason {
        Some(reason) => words.reason(reason, &contact),
        None => words.text("notify.refused", &[]),
    };
    let show = words.text("notify.show", &[]);
    let (app, workspace, id) = (app.clone(), workspace.to_owned(), entry.id.clone());
    // Showing waits on the notification server, and the click is waited for: off the thread
    // that records answers.
    std::thread::spawn(move || {
        let shown = notify_rust::Notification::new()
            .appname("Aelyst Desk")
            .summary(&notification::summary(&summary))
            .body(&notification::body(&body))
            .action("default", &show)
            .show();
        match shown {
            #[cfg(all(unix, not(target_os = "macos")))]
            Ok(handle) => handle.wait_for_action(|action| {
                if action == "default" {
                    crate::handoff::show_entry(&app, &workspace, &id);
                }
            }),
            #[cfg(not(all(unix, not(target_os = "macos"))))]
            Ok(_) => {
                let _ = (&app, &workspace, &id);
            }
            Err(err) => tracing::warn!("notification not shown: {err}"),
        }
    });
}

/// A notification that says something once (no click to wait for).
pub fn note(summary: &str, body: &str) {
    let (summary, body) = (summary.to_owned(), body.to_owned());
    std::thread::spawn(move || {
        let shown = notify_rust::Notification::new()
            .appname("Aelyst Desk")
            .summary(&notification::summary(&summary))
            .body(&notification::body(&body))
            .show();
        if let Err(err) = shown {
            tracing::warn!("notification not shown: {err}");
        }
    });
}
