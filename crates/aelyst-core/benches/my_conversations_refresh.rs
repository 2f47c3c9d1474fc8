//! How many requests "My conversations" makes by itself in 10 minutes, on a made-up clock with
//! the window's own timer (every 2 minutes while the view is shown): idle, and with the window
//! brought to the front every 5 seconds (the worst an agent's alt-tabbing could do). Prints one
//! line for scripts/bench.sh.

use std::sync::Arc;

use aelyst_core::my_conversations::{Refresher, Trigger, REFRESH};
use aelyst_core::outbox::ManualClock;

const WINDOW_MS: u64 = 10 * 60 * 1000;
/// The view's timer in ui/my-conversations.js.
const TIMER_MS: u64 = 120_000;

/// Requests in the 10 minutes after the view was shown (that first, asked-for load excluded),
/// with focus events every `focus_every_ms` (0: none).
fn requests(focus_every_ms: u64) -> usize {
    let clock = Arc::new(ManualClock::at(1_700_000_000_000));
    let refresher = Refresher::new(REFRESH, clock.clone());
    assert!(refresher.admit("w", Trigger::Asked));
    let mut count = 0;
    for ms in 1..=WINDOW_MS {
        clock.advance(1);
        if ms % TIMER_MS == 0 && refresher.admit("w", Trigger::Timer) {
            count += 1;
        }
        if focus_every_ms > 0 && ms % focus_every_ms == 0 && refresher.admit("w", Trigger::Focus) {
            count += 1;
        }
    }
    count
}

fn main() {
    println!(
        "my_conversations_refresh: idle 10 min: {} requests; brought to the front every 5 s for 10 min: {} requests",
        requests(0),
        requests(5_000)
    );
}
