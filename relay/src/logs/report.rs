//! The typed result of a `logs` run (`tlslens.logs/1`): what `--json`
//! prints as is and what the human table is rendered from.

use std::net::IpAddr;

use serde::Serialize;

use super::aggregate::{Aggregator, CauseStats};
use super::cause::Cause;
use super::clients::{self, ClientDescription, ServerOffer};
use super::counter::TopCounter;
use super::input::Compression;
use super::openssl;
use super::recognise::Server;

/// The report's schema name.
pub const SCHEMA: &str = "tlslens.logs/1";

/// A `logs` run.
#[derive(Debug, Clone, Serialize)]
pub struct LogsReport {
    /// [`SCHEMA`].
    pub schema: &'static str,
    /// Each input, in the order given.
    pub inputs: Vec<InputReport>,
    /// The zone log times without an offset were read in.
    pub timezone: String,
    /// `--since`, as an RFC 3339 UTC time.
    pub since: Option<String>,
    /// Lines read, by what they were.
    pub lines: LinesReport,
    /// Handshake failures counted (at or after `since`).
    pub failures: u64,
    /// Failures by server log.
    pub failures_by_server: ServerCounts,
    /// Failures before `since` (not counted).
    pub skipped_before_since: u64,
    /// Handshakes that failed with the server as the client (upstream);
    /// not counted as failures.
    pub upstream_failures: u64,
    /// Earliest and latest failure (RFC 3339 UTC).
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    /// The five causes, always all of them, in a fixed order.
    pub causes: Vec<CauseReport>,
    /// The first few unrecognised lines.
    pub unrecognised_examples: Vec<ExampleReport>,
}

/// One input.
#[derive(Debug, Clone, Serialize)]
pub struct InputReport {
    /// As named on the command line (`-` for standard input).
    pub name: String,
    /// `none` or `gzip`; `null` when it could not be opened.
    pub compression: Option<Compression>,
    /// Lines read.
    pub lines: u64,
    /// Bytes read (decompressed).
    pub bytes: u64,
    /// Why it could not be read (completely), if so.
    pub error: Option<String>,
}

/// Line counts.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct LinesReport {
    pub total: u64,
    pub nginx: u64,
    pub apache: u64,
    pub haproxy: u64,
    pub unrecognised: u64,
    pub too_long: u64,
}

/// A count per server.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct ServerCounts {
    pub nginx: u64,
    pub apache: u64,
    pub haproxy: u64,
}

impl ServerCounts {
    fn from(a: [u64; 3]) -> Self {
        Self {
            nginx: a[Server::Nginx.index()],
            apache: a[Server::Apache.index()],
            haproxy: a[Server::Haproxy.index()],
        }
    }
}

/// One cause.
#[derive(Debug, Clone, Serialize)]
pub struct CauseReport {
    pub cause: Cause,
    pub count: u64,
    pub first_seen: Option<String>,
    pub last_seen: Option<String>,
    /// Failures whose line had no time.
    pub untimed: u64,
    /// What the cause means.
    pub meaning: &'static str,
    /// The likely fix.
    pub fix: &'static str,
    /// The `scan` command that confirms it.
    pub confirm: String,
    /// What to look at in that report.
    pub confirm_hint: &'static str,
    /// Most frequent client addresses.
    pub top_clients: Vec<ClientCount>,
    /// Distinct client addresses (`null` once the table overflowed).
    pub distinct_clients: Option<usize>,
    /// How far below the truth a client count may be (0: exact).
    pub client_count_error: u64,
    /// Failures per hour (UTC), hours without failures left out.
    pub hourly: Vec<HourCount>,
    /// Failures whose hour did not fit the table.
    pub hours_dropped: u64,
    /// The raw reasons, most frequent first.
    pub reasons: Vec<ReasonCount>,
    /// Failures whose raw reason did not fit the reason table.
    pub other_reasons: u64,
    /// Simulated clients that would fail this way (`null`: no client table
    /// or no server offer was given).
    pub matching_clients: Option<Vec<String>>,
}

/// A client address and its failures.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ClientCount {
    pub address: String,
    pub count: u64,
}

/// An hour (RFC 3339 UTC, start of the hour) and its failures.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct HourCount {
    pub hour: String,
    pub count: u64,
}

/// A raw reason and its failures.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct ReasonCount {
    /// As logged.
    pub reason: String,
    pub count: u64,
    /// The OpenSSL reason it was classified by (`UNSUPPORTED_PROTOCOL`).
    pub openssl_reason: Option<&'static str>,
}

/// An unrecognised line.
#[derive(Debug, Clone, Serialize)]
pub struct ExampleReport {
    pub input: String,
    pub line: u64,
    pub text: String,
}

/// What the report needs besides the counts.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub timezone: &'a str,
    pub since: Option<i64>,
    pub top: usize,
    pub clients: &'a [ClientDescription],
    pub offer: Option<&'a ServerOffer>,
}

/// RFC 3339 UTC for Unix seconds.
pub fn rfc3339(t: i64) -> String {
    jiff::Timestamp::from_second(t).map_or_else(|_| t.to_string(), |ts| ts.to_string())
}

/// Builds the report.
pub fn build(agg: &Aggregator, inputs: Vec<InputReport>, ctx: Context<'_>) -> LogsReport {
    let causes: Vec<CauseReport> = Cause::ALL
        .iter()
        .map(|c| cause_report(*c, &agg.causes[c.index()], agg, ctx))
        .collect();
    let first = agg.causes.iter().filter_map(|c| c.first).min();
    let last = agg.causes.iter().filter_map(|c| c.last).max();
    let l = &agg.lines;
    LogsReport {
        schema: SCHEMA,
        inputs,
        timezone: ctx.timezone.to_owned(),
        since: ctx.since.map(rfc3339),
        lines: LinesReport {
            total: l.total,
            nginx: l.by_server[Server::Nginx.index()],
            apache: l.by_server[Server::Apache.index()],
            haproxy: l.by_server[Server::Haproxy.index()],
            unrecognised: l.unrecognised,
            too_long: l.too_long,
        },
        failures: agg.failures(),
        failures_by_server: ServerCounts::from(agg.failures_by_server),
        skipped_before_since: agg.before_since,
        upstream_failures: agg.upstream,
        first_seen: first.map(rfc3339),
        last_seen: last.map(rfc3339),
        causes,
        unrecognised_examples: agg
            .examples
            .iter()
            .map(|e| ExampleReport {
                input: e.input.clone(),
                line: e.line,
                text: e.text.clone(),
            })
            .collect(),
    }
}

fn cause_report(cause: Cause, s: &CauseStats, agg: &Aggregator, ctx: Context<'_>) -> CauseReport {
    let mut reasons: Vec<ReasonCount> = agg
        .reasons
        .iter()
        .filter(|(_, r)| r.cause == cause)
        .map(|(raw, r)| {
            let text = String::from_utf8_lossy(raw).into_owned();
            ReasonCount {
                openssl_reason: openssl::classify(&text).map(|r| r.name),
                reason: text,
                count: r.count,
            }
        })
        .collect();
    reasons.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.reason.cmp(&b.reason)));
    let matching_clients = match (ctx.offer, ctx.clients.is_empty()) {
        (Some(offer), false) => Some(
            clients::matching(cause, ctx.clients, offer)
                .into_iter()
                .map(str::to_owned)
                .collect(),
        ),
        _ => None,
    };
    CauseReport {
        cause,
        count: s.count,
        first_seen: s.first.map(rfc3339),
        last_seen: s.last.map(rfc3339),
        untimed: s.untimed,
        meaning: cause.meaning(),
        fix: cause.fix(),
        confirm: scan_command(&s.servers),
        confirm_hint: cause.confirm_hint(),
        top_clients: s
            .clients
            .top(ctx.top)
            .into_iter()
            .map(|(address, count)| ClientCount { address, count })
            .collect(),
        distinct_clients: s.clients.distinct(),
        client_count_error: s.clients.error_bound(),
        hourly: s
            .hours
            .iter()
            .map(|(h, n)| HourCount {
                hour: rfc3339(*h),
                count: *n,
            })
            .collect(),
        hours_dropped: s.hours_dropped,
        reasons,
        other_reasons: s.reasons_dropped,
        matching_clients,
    }
}

/// `tlslens-relay scan TARGET` for the server the failures were most often
/// logged for: a name or address with its port; `HOST` for a wildcard
/// listen address or when none was logged; `--allow-private` for a private
/// or loopback address (scan refuses those otherwise).
pub fn scan_command(servers: &TopCounter) -> String {
    let top = servers.top(1).into_iter().next().map(|(s, _)| s);
    let Some(server) = top else {
        return "tlslens-relay scan HOST".to_owned();
    };
    let (host, port) = split_host_port(&server);
    let ip = host.parse::<IpAddr>().ok();
    let (host, extra) = match ip {
        Some(ip) if ip.is_unspecified() => ("HOST".to_owned(), ""),
        Some(ip) if is_private(ip) => (host_for_target(ip), " --allow-private"),
        Some(ip) => (host_for_target(ip), ""),
        None if host == "_" || host == "*" || host.is_empty() => ("HOST".to_owned(), ""),
        None => (host.to_owned(), ""),
    };
    match port {
        Some(p) => format!("tlslens-relay scan {host}:{p}{extra}"),
        None => format!("tlslens-relay scan {host}{extra}"),
    }
}

fn host_for_target(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => format!("[{v6}]"),
    }
}

fn is_private(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => v4.is_private() || v4.is_loopback() || v4.is_link_local(),
        IpAddr::V6(v6) => v6.is_loopback() || (v6.segments()[0] & 0xfe00) == 0xfc00,
    }
}

/// `name:443`, `1.2.3.4:443`, `[::1]:443`, `name`.
fn split_host_port(s: &str) -> (&str, Option<u16>) {
    if let Some(rest) = s.strip_prefix('[') {
        if let Some((host, after)) = rest.split_once(']') {
            let port = after.strip_prefix(':').and_then(|p| p.parse().ok());
            return (host, port);
        }
    }
    match s.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') => match port.parse() {
            Ok(p) => (host, Some(p)),
            Err(_) => (s, None),
        },
        _ => (s, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn command_for(server: &str) -> String {
        let mut c = TopCounter::new(4);
        c.add(server.as_bytes());
        scan_command(&c)
    }

    #[test]
    fn scan_command_names_the_logged_server() {
        assert_eq!(
            command_for("www.example.com:443"),
            "tlslens-relay scan www.example.com:443"
        );
        assert_eq!(
            command_for("www.example.com"),
            "tlslens-relay scan www.example.com"
        );
        assert_eq!(command_for("0.0.0.0:443"), "tlslens-relay scan HOST:443");
        assert_eq!(command_for("[::]:8443"), "tlslens-relay scan HOST:8443");
        assert_eq!(
            command_for("127.0.0.1:18443"),
            "tlslens-relay scan 127.0.0.1:18443 --allow-private"
        );
        assert_eq!(
            command_for("203.0.113.5:443"),
            "tlslens-relay scan 203.0.113.5:443"
        );
        assert_eq!(scan_command(&TopCounter::new(4)), "tlslens-relay scan HOST");
    }

    #[test]
    fn matching_clients_appear_only_with_a_table_and_an_offer() {
        use super::super::aggregate::{Aggregator, Limits};
        use super::super::recognise::{Failure, ReasonKind, Sink};
        use tlslens_core::wire::ProtocolVersion;

        let mut agg = Aggregator::new(None, Limits::default());
        agg.failure(
            Server::Nginx,
            Failure {
                time: Some(3600),
                client: Some(b"192.0.2.1"),
                server: Some(b"www.example.com:443"),
                reason: b"error:0A000102:SSL routines::unsupported protocol",
                kind: ReasonKind::OpenSsl,
            },
        );
        let clients = vec![
            ClientDescription {
                name: "Java 6".into(),
                versions: vec![ProtocolVersion::TLS10],
                cipher_suites: vec![],
            },
            ClientDescription {
                name: "Firefox".into(),
                versions: vec![ProtocolVersion::TLS12, ProtocolVersion::TLS13],
                cipher_suites: vec![],
            },
        ];
        let offer = ServerOffer::from_report_endpoint(&serde_json::json!({
            "protocols": ["TLSv1.2", "TLSv1.3"]
        }));
        let mut ctx = Context {
            timezone: "UTC",
            since: None,
            top: 5,
            clients: &clients,
            offer: Some(&offer),
        };
        let r = build(&agg, Vec::new(), ctx);
        assert_eq!(
            r.causes[0].matching_clients,
            Some(vec!["Java 6".to_owned()])
        );
        assert_eq!(
            r.causes[0].confirm,
            "tlslens-relay scan www.example.com:443"
        );
        let human = super::super::render::human(&r, false);
        assert!(human.contains("Looks like: Java 6"), "{human}");
        ctx.offer = None;
        let r = build(&agg, Vec::new(), ctx);
        assert_eq!(r.causes[0].matching_clients, None);
        assert!(!super::super::render::human(&r, false).contains("Looks like"));
    }

    #[test]
    fn times_are_rfc3339_utc() {
        assert_eq!(rfc3339(1_796_039_919), "2026-11-30T11:58:39Z");
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
    }
}
