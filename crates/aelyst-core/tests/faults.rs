//! Faults injected at the lowest level that is still real: a torn journal, a write that fails
//! half way (a child process under a file-size limit), a second process on the same journal,
//! a crash while a damaged journal is recovered, a history cap over a run with failures, and
//! a server that answers 5xx between other answers. Each test prints its row of the README's
//! fault matrix (`FAULT |`).

mod support;

use aelyst_core::outbox::{EntryState, OutboxError, OutboxOptions};
use aelyst_core::Coded;
use aelyst_sandbox::{status_path, Fault, DEFAULT_TOKEN};
use support::outbox::{
    all_finished, journal, journal_for, journal_of, open, reload, reload_for, sending_with, settle,
    Tokens,
};
use support::{close, sandbox};

/// Where a child process runs out of room after `kib` KiB of journal, and how the room comes
/// back. Linux and macOS: a per-process file-size limit (`ulimit -f`, SIGXFSZ ignored so the
/// write fails with EFBIG instead of killing the child); the room is back when the child ends.
/// Windows has no such limit: the journal goes on a small volume (a RAM disk that
/// `scripts/test-windows.sh` gives Wine as a drive, `AELYST_TEST_SMALL_VOLUME`), filled by a
/// ballast file to `kib` KiB short of full (ERROR_DISK_FULL), and deleting the ballast gives the
/// room back. The two tests that use it take turns (one volume).
struct LittleRoom {
    #[cfg(unix)]
    kib: u32,
    /// Holds the journal.
    dir: tempfile::TempDir,
    #[cfg(windows)]
    ballast: Option<std::path::PathBuf>,
    #[cfg(windows)]
    _turn: std::sync::MutexGuard<'static, ()>,
}

impl LittleRoom {
    #[cfg(unix)]
    const HOW_16: &str = "a child process under `ulimit -f 16` (EFBIG) submits 400 actions";
    #[cfg(windows)]
    const HOW_16: &str =
        "a child process with 16 KiB left on its volume (ERROR_DISK_FULL) submits 400 actions";
    #[cfg(unix)]
    const HOW_8: &str = "a child process under `ulimit -f 8` fills its journal, then sends";
    #[cfg(windows)]
    const HOW_8: &str =
        "a child process with 8 KiB left on its volume fills its journal, then sends";

    #[cfg(unix)]
    fn new(kib: u32) -> Self {
        Self {
            kib,
            dir: support::data_dir(),
        }
    }

    #[cfg(windows)]
    fn new(kib: u32) -> Self {
        use std::io::Write;
        static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let turn = ONE_AT_A_TIME
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let volume = std::env::var_os("AELYST_TEST_SMALL_VOLUME")
            .expect("a small volume for the disk-full tests: scripts/test-windows.sh gives one");
        let dir = tempfile::Builder::new()
            .prefix("Zoë 資料 ")
            .tempdir_in(&volume)
            .unwrap();
        let ballast = std::path::Path::new(&volume).join("ballast");
        let mut file = std::fs::File::create(&ballast).unwrap();
        let mut filled = 0u64;
        for chunk in [64 * 1024, 4 * 1024] {
            while file.write_all(&vec![0u8; chunk]).is_ok() {
                filled += chunk as u64;
            }
        }
        let full = file.sync_all();
        assert!(filled > 0, "the ballast filled the volume ({full:?})");
        let room = u64::from(kib) * 1024;
        assert!(filled > room, "the volume is larger than the room to leave");
        file.set_len(filled - room).unwrap();
        file.sync_all().unwrap();
        Self {
            dir,
            ballast: Some(ballast),
            _turn: turn,
        }
    }

    fn journal(&self) -> std::path::PathBuf {
        self.dir.path().join("outbox.jsonl")
    }

    /// Runs the test `name` of this binary again, as a child process with little room, with
    /// `env` set; returns what it printed, once it has succeeded.
    fn run(&self, name: &str, env: (&str, String)) -> String {
        let mut child;
        #[cfg(unix)]
        {
            child = std::process::Command::new("bash");
            child
                .args([
                    "-c",
                    &format!(
                        "trap '' XFSZ; ulimit -f {}; exec \"$0\" --exact \"$1\" --nocapture --test-threads 1",
                        self.kib
                    ),
                ])
                .arg(std::env::current_exe().unwrap())
                .arg(name);
        }
        #[cfg(windows)]
        {
            child = std::process::Command::new(std::env::current_exe().unwrap());
            child.args(["--exact", name, "--nocapture", "--test-threads", "1"]);
        }
        let out = child.env(env.0, env.1).output().unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(
            out.status.success(),
            "child: {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        stdout
    }

    /// The room is back: the child has ended (Unix), the ballast is deleted (Windows).
    fn give_back(&mut self) {
        #[cfg(windows)]
        if let Some(ballast) = self.ballast.take() {
            std::fs::remove_file(ballast).unwrap();
        }
    }
}

impl Drop for LittleRoom {
    fn drop(&mut self) {
        self.give_back();
    }
}

/// What the child printed after `tag ` on each line (the test harness may print its own words
/// at the start of a line).
fn printed<'a>(stdout: &'a str, tag: &str) -> Vec<&'a str> {
    stdout
        .lines()
        .filter_map(|l| l.split_once(tag).map(|(_, rest)| rest))
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_torn_tail_then_a_new_action_then_a_restart_loses_nothing() {
    let dir = support::data_dir();
    let sandbox = sandbox().await;
    let path = journal_for(&dir, &sandbox.base_url(), &["id:1"]);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(b"{\"op\":\"put\",\"entry\":{\"id\":\"torn");
    std::fs::write(&path, bytes).unwrap();
    {
        let (outbox, report) = reload_for(&path, &sandbox.base_url());
        assert_eq!(report.moved_aside, None, "a torn tail is not damage");
        let (identifier, change) = close("id:2");
        outbox.submit(identifier, change).unwrap();
    }
    let h = open(
        &path,
        &sandbox.base_url(),
        Tokens::new(Some(DEFAULT_TOKEN)),
        OutboxOptions::default(),
    );
    let entries = settle(&h.outbox, "both delivered", |e| {
        e.len() == 2 && all_finished(e)
    })
    .await;
    assert!(entries.iter().all(|e| e.state == EntryState::Done));
    assert_eq!((sandbox.posts_to("id:1"), sandbox.posts_to("id:2")), (1, 1));
    support::fault_row(
        "torn last line of the journal",
        "a half-written record appended to the file, then a new action and a restart",
        "both actions delivered, 1 request each; lost: 0",
    );
}

const DISK_CHILD: &str = "AELYST_DISK_FULL_CHILD";

/// Run twice: as the parent (normally) and, inside it, as a child with room for 16 KiB of
/// journal ([`LittleRoom`]).
#[tokio::test(flavor = "multi_thread")]
async fn a_write_that_fails_half_way_refuses_that_action_and_loses_nothing_else() {
    if let Ok(path) = std::env::var(DISK_CHILD) {
        let (outbox, _) = reload(std::path::Path::new(&path));
        for n in 1..=400 {
            let (identifier, change) = close(&format!("id:{n}"));
            match outbox.submit(identifier, change) {
                Ok(_) => println!("SAVED id:{n}"),
                Err(err) => println!("REFUSED id:{n}: {:?}", err.code()),
            }
        }
        return;
    }
    let mut room = LittleRoom::new(16);
    let path = room.journal();
    let stdout = room.run(
        "a_write_that_fails_half_way_refuses_that_action_and_loses_nothing_else",
        (DISK_CHILD, path.display().to_string()),
    );
    let saved = printed(&stdout, "SAVED ");
    let refused = printed(&stdout, "REFUSED ");
    assert!(
        !saved.is_empty() && !refused.is_empty(),
        "the limit was hit: {stdout}"
    );
    assert!(
        refused.iter().all(|l| l.ends_with(": NotSaved")),
        "refused as not saved (the window words it): {refused:?}"
    );

    // Space is back: everything acknowledged is there, nothing refused is, and it works again.
    room.give_back();
    let (outbox, report) = reload(&path);
    assert_eq!(report.moved_aside, None, "the file is whole");
    let mut kept: Vec<String> = outbox
        .list()
        .iter()
        .map(|e| e.identifier.api_form())
        .collect();
    kept.sort();
    let mut want: Vec<String> = saved.iter().map(|s| s.to_string()).collect();
    want.sort();
    assert_eq!(kept, want);
    let (identifier, change) = close("id:999");
    outbox.submit(identifier, change).unwrap();
    drop(outbox);
    assert_eq!(reload(&path).0.list().len(), saved.len() + 1);
    support::fault_row(
        "disk full half way through a write",
        LittleRoom::HOW_16,
        &format!(
            "{} saved and kept, {} refused in plain words, file whole, works again; lost: 0",
            saved.len(),
            refused.len()
        ),
    );
}

const ANSWER_CHILD: &str = "AELYST_ANSWER_NOT_SAVED_CHILD";

/// Run twice: the parent runs the sandbox; the child, with room for 8 KiB of journal, fills
/// it until an action is refused, then starts sending: the answers cannot be recorded.
#[tokio::test(flavor = "multi_thread")]
async fn an_answer_that_cannot_be_recorded_is_not_shown_as_done() {
    if let Ok(spec) = std::env::var(ANSWER_CHILD) {
        let (path, base_url) = spec.split_once('|').unwrap();
        let (outbox, _) = aelyst_core::outbox::Outbox::open(
            std::path::Path::new(path),
            OutboxOptions::default(),
            support::quick_client(base_url),
            Tokens::new(Some(DEFAULT_TOKEN)),
            Box::new(|_| {}),
        )
        .unwrap();
        let mut n = 0;
        loop {
            // Contact 13 is blocked in the sandbox: every action here can end done.
            n += if n == 12 { 2 } else { 1 };
            let (identifier, change) = close(&format!("id:{n}"));
            if outbox.submit(identifier, change).is_err() {
                break;
            }
        }
        outbox.start();
        // Every saved action is answered; none of those answers can be written down.
        let entries = settle(&outbox, "every answer heard", |e| {
            e.iter()
                .all(|e| e.state != EntryState::Pending || e.reason.is_some())
        })
        .await;
        for entry in entries {
            println!("STATE {} {:?}", entry.identifier.api_form(), entry.state);
        }
        return;
    }
    let sandbox = sandbox().await;
    let mut room = LittleRoom::new(8);
    let path = room.journal();
    let stdout = room.run(
        "an_answer_that_cannot_be_recorded_is_not_shown_as_done",
        (
            ANSWER_CHILD,
            format!("{}|{}", path.display(), sandbox.base_url()),
        ),
    );
    let states = printed(&stdout, "STATE ");
    assert!(!states.is_empty(), "{stdout}");
    assert!(
        states.iter().all(|s| s.ends_with("Pending")),
        "an answer not on disk was shown as done: {states:?}"
    );
    let sent_before = sandbox.requests().len();
    assert!(sent_before >= states.len(), "the child did send");

    // Space is back: every action goes out again (setting a status is idempotent) and is done.
    room.give_back();
    let h = open(
        &path,
        &sandbox.base_url(),
        Tokens::new(Some(DEFAULT_TOKEN)),
        OutboxOptions::default(),
    );
    let entries = settle(&h.outbox, "all done after the restart", |e| {
        e.len() == states.len() && all_finished(e)
    })
    .await;
    assert!(entries.iter().all(|e| e.state == EntryState::Done));
    support::fault_row(
        "disk full when an answer comes back",
        LittleRoom::HOW_8,
        &format!(
            "{} answers not recorded, none shown as done; sent again after the restart and done; lost: 0",
            states.len()
        ),
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_outbox_on_the_same_journal_is_refused_and_writes_nothing() {
    let dir = support::data_dir();
    let path = journal_of(&dir, &["id:1"]);
    let (first, _) = reload(&path);
    let before = std::fs::read(&path).unwrap();
    let second = aelyst_core::outbox::Outbox::open(
        &path,
        OutboxOptions::default(),
        support::quick_client(support::outbox::NOBODY),
        Tokens::new(None),
        Box::new(|_| {}),
    );
    let err = second.err().expect("the second one is refused");
    assert_eq!(err, OutboxError::AlreadyRunning);
    assert!(aelyst_core::outbox::journal::open_elsewhere(&path));
    assert_eq!(std::fs::read(&path).unwrap(), before, "nothing written");
    let (identifier, change) = close("id:2");
    first.submit(identifier, change).unwrap();
    drop(first);
    assert!(
        !aelyst_core::outbox::journal::open_elsewhere(&path),
        "the lock goes with the outbox"
    );
    support::fault_row(
        "two processes, one journal",
        "a second outbox opened on the journal while the first holds it",
        "refused (\"already running\"), nothing written; the first keeps working; lost: 0",
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_crash_while_recovering_a_damaged_journal_keeps_the_original() {
    let dir = support::data_dir();
    let path = journal_of(&dir, &["id:1", "id:2"]);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(b"not a record\n");
    std::fs::write(&path, &bytes).unwrap();
    // The rewrite fails where it would write its temporary copy.
    let temp = dir.path().join("outbox.jsonl.tmp");
    std::fs::create_dir(&temp).unwrap();
    let opened = aelyst_core::outbox::Outbox::open(
        &path,
        OutboxOptions::default(),
        support::quick_client(support::outbox::NOBODY),
        Tokens::new(None),
        Box::new(|_| {}),
    );
    assert!(opened.is_err(), "the recovery could not finish");
    assert_eq!(
        std::fs::read(&path).unwrap(),
        bytes,
        "the original is still in place"
    );
    std::fs::remove_dir(&temp).unwrap();
    let (outbox, report) = reload(&path);
    assert!(report.moved_aside.is_some());
    assert_eq!(outbox.list().len(), 2, "what could be read is kept");
    support::fault_row(
        "crash while a damaged journal is recovered",
        "the recovered copy cannot be written (its temp path is a folder)",
        "the original stays in place; the next start recovers both actions; lost: 0",
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_history_limit_never_drops_a_failure() {
    let (_sandbox, _dir, h) = sending_with(
        sandbox().await,
        Some(DEFAULT_TOKEN),
        OutboxOptions {
            history_limit: 5,
            ..OutboxOptions::default()
        },
    );
    // 20 closes one by one: ids 41–50 exist, 91–100 do not (404, failed for good).
    let closes = || (41..=50).chain(91..=100).map(|n| close(&format!("id:{n}")));
    for (identifier, change) in closes() {
        h.outbox.submit(identifier, change).unwrap();
    }
    let count = |entries: &[aelyst_core::outbox::Entry], state| {
        entries.iter().filter(|e| e.state == state).count()
    };
    settle(&h.outbox, "failures kept, done ones gone", |e| {
        count(e, EntryState::Failed) == 10 && count(e, EntryState::Done) == 0
    })
    .await;
    h.outbox.clear_finished().unwrap();

    // The same as one bulk run: all of it stays once finished, for its counts and export.
    h.outbox.submit_many(closes().collect()).unwrap();
    let run = settle(&h.outbox, "the run, whole", |e| {
        e.len() == 20 && all_finished(e)
    })
    .await;
    assert_eq!(
        (
            count(&run, EntryState::Done),
            count(&run, EntryState::Failed)
        ),
        (10, 10)
    );
    support::fault_row(
        "history limit over a run with failures",
        "history kept at 5; 20 closes with 10 404s, one by one, then as one bulk run",
        "one by one: the 10 failures stay, the done ones make room; as a run: all 20 stay once finished; lost: 0",
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn only_server_errors_in_a_row_fail_an_action() {
    let (sandbox, _dir, h) = sending_with(
        sandbox().await,
        Some(DEFAULT_TOKEN),
        OutboxOptions::default(),
    );
    // Fail after 3 server errors in a row.
    let mut config = support::quick_config(&sandbox.base_url());
    config.policy.max_server_error_attempts = 3;
    h.outbox
        .change_address(aelyst_core::api::Client::new(config).unwrap(), || {
            Ok::<(), ()>(())
        })
        .expect("nothing waits yet")
        .unwrap();
    let queued = || Fault::status_retry_after(449, "0");
    sandbox.script(
        &status_path("id:1"),
        [
            queued(),
            queued(),
            queued(),
            Fault::status(503),
            Fault::status(503),
            queued(),
            Fault::status(503),
            Fault::status(503),
        ],
    );
    sandbox.script(
        &status_path("id:2"),
        [Fault::status(503), Fault::status(503), Fault::status(503)],
    );
    for id in ["id:1", "id:2"] {
        let (identifier, change) = close(id);
        h.outbox.submit(identifier, change).unwrap();
    }
    let entries = settle(&h.outbox, "both finished", all_finished).await;
    let state = |id: &str| {
        entries
            .iter()
            .find(|e| e.identifier.api_form() == id)
            .unwrap()
            .state
    };
    assert_eq!(state("id:1"), EntryState::Done, "never 3 in a row");
    assert_eq!(state("id:2"), EntryState::Failed, "3 in a row");
    assert_eq!((sandbox.posts_to("id:1"), sandbox.posts_to("id:2")), (9, 3));
    support::fault_row(
        "5xx between other answers",
        "449 ×3, 503 ×2, 449, 503 ×2, then 200; and 503 ×3 (limit: 3 in a row)",
        "the first done after 9 requests; the second failed after exactly 3",
    );
}

/// A keychain that is locked for the first `locked` reads, then answers.
struct LockedKeychain(std::sync::atomic::AtomicU32);

impl aelyst_core::outbox::TokenSource for LockedKeychain {
    fn current(
        &self,
        _address: &url::Url,
    ) -> Result<Option<aelyst_core::api::ApiToken>, aelyst_core::keychain::KeychainError> {
        let left = self.0.load(std::sync::atomic::Ordering::SeqCst);
        if left > 0 {
            self.0.store(left - 1, std::sync::atomic::Ordering::SeqCst);
            return Err(aelyst_core::keychain::KeychainError::Locked);
        }
        Ok(aelyst_core::api::ApiToken::new(DEFAULT_TOKEN).ok())
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_keychain_pause_lifts_by_itself_once_the_keychain_answers() {
    let sandbox = sandbox().await;
    let dir = support::data_dir();
    let events = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let sink = events.clone();
    let (outbox, _) = aelyst_core::outbox::Outbox::open(
        &journal(&dir),
        OutboxOptions {
            keychain_recheck: std::time::Duration::from_millis(200),
            ..OutboxOptions::default()
        },
        support::quick_client(&sandbox.base_url()),
        std::sync::Arc::new(LockedKeychain(2.into())),
        Box::new(move |event| sink.lock().unwrap().push(event)),
    )
    .unwrap();
    outbox.start();
    let (identifier, change) = close("id:1");
    outbox.submit(identifier, change).unwrap();
    let entries = settle(&outbox, "sent once the keychain answers", all_finished).await;
    assert_eq!(entries[0].state, EntryState::Done);
    let pauses: Vec<bool> = events
        .lock()
        .unwrap()
        .iter()
        .filter_map(|e| match e {
            aelyst_core::outbox::HistoryEvent::Paused { pause } => Some(pause.is_some()),
            _ => None,
        })
        .collect();
    assert_eq!(
        pauses,
        [true, false],
        "paused, then lifted without a new token"
    );
    support::fault_row(
        "keychain locked, then unlocked",
        "the token source refuses the first two reads",
        "paused, lifted by the worker's own re-check, delivered (1 request); lost: 0",
    );
}
