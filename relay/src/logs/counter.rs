//! A counter of keys (client addresses, server names) whose memory is
//! bounded whatever the input: up to `cap` keys are counted exactly; when a
//! new key would exceed it, the half with the lowest counts is dropped
//! ("lossy counting"). The largest count ever dropped is kept as the error
//! bound: a reported count is at most that much below the truth, and a key
//! whose true count exceeds it is never lost from the top.

use std::collections::HashMap;

/// Counts keys with at most `cap` of them in memory.
#[derive(Debug, Clone)]
pub struct TopCounter {
    map: HashMap<Box<[u8]>, u64>,
    cap: usize,
    error: u64,
}

impl TopCounter {
    /// A counter keeping at most `cap` keys (at least 2).
    pub fn new(cap: usize) -> Self {
        Self {
            map: HashMap::new(),
            cap: cap.max(2),
            error: 0,
        }
    }

    /// Counts one occurrence of `key`.
    pub fn add(&mut self, key: &[u8]) {
        if let Some(c) = self.map.get_mut(key) {
            *c += 1;
            return;
        }
        if self.map.len() >= self.cap {
            self.prune();
        }
        self.map.insert(key.into(), 1);
    }

    fn prune(&mut self) {
        let mut counts: Vec<u64> = self.map.values().copied().collect();
        let mid = counts.len() / 2;
        let (_, threshold, _) = counts.select_nth_unstable(mid);
        let threshold = *threshold;
        self.map.retain(|_, c| *c > threshold);
        self.error = self.error.max(threshold);
    }

    /// The `n` most frequent keys, most frequent first (ties by key).
    pub fn top(&self, n: usize) -> Vec<(String, u64)> {
        let mut all: Vec<(&[u8], u64)> = self.map.iter().map(|(k, c)| (&k[..], *c)).collect();
        all.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
        all.into_iter()
            .take(n)
            .map(|(k, c)| (String::from_utf8_lossy(k).into_owned(), c))
            .collect()
    }

    /// How far below the truth a count may be (0: exact).
    pub fn error_bound(&self) -> u64 {
        self.error
    }

    /// The number of distinct keys, when it is exact.
    pub fn distinct(&self) -> Option<usize> {
        (self.error == 0).then_some(self.map.len())
    }

    /// Whether nothing was counted.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
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
        assert_eq!(
            c.top(2),
            vec![("a".to_owned(), 3), ("b".to_owned(), 2)]
        );
        assert_eq!(c.distinct(), Some(3));
        assert_eq!(c.error_bound(), 0);
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
        assert!(c.map.len() <= 100);
    }
}
