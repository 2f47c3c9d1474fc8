//! The app's log: a daily file in the app's log folder, seven days kept. Log lines carry ids,
//! counts and codes; never the token, a summary, or who a contact is.

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::prelude::*;

/// Keep it alive for as long as the app runs: it flushes the last lines when dropped.
pub struct Guard(Arc<Mutex<Option<WorkerGuard>>>);

impl Drop for Guard {
    fn drop(&mut self) {
        // Taken out under the lock, flushed (dropped) after it is released.
        let worker = self.0.lock().unwrap_or_else(PoisonError::into_inner).take();
        drop(worker);
    }
}

pub const LOG_PREFIX: &str = "aelyst-desk";
const DAYS_KEPT: usize = 7;

/// Starts writing the log under `dir`. Keep the guard alive for as long as the app runs: it
/// flushes the last lines when dropped. Fails quietly (no log) rather than stop the app.
pub fn init(dir: &Path) -> Option<Guard> {
    crate::files::create_private_dir(dir).ok()?;
    // Earlier versions' days were written 0644; new ones are private by the umask
    // (`files::private_by_default`).
    for file in std::fs::read_dir(dir).ok()?.flatten() {
        let _ = crate::files::make_private(&file.path());
    }
    let appender = RollingFileAppender::builder()
        .rotation(Rotation::DAILY)
        .max_log_files(DAYS_KEPT)
        .filename_prefix(LOG_PREFIX)
        .filename_suffix("log")
        .build(dir)
        .ok()?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    // Our own events at info; libraries only when something goes wrong (their debug output
    // could carry request details).
    let filter = Targets::new()
        .with_default(LevelFilter::WARN)
        .with_target("aelyst_desk", LevelFilter::INFO)
        .with_target("aelyst_core", LevelFilter::INFO);
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(writer)
        .with_ansi(false)
        .with_target(false);
    tracing_subscriber::registry()
        .with(layer.with_filter(filter))
        .try_init()
        .ok()?;
    let guard = Arc::new(Mutex::new(Some(guard)));
    log_panics(guard.clone());
    Some(Guard(guard))
}

/// A panic is written to the log with where it happened. Only the place: its message could
/// hold anything a library put in it, and the log never holds a contact or a summary.
///
/// The release build aborts on a panic (Cargo.toml), so nothing runs after this hook: the
/// log's worker thread is flushed here, or the line would be lost with the process, and
/// stderr (often the session's journal) gets the place only, not Rust's usual line with the
/// message. Unwinding builds (the tests) keep the log going after a panic that is caught, and
/// print the message as usual.
fn log_panics(log: Arc<Mutex<Option<WorkerGuard>>>) {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let place = info
            .location()
            .map(|at| format!("{}:{}:{}", at.file(), at.line(), at.column()))
            .unwrap_or_default();
        tracing::error!("panic at {place}");
        if !cfg!(panic = "abort") {
            previous(info);
            return;
        }
        eprintln!("Aelyst Desk stopped on a bug at {place} (see its log)");
        // `try_lock`: a panic while the guard is being dropped must not wait on itself.
        let worker = log.try_lock().ok().and_then(|mut held| held.take());
        drop(worker);
    }));
}
