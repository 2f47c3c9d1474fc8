//! The README's pacing promises, against the sandbox's own limits: a 429 holds every send and
//! teaches the limit, `X-RateLimit-Remaining: 0` holds the window, at most 4 requests are in
//! flight. Each counts what the sandbox saw; a pacer that did nothing fails them.

mod support;

use aelyst_core::outbox::{EntryState, OutboxOptions};
use aelyst_sandbox::{status_path, Fault, LoggedRequest, SandboxOptions, DEFAULT_TOKEN};
use support::outbox::{all_finished, sending_patiently, sending_with, settle};
use support::{close, reopen, sandbox_with};

fn status_calls(requests: &[LoggedRequest]) -> Vec<&LoggedRequest> {
    requests.iter().filter(|r| r.method == "POST").collect()
}

/// The most requests that arrived within any `window_ms`.
fn most_within(requests: &[&LoggedRequest], window_ms: u64) -> usize {
    requests
        .iter()
        .map(|first| {
            requests
                .iter()
                .filter(|r| r.at_ms >= first.at_ms && r.at_ms < first.at_ms + window_ms)
                .count()
        })
        .max()
        .unwrap_or(0)
}

/// What the server saw, in order: `identifier status @ms`.
fn timeline(requests: &[&LoggedRequest]) -> String {
    requests
        .iter()
        .map(|r| {
            format!(
                "{} {} @{}",
                r.identifier.as_deref().unwrap_or("?"),
                r.status,
                r.at_ms
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[tokio::test(flavor = "multi_thread")]
async fn a_workspace_limit_costs_one_burst_of_429s_then_none() {
    let limit = 5;
    let (sandbox, _dir, h) = sending_patiently(
        sandbox_with(SandboxOptions {
            workspace_limit: Some(limit),
            ..SandboxOptions::default()
        })
        .await,
        Some(DEFAULT_TOKEN),
    );
    let run: Vec<_> = (20..50).map(|n| close(&format!("id:{n}"))).collect();
    h.outbox.submit_many(run).unwrap();
    let entries = settle(&h.outbox, "the run", |e| e.len() == 30 && all_finished(e)).await;
    assert!(entries.iter().all(|e| e.state == EntryState::Done));
    let requests = sandbox.requests();
    let calls = status_calls(&requests);
    let too_many = calls.iter().filter(|r| r.status == 429).count();
    let answered: Vec<&LoggedRequest> = calls.iter().copied().filter(|r| r.status == 200).collect();
    println!(
        "PACING: {} requests, {} answered 429, at most {} answered in any second (limit {limit})",
        calls.len(),
        too_many,
        most_within(&answered, 1_000)
    );
    let seen = timeline(&calls);
    println!("PACING: the server saw {seen}");
    // The first burst: what was in flight when the first 429 came (at most 4).
    let first = calls
        .iter()
        .find(|r| r.status == 429)
        .map_or(0, |r| r.at_ms);
    let burst = calls
        .iter()
        .filter(|r| r.status == 429 && r.at_ms < first + 1_000)
        .count();
    assert!(
        burst <= 4,
        "at most the first burst (one per request in flight) is refused: {burst}; {seen}"
    );
    // After it, none: a request counts until a window after its answer came, so one that
    // reached the server late (a loaded machine: seen in CI under Wine, 80 ms) still counts.
    assert_eq!(
        too_many, burst,
        "after the first burst the limit is kept; {seen}"
    );
    // Each action answered once: the client waits for its answers as the app does, so no
    // slow answer is sent again.
    assert_eq!(answered.len(), 30, "{seen}");
    let last_refused = calls.iter().rposition(|r| r.status == 429).unwrap_or(0);
    let after: Vec<&LoggedRequest> = calls[last_refused + 1..].to_vec();
    let per_second = most_within(&after, 1_000);
    println!(
        "PACING: after the last 429, {} requests, at most {per_second} in any second",
        after.len()
    );
    assert!(
        per_second <= limit as usize,
        "{per_second} requests in one second after the limit was learned (limit {limit}); {seen}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn remaining_zero_holds_the_window_so_no_429_comes() {
    let (sandbox, _dir, h) = sending_with(
        sandbox_with(SandboxOptions {
            per_path_limit: Some(2),
            ..SandboxOptions::default()
        })
        .await,
        Some(DEFAULT_TOKEN),
        OutboxOptions::default(),
    );
    // One contact: one path, sent in order, two per second allowed.
    for n in 0..6 {
        let (identifier, change) = if n % 2 == 0 {
            close("id:7")
        } else {
            reopen("id:7")
        };
        h.outbox.submit(identifier, change).unwrap();
    }
    settle(&h.outbox, "all six", |e| e.len() == 6 && all_finished(e)).await;
    let requests = sandbox.requests();
    let calls = status_calls(&requests);
    assert_eq!(
        calls.iter().filter(|r| r.status == 429).count(),
        0,
        "each 'remaining: 0' held the rest of the window"
    );
    assert_eq!(calls.len(), 6);
}

#[tokio::test(flavor = "multi_thread")]
async fn at_most_four_requests_are_in_flight() {
    let sandbox = sandbox_with(SandboxOptions {
        per_path_limit: None,
        ..SandboxOptions::default()
    })
    .await;
    // Every answer takes 400 ms: requests that overlap arrive within that time.
    for n in 20..32 {
        sandbox.script(
            &status_path(&format!("id:{n}")),
            [Fault::Delay { millis: 400 }],
        );
    }
    let (sandbox, _dir, h) = sending_with(sandbox, Some(DEFAULT_TOKEN), OutboxOptions::default());
    let run: Vec<_> = (20..32).map(|n| close(&format!("id:{n}"))).collect();
    h.outbox.submit_many(run).unwrap();
    settle(&h.outbox, "the run", |e| e.len() == 12 && all_finished(e)).await;
    let requests = sandbox.requests();
    let calls = status_calls(&requests);
    assert_eq!(calls.len(), 12);
    let most = most_within(&calls, 300);
    assert!(
        most <= 4,
        "{most} requests started within 300 ms of each other"
    );
    assert!(most >= 2, "different contacts do go in parallel: {most}");
}
