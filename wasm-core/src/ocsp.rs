//! Reads a stapled OCSP response (RFC 6960) far enough to tell whether the server's
//! certificate is good, revoked or unknown, and whether the staple is fresh.
//!
//! A small, bounds-checked DER walker: the structure is fixed and shallow, and a
//! full ASN.1 stack is not needed. The responder's signature is not checked here
//! (the relay's handshake already came from the server that owns the key).

use serde::{Deserialize, Serialize};
use x509_parser::certificate::X509Certificate;

use crate::time::rfc3339;

/// What the staple says about the leaf.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OcspStatus {
    Good,
    Revoked,
    Unknown,
    /// The responder answered with an error status (tryLater, unauthorized …).
    ResponderError,
    /// The bytes are not an OCSP response we can read, or not about this leaf.
    Unreadable,
}

/// The stapled response, summarised.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct OcspReport {
    pub status: OcspStatus,
    pub produced_at: Option<String>,
    pub this_update: Option<String>,
    pub next_update: Option<String>,
    pub revoked_at: Option<String>,
    /// The staple's `nextUpdate` is in the past.
    pub stale: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

/// One DER TLV: (tag, content, rest).
fn tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let (&tag, rest) = input.split_first()?;
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |acc, &b| (acc << 8) | usize::from(b));
        (len, &rest[n..])
    };
    if rest.len() < len {
        return None;
    }
    Some((tag, &rest[..len], &rest[len..]))
}

fn expect(input: &[u8], want: u8) -> Option<(&[u8], &[u8])> {
    let (tag, content, rest) = tlv(input)?;
    (tag == want).then_some((content, rest))
}

/// `YYYYMMDDHHMMSS[.fff]Z` to Unix seconds.
fn generalized_time(content: &[u8]) -> Option<i64> {
    let s = std::str::from_utf8(content).ok()?;
    if s.len() < 15 || !s.ends_with('Z') {
        return None;
    }
    let iso = format!(
        "{}-{}-{}T{}:{}:{}Z",
        s.get(0..4)?,
        s.get(4..6)?,
        s.get(6..8)?,
        s.get(8..10)?,
        s.get(10..12)?,
        s.get(12..14)?
    );
    crate::time::parse_rfc3339(&iso)
}

const OID_BASIC: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01];

struct Single {
    serial: Vec<u8>,
    status: OcspStatus,
    revoked_at: Option<i64>,
    this_update: Option<i64>,
    next_update: Option<i64>,
}

fn read_single(input: &[u8]) -> Option<Single> {
    let (cert_id, rest) = expect(input, 0x30)?;
    let (_hash_alg, id_rest) = expect(cert_id, 0x30)?;
    let (_name_hash, id_rest) = expect(id_rest, 0x04)?;
    let (_key_hash, id_rest) = expect(id_rest, 0x04)?;
    let (serial, _) = expect(id_rest, 0x02)?;
    let (tag, content, rest) = tlv(rest)?;
    let (status, revoked_at) = match tag {
        0x80 => (OcspStatus::Good, None),
        0xa1 => {
            let at = expect(content, 0x18).and_then(|(t, _)| generalized_time(t));
            (OcspStatus::Revoked, at)
        }
        0x82 => (OcspStatus::Unknown, None),
        _ => return None,
    };
    let (this_update, rest) = expect(rest, 0x18)?;
    let next_update = expect(rest, 0xa0)
        .and_then(|(c, _)| expect(c, 0x18))
        .and_then(|(t, _)| generalized_time(t));
    Some(Single {
        serial: serial.to_vec(),
        status,
        revoked_at,
        this_update: generalized_time(this_update),
        next_update,
    })
}

fn unreadable(problem: &str) -> OcspReport {
    OcspReport {
        status: OcspStatus::Unreadable,
        produced_at: None,
        this_update: None,
        next_update: None,
        revoked_at: None,
        stale: false,
        problems: vec![problem.to_owned()],
    }
}

/// Reads `der` as an OCSPResponse about `leaf`.
pub fn read(
    der: &[u8],
    leaf: &X509Certificate<'_>,
    _issuer: Option<&X509Certificate<'_>>,
    now: i64,
) -> OcspReport {
    let Some((resp, _)) = expect(der, 0x30) else {
        return unreadable("not a DER OCSPResponse");
    };
    let Some((status, rest)) = expect(resp, 0x0a) else {
        return unreadable("missing responseStatus");
    };
    if status != [0] {
        let mut r = unreadable("the responder returned an error status");
        r.status = OcspStatus::ResponderError;
        return r;
    }
    let basic = expect(rest, 0xa0)
        .and_then(|(c, _)| expect(c, 0x30))
        .and_then(|(rb, _)| {
            let (oid, rest) = expect(rb, 0x06)?;
            (oid == OID_BASIC).then_some(())?;
            expect(rest, 0x04).map(|(b, _)| b)
        });
    let Some(basic) = basic else {
        return unreadable("not a basic OCSP response");
    };
    let data = expect(basic, 0x30).and_then(|(b, _)| expect(b, 0x30));
    let Some((mut data, _)) = data else {
        return unreadable("malformed ResponseData");
    };
    if let Some((0xa0, _, rest)) = tlv(data) {
        data = rest; // explicit version
    }
    let Some((_, _, rest)) = tlv(data) else {
        return unreadable("missing responderID");
    };
    let Some((produced, rest)) = expect(rest, 0x18) else {
        return unreadable("missing producedAt");
    };
    let Some((mut responses, _)) = expect(rest, 0x30) else {
        return unreadable("missing responses");
    };
    let serial = leaf.tbs_certificate.raw_serial();
    let mut found = None;
    while let Some((_, content, rest)) = tlv(responses) {
        if let Some(single) = read_single(content) {
            if single.serial == serial {
                found = Some(single);
                break;
            }
        }
        responses = rest;
    }
    let Some(single) = found else {
        return unreadable("the staple does not cover this certificate");
    };
    let stale = single.next_update.is_some_and(|n| n < now);
    let mut problems = Vec::new();
    if stale {
        problems.push("the stapled response has expired (nextUpdate is in the past)".to_owned());
    }
    OcspReport {
        status: single.status,
        produced_at: generalized_time(produced).map(rfc3339),
        this_update: single.this_update.map(rfc3339),
        next_update: single.next_update.map(rfc3339),
        revoked_at: single.revoked_at.map(rfc3339),
        stale,
        problems,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tlv_is_bounds_checked() {
        assert_eq!(tlv(&[0x30, 0x02, 0x01]), None);
        assert_eq!(tlv(&[0x30, 0x81]), None);
        assert_eq!(tlv(&[0x30, 0x85, 1, 1, 1, 1, 1]), None);
        assert_eq!(
            tlv(&[0x04, 0x01, 0xaa, 0xbb]),
            Some((0x04, &[0xaa][..], &[0xbb][..]))
        );
    }

    #[test]
    fn generalized_time_reads() {
        assert_eq!(generalized_time(b"20270101000000Z"), Some(1_798_761_600));
        assert_eq!(generalized_time(b"2027"), None);
    }
}
