//! OpenSSL error strings as servers log them, and which [`Cause`] each
//! reason means.
//!
//! A logged error looks like `error:0A000102:SSL routines::unsupported protocol`
//! (OpenSSL 3: library and reason packed as `lib << 23 | reason`, function
//! empty) or `error:14209102:SSL routines:tls_early_post_process_client_hello:unsupported protocol`
//! (OpenSSL 1.x: `lib << 24 | func << 12 | reason`), optionally followed by
//! data (`:SSL alert number 48`, or ` (SSL alert number 48)` in Apache).
//! BoringSSL writes the reason as a constant name (`NO_SHARED_CIPHER`).
//!
//! Classification goes by the reason *text*, which every OpenSSL since 1.0.2
//! prints next to the code; numbers are reused across major versions (182 was
//! "no ciphers passed" in 1.0.2 and is "not on record boundary" in 3.x), so the
//! number is used only when the text is missing (`reason(258)`, a library
//! built without error strings) and the code is packed the OpenSSL 3 way.
//!
//! The table transcribes reason numbers from OpenSSL's `include/openssl/sslerr.h`
//! and texts from `ssl/ssl_err.c` (OpenSSL 3.x; 1.1.1 uses the same texts; 3.2
//! renamed `sslv3 alert X` to `ssl/tls alert X`, both are accepted). Reasons
//! 1000 and up are TLS alerts received from the peer: 1000 + the alert number
//! of RFC 8446 section 6. docs/logs.md has the same table with the reasoning.

use super::cause::Cause;

/// One OpenSSL `SSL_R_*` reason the classifier knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reason {
    /// The text in OpenSSL 3.0/1.1.1 (`tlsv1 alert unknown ca`).
    pub text: &'static str,
    /// The constant without `SSL_R_` (`TLSV1_ALERT_UNKNOWN_CA`).
    pub name: &'static str,
    /// The number in OpenSSL 3 (`sslerr.h`), `None` for a reason that
    /// exists only in older releases or in BoringSSL.
    pub number: Option<u32>,
    /// What it means for the server operator.
    pub cause: Cause,
}

const fn r(text: &'static str, name: &'static str, number: u32, cause: Cause) -> Reason {
    Reason {
        text,
        name,
        number: Some(number),
        cause,
    }
}

const fn old(text: &'static str, name: &'static str, cause: Cause) -> Reason {
    Reason {
        text,
        name,
        number: None,
        cause,
    }
}

use Cause::{Certificate as X, CipherMismatch as C, Other as O, ProtocolMismatch as P, Sni as S};

/// The reasons the classifier knows, grouped by cause. A reason not listed
/// here is [`Cause::Other`].
#[rustfmt::skip]
pub const REASONS: &[Reason] = &[
    // protocol_mismatch
    r("unsupported protocol", "UNSUPPORTED_PROTOCOL", 258, P),
    r("version too low", "VERSION_TOO_LOW", 396, P),
    r("version too high", "VERSION_TOO_HIGH", 166, P),
    r("wrong ssl version", "WRONG_SSL_VERSION", 266, P),
    r("unsupported ssl version", "UNSUPPORTED_SSL_VERSION", 259, P),
    r("no protocols available", "NO_PROTOCOLS_AVAILABLE", 191, P),
    r("inappropriate fallback", "INAPPROPRIATE_FALLBACK", 373, P),
    r("tlsv1 alert protocol version", "TLSV1_ALERT_PROTOCOL_VERSION", 1070, P),
    r("tlsv1 alert inappropriate fallback", "TLSV1_ALERT_INAPPROPRIATE_FALLBACK", 1086, P),
    // cipher_mismatch
    r("no shared cipher", "NO_SHARED_CIPHER", 193, C),
    old("no ciphers passed", "NO_CIPHERS_PASSED", C),
    r("no ciphers available", "NO_CIPHERS_AVAILABLE", 181, C),
    r("no shared signature algorithms", "NO_SHARED_SIGNATURE_ALGORITHMS", 376, C),
    r("no suitable signature algorithm", "NO_SUITABLE_SIGNATURE_ALGORITHM", 118, C),
    r("legacy sigalg disallowed or unsupported", "LEGACY_SIGALG_DISALLOWED_OR_UNSUPPORTED", 333, C),
    r("no shared groups", "NO_SHARED_GROUPS", 410, C),
    old("no shared group", "NO_SHARED_GROUP", C),
    r("no suitable groups", "NO_SUITABLE_GROUPS", 295, C),
    r("no suitable key share", "NO_SUITABLE_KEY_SHARE", 101, C),
    r("no suitable digest algorithm", "NO_SUITABLE_DIGEST_ALGORITHM", 297, C),
    r("wrong curve", "WRONG_CURVE", 378, C),
    r("unsupported elliptic curve", "UNSUPPORTED_ELLIPTIC_CURVE", 315, C),
    r("dh key too small", "DH_KEY_TOO_SMALL", 394, C),
    r("insufficient security", "INSUFFICIENT_SECURITY", 241, C),
    r("tlsv1 alert insufficient security", "TLSV1_ALERT_INSUFFICIENT_SECURITY", 1071, C),
    r("sslv3 alert handshake failure", "SSLV3_ALERT_HANDSHAKE_FAILURE", 1040, C),
    // certificate
    r("sslv3 alert bad certificate", "SSLV3_ALERT_BAD_CERTIFICATE", 1042, X),
    r("sslv3 alert unsupported certificate", "SSLV3_ALERT_UNSUPPORTED_CERTIFICATE", 1043, X),
    r("sslv3 alert certificate revoked", "SSLV3_ALERT_CERTIFICATE_REVOKED", 1044, X),
    r("sslv3 alert certificate expired", "SSLV3_ALERT_CERTIFICATE_EXPIRED", 1045, X),
    r("sslv3 alert certificate unknown", "SSLV3_ALERT_CERTIFICATE_UNKNOWN", 1046, X),
    r("sslv3 alert no certificate", "SSLV3_ALERT_NO_CERTIFICATE", 1041, X),
    r("tlsv1 alert unknown ca", "TLSV1_ALERT_UNKNOWN_CA", 1048, X),
    r("tlsv1 certificate unobtainable", "TLSV1_CERTIFICATE_UNOBTAINABLE", 1111, X),
    r("tlsv1 bad certificate status response", "TLSV1_BAD_CERTIFICATE_STATUS_RESPONSE", 1113, X),
    r("tlsv1 bad certificate hash value", "TLSV1_BAD_CERTIFICATE_HASH_VALUE", 1114, X),
    r("tlsv13 alert certificate required", "TLSV13_ALERT_CERTIFICATE_REQUIRED", 1116, X),
    r("certificate verify failed", "CERTIFICATE_VERIFY_FAILED", 134, X),
    r("peer did not return a certificate", "PEER_DID_NOT_RETURN_A_CERTIFICATE", 199, X),
    r("no certificates returned", "NO_CERTIFICATES_RETURNED", 176, X),
    r("bad certificate", "BAD_CERTIFICATE", 348, X),
    r("wrong certificate type", "WRONG_CERTIFICATE_TYPE", 383, X),
    r("unknown certificate type", "UNKNOWN_CERTIFICATE_TYPE", 247, X),
    r("ca md too weak", "CA_MD_TOO_WEAK", 398, X),
    r("ca key too small", "CA_KEY_TOO_SMALL", 397, X),
    r("ee key too small", "EE_KEY_TOO_SMALL", 399, X),
    r("sct verification failed", "SCT_VERIFICATION_FAILED", 208, X),
    r("no valid scts", "NO_VALID_SCTS", 216, X),
    // sni
    r("tlsv1 unrecognized name", "TLSV1_UNRECOGNIZED_NAME", 1112, S),
    r("callback failed", "CALLBACK_FAILED", 234, S),
    r("clienthello tlsext", "CLIENTHELLO_TLSEXT", 226, S),
    r("ssl3 ext invalid servername", "SSL3_EXT_INVALID_SERVERNAME", 319, S),
    r("ssl3 ext invalid servername type", "SSL3_EXT_INVALID_SERVERNAME_TYPE", 320, S),
    r("inconsistent early data sni", "INCONSISTENT_EARLY_DATA_SNI", 231, S),
    // other: listed so the documentation names the common ones
    r("http request", "HTTP_REQUEST", 156, O),
    r("https proxy request", "HTTPS_PROXY_REQUEST", 155, O),
    r("unknown protocol", "UNKNOWN_PROTOCOL", 252, O),
    r("wrong version number", "WRONG_VERSION_NUMBER", 267, O),
    r("bad protocol version number", "BAD_PROTOCOL_VERSION_NUMBER", 116, O),
    r("bad legacy version", "BAD_LEGACY_VERSION", 292, O),
    r("packet length too long", "PACKET_LENGTH_TOO_LONG", 198, O),
    r("record length mismatch", "RECORD_LENGTH_MISMATCH", 213, O),
    r("record layer failure", "RECORD_LAYER_FAILURE", 313, O),
    r("unexpected message", "UNEXPECTED_MESSAGE", 244, O),
    r("unexpected record", "UNEXPECTED_RECORD", 245, O),
    r("unexpected eof while reading", "UNEXPECTED_EOF_WHILE_READING", 294, O),
    r("bad packet length", "BAD_PACKET_LENGTH", 115, O),
    r("length mismatch", "LENGTH_MISMATCH", 159, O),
    r("length too short", "LENGTH_TOO_SHORT", 160, O),
    r("excessive message size", "EXCESSIVE_MESSAGE_SIZE", 152, O),
    r("extra data in message", "EXTRA_DATA_IN_MESSAGE", 153, O),
    r("bad handshake length", "BAD_HANDSHAKE_LENGTH", 332, O),
    r("error in received cipher list", "ERROR_IN_RECEIVED_CIPHER_LIST", 151, O),
    r("decryption failed or bad record mac", "DECRYPTION_FAILED_OR_BAD_RECORD_MAC", 281, O),
    r("bad extension", "BAD_EXTENSION", 110, O),
    r("parse tlsext", "PARSE_TLSEXT", 227, O),
    r("bad key share", "BAD_KEY_SHARE", 108, O),
    r("tls invalid ecpointformat list", "TLS_INVALID_ECPOINTFORMAT_LIST", 157, O),
    r("missing sigalgs extension", "MISSING_SIGALGS_EXTENSION", 112, O),
    r("missing supported groups extension", "MISSING_SUPPORTED_GROUPS_EXTENSION", 209, O),
    r("bad change cipher spec", "BAD_CHANGE_CIPHER_SPEC", 103, O),
    r("ccs received early", "CCS_RECEIVED_EARLY", 133, O),
    r("app data in handshake", "APP_DATA_IN_HANDSHAKE", 100, O),
    r("ssl handshake failure", "SSL_HANDSHAKE_FAILURE", 229, O),
    r("shutdown while in init", "SHUTDOWN_WHILE_IN_INIT", 407, O),
    r("protocol is shutdown", "PROTOCOL_IS_SHUTDOWN", 207, O),
    r("read timeout expired", "READ_TIMEOUT_EXPIRED", 312, O),
    r("unsafe legacy renegotiation disabled", "UNSAFE_LEGACY_RENEGOTIATION_DISABLED", 338, O),
    r("no application protocol", "NO_APPLICATION_PROTOCOL", 235, O),
    r("tlsv1 alert no application protocol", "TLSV1_ALERT_NO_APPLICATION_PROTOCOL", 1120, O),
    r("sslv3 alert unexpected message", "SSLV3_ALERT_UNEXPECTED_MESSAGE", 1010, O),
    r("sslv3 alert bad record mac", "SSLV3_ALERT_BAD_RECORD_MAC", 1020, O),
    r("tlsv1 alert decryption failed", "TLSV1_ALERT_DECRYPTION_FAILED", 1021, O),
    r("tlsv1 alert record overflow", "TLSV1_ALERT_RECORD_OVERFLOW", 1022, O),
    r("sslv3 alert decompression failure", "SSLV3_ALERT_DECOMPRESSION_FAILURE", 1030, O),
    r("sslv3 alert illegal parameter", "SSLV3_ALERT_ILLEGAL_PARAMETER", 1047, O),
    r("tlsv1 alert access denied", "TLSV1_ALERT_ACCESS_DENIED", 1049, O),
    r("tlsv1 alert decode error", "TLSV1_ALERT_DECODE_ERROR", 1050, O),
    r("tlsv1 alert decrypt error", "TLSV1_ALERT_DECRYPT_ERROR", 1051, O),
    r("tlsv1 alert export restriction", "TLSV1_ALERT_EXPORT_RESTRICTION", 1060, O),
    r("tlsv1 alert internal error", "TLSV1_ALERT_INTERNAL_ERROR", 1080, O),
    r("tlsv1 alert user cancelled", "TLSV1_ALERT_USER_CANCELLED", 1090, O),
    r("tlsv1 alert no renegotiation", "TLSV1_ALERT_NO_RENEGOTIATION", 1100, O),
    r("tlsv13 alert missing extension", "TLSV13_ALERT_MISSING_EXTENSION", 1109, O),
    r("tlsv1 unsupported extension", "TLSV1_UNSUPPORTED_EXTENSION", 1110, O),
    r("tlsv1 alert unknown psk identity", "TLSV1_ALERT_UNKNOWN_PSK_IDENTITY", 1115, O),
];

/// `ERR_LIB_SSL`.
const LIB_SSL: u32 = 20;

/// One error out of a logged error string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LoggedError<'a> {
    /// The packed code (`0x0A000102`), when it parses as hex.
    pub code: Option<u32>,
    /// `SSL routines`, `x509 certificate routines`, `lib(20)`…
    pub library: &'a str,
    /// The reason text as logged, without data or Apache's hints.
    pub reason: &'a str,
}

impl LoggedError<'_> {
    /// The reason number when the code is an OpenSSL 3 `SSL routines` code.
    fn ssl3_reason(&self) -> Option<u32> {
        let code = self.code?;
        (code >> 23 == LIB_SSL).then_some(code & 0x7F_FFFF)
    }
}

/// Every `error:HEX:LIB:FUNC:REASON[:DATA]` in `text`, in order (nginx joins
/// OpenSSL's queue with spaces: `(SSL: error:… error:…)`).
pub fn errors(text: &str) -> impl Iterator<Item = LoggedError<'_>> + '_ {
    let mut rest = text;
    std::iter::from_fn(move || loop {
        let at = rest.find("error:")?;
        let boundary = at == 0
            || rest[..at]
                .chars()
                .next_back()
                .is_some_and(|c| c.is_whitespace() || c == '(' || c == ':');
        let after = &rest[at + "error:".len()..];
        let end = after.find(" error:").unwrap_or(after.len());
        let one = &after[..end];
        rest = &after[end..];
        if !boundary {
            continue;
        }
        if let Some(e) = parse_one(one) {
            return Some(e);
        }
    })
}

fn parse_one(s: &str) -> Option<LoggedError<'_>> {
    let mut fields = s.splitn(5, ':');
    let hex = fields.next()?;
    let library = fields.next()?;
    let _function = fields.next()?;
    let reason = fields.next()?;
    let code = u32::from_str_radix(hex.get(hex.len().saturating_sub(8)..)?, 16).ok();
    if code.is_none() && !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    let reason = reason
        .split(" (")
        .next()
        .unwrap_or(reason)
        .split(" -- ")
        .next()
        .unwrap_or(reason)
        .trim_end_matches(')')
        .trim();
    Some(LoggedError {
        code,
        library,
        reason,
    })
}

/// The table entry for a reason text, in any spelling: OpenSSL 1.x/3.0,
/// 3.2+ (`ssl/tls alert …`), BoringSSL (`SSLV3_ALERT_BAD_CERTIFICATE`).
pub fn by_text(text: &str) -> Option<&'static Reason> {
    let mut norm: String = text
        .trim()
        .chars()
        .map(|c| {
            if c == '_' {
                ' '
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect();
    if let Some(rest) = norm.strip_prefix("ssl/tls alert ") {
        norm = format!("sslv3 alert {rest}");
    }
    REASONS.iter().find(|r| r.text == norm).or_else(|| {
        // 3.2 spells every SSLv3-era alert "ssl/tls alert"; some of ours are
        // "tlsv1 alert" in 3.0 (unknown ca, protocol version…).
        let rest = norm.strip_prefix("sslv3 alert ")?;
        let tls1 = format!("tlsv1 alert {rest}");
        REASONS.iter().find(|r| r.text == tls1)
    })
}

/// The table entry for an OpenSSL 3 reason number.
pub fn by_number(number: u32) -> Option<&'static Reason> {
    REASONS.iter().find(|r| r.number == Some(number))
}

/// Classifies a logged OpenSSL error string (one or several errors): the
/// first error whose reason the table knows decides; `None` when none does.
pub fn classify(text: &str) -> Option<&'static Reason> {
    errors(text).find_map(|e| {
        by_text(e.reason).or_else(|| {
            let numeric = e.reason.starts_with("reason(") || e.reason.is_empty();
            numeric
                .then(|| e.ssl3_reason().and_then(by_number))
                .flatten()
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openssl3_and_11_spellings_classify_alike() {
        let cases = [
            ("error:0A000102:SSL routines::unsupported protocol", P),
            (
                "error:14209102:SSL routines:tls_early_post_process_client_hello:unsupported protocol",
                P,
            ),
            ("error:1408A0C1:SSL routines:ssl3_get_client_hello:no shared cipher", C),
            ("error:0A0000C1:SSL routines::no shared cipher", C),
            (
                "error:14094418:SSL routines:ssl3_read_bytes:tlsv1 alert unknown ca:SSL alert number 48",
                X,
            ),
            (
                "error:0A000418:SSL routines::tlsv1 alert unknown ca (SSL alert number 48)",
                X,
            ),
            ("error:0A000412:SSL routines::ssl/tls alert bad certificate:SSL alert number 42", X),
            ("error:0A000412:SSL routines::sslv3 alert bad certificate:SSL alert number 42", X),
            ("error:0A000416:SSL routines::ssl/tls alert certificate unknown", X),
            ("error:10000416:SSL routines:OPENSSL_internal:SSLV3_ALERT_CERTIFICATE_UNKNOWN", X),
            ("error:0A0000EA:SSL routines::callback failed", S),
            ("error:0A00009C:SSL routines::http request", O),
            (
                "error:0A0000C1:SSL routines::no shared cipher -- Too restrictive SSLCipherSuite or using DSA server certificate?",
                C,
            ),
        ];
        for (text, cause) in cases {
            assert_eq!(classify(text).map(|r| r.cause), Some(cause), "{text}");
        }
    }

    #[test]
    fn number_is_used_only_without_text_and_only_for_openssl3_codes() {
        assert_eq!(
            classify("error:0A000102:lib(20)::reason(258)").map(|r| r.name),
            Some("UNSUPPORTED_PROTOCOL")
        );
        // A 1.x packed code without text: numbers differ across versions.
        assert_eq!(
            classify("error:140760FC:lib(20):func(118):reason(252)"),
            None
        );
        // Unknown text with a known number: the text wins (None, not a guess).
        assert_eq!(classify("error:0A000102:SSL routines::something new"), None);
    }

    #[test]
    fn several_queued_errors_take_the_first_known() {
        let text = "error:0A000126:SSL routines::unexpected eof while reading error:0A000102:SSL routines::unsupported protocol";
        assert_eq!(
            classify(text).map(|r| r.name),
            Some("UNEXPECTED_EOF_WHILE_READING")
        );
        let text = "error:0A0FFFFF:SSL routines::brand new error:0A000102:SSL routines::unsupported protocol";
        assert_eq!(classify(text).map(|r| r.cause), Some(P));
    }

    #[test]
    fn table_is_consistent() {
        for (i, a) in REASONS.iter().enumerate() {
            assert_eq!(a.text, a.text.to_ascii_lowercase(), "{}", a.name);
            assert_eq!(a.name, a.name.to_ascii_uppercase());
            for b in &REASONS[i + 1..] {
                assert_ne!(a.text, b.text);
                assert_ne!(a.name, b.name);
                if a.number.is_some() {
                    assert_ne!(a.number, b.number, "{} {}", a.name, b.name);
                }
            }
            // Alerts are 1000 + the RFC 8446 alert number.
            if a.text.contains(" alert ") || a.name.starts_with("TLSV1_") {
                assert!(a.number.is_none_or(|n| n > 1000), "{}", a.name);
            }
        }
    }

    #[test]
    fn docs_list_every_reason_with_its_cause() {
        let doc = include_str!("../../../docs/logs.md");
        for r in REASONS {
            let number = r.number.map_or("—".to_owned(), |n| n.to_string());
            let row = format!(
                "| `{}` | `{}` | {number} | {} |",
                r.text,
                r.name,
                r.cause.as_str()
            );
            assert!(doc.contains(&row), "docs/logs.md lacks {row}");
        }
    }

    #[test]
    fn garbage_is_not_an_error() {
        assert_eq!(errors("no errors here").count(), 0);
        assert_eq!(errors("terror:zz:x").count(), 0);
        assert_eq!(errors("error:").count(), 0);
        assert_eq!(errors("error:ZZZZ:SSL routines::x").count(), 0);
    }
}
