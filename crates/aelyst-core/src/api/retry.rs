//! When to try again. A pure function of the attempt number and the server's hints, so the
//! outbox can persist "attempt N, next try at T" and resume the same schedule after a restart.

use std::time::{Duration, SystemTime};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RetryPolicy {
    /// First backoff ceiling for 5xx answers and network failures; doubles per attempt.
    pub backoff_base: Duration,
    /// Highest backoff ceiling.
    pub backoff_cap: Duration,
    /// 449 without `Retry-After`: the server says "minutes, not seconds".
    pub queued_base: Duration,
    pub queued_cap: Duration,
    /// A `Retry-After` longer than this is not believed.
    pub retry_after_cap: Duration,
    /// After this many 5xx answers in a row the action is reported as failed (the agent can
    /// retry it from the history). Network failures are retried without limit: a laptop can
    /// be offline for hours and the action must still go out.
    pub max_server_error_attempts: u32,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            backoff_base: Duration::from_secs(1),
            backoff_cap: Duration::from_secs(5 * 60),
            queued_base: Duration::from_secs(2 * 60),
            queued_cap: Duration::from_secs(15 * 60),
            retry_after_cap: Duration::from_secs(15 * 60),
            max_server_error_attempts: 8,
        }
    }
}

impl RetryPolicy {
    /// The longest wait this policy ever asks for: a next-try time further away than this
    /// means the clock was set back.
    pub fn longest_wait(&self) -> Duration {
        self.backoff_cap
            .max(self.queued_cap)
            .max(self.retry_after_cap)
    }

    /// Exponential backoff with full jitter: uniform in `[0, min(cap, base · 2^(attempt-1))]`,
    /// so many clients that failed together do not retry together.
    pub fn backoff(&self, attempt: u32) -> Duration {
        let ceiling = exponential(self.backoff_base, self.backoff_cap, attempt);
        jitter(ceiling)
    }

    /// 429: the server's `Retry-After` when it gave one (capped), else the backoff.
    pub fn rate_limited(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        match retry_after {
            Some(after) => after.min(self.retry_after_cap),
            None => self.backoff(attempt),
        }
    }

    /// 449: the server's `Retry-After` when it gave one (capped), else 2, 4, 8 … minutes up to
    /// the cap. No jitter below the base: the queue needs minutes whatever happens.
    pub fn queued(&self, attempt: u32, retry_after: Option<Duration>) -> Duration {
        match retry_after {
            Some(after) => after.min(self.retry_after_cap),
            None => exponential(self.queued_base, self.queued_cap, attempt),
        }
    }
}

fn exponential(base: Duration, cap: Duration, attempt: u32) -> Duration {
    let doublings = attempt.saturating_sub(1).min(30);
    base.saturating_mul(1u32 << doublings).min(cap)
}

fn jitter(ceiling: Duration) -> Duration {
    let millis = u64::try_from(ceiling.as_millis()).unwrap_or(u64::MAX);
    Duration::from_millis(fastrand::u64(0..=millis))
}

/// `Retry-After` is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). Fractional
/// seconds, which some servers send, are accepted too.
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    if let Ok(seconds) = value.parse::<f64>() {
        if seconds.is_finite() && seconds >= 0.0 {
            return Some(Duration::from_secs_f64(seconds.min(1e9)));
        }
        return None;
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_stays_under_a_doubling_ceiling() {
        let policy = RetryPolicy::default();
        for attempt in 1..=12 {
            let ceiling = exponential(policy.backoff_base, policy.backoff_cap, attempt);
            for _ in 0..50 {
                assert!(policy.backoff(attempt) <= ceiling);
            }
        }
        assert_eq!(
            exponential(policy.backoff_base, policy.backoff_cap, 1),
            Duration::from_secs(1)
        );
        assert_eq!(
            exponential(policy.backoff_base, policy.backoff_cap, 4),
            Duration::from_secs(8)
        );
        assert_eq!(
            exponential(policy.backoff_base, policy.backoff_cap, 40),
            policy.backoff_cap
        );
    }

    #[test]
    fn backoff_is_jittered() {
        let policy = RetryPolicy::default();
        let draws: std::collections::HashSet<_> = (0..20).map(|_| policy.backoff(6)).collect();
        assert!(draws.len() > 1, "full jitter must spread retries");
    }

    #[test]
    fn queued_waits_minutes_doubling_to_fifteen() {
        let policy = RetryPolicy::default();
        let minutes: Vec<u64> = (1..=5)
            .map(|a| policy.queued(a, None).as_secs() / 60)
            .collect();
        assert_eq!(minutes, [2, 4, 8, 15, 15]);
        assert_eq!(
            policy.queued(1, Some(Duration::from_secs(30))),
            Duration::from_secs(30)
        );
    }

    #[test]
    fn retry_after_is_capped() {
        let policy = RetryPolicy::default();
        assert_eq!(
            policy.rate_limited(1, Some(Duration::from_secs(86_400))),
            policy.retry_after_cap
        );
        assert_eq!(
            policy.rate_limited(1, Some(Duration::from_secs(2))),
            Duration::from_secs(2)
        );
    }

    #[test]
    fn retry_after_reads_seconds_and_http_dates() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        assert_eq!(parse_retry_after("3", now), Some(Duration::from_secs(3)));
        assert_eq!(parse_retry_after(" 0 ", now), Some(Duration::ZERO));
        assert_eq!(
            parse_retry_after("1.5", now),
            Some(Duration::from_millis(1500))
        );
        let later = httpdate::fmt_http_date(now + Duration::from_secs(120));
        assert_eq!(
            parse_retry_after(&later, now),
            Some(Duration::from_secs(120))
        );
        let earlier = httpdate::fmt_http_date(now - Duration::from_secs(120));
        assert_eq!(parse_retry_after(&earlier, now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(parse_retry_after("soon", now), None);
    }
}
