//! Prometheus metrics, written in the text exposition format (0.0.4) by hand:
//! requests by route and status, refusals by reason, a scan-duration
//! histogram, scans by outcome, cache hits and misses, and gauges for active
//! and queued scans. Every label set is bounded (routes are the router's own
//! paths, reasons are `AppError` codes).

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds of the scan-duration histogram, in seconds.
pub const SCAN_BUCKETS: [f64; 10] = [0.25, 0.5, 1.0, 2.0, 5.0, 10.0, 20.0, 30.0, 60.0, 120.0];

#[derive(Debug, Default)]
struct Histogram {
    counts: [u64; SCAN_BUCKETS.len()],
    count: u64,
    sum: f64,
}

/// Counters and histograms; gauges are read at render time.
#[derive(Debug, Default)]
pub struct Metrics {
    requests: Mutex<BTreeMap<(&'static str, u16), u64>>,
    refusals: Mutex<BTreeMap<&'static str, u64>>,
    scans: Mutex<BTreeMap<&'static str, u64>>,
    durations: Mutex<Histogram>,
    cache_hits: AtomicU64,
    cache_misses: AtomicU64,
    joined: AtomicU64,
    dropped_connections: AtomicU64,
}

/// Values that are read, not counted.
#[derive(Debug, Default, Clone, Copy)]
pub struct Gauges {
    /// Scans running.
    pub active: usize,
    /// Scans waiting for a slot.
    pub queued: usize,
    /// Reports in the cache.
    pub cached: usize,
    /// Clients in the rate-limit table.
    pub clients: usize,
}

fn bump<K: Ord>(m: &Mutex<BTreeMap<K, u64>>, k: K) {
    if let Ok(mut m) = m.lock() {
        *m.entry(k).or_default() += 1;
    }
}

impl Metrics {
    /// Counts an answered request.
    pub fn request(&self, route: &'static str, status: u16) {
        bump(&self.requests, (route, status));
    }

    /// Counts a refusal (4xx answer) by its error code.
    pub fn refusal(&self, reason: &'static str) {
        bump(&self.refusals, reason);
    }

    /// Records a finished scan: its outcome (`ok` or an error code) and
    /// how long it ran.
    pub fn scan(&self, outcome: &'static str, took: Duration) {
        bump(&self.scans, outcome);
        if let Ok(mut h) = self.durations.lock() {
            let secs = took.as_secs_f64();
            for (i, le) in SCAN_BUCKETS.iter().enumerate() {
                if secs <= *le {
                    h.counts[i] += 1;
                }
            }
            h.count += 1;
            h.sum += secs;
        }
    }

    /// A request answered from the cache.
    pub fn cache_hit(&self) {
        self.cache_hits.fetch_add(1, Ordering::Relaxed);
    }

    /// A request that needed a scan.
    pub fn cache_miss(&self) {
        self.cache_misses.fetch_add(1, Ordering::Relaxed);
    }

    /// A request that joined a scan already running for its target.
    pub fn joined(&self) {
        self.joined.fetch_add(1, Ordering::Relaxed);
    }

    /// A connection closed at once because too many were open.
    pub fn dropped_connection(&self) {
        self.dropped_connections.fetch_add(1, Ordering::Relaxed);
    }

    /// The text exposition.
    pub fn render(&self, g: Gauges) -> String {
        let mut o = String::with_capacity(4096);
        let _ = self.write(&mut o, g);
        o
    }

    fn write(&self, o: &mut String, g: Gauges) -> std::fmt::Result {
        writeln!(
            o,
            "# HELP tlslens_http_requests_total HTTP requests answered, by route and status."
        )?;
        writeln!(o, "# TYPE tlslens_http_requests_total counter")?;
        if let Ok(m) = self.requests.lock() {
            for ((route, status), n) in m.iter() {
                writeln!(
                    o,
                    "tlslens_http_requests_total{{route=\"{route}\",status=\"{status}\"}} {n}"
                )?;
            }
        }
        writeln!(
            o,
            "# HELP tlslens_refusals_total Requests refused, by reason (error code)."
        )?;
        writeln!(o, "# TYPE tlslens_refusals_total counter")?;
        if let Ok(m) = self.refusals.lock() {
            for (reason, n) in m.iter() {
                writeln!(o, "tlslens_refusals_total{{reason=\"{reason}\"}} {n}")?;
            }
        }
        writeln!(o, "# HELP tlslens_scans_total Scans finished, by outcome.")?;
        writeln!(o, "# TYPE tlslens_scans_total counter")?;
        if let Ok(m) = self.scans.lock() {
            for (outcome, n) in m.iter() {
                writeln!(o, "tlslens_scans_total{{outcome=\"{outcome}\"}} {n}")?;
            }
        }
        writeln!(
            o,
            "# HELP tlslens_scan_duration_seconds How long scans took."
        )?;
        writeln!(o, "# TYPE tlslens_scan_duration_seconds histogram")?;
        if let Ok(h) = self.durations.lock() {
            for (le, n) in SCAN_BUCKETS.iter().zip(h.counts.iter()) {
                writeln!(o, "tlslens_scan_duration_seconds_bucket{{le=\"{le}\"}} {n}")?;
            }
            writeln!(
                o,
                "tlslens_scan_duration_seconds_bucket{{le=\"+Inf\"}} {}",
                h.count
            )?;
            writeln!(o, "tlslens_scan_duration_seconds_sum {}", h.sum)?;
            writeln!(o, "tlslens_scan_duration_seconds_count {}", h.count)?;
        }
        let counters = [
            (
                "tlslens_cache_hits_total",
                "Requests answered from the report cache.",
                &self.cache_hits,
            ),
            (
                "tlslens_cache_misses_total",
                "Requests that needed a scan.",
                &self.cache_misses,
            ),
            (
                "tlslens_scan_joins_total",
                "Requests that shared a scan already running for their target.",
                &self.joined,
            ),
            (
                "tlslens_dropped_connections_total",
                "Connections closed at once because too many were open.",
                &self.dropped_connections,
            ),
        ];
        for (name, help, v) in counters {
            writeln!(o, "# HELP {name} {help}")?;
            writeln!(o, "# TYPE {name} counter")?;
            writeln!(o, "{name} {}", v.load(Ordering::Relaxed))?;
        }
        let gauges = [
            ("tlslens_scans_active", "Scans running now.", g.active),
            (
                "tlslens_scans_queued",
                "Scans waiting for a slot.",
                g.queued,
            ),
            ("tlslens_cache_entries", "Reports in the cache.", g.cached),
            (
                "tlslens_rate_limit_clients",
                "Clients remembered by the rate limiter.",
                g.clients,
            ),
        ];
        for (name, help, v) in gauges {
            writeln!(o, "# HELP {name} {help}")?;
            writeln!(o, "# TYPE {name} gauge")?;
            writeln!(o, "{name} {v}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_text() {
        let m = Metrics::default();
        m.request("/v1/scan", 200);
        m.request("/v1/scan", 200);
        m.request("/v1/scan", 429);
        m.refusal("rate_limited");
        m.scan("ok", Duration::from_millis(700));
        m.cache_hit();
        let t = m.render(Gauges {
            active: 2,
            queued: 1,
            ..Gauges::default()
        });
        assert!(t.contains("tlslens_http_requests_total{route=\"/v1/scan\",status=\"200\"} 2"));
        assert!(t.contains("tlslens_refusals_total{reason=\"rate_limited\"} 1"));
        assert!(t.contains("tlslens_scan_duration_seconds_bucket{le=\"0.5\"} 0"));
        assert!(t.contains("tlslens_scan_duration_seconds_bucket{le=\"1\"} 1"));
        assert!(t.contains("tlslens_scan_duration_seconds_bucket{le=\"+Inf\"} 1"));
        assert!(t.contains("tlslens_scan_duration_seconds_count 1"));
        assert!(t.contains("tlslens_scans_active 2"));
        assert!(t.contains("tlslens_scans_queued 1"));
        assert!(t.contains("tlslens_cache_hits_total 1"));
        // Every sample line is `name{labels} value` or `name value`.
        for line in t.lines().filter(|l| !l.starts_with('#')) {
            let (_, v) = line.rsplit_once(' ').unwrap_or_default();
            assert!(v.parse::<f64>().is_ok(), "{line}");
        }
    }
}
