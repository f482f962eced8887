//! Why a simulated client cannot connect: the fixed codes of
//! docs/contracts.md, contract 6, and the failure as reported (`{code, message}`).

use std::fmt;

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

macro_rules! failure_codes {
    ($($(#[$doc:meta])* $variant:ident = $code:literal,)+) => {
        /// A failure code of contract 6.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum FailureCode {
            $($(#[$doc])* $variant,)+
        }

        impl FailureCode {
            /// Every code, in the order of the contract.
            pub const ALL: &'static [FailureCode] = &[$(FailureCode::$variant,)+];

            /// The contract spelling (`cipher_mismatch`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(FailureCode::$variant => $code,)+
                }
            }
        }
    };
}

failure_codes! {
    /// No protocol version both sides accept.
    ProtocolMismatch = "protocol_mismatch",
    /// No cipher suite in common.
    CipherMismatch = "cipher_mismatch",
    /// No key-exchange group in common.
    GroupMismatch = "group_mismatch",
    /// The server's DH prime is smaller than the client accepts.
    DhTooSmall = "dh_too_small",
    /// The server's DH prime is larger than the client can use.
    DhTooLarge = "dh_too_large",
    /// A key in the chain is smaller than the client accepts.
    KeyTooSmall = "key_too_small",
    /// A key in the chain is larger than the client can use.
    KeyTooLarge = "key_too_large",
    /// The client refuses a signature algorithm in the chain (SHA-1, MD5).
    SignatureRejected = "signature_rejected",
    /// The chain does not end at a root of the client's store.
    Untrusted = "untrusted",
    /// An intermediate is missing and the client does not find it.
    IncompleteChain = "incomplete_chain",
    /// A certificate has expired.
    Expired = "expired",
    /// A certificate is not valid yet.
    NotYetValid = "not_yet_valid",
    /// The certificate is not for this host name.
    HostnameMismatch = "hostname_mismatch",
    /// The client sends no SNI and the server does not serve it without.
    NoSni = "no_sni",
    /// The server ended the handshake for another reason.
    HandshakeFailed = "handshake_failed",
}

impl FailureCode {
    /// A failure about the certificate chain: the protocol, suite and group
    /// had been agreed on when the client gave up.
    pub fn after_negotiation(self) -> bool {
        use FailureCode::*;
        matches!(
            self,
            KeyTooSmall
                | KeyTooLarge
                | SignatureRejected
                | Untrusted
                | IncompleteChain
                | Expired
                | NotYetValid
                | HostnameMismatch
        )
    }

    /// Reads the contract spelling back.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.as_str() == s)
    }
}

impl fmt::Display for FailureCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for FailureCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for FailureCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        FailureCode::parse(&s)
            .ok_or_else(|| de::Error::custom(format!("unknown failure code {s:?}")))
    }
}

/// Why one client cannot connect, in the report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientFailure {
    /// The stable code.
    pub code: FailureCode,
    /// The cause in plain words, naming the client and what the server does.
    pub message: String,
}

impl ClientFailure {
    pub(crate) fn new(code: FailureCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}
