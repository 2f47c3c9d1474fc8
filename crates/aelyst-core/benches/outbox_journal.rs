//! The outbox's durable file at history scale: appending (and fsync-ing) one action to a
//! 10,000-entry history, and loading a 10,000-entry history at start-up.
//! Goals: append ≤ 5 ms median, load ≤ 50 ms median.

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};

use aelyst_core::api::{Action, ApiToken, Client, ClientConfig, Identifier, StatusChange};
use aelyst_core::outbox::journal::Journal;
use aelyst_core::outbox::{Entry, EntryState, Outbox, OutboxOptions, TokenSource};

const HISTORY: u64 = 10_000;

struct NoToken;

impl TokenSource for NoToken {
    fn current(
        &self,
        _address: &url::Url,
    ) -> Result<Option<ApiToken>, aelyst_core::keychain::KeychainError> {
        Ok(None)
    }
}

fn history() -> Vec<Entry> {
    (1..=HISTORY)
        .map(|seq| {
            let identifier =
                Identifier::parse(&format!("phone:+6012123{:04}", seq % 9_000 + 1)).expect("phone");
            let change = StatusChange::new(
                Action::Close,
                Some("Billing"),
                Some("Customer asked about an invoice; sent the PDF and explained the charges."),
            )
            .expect("change");
            let mut entry = Entry::new(seq, 1_700_000_000_000 + seq, identifier, change);
            entry.state = EntryState::Done;
            entry.attempts = 1;
            entry.contact_id = Some(seq);
            entry.finished_at = Some(entry.created_at + 250);
            entry
        })
        .collect()
}

fn journal_with_history(dir: &tempfile::TempDir) -> std::path::PathBuf {
    let path = dir.path().join("outbox.jsonl");
    let (mut journal, _) = Journal::open(&path).expect("journal");
    journal.compact(history().iter()).expect("write history");
    path
}

fn outbox_journal(c: &mut Criterion) {
    let client =
        Client::new(ClientConfig::new("http://127.0.0.1:9/v1").expect("config")).expect("client");
    let dir = tempfile::tempdir().expect("temp dir");
    let path = journal_with_history(&dir);
    let open = |client: &Client| {
        Outbox::open(
            &path,
            OutboxOptions {
                history_limit: 100_000,
                ..OutboxOptions::default()
            },
            client.clone(),
            Arc::new(NoToken),
            Box::new(|_| {}),
        )
        .expect("outbox")
        .0
    };

    let mut group = c.benchmark_group("outbox");
    group.bench_function("load_10k_entries", |b| {
        b.iter(|| {
            let outbox = open(&client);
            assert!(outbox.list().len() >= HISTORY as usize);
        })
    });

    let outbox = open(&client);
    let identifier = Identifier::parse("email:abdc@gmail.com").expect("identifier");
    let change =
        StatusChange::new(Action::Close, Some("Resolved"), Some("Answered.")).expect("change");
    group.bench_function("append_one_to_10k_and_fsync", |b| {
        b.iter_batched(
            || (identifier.clone(), change.clone()),
            |(identifier, change)| outbox.submit(identifier, change).expect("submit"),
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

criterion_group!(benches, outbox_journal);
criterion_main!(benches);
