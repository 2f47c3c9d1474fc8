//! What is sent when: the live entries by submission order, which of them are in flight, and
//! the pacer. Pure: every call is handed the time, so the rules are unit-tested on a made-up
//! clock. Next-try times are on the wall clock (they are saved and shown), but none waits
//! longer than the policy's longest wait, so a clock set back cannot hold an action for
//! hours; the pacer's holds are on the monotonic clock.
//!
//! The rules: only the oldest pending action of a contact may go (no overtaking), only when it
//! is due, at most `max_in_flight` at once, and no more than the pacer allows.

use std::collections::{BTreeMap, HashSet};
use std::time::Duration;

use super::entry::{Entry, EntryState};
use super::pacer::Pacer;

/// The two times the scheduler reads: the wall clock (entries' next-try times, which are
/// saved and shown) and a monotonic one (the pacer's holds, which only live in memory).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clocks {
    pub wall: u64,
    pub mono: u64,
}

#[derive(Default)]
pub struct Schedule {
    /// By submission order.
    pub entries: BTreeMap<u64, Entry>,
    pub in_flight: HashSet<u64>,
    pub pacer: Pacer,
}

impl Schedule {
    pub fn new(entries: BTreeMap<u64, Entry>) -> Self {
        Self {
            entries,
            ..Self::default()
        }
    }

    /// Submission order continues after the newest entry.
    pub fn next_seq(&self) -> u64 {
        self.entries.keys().next_back().map_or(1, |last| last + 1)
    }

    pub fn seq_of(&self, id: &str) -> Option<u64> {
        self.entries
            .iter()
            .find(|(_, e)| e.id == id)
            .map(|(seq, _)| *seq)
    }

    /// Picks what can be sent now and marks it in flight. Returns it and how long until the
    /// next one is due (a retry time or the pacer's hold).
    pub fn take_due(
        &mut self,
        clocks: Clocks,
        max_in_flight: usize,
        longest_wait: Duration,
    ) -> (Vec<Entry>, Option<Duration>) {
        let now = clocks.wall;
        let longest = u64::try_from(longest_wait.as_millis()).unwrap_or(u64::MAX);
        let (budget, pace_wait) = self.pacer.budget(clocks.mono, self.in_flight.len());
        let max_in_flight = max_in_flight.min(self.in_flight.len().saturating_add(budget));
        let mut blocked: HashSet<String> = self
            .in_flight
            .iter()
            .filter_map(|seq| self.entries.get(seq))
            .map(Entry::contact_key)
            .collect();
        let mut due = Vec::new();
        let mut next_wait: Option<Duration> = None;
        for (seq, entry) in &self.entries {
            if entry.state != EntryState::Pending || self.in_flight.contains(seq) {
                continue;
            }
            if !blocked.insert(entry.contact_key()) {
                continue;
            }
            // A next try further away than any wait the policy makes: the clock was set back.
            let jumped = entry
                .next_attempt_at
                .is_some_and(|at| at > now.saturating_add(longest));
            if entry.is_due(now) || jumped {
                if self.in_flight.len() + due.len() < max_in_flight {
                    due.push(entry.clone());
                }
            } else if let Some(at) = entry.next_attempt_at {
                let wait = Duration::from_millis(at.saturating_sub(now));
                next_wait = Some(next_wait.map_or(wait, |w| w.min(wait)));
            }
        }
        for entry in &due {
            self.in_flight.insert(entry.seq);
        }
        if let Some(pace_wait) = pace_wait {
            next_wait = Some(next_wait.map_or(pace_wait, |w| w.min(pace_wait)));
        }
        (due, next_wait)
    }

    /// The history keeps the newest `limit` entries: of the older ones, the done ones go.
    /// Only done ones make room: a pending action is still to be sent, a failed or cancelled
    /// one is still to be dealt with (it stays until the agent clears it), and a bulk run
    /// keeps every row while it runs and, once finished, until the next run starts (or the
    /// agent clears it), so the agent sees its counts and can export it whole. The history
    /// can run over the limit while such entries are there.
    pub fn over_limit(&self, limit: usize) -> Vec<u64> {
        let over = self.entries.len().saturating_sub(limit);
        if over == 0 {
            return Vec::new();
        }
        let mut kept: HashSet<&str> = self
            .entries
            .values()
            .filter(|e| e.state == EntryState::Pending)
            .filter_map(|e| e.batch.as_deref())
            .collect();
        // The latest run, finished or not.
        if let Some(latest) = self.entries.values().rev().find_map(|e| e.batch.as_deref()) {
            kept.insert(latest);
        }
        self.entries
            .iter()
            .take(over)
            .filter(|(_, e)| {
                e.state == EntryState::Done && !e.batch.as_deref().is_some_and(|b| kept.contains(b))
            })
            .map(|(seq, _)| *seq)
            .collect()
    }

    pub fn finished(&self) -> Vec<u64> {
        self.entries
            .iter()
            .filter(|(_, e)| e.is_finished())
            .map(|(seq, _)| *seq)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::{
        Action, Identifier, Outcome, RateLimit, RetryReason, StatusChange, StatusReply,
    };
    use crate::outbox::entry::Transition;
    use crate::outbox::pacer::PACE_WINDOW_MS;

    fn entry(seq: u64, contact: &str) -> Entry {
        Entry::new(
            seq,
            0,
            Identifier::parse(contact).unwrap(),
            StatusChange::new(Action::Close, None, None).unwrap(),
        )
    }

    fn schedule(contacts: &[&str]) -> Schedule {
        Schedule::new(
            contacts
                .iter()
                .zip(1..)
                .map(|(contact, seq)| (seq, entry(seq, contact)))
                .collect(),
        )
    }

    /// The server answered `seq` with done at `now`, at once (the pacer hears it, as in the
    /// worker).
    fn done(s: &mut Schedule, seq: u64, now: u64) {
        done_after(s, seq, now, now);
    }

    /// [`done`] for a request sent at `sent`.
    fn done_after(s: &mut Schedule, seq: u64, sent: u64, now: u64) {
        s.in_flight.remove(&seq);
        s.pacer.heard(
            sent,
            now,
            &StatusReply {
                outcome: Outcome::Done { contact_id: None },
                rate_limit: RateLimit::default(),
                http_status: Some(200),
            },
        );
        let done = s.entries[&seq].transition(
            Transition::Answered {
                attempt: 1,
                outcome: &Outcome::Done { contact_id: None },
            },
            now,
        );
        s.entries.insert(seq, done);
    }

    fn seqs(entries: &[Entry]) -> Vec<u64> {
        entries.iter().map(|e| e.seq).collect()
    }

    #[test]
    fn one_contact_at_a_time_in_submission_order() {
        let mut s = schedule(&["id:1", "id:2", "id:1", "id:3"]);
        let (due, _) = s.take_due(Clocks { wall: 0, mono: 0 }, 4, LONGEST);
        assert_eq!(
            seqs(&due),
            [1, 2, 4],
            "the second action for id:1 waits for the first"
        );
        assert_eq!(
            s.take_due(Clocks { wall: 0, mono: 0 }, 4, LONGEST).0.len(),
            0,
            "nothing twice while in flight"
        );
        done(&mut s, 1, 10);
        assert_eq!(
            seqs(&s.take_due(Clocks { wall: 10, mono: 10 }, 4, LONGEST).0),
            [3]
        );
    }

    #[test]
    fn at_most_max_in_flight() {
        let mut s = schedule(&["id:1", "id:2", "id:3", "id:4", "id:5", "id:6"]);
        assert_eq!(
            seqs(&s.take_due(Clocks { wall: 0, mono: 0 }, 4, LONGEST).0),
            [1, 2, 3, 4]
        );
        done(&mut s, 2, 1);
        assert_eq!(
            seqs(&s.take_due(Clocks { wall: 1, mono: 1 }, 4, LONGEST).0),
            [5]
        );
    }

    #[test]
    fn a_waiting_action_is_due_at_its_next_try_and_the_wait_is_reported() {
        let mut s = schedule(&["id:1", "id:2"]);
        let waiting = s.entries[&1].transition(
            Transition::Answered {
                attempt: 1,
                outcome: &Outcome::RetryLater {
                    after: Duration::from_secs(30),
                    reason: RetryReason::Queued,
                },
            },
            1_000,
        );
        s.entries.insert(1, waiting);
        let (due, wait) = s.take_due(
            Clocks {
                wall: 1_000,
                mono: 1_000,
            },
            4,
            LONGEST,
        );
        assert_eq!(seqs(&due), [2]);
        assert_eq!(wait, Some(Duration::from_millis(30_000)));
        assert_eq!(
            s.take_due(
                Clocks {
                    wall: 30_999,
                    mono: 30_999
                },
                4,
                LONGEST
            )
            .1,
            Some(Duration::from_millis(1))
        );
        assert_eq!(
            seqs(
                &s.take_due(
                    Clocks {
                        wall: 31_000,
                        mono: 31_000
                    },
                    4,
                    LONGEST
                )
                .0
            ),
            [1]
        );
    }

    #[test]
    fn the_pacer_limits_what_is_taken() {
        let mut s = schedule(&["id:1", "id:2", "id:3", "id:4"]);
        s.pacer.heard(
            0,
            0,
            &StatusReply {
                outcome: Outcome::RetryLater {
                    after: Duration::from_millis(500),
                    reason: RetryReason::RateLimited,
                },
                rate_limit: RateLimit {
                    limit: Some(2),
                    remaining: Some(0),
                },
                http_status: Some(429),
            },
        );
        let (due, wait) = s.take_due(
            Clocks {
                wall: 100,
                mono: 100,
            },
            4,
            LONGEST,
        );
        assert!(due.is_empty(), "a 429 holds every send");
        assert_eq!(wait, Some(Duration::from_millis(400)));
        assert_eq!(
            seqs(
                &s.take_due(
                    Clocks {
                        wall: 500,
                        mono: 500
                    },
                    4,
                    LONGEST
                )
                .0
            ),
            [1, 2],
            "then two per window"
        );
        done(&mut s, 1, 550);
        done(&mut s, 2, 550);
        assert!(s
            .take_due(
                Clocks {
                    wall: 600,
                    mono: 600
                },
                4,
                LONGEST
            )
            .0
            .is_empty());
        // A window after they were answered, not after they were sent.
        assert!(s
            .take_due(
                Clocks {
                    wall: 1_550,
                    mono: 1_550
                },
                4,
                LONGEST
            )
            .0
            .is_empty());
        assert_eq!(
            seqs(
                &s.take_due(
                    Clocks {
                        wall: 550 + PACE_WINDOW_MS,
                        mono: 550 + PACE_WINDOW_MS
                    },
                    4,
                    LONGEST
                )
                .0
            ),
            [3, 4]
        );
    }

    /// The longest the policy ever waits (fifteen minutes by default).
    const LONGEST: Duration = Duration::from_secs(15 * 60);

    #[test]
    fn a_clock_set_back_does_not_delay_a_waiting_action_past_the_longest_wait() {
        let mut s = schedule(&["id:1"]);
        let hour = 3_600_000;
        // Told at 10:00 to try again at 10:01; the clock is then set back to 05:00.
        let waiting = s.entries[&1].transition(
            Transition::Answered {
                attempt: 1,
                outcome: &Outcome::RetryLater {
                    after: Duration::from_secs(60),
                    reason: RetryReason::Queued,
                },
            },
            10 * hour,
        );
        s.entries.insert(1, waiting);
        let five = 5 * hour;
        let (due, _) = s.take_due(
            Clocks {
                wall: five,
                mono: 0,
            },
            4,
            LONGEST,
        );
        assert_eq!(
            seqs(&due),
            [1],
            "a wait longer than any the policy makes is a clock jump"
        );
        // A row of the README's fault matrix (scripts/fault-matrix.sh).
        println!("FAULT | the clock set back five hours | the scheduler handed a wall clock five hours back (`scheduler.rs` tests) | the waiting action is due at once, not in five hours; a 429 hold runs on the monotonic clock |");
    }

    #[test]
    fn a_slow_answer_keeps_its_place_in_the_limit_until_a_window_after_it_came() {
        let mut s = schedule(&["id:1", "id:2", "id:3", "id:4"]);
        // The 429 that teaches the limit comes back in 10 ms: the quickest round trip.
        s.pacer.heard(
            0,
            10,
            &StatusReply {
                outcome: Outcome::RetryLater {
                    after: Duration::ZERO,
                    reason: RetryReason::RateLimited,
                },
                rate_limit: RateLimit {
                    limit: Some(2),
                    remaining: Some(0),
                },
                http_status: Some(429),
            },
        );
        let at = |mono| Clocks { wall: mono, mono };
        assert_eq!(seqs(&s.take_due(at(1_000), 4, LONGEST).0), [1, 2]);
        // Both answers come 400 ms later, 390 ms slower than the quickest round trip: held up
        // on the way, each may have reached the server that much after it was sent.
        for seq in [1, 2] {
            done_after(&mut s, seq, 1_000, 1_400);
        }
        let reached = 1_400 - 10;
        let (due, wait) = s.take_due(at(1_000 + PACE_WINDOW_MS), 4, LONGEST);
        assert!(
            due.is_empty(),
            "a window after they were sent is too early: the server may have seen them late"
        );
        assert_eq!(
            wait,
            Some(Duration::from_millis(
                reached + PACE_WINDOW_MS - 1_000 - PACE_WINDOW_MS
            ))
        );
        assert!(s
            .take_due(at(reached + PACE_WINDOW_MS - 1), 4, LONGEST)
            .0
            .is_empty());
        assert_eq!(
            seqs(&s.take_due(at(reached + PACE_WINDOW_MS), 4, LONGEST).0),
            [3, 4]
        );
    }

    #[test]
    fn a_pacer_hold_runs_on_the_monotonic_clock() {
        let mut s = schedule(&["id:1"]);
        s.pacer.heard(
            1_000,
            1_000,
            &StatusReply {
                outcome: Outcome::RetryLater {
                    after: Duration::from_secs(1),
                    reason: RetryReason::RateLimited,
                },
                rate_limit: RateLimit::default(),
                http_status: Some(429),
            },
        );
        // The wall clock jumps an hour back; a second passes on the monotonic one.
        let (due, _) = s.take_due(
            Clocks {
                wall: 0,
                mono: 2_000,
            },
            4,
            LONGEST,
        );
        assert_eq!(seqs(&due), [1]);
    }

    #[test]
    fn over_limit_keeps_pending_entries() {
        let mut s = schedule(&["id:1", "id:2", "id:3", "id:4"]);
        done(&mut s, 2, 5);
        done(&mut s, 3, 5);
        assert_eq!(s.over_limit(1), [2, 3], "1 and 4 are pending");
        assert_eq!(s.over_limit(2), [2]);
        assert!(s.over_limit(4).is_empty());
        assert_eq!(s.finished(), [2, 3]);
    }

    #[test]
    fn over_limit_keeps_failures_and_running_bulk_runs() {
        let mut s = schedule(&["id:1", "id:2", "id:3", "id:4", "id:5"]);
        for seq in 1..=5 {
            done(&mut s, seq, 5);
        }
        let failed = s.entries[&1].transition(
            Transition::Answered {
                attempt: 1,
                outcome: &Outcome::Rejected {
                    reason: crate::api::Reason::NoContact,
                },
            },
            6,
        );
        s.entries.insert(1, failed);
        for seq in [2, 5] {
            s.entries.get_mut(&seq).unwrap().batch = Some("run".into());
        }
        let pending = s.entries[&5].transition(Transition::Retry, 7);
        s.entries.insert(5, pending);
        assert_eq!(
            s.over_limit(1),
            [3, 4],
            "the failure and the running batch stay"
        );
        s.entries.remove(&5);
        assert_eq!(s.over_limit(1), [3], "the latest run stays once finished");
        s.entries.get_mut(&4).unwrap().batch = Some("next run".into());
        assert_eq!(s.over_limit(1), [2, 3], "until a newer run starts");
    }
}
