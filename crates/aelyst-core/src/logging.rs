//! The app's log: a daily file in the app's log folder, seven days kept. Log lines carry ids,
//! counts and codes; never the token, a summary, or who a contact is.

use std::path::Path;

use tracing_appender::non_blocking::WorkerGuard;
use tracing_appender::rolling::{RollingFileAppender, Rotation};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::prelude::*;

/// Keep it alive for as long as the app runs: it flushes the last lines when dropped.
pub type Guard = WorkerGuard;

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
    Some(guard)
}
