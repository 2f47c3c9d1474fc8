//! A local fake Aelyst API for tests and the README's sandbox mode.
//!
//! Same paths, bodies and codes as the vendor's reference (`/v1/contact/{identifier}/conversation/status`,
//! `/v1/contact/{identifier}`, `/v1/space/closing_notes`), a bearer check, validation, seeded
//! contacts whose status changes with each call, the documented per-path rate limit, an optional
//! workspace-wide limit, scripted faults, an outage that keeps the port, and a request log. It
//! matches identifiers its own way, not with the app's parser, so the two cannot agree on a bug
//! by construction.

mod admin;
mod contacts;
mod gate;
mod limiter;
mod lists;
mod routes;
pub mod users;

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Instant;

use axum::routing::{get, post};
use axum::Router;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;

pub use contacts::{Contact, ContactStatus};
use gate::{error_answer, vendor_message, Incoming};
use limiter::Limiter;
use routes::handle;

pub const DEFAULT_TOKEN: &str = "sandbox-token";
pub const DEFAULT_PORT: u16 = 8787;
/// The vendor documents about 5 requests per second per method and path.
pub const DOCUMENTED_PER_PATH_LIMIT: u32 = 5;

#[derive(Clone, Debug)]
pub struct SandboxOptions {
    pub token: String,
    /// Requests per second per method and path; `None` turns the limit off.
    pub per_path_limit: Option<u32>,
    /// Requests per second across the whole workspace; off by default.
    pub workspace_limit: Option<u32>,
    /// How many contacts to seed (ids count up from 1).
    pub contact_count: u64,
    /// Admins can make the closing note mandatory in the vendor's inbox.
    pub require_category: bool,
    /// Switch the optional read endpoints off (they then answer 404) to test graceful fallback.
    pub closing_notes_enabled: bool,
    pub contact_lookup_enabled: bool,
    /// The users list and the contact list (`GET /space/user`, `POST /contact/list`).
    pub lists_enabled: bool,
}

impl Default for SandboxOptions {
    fn default() -> Self {
        Self {
            token: DEFAULT_TOKEN.into(),
            per_path_limit: Some(DOCUMENTED_PER_PATH_LIMIT),
            workspace_limit: None,
            contact_count: 50,
            require_category: false,
            closing_notes_enabled: true,
            contact_lookup_enabled: true,
            lists_enabled: true,
        }
    }
}

/// What the next answer for one path will be instead of the normal one.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Fault {
    /// Answer with this code and the vendor's body for it.
    Status {
        code: u16,
        #[serde(default, rename = "retryAfter")]
        retry_after: Option<String>,
    },
    /// Break the connection without a complete answer.
    Drop,
    /// Wait, then answer normally.
    Delay { millis: u64 },
    /// Answer `307 Temporary Redirect` to `location` (a client must not follow it: it would
    /// carry the token and the body somewhere else).
    Redirect { location: String },
    /// Answer 200 with a body of this many bytes (a JSON string of `x`), sent in 64 KiB
    /// chunks with no `Content-Length`, so a client learns its size only by reading it.
    Oversized { bytes: usize },
}

impl Fault {
    pub fn status(code: u16) -> Self {
        Self::Status {
            code,
            retry_after: None,
        }
    }

    pub fn status_retry_after(code: u16, retry_after: &str) -> Self {
        Self::Status {
            code,
            retry_after: Some(retry_after.into()),
        }
    }
}

/// One request as the sandbox saw it. The token is never recorded, only whether it matched.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LoggedRequest {
    pub method: String,
    /// The path as it arrived on the wire, escapes and all (`/v1/contact/phone:%2B60…`).
    pub raw_path: String,
    /// The identifier after decoding, for contact paths.
    pub identifier: Option<String>,
    pub authorized: bool,
    /// The bearer token presented, as sent. The sandbox's tokens are made up: tests read this
    /// to prove whose token reached which server.
    pub bearer: Option<String>,
    pub body: Option<Value>,
    /// The code answered; 0 when the connection was dropped on purpose.
    pub status: u16,
    /// Milliseconds since the sandbox started.
    pub at_ms: u64,
}

struct Shared {
    started: Instant,
    options: SandboxOptions,
    state: Mutex<World>,
    /// An outage: see [`Sandbox::set_down`]. Outside the lock, so accepting never waits on it.
    down: AtomicBool,
    turned_away: AtomicU64,
}

struct World {
    token: String,
    contacts: Vec<Contact>,
    users: Vec<users::User>,
    notes: Vec<(String, String)>,
    faults: HashMap<String, VecDeque<Fault>>,
    log: Vec<LoggedRequest>,
    per_path: HashMap<String, Limiter>,
    workspace: Option<Limiter>,
}

impl Shared {
    fn world(&self) -> MutexGuard<'_, World> {
        // A panic while holding the lock leaves plain data behind; keep serving.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Whether to turn this connection or request away, counting it if so.
    fn turns_away(&self) -> bool {
        let down = self.down.load(Ordering::SeqCst);
        if down {
            self.turned_away.fetch_add(1, Ordering::SeqCst);
        }
        down
    }
}

/// The sandbox's listener. While the sandbox is down it accepts each connection and closes it
/// at once, unread and unanswered: the client sees a dropped connection, a network error, yet
/// the port stays bound, so no other process can take it before the sandbox comes back
/// (stopping and starting again on the same port could not promise that).
struct Doorman {
    listener: TcpListener,
    shared: Arc<Shared>,
}

impl axum::serve::Listener for Doorman {
    type Io = TcpStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (TcpStream, SocketAddr) {
        loop {
            // axum's own accept, which already rides out errors such as too many open files.
            let (stream, addr) = axum::serve::Listener::accept(&mut self.listener).await;
            if !self.shared.turns_away() {
                return (stream, addr);
            }
            drop(stream);
        }
    }

    fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }
}

/// A running sandbox. Dropping it without `stop` leaves the server running until the runtime ends.
pub struct Sandbox {
    addr: SocketAddr,
    shared: Arc<Shared>,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

impl Sandbox {
    /// Starts on a random loopback port.
    pub async fn start(options: SandboxOptions) -> std::io::Result<Self> {
        Self::start_on(0, options).await
    }

    /// Starts on `127.0.0.1:port` (0 for a random one).
    pub async fn start_on(port: u16, options: SandboxOptions) -> std::io::Result<Self> {
        let listener = TcpListener::bind(("127.0.0.1", port)).await?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(new_shared(options));
        let (shutdown, stopped) = oneshot::channel::<()>();
        let app = router(shared.clone());
        let doorman = Doorman {
            listener,
            shared: shared.clone(),
        };
        let task = tokio::spawn(async move {
            let served = axum::serve(doorman, app)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
            if let Err(err) = served {
                tracing::warn!("sandbox stopped with an error: {err}");
            }
        });
        Ok(Self {
            addr,
            shared,
            shutdown: Some(shutdown),
            task: Some(task),
        })
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    /// `http://127.0.0.1:<port>/v1`, the base URL to give the app.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// Queues faults for the next answers on `raw_path` (as sent, e.g.
    /// `/v1/contact/phone:%2B60121233112/conversation/status`). See [`status_path`].
    pub fn script(&self, raw_path: &str, faults: impl IntoIterator<Item = Fault>) {
        self.shared
            .world()
            .faults
            .entry(raw_path.to_owned())
            .or_default()
            .extend(faults);
    }

    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.shared.world().log.clone()
    }

    /// How many status calls arrived for an API-form identifier, whatever the answer.
    /// Every bearer token any request presented.
    pub fn tokens_seen(&self) -> std::collections::BTreeSet<String> {
        self.requests()
            .into_iter()
            .filter_map(|r| r.bearer)
            .collect()
    }

    pub fn posts_to(&self, api_form: &str) -> usize {
        let path = status_path(api_form);
        self.shared
            .world()
            .log
            .iter()
            .filter(|r| r.method == "POST" && r.raw_path == path)
            .count()
    }

    /// The `status` of each status call answered 200 for an API-form identifier, in order.
    pub fn statuses_sent(&self, api_form: &str) -> Vec<String> {
        let path = status_path(api_form);
        self.shared
            .world()
            .log
            .iter()
            .filter(|r| r.raw_path == path && r.status == 200)
            .filter_map(|r| r.body.as_ref()?["status"].as_str().map(str::to_owned))
            .collect()
    }

    pub fn contact(&self, id: u64) -> Option<Contact> {
        self.shared
            .world()
            .contacts
            .iter()
            .find(|c| c.id == id)
            .cloned()
    }

    /// The ids of the open conversations assigned to `user`, newest first (as the contact list
    /// gives them): what an agent's "My conversations" should show.
    pub fn open_assigned_to(&self, user: u64) -> Vec<u64> {
        self.shared
            .world()
            .contacts
            .iter()
            .rev()
            .filter(|c| c.status == ContactStatus::Open)
            .filter(|c| c.assignee.as_ref().is_some_and(|a| a.id == user))
            .map(|c| c.id)
            .collect()
    }

    /// Takes the server down (`true`) or brings it back (`false`), keeping its port and its
    /// state (contacts, faults, log) throughout. While down, every new connection is accepted and
    /// closed at once without a byte of answer, and a request arriving on a connection opened
    /// before is dropped like [`Fault::Drop`] (logged with status 0); scripted faults wait.
    /// A client sees a network error, as when the server is unreachable.
    pub fn set_down(&self, down: bool) {
        self.shared.down.store(down, Ordering::SeqCst);
    }

    /// How many connections and requests were turned away while down: proof that a client
    /// tried, where the request log cannot say (a closed connection never says what it wanted).
    pub fn turned_away(&self) -> u64 {
        self.shared.turned_away.load(Ordering::SeqCst)
    }

    /// Rotates the accepted token: the old one is answered 401 from now on.
    pub fn set_token(&self, token: &str) {
        self.shared.world().token = token.to_owned();
    }

    /// Stops accepting, lets in-flight answers finish, and waits for the server to end.
    pub async fn stop(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

/// The raw path of the status call for an API-form identifier, escaped as the app sends it.
pub fn status_path(api_form: &str) -> String {
    format!(
        "/v1/contact/{}/conversation/status",
        api_form.replace('+', "%2B")
    )
}

/// Serves until `shutdown` resolves; the binary's entry point.
pub async fn serve(
    listener: TcpListener,
    options: SandboxOptions,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(Arc::new(new_shared(options))))
        .with_graceful_shutdown(shutdown)
        .await
}

fn new_shared(options: SandboxOptions) -> Shared {
    let world = World {
        token: options.token.clone(),
        contacts: contacts::seed(options.contact_count),
        users: users::seed_users(),
        notes: contacts::seed_closing_notes(),
        faults: HashMap::new(),
        log: Vec::new(),
        per_path: HashMap::new(),
        workspace: options.workspace_limit.map(Limiter::new),
    };
    Shared {
        started: Instant::now(),
        options,
        state: Mutex::new(world),
        down: AtomicBool::new(false),
        turned_away: AtomicU64::new(0),
    }
}

fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route(
            "/v1/contact/{identifier}/conversation/status",
            post(routes::set_status),
        )
        .route("/v1/contact/{identifier}", get(routes::get_contact))
        .route("/v1/space/closing_notes", get(routes::list_closing_notes))
        .route("/v1/space/user", get(lists::list_users))
        .route("/v1/space/user/{id}", get(lists::get_user))
        .route("/v1/contact/list", post(lists::list_contacts))
        .route("/_sandbox/requests", get(admin::requests))
        .route("/_sandbox/faults", post(admin::faults))
        .route("/_sandbox/token", post(admin::token))
        .route("/_sandbox/contacts", get(admin::contacts))
        .with_state(shared)
}

#[cfg(test)]
mod tests {
    use std::io::{Read, Write};
    use std::net::TcpStream as StdStream;

    use super::*;

    const NOTES: &str = "GET /v1/space/closing_notes HTTP/1.1\r\nHost: sandbox\r\n\
                         Authorization: Bearer sandbox-token\r\n\r\n";

    /// Reads one answer: its head, then as many body bytes as it announced.
    fn read_answer(stream: &mut StdStream) -> String {
        let mut bytes = Vec::new();
        let mut byte = [0u8; 1];
        while !bytes.ends_with(b"\r\n\r\n") {
            assert_eq!(stream.read(&mut byte).unwrap(), 1, "the head was cut short");
            bytes.push(byte[0]);
        }
        let head = String::from_utf8(bytes).unwrap();
        let length: usize = head
            .lines()
            .find_map(|l| {
                l.to_ascii_lowercase()
                    .strip_prefix("content-length:")
                    .map(str::to_owned)
            })
            .expect("a sized answer")
            .trim()
            .parse()
            .unwrap();
        let mut body = vec![0u8; length];
        stream.read_exact(&mut body).unwrap();
        head + &String::from_utf8(body).unwrap()
    }

    /// Sends `request` and reads until the server closes: everything it said, or the error.
    fn until_closed(stream: &mut StdStream, request: &str) -> std::io::Result<Vec<u8>> {
        stream.write_all(request.as_bytes())?;
        let mut said = Vec::new();
        stream.read_to_end(&mut said).map(|_| said)
    }

    // Plain blocking sockets, so the test sees the bytes exactly as sent; the server runs on the
    // other worker thread meanwhile.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn while_down_the_port_is_kept_and_nothing_is_answered() {
        let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
        let addr = sandbox.addr;
        // Opened and used while up, then kept open through the outage.
        let mut kept = StdStream::connect(addr).unwrap();
        kept.write_all(NOTES.as_bytes()).unwrap();
        assert!(read_answer(&mut kept).starts_with("HTTP/1.1 200"));

        sandbox.set_down(true);
        let mut fresh = StdStream::connect(addr).expect("the port is still bound");
        let said = until_closed(&mut fresh, NOTES).unwrap_or_default();
        assert!(said.is_empty(), "a new connection got {said:?}");
        // The old connection gets no complete answer either: the body breaks off, as Fault::Drop.
        let said = until_closed(&mut kept, NOTES).unwrap_or_default();
        assert!(
            !String::from_utf8_lossy(&said).contains("Resolved"),
            "{said:?}"
        );
        assert_eq!(sandbox.turned_away(), 2);
        let statuses: Vec<u16> = sandbox.requests().iter().map(|r| r.status).collect();
        assert_eq!(
            statuses,
            [200, 0],
            "only the request that was read is logged"
        );

        sandbox.set_down(false);
        let mut back = StdStream::connect(addr).unwrap();
        back.write_all(NOTES.as_bytes()).unwrap();
        let answer = read_answer(&mut back);
        assert!(answer.starts_with("HTTP/1.1 200") && answer.contains("Resolved"));
        assert_eq!(sandbox.turned_away(), 2);
        sandbox.stop().await;
    }
}
