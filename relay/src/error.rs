//! The crate's error types: [`Error`], why a scan (or `serve`, `watch`)
//! failed, and [`TargetError`], why a target does not parse. Every error has
//! an [`ErrorKind`]: the CLI's exit status ([`Error::exit_code`]) and the
//! `code` of the JSON error object that `scan --json` prints and the HTTP
//! API answers with. (A bad flag or config key is a
//! `settings::SettingError`, kind [`ErrorKind::BadInput`].)

use std::net::{IpAddr, SocketAddr};

/// Why a scan could not produce a report (or an internal step failed).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The user's input is malformed.
    #[error("bad input: {0}")]
    BadInput(String),
    /// The target (a host, port or URL) does not parse.
    #[error("bad input: {0}")]
    Target(#[from] TargetError),
    /// The listen address cannot be bound.
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The target is not allowed (a private, loopback, reserved… address).
    #[error("refused: {}; pass --allow-private to scan it", refusal(.host, *.ip, .reason))]
    Refused {
        /// The host as given.
        host: String,
        /// The address that was refused.
        ip: IpAddr,
        /// Which range it is in, e.g. `loopback (127.0.0.0/8)`.
        reason: &'static str,
    },
    /// The name did not resolve.
    #[error("cannot resolve {host}: {message}")]
    Unresolvable {
        /// The host name.
        host: String,
        /// What the resolver said.
        message: String,
    },
    /// No endpoint accepted a connection.
    #[error("nothing reachable at {target}: {message}")]
    Unreachable {
        /// `host:port`.
        target: String,
        /// The first endpoint's error.
        message: String,
        /// The endpoints did not answer in time (a timeout, not a refusal):
        /// [`ErrorKind::Timeout`], HTTP 504.
        timed_out: bool,
    },
    /// Any other I/O failure.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
    /// The wire codec refused bytes.
    #[error("TLS codec: {0}")]
    Codec(#[from] crate::codec::Error),
    /// JSON output failed.
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// The monitor's history database failed.
    #[error("database: {0}")]
    Database(String),
}

/// Why a target, a host or a `--resolve` entry does not parse. The messages
/// say what is wrong with the value; the setting or request parameter it came
/// from is named by whoever wraps it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum TargetError {
    /// Nothing to scan.
    #[error("empty target")]
    EmptyTarget,
    /// A URL scheme other than `https`.
    #[error("unsupported scheme {0:?} (use https)")]
    Scheme(String),
    /// `[` without `]`.
    #[error("unclosed '[' in {0:?}")]
    UnclosedBracket(String),
    /// Something other than `:PORT` after `]`.
    #[error("unexpected {0:?} after ']'")]
    AfterBracket(String),
    /// A port that is not 1–65535.
    #[error("invalid port {port:?} in {input}")]
    Port {
        /// The port as written.
        port: String,
        /// Where it was.
        input: String,
    },
    /// An empty host.
    #[error("empty host")]
    EmptyHost,
    /// `%eth0` and the like.
    #[error("zone identifiers are not supported: {0:?}")]
    Zone(String),
    /// Has colons but is no IPv6 address.
    #[error("invalid IPv6 address {0:?}")]
    Ipv6(String),
    /// Numeric but no IPv4 address.
    #[error("invalid IPv4 address {0:?}")]
    Ipv4(String),
    /// Not a DNS name (characters, label lengths).
    #[error("invalid host name {0:?}")]
    HostName(String),
    /// A `--resolve` entry without its three parts.
    #[error("expected HOST:PORT:ADDR[,ADDR...]")]
    ResolveShape,
    /// An address that does not parse.
    #[error("invalid address {0:?}")]
    Address(String),
    /// A `--resolve` entry without an address.
    #[error("no address")]
    NoAddress,
}

/// `127.0.0.1 is loopback (127.0.0.0/8)` for an address, `localhost
/// resolves to 127.0.0.1, loopback (127.0.0.0/8)` for a name: the address
/// once.
fn refusal(host: &str, ip: IpAddr, reason: &str) -> String {
    if host.parse::<IpAddr>() == Ok(ip) {
        format!("{host} is {reason}")
    } else {
        format!("{host} resolves to {ip}, {reason}")
    }
}

/// What kind of failure an [`Error`] is: the exit status of the CLI and the
/// `code` of the JSON error (the same codes as the HTTP API's `AppError`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Malformed input: exit 2, `bad_input`.
    BadInput,
    /// A target the guard refuses: exit 3, `refused`.
    Refused,
    /// A name that does not resolve: exit 4, `unresolvable`.
    Unresolvable,
    /// No endpoint completed a TLS handshake: exit 5, `unreachable`.
    Unreachable,
    /// The endpoints did not answer in time: exit 5, `timeout`.
    Timeout,
    /// Anything else: exit 1, `internal`.
    Internal,
}

impl ErrorKind {
    /// The stable code (`bad_input`, `refused`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::BadInput => "bad_input",
            ErrorKind::Refused => "refused",
            ErrorKind::Unresolvable => "unresolvable",
            ErrorKind::Unreachable => "unreachable",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Internal => "internal",
        }
    }

    /// The CLI exit status.
    pub fn exit_code(self) -> i32 {
        match self {
            ErrorKind::BadInput => 2,
            ErrorKind::Refused => 3,
            ErrorKind::Unresolvable => 4,
            ErrorKind::Unreachable | ErrorKind::Timeout => 5,
            ErrorKind::Internal => 1,
        }
    }
}

impl Error {
    /// What kind of failure this is.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Error::BadInput(_) | Error::Target(_) | Error::Listen { .. } => ErrorKind::BadInput,
            Error::Refused { .. } => ErrorKind::Refused,
            Error::Unresolvable { .. } => ErrorKind::Unresolvable,
            Error::Unreachable {
                timed_out: true, ..
            } => ErrorKind::Timeout,
            Error::Unreachable { .. } => ErrorKind::Unreachable,
            Error::Io(_) | Error::Codec(_) | Error::Json(_) | Error::Database(_) => {
                ErrorKind::Internal
            }
        }
    }

    /// The CLI exit status: 2 bad input, 3 refused target, 4 unresolvable,
    /// 5 nothing reachable, 1 anything else.
    pub fn exit_code(&self) -> i32 {
        self.kind().exit_code()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn refusals_name_the_address_once() {
        let e = Error::Refused {
            host: "::1".into(),
            ip: "::1".parse().unwrap(),
            reason: "loopback (::1)",
        };
        assert_eq!(
            e.to_string(),
            "refused: ::1 is loopback (::1); pass --allow-private to scan it"
        );
        let e = Error::Refused {
            host: "intranet.example".into(),
            ip: "10.0.0.7".parse().unwrap(),
            reason: "private (10.0.0.0/8)",
        };
        assert_eq!(
            e.to_string(),
            "refused: intranet.example resolves to 10.0.0.7, private (10.0.0.0/8); pass --allow-private to scan it"
        );
    }

    #[test]
    fn kinds_give_exit_codes_and_api_codes() {
        let timeout = Error::Unreachable {
            target: "x.test:443".into(),
            message: "192.0.2.1: connect timed out".into(),
            timed_out: true,
        };
        assert_eq!(timeout.kind(), ErrorKind::Timeout);
        assert_eq!(
            (timeout.exit_code(), timeout.kind().as_str()),
            (5, "timeout")
        );
        let bad = Error::from(TargetError::EmptyHost);
        assert_eq!((bad.exit_code(), bad.kind().as_str()), (2, "bad_input"));
        assert_eq!(bad.to_string(), "bad input: empty host");
    }
}
