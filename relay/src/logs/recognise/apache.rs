//! Apache httpd mod_ssl `ErrorLog` lines (2.4's default `ErrorLogFormat`,
//! 2.2's older one, and the same body through syslog):
//!
//! ```text
//! [Mon Nov 30 12:00:05.083758 2026] [ssl:info] [pid 15188:tid 15246] [client 127.0.0.1:56740] AH02008: SSL library error 1 in handshake (server localhost:443)
//! [Mon Nov 30 12:00:05.083772 2026] [ssl:info] [pid 15188:tid 15246] SSL Library Error: error:0A000102:SSL routines::unsupported protocol
//! ```
//!
//! mod_ssl logs a failed `SSL_accept` in two lines: `AH02008` names the
//! client, the next `SSL Library Error` line of the same process and thread
//! names the reason (`ssl_engine_io.c`, `ssl_log_ssl_error`). The two are
//! paired by `pid:tid`; a first half whose second never comes is counted
//! with the reason "no reason logged". Other messages recognised (texts from
//! mod_ssl, matched without their `AHnnnnn` so 2.2 works too):
//!
//! | message | cause |
//! |---|---|
//! | AH02006 SSL handshake stopped: connection was closed | other |
//! | AH02007 SSL handshake interrupted by system | other |
//! | AH01996 SSL handshake failed: HTTP spoken on HTTPS port (+ its library error) | other |
//! | AH02010 SSL client authentication failed | certificate |
//! | AH02011 No acceptable peer certificate available | certificate |
//! | AH02033 No hostname was provided via SNI for a name based virtual host | sni |
//! | AH02032 Hostname … provided via SNI and hostname … provided via HTTP have no compatible SSL setup | sni |
//! | AH02031 Hostname … provided via SNI, but no hostname provided in HTTP request | sni |
//!
//! `AH02039 Certificate Verification: Error` is a detail of client-certificate
//! checking; when it fails the handshake, the `AH02008` pair that follows is
//! the failure, so it is a server line, not a second count.

use std::collections::HashMap;

use super::{strip_port, Failure, LineKind, ReasonKind, Server, Sink};
use crate::logs::cause::Cause;
use crate::logs::time::{self, Zone};

/// At most this many first halves wait for their reason line.
const MAX_PENDING: usize = 4096;

const NO_REASON: &[u8] = b"SSL library error in handshake (no reason logged)";

/// A first half waiting for its `SSL Library Error` line.
#[derive(Debug, Clone)]
struct Pending {
    time: Option<i64>,
    client: Option<Vec<u8>>,
    server: Option<Vec<u8>>,
}

/// The pairing state, keyed by `pid:tid`.
#[derive(Debug, Default)]
pub struct Pairing {
    pending: HashMap<Vec<u8>, Pending>,
}

/// The bracketed fields at the start of a line.
#[derive(Debug, Default)]
struct Head<'a> {
    time: Option<time::Civil>,
    module_level: bool,
    process: &'a [u8],
    client: Option<&'a [u8]>,
}

impl Pairing {
    /// An Apache line (`None`: not one). `syslog_time` is the time of a
    /// syslog prefix, for bodies without their own.
    pub fn line(
        &mut self,
        line: &[u8],
        syslog_time: Option<i64>,
        zone: &mut Zone,
        sink: &mut impl Sink,
    ) -> Option<LineKind> {
        let (head, msg) = head(line)?;
        if head.time.is_none() && !head.module_level {
            return None;
        }
        let time = head.time.and_then(|c| zone.to_unix(c)).or(syslog_time);
        let msg = strip_ah(msg);
        let client = head.client.map(strip_port);
        let server_line = LineKind::ServerLine(Server::Apache);

        if msg.starts_with(b"SSL library error ")
            && memchr::memmem::find(msg, b" in handshake").is_some()
            || msg.starts_with(b"SSL handshake failed: HTTP spoken on HTTPS port")
        {
            let server = vhost(msg).map(<[u8]>::to_vec);
            let key = head.process.to_vec();
            if self.pending.len() >= MAX_PENDING {
                self.flush(sink);
            }
            let earlier = self.pending.insert(
                key,
                Pending {
                    time,
                    client: client.map(<[u8]>::to_vec),
                    server,
                },
            );
            if let Some(p) = earlier {
                emit_pending(&p, NO_REASON, ReasonKind::Fixed(Cause::Other), sink);
            }
            return Some(LineKind::Pending(Server::Apache));
        }
        if let Some(rest) = msg.strip_prefix(b"SSL Library Error: ") {
            let Some(p) = self.pending.remove(head.process) else {
                return Some(server_line);
            };
            emit_pending(&p, library_error(rest), ReasonKind::OpenSsl, sink);
            return Some(LineKind::Failure(Server::Apache));
        }
        let Some((reason, cause)) = fixed(msg) else {
            return Some(server_line);
        };
        sink.failure(
            Server::Apache,
            Failure {
                time,
                client,
                server: None,
                reason,
                kind: ReasonKind::Fixed(cause),
            },
        );
        Some(LineKind::Failure(Server::Apache))
    }

    /// Counts every waiting first half with "no reason logged".
    pub fn flush(&mut self, sink: &mut impl Sink) {
        for (_, p) in self.pending.drain() {
            emit_pending(&p, NO_REASON, ReasonKind::Fixed(Cause::Other), sink);
        }
    }
}

fn emit_pending(p: &Pending, reason: &[u8], kind: ReasonKind, sink: &mut impl Sink) {
    sink.failure(
        Server::Apache,
        Failure {
            time: p.time,
            client: p.client.as_deref(),
            server: p.server.as_deref(),
            reason,
            kind,
        },
    );
}

/// Messages that are a whole failure on their own.
fn fixed(msg: &[u8]) -> Option<(&[u8], Cause)> {
    const STARTS: [(&[u8], Cause); 6] = [
        (
            b"SSL handshake stopped: connection was closed",
            Cause::Other,
        ),
        (b"SSL handshake interrupted by system", Cause::Other),
        (b"SSL client authentication failed", Cause::Certificate),
        (
            b"No acceptable peer certificate available",
            Cause::Certificate,
        ),
        (
            b"No hostname was provided via SNI for a name based virtual host",
            Cause::Sni,
        ),
        (b"Hostname ", Cause::Sni),
    ];
    let (prefix, cause) = STARTS.iter().find(|(p, _)| msg.starts_with(p))?;
    if *cause == Cause::Sni && *prefix == b"Hostname " {
        let sni = memchr::memmem::find(msg, b" provided via SNI").is_some();
        return sni.then_some((msg, Cause::Sni));
    }
    let reason = if *cause == Cause::Certificate {
        msg
    } else {
        prefix
    };
    Some((reason, *cause))
}

/// `(server localhost:443)` in an `AH02008` message.
fn vhost(msg: &[u8]) -> Option<&[u8]> {
    let at = memchr::memmem::find(msg, b"(server ")? + b"(server ".len();
    let rest = &msg[at..];
    let end = memchr::memchr(b')', rest)?;
    Some(&rest[..end])
}

/// The reason of `SSL Library Error: …`: 2.2 puts the decimal error number
/// first (`336151568 error:…`).
fn library_error(rest: &[u8]) -> &[u8] {
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    if digits > 0 && rest.get(digits) == Some(&b' ') {
        &rest[digits + 1..]
    } else {
        rest
    }
}

/// `AH02008: ` at the start of a message.
fn strip_ah(msg: &[u8]) -> &[u8] {
    match msg.strip_prefix(b"AH") {
        Some(rest)
            if rest.len() > 7
                && rest[..5].iter().all(u8::is_ascii_digit)
                && &rest[5..7] == b": " =>
        {
            &rest[7..]
        }
        _ => msg,
    }
}

/// Splits the leading `[…]` fields from the message.
fn head(line: &[u8]) -> Option<(Head<'_>, &[u8])> {
    let mut h = Head::default();
    let mut rest = line;
    let mut fields = 0;
    while let Some(inner) = rest.strip_prefix(b"[") {
        let close = memchr::memchr(b']', inner)?;
        let f = &inner[..close];
        rest = inner[close + 1..]
            .strip_prefix(b" ")
            .unwrap_or(&inner[close + 1..]);
        fields += 1;
        if fields == 1 {
            if let Some(c) = time::apache(f) {
                h.time = Some(c);
                continue;
            }
        }
        if let Some(p) = f.strip_prefix(b"pid ") {
            h.process = p;
        } else if let Some(c) = f.strip_prefix(b"client ") {
            h.client = Some(c);
        } else if let Some(c) = f.strip_prefix(b"remote ") {
            h.client = h.client.or(Some(c));
        } else if fields <= 2 && is_module_level(f) {
            h.module_level = true;
        }
    }
    (fields > 0).then_some((h, rest))
}

/// `ssl:info`, `core:error`, or 2.2's bare `info`.
fn is_module_level(f: &[u8]) -> bool {
    const LEVELS: [&[u8]; 16] = [
        b"emerg", b"alert", b"crit", b"error", b"warn", b"notice", b"info", b"debug", b"trace1",
        b"trace2", b"trace3", b"trace4", b"trace5", b"trace6", b"trace7", b"trace8",
    ];
    let level = match memchr::memrchr(b':', f) {
        Some(i) => &f[i + 1..],
        None => f,
    };
    LEVELS.contains(&level)
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;
    use super::super::{LineKind, ReasonKind, Server};
    use crate::logs::cause::Cause;

    const PAIR: [&str; 4] = [
        "[Mon Nov 30 12:00:05.083329 2026] [ssl:info] [pid 15188:tid 15246] [client 127.0.0.1:56740] AH01964: Connection to child 0 established (server localhost:443)",
        "[Mon Nov 30 12:00:05.083758 2026] [ssl:info] [pid 15188:tid 15246] [client 127.0.0.1:56740] AH02008: SSL library error 1 in handshake (server localhost:443)",
        "[Mon Nov 30 12:00:05.083772 2026] [ssl:info] [pid 15188:tid 15246] SSL Library Error: error:0A000102:SSL routines::unsupported protocol",
        "[Mon Nov 30 12:00:05.083775 2026] [ssl:info] [pid 15188:tid 15246] [client 127.0.0.1:56740] AH01998: Connection closed to child 0 with abortive shutdown (server localhost:443)",
    ];

    #[test]
    fn library_error_pairs_with_its_handshake_line() {
        let (kinds, seen) = run(&PAIR);
        assert_eq!(
            kinds,
            [
                LineKind::ServerLine(Server::Apache),
                LineKind::Pending(Server::Apache),
                LineKind::Failure(Server::Apache),
                LineKind::ServerLine(Server::Apache),
            ]
        );
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].client.as_deref(), Some("127.0.0.1"));
        assert_eq!(seen[0].server_name.as_deref(), Some("localhost:443"));
        assert_eq!(seen[0].time, Some(1_796_040_005));
        assert_eq!(
            seen[0].reason,
            "error:0A000102:SSL routines::unsupported protocol"
        );
    }

    #[test]
    fn interleaved_threads_pair_by_pid_and_tid() {
        let (_, seen) = run(&[
            "[Mon Nov 30 12:00:05 2026] [ssl:info] [pid 1:tid 10] [client 192.0.2.1:1] AH02008: SSL library error 1 in handshake (server a:443)",
            "[Mon Nov 30 12:00:05 2026] [ssl:info] [pid 1:tid 11] [client 192.0.2.2:2] AH02008: SSL library error 1 in handshake (server b:443)",
            "[Mon Nov 30 12:00:05 2026] [ssl:info] [pid 1:tid 11] SSL Library Error: error:0A0000C1:SSL routines::no shared cipher -- Too restrictive SSLCipherSuite or using DSA server certificate?",
            "[Mon Nov 30 12:00:05 2026] [ssl:info] [pid 1:tid 10] SSL Library Error: error:0A000418:SSL routines::tlsv1 alert unknown ca (SSL alert number 48)",
        ]);
        let got: Vec<(&str, &str)> = seen
            .iter()
            .map(|s| (s.client.as_deref().unwrap_or(""), s.reason.as_str()))
            .collect();
        assert_eq!(got[0].0, "192.0.2.2");
        assert!(got[0].1.contains("no shared cipher"));
        assert_eq!(got[1].0, "192.0.2.1");
        assert!(got[1].1.contains("unknown ca"));
    }

    #[test]
    fn a_first_half_without_reason_is_still_counted() {
        let (_, seen) = run(&[PAIR[1]]);
        assert_eq!(seen.len(), 1);
        assert_eq!(seen[0].kind, ReasonKind::Fixed(Cause::Other));
        assert!(seen[0].reason.contains("no reason logged"));
    }

    #[test]
    fn sni_closed_and_client_certificate_messages_are_failures() {
        let (kinds, seen) = run(&[
            "[Mon Nov 30 12:00:17.215234 2026] [ssl:info] [pid 15782:tid 15785] [client 127.0.0.1:43308] AH02033: No hostname was provided via SNI for a name based virtual host",
            "[Mon Nov 30 12:00:17.290022 2026] [ssl:error] [pid 15782:tid 15827] [client 127.0.0.1:43334] AH02032: Hostname localhost provided via SNI and hostname other.test provided via HTTP have no compatible SSL setup for policy 'secure'",
            "[Mon Nov 30 12:00:17 2026] [ssl:info] [pid 1:tid 2] [client 192.0.2.1:5] AH02006: SSL handshake stopped: connection was closed",
            "[Mon Nov 30 12:00:17 2026] [ssl:info] [pid 1:tid 2] [client 192.0.2.1:5] AH02010: SSL client authentication failed: unable to get local issuer certificate",
            "[Mon Nov 30 12:00:17 2026] [ssl:info] [pid 1:tid 2] [client 192.0.2.1:5] AH02039: Certificate Verification: Error (20): unable to get local issuer certificate",
        ]);
        let causes: Vec<ReasonKind> = seen.iter().map(|s| s.kind).collect();
        assert_eq!(
            causes,
            [
                ReasonKind::Fixed(Cause::Sni),
                ReasonKind::Fixed(Cause::Sni),
                ReasonKind::Fixed(Cause::Other),
                ReasonKind::Fixed(Cause::Certificate),
            ]
        );
        assert_eq!(kinds[4], LineKind::ServerLine(Server::Apache));
    }

    #[test]
    fn apache_22_and_syslog_bodies_are_read() {
        let (_, seen) = run(&[
            "[Mon Nov 30 12:00:05 2026] [info] [client 192.0.2.1] SSL library error 1 in handshake (server www.example.com:443)",
            "[Mon Nov 30 12:00:05 2026] [info] SSL Library Error: 336151570 error:14094412:SSL routines:SSL3_READ_BYTES:sslv3 alert bad certificate",
            "Nov 30 12:00:05 web apache2[77]: [ssl:info] [pid 77:tid 78] [client 192.0.2.2:9] AH02033: No hostname was provided via SNI for a name based virtual host",
        ]);
        assert_eq!(seen.len(), 2);
        assert_eq!(seen[0].client.as_deref(), Some("192.0.2.1"));
        assert!(seen[0].reason.starts_with("error:14094412"));
        assert_eq!(seen[1].time, Some(1_796_040_005));
        assert_eq!(seen[1].kind, ReasonKind::Fixed(Cause::Sni));
    }
}
