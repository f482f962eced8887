//! Signed Certificate Timestamps (RFC 6962 §3.3) by how they reach a
//! client: embedded in the certificate, in the stapled OCSP response, or
//! in the TLS `signed_certificate_timestamp` extension.
//!
//! Only the log ID and timestamp of each SCT are read; the SCT signatures
//! are not verified (that needs the logs' keys). Logs are not named: no
//! maintained CT log list is published as a package in the registries the
//! project can use (crates.io `ct-logs` 0.9.0 dates from April 2021, PyPI
//! `ctutlz` 0.9.8 from 2020, and `ct-logs` needs ring, which does not build
//! for WebAssembly without a C toolchain), and an old list names none of
//! today's yearly log shards. The base64 log ID is what Chrome's and
//! Apple's log lists are keyed by.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::time::rfc3339;

/// How an SCT was delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// In the certificate (X.509v3 extension 1.3.6.1.4.1.11129.2.4.2).
    Embedded,
    /// In the stapled OCSP response (single extension 1.3.6.1.4.1.11129.2.4.5).
    Ocsp,
    /// In the TLS `signed_certificate_timestamp` extension.
    TlsExtension,
}

/// One SCT.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sct {
    /// How it came.
    pub delivery: Delivery,
    /// The log's ID (SHA-256 of its key), base64 as in the log lists.
    pub log_id: String,
    /// When the log signed it (RFC 3339), when read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
}

/// Reads a `SignedCertificateTimestampList` (a u16-length list of
/// u16-length SCTs). Unreadable entries and v2+ SCTs are skipped; `None`
/// when the list itself is malformed.
pub fn read_list(bytes: &[u8], delivery: Delivery) -> Option<Vec<Sct>> {
    let (total, mut rest) = split_u16(bytes)?;
    if total != rest.len() {
        return None;
    }
    let mut out = Vec::new();
    while !rest.is_empty() {
        let (len, after) = split_u16(rest)?;
        let entry = after.get(..len)?;
        rest = after.get(len..)?;
        if let Some(sct) = read_sct(entry, delivery) {
            out.push(sct);
        }
    }
    Some(out)
}

fn split_u16(b: &[u8]) -> Option<(usize, &[u8])> {
    let (len, rest) = b.split_first_chunk::<2>()?;
    Some((usize::from(u16::from_be_bytes(*len)), rest))
}

fn read_sct(entry: &[u8], delivery: Delivery) -> Option<Sct> {
    let (&version, rest) = entry.split_first()?;
    if version != 0 {
        return None;
    }
    let log_id = rest.get(..32)?;
    let ts = rest.get(32..40)?;
    let ms = u64::from_be_bytes(ts.try_into().ok()?);
    let secs = i64::try_from(ms / 1000).ok();
    Some(Sct {
        delivery,
        log_id: STANDARD.encode(log_id),
        timestamp: secs.map(rfc3339),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sct(log: u8, ms: u64) -> Vec<u8> {
        let mut s = vec![0];
        s.extend([log; 32]);
        s.extend(ms.to_be_bytes());
        s.extend([0, 0, 4, 3, 0, 2, 0xAA, 0xBB]);
        s
    }

    fn list(items: &[Vec<u8>]) -> Vec<u8> {
        let mut body = Vec::new();
        for i in items {
            body.extend((i.len() as u16).to_be_bytes());
            body.extend(i);
        }
        let mut out = (body.len() as u16).to_be_bytes().to_vec();
        out.extend(body);
        out
    }

    #[test]
    fn lists_read_log_ids_and_times() {
        let bytes = list(&[sct(1, 1_800_000_000_000), sct(2, 0)]);
        let scts = read_list(&bytes, Delivery::TlsExtension).unwrap();
        assert_eq!(scts.len(), 2);
        assert_eq!(scts[0].log_id, STANDARD.encode([1u8; 32]));
        assert_eq!(scts[0].timestamp.as_deref(), Some("2027-01-15T08:00:00Z"));
        assert_eq!(scts[1].delivery, Delivery::TlsExtension);
    }

    #[test]
    fn malformed_lists_are_refused_and_v2_skipped() {
        assert_eq!(read_list(&[], Delivery::Ocsp), None);
        assert_eq!(read_list(&[0, 5, 0], Delivery::Ocsp), None);
        let mut v2 = sct(3, 1);
        v2[0] = 1;
        assert_eq!(read_list(&list(&[v2]), Delivery::Ocsp), Some(vec![]));
        assert_eq!(read_list(&[0, 0], Delivery::Ocsp), Some(vec![]));
    }
}
