//! The sending loop: takes what the scheduler says is due, sends each on its own task, and
//! records the answer through the entry's one transition function.

use std::sync::Arc;
use std::time::Duration;

use super::entry::{Entry, Transition};
use super::state::Shared;
use super::{HistoryEvent, Pause};
use crate::api::Outcome;

/// Wakes at least this often, so a laptop that slept past a retry time notices.
const MAX_IDLE: Duration = Duration::from_secs(30);
/// How long an action whose answer could not be written down waits before it goes again.
const NOT_RECORDED_RETRY_MS: u64 = 30_000;

/// The entry as the journal still has it, waiting to be sent again, with why (in memory only).
fn not_recorded(current: &Entry, now: u64) -> Entry {
    let mut held = current.clone();
    held.revision += 1;
    held.reason = Some(crate::api::Reason::NotRecorded);
    held.next_attempt_at = Some(now.saturating_add(NOT_RECORDED_RETRY_MS));
    held
}

pub(super) async fn run(shared: Arc<Shared>) {
    let mut next_recheck: Option<tokio::time::Instant> = None;
    while !shared.stopped.load(std::sync::atomic::Ordering::SeqCst) {
        // A pause for a keychain that could not be read lifts by itself once it answers: it
        // is asked again one interval after the pause began, then every interval.
        let now = tokio::time::Instant::now();
        next_recheck = match next_recheck {
            _ if !shared.paused_by_keychain() => None,
            None => Some(now + shared.keychain_recheck),
            Some(at) if now >= at => shared
                .recheck_keychain()
                .await
                .then_some(now + shared.keychain_recheck),
            planned => planned,
        };
        let clocks = super::scheduler::Clocks {
            wall: shared.clock.now_ms(),
            mono: shared.clock.monotonic_ms(),
        };
        let longest = shared.client().config().policy.longest_wait();
        let (due, next_wait) = shared
            .lock()
            .take_due(clocks, shared.max_in_flight, longest);
        for entry in due {
            tokio::spawn(send(shared.clone(), entry));
        }
        shared
            .turns
            .fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let recheck_wait =
            next_recheck.map(|at| at.saturating_duration_since(tokio::time::Instant::now()));
        let idle = [next_wait, recheck_wait, Some(MAX_IDLE)]
            .into_iter()
            .flatten()
            .min()
            .unwrap_or(MAX_IDLE);
        tokio::select! {
            () = shared.wake.notified() => {}
            () = tokio::time::sleep(idle) => {}
        }
    }
}

/// Records that a due entry will not go, because the workspace's address is no longer the one
/// it was made for.
fn refuse_elsewhere(shared: &Shared, seq: u64) {
    let updated = {
        let mut state = shared.lock();
        state.schedule.in_flight.remove(&seq);
        let Some(current) = state.schedule.entries.get(&seq).cloned() else {
            drop(state);
            shared.wake.notify_one();
            return;
        };
        let now = shared.clock.now_ms();
        let held = current.transition(Transition::OtherAddress, now);
        let updated = match state.journal.put(&[&held]) {
            Ok(()) => held,
            Err(err) => {
                // Not recorded: it stays pending as the journal has it, is checked again a
                // little later, and still never goes.
                tracing::error!("outbox could not record an entry held back: {}", err.kind());
                let mut waiting = current.clone();
                waiting.revision += 1;
                waiting.reason = held.reason;
                waiting.next_attempt_at = Some(now.saturating_add(NOT_RECORDED_RETRY_MS));
                waiting
            }
        };
        state.schedule.entries.insert(seq, updated.clone());
        updated
    };
    (shared.listener)(HistoryEvent::Upsert {
        entry: Box::new(updated),
    });
    // A place in flight is free: the loop may be waiting for one (the pacer says so).
    shared.wake.notify_one();
}

async fn send(shared: Arc<Shared>, entry: Entry) {
    let seq = entry.seq;
    if !entry.made_for(shared.client().config().base_url()) {
        // Made for an address the workspace no longer uses: sent nowhere, and said so (before
        // any token is asked for: this one would never be used).
        refuse_elsewhere(&shared, seq);
        return;
    }
    let (client, token) = match shared.credentials().await {
        Ok(pair) => pair,
        Err(pause) => {
            shared.lock().schedule.in_flight.remove(&seq);
            shared.set_pause(pause);
            return;
        }
    };
    if !entry.made_for(client.config().base_url()) {
        // The address changed while the token was read.
        refuse_elsewhere(&shared, seq);
        return;
    }
    let tries = entry.next_tries();
    let attempt = tries.attempt;
    let sent_at = shared.clock.monotonic_ms();
    let reply = client
        .set_status(&token, &entry.identifier, &entry.change(), tries)
        .await;
    tracing::info!(
        entry = %entry.id,
        attempt,
        status = ?reply.http_status,
        "status call answered"
    );
    let pause = match &reply.outcome {
        Outcome::Unauthorized => Some(Pause::TokenRejected),
        _ => None,
    };
    let (updated, removed) = {
        let mut state = shared.lock();
        state.schedule.in_flight.remove(&seq);
        // Heard even when the entry has gone meanwhile: the request still counts against the
        // server's window.
        state
            .schedule
            .pacer
            .heard(sent_at, shared.clock.monotonic_ms(), &reply);
        let Some(current) = state.schedule.entries.get(&seq).cloned() else {
            drop(state);
            shared.wake.notify_one();
            return;
        };
        let now = shared.clock.now_ms();
        let updated = current.transition(
            Transition::Answered {
                attempt,
                outcome: &reply.outcome,
            },
            now,
        );
        let updated = match state.journal.put(&[&updated]) {
            Ok(()) => updated,
            Err(err) => {
                // Nothing is shown that is not on disk: the entry stays as the journal has it
                // (pending) and goes out again a little later, which is safe because setting
                // a status is idempotent.
                tracing::error!("outbox could not record an answer: {}", err.kind());
                not_recorded(&current, now)
            }
        };
        state.schedule.entries.insert(seq, updated.clone());
        let removed = state.evict().unwrap_or_default();
        (updated, removed)
    };
    (shared.listener)(HistoryEvent::Upsert {
        entry: Box::new(updated),
    });
    shared.removed(removed);
    if let Some(pause) = pause {
        shared.set_pause(pause);
    }
    shared.wake.notify_one();
}
