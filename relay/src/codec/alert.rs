//! TLS alerts: the two-byte message servers answer a probe they refuse with,
//! and the names of their levels and descriptions.

use std::fmt;

use super::wire::Reader;
use super::Error;

/// An alert level; values not listed here are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AlertLevel(pub u8);

impl AlertLevel {
    /// `warning`.
    pub const WARNING: Self = Self(1);
    /// `fatal`.
    pub const FATAL: Self = Self(2);
}

/// An alert description (`AlertDescription`); values not listed here are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AlertDescription(pub u8);

impl AlertDescription {
    /// `close_notify`.
    pub const CLOSE_NOTIFY: Self = Self(0);
    /// `unexpected_message`.
    pub const UNEXPECTED_MESSAGE: Self = Self(10);
    /// `bad_record_mac`.
    pub const BAD_RECORD_MAC: Self = Self(20);
    /// `decryption_failed` (TLS ≤ 1.1).
    pub const DECRYPTION_FAILED: Self = Self(21);
    /// `record_overflow`.
    pub const RECORD_OVERFLOW: Self = Self(22);
    /// `decompression_failure`.
    pub const DECOMPRESSION_FAILURE: Self = Self(30);
    /// `handshake_failure`.
    pub const HANDSHAKE_FAILURE: Self = Self(40);
    /// `no_certificate` (SSLv3).
    pub const NO_CERTIFICATE: Self = Self(41);
    /// `bad_certificate`.
    pub const BAD_CERTIFICATE: Self = Self(42);
    /// `unsupported_certificate`.
    pub const UNSUPPORTED_CERTIFICATE: Self = Self(43);
    /// `certificate_revoked`.
    pub const CERTIFICATE_REVOKED: Self = Self(44);
    /// `certificate_expired`.
    pub const CERTIFICATE_EXPIRED: Self = Self(45);
    /// `certificate_unknown`.
    pub const CERTIFICATE_UNKNOWN: Self = Self(46);
    /// `illegal_parameter`.
    pub const ILLEGAL_PARAMETER: Self = Self(47);
    /// `unknown_ca`.
    pub const UNKNOWN_CA: Self = Self(48);
    /// `access_denied`.
    pub const ACCESS_DENIED: Self = Self(49);
    /// `decode_error`.
    pub const DECODE_ERROR: Self = Self(50);
    /// `decrypt_error`.
    pub const DECRYPT_ERROR: Self = Self(51);
    /// `export_restriction` (TLS 1.0).
    pub const EXPORT_RESTRICTION: Self = Self(60);
    /// `protocol_version`.
    pub const PROTOCOL_VERSION: Self = Self(70);
    /// `insufficient_security`.
    pub const INSUFFICIENT_SECURITY: Self = Self(71);
    /// `internal_error`.
    pub const INTERNAL_ERROR: Self = Self(80);
    /// `inappropriate_fallback` (RFC 7507).
    pub const INAPPROPRIATE_FALLBACK: Self = Self(86);
    /// `user_canceled`.
    pub const USER_CANCELED: Self = Self(90);
    /// `no_renegotiation`.
    pub const NO_RENEGOTIATION: Self = Self(100);
    /// `missing_extension`.
    pub const MISSING_EXTENSION: Self = Self(109);
    /// `unsupported_extension`.
    pub const UNSUPPORTED_EXTENSION: Self = Self(110);
    /// `certificate_unobtainable`.
    pub const CERTIFICATE_UNOBTAINABLE: Self = Self(111);
    /// `unrecognized_name`.
    pub const UNRECOGNIZED_NAME: Self = Self(112);
    /// `bad_certificate_status_response`.
    pub const BAD_CERTIFICATE_STATUS_RESPONSE: Self = Self(113);
    /// `bad_certificate_hash_value`.
    pub const BAD_CERTIFICATE_HASH_VALUE: Self = Self(114);
    /// `unknown_psk_identity`.
    pub const UNKNOWN_PSK_IDENTITY: Self = Self(115);
    /// `certificate_required`.
    pub const CERTIFICATE_REQUIRED: Self = Self(116);
    /// `no_application_protocol`.
    pub const NO_APPLICATION_PROTOCOL: Self = Self(120);
    /// `ech_required`.
    pub const ECH_REQUIRED: Self = Self(121);
}

impl AlertDescription {
    /// The registry name (`handshake_failure`), or `None` for a value not in
    /// the list above.
    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            Self::CLOSE_NOTIFY => "close_notify",
            Self::UNEXPECTED_MESSAGE => "unexpected_message",
            Self::BAD_RECORD_MAC => "bad_record_mac",
            Self::DECRYPTION_FAILED => "decryption_failed",
            Self::RECORD_OVERFLOW => "record_overflow",
            Self::DECOMPRESSION_FAILURE => "decompression_failure",
            Self::HANDSHAKE_FAILURE => "handshake_failure",
            Self::NO_CERTIFICATE => "no_certificate",
            Self::BAD_CERTIFICATE => "bad_certificate",
            Self::UNSUPPORTED_CERTIFICATE => "unsupported_certificate",
            Self::CERTIFICATE_REVOKED => "certificate_revoked",
            Self::CERTIFICATE_EXPIRED => "certificate_expired",
            Self::CERTIFICATE_UNKNOWN => "certificate_unknown",
            Self::ILLEGAL_PARAMETER => "illegal_parameter",
            Self::UNKNOWN_CA => "unknown_ca",
            Self::ACCESS_DENIED => "access_denied",
            Self::DECODE_ERROR => "decode_error",
            Self::DECRYPT_ERROR => "decrypt_error",
            Self::EXPORT_RESTRICTION => "export_restriction",
            Self::PROTOCOL_VERSION => "protocol_version",
            Self::INSUFFICIENT_SECURITY => "insufficient_security",
            Self::INTERNAL_ERROR => "internal_error",
            Self::INAPPROPRIATE_FALLBACK => "inappropriate_fallback",
            Self::USER_CANCELED => "user_canceled",
            Self::NO_RENEGOTIATION => "no_renegotiation",
            Self::MISSING_EXTENSION => "missing_extension",
            Self::UNSUPPORTED_EXTENSION => "unsupported_extension",
            Self::CERTIFICATE_UNOBTAINABLE => "certificate_unobtainable",
            Self::UNRECOGNIZED_NAME => "unrecognized_name",
            Self::BAD_CERTIFICATE_STATUS_RESPONSE => "bad_certificate_status_response",
            Self::BAD_CERTIFICATE_HASH_VALUE => "bad_certificate_hash_value",
            Self::UNKNOWN_PSK_IDENTITY => "unknown_psk_identity",
            Self::CERTIFICATE_REQUIRED => "certificate_required",
            Self::NO_APPLICATION_PROTOCOL => "no_application_protocol",
            Self::ECH_REQUIRED => "ech_required",
            _ => return None,
        })
    }
}

/// An alert: the payload of an `alert` record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Alert {
    /// Level; unknown values are kept.
    pub level: AlertLevel,
    /// Description; unknown values are kept.
    pub description: AlertDescription,
}

impl Alert {
    /// A fatal alert with `description`.
    pub fn fatal(description: AlertDescription) -> Self {
        Self {
            level: AlertLevel::FATAL,
            description,
        }
    }

    /// Parses an alert: exactly two bytes.
    pub fn read(bytes: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(bytes);
        let alert = Self {
            level: AlertLevel(r.u8("alert level")?),
            description: AlertDescription(r.u8("alert description")?),
        };
        r.finish("alert")?;
        Ok(alert)
    }

    /// The two bytes.
    pub fn encode(&self) -> [u8; 2] {
        [self.level.0, self.description.0]
    }

    /// Whether the level is `fatal`.
    pub fn is_fatal(&self) -> bool {
        self.level == AlertLevel::FATAL
    }

    /// The description's name, if known.
    pub fn description_name(&self) -> Option<&'static str> {
        self.description.name()
    }
}

impl fmt::Display for Alert {
    /// `fatal handshake_failure (40)`; unknown values as numbers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.level {
            AlertLevel::WARNING => f.write_str("warning")?,
            AlertLevel::FATAL => f.write_str("fatal")?,
            AlertLevel(other) => write!(f, "level {other}")?,
        }
        match self.description_name() {
            Some(name) => write!(f, " {name} ({})", self.description.0),
            None => write!(f, " alert {}", self.description.0),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_names() {
        for level in 0..=255u8 {
            for description in [0u8, 40, 70, 255] {
                let a = Alert {
                    level: AlertLevel(level),
                    description: AlertDescription(description),
                };
                assert_eq!(Alert::read(&a.encode()).unwrap(), a);
            }
        }
        assert!(Alert::read(&[2]).is_err());
        assert!(Alert::read(&[2, 40, 0]).is_err());
        let a = Alert::fatal(AlertDescription::HANDSHAKE_FAILURE);
        assert!(a.is_fatal());
        assert_eq!(a.to_string(), "fatal handshake_failure (40)");
        assert_eq!(
            Alert {
                level: AlertLevel::WARNING,
                description: AlertDescription::UNRECOGNIZED_NAME,
            }
            .to_string(),
            "warning unrecognized_name (112)"
        );
        assert_eq!(
            Alert {
                level: AlertLevel(9),
                description: AlertDescription(200),
            }
            .to_string(),
            "level 9 alert 200"
        );
        for (d, name) in [
            (40, "handshake_failure"),
            (70, "protocol_version"),
            (71, "insufficient_security"),
            (112, "unrecognized_name"),
            (47, "illegal_parameter"),
            (50, "decode_error"),
            (80, "internal_error"),
            (86, "inappropriate_fallback"),
        ] {
            assert_eq!(AlertDescription(d).name(), Some(name));
        }
        assert_eq!(AlertDescription(1).name(), None);
    }
}
