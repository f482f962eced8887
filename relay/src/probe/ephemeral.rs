//! The server's ephemeral (EC)DH public value in an answer, as the facts
//! keep it: read by the suite enumeration from every answer it gets
//! ([`super::enumerate`]) and by [`super::kex`]'s own handshakes, so the
//! core can tell whether the server reuses its key.

use tlslens_core::facts::{KexKind, PublicValueFacts};
use tlslens_core::Hex;

use crate::codec::{KeyExchangeParams, ServerFlight, ServerHello};

/// The server's ephemeral public value in a TLS ≤ 1.2 flight's
/// ServerKeyExchange; `None` without one (RSA key exchange).
pub fn public_value(flight: &ServerFlight) -> Option<PublicValueFacts> {
    match &flight.server_key_exchange.as_ref()?.params {
        KeyExchangeParams::Dhe(dh) => Some(PublicValueFacts {
            kind: KexKind::Dhe,
            group: None,
            value: Hex(dh.ys.clone()),
        }),
        KeyExchangeParams::Ecdhe(ec) => Some(PublicValueFacts {
            kind: KexKind::Ecdhe,
            group: Some(ec.named_group),
            value: Hex(ec.point.clone()),
        }),
    }
}

/// The server's key share in a TLS 1.3 ServerHello (not a
/// HelloRetryRequest).
pub fn key_share_value(sh: &ServerHello) -> Option<PublicValueFacts> {
    if !sh.is_tls13() || sh.is_hello_retry_request() {
        return None;
    }
    let share = sh.key_share()?;
    Some(PublicValueFacts {
        kind: KexKind::Ecdhe,
        group: Some(share.group),
        value: Hex(share.key_exchange),
    })
}
