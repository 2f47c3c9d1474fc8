//! What every request passes before its endpoint: the request log, the bearer check, the
//! rate limits, an outage, and the scripted faults; and the vendor's error answers.

use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use super::*;

/// The vendor's body for each documented code.
pub(crate) fn vendor_message(code: u16) -> &'static str {
    match code {
        400 => "Validation error.",
        401 => "UN_AUTHORIZED",
        404 => "Contact not found",
        429 => "Too Many Requests",
        449 => "Your request cannot be processed at the moment as it is currently in queue. Please try again in a few minutes.",
        500 => "Unexpected error occurred",
        _ => "Error",
    }
}

pub(crate) fn error_answer(code: u16, message: &str) -> Response {
    let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    (status, Json(json!({"code": code, "message": message}))).into_response()
}

/// What one request is about, for logging and the checks every endpoint shares.
pub(crate) struct Incoming<'a> {
    pub(crate) method: &'a Method,
    pub(crate) raw_path: String,
    pub(crate) identifier: Option<String>,
    pub(crate) authorized: bool,
    pub(crate) bearer: Option<String>,
    pub(crate) body: Option<Value>,
}

pub(crate) enum Gate {
    Pass(HeaderMap),
    Answer(Response, u16),
    Drop,
}

impl Shared {
    pub(crate) fn millis(&self) -> u64 {
        u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    pub(crate) fn log(&self, world: &mut World, incoming: &Incoming<'_>, status: u16) {
        world.log.push(LoggedRequest {
            method: incoming.method.to_string(),
            raw_path: incoming.raw_path.clone(),
            identifier: incoming.identifier.clone(),
            authorized: incoming.authorized,
            bearer: incoming.bearer.clone(),
            body: incoming.body.clone(),
            status,
            at_ms: self.millis(),
        });
    }

    /// An outage, then scripted faults, then the bearer check, then the rate limits. Returns the
    /// headers every answer on this path carries when the request may go on.
    pub(crate) async fn gate(&self, incoming: &Incoming<'_>) -> Gate {
        // A request on a connection accepted before the outage: the server is down for it too.
        if self.turns_away() {
            return Gate::Drop;
        }
        let fault = self
            .world()
            .faults
            .get_mut(&incoming.raw_path)
            .and_then(VecDeque::pop_front);
        match fault {
            Some(Fault::Delay { millis }) => {
                tokio::time::sleep(Duration::from_millis(millis)).await
            }
            Some(Fault::Drop) => return Gate::Drop,
            Some(Fault::Oversized { bytes }) => return Gate::Answer(oversized(bytes), 200),
            Some(Fault::Redirect { location }) => {
                let mut answer = StatusCode::TEMPORARY_REDIRECT.into_response();
                if let Ok(value) = HeaderValue::from_str(&location) {
                    answer.headers_mut().insert("location", value);
                }
                return Gate::Answer(answer, 307);
            }
            Some(Fault::Status { code, retry_after }) => {
                let mut answer = error_answer(code, vendor_message(code));
                if let Some(value) = retry_after.and_then(|v| HeaderValue::from_str(&v).ok()) {
                    answer.headers_mut().insert("retry-after", value);
                }
                if code == 429 {
                    let limit = self
                        .options
                        .per_path_limit
                        .unwrap_or(DOCUMENTED_PER_PATH_LIMIT);
                    insert_number(answer.headers_mut(), "x-ratelimit-limit", limit);
                    insert_number(answer.headers_mut(), "x-ratelimit-remaining", 0);
                }
                return Gate::Answer(answer, code);
            }
            None => {}
        }
        if !incoming.authorized {
            return Gate::Answer(error_answer(401, vendor_message(401)), 401);
        }
        let mut world = self.world();
        let now = Instant::now();
        let mut headers = HeaderMap::new();
        if let Some(limit) = self.options.per_path_limit {
            let key = format!("{} {}", incoming.method, incoming.raw_path);
            let limiter = world
                .per_path
                .entry(key)
                .or_insert_with(|| Limiter::new(limit));
            match limiter.admit(now) {
                Ok(remaining) => {
                    insert_number(&mut headers, "x-ratelimit-limit", limit);
                    insert_number(&mut headers, "x-ratelimit-remaining", remaining);
                }
                Err(wait) => return Gate::Answer(too_many(limit, wait), 429),
            }
        }
        if let Some(workspace) = world.workspace.as_mut() {
            if let Err(wait) = workspace.admit(now) {
                let limit = workspace.limit();
                return Gate::Answer(too_many(limit, wait), 429);
            }
        }
        Gate::Pass(headers)
    }
}

pub(crate) fn insert_number(headers: &mut HeaderMap, name: &'static str, value: u32) {
    headers.insert(name, HeaderValue::from(value));
}

pub(crate) fn too_many(limit: u32, wait: Duration) -> Response {
    let mut answer = error_answer(429, vendor_message(429));
    let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    answer
        .headers_mut()
        .insert("retry-after", HeaderValue::from(seconds.max(1)));
    insert_number(answer.headers_mut(), "x-ratelimit-limit", limit);
    insert_number(answer.headers_mut(), "x-ratelimit-remaining", 0);
    answer
}

/// 200 with a body of `bytes` bytes (a JSON string), streamed with no `Content-Length`.
pub(crate) fn oversized(bytes: usize) -> Response {
    const CHUNK: usize = 64 * 1024;
    let inner = bytes.saturating_sub(2);
    let pieces = std::iter::once(Bytes::from_static(b"\""))
        .chain((0..inner.div_ceil(CHUNK)).map(move |i| {
            let size = CHUNK.min(inner - i * CHUNK);
            Bytes::from(vec![b'x'; size])
        }))
        .chain(std::iter::once(Bytes::from_static(b"\"")))
        .map(Ok::<Bytes, std::io::Error>);
    let mut answer = Response::new(Body::from_stream(futures_util::stream::iter(pieces)));
    answer
        .headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    answer
}

/// A response whose body fails at once, so the client never gets a complete answer.
pub(crate) fn dropped() -> Response {
    let broken = futures_util::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "sandbox dropped the connection on purpose",
        ))
    });
    Response::new(Body::from_stream(broken))
}

pub(crate) fn bearer(headers: &HeaderMap) -> Option<String> {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned)
}
