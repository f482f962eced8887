//! The quality of a server's finite-field Diffie-Hellman parameters and the
//! freshness of its ephemeral keys, judged from what the relay recorded
//! (`key_exchange.dh_groups`, `key_exchange.public_values`).
//!
//! For each DH group:
//!
//! 1. **Well known?** The prime is looked up in [`crate::dh_primes`] (the RFC
//!    groups, server and library built-ins, the Logjam paper's common
//!    primes). A known prime's structure is taken from the table and not
//!    tested again.
//! 2. **Prime?** Otherwise `p` is trial-divided by the primes below 1000,
//!    then given one Miller–Rabin round to base 2 (`num-bigint-dig`,
//!    deterministic). Composites that pass it (strong pseudoprimes to base
//!    2) exist but are vanishingly rare at these sizes, and a server gains
//!    nothing by forging one; a full Baillie–PSW test would triple the time
//!    in WebAssembly. A composite modulus breaks the key exchange.
//! 3. **Safe prime?** `q = (p − 1) / 2` is tested the same way. When it is
//!    composite, the small factors of `p − 1` (below 1000) are named: TLS
//!    does not send the subgroup order, so a client cannot tell whether the
//!    server's value is confined to a small subgroup.
//! 4. **Generator and public values**: `g` and each server value must lie
//!    in `[2, p − 2]`.
//!
//! Primes above [`MAX_CHECKED_BITS`] are not tested (a primality test there
//! takes seconds in WebAssembly, and custom primes are rarely larger); the
//! report says so.
//!
//! Key reuse is a comparison: two handshakes of the same kind (and group)
//! that carried the same server public value mean the server reuses its
//! "ephemeral" key, as SSL Labs' "DH/ECDH public server param reuse" shows.

use std::collections::BTreeMap;

use num_bigint_dig::prime::probably_prime_miller_rabin;
use num_bigint_dig::BigUint;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::dh_primes::{self, Structure};
use crate::facts::{DhGroupFacts, KexKind, PublicValueFacts};
use crate::hex::Hex;
use crate::wire::NamedGroup;

/// The largest prime tested for primality, in bits.
pub const MAX_CHECKED_BITS: u32 = 4096;

/// Small primes tried as factors of `p − 1` for a prime that is not safe.
const SMALL_FACTOR_LIMIT: u32 = 1000;

/// What is known of a DH modulus's primality.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Primality {
    /// Prime (well known, or passed Baillie–PSW).
    Prime,
    /// Not prime.
    Composite,
    /// Too large to test here.
    NotChecked,
}

/// One DH group as judged.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DhGroupReport {
    /// Size of the prime in bits.
    pub bits: u32,
    /// The generator, in decimal when small, else in hex.
    pub generator: String,
    /// SHA-256 of the prime's big-endian bytes, hex: compare with other
    /// scans or with the table of well-known primes.
    pub prime_sha256: String,
    /// The name of a well-known prime (`RFC 7919 ffdhe2048`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub known: Option<String>,
    /// Where that prime is published or found.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Whether the modulus is prime.
    pub prime: Primality,
    /// Whether it is a safe prime (`(p − 1) / 2` prime); `None` when not
    /// known.
    pub safe_prime: Option<bool>,
    /// The bits of the prime-order subgroup of a DSA-style known group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subgroup_bits: Option<u32>,
    /// Small prime factors of `p − 1` other than 2, for a prime that is
    /// not safe.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub small_factors: Vec<u32>,
    /// What is wrong, in words.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub problems: Vec<String>,
}

impl DhGroupReport {
    /// Whether this prime is a well-known one of at most 1024 bits: the
    /// primes a precomputation (Logjam) pays off for.
    pub fn common_and_small(&self) -> bool {
        self.known.is_some() && self.bits <= 1024
    }
}

fn generator_text(g: &BigUint) -> String {
    if g.bits() <= 64 {
        g.to_string()
    } else {
        format!("0x{}", g.to_str_radix(16))
    }
}

/// Judges one group, and the DHE public values seen with it.
pub fn analyse(group: &DhGroupFacts, values: &[&Hex]) -> DhGroupReport {
    let p = BigUint::from_bytes_be(group.p.as_bytes());
    let g = BigUint::from_bytes_be(group.g.as_bytes());
    let bits = u32::try_from(p.bits()).unwrap_or(u32::MAX);
    let digest = Sha256::digest(group.p.trimmed());
    let mut report = DhGroupReport {
        bits,
        generator: generator_text(&g),
        prime_sha256: Hex(digest.to_vec()).to_hex(),
        known: None,
        source: None,
        prime: Primality::NotChecked,
        safe_prime: None,
        subgroup_bits: None,
        small_factors: Vec::new(),
        problems: Vec::new(),
    };
    match dh_primes::lookup(group.p.as_bytes()) {
        Some(k) => {
            report.known = Some(k.name.to_owned());
            report.source = Some(k.source.to_owned());
            report.prime = Primality::Prime;
            match k.structure {
                Structure::SafePrime => report.safe_prime = Some(true),
                Structure::Subgroup { q_bits } => {
                    report.safe_prime = Some(false);
                    report.subgroup_bits = Some(q_bits);
                }
                Structure::Other => report.safe_prime = Some(false),
            }
        }
        None => test_unknown(&p, &mut report),
    }
    describe(&mut report, &p, &g, values);
    report
}

/// Primality and safety of a prime that is not in the table.
fn test_unknown(p: &BigUint, report: &mut DhGroupReport) {
    if report.bits > MAX_CHECKED_BITS {
        report.problems.push(format!(
            "a {}-bit prime is too large to be tested here (limit {MAX_CHECKED_BITS} bits)",
            report.bits
        ));
        return;
    }
    if !probable_prime(p) {
        report.prime = Primality::Composite;
        return;
    }
    report.prime = Primality::Prime;
    let q: BigUint = p >> 1usize;
    let safe = probable_prime(&q);
    report.safe_prime = Some(safe);
    if !safe {
        report.small_factors = small_factors(&q);
    }
}

/// The odd primes below [`SMALL_FACTOR_LIMIT`].
fn small_primes() -> impl Iterator<Item = u32> {
    (3..SMALL_FACTOR_LIMIT).step_by(2).filter(|d| {
        (3..*d)
            .step_by(2)
            .take_while(|k| k * k <= *d)
            .all(|k| d % k != 0)
    })
}

/// The odd primes below [`SMALL_FACTOR_LIMIT`] dividing `n`.
fn small_factors(n: &BigUint) -> Vec<u32> {
    small_primes()
        .filter(|d| (n % BigUint::from(*d)) == BigUint::default())
        .collect()
}

/// Trial division by the primes below [`SMALL_FACTOR_LIMIT`], then one
/// Miller–Rabin round to base 2.
fn probable_prime(n: &BigUint) -> bool {
    let zero = BigUint::default();
    if *n < BigUint::from(SMALL_FACTOR_LIMIT) {
        let Some(v) = small_value(n) else {
            return false;
        };
        return v == 2
            || (v > 2
                && v % 2 == 1
                && small_primes()
                    .take_while(|d| d * d <= v)
                    .all(|d| v % d != 0));
    }
    if n % BigUint::from(2u32) == zero || small_primes().any(|d| n % BigUint::from(d) == zero) {
        return false;
    }
    probably_prime_miller_rabin(n, 1, true)
}

/// `n` as a `u32` when it fits.
fn small_value(n: &BigUint) -> Option<u32> {
    let bytes = n.to_bytes_be();
    (bytes.len() <= 4).then(|| bytes.iter().fold(0u32, |a, b| a << 8 | u32::from(*b)))
}

/// The problems of a judged group, in words.
fn describe(report: &mut DhGroupReport, p: &BigUint, g: &BigUint, values: &[&Hex]) {
    let one = BigUint::from(1u32);
    let p_minus_1 = if *p > one { p - &one } else { one.clone() };
    if report.prime == Primality::Composite {
        report.problems.push(
            "the DH modulus is not a prime: the discrete logarithm splits into small problems and \
             the key exchange can be broken"
                .to_owned(),
        );
    }
    if report.prime == Primality::Prime && report.safe_prime == Some(false) {
        let what = match (report.subgroup_bits, report.small_factors.is_empty()) {
            (Some(q), _) => format!(
                "a DSA-style group with a {q}-bit prime-order subgroup: TLS does not send the \
                 subgroup order, so clients cannot check the server's value (RFC 7919 recommends \
                 safe-prime groups)"
            ),
            (None, false) => format!(
                "not a safe prime: p − 1 has the small factors {}, and TLS does not send the \
                 subgroup order, so small-subgroup confinement cannot be ruled out",
                join(&report.small_factors)
            ),
            (None, true) => "not a safe prime ((p − 1) / 2 is composite), and TLS does not send \
                             the subgroup order"
                .to_owned(),
        };
        report.problems.push(what);
    }
    if report.common_and_small() {
        report.problems.push(format!(
            "a widely shared {}-bit prime: one precomputation (Logjam) breaks every server using it",
            report.bits
        ));
    }
    if *g <= one || *g >= p_minus_1 {
        report.problems.push(format!(
            "the generator {} is degenerate (it must lie in [2, p − 2])",
            report.generator
        ));
    }
    let bad_values = values
        .iter()
        .map(|v| BigUint::from_bytes_be(v.as_bytes()))
        .filter(|y| *y <= one || *y >= p_minus_1)
        .count();
    if bad_values > 0 {
        report.problems.push(format!(
            "{bad_values} server public value(s) outside [2, p − 2] (degenerate, no secret)"
        ));
    }
}

fn join(factors: &[u32]) -> String {
    factors
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Judges every group; each DHE public value is checked against the group
/// when there is only one (the facts do not pair values with groups).
pub fn analyse_all(groups: &[DhGroupFacts], values: &[PublicValueFacts]) -> Vec<DhGroupReport> {
    let dhe: Vec<&Hex> = values
        .iter()
        .filter(|v| v.kind == KexKind::Dhe)
        .map(|v| &v.value)
        .collect();
    groups
        .iter()
        .map(|g| analyse(g, if groups.len() == 1 { &dhe } else { &[] }))
        .collect()
}

/// Whether the server reused a public value of `kind`: `Some(true)` when
/// two handshakes carried the same value, `Some(false)` when at least two
/// values of one group were seen and all differ, `None` when fewer than two
/// could be compared.
pub fn reuse(values: &[PublicValueFacts], kind: KexKind) -> Option<bool> {
    let mut by_group: BTreeMap<Option<NamedGroup>, Vec<&Hex>> = BTreeMap::new();
    for v in values.iter().filter(|v| v.kind == kind) {
        by_group.entry(v.group).or_default().push(&v.value);
    }
    let mut compared = false;
    for seen in by_group.values() {
        if seen.len() < 2 {
            continue;
        }
        compared = true;
        for (i, a) in seen.iter().enumerate() {
            if seen.iter().skip(i + 1).any(|b| b == a) {
                return Some(true);
            }
        }
    }
    compared.then_some(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(p: &[u8], g: u8) -> DhGroupFacts {
        DhGroupFacts {
            p: Hex(p.to_vec()),
            g: Hex(vec![g]),
        }
    }

    #[test]
    fn small_primes_are_judged() {
        // 23 = 2·11 + 1: a safe prime.
        let r = analyse(&group(&[23], 5), &[]);
        assert_eq!((r.prime, r.safe_prime), (Primality::Prime, Some(true)));
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        // 31: prime, (31 − 1) / 2 = 15 = 3·5.
        let r = analyse(&group(&[31], 3), &[]);
        assert_eq!((r.prime, r.safe_prime), (Primality::Prime, Some(false)));
        assert_eq!(r.small_factors, [3, 5]);
        assert!(r.problems[0].contains("3, 5"), "{:?}", r.problems);
        // 221 = 13·17.
        let r = analyse(&group(&[221], 2), &[]);
        assert_eq!(r.prime, Primality::Composite);
        assert!(r.problems[0].contains("not a prime"));
    }

    #[test]
    fn degenerate_generator_and_values_are_flagged() {
        let r = analyse(&group(&[23], 22), &[&Hex(vec![1]), &Hex(vec![5])]);
        assert!(r.problems.iter().any(|p| p.contains("generator 22")));
        assert!(r
            .problems
            .iter()
            .any(|p| p.starts_with("1 server public value")));
    }

    #[test]
    fn reuse_compares_within_a_kind_and_group() {
        let v = |kind, group, b: u8| PublicValueFacts {
            kind,
            group,
            value: Hex(vec![b; 4]),
        };
        let x = Some(NamedGroup::X25519);
        let p256 = Some(NamedGroup::SECP256R1);
        assert_eq!(reuse(&[], KexKind::Ecdhe), None);
        assert_eq!(reuse(&[v(KexKind::Ecdhe, x, 1)], KexKind::Ecdhe), None);
        // One value per group: nothing to compare.
        assert_eq!(
            reuse(
                &[v(KexKind::Ecdhe, x, 1), v(KexKind::Ecdhe, p256, 1)],
                KexKind::Ecdhe
            ),
            None
        );
        assert_eq!(
            reuse(
                &[v(KexKind::Ecdhe, x, 1), v(KexKind::Ecdhe, x, 2)],
                KexKind::Ecdhe
            ),
            Some(false)
        );
        let same = [v(KexKind::Dhe, None, 7), v(KexKind::Dhe, None, 7)];
        assert_eq!(reuse(&same, KexKind::Dhe), Some(true));
        assert_eq!(reuse(&same, KexKind::Ecdhe), None);
    }
}
