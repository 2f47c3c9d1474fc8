//! Where the outbox reads the time, so the scheduler, the pacer and entries' timestamps can be
//! driven by a test clock instead of real sleeps.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::SystemTime;

/// The wall clock (milliseconds since the Unix epoch: saved and shown, but it can be set back
/// or forward) and a monotonic one (milliseconds since some start: only ever moves forward,
/// for waits that live in memory).
pub trait Clock: Send + Sync + 'static {
    fn now_ms(&self) -> u64;
    fn monotonic_ms(&self) -> u64;
}

/// The computer's clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> u64 {
        now_ms()
    }

    fn monotonic_ms(&self) -> u64 {
        static START: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
        let start = START.get_or_init(std::time::Instant::now);
        u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX)
    }
}

/// The wall clock in milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(0)
}

/// A clock that only moves when told to: for tests. `advance` moves both clocks; `set` sets
/// the wall clock alone, as a person changing the computer's time does.
#[derive(Debug, Default)]
pub struct ManualClock {
    wall: AtomicU64,
    mono: AtomicU64,
}

impl ManualClock {
    pub fn at(ms: u64) -> Self {
        Self {
            wall: AtomicU64::new(ms),
            mono: AtomicU64::new(0),
        }
    }

    pub fn advance(&self, ms: u64) {
        self.wall.fetch_add(ms, Ordering::SeqCst);
        self.mono.fetch_add(ms, Ordering::SeqCst);
    }

    pub fn set(&self, ms: u64) {
        self.wall.store(ms, Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now_ms(&self) -> u64 {
        self.wall.load(Ordering::SeqCst)
    }

    fn monotonic_ms(&self) -> u64 {
        self.mono.load(Ordering::SeqCst)
    }
}
