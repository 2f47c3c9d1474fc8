//! The outbox against the sandbox over loopback: every answer sequence ends where it should,
//! order per contact holds, and nothing submitted is lost, even to SIGKILL.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aelyst_desk::api::{
    Action, ApiToken, Client, ClientConfig, Identifier, RetryPolicy, StatusChange,
};
use aelyst_desk::outbox::{
    Entry, EntryState, HistoryEvent, Outbox, OutboxOptions, Pause, TokenSource,
};
use aelyst_desk::sandbox::{
    status_path, ContactStatus, Fault, Sandbox, SandboxOptions, DEFAULT_TOKEN,
};

/// A token source the test can rotate.
struct Tokens(Mutex<Option<String>>);

impl Tokens {
    fn new(token: Option<&str>) -> Arc<Self> {
        Arc::new(Self(Mutex::new(token.map(str::to_owned))))
    }
    fn set(&self, token: &str) {
        *self.0.lock().unwrap() = Some(token.to_owned());
    }
}

impl TokenSource for Tokens {
    fn current(&self) -> Result<Option<ApiToken>, String> {
        Ok(self
            .0
            .lock()
            .unwrap()
            .as_deref()
            .and_then(|t| ApiToken::new(t).ok()))
    }
}

fn quick_client(base_url: &str) -> Client {
    let mut config = ClientConfig::new(base_url).unwrap();
    config.request_timeout = Duration::from_millis(500);
    config.connect_timeout = Duration::from_millis(300);
    config.policy = RetryPolicy {
        backoff_base: Duration::from_millis(20),
        backoff_cap: Duration::from_millis(200),
        queued_base: Duration::from_millis(100),
        queued_cap: Duration::from_millis(400),
        ..RetryPolicy::default()
    };
    Client::new(config).unwrap()
}

struct Harness {
    outbox: Outbox,
    events: Arc<Mutex<Vec<HistoryEvent>>>,
    tokens: Arc<Tokens>,
}

fn open(path: &Path, base_url: &str, tokens: Arc<Tokens>, options: OutboxOptions) -> Harness {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = events.clone();
    let (outbox, _) = Outbox::open(
        path,
        options,
        quick_client(base_url),
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

fn close(id: &str) -> (Identifier, StatusChange) {
    (
        Identifier::parse(id).unwrap(),
        StatusChange::new(Action::Close, Some("Resolved"), Some("Sorted out.")).unwrap(),
    )
}

fn reopen(id: &str) -> (Identifier, StatusChange) {
    (Identifier::parse(id).unwrap(), StatusChange::open())
}

async fn settle(outbox: &Outbox, what: &str, done: impl Fn(&[Entry]) -> bool) -> Vec<Entry> {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let entries = outbox.list();
        if done(&entries) {
            return entries;
        }
        assert!(Instant::now() < deadline, "{what}: still {entries:#?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn all_finished(entries: &[Entry]) -> bool {
    entries.iter().all(Entry::is_finished)
}

fn journal(dir: &tempfile::TempDir) -> PathBuf {
    dir.path().join("outbox.jsonl")
}

#[tokio::test(flavor = "multi_thread")]
async fn every_retryable_sequence_ends_done() {
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let h = open(
        &journal(&dir),
        &sandbox.base_url(),
        Tokens::new(Some(DEFAULT_TOKEN)),
        OutboxOptions::default(),
    );
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
        ("id:6", vec![Fault::Delay { millis: 1_500 }]),
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
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let h = open(
        &journal(&dir),
        &sandbox.base_url(),
        Tokens::new(Some(DEFAULT_TOKEN)),
        OutboxOptions::default(),
    );
    let (identifier, change) = close("phone:+60129999999");
    let submitted = h.outbox.submit(identifier, change).unwrap();
    let entries = settle(&h.outbox, "404", all_finished).await;
    assert_eq!(entries[0].state, EntryState::Failed);
    assert_eq!(
        entries[0].last_error.as_deref(),
        Some("No contact matches phone +60 12-999 9999.")
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(sandbox.requests().len(), 1, "a 404 is never retried");

    // The agent can retry it by hand; it fails the same way, with one more request.
    h.outbox.retry(&submitted.id).unwrap();
    settle(&h.outbox, "manual retry", |e| {
        e[0].state == EntryState::Failed && e[0].attempts == 1
    })
    .await;
    assert_eq!(sandbox.requests().len(), 2);
    assert_eq!(
        h.outbox.retry("no-such-id").unwrap_err().to_string(),
        "That action is no longer in the history."
    );
    sandbox.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rejected_token_pauses_until_a_new_one_then_sends() {
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    sandbox.set_token("rotated-token");
    let dir = tempfile::tempdir().unwrap();
    let h = open(
        &journal(&dir),
        &sandbox.base_url(),
        Tokens::new(Some(DEFAULT_TOKEN)),
        OutboxOptions::default(),
    );
    let (identifier, change) = close("id:8");
    h.outbox.submit(identifier, change).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while h.outbox.pause().is_none() {
        assert!(Instant::now() < deadline, "never paused");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert!(matches!(
        h.outbox.pause(),
        Some(Pause::TokenRejected { .. })
    ));
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        sandbox.requests().len(),
        1,
        "nothing more is sent while the token is refused"
    );
    let waiting = &h.outbox.list()[0];
    assert_eq!(waiting.state, EntryState::Pending);
    assert!(waiting.last_error.as_deref().unwrap().contains("token"));

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
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let h = open(
        &journal(&dir),
        &sandbox.base_url(),
        Tokens::new(None),
        OutboxOptions::default(),
    );
    let (identifier, change) = close("id:9");
    h.outbox.submit(identifier, change).unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(h.outbox.pause(), Some(Pause::NoToken));
    assert!(sandbox.requests().is_empty());
    h.tokens.set(DEFAULT_TOKEN);
    h.outbox.token_changed();
    settle(&h.outbox, "token saved", |e| e[0].state == EntryState::Done).await;
    sandbox.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn one_contact_s_actions_arrive_in_submission_order() {
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    // The close is held up twice; the reopen must not overtake it.
    sandbox.script(
        &status_path("id:11"),
        [Fault::status(500), Fault::status_retry_after(429, "0")],
    );
    let dir = tempfile::tempdir().unwrap();
    let h = open(
        &journal(&dir),
        &sandbox.base_url(),
        Tokens::new(Some(DEFAULT_TOKEN)),
        OutboxOptions::default(),
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
    let bodies: Vec<String> = sandbox
        .requests()
        .iter()
        .filter(|r| r.raw_path == status_path("id:11") && r.status == 200)
        .map(|r| {
            r.body.as_ref().unwrap()["status"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(bodies, ["close", "open", "close"]);
    assert_eq!(sandbox.contact(11).unwrap().status, ContactStatus::Close);
    sandbox.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn history_is_bounded_but_pending_actions_are_never_evicted() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing listens here: everything stays pending.
    let h = open(
        &journal(&dir),
        "http://127.0.0.1:9/v1",
        Tokens::new(Some(DEFAULT_TOKEN)),
        OutboxOptions {
            history_limit: 3,
            ..OutboxOptions::default()
        },
    );
    for id in 1..=5 {
        let (identifier, change) = close(&format!("id:{id}"));
        h.outbox.submit(identifier, change).unwrap();
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        h.outbox.list().len(),
        5,
        "pending actions stay whatever the limit"
    );
    assert!(h
        .outbox
        .list()
        .iter()
        .all(|e| e.state == EntryState::Pending));
    assert_eq!(h.outbox.clear_finished().unwrap(), 0);

    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    h.outbox.set_client(quick_client(&sandbox.base_url()));
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

#[tokio::test(flavor = "multi_thread")]
async fn a_damaged_journal_is_set_aside_and_what_can_be_read_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let path = journal(&dir);
    {
        let h = open(
            &path,
            "http://127.0.0.1:9/v1",
            Tokens::new(None),
            OutboxOptions::default(),
        );
        for id in 1..=3 {
            let (identifier, change) = close(&format!("id:{id}"));
            h.outbox.submit(identifier, change).unwrap();
        }
    }
    let mut text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    text = format!(
        "{}\n{{not json at all\n{}\n{{\"op\":\"put\",\"entry\":{{\"id\"",
        lines[0], lines[2]
    );
    std::fs::write(&path, &text).unwrap();

    let (outbox, report) = Outbox::open(
        &path,
        OutboxOptions::default(),
        quick_client("http://127.0.0.1:9/v1"),
        Tokens::new(None),
        Box::new(|_| {}),
    )
    .unwrap();
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
    let dir = tempfile::tempdir().unwrap();
    let path = journal(&dir);
    {
        let h = open(
            &path,
            "http://127.0.0.1:9/v1",
            Tokens::new(None),
            OutboxOptions::default(),
        );
        let (identifier, change) = close("id:1");
        h.outbox.submit(identifier, change).unwrap();
    }
    let mut bytes = std::fs::read(&path).unwrap();
    bytes.extend_from_slice(b"{\"op\":\"put\",\"ent");
    std::fs::write(&path, bytes).unwrap();
    let (outbox, report) = Outbox::open(
        &path,
        OutboxOptions::default(),
        quick_client("http://127.0.0.1:9/v1"),
        Tokens::new(None),
        Box::new(|_| {}),
    )
    .unwrap();
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
        tokio::time::sleep(Duration::from_secs(600)).await;
        return;
    }

    let dir = tempfile::tempdir().unwrap();
    let path = journal(&dir);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base_url = format!("http://127.0.0.1:{port}/v1");
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
    loop {
        line.clear();
        let read = std::io::BufRead::read_line(&mut stdout, &mut line).unwrap();
        assert!(read > 0, "child ended before queueing");
        if line.contains("QUEUED") {
            break;
        }
    }
    tokio::time::sleep(Duration::from_millis(300)).await; // let it try (and fail) to send
    std::process::Command::new("kill")
        .args(["-KILL", &child.id().to_string()])
        .status()
        .unwrap();
    let status = child.wait().unwrap();
    assert!(!status.success(), "the child was killed");

    let sandbox = Sandbox::start_on(port, SandboxOptions::default())
        .await
        .unwrap();
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
    sandbox.stop().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_token_is_in_no_file_the_outbox_writes() {
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let secret = "tok-must-never-be-written-7f3a";
    sandbox.set_token(secret);
    let h = open(
        &journal(&dir),
        &sandbox.base_url(),
        Tokens::new(Some(secret)),
        OutboxOptions::default(),
    );
    for (identifier, change) in [close("id:1"), close("id:404404"), reopen("id:2")] {
        h.outbox.submit(identifier, change).unwrap();
    }
    settle(&h.outbox, "sent", all_finished).await;
    for file in walk(dir.path()) {
        let bytes = std::fs::read(&file).unwrap();
        assert!(
            !String::from_utf8_lossy(&bytes).contains(secret),
            "{} holds the token",
            file.display()
        );
    }
    sandbox.stop().await;
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    assert!(!files.is_empty() || dir.read_dir().unwrap().next().is_none());
    files
}
