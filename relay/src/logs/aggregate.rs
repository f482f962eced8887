//! Aggregation of failures into per-cause statistics, in bounded memory:
//! counts, first and last seen, top client addresses ([`TopCounter`]), a
//! per-hour histogram, and the raw reasons grouped (each distinct reason is
//! classified once and cached).
//!
//! Every table has a cap, so a hostile or huge log cannot grow memory
//! without bound: client addresses per cause ([`Limits::clients`], counts
//! become approximate beyond), distinct reasons ([`Limits::reasons`], the
//! rest counted as "other reasons"), hours per cause ([`Limits::hours`],
//! about eleven years).

use std::collections::{BTreeMap, HashMap};

use super::cause::Cause;
use super::counter::TopCounter;
use super::openssl;
use super::recognise::{Failure, LineKind, ReasonKind, Server, Sink};

/// Table sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Client addresses counted exactly per cause.
    pub clients: usize,
    /// Distinct raw reasons kept.
    pub reasons: usize,
    /// Distinct hours per cause.
    pub hours: usize,
    /// Server names per cause (for the `scan` suggestion).
    pub servers: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            clients: 65_536,
            reasons: 4096,
            hours: 100_000,
            servers: 256,
        }
    }
}

/// What is known about one cause.
#[derive(Debug, Clone)]
pub struct CauseStats {
    /// Failures.
    pub count: u64,
    /// Earliest and latest failure time (Unix seconds).
    pub first: Option<i64>,
    pub last: Option<i64>,
    /// Failures whose line had no usable time.
    pub untimed: u64,
    /// Client addresses.
    pub clients: TopCounter,
    /// Server names or addresses the failures were logged for.
    pub servers: TopCounter,
    /// Failures per hour (key: Unix seconds of the hour's start).
    pub hours: BTreeMap<i64, u64>,
    /// Failures whose hour did not fit in the table.
    pub hours_dropped: u64,
    /// Failures whose raw reason did not fit in the reason table.
    pub reasons_dropped: u64,
}

impl CauseStats {
    fn new(limits: &Limits) -> Self {
        Self {
            count: 0,
            first: None,
            last: None,
            untimed: 0,
            clients: TopCounter::new(limits.clients),
            servers: TopCounter::new(limits.servers),
            hours: BTreeMap::new(),
            hours_dropped: 0,
            reasons_dropped: 0,
        }
    }
}

/// One grouped raw reason.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReasonStats {
    /// Its cause.
    pub cause: Cause,
    /// Failures with it.
    pub count: u64,
}

/// Line counts by what the line was.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LineCounts {
    /// Every line read.
    pub total: u64,
    /// Lines of each server's log ([`Server::index`]).
    pub by_server: [u64; 3],
    /// Lines no recogniser knows.
    pub unrecognised: u64,
    /// Lines over the length limit (skipped).
    pub too_long: u64,
}

/// A few unrecognised lines, to show what was not understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Example {
    /// The input's name.
    pub input: String,
    /// 1-based line number.
    pub line: u64,
    /// The start of the line (lossy UTF-8, at most 200 characters).
    pub text: String,
}

/// Unrecognised lines kept as examples.
const EXAMPLES: usize = 3;

/// Everything counted so far.
#[derive(Debug)]
pub struct Aggregator {
    since: Option<i64>,
    limits: Limits,
    /// Per cause, indexed by [`Cause::index`].
    pub causes: [CauseStats; 5],
    /// Raw reason → its cause and count.
    pub reasons: HashMap<Vec<u8>, ReasonStats, foldhash::fast::RandomState>,
    /// Lines.
    pub lines: LineCounts,
    /// Failures by server ([`Server::index`]).
    pub failures_by_server: [u64; 3],
    /// Failures before `--since` (not counted anywhere else).
    pub before_since: u64,
    /// Handshakes that failed where the server was the client (upstream).
    pub upstream: u64,
    /// The first unrecognised lines.
    pub examples: Vec<Example>,
}

impl Aggregator {
    /// Counts failures at or after `since` (Unix seconds) when given.
    pub fn new(since: Option<i64>, limits: Limits) -> Self {
        Self {
            since,
            limits,
            causes: std::array::from_fn(|_| CauseStats::new(&limits)),
            reasons: HashMap::default(),
            lines: LineCounts::default(),
            failures_by_server: [0; 3],
            before_since: 0,
            upstream: 0,
            examples: Vec::new(),
        }
    }

    /// Counts a line by its kind (the failure itself came through [`Sink`]).
    pub fn line(&mut self, kind: LineKind, input: &str, number: u64, text: &[u8]) {
        self.lines.total += 1;
        match kind {
            LineKind::Failure(s) | LineKind::Pending(s) | LineKind::ServerLine(s) => {
                self.lines.by_server[s.index()] += 1;
            }
            LineKind::Upstream(s) => {
                self.lines.by_server[s.index()] += 1;
                self.upstream += 1;
            }
            LineKind::Unrecognised => {
                self.lines.unrecognised += 1;
                if self.examples.len() < EXAMPLES && !text.is_empty() {
                    let lossy = String::from_utf8_lossy(text);
                    self.examples.push(Example {
                        input: input.to_owned(),
                        line: number,
                        text: lossy.chars().take(200).collect(),
                    });
                }
            }
        }
    }

    /// Counts a line that was too long to keep.
    pub fn too_long(&mut self) {
        self.lines.total += 1;
        self.lines.too_long += 1;
    }

    /// All failures counted.
    pub fn failures(&self) -> u64 {
        self.causes.iter().map(|c| c.count).sum()
    }

    fn cause_of(&mut self, reason: &[u8], kind: ReasonKind) -> (Cause, bool) {
        if let Some(r) = self.reasons.get_mut(reason) {
            r.count += 1;
            return (r.cause, true);
        }
        let cause = match kind {
            ReasonKind::Fixed(c) => c,
            ReasonKind::OpenSsl => openssl::classify(&String::from_utf8_lossy(reason))
                .map_or(Cause::Other, |r| r.cause),
        };
        if self.reasons.len() < self.limits.reasons {
            self.reasons
                .insert(reason.to_vec(), ReasonStats { cause, count: 1 });
            return (cause, true);
        }
        (cause, false)
    }
}

impl Sink for Aggregator {
    fn failure(&mut self, server: Server, f: Failure<'_>) {
        if let (Some(since), Some(t)) = (self.since, f.time) {
            if t < since {
                self.before_since += 1;
                return;
            }
        }
        self.failures_by_server[server.index()] += 1;
        let (cause, kept) = self.cause_of(f.reason, f.kind);
        let hours_cap = self.limits.hours;
        let s = &mut self.causes[cause.index()];
        s.count += 1;
        if !kept {
            s.reasons_dropped += 1;
        }
        if let Some(client) = f.client {
            s.clients.add(client);
        }
        if let Some(server) = f.server {
            s.servers.add(server);
        }
        match f.time {
            Some(t) => {
                s.first = Some(s.first.map_or(t, |x| x.min(t)));
                s.last = Some(s.last.map_or(t, |x| x.max(t)));
                let hour = t.div_euclid(3600) * 3600;
                if let Some(n) = s.hours.get_mut(&hour) {
                    *n += 1;
                } else if s.hours.len() < hours_cap {
                    s.hours.insert(hour, 1);
                } else {
                    s.hours_dropped += 1;
                }
            }
            None => s.untimed += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fail<'a>(time: i64, client: &'a str, reason: &'a str, kind: ReasonKind) -> Failure<'a> {
        Failure {
            time: Some(time),
            client: Some(client.as_bytes()),
            server: None,
            reason: reason.as_bytes(),
            kind,
        }
    }

    #[test]
    fn failures_are_counted_per_cause_hour_client_and_reason() {
        let mut a = Aggregator::new(None, Limits::default());
        let proto = "error:0A000102:SSL routines::unsupported protocol";
        a.failure(
            Server::Nginx,
            fail(7200, "192.0.2.1", proto, ReasonKind::OpenSsl),
        );
        a.failure(
            Server::Nginx,
            fail(7300, "192.0.2.1", proto, ReasonKind::OpenSsl),
        );
        a.failure(
            Server::Nginx,
            fail(3700, "192.0.2.2", proto, ReasonKind::OpenSsl),
        );
        a.failure(
            Server::Apache,
            fail(
                3600,
                "192.0.2.3",
                "handshake rejected",
                ReasonKind::Fixed(Cause::Sni),
            ),
        );
        let p = &a.causes[Cause::ProtocolMismatch.index()];
        assert_eq!(p.count, 3);
        assert_eq!((p.first, p.last), (Some(3700), Some(7300)));
        assert_eq!(
            p.hours.iter().map(|(h, n)| (*h, *n)).collect::<Vec<_>>(),
            [(3600, 1), (7200, 2)]
        );
        assert_eq!(p.clients.top(1), [("192.0.2.1".to_owned(), 2)]);
        assert_eq!(a.reasons.get(proto.as_bytes()).map(|r| r.count), Some(3));
        assert_eq!(a.causes[Cause::Sni.index()].count, 1);
        assert_eq!(a.failures(), 4);
        assert_eq!(a.failures_by_server, [3, 1, 0]);
    }

    #[test]
    fn since_drops_earlier_failures_but_keeps_untimed_ones() {
        let mut a = Aggregator::new(Some(5000), Limits::default());
        a.failure(
            Server::Nginx,
            fail(4999, "a", "x", ReasonKind::Fixed(Cause::Other)),
        );
        a.failure(
            Server::Nginx,
            fail(5000, "a", "x", ReasonKind::Fixed(Cause::Other)),
        );
        a.failure(
            Server::Nginx,
            Failure {
                time: None,
                client: None,
                server: None,
                reason: b"x",
                kind: ReasonKind::Fixed(Cause::Other),
            },
        );
        assert_eq!(a.before_since, 1);
        let o = &a.causes[Cause::Other.index()];
        assert_eq!((o.count, o.untimed), (2, 1));
    }

    #[test]
    fn tables_stay_within_their_limits() {
        let limits = Limits {
            clients: 4,
            reasons: 2,
            hours: 3,
            servers: 2,
        };
        let mut a = Aggregator::new(None, limits);
        for i in 0..100i64 {
            let client = format!("c{i}");
            let reason = format!("reason {i}");
            a.failure(
                Server::Nginx,
                fail(i * 3600, &client, &reason, ReasonKind::Fixed(Cause::Other)),
            );
        }
        let o = &a.causes[Cause::Other.index()];
        assert_eq!(o.count, 100);
        assert_eq!(o.hours.len(), 3);
        assert_eq!(o.hours_dropped, 97);
        assert_eq!(a.reasons.len(), 2);
        assert_eq!(o.reasons_dropped, 98);
        assert!(o.clients.error_bound() > 0);
    }
}
