//! A desktop notification when an action fails for good while the window is out of sight,
//! naming the contact and the reason; clicking it shows the entry. notify-rust directly:
//! tauri-plugin-notification, built on it, has no click on the desktop.

use aelyst_core::api::Action;
use aelyst_core::outbox::Entry;
use tauri::{AppHandle, Manager, Runtime};

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
    let what = match entry.action {
        Action::Close => "Not closed",
        Action::Open => "Not reopened",
    };
    let summary = format!("{what}: {}", entry.identifier.describe());
    let body = entry
        .last_error
        .clone()
        .unwrap_or_else(|| "Aelyst did not accept it.".into());
    let (app, workspace, id) = (app.clone(), workspace.to_owned(), entry.id.clone());
    // Showing waits on the notification server, and the click is waited for: off the thread
    // that records answers.
    std::thread::spawn(move || {
        let shown = notify_rust::Notification::new()
            .appname("Aelyst Desk")
            .summary(&summary)
            .body(&body)
            .action("default", "Show")
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
            .summary(&summary)
            .body(&body)
            .show();
        if let Err(err) = shown {
            tracing::warn!("notification not shown: {err}");
        }
    });
}
