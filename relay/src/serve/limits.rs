//! Limits that keep the relay usable and polite when it is exposed to the
//! internet:
//!
//! * [`RateLimiter`]: a token bucket per client (IPv4 address or IPv6 /64),
//!   in bounded memory — idle clients are forgotten, and when the table is
//!   full the longest-idle ones are evicted.
//! * [`Slots`]: the global number of concurrent scans plus a bounded queue;
//!   beyond both, a request is refused at once (429) instead of piling up.
//!
//! Per-target politeness (one scan of a `host:port` at a time, shared by
//! every request for it) lives in [`super::cache`].

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The key a client is rate-limited by: its IPv4 address, or the /64 of its
/// IPv6 address (one host usually owns a whole /64). IPv4-mapped IPv6 peers
/// count as their IPv4 address.
pub fn client_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let n = u128::from(v6) & (u128::MAX << 64);
                IpAddr::V6(n.into())
            }
        },
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    last: Instant,
}

/// Token buckets per client: `per_minute` tokens refill per minute, up to a
/// burst of `per_minute`. A scan costs 1; a `fresh` scan costs more.
#[derive(Debug)]
pub struct RateLimiter {
    per_minute: f64,
    max_clients: usize,
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
}

impl RateLimiter {
    /// `per_minute` 0 disables the limit. `max_clients` bounds the table.
    pub fn new(per_minute: u32, max_clients: usize) -> Self {
        Self {
            per_minute: f64::from(per_minute),
            max_clients: max_clients.max(1),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// The burst size (and tokens per minute).
    pub fn capacity(&self) -> f64 {
        self.per_minute
    }

    /// How many clients are remembered.
    pub fn clients(&self) -> usize {
        self.buckets.lock().map(|b| b.len()).unwrap_or(0)
    }

    /// Takes `cost` tokens from `client`'s bucket, or says after how many
    /// seconds it would have them. A cost above the burst is capped to it.
    pub fn check(&self, client: IpAddr, cost: f64, now: Instant) -> Result<(), u64> {
        if self.per_minute <= 0.0 {
            return Ok(());
        }
        let cap = self.per_minute;
        let cost = cost.min(cap);
        let rate = cap / 60.0; // tokens per second
        let Ok(mut map) = self.buckets.lock() else {
            return Ok(());
        };
        if !map.contains_key(&client) && map.len() >= self.max_clients {
            Self::evict(&mut map, now, cap / rate, self.max_clients);
        }
        let b = map.entry(client).or_insert(Bucket {
            tokens: cap,
            last: now,
        });
        let elapsed = now.saturating_duration_since(b.last).as_secs_f64();
        b.tokens = (b.tokens + elapsed * rate).min(cap);
        b.last = now;
        if b.tokens >= cost {
            b.tokens -= cost;
            Ok(())
        } else {
            let wait = (cost - b.tokens) / rate;
            Err(wait.ceil().max(1.0) as u64)
        }
    }

    /// Frees room: first every bucket that has refilled completely (it is
    /// the same as a new one), then, if that is not enough, the longest-idle
    /// quarter of the table.
    fn evict(map: &mut HashMap<IpAddr, Bucket>, now: Instant, refill_secs: f64, max: usize) {
        let full_after = Duration::from_secs_f64(refill_secs.max(0.0));
        map.retain(|_, b| now.saturating_duration_since(b.last) < full_after);
        if map.len() >= max {
            let mut ages: Vec<(Instant, IpAddr)> = map.iter().map(|(k, b)| (b.last, *k)).collect();
            ages.sort_unstable();
            let drop = (max / 4).max(1).min(ages.len());
            for (_, k) in ages.into_iter().take(drop) {
                map.remove(&k);
            }
        }
    }
}

/// Global scan slots with a bounded queue.
#[derive(Debug)]
pub struct Slots {
    sem: Arc<Semaphore>,
    max_scans: usize,
    max_queue: usize,
    /// Admitted but not yet running.
    queued: AtomicUsize,
}

/// A place in the relay: running, or waiting for a slot.
#[derive(Debug)]
pub enum Admission {
    /// A slot was free.
    Running(OwnedSemaphorePermit),
    /// In the queue; [`Slots::wait`] turns it into a slot.
    Queued,
}

impl Slots {
    /// `max_scans` concurrent scans (at least 1), `max_queue` waiting.
    pub fn new(max_scans: usize, max_queue: usize) -> Self {
        let max_scans = max_scans.max(1);
        Self {
            sem: Arc::new(Semaphore::new(max_scans)),
            max_scans,
            max_queue,
            queued: AtomicUsize::new(0),
        }
    }

    /// Scans running now.
    pub fn active(&self) -> usize {
        self.max_scans - self.sem.available_permits().min(self.max_scans)
    }

    /// Scans waiting for a slot.
    pub fn queued(&self) -> usize {
        self.queued.load(Ordering::Relaxed)
    }

    /// Admits a scan, or `None` when every slot and queue place is taken.
    pub fn admit(&self) -> Option<Admission> {
        if let Ok(p) = self.sem.clone().try_acquire_owned() {
            return Some(Admission::Running(p));
        }
        self.queued
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |q| {
                (q < self.max_queue).then_some(q + 1)
            })
            .ok()
            .map(|_| Admission::Queued)
    }

    /// Waits (at most `limit`) for the slot of an admission.
    pub async fn wait(
        &self,
        admission: Admission,
        limit: Duration,
    ) -> Option<OwnedSemaphorePermit> {
        match admission {
            Admission::Running(p) => Some(p),
            Admission::Queued => {
                let got = tokio::time::timeout(limit, self.sem.clone().acquire_owned()).await;
                self.queued.fetch_sub(1, Ordering::AcqRel);
                got.ok().and_then(Result::ok)
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn token_bucket_refills() {
        let rl = RateLimiter::new(6, 100); // one token per 10 s
        let c: IpAddr = "192.0.2.1".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..6 {
            assert!(rl.check(c, 1.0, t0).is_ok());
        }
        let wait = rl.check(c, 1.0, t0).unwrap_err();
        assert_eq!(wait, 10);
        assert!(rl.check(c, 1.0, t0 + Duration::from_secs(10)).is_ok());
        assert!(rl.check(c, 1.0, t0 + Duration::from_secs(10)).is_err());
        // Another client has its own bucket.
        assert!(rl.check("192.0.2.2".parse().unwrap(), 1.0, t0).is_ok());
        // A cost above the burst is capped to the burst.
        let d: IpAddr = "192.0.2.3".parse().unwrap();
        assert!(rl.check(d, 100.0, t0).is_ok());
        assert_eq!(rl.check(d, 100.0, t0).unwrap_err(), 60);
        assert!(RateLimiter::new(0, 1).check(c, 1000.0, t0).is_ok());
    }

    #[test]
    fn rate_table_is_bounded() {
        let rl = RateLimiter::new(60, 100);
        let t0 = Instant::now();
        for i in 0..10_000u32 {
            let ip = IpAddr::V4(std::net::Ipv4Addr::from(0x0A00_0000 + i));
            let _ = rl.check(ip, 1.0, t0 + Duration::from_millis(u64::from(i)));
        }
        assert!(rl.clients() <= 100, "{}", rl.clients());
        // Idle (refilled) clients are dropped first.
        let rl = RateLimiter::new(60, 4);
        for i in 0..4u8 {
            rl.check(IpAddr::from([10, 0, 0, i]), 1.0, t0).unwrap();
        }
        rl.check(
            IpAddr::from([10, 0, 0, 9]),
            1.0,
            t0 + Duration::from_secs(61),
        )
        .unwrap();
        assert_eq!(rl.clients(), 1);
    }

    #[test]
    fn client_keys() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::2".parse().unwrap();
        assert_eq!(client_key(a), client_key(b));
        assert_ne!(
            client_key(a),
            client_key("2001:db8:1:3::1".parse().unwrap())
        );
        assert_eq!(
            client_key("::ffff:192.0.2.1".parse().unwrap()),
            "192.0.2.1".parse::<IpAddr>().unwrap()
        );
    }

    #[tokio::test]
    async fn slots_and_queue() {
        let s = Slots::new(1, 1);
        let a = s.admit().unwrap();
        assert!(matches!(a, Admission::Running(_)));
        assert_eq!(s.active(), 1);
        let b = s.admit().unwrap();
        assert!(matches!(b, Admission::Queued));
        assert_eq!(s.queued(), 1);
        assert!(s.admit().is_none(), "queue full");
        // The queued one times out while the slot is held.
        assert!(s.wait(b, Duration::from_millis(20)).await.is_none());
        assert_eq!(s.queued(), 0);
        let c = s.admit().unwrap();
        drop(a);
        let p = s.wait(c, Duration::from_secs(1)).await;
        assert!(p.is_some());
        assert_eq!((s.active(), s.queued()), (1, 0));
    }
}
