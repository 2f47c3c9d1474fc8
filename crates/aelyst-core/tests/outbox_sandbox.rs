//! The outbox against the sandbox over loopback: every answer sequence ends where it should,
//! order per contact holds, and nothing submitted is lost, even to SIGKILL.

mod support;

use std::path::Path;
use std::time::Duration;

use aelyst_core::api::Reason;
use aelyst_core::outbox::{EntryState, HistoryEvent, OutboxOptions, Pause};
use aelyst_core::Coded;
use aelyst_sandbox::{status_path, ContactStatus, Fault, DEFAULT_TOKEN};
use support::outbox::{
    all_finished, journal, journal_of, open, poll, quiet, reload, sending, sending_with, settle,
    Tokens,
};
use support::{close, files, reopen, sandbox, slower_than_the_timeout};

#[tokio::test(flavor = "multi_thread")]
async fn every_retryable_sequence_ends_done() {
    let (sandbox, _dir, h) = sending(Some(DEFAULT_TOKEN)).await;
    let scripts: [(&str, Vec<Fault>); 5] = [
        (
            "id:2",
            vec![Fault::status_retry_after(429, "1"), Fault::status(429)],
        ),
        (
            "id:3",
            vec![Fault::status(449), Fault::status_retry_after(449, "0")],
        ),
        (
            "id:4",
            vec![Fault::status(500), Fault::status(503), Fault::status(500)],
        ),
        ("id:5", vec![Fault::Drop, Fault::Drop]),
        ("id:6", vec![slower_than_the_timeout()]),
    ];
    for (id, faults) in &scripts {
        sandbox.script(&status_path(id), faults.clone());
        let (identifier, change) = close(id);
        h.outbox.submit(identifier, change).unwrap();
    }
    let entries = settle(&h.outbox, "retries", all_finished).await;
    for entry in &entries {
        assert_eq!(entry.state, EntryState::Done, "{entry:#?}");
        assert!(entry.finished_at.is_some());
    }
    let attempts = |id: &str| {
        entries
            .iter()
            .find(|e| e.identifier.api_form() == id)
            .unwrap()
            .attempts
    };
    assert_eq!(
        [
            attempts("id:2"),
            attempts("id:3"),
            attempts("id:4"),
            attempts("id:5"),
            attempts("id:6")
        ],
        [3, 3, 4, 3, 2]
    );
    for id in 2..=6 {
        assert_eq!(sandbox.contact(id).unwrap().status, ContactStatus::Close);
    }
    // The 429 that asked for a second was honoured: the retry came no sooner.
    let log = sandbox.requests();
    let times: Vec<u64> = log
        .iter()
        .filter(|r| r.raw_path == status_path("id:2"))
        .map(|r| r.at_ms)
        .collect();
    assert!(
        times[1] - times[0] >= 950,
        "Retry-After: 1 was not honoured: {times:?}"
    );
    sandbox.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn not_found_fails_after_exactly_one_request() {
    let (sandbox, _dir, h) = sending(Some(DEFAULT_TOKEN)).await;
    let (identifier, change) = close("phone:+60129999999");
    let submitted = h.outbox.submit(identifier, change).unwrap();
    let entries = settle(&h.outbox, "404", all_finished).await;
    assert_eq!(entries[0].state, EntryState::Failed);
    assert_eq!(entries[0].reason, Some(Reason::NoContact));
    // A wrong retry that was due has been sent by the time the loop is quiet.
    quiet(&h.outbox).await;
    assert_eq!(sandbox.requests().len(), 1, "a 404 is never retried");

    // The agent can retry it by hand; it fails the same way, with one more request.
    h.outbox.retry(&submitted.id).unwrap();
    settle(&h.outbox, "manual retry", |e| {
        e[0].state == EntryState::Failed && e[0].attempts == 1
    })
    .await;
    assert_eq!(sandbox.requests().len(), 2);
    assert_eq!(
        h.outbox.retry("no-such-id").unwrap_err().code(),
        aelyst_core::ErrorCode::EntryNotFound
    );
    sandbox.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rejected_token_pauses_until_a_new_one_then_sends() {
    let (sandbox, _dir, h) = sending(Some(DEFAULT_TOKEN)).await;
    sandbox.set_token("rotated-token");
    let (identifier, change) = close("id:8");
    h.outbox.submit(identifier, change).unwrap();
    let pause = poll("paused", || h.outbox.pause(), Option::is_some).await;
    assert!(matches!(pause, Some(Pause::TokenRejected)));
    // A wrong resend that was due has been sent by the time the loop is quiet.
    quiet(&h.outbox).await;
    assert_eq!(
        sandbox.requests().len(),
        1,
        "nothing more is sent while the token is refused"
    );
    let waiting = &h.outbox.list()[0];
    assert_eq!(waiting.state, EntryState::Pending);
    assert_eq!(waiting.reason, Some(Reason::TokenRefused));

    h.tokens.set("rotated-token");
    h.outbox.token_changed();
    let entries = settle(&h.outbox, "new token", all_finished).await;
    assert_eq!(entries[0].state, EntryState::Done);
    assert_eq!(h.outbox.pause(), None);
    let events = h.events.lock().unwrap().clone();
    assert!(events
        .iter()
        .any(|e| matches!(e, HistoryEvent::Paused { pause: Some(_) })));
    assert!(events
        .iter()
        .any(|e| matches!(e, HistoryEvent::Paused { pause: None })));
    sandbox.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn no_token_waits_without_sending() {
    let (sandbox, _dir, h) = sending(None).await;
    let (identifier, change) = close("id:9");
    h.outbox.submit(identifier, change).unwrap();
    // The worker tells the window it is waiting once it has looked for a token (after setting
    // the pause): wait for that word, not for a time.
    let paused = HistoryEvent::Paused {
        pause: Some(Pause::NoToken),
    };
    let told = || h.events.lock().unwrap().clone();
    poll("told it waits for a token", told, |e| e.contains(&paused)).await;
    assert_eq!(h.outbox.pause(), Some(Pause::NoToken));
    assert!(sandbox.requests().is_empty());
    h.tokens.set(DEFAULT_TOKEN);
    h.outbox.token_changed();
    settle(&h.outbox, "token saved", |e| e[0].state == EntryState::Done).await;
    sandbox.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn one_contact_s_actions_arrive_in_submission_order() {
    let (sandbox, _dir, h) = sending(Some(DEFAULT_TOKEN)).await;
    // The close is held up twice; the reopen must not overtake it.
    sandbox.script(
        &status_path("id:11"),
        [Fault::status(500), Fault::status_retry_after(429, "0")],
    );
    for (identifier, change) in [
        close("id:11"),
        reopen("id:11"),
        close("id:12"),
        close("id:11"),
    ] {
        h.outbox.submit(identifier, change).unwrap();
    }
    settle(&h.outbox, "ordered", all_finished).await;
    assert_eq!(sandbox.statuses_sent("id:11"), ["close", "open", "close"]);
    assert_eq!(sandbox.contact(11).unwrap().status, ContactStatus::Close);
    sandbox.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn history_is_bounded_but_pending_actions_are_never_evicted() {
    // The server is down: everything stays pending.
    let down = sandbox().await;
    down.set_down(true);
    let (sandbox, _dir, h) = sending_with(
        down,
        Some(DEFAULT_TOKEN),
        OutboxOptions {
            history_limit: 3,
            ..OutboxOptions::default()
        },
    );
    for id in 1..=5 {
        let (identifier, change) = close(&format!("id:{id}"));
        h.outbox.submit(identifier, change).unwrap();
    }
    // Each has been tried and refused: they wait as retries, not as not-yet-sent.
    let entries = settle(&h.outbox, "every action tried", |e| {
        e.iter().filter(|e| e.attempts > 0).count() == 5
    })
    .await;
    assert_eq!(entries.len(), 5, "pending actions stay whatever the limit");
    assert!(entries.iter().all(|e| e.state == EntryState::Pending));
    assert_eq!(h.outbox.clear_finished().unwrap(), 0);

    sandbox.set_down(false);
    let entries = settle(&h.outbox, "bounded", |e| e.len() == 3 && all_finished(e)).await;
    let newest: Vec<String> = entries.iter().map(|e| e.identifier.api_form()).collect();
    assert_eq!(
        newest,
        ["id:5", "id:4", "id:3"],
        "the newest three are kept, newest first"
    );
    assert_eq!(h.outbox.clear_finished().unwrap(), 3);
    assert!(h.outbox.list().is_empty());
    sandbox.stop().await;
}

/// Nothing listens on the discard port, and only root could start something there.
#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_journal_is_set_aside_and_what_can_be_read_is_kept() {
    let dir = support::data_dir();
    let path = journal_of(&dir, &["id:1", "id:2", "id:3"]);
    let mut text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    text = format!(
        "{}\n{{not json at all\n{}\n{{\"op\":\"put\",\"entry\":{{\"id\"",
        lines[0], lines[2]
    );
    std::fs::write(&path, &text).unwrap();

    let (outbox, report) = reload(&path);
    let aside = report.moved_aside.expect("the damaged file is kept aside");
    assert!(aside
        .file_name()
        .unwrap()
        .to_string_lossy()
        .starts_with("outbox.jsonl.corrupt-"));
    assert_eq!(std::fs::read_to_string(&aside).unwrap(), text);
    let kept: Vec<String> = outbox
        .list()
        .iter()
        .map(|e| e.identifier.api_form())
        .collect();
    assert_eq!(kept, ["id:3", "id:1"]);
    assert_eq!(report.resumed, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_torn_last_line_is_not_damage() {
    let dir = support::data_dir();
    let path = journal_of(&dir, &["id:1"]);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(b"{\"op\":\"put\",\"ent");
    std::fs::write(&path, bytes).unwrap();
    let (outbox, report) = reload(&path);
    assert_eq!(report.moved_aside, None);
    assert_eq!(outbox.list().len(), 1);
}

const CHILD_ENV: &str = "AELYST_OUTBOX_CRASH_CHILD";
const CRASH_ACTIONS: u64 = 12;

/// Run twice: as the parent (normally) and, inside it, as the child process it kills.
#[tokio::test(flavor = "multi_thread")]
async fn sigkill_with_the_server_down_loses_nothing() {
    if let Ok(spec) = std::env::var(CHILD_ENV) {
        // Child: queue actions against a server that is down, say so, and wait to be killed.
        let (path, base_url) = spec.split_once('|').unwrap();
        let h = open(
            Path::new(path),
            base_url,
            Tokens::new(Some(DEFAULT_TOKEN)),
            OutboxOptions::default(),
        );
        for id in 1..=CRASH_ACTIONS {
            let (identifier, change) = if id % 3 == 0 {
                reopen(&format!("id:{id}"))
            } else {
                close(&format!("id:{id}"))
            };
            h.outbox.submit(identifier, change).unwrap();
        }
        println!("QUEUED");
        // A failed try counts once the journal has it (the outbox shows nothing it has not
        // written): said, so the parent kills a child with tries on disk.
        settle(&h.outbox, "a failed try recorded", |entries| {
            entries
                .iter()
                .any(|e| e.attempts > 0 && e.next_attempt_at.is_some())
        })
        .await;
        println!("TRIED");
        tokio::time::sleep(Duration::from_secs(600)).await;
        return;
    }

    let dir = support::data_dir();
    let path = journal(&dir);
    // Down while the child runs, but holding its port all along: no other test can take the
    // address between the crash and the restart.
    let sandbox = sandbox().await;
    sandbox.set_down(true);
    let base_url = sandbox.base_url();
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "sigkill_with_the_server_down_loses_nothing",
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, format!("{}|{base_url}", path.display()))
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    // Killed only once it has tried (and failed) to send, and recorded that it did.
    loop {
        line.clear();
        let read = std::io::BufRead::read_line(&mut stdout, &mut line).unwrap();
        assert!(read > 0, "child ended before it tried to send");
        if line.contains("TRIED") {
            break;
        }
    }
    assert!(
        sandbox.turned_away() > 0,
        "the child's tries reached the server"
    );
    // SIGKILL on Linux and macOS, TerminateProcess on Windows: no chance to flush or clean up.
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "the child was killed");

    // What the journal recorded before the kill: tries made, and when the next is due.
    let recorded: std::collections::BTreeMap<String, (u32, Option<u64>)> = reload(&path)
        .0
        .list()
        .into_iter()
        .map(|e| (e.id.clone(), (e.attempts, e.next_attempt_at)))
        .collect();
    assert!(
        recorded
            .values()
            .any(|&(attempts, next)| attempts > 0 && next.is_some()),
        "the child recorded failed tries and their next times: {recorded:?}"
    );

    sandbox.set_down(false);
    let h = open(
        &path,
        &base_url,
        Tokens::new(Some(DEFAULT_TOKEN)),
        OutboxOptions::default(),
    );
    let entries = settle(&h.outbox, "after the crash", |e| {
        e.len() == CRASH_ACTIONS as usize && all_finished(e)
    })
    .await;
    assert!(entries.iter().all(|e| e.state == EntryState::Done));
    // The schedule went on from the journal: one more try each, counted after the ones made
    // before the kill, and none before its recorded next-try time.
    for entry in &entries {
        let (attempts, next) = recorded[&entry.id];
        assert_eq!(entry.attempts, attempts + 1, "{}: tries resumed", entry.id);
        if let Some(next) = next {
            let done_at = entry.finished_at.unwrap();
            assert!(
                done_at >= next,
                "{}: sent before its next-try time",
                entry.id
            );
        }
    }
    let delivered: std::collections::BTreeSet<String> = sandbox
        .requests()
        .iter()
        .filter(|r| r.status == 200)
        .filter_map(|r| r.identifier.clone())
        .collect();
    assert_eq!(
        delivered.len(),
        CRASH_ACTIONS as usize,
        "every queued action reached the server"
    );
    for id in 1..=CRASH_ACTIONS {
        let expected = if id % 3 == 0 {
            ContactStatus::Open
        } else {
            ContactStatus::Close
        };
        assert_eq!(
            sandbox.contact(id).unwrap().status,
            expected,
            "contact {id}"
        );
    }
    // A row of the README's fault matrix (scripts/fault-matrix.sh).
    println!(
        "FAULT | SIGKILL with the server down | `outbox_sandbox.rs`: a child process queues {CRASH_ACTIONS} actions, is killed | all {} delivered after the restart, each with its recorded tries and next-try time; lost: {} |",
        delivered.len(),
        CRASH_ACTIONS as usize - delivered.len()
    );
    sandbox.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_token_is_in_no_file_the_outbox_writes() {
    let secret = "tok-must-never-be-written-7f3a";
    let (sandbox, dir, h) = sending(Some(secret)).await;
    sandbox.set_token(secret);
    for (identifier, change) in [close("id:1"), close("id:404404"), reopen("id:2")] {
        h.outbox.submit(identifier, change).unwrap();
    }
    settle(&h.outbox, "sent", all_finished).await;
    assert!(
        !files::walk(dir.path()).is_empty(),
        "the outbox wrote its files"
    );
    files::assert_in_no_file(dir.path(), secret);
    sandbox.stop().await;
}
