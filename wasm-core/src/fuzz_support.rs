//! The body of the fuzz targets, shared with the test that replays their corpus
//! (`tests/fuzz_corpus.rs`), so a crash found by the fuzzer is a failing
//! `cargo test` from then on.

use crate::anchors::TrustStore;
use crate::chain::{analyse, ChainInput};
use crate::der::Der;

/// Splits `data` into DER items (successive TLVs; an unparsable tail is one more
/// item), analyses them as a sent chain with the second half as AIA and the first
/// item also tried as an OCSP staple, and grades `data` as facts JSON. Must never
/// panic, whatever the input.
pub fn chain_and_grade(data: &[u8]) {
    let items = split_der(data);
    let (sent, aia) = items.split_at(items.len().div_ceil(2));
    let (store, _) = TrustStore::new(aia);
    let staple = items.first().map(|d| d.as_bytes());
    for host in [Some("example.test"), Some("127.0.0.1"), None] {
        let _ = analyse(
            ChainInput {
                sent,
                aia,
                ocsp_staple: staple,
                host,
                now: 1_800_000_000,
                max_intermediates: None,
            },
            &store,
        );
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = crate::grade_json(text, 1.8e12);
        let _ = crate::parse_chain_json(text, Some("example.test"), 1.8e12);
        let _ = crate::hsts::parse(text);
    }
}

/// Splits bytes into successive DER TLVs.
pub fn split_der(mut data: &[u8]) -> Vec<Der> {
    let mut out = Vec::new();
    while !data.is_empty() && out.len() < 16 {
        let len = tlv_len(data)
            .filter(|&n| n <= data.len())
            .unwrap_or(data.len());
        out.push(Der(data[..len].to_vec()));
        data = &data[len..];
    }
    out
}

fn tlv_len(d: &[u8]) -> Option<usize> {
    let first = *d.get(1)?;
    if first < 0x80 {
        return Some(2 + usize::from(first));
    }
    let n = usize::from(first & 0x7f);
    if n == 0 || n > 3 {
        return None;
    }
    let len = d
        .get(2..2 + n)?
        .iter()
        .fold(0usize, |a, &b| (a << 8) | usize::from(b));
    Some(2 + n + len)
}
