//! Every answer to the status call, reduced to what the app does next.

use std::time::{Duration, SystemTime};

use serde::{Deserialize, Serialize};

use super::retry::{parse_retry_after, RetryPolicy};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, strum::EnumDiscriminants)]
#[strum_discriminants(derive(strum::EnumIter))]
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
    /// The word the window has a sentence for (`unreachable` errors carry it as `reason`).
    pub fn word(&self) -> &'static str {
        match self {
            Self::RateLimited => "rate_limited",
            Self::Queued => "queued",
            Self::ServerError { .. } => "server_error",
            Self::Timeout => "timeout",
            Self::Network => "network",
        }
    }

    /// Plain English words, for the log.
    pub fn describe(&self) -> String {
        Reason::from(self).to_string()
    }
}

/// Why an action waits or did not go through: a code and the fields its sentence needs. The
/// window words it in the agent's language (`reason.<code>` in `ui/locales/`); the English
/// below is for the log and the CSV export. Kept in the journal as it is serialised here.
#[derive(
    Clone, Debug, PartialEq, Eq, Serialize, Deserialize, thiserror::Error, strum::EnumDiscriminants,
)]
#[strum_discriminants(derive(strum::EnumIter))]
#[serde(
    tag = "code",
    rename_all = "snake_case",
    rename_all_fields = "camelCase"
)]
pub enum Reason {
    #[error("Aelyst asked us to slow down; sending again shortly.")]
    RateLimited,
    #[error("Aelyst has queued this request; sending again in a few minutes.")]
    Queued,
    #[error("Aelyst had a problem on its side (error {status}); trying again.")]
    ServerError { status: u16 },
    #[error("Aelyst did not answer in time; trying again.")]
    Timeout,
    #[error("Could not reach Aelyst (check the internet connection); trying again.")]
    Network,
    #[error("{UNAUTHORIZED_REASON}")]
    TokenRefused,
    /// A 400 or another answer that will not change by sending again; `server_message` is
    /// Aelyst's own words, when it gave some.
    #[error("Aelyst did not accept this action (error {status}){}", server_message.as_ref().map(|m| format!(": {m}")).unwrap_or_else(|| ".".into()))]
    Refused {
        status: u16,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        server_message: Option<String>,
    },
    /// 404: the entry's own contact is named by the window.
    #[error("No contact matches it.")]
    NoContact,
    #[error("Aelyst kept having a problem on its side (error {status}), {tries} tries in a row. Try again later.")]
    ServerKeptFailing { status: u16, tries: u32 },
    #[error("Cancelled before it was sent.")]
    Cancelled,
    /// The answer came but could not be written down; it goes again.
    #[error("Aelyst answered, but the answer could not be saved on this computer (is the disk full?). It will be sent again.")]
    NotRecorded,
    /// Words an earlier version saved, shown as they are.
    #[error("{text}")]
    Legacy { text: String },
    /// Made for an address the workspace no longer uses: never sent to another one.
    #[error("Made for {address}, which this workspace no longer uses, so it was not sent.")]
    OtherAddress { address: String },
}

impl From<&RetryReason> for Reason {
    fn from(reason: &RetryReason) -> Self {
        match reason {
            RetryReason::RateLimited => Self::RateLimited,
            RetryReason::Queued => Self::Queued,
            RetryReason::ServerError { status } => Self::ServerError { status: *status },
            RetryReason::Timeout => Self::Timeout,
            RetryReason::Network => Self::Network,
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
    Rejected { reason: Reason },
    /// 401/403: the token is wrong or revoked. Wait for a new one, then send again.
    Unauthorized,
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
        401 | 403 => Outcome::Unauthorized,
        404 => Outcome::Rejected {
            reason: Reason::NoContact,
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
            reason: Reason::ServerKeptFailing {
                status,
                tries: in_a_row,
            },
        },
        status => Outcome::Rejected {
            reason: Reason::Refused {
                status,
                server_message: server_message(),
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(status: u16, retry_after: Option<&str>, body: &str, attempt: u32) -> Outcome {
        let answer = Answer {
            status,
            retry_after,
            body: body.as_bytes(),
        };
        classify(&answer, attempt, &RetryPolicy::default(), SystemTime::now())
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
                reason: Reason::Refused {
                    status: 400,
                    server_message: Some("Validation error.".into())
                }
            }
        );
        assert!(matches!(
            run(401, None, r#"{"code":401,"message":"UN_AUTHORIZED"}"#, 1),
            Outcome::Unauthorized
        ));
        assert!(matches!(run(403, None, "", 1), Outcome::Unauthorized));
        assert_eq!(
            run(
                404,
                None,
                r#"{"code":404,"message":"Contact not found"}"#,
                1
            ),
            Outcome::Rejected {
                reason: Reason::NoContact
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
        assert_eq!(
            run(422, None, r#"{"message":"Blocked contact"}"#, 1),
            Outcome::Rejected {
                reason: Reason::Refused {
                    status: 422,
                    server_message: Some("Blocked contact".into())
                }
            }
        );
    }

    #[test]
    fn server_errors_stop_after_the_bound() {
        let max = RetryPolicy::default().max_server_error_attempts;
        assert!(matches!(
            run(500, None, "", max - 1),
            Outcome::RetryLater { .. }
        ));
        assert_eq!(
            run(500, None, "", max),
            Outcome::Rejected {
                reason: Reason::ServerKeptFailing {
                    status: 500,
                    tries: max
                }
            }
        );
    }

    #[test]
    fn reasons_reach_the_window_as_a_code_and_fields() {
        let refused = Reason::Refused {
            status: 422,
            server_message: Some("Blocked contact".into()),
        };
        assert_eq!(
            serde_json::to_value(&refused).unwrap(),
            serde_json::json!({"code": "refused", "status": 422, "serverMessage": "Blocked contact"})
        );
        assert_eq!(
            serde_json::to_value(Reason::NoContact).unwrap(),
            serde_json::json!({"code": "no_contact"})
        );
        assert_eq!(
            refused.to_string(),
            "Aelyst did not accept this action (error 422): Blocked contact"
        );
    }
}
