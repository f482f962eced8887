//! TLS alerts: the two-byte message servers answer a probe they refuse with,
//! and the names of their levels and descriptions.

use std::fmt;

use super::wire::Reader;
use super::Error;

/// Alert levels.
pub mod alert_level {
    /// `warning`.
    pub const WARNING: u8 = 1;
    /// `fatal`.
    pub const FATAL: u8 = 2;
}

/// Alert descriptions (`AlertDescription`).
pub mod alert_description {
    /// `close_notify`.
    pub const CLOSE_NOTIFY: u8 = 0;
    /// `unexpected_message`.
    pub const UNEXPECTED_MESSAGE: u8 = 10;
    /// `bad_record_mac`.
    pub const BAD_RECORD_MAC: u8 = 20;
    /// `decryption_failed` (TLS ≤ 1.1).
    pub const DECRYPTION_FAILED: u8 = 21;
    /// `record_overflow`.
    pub const RECORD_OVERFLOW: u8 = 22;
    /// `decompression_failure`.
    pub const DECOMPRESSION_FAILURE: u8 = 30;
    /// `handshake_failure`.
    pub const HANDSHAKE_FAILURE: u8 = 40;
    /// `no_certificate` (SSLv3).
    pub const NO_CERTIFICATE: u8 = 41;
    /// `bad_certificate`.
    pub const BAD_CERTIFICATE: u8 = 42;
    /// `unsupported_certificate`.
    pub const UNSUPPORTED_CERTIFICATE: u8 = 43;
    /// `certificate_revoked`.
    pub const CERTIFICATE_REVOKED: u8 = 44;
    /// `certificate_expired`.
    pub const CERTIFICATE_EXPIRED: u8 = 45;
    /// `certificate_unknown`.
    pub const CERTIFICATE_UNKNOWN: u8 = 46;
    /// `illegal_parameter`.
    pub const ILLEGAL_PARAMETER: u8 = 47;
    /// `unknown_ca`.
    pub const UNKNOWN_CA: u8 = 48;
    /// `access_denied`.
    pub const ACCESS_DENIED: u8 = 49;
    /// `decode_error`.
    pub const DECODE_ERROR: u8 = 50;
    /// `decrypt_error`.
    pub const DECRYPT_ERROR: u8 = 51;
    /// `export_restriction` (TLS 1.0).
    pub const EXPORT_RESTRICTION: u8 = 60;
    /// `protocol_version`.
    pub const PROTOCOL_VERSION: u8 = 70;
    /// `insufficient_security`.
    pub const INSUFFICIENT_SECURITY: u8 = 71;
    /// `internal_error`.
    pub const INTERNAL_ERROR: u8 = 80;
    /// `inappropriate_fallback` (RFC 7507).
    pub const INAPPROPRIATE_FALLBACK: u8 = 86;
    /// `user_canceled`.
    pub const USER_CANCELED: u8 = 90;
    /// `no_renegotiation`.
    pub const NO_RENEGOTIATION: u8 = 100;
    /// `missing_extension`.
    pub const MISSING_EXTENSION: u8 = 109;
    /// `unsupported_extension`.
    pub const UNSUPPORTED_EXTENSION: u8 = 110;
    /// `certificate_unobtainable`.
    pub const CERTIFICATE_UNOBTAINABLE: u8 = 111;
    /// `unrecognized_name`.
    pub const UNRECOGNIZED_NAME: u8 = 112;
    /// `bad_certificate_status_response`.
    pub const BAD_CERTIFICATE_STATUS_RESPONSE: u8 = 113;
    /// `bad_certificate_hash_value`.
    pub const BAD_CERTIFICATE_HASH_VALUE: u8 = 114;
    /// `unknown_psk_identity`.
    pub const UNKNOWN_PSK_IDENTITY: u8 = 115;
    /// `certificate_required`.
    pub const CERTIFICATE_REQUIRED: u8 = 116;
    /// `no_application_protocol`.
    pub const NO_APPLICATION_PROTOCOL: u8 = 120;
    /// `ech_required`.
    pub const ECH_REQUIRED: u8 = 121;
}

/// The registry name of an alert description (`handshake_failure`), or
/// `None` for a value not in the list above.
pub fn alert_description_name(description: u8) -> Option<&'static str> {
    use alert_description as d;
    Some(match description {
        d::CLOSE_NOTIFY => "close_notify",
        d::UNEXPECTED_MESSAGE => "unexpected_message",
        d::BAD_RECORD_MAC => "bad_record_mac",
        d::DECRYPTION_FAILED => "decryption_failed",
        d::RECORD_OVERFLOW => "record_overflow",
        d::DECOMPRESSION_FAILURE => "decompression_failure",
        d::HANDSHAKE_FAILURE => "handshake_failure",
        d::NO_CERTIFICATE => "no_certificate",
        d::BAD_CERTIFICATE => "bad_certificate",
        d::UNSUPPORTED_CERTIFICATE => "unsupported_certificate",
        d::CERTIFICATE_REVOKED => "certificate_revoked",
        d::CERTIFICATE_EXPIRED => "certificate_expired",
        d::CERTIFICATE_UNKNOWN => "certificate_unknown",
        d::ILLEGAL_PARAMETER => "illegal_parameter",
        d::UNKNOWN_CA => "unknown_ca",
        d::ACCESS_DENIED => "access_denied",
        d::DECODE_ERROR => "decode_error",
        d::DECRYPT_ERROR => "decrypt_error",
        d::EXPORT_RESTRICTION => "export_restriction",
        d::PROTOCOL_VERSION => "protocol_version",
        d::INSUFFICIENT_SECURITY => "insufficient_security",
        d::INTERNAL_ERROR => "internal_error",
        d::INAPPROPRIATE_FALLBACK => "inappropriate_fallback",
        d::USER_CANCELED => "user_canceled",
        d::NO_RENEGOTIATION => "no_renegotiation",
        d::MISSING_EXTENSION => "missing_extension",
        d::UNSUPPORTED_EXTENSION => "unsupported_extension",
        d::CERTIFICATE_UNOBTAINABLE => "certificate_unobtainable",
        d::UNRECOGNIZED_NAME => "unrecognized_name",
        d::BAD_CERTIFICATE_STATUS_RESPONSE => "bad_certificate_status_response",
        d::BAD_CERTIFICATE_HASH_VALUE => "bad_certificate_hash_value",
        d::UNKNOWN_PSK_IDENTITY => "unknown_psk_identity",
        d::CERTIFICATE_REQUIRED => "certificate_required",
        d::NO_APPLICATION_PROTOCOL => "no_application_protocol",
        d::ECH_REQUIRED => "ech_required",
        _ => return None,
    })
}

/// An alert: the payload of an `alert` record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Alert {
    /// Level (see [`alert_level`]); unknown values are kept.
    pub level: u8,
    /// Description (see [`alert_description`]); unknown values are kept.
    pub description: u8,
}

impl Alert {
    /// A fatal alert with `description`.
    pub fn fatal(description: u8) -> Self {
        Self {
            level: alert_level::FATAL,
            description,
        }
    }

    /// Parses an alert: exactly two bytes.
    pub fn read(bytes: &[u8]) -> Result<Self, Error> {
        let mut r = Reader::new(bytes);
        let alert = Self {
            level: r.u8("alert level")?,
            description: r.u8("alert description")?,
        };
        r.finish("alert")?;
        Ok(alert)
    }

    /// The two bytes.
    pub fn encode(&self) -> [u8; 2] {
        [self.level, self.description]
    }

    /// Whether the level is `fatal`.
    pub fn is_fatal(&self) -> bool {
        self.level == alert_level::FATAL
    }

    /// The description's name, if known.
    pub fn description_name(&self) -> Option<&'static str> {
        alert_description_name(self.description)
    }
}

impl fmt::Display for Alert {
    /// `fatal handshake_failure (40)`; unknown values as numbers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.level {
            alert_level::WARNING => f.write_str("warning")?,
            alert_level::FATAL => f.write_str("fatal")?,
            other => write!(f, "level {other}")?,
        }
        match self.description_name() {
            Some(name) => write!(f, " {name} ({})", self.description),
            None => write!(f, " alert {}", self.description),
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
                let a = Alert { level, description };
                assert_eq!(Alert::read(&a.encode()).unwrap(), a);
            }
        }
        assert!(Alert::read(&[2]).is_err());
        assert!(Alert::read(&[2, 40, 0]).is_err());
        let a = Alert::fatal(alert_description::HANDSHAKE_FAILURE);
        assert!(a.is_fatal());
        assert_eq!(a.to_string(), "fatal handshake_failure (40)");
        assert_eq!(
            Alert {
                level: 1,
                description: 112
            }
            .to_string(),
            "warning unrecognized_name (112)"
        );
        assert_eq!(
            Alert {
                level: 9,
                description: 200
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
            assert_eq!(alert_description_name(d), Some(name));
        }
        assert_eq!(alert_description_name(1), None);
    }
}
