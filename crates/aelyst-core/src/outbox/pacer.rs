//! Paces sending by what the server says, so a bulk run causes no retry storm: a 429 holds
//! every send until its `Retry-After` and teaches the limit it hit (then at most that many
//! requests count against the server's window at once); a success with
//! `X-RateLimit-Remaining: 0` holds sending for the rest of the window. Pure: every call is
//! handed the time.
//!
//! A request counts from when it is sent until a window after it reached the server, which the
//! server counts and the client never sees. So each request counts from its send, moved later
//! by however much longer than the quickest round trip seen before it this one took (as if all
//! that extra was on the way there): a request as quick as the quickest counts from its send;
//! one held up on the way (a busy machine, a slow network: seen in CI under Wine, 80 ms)
//! counts for that much longer, so its late arrival does not put more than the limit in one
//! second. What this cannot see: a request whose way back is much slower than the quickest
//! while the next one's way there is much quicker. The 50 ms by which the window is longer
//! than a second covers that up to 50 ms. A request with no answer (a timeout, a broken
//! connection) counts from then; the first answer, with nothing to compare, from its answer.
//! (The README, Pacing.)

use std::collections::VecDeque;
use std::time::Duration;

use crate::api::{Outcome, RetryReason, StatusReply};

/// The server counts requests per second; the 50 ms over it is slack for the server's own
/// timekeeping and for legs that vary apart (above).
pub const PACE_WINDOW_MS: u64 = 1_050;

#[derive(Debug, Default)]
pub struct Pacer {
    hold_until: u64,
    limit_per_window: Option<usize>,
    /// For each request answered in the last window, when it counts from (kept before any
    /// limit is known too: when a 429 teaches one, the requests just answered still count
    /// against it).
    heard: VecDeque<u64>,
    /// The quickest round trip an answer has taken (only ever smaller: slower pacing, never
    /// faster).
    quickest: Option<u64>,
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

    /// The server answered at `now` a request sent at `sent` (both on the monotonic clock), or
    /// the request got no answer. A 429 is not counted: the server refused it (the sandbox's
    /// limiter does not count it either), and its `Retry-After` holds every send.
    pub fn heard(&mut self, sent: u64, now: u64, reply: &StatusReply) {
        debug_assert!(sent <= now, "an answer before its request");
        self.forget_before(now);
        let counts_from = match (reply.http_status, self.quickest) {
            (Some(_), Some(quickest)) => now.saturating_sub(quickest).max(sent),
            _ => now,
        };
        if reply.http_status.is_some() {
            let round_trip = now.saturating_sub(sent);
            self.quickest = Some(self.quickest.map_or(round_trip, |q| q.min(round_trip)));
        }
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
                self.heard.push_back(counts_from);
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
        pacer.heard(1_000, 1_000, &done(Some(4)));
        assert_eq!(pacer.budget(1_001, 3).0, usize::MAX);
    }

    #[test]
    fn a_429_holds_every_send_until_its_retry_after() {
        let mut pacer = Pacer::default();
        pacer.heard(10_000, 10_000, &too_many(2_000, None));
        assert_eq!(
            pacer.budget(10_000, 0),
            (0, Some(Duration::from_millis(2_000)))
        );
        assert_eq!(pacer.budget(11_999, 0), (0, Some(Duration::from_millis(1))));
        assert_eq!(pacer.budget(12_000, 0).0, usize::MAX, "no limit was taught");
        // A shorter hold heard later never shortens the longer one.
        pacer.heard(12_000, 12_000, &too_many(5_000, None));
        pacer.heard(12_500, 12_500, &too_many(100, None));
        assert_eq!(pacer.budget(16_999, 0).0, 0);
        assert!(pacer.budget(17_000, 0).0 > 0);
    }

    /// A run of `wanted` sends offered every 10 ms from `from`; request `i` takes `legs(i)` ms
    /// to reach the server and to come back. Returns each request's start and arrival at the
    /// server.
    fn run(
        pacer: &mut Pacer,
        from: u64,
        wanted: usize,
        legs: impl Fn(usize) -> (u64, u64),
    ) -> Vec<(u64, u64)> {
        let mut in_flight: Vec<(usize, u64)> = Vec::new();
        let mut requests = Vec::new();
        let mut started = 0;
        let mut now = from;
        while requests.len() < wanted {
            in_flight.retain(|&(i, start)| {
                let (there, back) = legs(i);
                let answered = start + there + back <= now;
                if answered {
                    pacer.heard(start, now, &done(None));
                    requests.push((start, start + there));
                }
                !answered
            });
            let (budget, _) = pacer.budget(now, in_flight.len());
            for _ in 0..budget.min(wanted - started) {
                in_flight.push((started, now));
                started += 1;
            }
            now += 10;
        }
        requests
    }

    /// How long request `i` takes to reach the server, and to come back.
    type Legs = fn(usize) -> (u64, u64);

    /// The most arrivals within any second, as the server counts them.
    fn most_in_a_second(requests: &[(u64, u64)]) -> usize {
        requests
            .iter()
            .map(|&(_, first)| {
                requests
                    .iter()
                    .filter(|&&(_, at)| at >= first && at < first + 1_000)
                    .count()
            })
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn a_429_teaches_the_limit_and_then_at_most_that_many_reach_the_server_in_any_second() {
        let cases: [(&str, Legs); 4] = [
            ("on loopback", |_| (0, 0)),
            ("150 ms away", |_| (75, 75)),
            ("every sixth held up 80 ms on the way", |i| {
                (if i % 6 == 5 { 85 } else { 5 }, 5)
            }),
            ("every third held up 400 ms on the way", |i| {
                (if i % 3 == 1 { 420 } else { 20 }, 20)
            }),
        ];
        for (what, legs) in cases {
            let mut pacer = Pacer::default();
            let (there, back) = legs(0);
            pacer.heard(0, there + back, &too_many(1_000, Some(3)));
            let requests = run(&mut pacer, 1_000, 12, legs);
            assert_eq!(requests.len(), 12);
            let most = most_in_a_second(&requests);
            assert!(
                most <= 3,
                "{what}: {most} arrivals in one second: {requests:?}"
            );
        }
    }

    #[test]
    fn a_request_that_travels_as_quickly_as_the_quickest_holds_its_place_a_window_from_its_start() {
        // 150 ms away, every request alike: a window per three, as if counted from each start,
        // not a window and a round trip.
        let mut pacer = Pacer::default();
        pacer.heard(0, 150, &too_many(1_000, Some(3)));
        let requests = run(&mut pacer, 1_000, 12, |_| (75, 75));
        let last = requests.iter().map(|r| r.0).max().unwrap();
        // The first three go when the 429's hold ends (1,150); counted until a window after
        // each answer, the fourth three would start at 4,750.
        assert!(
            last < 1_150 + 3 * (PACE_WINDOW_MS + 20),
            "the fourth three started at {last}"
        );
    }

    #[test]
    fn requests_in_flight_count_against_the_limit() {
        let mut pacer = Pacer::default();
        pacer.heard(0, 0, &too_many(0, Some(2)));
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
        pacer.heard(0, 0, &too_many(0, Some(2)));
        // Answered at once (the quickest round trip), and one 200 ms after it was sent.
        pacer.heard(100, 100, &done(Some(1)));
        pacer.heard(100, 300, &done(Some(1)));
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
        pacer.heard(5_000, 5_000, &done(Some(0)));
        assert_eq!(
            pacer.budget(5_000, 0),
            (0, Some(Duration::from_millis(PACE_WINDOW_MS)))
        );
        assert_eq!(pacer.budget(5_000 + PACE_WINDOW_MS, 0).0, usize::MAX);
        pacer.heard(7_000, 7_000, &done(None));
        assert_eq!(
            pacer.budget(7_000, 0).0,
            usize::MAX,
            "unknown remaining holds nothing"
        );
    }
}
