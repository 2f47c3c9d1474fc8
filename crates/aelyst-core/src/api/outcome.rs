//! Every answer to the status call, reduced to what the app does next.

use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use super::identifier::Identifier;
use super::retry::{parse_retry_after, RetryPolicy};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum RetryReason {
    /// 429.
    RateLimited,
    /// 449: the server queued the request; not a failure.
    Queued,
    /// 5xx.
    ServerError { status: u16 },
    /// Timed out waiting for an answer.
    Timeout,
    /// No answer at all: offline, refused, dropped mid-way.
    Network,
}

impl RetryReason {
    /// Plain words for the history.
    pub fn describe(&self) -> String {
        match self {
            Self::RateLimited => "Aelyst asked us to slow down; sending again shortly.".into(),
            Self::Queued => {
                "Aelyst has queued this request; sending again in a few minutes.".into()
            }
            Self::ServerError { status } => {
                format!("Aelyst had a problem on its side (error {status}); trying again.")
            }
            Self::Timeout => "Aelyst did not answer in time; trying again.".into(),
            Self::Network => {
                "Could not reach Aelyst (check the internet connection); trying again.".into()
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// 2xx: the conversation now has the requested status.
    Done { contact_id: Option<u64> },
    /// Send the same request again after `after`.
    RetryLater {
        after: Duration,
        reason: RetryReason,
    },
    /// Will not succeed as it is; never retried automatically.
    Rejected { reason: String },
    /// 401/403: the token is wrong or revoked. Wait for a new one, then send again.
    Unauthorized { reason: String },
}

/// `X-RateLimit-Limit` / `X-RateLimit-Remaining`, when the server sent them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RateLimit {
    pub limit: Option<u32>,
    pub remaining: Option<u32>,
}

/// One status call's result.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusReply {
    pub outcome: Outcome,
    pub rate_limit: RateLimit,
    /// `None` when no answer came back.
    pub http_status: Option<u16>,
}

pub const UNAUTHORIZED_REASON: &str =
    "Aelyst did not accept the API token: it may be wrong or revoked. Paste a new token to send this.";

#[derive(Deserialize)]
struct ErrorBody {
    message: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct DoneBody {
    contact_id: Option<u64>,
}

/// An HTTP answer as the classifier needs it.
pub struct Answer<'a> {
    pub status: u16,
    pub retry_after: Option<&'a str>,
    pub body: &'a [u8],
}

/// Which try this is: `attempt` counts every try (1 for the first) and shapes the backoff;
/// `server_errors_in_a_row` counts the 5xx answers just before it, with nothing else between
/// them: only those can fail an action for good, so a night offline or a queue full of 449s
/// does not use up the server-error limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tries {
    pub attempt: u32,
    pub server_errors_in_a_row: u32,
}

/// A bare attempt number: every earlier try was a server error (the strictest reading).
impl From<u32> for Tries {
    fn from(attempt: u32) -> Self {
        Self {
            attempt,
            server_errors_in_a_row: attempt.saturating_sub(1),
        }
    }
}

/// Maps one answer to an outcome.
pub fn classify(
    answer: &Answer<'_>,
    target: &Identifier,
    tries: impl Into<Tries>,
    policy: &RetryPolicy,
    now: SystemTime,
) -> Outcome {
    let tries = tries.into();
    let attempt = tries.attempt;
    let in_a_row = tries.server_errors_in_a_row + 1;
    let retry_after = answer
        .retry_after
        .and_then(|value| parse_retry_after(value, now));
    let server_message = || {
        serde_json::from_slice::<ErrorBody>(answer.body)
            .ok()
            .and_then(|body| body.message)
            .map(|m| m.trim().to_owned())
            .filter(|m| !m.is_empty())
    };
    match answer.status {
        200..=299 => Outcome::Done {
            contact_id: serde_json::from_slice::<DoneBody>(answer.body)
                .ok()
                .and_then(|body| body.contact_id),
        },
        400 => Outcome::Rejected {
            reason: match server_message() {
                Some(message) => format!("Aelyst did not accept this action: {message}"),
                None => "Aelyst did not accept this action.".into(),
            },
        },
        401 | 403 => Outcome::Unauthorized {
            reason: UNAUTHORIZED_REASON.into(),
        },
        404 => Outcome::Rejected {
            reason: format!("No contact matches {}.", target.describe()),
        },
        408 => Outcome::RetryLater {
            after: policy.backoff(attempt),
            reason: RetryReason::Timeout,
        },
        429 => Outcome::RetryLater {
            after: policy.rate_limited(attempt, retry_after),
            reason: RetryReason::RateLimited,
        },
        449 => Outcome::RetryLater {
            after: policy.queued(attempt, retry_after),
            reason: RetryReason::Queued,
        },
        status @ 500..=599 if in_a_row < policy.max_server_error_attempts => Outcome::RetryLater {
            after: retry_after
                .map(|after| after.min(policy.retry_after_cap))
                .unwrap_or_else(|| policy.backoff(in_a_row)),
            reason: RetryReason::ServerError { status },
        },
        status @ 500..=599 => Outcome::Rejected {
            reason: format!(
                "Aelyst kept having a problem on its side (error {status}), {in_a_row} tries in a row. Try again later."
            ),
        },
        status => Outcome::Rejected {
            reason: match server_message() {
                Some(message) => format!("Aelyst did not accept this action (error {status}): {message}"),
                None => format!("Aelyst did not accept this action (error {status})."),
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phone() -> Identifier {
        Identifier::parse("phone:+60121233112").unwrap()
    }

    fn run(status: u16, retry_after: Option<&str>, body: &str, attempt: u32) -> Outcome {
        let answer = Answer {
            status,
            retry_after,
            body: body.as_bytes(),
        };
        classify(
            &answer,
            &phone(),
            attempt,
            &RetryPolicy::default(),
            SystemTime::now(),
        )
    }

    #[test]
    fn every_documented_code_maps_to_its_outcome() {
        assert_eq!(
            run(200, None, r#"{"contactId": 1}"#, 1),
            Outcome::Done {
                contact_id: Some(1)
            }
        );
        assert_eq!(
            run(200, None, "not json", 1),
            Outcome::Done { contact_id: None }
        );
        assert_eq!(
            run(
                400,
                None,
                r#"{"code":400,"message":"Validation error."}"#,
                1
            ),
            Outcome::Rejected {
                reason: "Aelyst did not accept this action: Validation error.".into()
            }
        );
        assert!(matches!(
            run(401, None, r#"{"code":401,"message":"UN_AUTHORIZED"}"#, 1),
            Outcome::Unauthorized { .. }
        ));
        assert!(matches!(
            run(403, None, "", 1),
            Outcome::Unauthorized { .. }
        ));
        assert_eq!(
            run(
                404,
                None,
                r#"{"code":404,"message":"Contact not found"}"#,
                1
            ),
            Outcome::Rejected {
                reason: "No contact matches phone +60 12-123 3112.".into()
            }
        );
        assert_eq!(
            run(429, Some("3"), "", 1),
            Outcome::RetryLater {
                after: Duration::from_secs(3),
                reason: RetryReason::RateLimited
            }
        );
        assert_eq!(
            run(449, None, "", 2),
            Outcome::RetryLater {
                after: Duration::from_secs(240),
                reason: RetryReason::Queued
            }
        );
        assert_eq!(
            run(449, Some("10"), "", 2),
            Outcome::RetryLater {
                after: Duration::from_secs(10),
                reason: RetryReason::Queued
            }
        );
        assert!(matches!(
            run(503, None, "", 1),
            Outcome::RetryLater {
                reason: RetryReason::ServerError { status: 503 },
                ..
            }
        ));
        assert!(
            matches!(run(422, None, r#"{"message":"Blocked contact"}"#, 1),
            Outcome::Rejected { reason } if reason.contains("Blocked contact") && reason.contains("422"))
        );
    }

    #[test]
    fn server_errors_stop_after_the_bound() {
        let max = RetryPolicy::default().max_server_error_attempts;
        assert!(matches!(
            run(500, None, "", max - 1),
            Outcome::RetryLater { .. }
        ));
        assert!(
            matches!(run(500, None, "", max), Outcome::Rejected { reason } if reason.contains("500"))
        );
    }
}
