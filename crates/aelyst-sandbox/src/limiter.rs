//! A sliding one-second window: at most `limit` requests in any second.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

const WINDOW: Duration = Duration::from_secs(1);

pub struct Limiter {
    limit: u32,
    admitted: VecDeque<Instant>,
}

impl Limiter {
    pub fn new(limit: u32) -> Self {
        Self {
            limit: limit.max(1),
            admitted: VecDeque::new(),
        }
    }

    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// `Ok(remaining)` when admitted, `Err(wait)` until the oldest request leaves the window.
    pub fn admit(&mut self, now: Instant) -> Result<u32, Duration> {
        while self
            .admitted
            .front()
            .is_some_and(|&at| now.duration_since(at) >= WINDOW)
        {
            self.admitted.pop_front();
        }
        let used = u32::try_from(self.admitted.len()).unwrap_or(u32::MAX);
        if used >= self.limit {
            let oldest = self.admitted.front().copied().unwrap_or(now);
            return Err(WINDOW.saturating_sub(now.duration_since(oldest)));
        }
        self.admitted.push_back(now);
        Ok(self.limit - used - 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admits_limit_per_second_then_waits_for_the_oldest() {
        let start = Instant::now();
        let mut limiter = Limiter::new(5);
        let remaining: Vec<u32> = (0..5).map(|_| limiter.admit(start).unwrap()).collect();
        assert_eq!(remaining, [4, 3, 2, 1, 0]);
        let wait = limiter
            .admit(start + Duration::from_millis(300))
            .unwrap_err();
        assert_eq!(wait, Duration::from_millis(700));
        assert_eq!(limiter.admit(start + WINDOW), Ok(4));
    }
}
