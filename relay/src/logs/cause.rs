//! The five root causes of a failed TLS handshake (docs/contracts.md, contract 7), and
//! what a server operator does about each: the likely fix and the `scan`
//! command that confirms it.

use serde::Serialize;

/// Why a handshake failed, as the server saw it.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// No protocol version in common (a TLS 1.0 client against a TLS 1.2+
    /// server), or the client refused the version the server chose.
    ProtocolMismatch,
    /// No cipher suite in common, or no key-exchange group or signature
    /// algorithm in common, or the client found the server's choice too weak.
    CipherMismatch,
    /// A certificate was refused: normally the client rejected ours (unknown
    /// CA, expired, bad certificate); with client-certificate authentication,
    /// also the server rejecting the client's.
    Certificate,
    /// The client sent no server name, or one this server refuses
    /// (`ssl_reject_handshake`, HAProxy `strict-sni`, Apache
    /// `SSLStrictSNIVHostCheck`).
    Sni,
    /// Everything else: closed connections, plain HTTP or garbage on the TLS
    /// port, timeouts, malformed records, internal errors.
    Other,
}

impl Cause {
    /// Every cause, in report order.
    pub const ALL: [Cause; 5] = [
        Cause::ProtocolMismatch,
        Cause::CipherMismatch,
        Cause::Certificate,
        Cause::Sni,
        Cause::Other,
    ];

    /// The contract name (`protocol_mismatch`).
    pub fn as_str(self) -> &'static str {
        match self {
            Cause::ProtocolMismatch => "protocol_mismatch",
            Cause::CipherMismatch => "cipher_mismatch",
            Cause::Certificate => "certificate",
            Cause::Sni => "sni",
            Cause::Other => "other",
        }
    }

    /// Position in [`Cause::ALL`] (for per-cause arrays).
    pub fn index(self) -> usize {
        match self {
            Cause::ProtocolMismatch => 0,
            Cause::CipherMismatch => 1,
            Cause::Certificate => 2,
            Cause::Sni => 3,
            Cause::Other => 4,
        }
    }

    /// One sentence: what this cause means.
    pub fn meaning(self) -> &'static str {
        match self {
            Cause::ProtocolMismatch => {
                "The client and the server have no TLS protocol version in common \
                 (typically TLS 1.0/1.1 clients against a server that accepts TLS 1.2 and later)."
            }
            Cause::CipherMismatch => {
                "The client and the server have no cipher suite (or key-exchange group, or \
                 signature algorithm) in common, or the client found the server's choice too weak."
            }
            Cause::Certificate => {
                "A certificate was refused: the client rejected the server's (unknown CA, \
                 expired, bad or unknown certificate), or, with client-certificate \
                 authentication, the server rejected the client's."
            }
            Cause::Sni => {
                "The client sent no server name (SNI), or one the server does not serve, and \
                 the server refuses such handshakes."
            }
            Cause::Other => {
                "Connections closed or reset during the handshake, timeouts, plain HTTP or \
                 garbage on the TLS port, malformed records: mostly scanners, bots and \
                 broken networks."
            }
        }
    }

    /// The likely fix, in plain words.
    pub fn fix(self) -> &'static str {
        match self {
            Cause::ProtocolMismatch => {
                "Usually none: these clients are too old to be safe. If they must be served, \
                 update them (or their TLS library) to TLS 1.2; re-enabling TLS 1.0/1.1 on the \
                 server lowers the grade for everyone and SSLv3 must stay off."
            }
            Cause::CipherMismatch => {
                "Offer at least one widely supported suite per protocol version (Mozilla \
                 'intermediate': ECDHE with AES-GCM or ChaCha20), keep an RSA certificate (or \
                 both RSA and ECDSA) if old clients matter, and offer x25519 and secp256r1 \
                 groups; DH parameters of at least 2048 bits."
            }
            Cause::Certificate => {
                "Serve the full chain (leaf then intermediates, no root), renew before expiry, \
                 make sure the certificate names every host clients use, and use a CA that old \
                 clients trust. For client certificates: check the CA file the server trusts \
                 and the client's certificate."
            }
            Cause::Sni => {
                "If these clients matter (old Android/Java, monitoring probes, scripts \
                 connecting by IP), give the default server a certificate instead of rejecting \
                 handshakes without a server name; otherwise nothing to do."
            }
            Cause::Other => {
                "Usually nothing: look at the grouped reasons. Many timeouts or resets from \
                 one address can be a broken middlebox or a load balancer health check \
                 speaking the wrong protocol."
            }
        }
    }

    /// What to look at in the `scan` report to confirm this cause.
    pub fn confirm_hint(self) -> &'static str {
        match self {
            Cause::ProtocolMismatch => "the report's protocols list what the server accepts",
            Cause::CipherMismatch => {
                "the report's cipher suites per protocol and groups list what the server offers"
            }
            Cause::Certificate => "the report's chain section lists issues and days left",
            Cause::Sni => {
                "the report says whether a client without SNI gets a different chain \
                 (no_sni_chain_differs)"
            }
            Cause::Other => "the report shows whether normal clients complete the handshake",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cause_names_and_indices_are_stable() {
        let names: Vec<&str> = Cause::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(
            names,
            [
                "protocol_mismatch",
                "cipher_mismatch",
                "certificate",
                "sni",
                "other"
            ]
        );
        for (i, c) in Cause::ALL.iter().enumerate() {
            assert_eq!(c.index(), i);
            assert_eq!(
                serde_json::to_value(c).ok(),
                Some(serde_json::Value::from(c.as_str()))
            );
        }
    }
}
