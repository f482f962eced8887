//! The IANA "TLS Supported Groups" registry (elliptic curves, finite-field DH groups,
//! and post-quantum / hybrid key exchanges), with each group's size and its
//! RSA-equivalent strength per NIST SP 800-57 Part 1 Table 2.

/// What kind of key exchange a group is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GroupKind {
    /// A Weierstrass curve over a prime or binary field (secp*, sect*, brainpool*, GOST, SM2).
    EllipticCurve,
    /// x25519 and x448.
    Montgomery,
    /// An RFC 7919 finite-field Diffie-Hellman group.
    FiniteField,
    /// A post-quantum hybrid (an ECDH share plus an ML-KEM / Kyber share).
    Hybrid,
    /// A pure post-quantum KEM (ML-KEM).
    PostQuantum,
    /// Anything else (the `arbitrary_explicit_*` markers).
    Other,
}

/// Everything known about one named group.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct GroupInfo {
    /// The code point, e.g. `23` for secp256r1.
    pub code: u16,
    /// IANA name: `"secp256r1"`, `"x25519"`, `"ffdhe2048"`, `"X25519MLKEM768"`, ...
    pub name: &'static str,
    pub kind: GroupKind,
    /// Field / curve size in bits (x25519 255, x448 448, ffdhe2048 2048); for hybrids
    /// the classical part's size; for pure ML-KEM the lattice dimension (512/768/1024);
    /// 0 for the `arbitrary_explicit_*` markers.
    pub bits: u16,
    /// NIST SP 800-57 RSA-equivalent strength: see [`ec_rsa_equivalent`]; x25519 3072,
    /// x448 7680; finite-field groups their modulus size; hybrids their classical
    /// part's equivalence; ML-KEM 512/768/1024 by NIST level 1/3/5 (3072/7680/15360).
    pub rsa_equivalent_bits: u32,
    /// IANA "Recommended = N" groups that browsers no longer offer (sect*, secp160*,
    /// secp192*, secp224*, arbitrary_explicit_*) and withdrawn draft hybrids.
    pub deprecated: bool,
}

/// The group with this code point, or `None` if it is unassigned (or GREASE).
pub fn lookup(code: u16) -> Option<GroupInfo> {
    GROUPS
        .binary_search_by_key(&code, |g| g.code)
        .ok()
        .and_then(|i| GROUPS.get(i))
        .copied()
}

/// The group with this IANA name (ASCII case-insensitive), or one of the common
/// aliases: `prime256v1`, `P-256`, `P-384`, `P-521`, `X25519`, `curve25519`, ...
pub fn by_name(name: &str) -> Option<GroupInfo> {
    let canonical = ALIASES
        .iter()
        .find(|(alias, _)| alias.eq_ignore_ascii_case(name))
        .map_or(name, |&(_, iana)| iana);
    GROUPS
        .iter()
        .find(|g| g.name.eq_ignore_ascii_case(canonical))
        .copied()
}

/// Every group in the table, ascending by code.
pub fn all() -> impl Iterator<Item = GroupInfo> {
    GROUPS.iter().copied()
}

/// RSA-equivalent strength of an elliptic-curve key of `bits` bits (NIST SP 800-57
/// Part 1 Table 2): 160–223 → 1024, 224–255 → 2048, 256–383 → 3072, 384–511 → 7680,
/// 512 and up → 15360; below 160 → 512, and 0 → 0. (A finite-field DH prime or an RSA
/// modulus of `bits` bits is its own RSA equivalent; no conversion is needed.)
pub fn ec_rsa_equivalent(bits: u16) -> u32 {
    match bits {
        0 => 0,
        1..=159 => 512,
        160..=223 => 1024,
        224..=255 => 2048,
        256..=383 => 3072,
        384..=511 => 7680,
        _ => 15360,
    }
}

/// Alternative spellings accepted by [`by_name`] (matched case-insensitively).
static ALIASES: &[(&str, &str)] = &[
    ("prime192v1", "secp192r1"),
    ("P-192", "secp192r1"),
    ("P-224", "secp224r1"),
    ("prime256v1", "secp256r1"),
    ("P-256", "secp256r1"),
    ("P-384", "secp384r1"),
    ("P-521", "secp521r1"),
    ("curve25519", "x25519"),
    ("curve448", "x448"),
    ("X25519Kyber768", "X25519Kyber768Draft00"),
    ("SM2", "curveSM2"),
];

const fn g(
    code: u16,
    name: &'static str,
    kind: GroupKind,
    bits: u16,
    rsa_equivalent_bits: u32,
    deprecated: bool,
) -> GroupInfo {
    GroupInfo {
        code,
        name,
        kind,
        bits,
        rsa_equivalent_bits,
        deprecated,
    }
}

use GroupKind::{EllipticCurve as Ec, FiniteField as Ff, Hybrid as Hy, Montgomery as Mo};

/// Sorted by code.
#[rustfmt::skip]
static GROUPS: &[GroupInfo] = &[
    g(1, "sect163k1", Ec, 163, 1024, true),
    g(2, "sect163r1", Ec, 163, 1024, true),
    g(3, "sect163r2", Ec, 163, 1024, true),
    g(4, "sect193r1", Ec, 193, 1024, true),
    g(5, "sect193r2", Ec, 193, 1024, true),
    g(6, "sect233k1", Ec, 233, 2048, true),
    g(7, "sect233r1", Ec, 233, 2048, true),
    g(8, "sect239k1", Ec, 239, 2048, true),
    g(9, "sect283k1", Ec, 283, 3072, true),
    g(10, "sect283r1", Ec, 283, 3072, true),
    g(11, "sect409k1", Ec, 409, 7680, true),
    g(12, "sect409r1", Ec, 409, 7680, true),
    g(13, "sect571k1", Ec, 571, 15360, true),
    g(14, "sect571r1", Ec, 571, 15360, true),
    g(15, "secp160k1", Ec, 160, 1024, true),
    g(16, "secp160r1", Ec, 160, 1024, true),
    g(17, "secp160r2", Ec, 160, 1024, true),
    g(18, "secp192k1", Ec, 192, 1024, true),
    g(19, "secp192r1", Ec, 192, 1024, true),
    g(20, "secp224k1", Ec, 224, 2048, true),
    g(21, "secp224r1", Ec, 224, 2048, true),
    g(22, "secp256k1", Ec, 256, 3072, false),
    g(23, "secp256r1", Ec, 256, 3072, false),
    g(24, "secp384r1", Ec, 384, 7680, false),
    g(25, "secp521r1", Ec, 521, 15360, false),
    g(26, "brainpoolP256r1", Ec, 256, 3072, false),
    g(27, "brainpoolP384r1", Ec, 384, 7680, false),
    g(28, "brainpoolP512r1", Ec, 512, 15360, false),
    g(29, "x25519", Mo, 255, 3072, false),
    g(30, "x448", Mo, 448, 7680, false),
    g(31, "brainpoolP256r1tls13", Ec, 256, 3072, false),
    g(32, "brainpoolP384r1tls13", Ec, 384, 7680, false),
    g(33, "brainpoolP512r1tls13", Ec, 512, 15360, false),
    // RFC 9189 GOST curves.
    g(34, "GC256A", Ec, 256, 3072, false),
    g(35, "GC256B", Ec, 256, 3072, false),
    g(36, "GC256C", Ec, 256, 3072, false),
    g(37, "GC256D", Ec, 256, 3072, false),
    g(38, "GC512A", Ec, 512, 15360, false),
    g(39, "GC512B", Ec, 512, 15360, false),
    g(40, "GC512C", Ec, 512, 15360, false),
    // RFC 8998.
    g(41, "curveSM2", Ec, 256, 3072, false),
    g(256, "ffdhe2048", Ff, 2048, 2048, false),
    g(257, "ffdhe3072", Ff, 3072, 3072, false),
    g(258, "ffdhe4096", Ff, 4096, 4096, false),
    g(259, "ffdhe6144", Ff, 6144, 6144, false),
    g(260, "ffdhe8192", Ff, 8192, 8192, false),
    g(0x0200, "MLKEM512", GroupKind::PostQuantum, 512, 3072, false),
    g(0x0201, "MLKEM768", GroupKind::PostQuantum, 768, 7680, false),
    g(0x0202, "MLKEM1024", GroupKind::PostQuantum, 1024, 15360, false),
    g(0x11EB, "SecP256r1MLKEM768", Hy, 256, 3072, false),
    g(0x11EC, "X25519MLKEM768", Hy, 255, 3072, false),
    g(0x11ED, "SecP384r1MLKEM1024", Hy, 384, 7680, false),
    // Pre-standard Kyber hybrids (draft-tls-westerbaan-xyber768d00), withdrawn.
    g(0x6399, "X25519Kyber768Draft00", Hy, 255, 3072, true),
    g(0x639A, "SecP256r1Kyber768Draft00", Hy, 256, 3072, true),
    g(0xFF01, "arbitrary_explicit_prime_curves", GroupKind::Other, 0, 0, true),
    g(0xFF02, "arbitrary_explicit_char2_curves", GroupKind::Other, 0, 0, true),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn get(code: u16) -> GroupInfo {
        match lookup(code) {
            Some(info) => info,
            None => panic!("group {code} missing"),
        }
    }

    #[test]
    fn table_sorted_unique_and_round_trips() {
        let mut names = HashSet::new();
        for pair in GROUPS.windows(2) {
            if let [a, b] = pair {
                assert!(a.code < b.code, "{} then {}", a.code, b.code);
            }
        }
        for gi in all() {
            assert!(
                names.insert(gi.name.to_ascii_lowercase()),
                "duplicate {}",
                gi.name
            );
            assert_eq!(lookup(gi.code), Some(gi));
            assert_eq!(by_name(gi.name), Some(gi));
        }
        // Aliases point at real groups and never shadow another group's IANA name.
        for (alias, iana) in ALIASES {
            assert!(by_name(iana).is_some(), "{iana}");
            assert_eq!(by_name(alias).map(|g| g.name), Some(*iana));
            assert!(GROUPS
                .iter()
                .all(|g| !g.name.eq_ignore_ascii_case(alias) || g.name == *iana));
        }
        assert_eq!(all().count(), GROUPS.len());
    }

    #[test]
    fn all_iana_ec_groups_present() {
        for code in 1..=41 {
            assert!(lookup(code).is_some(), "{code}");
        }
        for code in 256..=260 {
            assert_eq!(get(code).kind, GroupKind::FiniteField);
        }
    }

    #[test]
    fn ec_equivalence_matches_table() {
        for gi in all().filter(|g| g.kind == GroupKind::EllipticCurve) {
            assert_eq!(
                gi.rsa_equivalent_bits,
                ec_rsa_equivalent(gi.bits),
                "{}",
                gi.name
            );
        }
        for gi in all().filter(|g| g.kind == GroupKind::FiniteField) {
            assert_eq!(gi.rsa_equivalent_bits, u32::from(gi.bits), "{}", gi.name);
        }
        for gi in all().filter(|g| g.kind != GroupKind::Other) {
            assert!(gi.bits > 0 && gi.rsa_equivalent_bits >= 1024, "{}", gi.name);
        }
    }

    #[test]
    fn ec_rsa_equivalent_boundaries() {
        assert_eq!(ec_rsa_equivalent(0), 0);
        assert_eq!(ec_rsa_equivalent(112), 512);
        assert_eq!(ec_rsa_equivalent(160), 1024);
        assert_eq!(ec_rsa_equivalent(223), 1024);
        assert_eq!(ec_rsa_equivalent(224), 2048);
        assert_eq!(ec_rsa_equivalent(255), 2048);
        assert_eq!(ec_rsa_equivalent(256), 3072);
        assert_eq!(ec_rsa_equivalent(383), 3072);
        assert_eq!(ec_rsa_equivalent(384), 7680);
        assert_eq!(ec_rsa_equivalent(511), 7680);
        assert_eq!(ec_rsa_equivalent(512), 15360);
        assert_eq!(ec_rsa_equivalent(521), 15360);
        assert_eq!(ec_rsa_equivalent(u16::MAX), 15360);
    }

    #[test]
    fn spot_checks() {
        let p256 = get(23);
        assert_eq!(
            (
                p256.name,
                p256.kind,
                p256.bits,
                p256.rsa_equivalent_bits,
                p256.deprecated
            ),
            ("secp256r1", GroupKind::EllipticCurve, 256, 3072, false)
        );
        let p384 = get(24);
        assert_eq!((p384.bits, p384.rsa_equivalent_bits), (384, 7680));
        let p521 = get(25);
        assert_eq!((p521.bits, p521.rsa_equivalent_bits), (521, 15360));
        let x = get(29);
        assert_eq!(
            (x.name, x.kind, x.bits, x.rsa_equivalent_bits),
            ("x25519", GroupKind::Montgomery, 255, 3072)
        );
        let x = get(30);
        assert_eq!(
            (x.name, x.kind, x.bits, x.rsa_equivalent_bits),
            ("x448", GroupKind::Montgomery, 448, 7680)
        );
        let s = get(1);
        assert_eq!(
            (s.name, s.bits, s.rsa_equivalent_bits, s.deprecated),
            ("sect163k1", 163, 1024, true)
        );
        let s = get(14);
        assert_eq!(
            (s.name, s.rsa_equivalent_bits, s.deprecated),
            ("sect571r1", 15360, true)
        );
        assert!(get(19).deprecated && get(21).deprecated && get(16).deprecated);
        assert_eq!(get(21).rsa_equivalent_bits, 2048);
        let b = get(26);
        assert_eq!(
            (b.name, b.rsa_equivalent_bits, b.deprecated),
            ("brainpoolP256r1", 3072, false)
        );
        assert_eq!(get(31).name, "brainpoolP256r1tls13");
        assert_eq!(get(33).rsa_equivalent_bits, 15360);
        let f = get(256);
        assert_eq!(
            (f.name, f.kind, f.bits, f.rsa_equivalent_bits),
            ("ffdhe2048", GroupKind::FiniteField, 2048, 2048)
        );
        assert_eq!(get(260).rsa_equivalent_bits, 8192);
    }

    #[test]
    fn post_quantum_and_hybrids() {
        let h = get(0x11EC);
        assert_eq!(
            (h.name, h.kind, h.bits, h.rsa_equivalent_bits, h.deprecated),
            ("X25519MLKEM768", GroupKind::Hybrid, 255, 3072, false)
        );
        let h = get(0x11EB);
        assert_eq!(
            (h.name, h.kind, h.bits, h.rsa_equivalent_bits),
            ("SecP256r1MLKEM768", GroupKind::Hybrid, 256, 3072)
        );
        let h = get(0x11ED);
        assert_eq!(
            (h.name, h.bits, h.rsa_equivalent_bits),
            ("SecP384r1MLKEM1024", 384, 7680)
        );
        let k = get(0x6399);
        assert_eq!(
            (k.name, k.kind, k.deprecated),
            ("X25519Kyber768Draft00", GroupKind::Hybrid, true)
        );
        let m: Vec<(u16, &str, GroupKind, u32)> = [0x0200, 0x0201, 0x0202]
            .into_iter()
            .map(|c| {
                let g = get(c);
                (g.code, g.name, g.kind, g.rsa_equivalent_bits)
            })
            .collect();
        assert_eq!(
            m,
            vec![
                (0x0200, "MLKEM512", GroupKind::PostQuantum, 3072),
                (0x0201, "MLKEM768", GroupKind::PostQuantum, 7680),
                (0x0202, "MLKEM1024", GroupKind::PostQuantum, 15360),
            ]
        );
        let a = get(0xFF01);
        assert_eq!(
            (a.name, a.kind, a.bits, a.rsa_equivalent_bits, a.deprecated),
            (
                "arbitrary_explicit_prime_curves",
                GroupKind::Other,
                0,
                0,
                true
            )
        );
        assert_eq!(get(0xFF02).name, "arbitrary_explicit_char2_curves");
    }

    #[test]
    fn aliases() {
        let code = |n: &str| by_name(n).map(|g| g.code);
        assert_eq!(code("prime256v1"), Some(23));
        assert_eq!(code("P-256"), Some(23));
        assert_eq!(code("p-256"), Some(23));
        assert_eq!(code("secp256r1"), Some(23));
        assert_eq!(code("P-384"), Some(24));
        assert_eq!(code("P-521"), Some(25));
        assert_eq!(code("X25519"), Some(29));
        assert_eq!(code("x25519"), Some(29));
        assert_eq!(code("X448"), Some(30));
        assert_eq!(code("x25519mlkem768"), Some(0x11EC));
        assert_eq!(code("FFDHE3072"), Some(257));
        assert_eq!(code("P-999"), None);
        assert_eq!(code(""), None);
    }

    #[test]
    fn unassigned_codes() {
        for code in [0, 42, 255, 261, 0x0203, 0x0A0A, 0x11EE, 0xFF00, 0xFFFF] {
            assert_eq!(lookup(code), None, "{code}");
        }
    }
}
