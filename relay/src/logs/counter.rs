//! A counter of keys (client addresses, server names) whose memory is
//! bounded whatever the input: up to `cap` keys are counted exactly; when a
//! new key would exceed it, the half with the lowest counts is dropped
//! ("lossy counting"). The largest count ever dropped is kept as the error
//! bound: a reported count is at most that much below the truth, and a key
//! whose true count exceeds it is never lost from the top.
//!
//! IP addresses (the usual key) are counted by their 128-bit value (an IPv4
//! address as its IPv4-mapped IPv6 form), 24 bytes a table entry; other keys
//! up to [`INLINE`] bytes are stored inline, so counting a new key does not
//! allocate. The maps use `foldhash`, a fast hash with a per-process random
//! seed.

use std::borrow::Borrow;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::net::{IpAddr, Ipv6Addr};

type Map<K> = HashMap<K, u64, foldhash::fast::RandomState>;

/// Keys this long or shorter are stored without allocating (an IPv6
/// address with an IPv4 tail is 45 characters).
pub const INLINE: usize = 46;

/// A key, inline when short.
#[derive(Clone, Debug)]
enum Key {
    Inline(u8, [u8; INLINE]),
    Heap(Box<[u8]>),
}

impl Key {
    fn new(b: &[u8]) -> Self {
        match u8::try_from(b.len()) {
            Ok(len) if b.len() <= INLINE => {
                let mut buf = [0u8; INLINE];
                buf[..b.len()].copy_from_slice(b);
                Key::Inline(len, buf)
            }
            _ => Key::Heap(b.into()),
        }
    }

    fn as_slice(&self) -> &[u8] {
        match self {
            Key::Inline(len, buf) => &buf[..usize::from(*len)],
            Key::Heap(b) => b,
        }
    }
}

impl Borrow<[u8]> for Key {
    fn borrow(&self) -> &[u8] {
        self.as_slice()
    }
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for Key {}

impl Hash for Key {
    fn hash<H: Hasher>(&self, state: &mut H) {
        // Must hash exactly as `[u8]` does, for lookups by slice.
        self.as_slice().hash(state);
    }
}

/// Counts keys with at most `cap` of them in memory.
#[derive(Debug, Clone)]
pub struct TopCounter {
    ips: Map<u128>,
    names: Map<Key>,
    cap: usize,
    error: u64,
}

/// The address as a number, when `b` is an IP address.
fn ip_key(b: &[u8]) -> Option<u128> {
    let first = *b.first()?;
    if !(first.is_ascii_hexdigit() || first == b':') || b.len() > 45 {
        return None;
    }
    let ip: IpAddr = std::str::from_utf8(b).ok()?.parse().ok()?;
    Some(match ip {
        IpAddr::V4(v4) => u128::from(v4.to_ipv6_mapped()),
        IpAddr::V6(v6) => u128::from(v6),
    })
}

fn ip_text(k: u128) -> String {
    let v6 = Ipv6Addr::from(k);
    match v6.to_ipv4_mapped() {
        Some(v4) => v4.to_string(),
        None => v6.to_string(),
    }
}

impl TopCounter {
    /// A counter keeping at most `cap` keys (at least 2).
    pub fn new(cap: usize) -> Self {
        Self {
            ips: Map::default(),
            names: Map::default(),
            cap: cap.max(2),
            error: 0,
        }
    }

    /// Counts one occurrence of `key`.
    pub fn add(&mut self, key: &[u8]) {
        let ip = ip_key(key);
        let found = match ip {
            Some(k) => self.ips.get_mut(&k),
            None => self.names.get_mut(key),
        };
        if let Some(c) = found {
            *c += 1;
            return;
        }
        if self.len() >= self.cap {
            self.prune();
        }
        match ip {
            Some(k) => self.ips.insert(k, 1),
            None => self.names.insert(Key::new(key), 1),
        };
    }

    fn len(&self) -> usize {
        self.ips.len() + self.names.len()
    }

    fn prune(&mut self) {
        let mut counts: Vec<u64> = self
            .ips
            .values()
            .chain(self.names.values())
            .copied()
            .collect();
        let mid = counts.len() / 2;
        let (_, threshold, _) = counts.select_nth_unstable(mid);
        let threshold = *threshold;
        self.ips.retain(|_, c| *c > threshold);
        self.names.retain(|_, c| *c > threshold);
        self.error = self.error.max(threshold);
    }

    /// The `n` most frequent keys, most frequent first (ties by key).
    pub fn top(&self, n: usize) -> Vec<(String, u64)> {
        let mut all: Vec<(String, u64)> = self
            .ips
            .iter()
            .map(|(k, c)| (ip_text(*k), *c))
            .chain(
                self.names
                    .iter()
                    .map(|(k, c)| (String::from_utf8_lossy(k.as_slice()).into_owned(), *c)),
            )
            .collect();
        all.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        all.truncate(n);
        all
    }

    /// How far below the truth a count may be (0: exact).
    pub fn error_bound(&self) -> u64 {
        self.error
    }

    /// The number of distinct keys, when it is exact.
    pub fn distinct(&self) -> Option<usize> {
        (self.error == 0).then_some(self.len())
    }

    /// Whether nothing was counted.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_below_the_cap() {
        let mut c = TopCounter::new(10);
        for k in ["a", "b", "a", "c", "a", "b"] {
            c.add(k.as_bytes());
        }
        assert_eq!(c.top(2), vec![("a".to_owned(), 3), ("b".to_owned(), 2)]);
        assert_eq!(c.distinct(), Some(3));
        assert_eq!(c.error_bound(), 0);
    }

    #[test]
    fn addresses_count_by_value_and_print_canonically() {
        let mut c = TopCounter::new(10);
        for k in [
            "192.0.2.1",
            "2001:db8::1",
            "2001:0db8:0::1",
            "::ffff:192.0.2.1",
            "unix:",
        ] {
            c.add(k.as_bytes());
        }
        assert_eq!(
            c.top(3),
            vec![
                ("192.0.2.1".to_owned(), 2),
                ("2001:db8::1".to_owned(), 2),
                ("unix:".to_owned(), 1)
            ]
        );
    }

    #[test]
    fn long_and_short_keys_count_alike() {
        let long = [b'x'; INLINE + 10];
        let exact = [b'y'; INLINE];
        let mut c = TopCounter::new(10);
        for k in [&long[..], &exact[..], &long[..], b"", b""] {
            c.add(k);
        }
        let top = c.top(3);
        assert_eq!(top[0].1 + top[1].1 + top[2].1, 5);
        assert_eq!(c.distinct(), Some(3));
        assert!(top.iter().any(|(k, n)| k.len() == INLINE + 10 && *n == 2));
    }

    #[test]
    fn heavy_hitters_survive_a_flood_of_distinct_keys() {
        let mut c = TopCounter::new(100);
        for i in 0..100_000u32 {
            c.add(format!("noise-{i}").as_bytes());
            if i % 10 == 0 {
                c.add(b"heavy");
            }
        }
        let top = c.top(1);
        assert_eq!(top[0].0, "heavy");
        assert!(top[0].1 + c.error_bound() >= 10_000);
        assert!(top[0].1 <= 10_000);
        assert_eq!(c.distinct(), None);
        assert!(c.len() <= 100);
    }
}
