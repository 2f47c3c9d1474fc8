//! A bulk run against a rate limit: 200 closes through the outbox against a sandbox that
//! allows 20 requests per second for the whole workspace. The limit allows it in 10 s; the
//! goal is ≤ 1.1× that (11 s) with no more 429 answers than the first burst (at most one per
//! send in flight). Prints the time, the ratio and the 429 count.
//!
//! `cargo bench -p aelyst-core --bench bulk_pacing` runs the full 200; under `cargo test` it runs a quick 40
//! so the code path stays exercised. `BULK_PACING_DELAY_MS=150` has the sandbox wait that long
//! before it takes in each close (and counts it against its limit), as if every request took
//! that much longer on the way: the pacer's price for counting a slow request longer (README,
//! Pacing). The goal is for loopback; the delayed run prints its ratio without one.

use std::sync::Arc;
use std::time::{Duration, Instant};

use aelyst_core::api::{Action, ApiToken, Client, ClientConfig, Identifier, StatusChange};
use aelyst_core::outbox::{EntryState, Outbox, OutboxOptions, TokenSource, DEFAULT_MAX_IN_FLIGHT};
use aelyst_sandbox::{status_path, Fault, Sandbox, SandboxOptions, DEFAULT_TOKEN};

const LIMIT_PER_SECOND: u32 = 20;

struct Token;

impl TokenSource for Token {
    fn current(
        &self,
        _address: &url::Url,
    ) -> Result<Option<ApiToken>, aelyst_core::keychain::KeychainError> {
        Ok(ApiToken::new(DEFAULT_TOKEN).ok())
    }
}

fn main() {
    let full = std::env::args().any(|arg| arg == "--bench");
    let contacts: u64 = if full { 200 } else { 40 };
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async {
        let sandbox = Sandbox::start(SandboxOptions {
            workspace_limit: Some(LIMIT_PER_SECOND),
            // One more than sent: contact 13 is the sandbox's blocked contact and is skipped.
            contact_count: contacts + 1,
            ..SandboxOptions::default()
        })
        .await
        .expect("sandbox");
        let delay: u64 = std::env::var("BULK_PACING_DELAY_MS")
            .ok()
            .and_then(|ms| ms.parse().ok())
            .unwrap_or(0);
        if delay > 0 {
            for id in 1..=contacts + 1 {
                // Twice: a close sent again after the first 429s is late as well.
                sandbox.script(
                    &status_path(&format!("id:{id}")),
                    [Fault::Delay { millis: delay }, Fault::Delay { millis: delay }],
                );
            }
        }
        let dir = tempfile::tempdir().expect("temp dir");
        let client = Client::new(ClientConfig::new(&sandbox.base_url()).expect("config")).expect("client");
        let (outbox, _) = Outbox::open(
            &dir.path().join("outbox.jsonl"),
            OutboxOptions::default(),
            client,
            Arc::new(Token),
            Box::new(|_| {}),
        )
        .expect("outbox");
        let actions = (1..=contacts + 1)
            .filter(|&id| id != 13)
            .map(|id| {
                (
                    Identifier::parse(&format!("id:{id}")).expect("id"),
                    StatusChange::new(Action::Close, Some("Resolved"), None).expect("change"),
                )
            })
            .collect();
        let started = Instant::now();
        outbox.submit_many(actions).expect("submit");
        outbox.start();
        loop {
            let entries = outbox.list();
            if entries.iter().all(|e| e.state != EntryState::Pending) {
                assert!(entries.iter().all(|e| e.state == EntryState::Done), "every close went through");
                break;
            }
            assert!(started.elapsed() < Duration::from_secs(120), "the run did not finish");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let elapsed = started.elapsed().as_secs_f64();
        let allowed = contacts as f64 / f64::from(LIMIT_PER_SECOND);
        let log = sandbox.requests();
        let too_many = log.iter().filter(|r| r.status == 429).count();
        let goal = if delay == 0 { ", goal ≤ 1.10" } else { "" };
        println!(
            "bulk_pacing: {contacts} closes at {LIMIT_PER_SECOND}/s, each {delay} ms late: {elapsed:.2} s (the limit allows {allowed:.1} s; \
             ratio {:.2}{goal}); 429 answers: {too_many} (first burst at most {DEFAULT_MAX_IN_FLIGHT}); requests: {}",
            elapsed / allowed,
            log.len()
        );
        sandbox.stop().await;
    });
}
