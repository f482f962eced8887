//! nginx `error_log` lines:
//!
//! ```text
//! 2026/11/30 11:58:39 [info] 12555#12555: *1 SSL_do_handshake() failed (SSL: error:0A000102:SSL routines::unsupported protocol) while SSL handshaking, client: 192.0.2.7, server: 0.0.0.0:443
//! 2026/11/30 11:58:40 [info] 12555#12555: *7 handshake rejected while SSL handshaking, client: 192.0.2.8, server: 0.0.0.0:443
//! 2026/11/30 11:58:41 [info] 12555#12555: *9 peer closed connection in SSL handshake (104: Connection reset by peer) while SSL handshaking, client: …
//! 2026/11/30 11:58:42 [info] 12555#12555: *8 client sent plain HTTP request to HTTPS port while reading client request headers, client: …
//! ```
//!
//! nginx writes these at `info` level (some reasons at `crit`): the
//! `error_log` must be at `info` for them to appear at all. `… while SSL
//! handshaking to upstream` is nginx failing as a *client* of a backend and is
//! counted apart. Message texts come from nginx's `ngx_event_openssl.c`
//! (`SSL_do_handshake() failed`, `peer closed connection in SSL handshake`,
//! `handshake rejected` for `ssl_reject_handshake on`) and
//! `ngx_http_request.c` (plain HTTP, client certificates).

use super::{field, Failure, Finders, Outcome, ReasonKind};
use crate::logs::cause::Cause;
use crate::logs::time::{self, Zone};

const OPENSSL_PREFIX: &[u8] = b"SSL_do_handshake() failed (SSL: ";
const PLAIN_HTTP: &[u8] = b"client sent plain HTTP request to HTTPS port";
const CERT_VERIFY: &[u8] = b"client SSL certificate verify error: ";
const NO_CERT: &[u8] = b"client sent no required SSL certificate";

/// A whole nginx line (`None`: not an nginx line).
pub fn line<'a>(line: &'a [u8], zone: &mut Zone, finders: &Finders) -> Option<Outcome<'a>> {
    let civil = time::nginx(line)?;
    let rest = line.get(19..)?.strip_prefix(b" [")?;
    let close = memchr::memchr(b']', rest)?;
    let level = &rest[..close];
    if level.is_empty() || level.len() > 6 || !level.iter().all(u8::is_ascii_lowercase) {
        return None;
    }
    let rest = rest[close + 1..].strip_prefix(b" ")?;
    // `pid#tid: `
    let colon = memchr::memchr(b':', rest)?;
    if !rest[..colon]
        .iter()
        .all(|b| b.is_ascii_digit() || *b == b'#')
    {
        return None;
    }
    let msg = rest[colon + 1..]
        .strip_prefix(b" ")
        .unwrap_or(&rest[colon + 1..]);
    Some(message(msg, zone.to_unix(civil), finders))
}

/// A message that lost nginx's own prefix (some syslog set-ups): optional
/// `[level] pid#tid: ` then the message. Only handshake lines are claimed.
pub fn bare_message<'a>(
    msg: &'a [u8],
    time: Option<i64>,
    finders: &Finders,
) -> Option<Outcome<'a>> {
    let mut m = msg;
    if let Some(rest) = m.strip_prefix(b"[") {
        let close = memchr::memchr(b']', rest)?;
        m = rest[close + 1..]
            .strip_prefix(b" ")
            .unwrap_or(&rest[close + 1..]);
        if let Some(colon) = memchr::memchr(b':', m) {
            if m[..colon].iter().all(|b| b.is_ascii_digit() || *b == b'#') {
                m = m[colon + 1..].strip_prefix(b" ").unwrap_or(&m[colon + 1..]);
            }
        }
    }
    match message(m, time, finders) {
        Outcome::ServerLine => None,
        other => Some(other),
    }
}

/// The part after `pid#tid: `.
fn message<'a>(msg: &'a [u8], time: Option<i64>, finders: &Finders) -> Outcome<'a> {
    let msg = skip_connection_number(msg);
    if let Some(at) = finders.while_handshaking.find(msg) {
        let after = &msg[at + finders.while_handshaking.needle().len()..];
        if after.starts_with(b" to upstream") {
            return Outcome::Upstream;
        }
        let head = &msg[..at];
        let (reason, kind) = handshake_reason(head);
        return Outcome::Failure(Failure {
            time,
            client: field(after, &finders.client),
            server: field(after, &finders.server),
            reason,
            kind,
        });
    }
    let fixed = if msg.starts_with(PLAIN_HTTP) {
        Some((PLAIN_HTTP, Cause::Other))
    } else if msg.starts_with(CERT_VERIFY) {
        let end = memchr::memmem::find(msg, b" while ").unwrap_or(msg.len());
        Some((&msg[..end], Cause::Certificate))
    } else if msg.starts_with(NO_CERT) {
        Some((NO_CERT, Cause::Certificate))
    } else {
        None
    };
    match fixed {
        Some((reason, cause)) => Outcome::Failure(Failure {
            time,
            client: field(msg, &finders.client),
            server: field(msg, &finders.server),
            reason,
            kind: ReasonKind::Fixed(cause),
        }),
        None => Outcome::ServerLine,
    }
}

/// `*123 ` before the message (the connection number).
fn skip_connection_number(msg: &[u8]) -> &[u8] {
    let Some(rest) = msg.strip_prefix(b"*") else {
        return msg;
    };
    let digits = rest.iter().take_while(|b| b.is_ascii_digit()).count();
    rest[digits..].strip_prefix(b" ").unwrap_or(msg)
}

/// The raw reason and how to classify it, from the text before ` while SSL
/// handshaking`.
fn handshake_reason(head: &[u8]) -> (&[u8], ReasonKind) {
    if let Some(inner) = head.strip_prefix(OPENSSL_PREFIX) {
        let inner = inner.strip_suffix(b")").unwrap_or(inner);
        return (inner, ReasonKind::OpenSsl);
    }
    if head == b"handshake rejected" {
        return (head, ReasonKind::Fixed(Cause::Sni));
    }
    (head, ReasonKind::Fixed(Cause::Other))
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;
    use super::super::{LineKind, ReasonKind, Server};
    use crate::logs::cause::Cause;

    const T: i64 = 1_796_039_919; // 2026-11-30T11:58:39Z

    #[test]
    fn handshake_failures_are_parsed_with_client_server_and_reason() {
        let (kinds, seen) = run(&[
            "2026/11/30 11:58:39 [info] 12555#12555: *1 SSL_do_handshake() failed (SSL: error:0A000102:SSL routines::unsupported protocol) while SSL handshaking, client: 192.0.2.7, server: 0.0.0.0:443",
            "2026/11/30 11:58:39 [crit] 12555#12555: *2 SSL_do_handshake() failed (SSL: error:14094418:SSL routines:ssl3_read_bytes:tlsv1 alert unknown ca:SSL alert number 48) while SSL handshaking, client: 2001:db8::9, server: [::]:443",
            "2026/11/30 11:58:39 [info] 12555#12555: *7 handshake rejected while SSL handshaking, client: 192.0.2.8, server: 127.0.0.1:8443",
            "2026/11/30 11:58:39 [info] 12555#12555: *9 peer closed connection in SSL handshake (104: Connection reset by peer) while SSL handshaking, client: 192.0.2.9, server: 0.0.0.0:443",
        ]);
        assert!(kinds.iter().all(|k| *k == LineKind::Failure(Server::Nginx)));
        assert_eq!(seen.len(), 4);
        assert_eq!(seen[0].time, Some(T));
        assert_eq!(seen[0].client.as_deref(), Some("192.0.2.7"));
        assert_eq!(seen[0].server_name.as_deref(), Some("0.0.0.0:443"));
        assert_eq!(
            seen[0].reason,
            "error:0A000102:SSL routines::unsupported protocol"
        );
        assert_eq!(seen[0].kind, ReasonKind::OpenSsl);
        assert_eq!(seen[1].client.as_deref(), Some("2001:db8::9"));
        assert!(seen[1].reason.ends_with("SSL alert number 48"));
        assert_eq!(seen[2].kind, ReasonKind::Fixed(Cause::Sni));
        assert_eq!(
            seen[3].reason,
            "peer closed connection in SSL handshake (104: Connection reset by peer)"
        );
        assert_eq!(seen[3].kind, ReasonKind::Fixed(Cause::Other));
    }

    #[test]
    fn upstream_and_other_lines_are_not_client_failures() {
        let (kinds, seen) = run(&[
            "2026/11/30 11:58:39 [error] 1#1: *3 SSL_do_handshake() failed (SSL: error:0A000086:SSL routines::certificate verify failed) while SSL handshaking to upstream, client: 192.0.2.1, server: x, request: \"GET / HTTP/1.1\", upstream: \"https://10.0.0.1:443/\"",
            "2026/11/30 11:58:38 [notice] 12553#12553: using the \"epoll\" event method",
            "2026/11/30 11:58:38 [error] 1#1: *5 open() \"/x\" failed (2: No such file or directory), client: 192.0.2.1, server: x",
        ]);
        assert_eq!(
            kinds,
            [
                LineKind::Upstream(Server::Nginx),
                LineKind::ServerLine(Server::Nginx),
                LineKind::ServerLine(Server::Nginx)
            ]
        );
        assert!(seen.is_empty());
    }

    #[test]
    fn plain_http_and_client_certificate_errors_are_failures() {
        let (_, seen) = run(&[
            "2026/11/30 11:58:40 [info] 1#1: *8 client sent plain HTTP request to HTTPS port while reading client request headers, client: 192.0.2.3, server: localhost, request: \"GET / HTTP/1.0\"",
            "2026/11/30 11:58:40 [info] 1#1: *9 client SSL certificate verify error: (10:certificate has expired) while reading client request headers, client: 192.0.2.4, server: localhost",
            "2026/11/30 11:58:40 [info] 1#1: *10 client sent no required SSL certificate while reading client request headers, client: 192.0.2.5, server: localhost",
        ]);
        let got: Vec<(ReasonKind, &str)> = seen
            .iter()
            .map(|s| (s.kind, s.client.as_deref().unwrap_or("")))
            .collect();
        assert_eq!(
            got,
            [
                (ReasonKind::Fixed(Cause::Other), "192.0.2.3"),
                (ReasonKind::Fixed(Cause::Certificate), "192.0.2.4"),
                (ReasonKind::Fixed(Cause::Certificate), "192.0.2.5"),
            ]
        );
        assert_eq!(
            seen[1].reason,
            "client SSL certificate verify error: (10:certificate has expired)"
        );
    }

    #[test]
    fn nginx_through_syslog_keeps_its_own_time() {
        let (kinds, seen) = run(&[
            "<190>Nov 30 12:58:39 web1 nginx: 2026/11/30 11:58:39 [info] 5#5: *1 SSL_do_handshake() failed (SSL: error:0A0000C1:SSL routines::no shared cipher) while SSL handshaking, client: 192.0.2.7, server: 0.0.0.0:443",
            "Nov 30 11:58:39 web1 nginx: *2 handshake rejected while SSL handshaking, client: 192.0.2.8, server: 0.0.0.0:443",
        ]);
        assert_eq!(kinds, [LineKind::Failure(Server::Nginx); 2]);
        assert_eq!(seen[0].time, Some(T));
        assert_eq!(seen[1].time, Some(T));
        assert_eq!(seen[1].kind, ReasonKind::Fixed(Cause::Sni));
    }
}
