//! Typed probe failures: a [`Fail`] is a probe that could not tell anything
//! about support (a timeout, a reset, garbage…), as opposed to a server that
//! declined an offer. Its [`FailCode`] is compared as a value; its
//! [`FailCode::as_str`] is the stable `code` of `probe_errors[]` and of the
//! endpoint's `error` in the facts (docs/facts.md).

use std::fmt;

/// Why a probe failed (or, for [`FailCode::Unreachable`] and
/// [`FailCode::NoTls`], why a whole endpoint did).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FailCode {
    /// A connect, first-byte, write, read or handshake deadline passed.
    Timeout,
    /// The TCP connection was refused, or a vulnerability probe's hello was
    /// declined.
    Refused,
    /// No TCP connection could be made at all (endpoint level).
    Unreachable,
    /// The connection was reset.
    Reset,
    /// The server closed the connection mid-answer.
    Closed,
    /// The answer is not TLS.
    Garbage,
    /// A record, message, flight or HTTP head over its size cap.
    TooLarge,
    /// A TLS answer the codec could not parse.
    Malformed,
    /// Any other I/O error.
    Io,
    /// The scan's total time limit was reached.
    Deadline,
    /// A hello could not be encoded (a bug, never the server's fault).
    Encode,
    /// A rustls handshake failed, or rustls could not be configured.
    Tls,
    /// The server chose something it was not offered, or answered another
    /// version than the one asked.
    ProtocolViolation,
    /// A flight that should have ended with ServerHelloDone did not.
    Incomplete,
    /// An AIA fetch failed.
    Aia,
    /// The server answered no hello at all (endpoint level).
    NoTls,
    /// The server did something the relay cannot follow (a TLS 1.3
    /// certificate under a key share or a cipher it has no code for).
    Unsupported,
}

impl FailCode {
    /// The stable code written in the facts (`timeout`, `too_large`…).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Timeout => "timeout",
            Self::Refused => "refused",
            Self::Unreachable => "unreachable",
            Self::Reset => "reset",
            Self::Closed => "closed",
            Self::Garbage => "garbage",
            Self::TooLarge => "too_large",
            Self::Malformed => "malformed",
            Self::Io => "io",
            Self::Deadline => "deadline",
            Self::Encode => "encode",
            Self::Tls => "tls",
            Self::ProtocolViolation => "protocol_violation",
            Self::Incomplete => "incomplete",
            Self::Aia => "aia",
            Self::NoTls => "no_tls",
            Self::Unsupported => "unsupported",
        }
    }
}

impl fmt::Display for FailCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A probe that failed: the server's behaviour says nothing about support.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fail {
    /// What went wrong.
    pub code: FailCode,
    /// Human text.
    pub message: String,
}

impl Fail {
    /// A failure with `code` and `message`.
    pub fn new(code: FailCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fail_codes_keep_their_contract_strings() {
        let all = [
            (FailCode::Timeout, "timeout"),
            (FailCode::Refused, "refused"),
            (FailCode::Unreachable, "unreachable"),
            (FailCode::Reset, "reset"),
            (FailCode::Closed, "closed"),
            (FailCode::Garbage, "garbage"),
            (FailCode::TooLarge, "too_large"),
            (FailCode::Malformed, "malformed"),
            (FailCode::Io, "io"),
            (FailCode::Deadline, "deadline"),
            (FailCode::Encode, "encode"),
            (FailCode::Tls, "tls"),
            (FailCode::ProtocolViolation, "protocol_violation"),
            (FailCode::Incomplete, "incomplete"),
            (FailCode::Aia, "aia"),
            (FailCode::NoTls, "no_tls"),
            (FailCode::Unsupported, "unsupported"),
        ];
        for (code, text) in all {
            assert_eq!(code.as_str(), text);
            assert_eq!(code.to_string(), text);
        }
    }
}
