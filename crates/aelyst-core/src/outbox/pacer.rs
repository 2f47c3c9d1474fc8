//! Paces sending by what the server says, so a bulk run causes no retry storm: a 429 holds
//! every send until its `Retry-After` and teaches the limit it hit (then at most that many
//! requests count against the server's window at once); a success with
//! `X-RateLimit-Remaining: 0` holds sending for the rest of the window. Pure: every call is
//! handed the time.
//!
//! A request counts from when it is sent until a window after its answer came, not a window
//! after it was sent: the server counts it when it arrives, which on a busy machine or network
//! can be well after it left, but never after its answer came back. So however late a request
//! travels, the server never sees more than the limit in one window (the README, Pacing).

use std::collections::VecDeque;
use std::time::Duration;

use crate::api::{Outcome, RetryReason, StatusReply};

/// The server counts requests per second; a little slack for the server's own timekeeping.
pub const PACE_WINDOW_MS: u64 = 1_050;

#[derive(Debug, Default)]
pub struct Pacer {
    hold_until: u64,
    limit_per_window: Option<usize>,
    /// When each answer of the last window came (kept before any limit is known too: when a
    /// 429 teaches one, the requests just answered still count against it).
    heard: VecDeque<u64>,
}

impl Pacer {
    /// How many sends may start now, with `in_flight` requests still unanswered, and how long
    /// until more may (`None` with a budget of 0: when one of those in flight is answered).
    pub fn budget(&mut self, now: u64, in_flight: usize) -> (usize, Option<Duration>) {
        if now < self.hold_until {
            return (0, Some(Duration::from_millis(self.hold_until - now)));
        }
        self.forget_before(now);
        let Some(limit) = self.limit_per_window else {
            return (usize::MAX, None);
        };
        let counted = in_flight.saturating_add(self.heard.len());
        if counted < limit {
            return (limit - counted, None);
        }
        let frees = self.heard.iter().min().map(|&oldest| {
            Duration::from_millis((oldest + PACE_WINDOW_MS).saturating_sub(now).max(1))
        });
        (0, frees)
    }

    /// The server answered at `now` (or a request was given up on: it may have arrived). A
    /// 429 is not counted: the server refused it, and its `Retry-After` holds every send.
    pub fn heard(&mut self, now: u64, reply: &StatusReply) {
        self.forget_before(now);
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
            _ => {
                self.heard.push_back(now);
                if reply.rate_limit.remaining == Some(0) {
                    self.hold_until = self.hold_until.max(now + PACE_WINDOW_MS);
                }
            }
        }
    }

    /// Answers a window old no longer count.
    fn forget_before(&mut self, now: u64) {
        self.heard
            .retain(|&at| now.saturating_sub(at) < PACE_WINDOW_MS);
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

    #[test]
    fn without_a_429_nothing_is_held() {
        let mut pacer = Pacer::default();
        assert_eq!(pacer.budget(1_000, 0), (usize::MAX, None));
        pacer.heard(1_000, &done(Some(4)));
        assert_eq!(pacer.budget(1_001, 3).0, usize::MAX);
    }

    #[test]
    fn a_429_holds_every_send_until_its_retry_after() {
        let mut pacer = Pacer::default();
        pacer.heard(10_000, &too_many(2_000, None));
        assert_eq!(
            pacer.budget(10_000, 0),
            (0, Some(Duration::from_millis(2_000)))
        );
        assert_eq!(pacer.budget(11_999, 0), (0, Some(Duration::from_millis(1))));
        assert_eq!(pacer.budget(12_000, 0).0, usize::MAX, "no limit was taught");
        // A shorter hold heard later never shortens the longer one.
        pacer.heard(12_000, &too_many(5_000, None));
        pacer.heard(12_500, &too_many(100, None));
        assert_eq!(pacer.budget(16_999, 0).0, 0);
        assert!(pacer.budget(17_000, 0).0 > 0);
    }

    /// A run of `wanted` sends offered every 10 ms from `from`, each answered `travel_ms`
    /// after it starts (the request reaching the server at some moment in between). Returns
    /// each request's start and answer.
    fn run(pacer: &mut Pacer, from: u64, wanted: usize, travel_ms: u64) -> Vec<(u64, u64)> {
        let mut in_flight: Vec<u64> = Vec::new();
        let mut requests = Vec::new();
        let mut now = from;
        while requests.len() < wanted || !in_flight.is_empty() {
            in_flight.retain(|&started| {
                let answered = started + travel_ms <= now;
                if answered {
                    pacer.heard(now, &done(None));
                    requests.push((started, now));
                }
                !answered
            });
            let (budget, _) = pacer.budget(now, in_flight.len());
            let left = wanted - requests.len() - in_flight.len();
            in_flight.extend(std::iter::repeat_n(now, budget.min(left)));
            now += 10;
        }
        requests
    }

    #[test]
    fn a_429_teaches_the_limit_and_then_at_most_that_many_reach_the_server_in_any_window() {
        for travel_ms in [0, 30, 400] {
            let mut pacer = Pacer::default();
            pacer.heard(0, &too_many(1_000, Some(3)));
            let requests = run(&mut pacer, 1_000, 12, travel_ms);
            assert_eq!(requests.len(), 12);
            // Whenever each request reached the server between its start and its answer,
            // no window holds more than the limit: no request starts within a window of the
            // answer of the one three before it.
            let mut starts: Vec<u64> = requests.iter().map(|r| r.0).collect();
            let mut answers: Vec<u64> = requests.iter().map(|r| r.1).collect();
            starts.sort_unstable();
            answers.sort_unstable();
            for (later, earlier) in starts.iter().skip(3).zip(&answers) {
                assert!(
                    *later >= earlier + PACE_WINDOW_MS,
                    "travelling {travel_ms} ms, a start at {later} is within a window of an answer at {earlier}"
                );
            }
            let last = starts.last().unwrap();
            assert!(
                *last < 1_000 + 4 * (PACE_WINDOW_MS + travel_ms + 10),
                "the limit still lets the run through in four windows: the last started at {last}"
            );
        }
    }

    #[test]
    fn requests_in_flight_count_against_the_limit() {
        let mut pacer = Pacer::default();
        pacer.heard(0, &too_many(0, Some(2)));
        assert_eq!(
            pacer.budget(0, 0).0,
            2,
            "the refused request does not count"
        );
        assert_eq!(pacer.budget(0, 1).0, 1);
        assert_eq!(
            pacer.budget(0, 2),
            (0, None),
            "both in flight: the next answer frees a place"
        );
    }

    #[test]
    fn the_budget_says_how_long_until_the_window_frees_a_place() {
        let mut pacer = Pacer::default();
        pacer.heard(0, &too_many(0, Some(2)));
        pacer.heard(100, &done(Some(1)));
        pacer.heard(300, &done(Some(1)));
        assert_eq!(
            pacer.budget(400, 0),
            (0, Some(Duration::from_millis(100 + PACE_WINDOW_MS - 400)))
        );
        assert_eq!(pacer.budget(100 + PACE_WINDOW_MS, 0).0, 1);
        assert_eq!(pacer.budget(300 + PACE_WINDOW_MS, 0).0, 2);
    }

    #[test]
    fn remaining_zero_holds_sending_for_the_rest_of_the_window() {
        let mut pacer = Pacer::default();
        pacer.heard(5_000, &done(Some(0)));
        assert_eq!(
            pacer.budget(5_000, 0),
            (0, Some(Duration::from_millis(PACE_WINDOW_MS)))
        );
        assert_eq!(pacer.budget(5_000 + PACE_WINDOW_MS, 0).0, usize::MAX);
        pacer.heard(7_000, &done(None));
        assert_eq!(
            pacer.budget(7_000, 0).0,
            usize::MAX,
            "unknown remaining holds nothing"
        );
    }
}
