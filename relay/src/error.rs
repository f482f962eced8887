//! The crate's one error type. Every variant maps to a CLI exit status
//! ([`Error::exit_code`]) and, later, to an HTTP status in `serve`.

use std::net::IpAddr;

/// Why a scan could not produce a report (or an internal step failed).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The user's input is malformed: a bad host, port or flag value.
    #[error("bad input: {0}")]
    BadInput(String),
    /// The target is not allowed (a private, loopback, reserved… address).
    #[error("refused: {host} is {reason} ({ip}); pass --allow-private to scan it")]
    Refused {
        /// The host as given.
        host: String,
        /// The address that was refused.
        ip: IpAddr,
        /// Which range it is in.
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
    },
    /// A file could not be read (e.g. `--ca-file`).
    #[error("cannot read {path}: {source}")]
    File {
        /// The path.
        path: String,
        /// The I/O error.
        source: std::io::Error,
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
    /// The monitor's configuration file is invalid.
    #[error("config {path}: {message}")]
    Config {
        /// The file.
        path: String,
        /// What is wrong, with the offending key.
        message: String,
    },
    /// The monitor's history database failed.
    #[error("database: {0}")]
    Database(String),
}

impl Error {
    /// The CLI exit status: 2 bad input, 3 refused target, 4 unresolvable,
    /// 5 nothing reachable, 1 anything else.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::BadInput(_) | Error::File { .. } | Error::Config { .. } => 2,
            Error::Refused { .. } => 3,
            Error::Unresolvable { .. } => 4,
            Error::Unreachable { .. } => 5,
            Error::Io(_) | Error::Codec(_) | Error::Json(_) | Error::Database(_) => 1,
        }
    }
}
