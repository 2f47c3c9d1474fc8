//! Paces sending by what the server says, so a bulk run causes no retry storm: a 429 holds
//! every send until its `Retry-After` and teaches the limit it hit (then at most that many
//! sends go out in any second); a success with `X-RateLimit-Remaining: 0` holds sending for
//! the rest of the window. Pure: every call is handed the time.

use std::collections::VecDeque;
use std::time::Duration;

use crate::api::{Outcome, RetryReason, StatusReply};

/// The server counts requests per second; a little slack absorbs clock and network jitter.
pub const PACE_WINDOW_MS: u64 = 1_050;

#[derive(Debug, Default)]
pub struct Pacer {
    hold_until: u64,
    limit_per_window: Option<usize>,
    recent: VecDeque<u64>,
}

impl Pacer {
    /// How many sends may start now, and how long until more may.
    pub fn budget(&mut self, now: u64) -> (usize, Option<Duration>) {
        if now < self.hold_until {
            return (0, Some(Duration::from_millis(self.hold_until - now)));
        }
        while self
            .recent
            .front()
            .is_some_and(|&at| now.saturating_sub(at) >= PACE_WINDOW_MS)
        {
            self.recent.pop_front();
        }
        match self.limit_per_window {
            None => (usize::MAX, None),
            Some(limit) if self.recent.len() < limit => (limit - self.recent.len(), None),
            Some(_) => {
                let oldest = self.recent.front().copied().unwrap_or(now);
                (
                    0,
                    Some(Duration::from_millis(
                        (oldest + PACE_WINDOW_MS).saturating_sub(now).max(1),
                    )),
                )
            }
        }
    }

    /// A send started at `now`.
    pub fn sent(&mut self, now: u64) {
        if self.limit_per_window.is_some() {
            self.recent.push_back(now);
        }
    }

    /// The server answered at `now`.
    pub fn heard(&mut self, now: u64, reply: &StatusReply) {
        match &reply.outcome {
            Outcome::RetryLater {
                after,
                reason: RetryReason::RateLimited,
            } => {
                let after = u64::try_from(after.as_millis()).unwrap_or(u64::MAX);
                self.hold_until = self.hold_until.max(now.saturating_add(after));
                if let Some(limit) = reply.rate_limit.limit.filter(|&l| l > 0) {
                    self.limit_per_window = Some(usize::try_from(limit).unwrap_or(usize::MAX));
                }
            }
            _ if reply.rate_limit.remaining == Some(0) => {
                self.hold_until = self.hold_until.max(now + PACE_WINDOW_MS);
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::RateLimit;

    fn too_many(after_ms: u64, limit: Option<u32>) -> StatusReply {
        StatusReply {
            outcome: Outcome::RetryLater {
                after: Duration::from_millis(after_ms),
                reason: RetryReason::RateLimited,
            },
            rate_limit: RateLimit {
                limit,
                remaining: Some(0),
            },
            http_status: Some(429),
        }
    }

    fn done(remaining: Option<u32>) -> StatusReply {
        StatusReply {
            outcome: Outcome::Done {
                contact_id: Some(1),
            },
            rate_limit: RateLimit {
                limit: Some(5),
                remaining,
            },
            http_status: Some(200),
        }
    }

    /// Starts every send the budget allows at `now`; returns how many started.
    fn send_all(pacer: &mut Pacer, now: u64, wanted: usize) -> usize {
        let (budget, _) = pacer.budget(now);
        let started = budget.min(wanted);
        for _ in 0..started {
            pacer.sent(now);
        }
        started
    }

    #[test]
    fn without_a_429_nothing_is_held() {
        let mut pacer = Pacer::default();
        assert_eq!(pacer.budget(1_000), (usize::MAX, None));
        pacer.heard(1_000, &done(Some(4)));
        assert_eq!(pacer.budget(1_001).0, usize::MAX);
    }

    #[test]
    fn a_429_holds_every_send_until_its_retry_after() {
        let mut pacer = Pacer::default();
        pacer.heard(10_000, &too_many(2_000, None));
        assert_eq!(
            pacer.budget(10_000),
            (0, Some(Duration::from_millis(2_000)))
        );
        assert_eq!(pacer.budget(11_999), (0, Some(Duration::from_millis(1))));
        assert_eq!(pacer.budget(12_000).0, usize::MAX, "no limit was taught");
        // A shorter hold heard later never shortens the longer one.
        pacer.heard(12_000, &too_many(5_000, None));
        pacer.heard(12_500, &too_many(100, None));
        assert_eq!(pacer.budget(16_999).0, 0);
        assert!(pacer.budget(17_000).0 > 0);
    }

    #[test]
    fn a_429_teaches_the_limit_and_then_at_most_that_many_start_in_any_window() {
        let mut pacer = Pacer::default();
        pacer.heard(0, &too_many(1_000, Some(3)));
        let mut now = 1_000;
        let mut starts = Vec::new();
        // Twenty sends wanted, offered every 50 ms for four seconds.
        let mut left = 20;
        while now < 5_000 && left > 0 {
            let started = send_all(&mut pacer, now, left);
            left -= started;
            starts.extend(std::iter::repeat_n(now, started));
            now += 50;
        }
        assert!(
            starts.len() >= 9,
            "the limit still lets sends through: {starts:?}"
        );
        for (i, &at) in starts.iter().enumerate() {
            let in_window = starts[i..]
                .iter()
                .take_while(|&&later| later < at + PACE_WINDOW_MS)
                .count();
            assert!(
                in_window <= 3,
                "{in_window} sends within one window from {at}"
            );
        }
    }

    #[test]
    fn the_budget_says_how_long_until_the_window_frees_a_slot() {
        let mut pacer = Pacer::default();
        pacer.heard(0, &too_many(0, Some(2)));
        assert_eq!(send_all(&mut pacer, 100, 5), 2);
        assert_eq!(
            pacer.budget(400),
            (0, Some(Duration::from_millis(100 + PACE_WINDOW_MS - 400)))
        );
        assert_eq!(pacer.budget(100 + PACE_WINDOW_MS).0, 2);
    }

    #[test]
    fn remaining_zero_holds_sending_for_the_rest_of_the_window() {
        let mut pacer = Pacer::default();
        pacer.heard(5_000, &done(Some(0)));
        assert_eq!(
            pacer.budget(5_000),
            (0, Some(Duration::from_millis(PACE_WINDOW_MS)))
        );
        assert_eq!(pacer.budget(5_000 + PACE_WINDOW_MS).0, usize::MAX);
        pacer.heard(7_000, &done(None));
        assert_eq!(
            pacer.budget(7_000).0,
            usize::MAX,
            "unknown remaining holds nothing"
        );
    }
}
