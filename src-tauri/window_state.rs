//! The window's size and position, saved shortly after they change. The window-state plugin
//! saves only when the app exits normally; a session that ends, a crash or a kill would lose
//! what the agent set, so the state is also written half a second after the last move.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tauri::{AppHandle, Runtime};
use tauri_plugin_window_state::{AppHandleExt, StateFlags};

const QUIET: Duration = Duration::from_millis(500);

/// Counts moves and resizes: a save goes ahead only if none came after it was planned.
static CHANGES: AtomicU64 = AtomicU64::new(0);

pub fn save_soon<R: Runtime>(app: &AppHandle<R>) {
    let change = CHANGES.fetch_add(1, Ordering::SeqCst) + 1;
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        tokio::time::sleep(QUIET).await;
        if CHANGES.load(Ordering::SeqCst) != change {
            return;
        }
        // On the main thread: saving holds the plugin's lock while it asks the window for its
        // state, and from another thread that question waits for the main thread, which may
        // be in the plugin's own move handler waiting for the same lock (seen: the app hung
        // when a move came during a save).
        let saver = app.clone();
        let _ = app.run_on_main_thread(move || {
            if let Err(err) = saver.save_window_state(StateFlags::all()) {
                tracing::warn!("window size and position not saved: {err}");
            }
        });
    });
}
