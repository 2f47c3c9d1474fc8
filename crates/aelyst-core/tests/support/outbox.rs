//! An outbox for a test: a token source it can rotate, the outbox opened and started on a
//! journal, and waiting for what it shows.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aelyst_core::api::{ApiToken, Client};
use aelyst_core::outbox::{Entry, HistoryEvent, OpenReport, Outbox, OutboxOptions, TokenSource};
use aelyst_sandbox::Sandbox;

use super::{close, patient_client, quick_client, sandbox};

/// A token source the test can rotate.
pub struct Tokens(Mutex<Option<String>>);

impl Tokens {
    pub fn new(token: Option<&str>) -> Arc<Self> {
        Arc::new(Self(Mutex::new(token.map(str::to_owned))))
    }
    pub fn set(&self, token: &str) {
        *self.0.lock().unwrap() = Some(token.to_owned());
    }
}

impl TokenSource for Tokens {
    fn current(
        &self,
        _address: &url::Url,
    ) -> Result<Option<ApiToken>, aelyst_core::keychain::KeychainError> {
        Ok(self
            .0
            .lock()
            .unwrap()
            .as_deref()
            .and_then(|t| ApiToken::new(t).ok()))
    }
}

pub struct Harness {
    pub outbox: Outbox,
    pub events: Arc<Mutex<Vec<HistoryEvent>>>,
    pub tokens: Arc<Tokens>,
}

pub fn open(path: &Path, base_url: &str, tokens: Arc<Tokens>, options: OutboxOptions) -> Harness {
    open_with(path, quick_client(base_url), tokens, options)
}

/// [`open`] with the client given.
pub fn open_with(
    path: &Path,
    client: Client,
    tokens: Arc<Tokens>,
    options: OutboxOptions,
) -> Harness {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let (outbox, _) = Outbox::open(
        path,
        options,
        client,
        tokens.clone(),
        Box::new(move |event| sink.lock().unwrap().push(event)),
    )
    .unwrap();
    outbox.start();
    Harness {
        outbox,
        events,
        tokens,
    }
}

/// A sandbox, and an outbox in a fresh folder sending to it with `token`.
pub async fn sending(token: Option<&str>) -> (Sandbox, tempfile::TempDir, Harness) {
    sending_with(sandbox().await, token, OutboxOptions::default())
}

/// An outbox in a fresh folder sending to `sandbox` with `token`, opened with `options`.
pub fn sending_with(
    sandbox: Sandbox,
    token: Option<&str>,
    options: OutboxOptions,
) -> (Sandbox, tempfile::TempDir, Harness) {
    let client = quick_client(&sandbox.base_url());
    sending_through(sandbox, token, options, client)
}

/// [`sending_with`] through [`patient_client`]: for tests that count requests, where a loaded
/// machine answering slower than [`quick_client`] waits would add a resend that is not what
/// they look at.
pub fn sending_patiently(
    sandbox: Sandbox,
    token: Option<&str>,
) -> (Sandbox, tempfile::TempDir, Harness) {
    let client = patient_client(&sandbox.base_url());
    sending_through(sandbox, token, OutboxOptions::default(), client)
}

/// An outbox in a fresh folder sending to `sandbox` through `client`.
fn sending_through(
    sandbox: Sandbox,
    token: Option<&str>,
    options: OutboxOptions,
    client: Client,
) -> (Sandbox, tempfile::TempDir, Harness) {
    let dir = super::data_dir();
    let h = open_with(&journal(&dir), client, Tokens::new(token), options);
    (sandbox, dir, h)
}

/// Looks at `probe` until `done` holds for what it shows, and returns that. The deadline only
/// ends a test that would otherwise hang; a healthy run is far inside it.
pub async fn poll<T: std::fmt::Debug>(
    what: &str,
    probe: impl Fn() -> T,
    done: impl Fn(&T) -> bool,
) -> T {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let seen = probe();
        if done(&seen) {
            return seen;
        }
        assert!(Instant::now() < deadline, "{what}: still {seen:#?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

pub async fn settle(outbox: &Outbox, what: &str, done: impl Fn(&[Entry]) -> bool) -> Vec<Entry> {
    poll(what, || outbox.list(), |entries| done(entries)).await
}

/// Returns once nothing more goes out by itself without waiting: two turns of the sending loop
/// have begun after this was called (each nudged, so neither waits for a timer), and every send
/// they handed out has been answered. A wrong resend that was due shows in the sandbox's log by
/// then, on any machine, however slow.
pub async fn quiet(outbox: &Outbox) {
    for turn in ["first", "second"] {
        let before = outbox.progress().turns;
        outbox.nudge();
        poll(
            &format!("the {turn} turn of the sending loop"),
            || outbox.progress().turns,
            |&turns| turns > before,
        )
        .await;
    }
    poll(
        "the sends in flight",
        || outbox.progress(),
        |p| p.in_flight == 0,
    )
    .await;
}

pub fn all_finished(entries: &[Entry]) -> bool {
    entries.iter().all(Entry::is_finished)
}

pub fn journal(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("outbox.jsonl")
}

pub const NOBODY: &str = "http://127.0.0.1:9/v1";

/// Writes a journal holding a close of each of `ids`, by an outbox that sends nothing.
pub fn journal_of(dir: &tempfile::TempDir, ids: &[&str]) -> PathBuf {
    journal_for(dir, NOBODY, ids)
}

/// [`journal_of`], the actions made for `base_url` (an action is only ever sent to the
/// address it was made for).
pub fn journal_for(dir: &tempfile::TempDir, base_url: &str, ids: &[&str]) -> PathBuf {
    let path = journal(dir);
    let (outbox, _) = reload_for(&path, base_url);
    for id in ids {
        let (identifier, change) = close(id);
        outbox.submit(identifier, change).unwrap();
    }
    path
}

/// Opens the outbox on `path` again, as the app does at start-up, without starting to send (it
/// lets go of the journal when dropped).
pub fn reload(path: &Path) -> (Outbox, OpenReport) {
    reload_for(path, NOBODY)
}

/// [`reload`] with the workspace at `base_url`.
pub fn reload_for(path: &Path, base_url: &str) -> (Outbox, OpenReport) {
    Outbox::open(
        path,
        OutboxOptions::default(),
        quick_client(base_url),
        Tokens::new(None),
        Box::new(|_| {}),
    )
    .unwrap()
}
