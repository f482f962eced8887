//! `Der`: owned DER bytes (a certificate, an OCSP response) that travel through
//! JSON as standard base64, plus PEM reading for pasted chains.

use std::fmt;

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// DER bytes, written to JSON as standard base64.
#[derive(Clone, PartialEq, Eq, Hash, Default)]
pub struct Der(pub Vec<u8>);

impl Der {
    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }
}

impl From<Vec<u8>> for Der {
    fn from(v: Vec<u8>) -> Self {
        Self(v)
    }
}

impl From<&[u8]> for Der {
    fn from(v: &[u8]) -> Self {
        Self(v.to_vec())
    }
}

impl fmt::Debug for Der {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Der({} bytes)", self.0.len())
    }
}

impl Serialize for Der {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&STANDARD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Der {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        decode_base64(&text)
            .map(Der)
            .ok_or_else(|| de::Error::custom("DER must be standard base64"))
    }
}

/// Decodes base64, ignoring ASCII whitespace (PEM bodies are wrapped).
pub fn decode_base64(text: &str) -> Option<Vec<u8>> {
    let compact: String = text.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    STANDARD.decode(compact).ok()
}

/// Reads certificates from pasted text: PEM blocks (`-----BEGIN CERTIFICATE-----`),
/// or, when there is no PEM marker, base64 DER items separated by whitespace or
/// commas. Non-certificate PEM blocks (keys) are skipped.
pub fn certificates_from_text(text: &str) -> Vec<Der> {
    const BEGIN: &str = "-----BEGIN ";
    if !text.contains(BEGIN) {
        return text
            .split(|c: char| c == ',' || c.is_ascii_whitespace())
            .filter(|s| !s.is_empty())
            .filter_map(decode_base64)
            .map(Der)
            .collect();
    }
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find(BEGIN) {
        let after = &rest[start + BEGIN.len()..];
        let Some(label_end) = after.find("-----") else {
            break;
        };
        let label = &after[..label_end];
        let body_start = &after[label_end + 5..];
        let end_marker = format!("-----END {label}-----");
        let Some(body_end) = body_start.find(&end_marker) else {
            break;
        };
        if matches!(
            label,
            "CERTIFICATE" | "X509 CERTIFICATE" | "TRUSTED CERTIFICATE"
        ) {
            if let Some(der) = decode_base64(&body_start[..body_end]) {
                out.push(Der(der));
            }
        }
        rest = &body_start[body_end + end_marker.len()..];
    }
    out
}

/// Encodes DER as a PEM certificate block (64-column lines).
pub fn to_pem(der: &[u8]) -> String {
    let b64 = STANDARD.encode(der);
    let mut out = String::from("-----BEGIN CERTIFICATE-----\n");
    for chunk in b64.as_bytes().chunks(64) {
        out.push_str(std::str::from_utf8(chunk).unwrap_or_default());
        out.push('\n');
    }
    out.push_str("-----END CERTIFICATE-----\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_round_trip_skips_keys() {
        let a = to_pem(&[0x30, 0x03, 0x02, 0x01, 0x01]);
        let b = to_pem(&[0x30, 0x00]);
        let text =
            format!("junk\n{a}-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n{b}");
        let certs = certificates_from_text(&text);
        assert_eq!(
            certs,
            vec![
                Der(vec![0x30, 0x03, 0x02, 0x01, 0x01]),
                Der(vec![0x30, 0x00])
            ]
        );
    }

    #[test]
    fn bare_base64_list() {
        assert_eq!(certificates_from_text("MAA=, MAA=").len(), 2);
        assert!(certificates_from_text("-----BEGIN CERTIFICATE-----\nnot closed").is_empty());
    }

    #[test]
    fn json_is_base64() {
        let d = Der(vec![1, 2, 3]);
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"AQID\"");
        assert!(serde_json::from_str::<Der>("\"***\"").is_err());
    }
}
