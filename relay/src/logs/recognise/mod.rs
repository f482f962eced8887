//! Line recognisers: which server wrote a line, and whether it records a
//! failed TLS handshake (with when, which client, and the raw reason).
//!
//! * [`nginx`]: `error_log` lines (`SSL_do_handshake() failed (SSL: …) while
//!   SSL handshaking`, `handshake rejected`, `peer closed connection in SSL
//!   handshake`, plain HTTP on the HTTPS port, client-certificate errors).
//! * [`apache`]: mod_ssl `ErrorLog` lines (`AH02008` followed by its `SSL
//!   Library Error` line, `AH02006`, `AH01996`, `AH02033`…).
//! * [`haproxy`]: connection error lines (`SSL handshake failure`, with the
//!   OpenSSL error since HAProxy 2.8 or with `ssl_fc_err_str` in an
//!   `error-log-format`).
//! * [`syslog`]: the BSD / RFC 5424 / journald prefixes a line may carry when
//!   the server logs through syslog; the tag picks the server.
//!
//! A line no recogniser claims is *unrecognised*; a line a recogniser claims
//! that is not a client's handshake failure is a *server line* (or an
//! *upstream* handshake, where the server was the client).

pub mod apache;
pub mod haproxy;
pub mod nginx;
pub mod syslog;

use memchr::memmem;
use serde::Serialize;

use super::cause::Cause;
use super::time::Zone;

/// The servers whose logs are recognised.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Server {
    /// nginx (http and stream modules).
    Nginx,
    /// Apache httpd with mod_ssl.
    Apache,
    /// HAProxy.
    Haproxy,
}

impl Server {
    /// Every server, in report order.
    pub const ALL: [Server; 3] = [Server::Nginx, Server::Apache, Server::Haproxy];

    /// `nginx`, `apache`, `haproxy`.
    pub fn as_str(self) -> &'static str {
        match self {
            Server::Nginx => "nginx",
            Server::Apache => "apache",
            Server::Haproxy => "haproxy",
        }
    }

    /// Position in [`Server::ALL`].
    pub fn index(self) -> usize {
        match self {
            Server::Nginx => 0,
            Server::Apache => 1,
            Server::Haproxy => 2,
        }
    }
}

/// How a failure's raw reason is classified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReasonKind {
    /// An OpenSSL error string: classified by [`super::openssl::classify`].
    OpenSsl,
    /// A server's own message whose cause is known.
    Fixed(Cause),
}

/// One failed handshake, borrowed from the line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Failure<'a> {
    /// Unix seconds, when the line has a time that parses.
    pub time: Option<i64>,
    /// The client address, without port.
    pub client: Option<&'a [u8]>,
    /// The server (nginx `server:`, Apache's vhost id) when logged.
    pub server: Option<&'a [u8]>,
    /// The raw reason: the grouping key in the report.
    pub reason: &'a [u8],
    /// How to classify `reason`.
    pub kind: ReasonKind,
}

/// Where failures go.
pub trait Sink {
    /// One failed handshake seen in a `server` log.
    fn failure(&mut self, server: Server, failure: Failure<'_>);
}

/// What a line turned out to be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// A handshake failure (already given to the sink).
    Failure(Server),
    /// The first half of a failure whose reason comes on a later line
    /// (Apache's `AH02008` before its `SSL Library Error`).
    Pending(Server),
    /// A handshake where the server was the client (nginx `to upstream`).
    Upstream(Server),
    /// Any other line of a recognised server log.
    ServerLine(Server),
    /// Nothing we know.
    Unrecognised,
}

/// What a message parser found (before it is given to the sink).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome<'a> {
    /// A failure.
    Failure(Failure<'a>),
    /// A pending half (Apache).
    Pending,
    /// An upstream handshake.
    Upstream,
    /// Another line of this server.
    ServerLine,
}

/// Substring finders built once (SIMD `memmem`).
#[derive(Debug)]
pub struct Finders {
    pub(crate) while_handshaking: memmem::Finder<'static>,
    pub(crate) client: memmem::Finder<'static>,
    pub(crate) server: memmem::Finder<'static>,
}

impl Default for Finders {
    fn default() -> Self {
        Self {
            while_handshaking: memmem::Finder::new(" while SSL handshaking"),
            client: memmem::Finder::new(", client: "),
            server: memmem::Finder::new(", server: "),
        }
    }
}

/// The recogniser for a stream of lines: all the state between lines (the
/// zone cache, Apache's half-seen failures).
#[derive(Debug)]
pub struct Recogniser {
    zone: Zone,
    now: i64,
    finders: Finders,
    apache: apache::Pairing,
}

impl Recogniser {
    /// Log times without an offset are in `zone`; `now` (Unix seconds)
    /// completes syslog dates that have no year.
    pub fn new(zone: Zone, now: i64) -> Self {
        Self {
            zone,
            now,
            finders: Finders::default(),
            apache: apache::Pairing::default(),
        }
    }

    /// Recognises one line; failures go to `sink`.
    pub fn line(&mut self, line: &[u8], sink: &mut impl Sink) -> LineKind {
        if let Some(outcome) = nginx::line(line, &mut self.zone, &self.finders) {
            return settle(Server::Nginx, outcome, sink);
        }
        if line.first() == Some(&b'[') {
            if let Some(kind) = self.apache.line(line, None, &mut self.zone, sink) {
                return kind;
            }
        }
        if let Some(s) = syslog::parse(line, self.now, &mut self.zone) {
            return self.syslog(s, sink);
        }
        match haproxy::message(line, &mut self.zone, None) {
            Some(outcome) => settle(Server::Haproxy, outcome, sink),
            None => LineKind::Unrecognised,
        }
    }

    fn syslog(&mut self, s: syslog::Syslog<'_>, sink: &mut impl Sink) -> LineKind {
        let time = s.time;
        let tag = s.tag;
        if tag.eq_ignore_ascii_case(b"nginx") {
            let outcome = nginx::line(s.message, &mut self.zone, &self.finders)
                .or_else(|| nginx::bare_message(s.message, time, &self.finders));
            if let Some(outcome) = outcome {
                return settle(Server::Nginx, outcome, sink);
            }
        } else if [&b"apache2"[..], b"apache", b"httpd"]
            .iter()
            .any(|t| tag.eq_ignore_ascii_case(t))
        {
            if let Some(kind) = self.apache.line(s.message, time, &mut self.zone, sink) {
                return kind;
            }
        }
        match haproxy::message(s.message, &mut self.zone, time) {
            Some(outcome) => settle(Server::Haproxy, outcome, sink),
            None if tag.eq_ignore_ascii_case(b"haproxy") => LineKind::ServerLine(Server::Haproxy),
            None => LineKind::Unrecognised,
        }
    }

    /// End of one input: failures still waiting for their second line are
    /// counted with what is known.
    pub fn finish(&mut self, sink: &mut impl Sink) {
        self.apache.flush(sink);
    }
}

fn settle(server: Server, outcome: Outcome<'_>, sink: &mut impl Sink) -> LineKind {
    match outcome {
        Outcome::Failure(f) => {
            sink.failure(server, f);
            LineKind::Failure(server)
        }
        Outcome::Pending => LineKind::Pending(server),
        Outcome::Upstream => LineKind::Upstream(server),
        Outcome::ServerLine => LineKind::ServerLine(server),
    }
}

/// The value after `key` up to the next `,` (nginx's `, client: X, server: Y`).
pub(crate) fn field<'a>(hay: &'a [u8], finder: &memmem::Finder<'_>) -> Option<&'a [u8]> {
    let at = finder.find(hay)? + finder.needle().len();
    let rest = &hay[at..];
    let end = memchr::memchr(b',', rest).unwrap_or(rest.len());
    let v = &rest[..end];
    (!v.is_empty()).then_some(v)
}

/// `addr:port` without the port: `1.2.3.4:5` → `1.2.3.4`, `[::1]:5` → `::1`,
/// `::1:5` → `::1` (HAProxy and Apache write IPv6 that way). Anything that
/// does not end in `:digits` is returned as is.
pub(crate) fn strip_port(addr: &[u8]) -> &[u8] {
    if let Some(inner) = addr.strip_prefix(b"[") {
        if let Some(end) = memchr::memchr(b']', inner) {
            return &inner[..end];
        }
    }
    match memchr::memrchr(b':', addr) {
        Some(i)
            if i + 1 < addr.len()
                && addr.len() - i <= 6
                && addr[i + 1..].iter().all(u8::is_ascii_digit) =>
        {
            &addr[..i]
        }
        _ => addr,
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! A sink that keeps what it is given, owned.

    use super::*;

    /// One recorded failure.
    #[derive(Debug, Clone, PartialEq, Eq)]
    pub struct Seen {
        pub server: Server,
        pub time: Option<i64>,
        pub client: Option<String>,
        pub server_name: Option<String>,
        pub reason: String,
        pub kind: ReasonKind,
    }

    /// Records every failure.
    #[derive(Debug, Default)]
    pub struct Recorder(pub Vec<Seen>);

    impl Sink for Recorder {
        fn failure(&mut self, server: Server, f: Failure<'_>) {
            let s = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
            self.0.push(Seen {
                server,
                time: f.time,
                client: f.client.map(s),
                server_name: f.server.map(s),
                reason: s(f.reason),
                kind: f.kind,
            });
        }
    }

    /// Runs `lines` through a UTC recogniser ("now" is 2026-12-01).
    pub fn run(lines: &[&str]) -> (Vec<LineKind>, Vec<Seen>) {
        let mut r = Recogniser::new(Zone::utc(), 1_796_083_200);
        let mut rec = Recorder::default();
        let kinds = lines
            .iter()
            .map(|l| r.line(l.as_bytes(), &mut rec))
            .collect();
        r.finish(&mut rec);
        (kinds, rec.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ports_are_stripped_from_every_address_spelling() {
        for (a, want) in [
            ("1.2.3.4:5678", "1.2.3.4"),
            ("[2001:db8::1]:443", "2001:db8::1"),
            ("::1:54321", "::1"),
            ("1.2.3.4", "1.2.3.4"),
            ("unix:/run/x.sock", "unix:/run/x.sock"),
        ] {
            assert_eq!(strip_port(a.as_bytes()), want.as_bytes(), "{a}");
        }
    }

    #[test]
    fn unknown_lines_are_unrecognised() {
        let (kinds, seen) = testing::run(&[
            "",
            "hello world",
            "[not a date] x",
            "\u{0}\u{1}\u{2}",
            "2026/11/30 11:58:39",
            "<13>",
            "Nov 30 12:00:00 host sshd[1]: Accepted publickey",
        ]);
        assert!(
            kinds.iter().all(|k| *k == LineKind::Unrecognised),
            "{kinds:?}"
        );
        assert!(seen.is_empty());
    }
}
