//! The report cache and the in-flight scan table.
//!
//! * [`Cache`]: finished scans (the report JSON and the raw `ScanFacts` JSON,
//!   serialised once) kept for a TTL, bounded in entries; expired entries go
//!   first, then the oldest.
//! * [`Inflight`]: at most one scan per `host:port` at a time. Every request
//!   for a target that is being scanned subscribes to the same
//!   [`tokio::sync::watch`] channel: SSE clients replay the progress steps so
//!   far and follow the rest, JSON clients wait for the result.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use bytes::Bytes;
use serde::Serialize;
use tokio::sync::watch;

use super::error::AppError;

/// A target: normalised host and port, and the simulated clients when a
/// request chose others than the relay's default (`""` for the default).
pub type Key = (String, u16, String);

/// A finished scan.
#[derive(Debug)]
pub struct Entry {
    /// The report (`tlslens_core::grade`) as JSON.
    pub report: Bytes,
    /// The `ScanFacts` as JSON.
    pub facts: Bytes,
    /// The overall grade (for logs).
    pub grade: String,
    /// When it was stored.
    pub stored: Instant,
}

/// Finished scans for a TTL.
#[derive(Debug)]
pub struct Cache {
    ttl: Duration,
    max: usize,
    map: Mutex<HashMap<Key, Arc<Entry>>>,
}

impl Cache {
    /// A cache of at most `max` entries kept `ttl` (0 disables it).
    pub fn new(ttl: Duration, max: usize) -> Self {
        Self {
            ttl,
            max,
            map: Mutex::new(HashMap::new()),
        }
    }

    /// The cached scan of `key` if it is younger than the TTL.
    pub fn get(&self, key: &Key, now: Instant) -> Option<Arc<Entry>> {
        let map = self.map.lock().ok()?;
        map.get(key)
            .filter(|e| now.saturating_duration_since(e.stored) < self.ttl)
            .cloned()
    }

    /// Stores a scan, evicting expired and then the oldest entries to stay
    /// within the bound.
    pub fn put(&self, key: Key, entry: Arc<Entry>) {
        if self.ttl.is_zero() || self.max == 0 {
            return;
        }
        let Ok(mut map) = self.map.lock() else { return };
        if !map.contains_key(&key) && map.len() >= self.max {
            let now = entry.stored;
            map.retain(|_, e| now.saturating_duration_since(e.stored) < self.ttl);
            while map.len() >= self.max {
                let oldest = map
                    .iter()
                    .min_by_key(|(_, e)| e.stored)
                    .map(|(k, _)| k.clone());
                match oldest {
                    Some(k) => map.remove(&k),
                    None => break,
                };
            }
        }
        map.insert(key, entry);
    }

    /// Entries held (expired ones included until evicted).
    pub fn len(&self) -> usize {
        self.map.lock().map(|m| m.len()).unwrap_or(0)
    }

    /// Whether nothing is cached.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// One SSE progress step: `{"done": n, "total": m, "step": "..."}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// Steps done.
    pub done: usize,
    /// All steps.
    pub total: usize,
    /// What was just done.
    pub step: String,
}

/// The state of a running scan as its subscribers see it.
#[derive(Debug, Clone, Default)]
pub struct ScanState {
    /// Progress so far (bounded by the scanner's step count).
    pub steps: Vec<Step>,
    /// Set once, when the scan ends.
    pub result: Option<Result<Arc<Entry>, AppError>>,
}

/// The scans running now, one per target.
#[derive(Debug, Default)]
pub struct Inflight {
    map: Mutex<HashMap<Key, watch::Receiver<ScanState>>>,
}

impl Inflight {
    /// The table, locked (never held across an `.await`).
    pub fn lock(&self) -> Option<MutexGuard<'_, HashMap<Key, watch::Receiver<ScanState>>>> {
        self.map.lock().ok()
    }

    /// Forgets a finished scan.
    pub fn remove(&self, key: &Key) {
        if let Some(mut m) = self.lock() {
            m.remove(key);
        }
    }

    /// Scans running or queued.
    pub fn len(&self) -> usize {
        self.lock().map(|m| m.len()).unwrap_or(0)
    }

    /// Whether no scan is running.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn entry(at: Instant) -> Arc<Entry> {
        Arc::new(Entry {
            report: Bytes::from_static(b"{}"),
            facts: Bytes::from_static(b"{}"),
            grade: "A".into(),
            stored: at,
        })
    }

    #[test]
    fn cache_ttl_and_bound() {
        let c = Cache::new(Duration::from_secs(10), 3);
        let t0 = Instant::now();
        let k = |i: u16| ("h.test".to_owned(), i, String::new());
        c.put(k(1), entry(t0));
        assert!(c.get(&k(1), t0 + Duration::from_secs(9)).is_some());
        assert!(c.get(&k(1), t0 + Duration::from_secs(10)).is_none());
        assert!(c.get(&k(2), t0).is_none());
        for i in 2..10 {
            c.put(k(i), entry(t0 + Duration::from_millis(u64::from(i))));
        }
        assert_eq!(c.len(), 3);
        // The newest survive.
        assert!(c.get(&k(9), t0).is_some());
        assert!(c.get(&k(2), t0).is_none());
        // Expired entries are evicted first.
        c.put(k(20), entry(t0 + Duration::from_secs(30)));
        assert_eq!(c.len(), 1);
        let off = Cache::new(Duration::ZERO, 3);
        off.put(k(1), entry(t0));
        assert!(off.is_empty());
    }
}
