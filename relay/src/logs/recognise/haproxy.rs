//! HAProxy connection-error lines (the message part, after any syslog
//! prefix):
//!
//! ```text
//! 127.0.0.1:38494 [30/Nov/2026:12:00:22.785] fe/1: SSL handshake failure
//! 192.0.2.1:33283 [28/Feb/2025:02:07:51.623] https/192.0.2.5:443: SSL handshake failure (error:0A0000C1:SSL routines::no shared cipher)
//! ```
//!
//! Before 2.8 HAProxy logs no reason: every such line is `other` with the
//! raw reason "SSL handshake failure". From 2.8 the OpenSSL error follows in
//! parentheses; on 2.5–2.7 the same is had with
//! `error-log-format "%ci:%cp [%tr] %ft/%fc: %[fc_err_str] (%[ssl_fc_err_str])"`.
//! Message texts are HAProxy's `conn_err_code_str()` (`src/connection.c`).
//! Request log lines (`… fe be/srv 0/0/1/2/3 200 …`) are server lines.

use super::{strip_port, Failure, Outcome, ReasonKind};
use crate::logs::cause::Cause;
use crate::logs::time::{self, Zone};

/// `conn_err_code_str()` messages about client-side TLS, and their cause.
const CLIENT_SIDE: [(&[u8], Cause); 10] = [
    (b"SSL handshake failure after heartbeat", Cause::Other),
    (b"SSL handshake failure", Cause::Other),
    (b"Connection closed during SSL handshake", Cause::Other),
    (b"Connection error during SSL handshake", Cause::Other),
    (b"Timeout during SSL handshake", Cause::Other),
    (b"Too many SSL connections", Cause::Other),
    (
        b"Out of memory when initializing an SSL connection",
        Cause::Other,
    ),
    (b"Stopped a TLSv1 heartbeat attack", Cause::Other),
    (
        b"SSL client CA chain cannot be verified",
        Cause::Certificate,
    ),
    (b"SSL client certificate not trusted", Cause::Certificate),
];

/// Messages about HAProxy's own handshakes with servers.
const SERVER_SIDE: [&[u8]; 3] = [
    b"Server presented an SSL certificate different from the",
    b"Server refused early data",
    b"Attempt to use SSL on an unknown target",
];

/// A HAProxy log message (`None`: not HAProxy's layout). `fallback_time` is
/// the syslog prefix's time, used when the accept date does not parse.
pub fn message<'a>(
    msg: &'a [u8],
    zone: &mut Zone,
    fallback_time: Option<i64>,
) -> Option<Outcome<'a>> {
    let sp = memchr::memchr(b' ', msg)?;
    let client = &msg[..sp];
    if !looks_like_address(client) {
        return None;
    }
    let rest = msg[sp + 1..].strip_prefix(b"[")?;
    let close = memchr::memchr(b']', rest)?;
    let accept = time::clf(&rest[..close])?;
    let rest = rest[close + 1..].strip_prefix(b" ")?;
    let time = zone.to_unix(accept).or(fallback_time);
    // Error lines are `frontend/bind: message`; request lines go on with
    // spaces (`fe be/srv timers status …`).
    let Some(colon) = memchr::memmem::find(rest, b": ") else {
        return Some(Outcome::ServerLine);
    };
    if memchr::memchr(b' ', &rest[..colon]).is_some() {
        return Some(Outcome::ServerLine);
    }
    let text = &rest[colon + 2..];
    if SERVER_SIDE.iter().any(|p| text.starts_with(p)) {
        return Some(Outcome::Upstream);
    }
    let Some((known, cause)) = CLIENT_SIDE.iter().find(|(p, _)| text.starts_with(p)) else {
        return Some(Outcome::ServerLine);
    };
    let (reason, kind) = match openssl_part(text) {
        Some(err) => (err, ReasonKind::OpenSsl),
        None => (*known, ReasonKind::Fixed(*cause)),
    };
    Some(Outcome::Failure(Failure {
        time,
        client: Some(strip_port(client)),
        server: None,
        reason,
        kind,
    }))
}

/// `(error:…)` after the message: the OpenSSL error string.
fn openssl_part(text: &[u8]) -> Option<&[u8]> {
    let at = memchr::memmem::find(text, b"(error:")? + 1;
    let rest = &text[at..];
    let end = memchr::memchr(b')', rest).unwrap_or(rest.len());
    Some(&rest[..end])
}

/// `1.2.3.4:5`, `::1:5`, `[::1]:5`: hex digits, dots, colons, brackets.
fn looks_like_address(b: &[u8]) -> bool {
    b.len() >= 3
        && b.contains(&b':')
        && b.iter()
            .all(|c| c.is_ascii_hexdigit() || matches!(c, b'.' | b':' | b'[' | b']'))
}

#[cfg(test)]
mod tests {
    use super::super::testing::run;
    use super::super::{LineKind, ReasonKind, Server};
    use crate::logs::cause::Cause;

    #[test]
    fn handshake_failures_with_and_without_reason() {
        let (kinds, seen) = run(&[
            "<134>Nov 30 12:00:22 localhost haproxy[16153]: 127.0.0.1:38494 [30/Nov/2026:12:00:22.785] fe/1: SSL handshake failure",
            "192.0.2.1:33283 [28/Feb/2025:02:07:51.623] https/192.0.2.5:443: SSL handshake failure (error:0A0000C1:SSL routines::no shared cipher)",
            "<134>Nov 30 12:00:34 localhost haproxy[16741]: ::1:33816 [30/Nov/2026:12:00:34.609] fe~/1: SSL handshake failure (error:0A000102:SSL routines::unsupported protocol) code=000000000A000102",
            "<134>Nov 30 12:00:23 localhost haproxy[16153]: 127.0.0.1:38534 [30/Nov/2026:12:00:23.725] fe/1: Connection closed during SSL handshake",
            "<134>Nov 30 12:00:23 localhost haproxy[16153]: 127.0.0.1:38534 [30/Nov/2026:12:00:23.725] fe/1: SSL client certificate not trusted",
        ]);
        assert_eq!(kinds, [LineKind::Failure(Server::Haproxy); 5]);
        assert_eq!(seen[0].reason, "SSL handshake failure");
        assert_eq!(seen[0].kind, ReasonKind::Fixed(Cause::Other));
        assert_eq!(seen[0].time, Some(1_796_040_022));
        assert_eq!(seen[1].client.as_deref(), Some("192.0.2.1"));
        assert_eq!(
            seen[1].reason,
            "error:0A0000C1:SSL routines::no shared cipher"
        );
        assert_eq!(seen[1].kind, ReasonKind::OpenSsl);
        assert_eq!(seen[2].client.as_deref(), Some("::1"));
        assert_eq!(seen[3].reason, "Connection closed during SSL handshake");
        assert_eq!(seen[4].kind, ReasonKind::Fixed(Cause::Certificate));
    }

    #[test]
    fn request_and_backend_lines_are_not_client_failures() {
        let (kinds, seen) = run(&[
            "<134>Nov 30 12:00:22 localhost haproxy[1]: 127.0.0.1:38494 [30/Nov/2026:12:00:22.785] fe be/srv 0/0/0/1/1 200 120 - - ---- 1/1/0/0/0 0/0 \"GET / HTTP/1.1\"",
            "<134>Nov 30 12:00:22 localhost haproxy[1]: 127.0.0.1:1 [30/Nov/2026:12:00:22.785] fe2~/1: Success (-)",
            "<134>Nov 30 12:00:22 localhost haproxy[1]: 10.0.0.1:1 [30/Nov/2026:12:00:22.785] be/srv1: Server presented an SSL certificate different from the configured one",
            "<134>Nov 30 12:00:22 localhost haproxy[1]: Proxy fe started.",
        ]);
        assert_eq!(
            kinds,
            [
                LineKind::ServerLine(Server::Haproxy),
                LineKind::ServerLine(Server::Haproxy),
                LineKind::Upstream(Server::Haproxy),
                LineKind::ServerLine(Server::Haproxy),
            ]
        );
        assert!(seen.is_empty());
    }
}
