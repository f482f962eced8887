//! The one wall clock of the relay. Everything that needs "now" as a Unix time
//! (the scan's `started_at`, the AIA completion's chain check, grading, the
//! monitor's rounds and alerts) takes a [`Clock`] instead of reading
//! `SystemTime` itself, so tests can pin the time and a scan uses one `now`
//! from start to end.
//!
//! Deadlines and timeouts use `tokio::time` / `Instant` (monotonic), not this.

use std::fmt::Debug;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

/// A source of the current Unix time in seconds.
pub trait Clock: Send + Sync + Debug {
    /// Seconds since the Unix epoch (UTC).
    fn now(&self) -> i64;
}

/// A shared clock handle.
pub type SharedClock = Arc<dyn Clock>;

/// The system's wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
    }
}

/// The system clock as a [`SharedClock`].
pub fn system() -> SharedClock {
    Arc::new(SystemClock)
}

/// A clock that says what it is told (tests, replays).
#[derive(Debug, Default)]
pub struct FixedClock(AtomicI64);

impl FixedClock {
    /// A clock stopped at `unix_secs`.
    pub fn new(unix_secs: i64) -> Self {
        Self(AtomicI64::new(unix_secs))
    }

    /// Moves the clock to `unix_secs`.
    pub fn set(&self, unix_secs: i64) {
        self.0.store(unix_secs, Ordering::Relaxed);
    }

    /// Moves the clock forward by `secs`.
    pub fn advance(&self, secs: i64) {
        self.0.fetch_add(secs, Ordering::Relaxed);
    }
}

impl Clock for FixedClock {
    fn now(&self) -> i64 {
        self.0.load(Ordering::Relaxed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_clock_moves_only_when_told() {
        let c = FixedClock::new(1_700_000_000);
        assert_eq!(c.now(), 1_700_000_000);
        c.advance(86_400);
        assert_eq!(c.now(), 1_700_086_400);
        c.set(5);
        assert_eq!(c.now(), 5);
    }

    #[test]
    fn system_clock_is_after_2024() {
        assert!(SystemClock.now() > 1_704_067_200);
    }
}
