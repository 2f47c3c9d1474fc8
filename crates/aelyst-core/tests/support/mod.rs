//! What the core's integration tests share: a client that retries within a test, the
//! sandbox's token, a running sandbox, and the contacts and changes they send.
#![allow(dead_code)] // each test binary uses a different part

use std::time::Duration;

use aelyst_core::api::{
    Action, ApiToken, Client, ClientConfig, Identifier, RetryPolicy, StatusChange,
};
use aelyst_sandbox::{Fault, Sandbox, SandboxOptions, DEFAULT_TOKEN};

/// The app's own file walker and checks, shared with the app's tests rather than copied.
#[path = "../../../../tests/support/files.rs"]
pub mod files;
pub mod outbox;

/// A fresh folder for the app's data, named as an agent's profile folder can be: not ASCII
/// (`C:\Users\Zoë\AppData\…` on Windows, a home folder in any script on Linux).
pub fn data_dir() -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix("Zoë Ñúñez 資料 ")
        .tempdir()
        .unwrap()
}

/// Long enough for a loaded two-core machine to answer a plain loopback request in time, short
/// enough that waiting it out costs a test little.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(1);

/// An answer that comes only after [`quick_client`] has given up on it.
pub fn slower_than_the_timeout() -> Fault {
    Fault::Delay {
        millis: 2 * u64::try_from(REQUEST_TIMEOUT.as_millis()).unwrap(),
    }
}

/// The app's client with short timeouts and backoff, so retries happen within a test. A 449
/// without `Retry-After` waits well under a second instead of minutes; a `Retry-After` the
/// server gives is honoured as in the app.
pub fn quick_config(base_url: &str) -> ClientConfig {
    let mut config = ClientConfig::new(base_url).unwrap();
    config.request_timeout = REQUEST_TIMEOUT;
    config.connect_timeout = REQUEST_TIMEOUT;
    config.policy = RetryPolicy {
        backoff_base: Duration::from_millis(20),
        backoff_cap: Duration::from_millis(200),
        queued_base: Duration::from_millis(100),
        queued_cap: Duration::from_millis(400),
        ..RetryPolicy::default()
    };
    config
}

pub fn quick_client(base_url: &str) -> Client {
    Client::new(quick_config(base_url)).unwrap()
}

/// [`quick_client`] that waits for its answers as long as the app does (its retry waits still
/// short).
pub fn patient_client(base_url: &str) -> Client {
    let app = ClientConfig::new(base_url).unwrap();
    let mut config = quick_config(base_url);
    config.request_timeout = app.request_timeout;
    config.connect_timeout = app.connect_timeout;
    Client::new(config).unwrap()
}

/// The token the sandbox accepts unless told otherwise.
pub fn token() -> ApiToken {
    ApiToken::new(DEFAULT_TOKEN).unwrap()
}

/// A sandbox on a random loopback port.
pub async fn sandbox_with(options: SandboxOptions) -> Sandbox {
    Sandbox::start(options).await.unwrap()
}

pub async fn sandbox() -> Sandbox {
    sandbox_with(SandboxOptions::default()).await
}

pub fn id(text: &str) -> Identifier {
    Identifier::parse(text).unwrap()
}

/// Seeded contact 1 by phone.
pub fn phone() -> Identifier {
    id("phone:+60121233112")
}

pub fn close_with_note() -> StatusChange {
    StatusChange::new(
        Action::Close,
        Some("Resolved"),
        Some("Refund sent, customer happy."),
    )
    .unwrap()
}

/// A close with a note for `text` (an identifier in API form), as the outbox takes it.
pub fn close(text: &str) -> (Identifier, StatusChange) {
    (id(text), close_with_note())
}

pub fn reopen(text: &str) -> (Identifier, StatusChange) {
    (id(text), StatusChange::open())
}

/// One row of the README's fault matrix, printed once a test's checks have passed
/// (`scripts/fault-matrix.sh` collects them).
pub fn fault_row(fault: &str, injected: &str, outcome: &str) {
    println!("FAULT | {fault} | {injected} | {outcome} |");
}
