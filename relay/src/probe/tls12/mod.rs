//! The probes' own TLS 1.0–1.2 handshakes, for the vulnerability tests that
//! must go past the server's first flight (POODLE-TLS, Ticketbleed,
//! client-initiated renegotiation) or send what no TLS library sends
//! (ROBOT's malformed RSA blocks).
//!
//! * [`suite`]: the suites they can complete (ECDHE, DHE and RSA key
//!   exchange; AES-CBC with HMAC, AES-GCM, ChaCha20-Poly1305);
//! * [`prf`]: the key schedule (PRF, master secret, key block, Finished);
//! * [`protect`]: record protection, including CBC records with wrong
//!   padding bytes;
//! * [`kx`]: the client's key exchange, and raw RSA encryption;
//! * [`client`]: the connection, step by step ([`client::hello`],
//!   [`client::finish`], [`client::Established`]).
//!
//! Like [`super::danger`], these handshakes authenticate nothing, and no
//! secret ever travels over them.

pub mod client;
pub mod kx;
pub mod prf;
pub mod protect;
pub mod suite;

pub use client::{finish, hello, Established, Incoming, Offer, ServerFirst, Stop};

use crate::codec::{CipherSuite, ProtocolVersion};

use super::stage::FirstWave;

/// The newest of TLS 1.0–1.2 at which the server accepted suites these
/// handshakes implement and `want` keeps: that version and those suites.
pub fn pick(
    first: &FirstWave,
    want: impl Fn(&suite::SuiteSpec) -> bool,
) -> Option<(ProtocolVersion, Vec<CipherSuite>)> {
    first
        .supported_legacy()
        .into_iter()
        .rev()
        .filter(|s| (ProtocolVersion::TLS10..=ProtocolVersion::TLS12).contains(&s.version))
        .find_map(|s| {
            let suites = suite::usable(&s.suites, s.version, &want);
            (!suites.is_empty()).then_some((s.version, suites))
        })
}

/// Whether the server speaks any of TLS 1.0–1.2.
pub fn speaks_legacy_tls(first: &FirstWave) -> bool {
    first
        .supported_legacy()
        .iter()
        .any(|s| (ProtocolVersion::TLS10..=ProtocolVersion::TLS12).contains(&s.version))
}
