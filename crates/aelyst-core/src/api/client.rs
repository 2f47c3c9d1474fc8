//! One shared HTTP client for the Aelyst API. It holds no token: each call is handed one.

use std::time::{Duration, SystemTime};

use reqwest::header::{HeaderMap, ACCEPT, RETRY_AFTER};
use serde::{Deserialize, Serialize};
use url::Url;

use super::address::{is_loopback_host, validate_base_url, ClientError};
use super::identifier::Identifier;
use super::outcome::{classify, Answer, Outcome, RateLimit, RetryReason, StatusReply, Tries};
use super::request::StatusChange;
use super::retry::RetryPolicy;
use super::token::ApiToken;
use crate::error::{Coded, ErrorCode, Fields};

const USER_AGENT: &str = concat!("AelystDesk/", env!("CARGO_PKG_VERSION"));
/// Guards the closing-notes walk against a server whose `next` never ends.
const MAX_CLOSING_NOTE_PAGES: usize = 50;
/// The most of an answer that is read. A page of 100 contacts or closing notes is tens of
/// kilobytes; a server (or something posing as one) that sends more is cut off here instead of
/// filling the laptop's memory.
pub const MAX_ANSWER_BYTES: usize = 4 * 1024 * 1024;

/// Why a read (closing notes, contact preview) gave nothing. Reads are best-effort.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("{}", super::outcome::UNAUTHORIZED_REASON)]
    Unauthorized,
    #[error("Aelyst is busy right now; try again in a moment.")]
    RateLimited {
        /// The server's `Retry-After`, when it gave one.
        wait: Option<Duration>,
    },
    #[error("{}", .0.describe())]
    Unreachable(RetryReason),
    #[error("Aelyst answered in a way this app does not understand (error {0}).")]
    Unexpected(u16),
    #[error("Aelyst's answer was larger than this app reads ({} MB), so it was not used.", MAX_ANSWER_BYTES / 1024 / 1024)]
    TooLarge,
}

impl Coded for ReadError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Unauthorized => ErrorCode::TokenRefused,
            Self::RateLimited { .. } => ErrorCode::RateLimited,
            Self::Unreachable(_) => ErrorCode::Unreachable,
            Self::Unexpected(_) => ErrorCode::UnexpectedAnswer,
            Self::TooLarge => ErrorCode::AnswerTooLarge,
        }
    }

    fn fields(&self) -> Fields {
        match self {
            Self::Unreachable(reason) => crate::fields! { "reason" => reason.word() },
            Self::Unexpected(status) => crate::fields! { "status" => status },
            Self::TooLarge => crate::fields! { "limit" => MAX_ANSWER_BYTES },
            _ => Fields::new(),
        }
    }
}

/// A read endpoint that may be switched off for a workspace (404/405 on the path itself).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Feature<T> {
    Available(T),
    Unavailable,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosingNote {
    pub category: String,
    #[serde(default)]
    pub description: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactPreview {
    pub id: u64,
    #[serde(default)]
    pub first_name: Option<String>,
    #[serde(default)]
    pub last_name: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email: Option<String>,
    /// `open` or `close`.
    #[serde(default)]
    pub status: Option<String>,
}

impl ContactPreview {
    /// First and last name as one, when there is any.
    pub fn full_name(&self) -> Option<String> {
        full_name(self.first_name.as_deref(), self.last_name.as_deref())
    }
}

/// "First Last" from the parts the API gives (either may be missing or blank).
pub(super) fn full_name(first: Option<&str>, last: Option<&str>) -> Option<String> {
    let name = [first, last]
        .into_iter()
        .flatten()
        .map(str::trim)
        .filter(|part| !part.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    (!name.is_empty()).then_some(name)
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactLookup {
    Found(ContactPreview),
    NoSuchContact,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientConfig {
    base_url: Url,
    pub connect_timeout: Duration,
    pub request_timeout: Duration,
    pub policy: RetryPolicy,
}

impl ClientConfig {
    pub fn new(base_url: &str) -> Result<Self, ClientError> {
        Ok(Self {
            base_url: validate_base_url(base_url)?,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(30),
            policy: RetryPolicy::default(),
        })
    }

    pub fn base_url(&self) -> &Url {
        &self.base_url
    }

    /// True when the API lives on this computer: the sandbox, never the real service.
    pub fn is_local(&self) -> bool {
        is_loopback_host(&self.base_url)
    }
}

#[derive(Clone)]
pub struct Client {
    pub(super) http: reqwest::Client,
    config: ClientConfig,
}

impl Client {
    pub fn new(config: ClientConfig) -> Result<Self, ClientError> {
        let mut builder = reqwest::Client::builder();
        if config.is_local() {
            // `HTTP_PROXY`/`ALL_PROXY` would otherwise route a loopback address, bearer header
            // and all, through the proxy: an API on this computer is only ever reached directly.
            builder = builder.no_proxy();
        }
        let http = builder
            .use_rustls_tls()
            .user_agent(USER_AGENT)
            .connect_timeout(config.connect_timeout)
            .timeout(config.request_timeout)
            // A redirect would turn the POST into a GET or carry the token elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|err| ClientError::Setup(err.to_string()))?;
        Ok(Self { http, config })
    }

    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    pub(super) fn endpoint(&self, path: &str) -> String {
        format!(
            "{}{}",
            self.config.base_url.as_str().trim_end_matches('/'),
            path
        )
    }

    pub fn status_url(&self, identifier: &Identifier) -> String {
        self.endpoint(&format!(
            "/contact/{}/conversation/status",
            identifier.path_segment()
        ))
    }

    /// `POST /contact/{identifier}/conversation/status`. `attempt` counts this try (1 for the
    /// first) and only shapes the backoff.
    pub async fn set_status(
        &self,
        token: &ApiToken,
        identifier: &Identifier,
        change: &StatusChange,
        tries: impl Into<Tries>,
    ) -> StatusReply {
        let tries = tries.into();
        let attempt = tries.attempt;
        let sent = self
            .authorized(self.http.post(self.status_url(identifier)), token)
            .json(change)
            .send()
            .await;
        let response = match sent {
            Ok(response) => response,
            Err(err) => return self.no_answer(&err, attempt, None),
        };
        let status = response.status().as_u16();
        let rate_limit = rate_limit(response.headers());
        let retry_after = header_text(response.headers(), RETRY_AFTER.as_str());
        let body = match capped_body(response).await {
            Ok(Body::Whole(body)) => body,
            // The status was answered; only its body is too long to read. What it is for (a
            // contact id, Aelyst's words) is left out, as for an answer without a body.
            Ok(Body::TooLarge) => Vec::new(),
            // The answer broke off mid-way: we cannot know it was applied. Setting a status is
            // idempotent, so sending it again is safe.
            Err(err) => return self.no_answer(&err, attempt, Some(rate_limit)),
        };
        let answer = Answer {
            status,
            retry_after: retry_after.as_deref(),
            body: &body,
        };
        StatusReply {
            outcome: classify(&answer, tries, &self.config.policy, SystemTime::now()),
            rate_limit,
            http_status: Some(status),
        }
    }

    fn no_answer(
        &self,
        err: &reqwest::Error,
        attempt: u32,
        rate: Option<RateLimit>,
    ) -> StatusReply {
        let reason = if err.is_timeout() {
            RetryReason::Timeout
        } else {
            RetryReason::Network
        };
        tracing::debug!(kind = ?reason, "status call got no usable answer");
        StatusReply {
            outcome: Outcome::RetryLater {
                after: self.config.policy.backoff(attempt),
                reason,
            },
            rate_limit: rate.unwrap_or_default(),
            http_status: None,
        }
    }

    /// All closing-note categories, every page.
    pub async fn closing_notes(
        &self,
        token: &ApiToken,
    ) -> Result<Feature<Vec<ClosingNote>>, ReadError> {
        self.read_all(token, MAX_CLOSING_NOTE_PAGES, || {
            self.http
                .get(self.endpoint("/space/closing_notes"))
                .query(&[("limit", "100")])
        })
        .await
    }

    /// `GET /contact/{identifier}`: who the agent is about to act on.
    pub async fn contact(
        &self,
        token: &ApiToken,
        identifier: &Identifier,
    ) -> Result<Feature<ContactLookup>, ReadError> {
        let request = self
            .http
            .get(self.endpoint(&format!("/contact/{}", identifier.path_segment())));
        match self.read(token, request).await? {
            ReadAnswer::Json(value) => {
                let contact =
                    serde_json::from_value(value).map_err(|_| ReadError::Unexpected(200))?;
                Ok(Feature::Available(ContactLookup::Found(contact)))
            }
            // The API's own "Contact not found" means the feature works and the contact is
            // missing; any other 404 means the endpoint itself is not there.
            ReadAnswer::NotFound(Some(message))
                if message.to_lowercase().contains("contact not found") =>
            {
                Ok(Feature::Available(ContactLookup::NoSuchContact))
            }
            ReadAnswer::NotFound(_) | ReadAnswer::MethodNotAllowed => Ok(Feature::Unavailable),
        }
    }

    /// The token and what we accept, on any request to the API. The header is built by
    /// reqwest's bearer helper, which marks it sensitive: it is left out of `Debug` output (and
    /// out of HTTP/2's header-compression table, were HTTP/2 turned on: it is not, README).
    fn authorized(
        &self,
        request: reqwest::RequestBuilder,
        token: &ApiToken,
    ) -> reqwest::RequestBuilder {
        request
            .bearer_auth(token.expose())
            .header(ACCEPT, "application/json")
    }

    pub(super) async fn read(
        &self,
        token: &ApiToken,
        request: reqwest::RequestBuilder,
    ) -> Result<ReadAnswer, ReadError> {
        let response = self
            .authorized(request, token)
            .send()
            .await
            .map_err(|err| {
                ReadError::Unreachable(if err.is_timeout() {
                    RetryReason::Timeout
                } else {
                    RetryReason::Network
                })
            })?;
        let status = response.status().as_u16();
        let wait = header_text(response.headers(), "retry-after")
            .and_then(|value| super::parse_retry_after(&value, std::time::SystemTime::now()));
        let body = match capped_body(response).await {
            Ok(Body::Whole(body)) => body,
            Ok(Body::TooLarge) => return Err(ReadError::TooLarge),
            Err(_) => return Err(ReadError::Unreachable(RetryReason::Network)),
        };
        match status {
            200..=299 => serde_json::from_slice(&body)
                .map(ReadAnswer::Json)
                .map_err(|_| ReadError::Unexpected(status)),
            401 | 403 => Err(ReadError::Unauthorized),
            404 => Ok(ReadAnswer::NotFound(
                serde_json::from_slice::<serde_json::Value>(&body)
                    .ok()
                    .and_then(|v| v.get("message")?.as_str().map(str::to_owned)),
            )),
            405 => Ok(ReadAnswer::MethodNotAllowed),
            429 | 449 => Err(ReadError::RateLimited { wait }),
            500..=599 => Err(ReadError::Unreachable(RetryReason::ServerError { status })),
            other => Err(ReadError::Unexpected(other)),
        }
    }
}

enum Body {
    Whole(Vec<u8>),
    /// Longer than [`MAX_ANSWER_BYTES`]: reading stopped there.
    TooLarge,
}

/// Reads an answer's body chunk by chunk, and stops past [`MAX_ANSWER_BYTES`] (a
/// `Content-Length` that says so is believed at once).
async fn capped_body(mut response: reqwest::Response) -> Result<Body, reqwest::Error> {
    let announced = response.content_length().unwrap_or(0);
    if usize::try_from(announced).map_or(true, |length| length > MAX_ANSWER_BYTES) {
        return Ok(Body::TooLarge);
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await? {
        if body.len() + chunk.len() > MAX_ANSWER_BYTES {
            return Ok(Body::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Body::Whole(body))
}

pub(super) enum ReadAnswer {
    Json(serde_json::Value),
    NotFound(Option<String>),
    MethodNotAllowed,
}

fn header_text(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get(name)?.to_str().ok().map(str::to_owned)
}

fn rate_limit(headers: &HeaderMap) -> RateLimit {
    let number = |name| header_text(headers, name).and_then(|v| v.trim().parse().ok());
    RateLimit {
        limit: number("x-ratelimit-limit"),
        remaining: number("x-ratelimit-remaining"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_header_is_marked_sensitive() {
        use reqwest::header::AUTHORIZATION;
        let client = Client::new(ClientConfig::new("http://127.0.0.1:9/v1").unwrap()).unwrap();
        let token = ApiToken::new("tok-sensitive-1").unwrap();
        let identifier = Identifier::parse("id:1").unwrap();
        let request = client
            .authorized(client.http.post(client.status_url(&identifier)), &token)
            .build()
            .unwrap();
        let header = &request.headers()[AUTHORIZATION];
        assert!(header.is_sensitive());
        assert!(!format!("{request:?}").contains("tok-sensitive-1"));
    }

    #[test]
    fn status_url_escapes_the_plus() {
        let client = Client::new(ClientConfig::new("https://api.aelyst.ai/v1").unwrap()).unwrap();
        let phone = Identifier::parse("phone:+60121233112").unwrap();
        assert_eq!(
            client.status_url(&phone),
            "https://api.aelyst.ai/v1/contact/phone:%2B60121233112/conversation/status"
        );
    }
}
