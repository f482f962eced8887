//! Reads a stapled OCSP response (RFC 6960) far enough to tell whether the server's
//! certificate is good, revoked or unknown, whether the staple is fresh, who
//! signed it, and which Signed Certificate Timestamps it carries.
//!
//! A small, bounds-checked DER walker: the structure is fixed and shallow, and a
//! full ASN.1 stack is not needed. The responder's signature over
//! `tbsResponseData` is verified (RustCrypto, [`crate::sigverify`]) with the
//! issuer's key, or with a delegated responder certificate carried in the
//! response that the issuer signed and marked for OCSP signing
//! (`id-kp-OCSPSigning`, RFC 6960 §4.2.2.2). The status is reported whatever
//! the signature says (a server that staples a forged "revoked" only hurts
//! itself); a bad signature is a problem of the staple, as browsers would
//! ignore it.

use serde::{Deserialize, Serialize};
use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;
use x509_parser::x509::{AlgorithmIdentifier, SubjectPublicKeyInfo};

use crate::sct::{self, Delivery, Sct};
use crate::sigverify::{self, SigCheck};
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

/// Whether the responder's signature verifies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OcspSignature {
    /// Made by the issuer's key or an authorised responder's.
    Valid,
    /// No authorised key made it.
    Invalid,
    /// The algorithm or key type cannot be checked here.
    Unsupported,
    /// Not checked: the issuer is not known (incomplete chain), or the
    /// response could not be read.
    NotChecked,
}

/// Who signed the response.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OcspSigner {
    /// The certificate's issuer itself.
    Issuer,
    /// A responder certificate the issuer delegated OCSP signing to.
    Delegated,
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
    /// The responder's signature.
    #[serde(default = "not_checked")]
    pub signature: OcspSignature,
    /// Who signed it, when the signature is valid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<OcspSigner>,
    /// SCTs carried in the response for this certificate.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scts: Vec<Sct>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

fn not_checked() -> OcspSignature {
    OcspSignature::NotChecked
}

/// One DER TLV: (tag, content, rest).
fn tlv(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let t = tlv_whole(input)?;
    Some((t.tag, t.content, t.rest))
}

/// One DER TLV, with its own bytes.
struct Tlv<'a> {
    tag: u8,
    content: &'a [u8],
    /// The whole TLV (header and content).
    whole: &'a [u8],
    rest: &'a [u8],
}

/// One DER TLV and what follows it.
fn tlv_whole(input: &[u8]) -> Option<Tlv<'_>> {
    let (&tag, after_tag) = input.split_first()?;
    let (&first, rest) = after_tag.split_first()?;
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
    let header = input.len() - rest.len();
    Some(Tlv {
        tag,
        content: &rest[..len],
        whole: input.get(..header + len)?,
        rest: &rest[len..],
    })
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
/// 1.3.6.1.4.1.11129.2.4.5: the SCT list of an OCSP single response.
const OID_OCSP_SCTS: &[u8] = &[0x2b, 0x06, 0x01, 0x04, 0x01, 0xd6, 0x79, 0x02, 0x04, 0x05];

struct Single {
    serial: Vec<u8>,
    status: OcspStatus,
    revoked_at: Option<i64>,
    this_update: Option<i64>,
    next_update: Option<i64>,
    scts: Vec<Sct>,
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
    let (this_update, mut rest) = expect(rest, 0x18)?;
    let mut next_update = None;
    if let Some((c, after)) = expect(rest, 0xa0) {
        next_update = expect(c, 0x18).and_then(|(t, _)| generalized_time(t));
        rest = after;
    }
    let scts = expect(rest, 0xa1)
        .and_then(|(c, _)| expect(c, 0x30))
        .map(|(exts, _)| single_scts(exts))
        .unwrap_or_default();
    Some(Single {
        serial: serial.to_vec(),
        status,
        revoked_at,
        this_update: generalized_time(this_update),
        next_update,
        scts,
    })
}

/// The SCTs among a single response's extensions.
fn single_scts(mut exts: &[u8]) -> Vec<Sct> {
    while let Some((ext, rest)) = expect(exts, 0x30) {
        exts = rest;
        let Some((oid, mut body)) = expect(ext, 0x06) else {
            continue;
        };
        if oid != OID_OCSP_SCTS {
            continue;
        }
        if let Some((0x01, _, after)) = tlv(body) {
            body = after; // critical
        }
        // extnValue: OCTET STRING { OCTET STRING { SignedCertificateTimestampList } }
        let list = expect(body, 0x04)
            .and_then(|(v, _)| expect(v, 0x04))
            .and_then(|(l, _)| sct::read_list(l, Delivery::Ocsp));
        return list.unwrap_or_default();
    }
    Vec::new()
}

fn unreadable(problem: &str) -> OcspReport {
    OcspReport {
        status: OcspStatus::Unreadable,
        produced_at: None,
        this_update: None,
        next_update: None,
        revoked_at: None,
        stale: false,
        signature: OcspSignature::NotChecked,
        signer: None,
        scts: Vec::new(),
        problems: vec![problem.to_owned()],
    }
}

/// The signed parts of a BasicOCSPResponse.
struct Signed<'a> {
    /// `tbsResponseData`, the whole TLV.
    tbs: &'a [u8],
    /// Its content.
    data: &'a [u8],
    alg: AlgorithmIdentifier<'a>,
    signature: &'a [u8],
    /// `certs`, DER each.
    certs: Vec<&'a [u8]>,
}

fn read_basic(basic: &[u8]) -> Option<Signed<'_>> {
    let (seq, _) = expect(basic, 0x30)?;
    let data = tlv_whole(seq).filter(|t| t.tag == 0x30)?;
    let alg = tlv_whole(data.rest).filter(|t| t.tag == 0x30)?;
    let (_, alg_id) = AlgorithmIdentifier::from_der(alg.whole).ok()?;
    let (bits, rest) = expect(alg.rest, 0x03)?;
    // A BIT STRING's first byte counts the unused bits (0 for signatures).
    let signature = bits.get(1..)?;
    let mut certs = Vec::new();
    if let Some((mut list, _)) = expect(rest, 0xa0).and_then(|(c, _)| expect(c, 0x30)) {
        while let Some(cert) = tlv_whole(list).filter(|t| t.tag == 0x30) {
            certs.push(cert.whole);
            list = cert.rest;
        }
    }
    Some(Signed {
        tbs: data.whole,
        data: data.content,
        alg: alg_id,
        signature,
        certs,
    })
}

/// Who made the signature: the issuer's key, or a delegated responder
/// certificate of `signed.certs` that the issuer signed for OCSP signing.
fn check_signature(
    signed: &Signed<'_>,
    issuer: Option<&X509Certificate<'_>>,
) -> (OcspSignature, Option<OcspSigner>) {
    let Some(issuer) = issuer else {
        return (OcspSignature::NotChecked, None);
    };
    fn with(signed: &Signed<'_>, key: &SubjectPublicKeyInfo<'_>) -> SigCheck {
        sigverify::verify_signed(&signed.alg, signed.tbs, signed.signature, key)
    }
    match with(signed, issuer.public_key()) {
        SigCheck::Valid => return (OcspSignature::Valid, Some(OcspSigner::Issuer)),
        SigCheck::Unsupported(_) => return (OcspSignature::Unsupported, None),
        SigCheck::Invalid => {}
    }
    for der in &signed.certs {
        let Ok((_, responder)) = X509Certificate::from_der(der) else {
            continue;
        };
        let for_ocsp = responder
            .extended_key_usage()
            .ok()
            .flatten()
            .is_some_and(|e| e.value.ocsp_signing);
        let by_issuer = responder.issuer() == issuer.subject()
            && sigverify::verify(&responder, issuer.public_key()) == SigCheck::Valid;
        if for_ocsp && by_issuer && with(signed, responder.public_key()) == SigCheck::Valid {
            return (OcspSignature::Valid, Some(OcspSigner::Delegated));
        }
    }
    (OcspSignature::Invalid, None)
}

/// Reads `der` as an OCSPResponse about `leaf`, issued by `issuer` when known.
pub fn read(
    der: &[u8],
    leaf: &X509Certificate<'_>,
    issuer: Option<&X509Certificate<'_>>,
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
    let Some(signed) = basic.and_then(read_basic) else {
        return unreadable("not a basic OCSP response");
    };
    let mut data = signed.data;
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
    let (signature, signer) = check_signature(&signed, issuer);
    match signature {
        OcspSignature::Invalid => problems.push(
            "the responder's signature does not verify with the issuer's key or an authorised \
             responder certificate: clients ignore this staple"
                .to_owned(),
        ),
        OcspSignature::Unsupported => {
            problems.push("the responder's signature algorithm cannot be checked here".to_owned())
        }
        OcspSignature::Valid | OcspSignature::NotChecked => {}
    }
    OcspReport {
        status: single.status,
        produced_at: generalized_time(produced).map(rfc3339),
        this_update: single.this_update.map(rfc3339),
        next_update: single.next_update.map(rfc3339),
        revoked_at: single.revoked_at.map(rfc3339),
        stale,
        signature,
        signer,
        scts: single.scts,
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
