//! The IANA "TLS Cipher Suites" registry, plus the handful of non-IANA suites that
//! scanners still meet in the wild (the `EXPORT1024` suites 0x0060–0x0066 and the
//! pre-standard ChaCha20 suites 0xCC13–0xCC15).
//!
//! The table holds only the code point, the IANA name and OpenSSL's name. Every other
//! property (key exchange, authentication, bulk cipher, strength, block size, mode,
//! export, TLS 1.3) is derived from the IANA name by [`lookup`], so the table stays one
//! line per suite and cannot disagree with itself.
//!
//! Signalling cipher suite values ([`EMPTY_RENEGOTIATION_INFO_SCSV`], [`FALLBACK_SCSV`])
//! are not suites and are not in the table.

use std::collections::HashMap;
use std::sync::OnceLock;

/// How the premaster / handshake secret is agreed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyExchange {
    /// No key exchange (`TLS_NULL_WITH_NULL_NULL`).
    Null,
    /// RSA key transport.
    Rsa,
    /// RSA key transport with a (512- or 1024-bit) export key.
    RsaExport,
    /// Static Diffie-Hellman (`TLS_DH_RSA_*`, `TLS_DH_DSS_*`).
    Dh,
    /// Ephemeral Diffie-Hellman, including anonymous `TLS_DH_anon_*`.
    Dhe,
    /// Static elliptic-curve Diffie-Hellman (`TLS_ECDH_RSA_*`, `TLS_ECDH_ECDSA_*`).
    Ecdh,
    /// Ephemeral elliptic-curve Diffie-Hellman, including anonymous `TLS_ECDH_anon_*`.
    Ecdhe,
    /// Plain pre-shared key.
    Psk,
    /// Pre-shared key with ephemeral Diffie-Hellman.
    DhePsk,
    /// Pre-shared key with ephemeral elliptic-curve Diffie-Hellman.
    EcdhePsk,
    /// Pre-shared key with RSA key transport.
    RsaPsk,
    /// Secure Remote Password.
    Srp,
    /// Kerberos 5.
    Krb5,
    /// GOST R 34.10 (VKO) key agreement.
    Gost,
    /// A TLS 1.3 suite: (EC)DHE through `key_share` (or PSK), not named by the suite.
    Tls13,
    /// TLS-PWD with elliptic curves (RFC 8492).
    Eccpwd,
    /// Anything else.
    Other,
}

/// How the server (or both peers) is authenticated.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Authentication {
    /// Anonymous: no authentication at all.
    Null,
    Rsa,
    Dss,
    Ecdsa,
    Psk,
    Krb5,
    Gost,
    Srp,
    /// A TLS 1.3 suite: decided by the certificate, not by the suite.
    Tls13,
    Other,
}

/// How the bulk cipher is used.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CipherMode {
    /// No encryption.
    Null,
    /// A stream cipher (RC4) or a block cipher in a counter mode with a separate MAC.
    Stream,
    /// A block cipher in CBC mode with a separate MAC (MAC-then-encrypt).
    Cbc,
    /// Authenticated encryption (GCM, CCM, ChaCha20-Poly1305, MGM, AEGIS).
    Aead,
}

/// Everything known about one cipher suite.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SuiteInfo {
    /// The code point, e.g. `0xC02F`.
    pub code: u16,
    /// IANA name, e.g. `"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"`.
    pub name: &'static str,
    /// OpenSSL's name where OpenSSL has one, e.g. `"ECDHE-RSA-AES128-GCM-SHA256"`;
    /// TLS 1.3 suites use the IANA name, as OpenSSL does.
    pub openssl_name: Option<&'static str>,
    pub kx: KeyExchange,
    pub auth: Authentication,
    /// Bulk cipher as in the name: `"AES_128_GCM"`, `"3DES_EDE_CBC"`, `"RC4_128"`,
    /// `"CHACHA20_POLY1305"`, `"NULL"`, `"DES40_CBC"`, ...
    pub cipher: &'static str,
    /// Effective symmetric strength in bits: NULL 0, export 40, DES 56, 3DES 112 (as
    /// SSL Labs counts it), 128-bit ciphers 128, AES-256 / ChaCha20 / GOST 256.
    pub bits: u16,
    /// Cipher block size in bits: 64 for DES, 3DES, IDEA, RC2 and GOST 28147 (Magma),
    /// 128 for AES, Camellia, ARIA, SEED, SM4 and Kuznyechik, 0 for stream ciphers and NULL.
    pub block_bits: u16,
    pub mode: CipherMode,
    /// An EXPORT (or EXPORT1024) suite.
    pub export: bool,
    /// A suite usable only with TLS 1.3.
    pub tls13: bool,
}

impl SuiteInfo {
    /// Whether the key exchange is ephemeral (anonymous DHE/ECDHE counts too).
    pub fn forward_secret(&self) -> bool {
        matches!(
            self.kx,
            KeyExchange::Dhe
                | KeyExchange::Ecdhe
                | KeyExchange::DhePsk
                | KeyExchange::EcdhePsk
                | KeyExchange::Tls13
        )
    }

    /// Whether the suite authenticates nobody (`TLS_DH_anon_*`, `TLS_ECDH_anon_*`).
    /// `TLS_NULL_WITH_NULL_NULL` and the PSK suites are not counted as anonymous.
    pub fn anonymous(&self) -> bool {
        self.auth == Authentication::Null
            && !matches!(
                self.kx,
                KeyExchange::Null
                    | KeyExchange::Psk
                    | KeyExchange::DhePsk
                    | KeyExchange::EcdhePsk
                    | KeyExchange::RsaPsk
            )
    }

    /// Whether the suite uses authenticated encryption.
    pub fn aead(&self) -> bool {
        self.mode == CipherMode::Aead
    }
}

/// `TLS_EMPTY_RENEGOTIATION_INFO_SCSV` (RFC 5746): a signal, not a suite.
pub const EMPTY_RENEGOTIATION_INFO_SCSV: u16 = 0x00FF;
/// `TLS_FALLBACK_SCSV` (RFC 7507): a signal, not a suite.
pub const FALLBACK_SCSV: u16 = 0x5600;

/// The suite with this code point, or `None` for an unassigned code or an SCSV.
pub fn lookup(code: u16) -> Option<SuiteInfo> {
    let rows = derived();
    rows.binary_search_by_key(&code, |s| s.code)
        .ok()
        .and_then(|i| rows.get(i))
        .copied()
}

/// The suite with this IANA name or OpenSSL name (ASCII case-insensitive). A Java-style
/// `SSL_` prefix in place of `TLS_` is accepted too (`SSL_RSA_WITH_RC4_128_MD5`).
pub fn by_name(name: &str) -> Option<SuiteInfo> {
    names()
        .get(&name.to_ascii_lowercase())
        .and_then(|&code| lookup(code))
}

/// Every suite in the table, ascending by code.
pub fn all() -> impl Iterator<Item = SuiteInfo> {
    derived().iter().copied()
}

/// Every row of the table with its properties [`derive`]d, once per process
/// (deriving parses the name; reports, the client table and the relay's
/// hellos look suites up thousands of times).
fn derived() -> &'static [SuiteInfo] {
    static DERIVED: OnceLock<Vec<SuiteInfo>> = OnceLock::new();
    DERIVED.get_or_init(|| SUITES.iter().map(|&(c, n, o)| derive(c, n, o)).collect())
}

/// Every name a suite answers to, lower-cased: the IANA name, OpenSSL's name
/// and the `SSL_`-prefixed IANA name. Where two rows share a name, the first
/// row in the table has it.
fn names() -> &'static HashMap<String, u16> {
    static NAMES: OnceLock<HashMap<String, u16>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut map = HashMap::new();
        for &(code, iana, openssl) in SUITES {
            let ssl_prefixed = iana.get(4..).map(|rest| format!("ssl_{rest}"));
            for name in [
                Some(iana.to_owned()),
                openssl.map(str::to_owned),
                ssl_prefixed,
            ]
            .into_iter()
            .flatten()
            {
                map.entry(name.to_ascii_lowercase()).or_insert(code);
            }
        }
        map
    })
}

/// Builds the full record for one table row from its IANA name.
fn derive(code: u16, name: &'static str, openssl_name: Option<&'static str>) -> SuiteInfo {
    let body = name.strip_prefix("TLS_").unwrap_or(name);
    let (kx_part, cipher_part) = match body.split_once("_WITH_") {
        Some((kx, cipher)) => (Some(kx), cipher),
        None => (None, body),
    };
    let cipher = bulk_cipher(cipher_part);
    let (bits, block_bits, mode) = cipher_properties(cipher);

    let (kx, auth, export, tls13) = match kx_part {
        // No "_WITH_": a TLS 1.3 suite (TLS_AES_128_GCM_SHA256, TLS_SM4_GCM_SM3, ...).
        None => (KeyExchange::Tls13, Authentication::Tls13, false, true),
        Some(kx_part) => {
            let export = kx_part.split('_').any(|t| t.starts_with("EXPORT"));
            let tokens: Vec<&str> = kx_part
                .split('_')
                .filter(|t| !t.starts_with("EXPORT"))
                .collect();
            let (kx, auth) = key_exchange(&tokens, export);
            // RFC 9367: the GOST suites with MGM are TLS 1.3 suites.
            if kx == KeyExchange::Gost && cipher.contains("_MGM") {
                (KeyExchange::Tls13, Authentication::Tls13, export, true)
            } else {
                (kx, auth, export, false)
            }
        }
    };

    SuiteInfo {
        code,
        name,
        openssl_name,
        kx,
        auth,
        cipher,
        bits,
        block_bits,
        mode,
        export,
        tls13,
    }
}

/// Maps the part of the name before `_WITH_` (export markers removed) to kx and auth.
fn key_exchange(tokens: &[&str], export: bool) -> (KeyExchange, Authentication) {
    use Authentication as A;
    use KeyExchange as K;
    match tokens {
        ["NULL"] => (K::Null, A::Null),
        ["RSA"] if export => (K::RsaExport, A::Rsa),
        ["RSA"] => (K::Rsa, A::Rsa),
        ["DH", "RSA"] => (K::Dh, A::Rsa),
        ["DH", "DSS"] => (K::Dh, A::Dss),
        ["DHE", "RSA"] => (K::Dhe, A::Rsa),
        ["DHE", "DSS"] => (K::Dhe, A::Dss),
        ["DH", "anon"] => (K::Dhe, A::Null),
        ["ECDH", "RSA"] => (K::Ecdh, A::Rsa),
        ["ECDH", "ECDSA"] => (K::Ecdh, A::Ecdsa),
        ["ECDHE", "RSA"] => (K::Ecdhe, A::Rsa),
        ["ECDHE", "ECDSA"] => (K::Ecdhe, A::Ecdsa),
        ["ECDH", "anon"] => (K::Ecdhe, A::Null),
        ["PSK"] => (K::Psk, A::Psk),
        ["DHE", "PSK"] | ["PSK", "DHE"] => (K::DhePsk, A::Psk),
        ["ECDHE", "PSK"] => (K::EcdhePsk, A::Psk),
        ["RSA", "PSK"] => (K::RsaPsk, A::Rsa),
        ["KRB5"] => (K::Krb5, A::Krb5),
        ["SRP", "SHA"] => (K::Srp, A::Srp),
        ["SRP", "SHA", "RSA"] => (K::Srp, A::Rsa),
        ["SRP", "SHA", "DSS"] => (K::Srp, A::Dss),
        ["ECCPWD"] => (K::Eccpwd, A::Other),
        [gost, ..] if gost.starts_with("GOSTR") => (K::Gost, A::Gost),
        _ => (K::Other, A::Other),
    }
}

/// The part of the name after `_WITH_` (or after `TLS_` for TLS 1.3) without its
/// MAC / PRF hash: `AES_128_GCM_SHA256` → `AES_128_GCM`, `NULL_SHA` → `NULL`.
fn bulk_cipher(part: &'static str) -> &'static str {
    const MACS: [&str; 9] = [
        "MD5",
        "SHA",
        "SHA256",
        "SHA384",
        "SHA512",
        "SM3",
        "OMAC",
        "IMIT",
        "GOSTR3411",
    ];
    // Pre-standard ChaCha20 suites carry an "_OLD" marker after the hash.
    let part = part.strip_suffix("_OLD").unwrap_or(part);
    if part == "NULL_NULL" {
        return "NULL";
    }
    let stripped = match part.rsplit_once('_') {
        Some((head, mac)) if MACS.contains(&mac) => head,
        _ => part,
    };
    // Integrity-only TLS 1.3 suites (TLS_SHA256_SHA256) have no cipher at all.
    if MACS.contains(&stripped) {
        "NULL"
    } else {
        stripped
    }
}

/// Strength, block size and mode of a bulk cipher as named by [`bulk_cipher`].
fn cipher_properties(cipher: &str) -> (u16, u16, CipherMode) {
    use CipherMode as M;
    let mut tokens = cipher.split('_');
    let alg = tokens.next().unwrap_or("");
    let rest: Vec<&str> = tokens.collect();
    let size = rest
        .iter()
        .find_map(|t| t.trim_end_matches('L').parse::<u16>().ok());
    let mode = if rest
        .iter()
        .any(|t| matches!(*t, "GCM" | "CCM" | "POLY1305" | "MGM"))
    {
        M::Aead
    } else if rest.contains(&"CBC") {
        M::Cbc
    } else if rest.iter().any(|t| matches!(*t, "CTR" | "CNT")) {
        M::Stream
    } else {
        M::Null
    };
    match alg {
        "NULL" => (0, 0, M::Null),
        "RC4" => (size.unwrap_or(128), 0, M::Stream),
        "RC2" => (size.unwrap_or(128), 64, M::Cbc),
        "IDEA" => (128, 64, M::Cbc),
        "DES40" => (40, 64, M::Cbc),
        "DES" => (size.unwrap_or(56), 64, M::Cbc),
        "3DES" => (112, 64, M::Cbc),
        "AES" | "CAMELLIA" | "ARIA" => (size.unwrap_or(0), 128, mode),
        "SEED" => (128, 128, M::Cbc),
        "SM4" => (128, 128, mode),
        "CHACHA20" => (256, 0, M::Aead),
        "AEGIS" => (size.unwrap_or(0), 128, M::Aead),
        "KUZNYECHIK" => (256, 128, mode),
        "MAGMA" | "28147" => (256, 64, mode),
        _ => (0, 0, M::Null),
    }
}

/// (code, IANA name, OpenSSL name), sorted by code.
#[rustfmt::skip]
static SUITES: &[(u16, &str, Option<&str>)] = &[
    (0x0000, "TLS_NULL_WITH_NULL_NULL", None),
    (0x0001, "TLS_RSA_WITH_NULL_MD5", Some("NULL-MD5")),
    (0x0002, "TLS_RSA_WITH_NULL_SHA", Some("NULL-SHA")),
    (0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5", Some("EXP-RC4-MD5")),
    (0x0004, "TLS_RSA_WITH_RC4_128_MD5", Some("RC4-MD5")),
    (0x0005, "TLS_RSA_WITH_RC4_128_SHA", Some("RC4-SHA")),
    (0x0006, "TLS_RSA_EXPORT_WITH_RC2_CBC_40_MD5", Some("EXP-RC2-CBC-MD5")),
    (0x0007, "TLS_RSA_WITH_IDEA_CBC_SHA", Some("IDEA-CBC-SHA")),
    (0x0008, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA", Some("EXP-DES-CBC-SHA")),
    (0x0009, "TLS_RSA_WITH_DES_CBC_SHA", Some("DES-CBC-SHA")),
    (0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", Some("DES-CBC3-SHA")),
    (0x000B, "TLS_DH_DSS_EXPORT_WITH_DES40_CBC_SHA", Some("EXP-DH-DSS-DES-CBC-SHA")),
    (0x000C, "TLS_DH_DSS_WITH_DES_CBC_SHA", Some("DH-DSS-DES-CBC-SHA")),
    (0x000D, "TLS_DH_DSS_WITH_3DES_EDE_CBC_SHA", Some("DH-DSS-DES-CBC3-SHA")),
    (0x000E, "TLS_DH_RSA_EXPORT_WITH_DES40_CBC_SHA", Some("EXP-DH-RSA-DES-CBC-SHA")),
    (0x000F, "TLS_DH_RSA_WITH_DES_CBC_SHA", Some("DH-RSA-DES-CBC-SHA")),
    (0x0010, "TLS_DH_RSA_WITH_3DES_EDE_CBC_SHA", Some("DH-RSA-DES-CBC3-SHA")),
    (0x0011, "TLS_DHE_DSS_EXPORT_WITH_DES40_CBC_SHA", Some("EXP-EDH-DSS-DES-CBC-SHA")),
    (0x0012, "TLS_DHE_DSS_WITH_DES_CBC_SHA", Some("EDH-DSS-DES-CBC-SHA")),
    (0x0013, "TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA", Some("EDH-DSS-DES-CBC3-SHA")),
    (0x0014, "TLS_DHE_RSA_EXPORT_WITH_DES40_CBC_SHA", Some("EXP-EDH-RSA-DES-CBC-SHA")),
    (0x0015, "TLS_DHE_RSA_WITH_DES_CBC_SHA", Some("EDH-RSA-DES-CBC-SHA")),
    (0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA", Some("EDH-RSA-DES-CBC3-SHA")),
    (0x0017, "TLS_DH_anon_EXPORT_WITH_RC4_40_MD5", Some("EXP-ADH-RC4-MD5")),
    (0x0018, "TLS_DH_anon_WITH_RC4_128_MD5", Some("ADH-RC4-MD5")),
    (0x0019, "TLS_DH_anon_EXPORT_WITH_DES40_CBC_SHA", Some("EXP-ADH-DES-CBC-SHA")),
    (0x001A, "TLS_DH_anon_WITH_DES_CBC_SHA", Some("ADH-DES-CBC-SHA")),
    (0x001B, "TLS_DH_anon_WITH_3DES_EDE_CBC_SHA", Some("ADH-DES-CBC3-SHA")),
    (0x001E, "TLS_KRB5_WITH_DES_CBC_SHA", Some("KRB5-DES-CBC-SHA")),
    (0x001F, "TLS_KRB5_WITH_3DES_EDE_CBC_SHA", Some("KRB5-DES-CBC3-SHA")),
    (0x0020, "TLS_KRB5_WITH_RC4_128_SHA", Some("KRB5-RC4-SHA")),
    (0x0021, "TLS_KRB5_WITH_IDEA_CBC_SHA", Some("KRB5-IDEA-CBC-SHA")),
    (0x0022, "TLS_KRB5_WITH_DES_CBC_MD5", Some("KRB5-DES-CBC-MD5")),
    (0x0023, "TLS_KRB5_WITH_3DES_EDE_CBC_MD5", Some("KRB5-DES-CBC3-MD5")),
    (0x0024, "TLS_KRB5_WITH_RC4_128_MD5", Some("KRB5-RC4-MD5")),
    (0x0025, "TLS_KRB5_WITH_IDEA_CBC_MD5", Some("KRB5-IDEA-CBC-MD5")),
    (0x0026, "TLS_KRB5_EXPORT_WITH_DES_CBC_40_SHA", Some("EXP-KRB5-DES-CBC-SHA")),
    (0x0027, "TLS_KRB5_EXPORT_WITH_RC2_CBC_40_SHA", Some("EXP-KRB5-RC2-CBC-SHA")),
    (0x0028, "TLS_KRB5_EXPORT_WITH_RC4_40_SHA", Some("EXP-KRB5-RC4-SHA")),
    (0x0029, "TLS_KRB5_EXPORT_WITH_DES_CBC_40_MD5", Some("EXP-KRB5-DES-CBC-MD5")),
    (0x002A, "TLS_KRB5_EXPORT_WITH_RC2_CBC_40_MD5", Some("EXP-KRB5-RC2-CBC-MD5")),
    (0x002B, "TLS_KRB5_EXPORT_WITH_RC4_40_MD5", Some("EXP-KRB5-RC4-MD5")),
    (0x002C, "TLS_PSK_WITH_NULL_SHA", Some("PSK-NULL-SHA")),
    (0x002D, "TLS_DHE_PSK_WITH_NULL_SHA", Some("DHE-PSK-NULL-SHA")),
    (0x002E, "TLS_RSA_PSK_WITH_NULL_SHA", Some("RSA-PSK-NULL-SHA")),
    (0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA", Some("AES128-SHA")),
    (0x0030, "TLS_DH_DSS_WITH_AES_128_CBC_SHA", Some("DH-DSS-AES128-SHA")),
    (0x0031, "TLS_DH_RSA_WITH_AES_128_CBC_SHA", Some("DH-RSA-AES128-SHA")),
    (0x0032, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA", Some("DHE-DSS-AES128-SHA")),
    (0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", Some("DHE-RSA-AES128-SHA")),
    (0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA", Some("ADH-AES128-SHA")),
    (0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", Some("AES256-SHA")),
    (0x0036, "TLS_DH_DSS_WITH_AES_256_CBC_SHA", Some("DH-DSS-AES256-SHA")),
    (0x0037, "TLS_DH_RSA_WITH_AES_256_CBC_SHA", Some("DH-RSA-AES256-SHA")),
    (0x0038, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA", Some("DHE-DSS-AES256-SHA")),
    (0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", Some("DHE-RSA-AES256-SHA")),
    (0x003A, "TLS_DH_anon_WITH_AES_256_CBC_SHA", Some("ADH-AES256-SHA")),
    (0x003B, "TLS_RSA_WITH_NULL_SHA256", Some("NULL-SHA256")),
    (0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256", Some("AES128-SHA256")),
    (0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256", Some("AES256-SHA256")),
    (0x003E, "TLS_DH_DSS_WITH_AES_128_CBC_SHA256", Some("DH-DSS-AES128-SHA256")),
    (0x003F, "TLS_DH_RSA_WITH_AES_128_CBC_SHA256", Some("DH-RSA-AES128-SHA256")),
    (0x0040, "TLS_DHE_DSS_WITH_AES_128_CBC_SHA256", Some("DHE-DSS-AES128-SHA256")),
    (0x0041, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA", Some("CAMELLIA128-SHA")),
    (0x0042, "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA", Some("DH-DSS-CAMELLIA128-SHA")),
    (0x0043, "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA", Some("DH-RSA-CAMELLIA128-SHA")),
    (0x0044, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA", Some("DHE-DSS-CAMELLIA128-SHA")),
    (0x0045, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA", Some("DHE-RSA-CAMELLIA128-SHA")),
    (0x0046, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA", Some("ADH-CAMELLIA128-SHA")),
    // 0x0060-0x0066: not IANA-assigned; draft-ietf-tls-56-bit-ciphersuites, deployed
    // by old OpenSSL (0.9.x) and Microsoft stacks.
    (0x0060, "TLS_RSA_EXPORT1024_WITH_RC4_56_MD5", Some("EXP1024-RC4-MD5")),
    (0x0061, "TLS_RSA_EXPORT1024_WITH_RC2_CBC_56_MD5", Some("EXP1024-RC2-CBC-MD5")),
    (0x0062, "TLS_RSA_EXPORT1024_WITH_DES_CBC_SHA", Some("EXP1024-DES-CBC-SHA")),
    (0x0063, "TLS_DHE_DSS_EXPORT1024_WITH_DES_CBC_SHA", Some("EXP1024-DHE-DSS-DES-CBC-SHA")),
    (0x0064, "TLS_RSA_EXPORT1024_WITH_RC4_56_SHA", Some("EXP1024-RC4-SHA")),
    (0x0065, "TLS_DHE_DSS_EXPORT1024_WITH_RC4_56_SHA", Some("EXP1024-DHE-DSS-RC4-SHA")),
    (0x0066, "TLS_DHE_DSS_WITH_RC4_128_SHA", Some("DHE-DSS-RC4-SHA")),
    (0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", Some("DHE-RSA-AES128-SHA256")),
    (0x0068, "TLS_DH_DSS_WITH_AES_256_CBC_SHA256", Some("DH-DSS-AES256-SHA256")),
    (0x0069, "TLS_DH_RSA_WITH_AES_256_CBC_SHA256", Some("DH-RSA-AES256-SHA256")),
    (0x006A, "TLS_DHE_DSS_WITH_AES_256_CBC_SHA256", Some("DHE-DSS-AES256-SHA256")),
    (0x006B, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", Some("DHE-RSA-AES256-SHA256")),
    (0x006C, "TLS_DH_anon_WITH_AES_128_CBC_SHA256", Some("ADH-AES128-SHA256")),
    (0x006D, "TLS_DH_anon_WITH_AES_256_CBC_SHA256", Some("ADH-AES256-SHA256")),
    (0x0084, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA", Some("CAMELLIA256-SHA")),
    (0x0085, "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA", Some("DH-DSS-CAMELLIA256-SHA")),
    (0x0086, "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA", Some("DH-RSA-CAMELLIA256-SHA")),
    (0x0087, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA", Some("DHE-DSS-CAMELLIA256-SHA")),
    (0x0088, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA", Some("DHE-RSA-CAMELLIA256-SHA")),
    (0x0089, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA", Some("ADH-CAMELLIA256-SHA")),
    (0x008A, "TLS_PSK_WITH_RC4_128_SHA", Some("PSK-RC4-SHA")),
    (0x008B, "TLS_PSK_WITH_3DES_EDE_CBC_SHA", Some("PSK-3DES-EDE-CBC-SHA")),
    (0x008C, "TLS_PSK_WITH_AES_128_CBC_SHA", Some("PSK-AES128-CBC-SHA")),
    (0x008D, "TLS_PSK_WITH_AES_256_CBC_SHA", Some("PSK-AES256-CBC-SHA")),
    (0x008E, "TLS_DHE_PSK_WITH_RC4_128_SHA", Some("DHE-PSK-RC4-SHA")),
    (0x008F, "TLS_DHE_PSK_WITH_3DES_EDE_CBC_SHA", Some("DHE-PSK-3DES-EDE-CBC-SHA")),
    (0x0090, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA", Some("DHE-PSK-AES128-CBC-SHA")),
    (0x0091, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA", Some("DHE-PSK-AES256-CBC-SHA")),
    (0x0092, "TLS_RSA_PSK_WITH_RC4_128_SHA", Some("RSA-PSK-RC4-SHA")),
    (0x0093, "TLS_RSA_PSK_WITH_3DES_EDE_CBC_SHA", Some("RSA-PSK-3DES-EDE-CBC-SHA")),
    (0x0094, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA", Some("RSA-PSK-AES128-CBC-SHA")),
    (0x0095, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA", Some("RSA-PSK-AES256-CBC-SHA")),
    (0x0096, "TLS_RSA_WITH_SEED_CBC_SHA", Some("SEED-SHA")),
    (0x0097, "TLS_DH_DSS_WITH_SEED_CBC_SHA", Some("DH-DSS-SEED-SHA")),
    (0x0098, "TLS_DH_RSA_WITH_SEED_CBC_SHA", Some("DH-RSA-SEED-SHA")),
    (0x0099, "TLS_DHE_DSS_WITH_SEED_CBC_SHA", Some("DHE-DSS-SEED-SHA")),
    (0x009A, "TLS_DHE_RSA_WITH_SEED_CBC_SHA", Some("DHE-RSA-SEED-SHA")),
    (0x009B, "TLS_DH_anon_WITH_SEED_CBC_SHA", Some("ADH-SEED-SHA")),
    (0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256", Some("AES128-GCM-SHA256")),
    (0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384", Some("AES256-GCM-SHA384")),
    (0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", Some("DHE-RSA-AES128-GCM-SHA256")),
    (0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", Some("DHE-RSA-AES256-GCM-SHA384")),
    (0x00A0, "TLS_DH_RSA_WITH_AES_128_GCM_SHA256", Some("DH-RSA-AES128-GCM-SHA256")),
    (0x00A1, "TLS_DH_RSA_WITH_AES_256_GCM_SHA384", Some("DH-RSA-AES256-GCM-SHA384")),
    (0x00A2, "TLS_DHE_DSS_WITH_AES_128_GCM_SHA256", Some("DHE-DSS-AES128-GCM-SHA256")),
    (0x00A3, "TLS_DHE_DSS_WITH_AES_256_GCM_SHA384", Some("DHE-DSS-AES256-GCM-SHA384")),
    (0x00A4, "TLS_DH_DSS_WITH_AES_128_GCM_SHA256", Some("DH-DSS-AES128-GCM-SHA256")),
    (0x00A5, "TLS_DH_DSS_WITH_AES_256_GCM_SHA384", Some("DH-DSS-AES256-GCM-SHA384")),
    (0x00A6, "TLS_DH_anon_WITH_AES_128_GCM_SHA256", Some("ADH-AES128-GCM-SHA256")),
    (0x00A7, "TLS_DH_anon_WITH_AES_256_GCM_SHA384", Some("ADH-AES256-GCM-SHA384")),
    (0x00A8, "TLS_PSK_WITH_AES_128_GCM_SHA256", Some("PSK-AES128-GCM-SHA256")),
    (0x00A9, "TLS_PSK_WITH_AES_256_GCM_SHA384", Some("PSK-AES256-GCM-SHA384")),
    (0x00AA, "TLS_DHE_PSK_WITH_AES_128_GCM_SHA256", Some("DHE-PSK-AES128-GCM-SHA256")),
    (0x00AB, "TLS_DHE_PSK_WITH_AES_256_GCM_SHA384", Some("DHE-PSK-AES256-GCM-SHA384")),
    (0x00AC, "TLS_RSA_PSK_WITH_AES_128_GCM_SHA256", Some("RSA-PSK-AES128-GCM-SHA256")),
    (0x00AD, "TLS_RSA_PSK_WITH_AES_256_GCM_SHA384", Some("RSA-PSK-AES256-GCM-SHA384")),
    (0x00AE, "TLS_PSK_WITH_AES_128_CBC_SHA256", Some("PSK-AES128-CBC-SHA256")),
    (0x00AF, "TLS_PSK_WITH_AES_256_CBC_SHA384", Some("PSK-AES256-CBC-SHA384")),
    (0x00B0, "TLS_PSK_WITH_NULL_SHA256", Some("PSK-NULL-SHA256")),
    (0x00B1, "TLS_PSK_WITH_NULL_SHA384", Some("PSK-NULL-SHA384")),
    (0x00B2, "TLS_DHE_PSK_WITH_AES_128_CBC_SHA256", Some("DHE-PSK-AES128-CBC-SHA256")),
    (0x00B3, "TLS_DHE_PSK_WITH_AES_256_CBC_SHA384", Some("DHE-PSK-AES256-CBC-SHA384")),
    (0x00B4, "TLS_DHE_PSK_WITH_NULL_SHA256", Some("DHE-PSK-NULL-SHA256")),
    (0x00B5, "TLS_DHE_PSK_WITH_NULL_SHA384", Some("DHE-PSK-NULL-SHA384")),
    (0x00B6, "TLS_RSA_PSK_WITH_AES_128_CBC_SHA256", Some("RSA-PSK-AES128-CBC-SHA256")),
    (0x00B7, "TLS_RSA_PSK_WITH_AES_256_CBC_SHA384", Some("RSA-PSK-AES256-CBC-SHA384")),
    (0x00B8, "TLS_RSA_PSK_WITH_NULL_SHA256", Some("RSA-PSK-NULL-SHA256")),
    (0x00B9, "TLS_RSA_PSK_WITH_NULL_SHA384", Some("RSA-PSK-NULL-SHA384")),
    (0x00BA, "TLS_RSA_WITH_CAMELLIA_128_CBC_SHA256", Some("CAMELLIA128-SHA256")),
    (0x00BB, "TLS_DH_DSS_WITH_CAMELLIA_128_CBC_SHA256", Some("DH-DSS-CAMELLIA128-SHA256")),
    (0x00BC, "TLS_DH_RSA_WITH_CAMELLIA_128_CBC_SHA256", Some("DH-RSA-CAMELLIA128-SHA256")),
    (0x00BD, "TLS_DHE_DSS_WITH_CAMELLIA_128_CBC_SHA256", Some("DHE-DSS-CAMELLIA128-SHA256")),
    (0x00BE, "TLS_DHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", Some("DHE-RSA-CAMELLIA128-SHA256")),
    (0x00BF, "TLS_DH_anon_WITH_CAMELLIA_128_CBC_SHA256", Some("ADH-CAMELLIA128-SHA256")),
    (0x00C0, "TLS_RSA_WITH_CAMELLIA_256_CBC_SHA256", Some("CAMELLIA256-SHA256")),
    (0x00C1, "TLS_DH_DSS_WITH_CAMELLIA_256_CBC_SHA256", Some("DH-DSS-CAMELLIA256-SHA256")),
    (0x00C2, "TLS_DH_RSA_WITH_CAMELLIA_256_CBC_SHA256", Some("DH-RSA-CAMELLIA256-SHA256")),
    (0x00C3, "TLS_DHE_DSS_WITH_CAMELLIA_256_CBC_SHA256", Some("DHE-DSS-CAMELLIA256-SHA256")),
    (0x00C4, "TLS_DHE_RSA_WITH_CAMELLIA_256_CBC_SHA256", Some("DHE-RSA-CAMELLIA256-SHA256")),
    (0x00C5, "TLS_DH_anon_WITH_CAMELLIA_256_CBC_SHA256", Some("ADH-CAMELLIA256-SHA256")),
    (0x00C6, "TLS_SM4_GCM_SM3", None),
    (0x00C7, "TLS_SM4_CCM_SM3", None),
    (0x1301, "TLS_AES_128_GCM_SHA256", Some("TLS_AES_128_GCM_SHA256")),
    (0x1302, "TLS_AES_256_GCM_SHA384", Some("TLS_AES_256_GCM_SHA384")),
    (0x1303, "TLS_CHACHA20_POLY1305_SHA256", Some("TLS_CHACHA20_POLY1305_SHA256")),
    (0x1304, "TLS_AES_128_CCM_SHA256", Some("TLS_AES_128_CCM_SHA256")),
    (0x1305, "TLS_AES_128_CCM_8_SHA256", Some("TLS_AES_128_CCM_8_SHA256")),
    (0x1306, "TLS_AEGIS_256_SHA512", None),
    (0x1307, "TLS_AEGIS_128L_SHA256", None),
    (0xC001, "TLS_ECDH_ECDSA_WITH_NULL_SHA", Some("ECDH-ECDSA-NULL-SHA")),
    (0xC002, "TLS_ECDH_ECDSA_WITH_RC4_128_SHA", Some("ECDH-ECDSA-RC4-SHA")),
    (0xC003, "TLS_ECDH_ECDSA_WITH_3DES_EDE_CBC_SHA", Some("ECDH-ECDSA-DES-CBC3-SHA")),
    (0xC004, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA", Some("ECDH-ECDSA-AES128-SHA")),
    (0xC005, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA", Some("ECDH-ECDSA-AES256-SHA")),
    (0xC006, "TLS_ECDHE_ECDSA_WITH_NULL_SHA", Some("ECDHE-ECDSA-NULL-SHA")),
    (0xC007, "TLS_ECDHE_ECDSA_WITH_RC4_128_SHA", Some("ECDHE-ECDSA-RC4-SHA")),
    (0xC008, "TLS_ECDHE_ECDSA_WITH_3DES_EDE_CBC_SHA", Some("ECDHE-ECDSA-DES-CBC3-SHA")),
    (0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", Some("ECDHE-ECDSA-AES128-SHA")),
    (0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", Some("ECDHE-ECDSA-AES256-SHA")),
    (0xC00B, "TLS_ECDH_RSA_WITH_NULL_SHA", Some("ECDH-RSA-NULL-SHA")),
    (0xC00C, "TLS_ECDH_RSA_WITH_RC4_128_SHA", Some("ECDH-RSA-RC4-SHA")),
    (0xC00D, "TLS_ECDH_RSA_WITH_3DES_EDE_CBC_SHA", Some("ECDH-RSA-DES-CBC3-SHA")),
    (0xC00E, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA", Some("ECDH-RSA-AES128-SHA")),
    (0xC00F, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA", Some("ECDH-RSA-AES256-SHA")),
    (0xC010, "TLS_ECDHE_RSA_WITH_NULL_SHA", Some("ECDHE-RSA-NULL-SHA")),
    (0xC011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA", Some("ECDHE-RSA-RC4-SHA")),
    (0xC012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", Some("ECDHE-RSA-DES-CBC3-SHA")),
    (0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", Some("ECDHE-RSA-AES128-SHA")),
    (0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", Some("ECDHE-RSA-AES256-SHA")),
    (0xC015, "TLS_ECDH_anon_WITH_NULL_SHA", Some("AECDH-NULL-SHA")),
    (0xC016, "TLS_ECDH_anon_WITH_RC4_128_SHA", Some("AECDH-RC4-SHA")),
    (0xC017, "TLS_ECDH_anon_WITH_3DES_EDE_CBC_SHA", Some("AECDH-DES-CBC3-SHA")),
    (0xC018, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA", Some("AECDH-AES128-SHA")),
    (0xC019, "TLS_ECDH_anon_WITH_AES_256_CBC_SHA", Some("AECDH-AES256-SHA")),
    (0xC01A, "TLS_SRP_SHA_WITH_3DES_EDE_CBC_SHA", Some("SRP-3DES-EDE-CBC-SHA")),
    (0xC01B, "TLS_SRP_SHA_RSA_WITH_3DES_EDE_CBC_SHA", Some("SRP-RSA-3DES-EDE-CBC-SHA")),
    (0xC01C, "TLS_SRP_SHA_DSS_WITH_3DES_EDE_CBC_SHA", Some("SRP-DSS-3DES-EDE-CBC-SHA")),
    (0xC01D, "TLS_SRP_SHA_WITH_AES_128_CBC_SHA", Some("SRP-AES-128-CBC-SHA")),
    (0xC01E, "TLS_SRP_SHA_RSA_WITH_AES_128_CBC_SHA", Some("SRP-RSA-AES-128-CBC-SHA")),
    (0xC01F, "TLS_SRP_SHA_DSS_WITH_AES_128_CBC_SHA", Some("SRP-DSS-AES-128-CBC-SHA")),
    (0xC020, "TLS_SRP_SHA_WITH_AES_256_CBC_SHA", Some("SRP-AES-256-CBC-SHA")),
    (0xC021, "TLS_SRP_SHA_RSA_WITH_AES_256_CBC_SHA", Some("SRP-RSA-AES-256-CBC-SHA")),
    (0xC022, "TLS_SRP_SHA_DSS_WITH_AES_256_CBC_SHA", Some("SRP-DSS-AES-256-CBC-SHA")),
    (0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", Some("ECDHE-ECDSA-AES128-SHA256")),
    (0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", Some("ECDHE-ECDSA-AES256-SHA384")),
    (0xC025, "TLS_ECDH_ECDSA_WITH_AES_128_CBC_SHA256", Some("ECDH-ECDSA-AES128-SHA256")),
    (0xC026, "TLS_ECDH_ECDSA_WITH_AES_256_CBC_SHA384", Some("ECDH-ECDSA-AES256-SHA384")),
    (0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", Some("ECDHE-RSA-AES128-SHA256")),
    (0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", Some("ECDHE-RSA-AES256-SHA384")),
    (0xC029, "TLS_ECDH_RSA_WITH_AES_128_CBC_SHA256", Some("ECDH-RSA-AES128-SHA256")),
    (0xC02A, "TLS_ECDH_RSA_WITH_AES_256_CBC_SHA384", Some("ECDH-RSA-AES256-SHA384")),
    (0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", Some("ECDHE-ECDSA-AES128-GCM-SHA256")),
    (0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", Some("ECDHE-ECDSA-AES256-GCM-SHA384")),
    (0xC02D, "TLS_ECDH_ECDSA_WITH_AES_128_GCM_SHA256", Some("ECDH-ECDSA-AES128-GCM-SHA256")),
    (0xC02E, "TLS_ECDH_ECDSA_WITH_AES_256_GCM_SHA384", Some("ECDH-ECDSA-AES256-GCM-SHA384")),
    (0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", Some("ECDHE-RSA-AES128-GCM-SHA256")),
    (0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", Some("ECDHE-RSA-AES256-GCM-SHA384")),
    (0xC031, "TLS_ECDH_RSA_WITH_AES_128_GCM_SHA256", Some("ECDH-RSA-AES128-GCM-SHA256")),
    (0xC032, "TLS_ECDH_RSA_WITH_AES_256_GCM_SHA384", Some("ECDH-RSA-AES256-GCM-SHA384")),
    (0xC033, "TLS_ECDHE_PSK_WITH_RC4_128_SHA", Some("ECDHE-PSK-RC4-SHA")),
    (0xC034, "TLS_ECDHE_PSK_WITH_3DES_EDE_CBC_SHA", Some("ECDHE-PSK-3DES-EDE-CBC-SHA")),
    (0xC035, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA", Some("ECDHE-PSK-AES128-CBC-SHA")),
    (0xC036, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA", Some("ECDHE-PSK-AES256-CBC-SHA")),
    (0xC037, "TLS_ECDHE_PSK_WITH_AES_128_CBC_SHA256", Some("ECDHE-PSK-AES128-CBC-SHA256")),
    (0xC038, "TLS_ECDHE_PSK_WITH_AES_256_CBC_SHA384", Some("ECDHE-PSK-AES256-CBC-SHA384")),
    (0xC039, "TLS_ECDHE_PSK_WITH_NULL_SHA", Some("ECDHE-PSK-NULL-SHA")),
    (0xC03A, "TLS_ECDHE_PSK_WITH_NULL_SHA256", Some("ECDHE-PSK-NULL-SHA256")),
    (0xC03B, "TLS_ECDHE_PSK_WITH_NULL_SHA384", Some("ECDHE-PSK-NULL-SHA384")),
    (0xC03C, "TLS_RSA_WITH_ARIA_128_CBC_SHA256", None),
    (0xC03D, "TLS_RSA_WITH_ARIA_256_CBC_SHA384", None),
    (0xC03E, "TLS_DH_DSS_WITH_ARIA_128_CBC_SHA256", None),
    (0xC03F, "TLS_DH_DSS_WITH_ARIA_256_CBC_SHA384", None),
    (0xC040, "TLS_DH_RSA_WITH_ARIA_128_CBC_SHA256", None),
    (0xC041, "TLS_DH_RSA_WITH_ARIA_256_CBC_SHA384", None),
    (0xC042, "TLS_DHE_DSS_WITH_ARIA_128_CBC_SHA256", None),
    (0xC043, "TLS_DHE_DSS_WITH_ARIA_256_CBC_SHA384", None),
    (0xC044, "TLS_DHE_RSA_WITH_ARIA_128_CBC_SHA256", None),
    (0xC045, "TLS_DHE_RSA_WITH_ARIA_256_CBC_SHA384", None),
    (0xC046, "TLS_DH_anon_WITH_ARIA_128_CBC_SHA256", None),
    (0xC047, "TLS_DH_anon_WITH_ARIA_256_CBC_SHA384", None),
    (0xC048, "TLS_ECDHE_ECDSA_WITH_ARIA_128_CBC_SHA256", None),
    (0xC049, "TLS_ECDHE_ECDSA_WITH_ARIA_256_CBC_SHA384", None),
    (0xC04A, "TLS_ECDH_ECDSA_WITH_ARIA_128_CBC_SHA256", None),
    (0xC04B, "TLS_ECDH_ECDSA_WITH_ARIA_256_CBC_SHA384", None),
    (0xC04C, "TLS_ECDHE_RSA_WITH_ARIA_128_CBC_SHA256", None),
    (0xC04D, "TLS_ECDHE_RSA_WITH_ARIA_256_CBC_SHA384", None),
    (0xC04E, "TLS_ECDH_RSA_WITH_ARIA_128_CBC_SHA256", None),
    (0xC04F, "TLS_ECDH_RSA_WITH_ARIA_256_CBC_SHA384", None),
    (0xC050, "TLS_RSA_WITH_ARIA_128_GCM_SHA256", Some("ARIA128-GCM-SHA256")),
    (0xC051, "TLS_RSA_WITH_ARIA_256_GCM_SHA384", Some("ARIA256-GCM-SHA384")),
    (0xC052, "TLS_DHE_RSA_WITH_ARIA_128_GCM_SHA256", Some("DHE-RSA-ARIA128-GCM-SHA256")),
    (0xC053, "TLS_DHE_RSA_WITH_ARIA_256_GCM_SHA384", Some("DHE-RSA-ARIA256-GCM-SHA384")),
    (0xC054, "TLS_DH_RSA_WITH_ARIA_128_GCM_SHA256", None),
    (0xC055, "TLS_DH_RSA_WITH_ARIA_256_GCM_SHA384", None),
    (0xC056, "TLS_DHE_DSS_WITH_ARIA_128_GCM_SHA256", Some("DHE-DSS-ARIA128-GCM-SHA256")),
    (0xC057, "TLS_DHE_DSS_WITH_ARIA_256_GCM_SHA384", Some("DHE-DSS-ARIA256-GCM-SHA384")),
    (0xC058, "TLS_DH_DSS_WITH_ARIA_128_GCM_SHA256", None),
    (0xC059, "TLS_DH_DSS_WITH_ARIA_256_GCM_SHA384", None),
    (0xC05A, "TLS_DH_anon_WITH_ARIA_128_GCM_SHA256", None),
    (0xC05B, "TLS_DH_anon_WITH_ARIA_256_GCM_SHA384", None),
    (0xC05C, "TLS_ECDHE_ECDSA_WITH_ARIA_128_GCM_SHA256", Some("ECDHE-ECDSA-ARIA128-GCM-SHA256")),
    (0xC05D, "TLS_ECDHE_ECDSA_WITH_ARIA_256_GCM_SHA384", Some("ECDHE-ECDSA-ARIA256-GCM-SHA384")),
    (0xC05E, "TLS_ECDH_ECDSA_WITH_ARIA_128_GCM_SHA256", None),
    (0xC05F, "TLS_ECDH_ECDSA_WITH_ARIA_256_GCM_SHA384", None),
    (0xC060, "TLS_ECDHE_RSA_WITH_ARIA_128_GCM_SHA256", Some("ECDHE-ARIA128-GCM-SHA256")),
    (0xC061, "TLS_ECDHE_RSA_WITH_ARIA_256_GCM_SHA384", Some("ECDHE-ARIA256-GCM-SHA384")),
    (0xC062, "TLS_ECDH_RSA_WITH_ARIA_128_GCM_SHA256", None),
    (0xC063, "TLS_ECDH_RSA_WITH_ARIA_256_GCM_SHA384", None),
    (0xC064, "TLS_PSK_WITH_ARIA_128_CBC_SHA256", None),
    (0xC065, "TLS_PSK_WITH_ARIA_256_CBC_SHA384", None),
    (0xC066, "TLS_DHE_PSK_WITH_ARIA_128_CBC_SHA256", None),
    (0xC067, "TLS_DHE_PSK_WITH_ARIA_256_CBC_SHA384", None),
    (0xC068, "TLS_RSA_PSK_WITH_ARIA_128_CBC_SHA256", None),
    (0xC069, "TLS_RSA_PSK_WITH_ARIA_256_CBC_SHA384", None),
    (0xC06A, "TLS_PSK_WITH_ARIA_128_GCM_SHA256", Some("PSK-ARIA128-GCM-SHA256")),
    (0xC06B, "TLS_PSK_WITH_ARIA_256_GCM_SHA384", Some("PSK-ARIA256-GCM-SHA384")),
    (0xC06C, "TLS_DHE_PSK_WITH_ARIA_128_GCM_SHA256", Some("DHE-PSK-ARIA128-GCM-SHA256")),
    (0xC06D, "TLS_DHE_PSK_WITH_ARIA_256_GCM_SHA384", Some("DHE-PSK-ARIA256-GCM-SHA384")),
    (0xC06E, "TLS_RSA_PSK_WITH_ARIA_128_GCM_SHA256", Some("RSA-PSK-ARIA128-GCM-SHA256")),
    (0xC06F, "TLS_RSA_PSK_WITH_ARIA_256_GCM_SHA384", Some("RSA-PSK-ARIA256-GCM-SHA384")),
    (0xC070, "TLS_ECDHE_PSK_WITH_ARIA_128_CBC_SHA256", None),
    (0xC071, "TLS_ECDHE_PSK_WITH_ARIA_256_CBC_SHA384", None),
    (0xC072, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_CBC_SHA256", Some("ECDHE-ECDSA-CAMELLIA128-SHA256")),
    (0xC073, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_CBC_SHA384", Some("ECDHE-ECDSA-CAMELLIA256-SHA384")),
    (0xC074, "TLS_ECDH_ECDSA_WITH_CAMELLIA_128_CBC_SHA256", Some("ECDH-ECDSA-CAMELLIA128-SHA256")),
    (0xC075, "TLS_ECDH_ECDSA_WITH_CAMELLIA_256_CBC_SHA384", Some("ECDH-ECDSA-CAMELLIA256-SHA384")),
    (0xC076, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_CBC_SHA256", Some("ECDHE-RSA-CAMELLIA128-SHA256")),
    (0xC077, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_CBC_SHA384", Some("ECDHE-RSA-CAMELLIA256-SHA384")),
    (0xC078, "TLS_ECDH_RSA_WITH_CAMELLIA_128_CBC_SHA256", Some("ECDH-RSA-CAMELLIA128-SHA256")),
    (0xC079, "TLS_ECDH_RSA_WITH_CAMELLIA_256_CBC_SHA384", Some("ECDH-RSA-CAMELLIA256-SHA384")),
    (0xC07A, "TLS_RSA_WITH_CAMELLIA_128_GCM_SHA256", None),
    (0xC07B, "TLS_RSA_WITH_CAMELLIA_256_GCM_SHA384", None),
    (0xC07C, "TLS_DHE_RSA_WITH_CAMELLIA_128_GCM_SHA256", None),
    (0xC07D, "TLS_DHE_RSA_WITH_CAMELLIA_256_GCM_SHA384", None),
    (0xC07E, "TLS_DH_RSA_WITH_CAMELLIA_128_GCM_SHA256", None),
    (0xC07F, "TLS_DH_RSA_WITH_CAMELLIA_256_GCM_SHA384", None),
    (0xC080, "TLS_DHE_DSS_WITH_CAMELLIA_128_GCM_SHA256", None),
    (0xC081, "TLS_DHE_DSS_WITH_CAMELLIA_256_GCM_SHA384", None),
    (0xC082, "TLS_DH_DSS_WITH_CAMELLIA_128_GCM_SHA256", None),
    (0xC083, "TLS_DH_DSS_WITH_CAMELLIA_256_GCM_SHA384", None),
    (0xC084, "TLS_DH_anon_WITH_CAMELLIA_128_GCM_SHA256", None),
    (0xC085, "TLS_DH_anon_WITH_CAMELLIA_256_GCM_SHA384", None),
    (0xC086, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_128_GCM_SHA256", None),
    (0xC087, "TLS_ECDHE_ECDSA_WITH_CAMELLIA_256_GCM_SHA384", None),
    (0xC088, "TLS_ECDH_ECDSA_WITH_CAMELLIA_128_GCM_SHA256", None),
    (0xC089, "TLS_ECDH_ECDSA_WITH_CAMELLIA_256_GCM_SHA384", None),
    (0xC08A, "TLS_ECDHE_RSA_WITH_CAMELLIA_128_GCM_SHA256", None),
    (0xC08B, "TLS_ECDHE_RSA_WITH_CAMELLIA_256_GCM_SHA384", None),
    (0xC08C, "TLS_ECDH_RSA_WITH_CAMELLIA_128_GCM_SHA256", None),
    (0xC08D, "TLS_ECDH_RSA_WITH_CAMELLIA_256_GCM_SHA384", None),
    (0xC08E, "TLS_PSK_WITH_CAMELLIA_128_GCM_SHA256", None),
    (0xC08F, "TLS_PSK_WITH_CAMELLIA_256_GCM_SHA384", None),
    (0xC090, "TLS_DHE_PSK_WITH_CAMELLIA_128_GCM_SHA256", None),
    (0xC091, "TLS_DHE_PSK_WITH_CAMELLIA_256_GCM_SHA384", None),
    (0xC092, "TLS_RSA_PSK_WITH_CAMELLIA_128_GCM_SHA256", None),
    (0xC093, "TLS_RSA_PSK_WITH_CAMELLIA_256_GCM_SHA384", None),
    (0xC094, "TLS_PSK_WITH_CAMELLIA_128_CBC_SHA256", Some("PSK-CAMELLIA128-SHA256")),
    (0xC095, "TLS_PSK_WITH_CAMELLIA_256_CBC_SHA384", Some("PSK-CAMELLIA256-SHA384")),
    (0xC096, "TLS_DHE_PSK_WITH_CAMELLIA_128_CBC_SHA256", Some("DHE-PSK-CAMELLIA128-SHA256")),
    (0xC097, "TLS_DHE_PSK_WITH_CAMELLIA_256_CBC_SHA384", Some("DHE-PSK-CAMELLIA256-SHA384")),
    (0xC098, "TLS_RSA_PSK_WITH_CAMELLIA_128_CBC_SHA256", Some("RSA-PSK-CAMELLIA128-SHA256")),
    (0xC099, "TLS_RSA_PSK_WITH_CAMELLIA_256_CBC_SHA384", Some("RSA-PSK-CAMELLIA256-SHA384")),
    (0xC09A, "TLS_ECDHE_PSK_WITH_CAMELLIA_128_CBC_SHA256", Some("ECDHE-PSK-CAMELLIA128-SHA256")),
    (0xC09B, "TLS_ECDHE_PSK_WITH_CAMELLIA_256_CBC_SHA384", Some("ECDHE-PSK-CAMELLIA256-SHA384")),
    (0xC09C, "TLS_RSA_WITH_AES_128_CCM", Some("AES128-CCM")),
    (0xC09D, "TLS_RSA_WITH_AES_256_CCM", Some("AES256-CCM")),
    (0xC09E, "TLS_DHE_RSA_WITH_AES_128_CCM", Some("DHE-RSA-AES128-CCM")),
    (0xC09F, "TLS_DHE_RSA_WITH_AES_256_CCM", Some("DHE-RSA-AES256-CCM")),
    (0xC0A0, "TLS_RSA_WITH_AES_128_CCM_8", Some("AES128-CCM8")),
    (0xC0A1, "TLS_RSA_WITH_AES_256_CCM_8", Some("AES256-CCM8")),
    (0xC0A2, "TLS_DHE_RSA_WITH_AES_128_CCM_8", Some("DHE-RSA-AES128-CCM8")),
    (0xC0A3, "TLS_DHE_RSA_WITH_AES_256_CCM_8", Some("DHE-RSA-AES256-CCM8")),
    (0xC0A4, "TLS_PSK_WITH_AES_128_CCM", Some("PSK-AES128-CCM")),
    (0xC0A5, "TLS_PSK_WITH_AES_256_CCM", Some("PSK-AES256-CCM")),
    (0xC0A6, "TLS_DHE_PSK_WITH_AES_128_CCM", Some("DHE-PSK-AES128-CCM")),
    (0xC0A7, "TLS_DHE_PSK_WITH_AES_256_CCM", Some("DHE-PSK-AES256-CCM")),
    (0xC0A8, "TLS_PSK_WITH_AES_128_CCM_8", Some("PSK-AES128-CCM8")),
    (0xC0A9, "TLS_PSK_WITH_AES_256_CCM_8", Some("PSK-AES256-CCM8")),
    (0xC0AA, "TLS_PSK_DHE_WITH_AES_128_CCM_8", Some("DHE-PSK-AES128-CCM8")),
    (0xC0AB, "TLS_PSK_DHE_WITH_AES_256_CCM_8", Some("DHE-PSK-AES256-CCM8")),
    (0xC0AC, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM", Some("ECDHE-ECDSA-AES128-CCM")),
    (0xC0AD, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM", Some("ECDHE-ECDSA-AES256-CCM")),
    (0xC0AE, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8", Some("ECDHE-ECDSA-AES128-CCM8")),
    (0xC0AF, "TLS_ECDHE_ECDSA_WITH_AES_256_CCM_8", Some("ECDHE-ECDSA-AES256-CCM8")),
    (0xC0B0, "TLS_ECCPWD_WITH_AES_128_GCM_SHA256", None),
    (0xC0B1, "TLS_ECCPWD_WITH_AES_256_GCM_SHA384", None),
    (0xC0B2, "TLS_ECCPWD_WITH_AES_128_CCM_SHA256", None),
    (0xC0B3, "TLS_ECCPWD_WITH_AES_256_CCM_SHA384", None),
    (0xC0B4, "TLS_SHA256_SHA256", None),
    (0xC0B5, "TLS_SHA384_SHA384", None),
    (0xC100, "TLS_GOSTR341112_256_WITH_KUZNYECHIK_CTR_OMAC", Some("GOST2012-KUZNYECHIK-KUZNYECHIKOMAC")),
    (0xC101, "TLS_GOSTR341112_256_WITH_MAGMA_CTR_OMAC", Some("GOST2012-MAGMA-MAGMAOMAC")),
    (0xC102, "TLS_GOSTR341112_256_WITH_28147_CNT_IMIT", Some("IANA-GOST2012-GOST8912-GOST8912")),
    (0xC103, "TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_L", None),
    (0xC104, "TLS_GOSTR341112_256_WITH_MAGMA_MGM_L", None),
    (0xC105, "TLS_GOSTR341112_256_WITH_KUZNYECHIK_MGM_S", None),
    (0xC106, "TLS_GOSTR341112_256_WITH_MAGMA_MGM_S", None),
    // 0xCC13-0xCC15: not IANA-assigned; the pre-RFC 7905 ChaCha20-Poly1305 suites
    // (draft-agl-tls-chacha20poly1305), deployed by Chrome, BoringSSL and CloudFlare.
    (0xCC13, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256_OLD", Some("ECDHE-RSA-CHACHA20-POLY1305-OLD")),
    (0xCC14, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256_OLD", Some("ECDHE-ECDSA-CHACHA20-POLY1305-OLD")),
    (0xCC15, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256_OLD", Some("DHE-RSA-CHACHA20-POLY1305-OLD")),
    (0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", Some("ECDHE-RSA-CHACHA20-POLY1305")),
    (0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", Some("ECDHE-ECDSA-CHACHA20-POLY1305")),
    (0xCCAA, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", Some("DHE-RSA-CHACHA20-POLY1305")),
    (0xCCAB, "TLS_PSK_WITH_CHACHA20_POLY1305_SHA256", Some("PSK-CHACHA20-POLY1305")),
    (0xCCAC, "TLS_ECDHE_PSK_WITH_CHACHA20_POLY1305_SHA256", Some("ECDHE-PSK-CHACHA20-POLY1305")),
    (0xCCAD, "TLS_DHE_PSK_WITH_CHACHA20_POLY1305_SHA256", Some("DHE-PSK-CHACHA20-POLY1305")),
    (0xCCAE, "TLS_RSA_PSK_WITH_CHACHA20_POLY1305_SHA256", Some("RSA-PSK-CHACHA20-POLY1305")),
    // RFC 8442; 0xD004 is unassigned.
    (0xD001, "TLS_ECDHE_PSK_WITH_AES_128_GCM_SHA256", None),
    (0xD002, "TLS_ECDHE_PSK_WITH_AES_256_GCM_SHA384", None),
    (0xD003, "TLS_ECDHE_PSK_WITH_AES_128_CCM_8_SHA256", None),
    (0xD005, "TLS_ECDHE_PSK_WITH_AES_128_CCM_SHA256", None),
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn get(code: u16) -> SuiteInfo {
        match lookup(code) {
            Some(info) => info,
            None => panic!("0x{code:04X} missing"),
        }
    }

    #[test]
    fn table_sorted_unique_and_round_trips() {
        let mut prev: Option<u16> = None;
        let mut names = HashSet::new();
        for &(code, name, openssl) in SUITES {
            if let Some(p) = prev {
                assert!(code > p, "0x{code:04X} out of order after 0x{p:04X}");
            }
            prev = Some(code);
            assert!(name.starts_with("TLS_"), "{name}");
            assert!(names.insert(name.to_ascii_uppercase()), "duplicate {name}");
            assert_eq!(by_name(name).map(|s| s.code), Some(code), "{name}");
            let info = get(code);
            assert_eq!(info.name, name);
            assert_eq!(info.openssl_name, openssl);
            if let Some(o) = openssl {
                assert_eq!(by_name(o).map(|s| s.code), Some(code), "{o}");
            }
        }
        // OpenSSL names are unique and never collide with another suite's IANA name.
        let mut ossl = HashSet::new();
        for &(code, _, openssl) in SUITES {
            if let Some(o) = openssl {
                assert!(ossl.insert(o.to_ascii_uppercase()), "duplicate {o}");
                for &(other, iana, _) in SUITES {
                    if other != code {
                        assert!(!iana.eq_ignore_ascii_case(o), "{o} clashes with {iana}");
                    }
                }
            }
        }
        let codes: Vec<u16> = all().map(|s| s.code).collect();
        let table: Vec<u16> = SUITES.iter().map(|e| e.0).collect();
        assert_eq!(codes, table);
    }

    #[test]
    fn every_entry_derives_sensibly() {
        for s in all() {
            assert_ne!(s.kx, KeyExchange::Other, "{}", s.name);
            // Only TLS-PWD (password authentication) has no better-fitting auth.
            assert_eq!(
                s.auth == Authentication::Other,
                s.kx == KeyExchange::Eccpwd,
                "{}",
                s.name
            );
            assert!(!s.cipher.is_empty(), "{}", s.name);
            assert_eq!(s.name.contains("EXPORT"), s.export, "{}", s.name);
            if s.cipher == "NULL" {
                assert_eq!((s.bits, s.block_bits, s.mode), (0, 0, CipherMode::Null));
            } else {
                assert!(s.bits >= 40, "{} bits {}", s.name, s.bits);
                assert_ne!(s.mode, CipherMode::Null, "{}", s.name);
            }
            if s.mode == CipherMode::Cbc {
                assert!(s.block_bits == 64 || s.block_bits == 128, "{}", s.name);
            }
            if s.export {
                assert!(s.bits <= 56, "{}", s.name);
            }
            assert_eq!(s.tls13, s.kx == KeyExchange::Tls13, "{}", s.name);
            assert_eq!(s.tls13, s.auth == Authentication::Tls13, "{}", s.name);
            if s.tls13 {
                assert_eq!(s.openssl_name.unwrap_or(s.name), s.name);
            }
        }
    }

    #[test]
    fn scsvs_and_unassigned_are_not_suites() {
        for code in [
            EMPTY_RENEGOTIATION_INFO_SCSV,
            FALLBACK_SCSV,
            0xC0FF,
            0xFFFF,
            0x1308,
            0x001C,
            0x001D,
            0x0080,
            0xD004,
            0x0A0A,
        ] {
            assert_eq!(lookup(code), None, "0x{code:04X}");
        }
        assert_eq!(by_name("TLS_EMPTY_RENEGOTIATION_INFO_SCSV"), None);
        assert_eq!(by_name("TLS_FALLBACK_SCSV"), None);
        assert_eq!(by_name(""), None);
        assert_eq!(by_name("NOT-A-SUITE"), None);
        assert_eq!(by_name("é"), None);
    }

    #[test]
    fn counts() {
        assert_eq!(all().count(), SUITES.len());
        assert!(SUITES.len() > 340, "{}", SUITES.len());
    }

    #[test]
    fn export_rc4_40() {
        let s = get(0x0003);
        assert_eq!(s.name, "TLS_RSA_EXPORT_WITH_RC4_40_MD5");
        assert!(s.export);
        assert_eq!(s.kx, KeyExchange::RsaExport);
        assert_eq!(s.auth, Authentication::Rsa);
        assert_eq!((s.cipher, s.bits, s.block_bits), ("RC4_40", 40, 0));
        assert_eq!(s.mode, CipherMode::Stream);
        assert!(!s.forward_secret() && !s.anonymous() && !s.aead());
    }

    #[test]
    fn export_variants() {
        let s = get(0x0006);
        assert_eq!(
            (s.cipher, s.bits, s.block_bits, s.mode),
            ("RC2_CBC_40", 40, 64, CipherMode::Cbc)
        );
        assert!(s.export);
        let s = get(0x0008);
        assert_eq!((s.cipher, s.bits, s.block_bits), ("DES40_CBC", 40, 64));
        assert_eq!(s.kx, KeyExchange::RsaExport);
        let s = get(0x0014);
        assert!(s.export && s.forward_secret());
        assert_eq!((s.kx, s.auth), (KeyExchange::Dhe, Authentication::Rsa));
        let s = get(0x0026);
        assert_eq!(
            (s.kx, s.cipher, s.bits),
            (KeyExchange::Krb5, "DES_CBC_40", 40)
        );
        assert!(s.export);
        let s = get(0x0017);
        assert!(s.export && s.anonymous());
        let s = get(0x0060);
        assert_eq!(s.name, "TLS_RSA_EXPORT1024_WITH_RC4_56_MD5");
        assert!(s.export);
        assert_eq!(
            (s.kx, s.bits, s.mode),
            (KeyExchange::RsaExport, 56, CipherMode::Stream)
        );
        let s = get(0x0063);
        assert!(s.export);
        assert_eq!(
            (s.kx, s.auth, s.bits),
            (KeyExchange::Dhe, Authentication::Dss, 56)
        );
        let s = get(0x0066);
        assert!(!s.export);
        assert_eq!(s.bits, 128);
    }

    #[test]
    fn triple_des_and_des() {
        let s = get(0x000A);
        assert_eq!(s.openssl_name, Some("DES-CBC3-SHA"));
        assert_eq!(
            (s.cipher, s.bits, s.block_bits, s.mode),
            ("3DES_EDE_CBC", 112, 64, CipherMode::Cbc)
        );
        assert_eq!((s.kx, s.auth), (KeyExchange::Rsa, Authentication::Rsa));
        let s = get(0x0009);
        assert_eq!((s.cipher, s.bits, s.block_bits), ("DES_CBC", 56, 64));
        let s = get(0x0016);
        assert_eq!(s.openssl_name, Some("EDH-RSA-DES-CBC3-SHA"));
        assert!(s.forward_secret());
    }

    #[test]
    fn anonymous_suites() {
        let s = get(0x0018);
        assert_eq!(s.name, "TLS_DH_anon_WITH_RC4_128_MD5");
        assert!(s.anonymous() && s.forward_secret());
        assert_eq!(
            (s.kx, s.auth, s.bits),
            (KeyExchange::Dhe, Authentication::Null, 128)
        );
        let s = get(0xC015);
        assert_eq!(s.openssl_name, Some("AECDH-NULL-SHA"));
        assert!(s.anonymous());
        assert_eq!(
            (s.kx, s.bits, s.mode),
            (KeyExchange::Ecdhe, 0, CipherMode::Null)
        );
        assert!(get(0x0034).anonymous());
        assert_eq!(by_name("ADH-AES128-SHA").map(|s| s.code), Some(0x0034));
        // Not anonymous: NULL_WITH_NULL_NULL, PSK, ordinary RSA.
        assert!(!get(0x0000).anonymous());
        assert!(!get(0x008C).anonymous());
        assert!(!get(0x002F).anonymous());
    }

    #[test]
    fn null_suites() {
        let s = get(0x0000);
        assert_eq!(s.name, "TLS_NULL_WITH_NULL_NULL");
        assert_eq!(
            (s.kx, s.auth, s.cipher, s.bits, s.mode),
            (
                KeyExchange::Null,
                Authentication::Null,
                "NULL",
                0,
                CipherMode::Null
            )
        );
        assert!(!s.forward_secret());
        let s = get(0x0001);
        assert_eq!((s.cipher, s.bits, s.mode), ("NULL", 0, CipherMode::Null));
        let s = get(0xC010);
        assert!(s.forward_secret());
        assert_eq!(s.mode, CipherMode::Null);
        let s = get(0xC0B4);
        assert!(s.tls13);
        assert_eq!((s.cipher, s.bits, s.mode), ("NULL", 0, CipherMode::Null));
    }

    #[test]
    fn modern_tls12() {
        let s = get(0xC02F);
        assert_eq!((s.kx, s.auth), (KeyExchange::Ecdhe, Authentication::Rsa));
        assert_eq!(
            (s.cipher, s.bits, s.block_bits, s.mode),
            ("AES_128_GCM", 128, 128, CipherMode::Aead)
        );
        assert!(s.forward_secret() && s.aead() && !s.tls13 && !s.export);
        let s = get(0xC030);
        assert_eq!((s.cipher, s.bits), ("AES_256_GCM", 256));
        let s = get(0xCCA9);
        assert_eq!((s.kx, s.auth), (KeyExchange::Ecdhe, Authentication::Ecdsa));
        assert_eq!(
            (s.cipher, s.bits, s.block_bits, s.mode),
            ("CHACHA20_POLY1305", 256, 0, CipherMode::Aead)
        );
        assert_eq!(
            by_name("ECDHE-ECDSA-CHACHA20-POLY1305").map(|s| s.code),
            Some(0xCCA9)
        );
        let s = get(0xC013);
        assert_eq!((s.cipher, s.mode), ("AES_128_CBC", CipherMode::Cbc));
        let s = get(0xC028);
        assert_eq!((s.cipher, s.bits), ("AES_256_CBC", 256));
        let s = get(0x009E);
        assert_eq!(
            (s.kx, s.auth, s.mode),
            (KeyExchange::Dhe, Authentication::Rsa, CipherMode::Aead)
        );
        let s = get(0x0032);
        assert_eq!(s.auth, Authentication::Dss);
    }

    #[test]
    fn static_key_exchange_is_not_forward_secret() {
        for code in [
            0x0030, 0x0031, 0x00A0, 0xC004, 0xC00E, 0xC031, 0x002F, 0x009C,
        ] {
            assert!(!get(code).forward_secret(), "0x{code:04X}");
        }
        assert_eq!(get(0x0031).kx, KeyExchange::Dh);
        assert_eq!(
            (get(0xC004).kx, get(0xC004).auth),
            (KeyExchange::Ecdh, Authentication::Ecdsa)
        );
        assert_eq!(
            (get(0xC00E).kx, get(0xC00E).auth),
            (KeyExchange::Ecdh, Authentication::Rsa)
        );
    }

    #[test]
    fn tls13_suites() {
        let s = get(0x1301);
        assert_eq!(s.name, "TLS_AES_128_GCM_SHA256");
        assert_eq!(s.openssl_name, Some("TLS_AES_128_GCM_SHA256"));
        assert!(s.tls13 && s.forward_secret() && s.aead());
        assert_eq!(
            (s.kx, s.auth, s.cipher, s.bits),
            (
                KeyExchange::Tls13,
                Authentication::Tls13,
                "AES_128_GCM",
                128
            )
        );
        let s = get(0x1302);
        assert_eq!((s.cipher, s.bits), ("AES_256_GCM", 256));
        let s = get(0x1303);
        assert_eq!(
            (s.cipher, s.bits, s.block_bits),
            ("CHACHA20_POLY1305", 256, 0)
        );
        let s = get(0x1305);
        assert_eq!(
            (s.cipher, s.bits, s.mode),
            ("AES_128_CCM_8", 128, CipherMode::Aead)
        );
        let s = get(0x00C6);
        assert!(s.tls13);
        assert_eq!(
            (s.cipher, s.bits, s.block_bits, s.mode),
            ("SM4_GCM", 128, 128, CipherMode::Aead)
        );
        let s = get(0x00C7);
        assert_eq!((s.cipher, s.mode), ("SM4_CCM", CipherMode::Aead));
        let s = get(0x1306);
        assert_eq!(
            (s.cipher, s.bits, s.mode),
            ("AEGIS_256", 256, CipherMode::Aead)
        );
        let s = get(0x1307);
        assert_eq!((s.cipher, s.bits), ("AEGIS_128L", 128));
    }

    #[test]
    fn ccm_camellia_aria_seed_idea() {
        let s = get(0xC0AC);
        assert_eq!((s.kx, s.auth), (KeyExchange::Ecdhe, Authentication::Ecdsa));
        assert_eq!(
            (s.cipher, s.bits, s.mode),
            ("AES_128_CCM", 128, CipherMode::Aead)
        );
        let s = get(0xC0A0);
        assert_eq!(s.openssl_name, Some("AES128-CCM8"));
        assert_eq!((s.cipher, s.mode), ("AES_128_CCM_8", CipherMode::Aead));
        let s = get(0xC0AA);
        assert_eq!(s.kx, KeyExchange::DhePsk);
        assert!(s.forward_secret());
        let s = get(0x0084);
        assert_eq!(
            (s.cipher, s.bits, s.block_bits, s.mode),
            ("CAMELLIA_256_CBC", 256, 128, CipherMode::Cbc)
        );
        let s = get(0x0088);
        assert_eq!(s.openssl_name, Some("DHE-RSA-CAMELLIA256-SHA"));
        let s = get(0xC07C);
        assert_eq!((s.cipher, s.mode), ("CAMELLIA_128_GCM", CipherMode::Aead));
        let s = get(0xC03C);
        assert_eq!(s.name, "TLS_RSA_WITH_ARIA_128_CBC_SHA256");
        assert_eq!(
            (s.cipher, s.bits, s.block_bits, s.mode),
            ("ARIA_128_CBC", 128, 128, CipherMode::Cbc)
        );
        let s = get(0xC061);
        assert_eq!(s.openssl_name, Some("ECDHE-ARIA256-GCM-SHA384"));
        assert_eq!(
            (s.kx, s.auth, s.cipher, s.bits, s.mode),
            (
                KeyExchange::Ecdhe,
                Authentication::Rsa,
                "ARIA_256_GCM",
                256,
                CipherMode::Aead
            )
        );
        let s = get(0x0096);
        assert_eq!(
            (s.cipher, s.bits, s.block_bits, s.mode),
            ("SEED_CBC", 128, 128, CipherMode::Cbc)
        );
        let s = get(0x0007);
        assert_eq!((s.cipher, s.bits, s.block_bits), ("IDEA_CBC", 128, 64));
    }

    #[test]
    fn psk_srp_krb5_eccpwd() {
        let s = get(0x008C);
        assert_eq!((s.kx, s.auth), (KeyExchange::Psk, Authentication::Psk));
        assert!(!s.forward_secret());
        let s = get(0x0094);
        assert_eq!((s.kx, s.auth), (KeyExchange::RsaPsk, Authentication::Rsa));
        let s = get(0xC035);
        assert_eq!(s.kx, KeyExchange::EcdhePsk);
        assert!(s.forward_secret());
        let s = get(0xCCAD);
        assert_eq!(s.kx, KeyExchange::DhePsk);
        assert!(s.aead());
        let s = get(0xD001);
        assert_eq!(
            (s.kx, s.cipher, s.mode),
            (KeyExchange::EcdhePsk, "AES_128_GCM", CipherMode::Aead)
        );
        let s = get(0xD003);
        assert_eq!(s.cipher, "AES_128_CCM_8");
        let s = get(0xC01A);
        assert_eq!((s.kx, s.auth), (KeyExchange::Srp, Authentication::Srp));
        let s = get(0xC01E);
        assert_eq!((s.kx, s.auth), (KeyExchange::Srp, Authentication::Rsa));
        let s = get(0xC01C);
        assert_eq!(s.auth, Authentication::Dss);
        let s = get(0x0020);
        assert_eq!(
            (s.kx, s.auth, s.cipher),
            (KeyExchange::Krb5, Authentication::Krb5, "RC4_128")
        );
        let s = get(0xC0B0);
        assert_eq!(
            (s.kx, s.cipher, s.mode),
            (KeyExchange::Eccpwd, "AES_128_GCM", CipherMode::Aead)
        );
        assert_eq!(get(0xC0B3).cipher, "AES_256_CCM");
    }

    #[test]
    fn gost_suites() {
        let s = get(0xC100);
        assert_eq!((s.kx, s.auth), (KeyExchange::Gost, Authentication::Gost));
        assert_eq!(
            (s.cipher, s.bits, s.block_bits, s.mode),
            ("KUZNYECHIK_CTR", 256, 128, CipherMode::Stream)
        );
        assert!(!s.tls13);
        let s = get(0xC102);
        assert_eq!(
            (s.cipher, s.bits, s.block_bits, s.mode),
            ("28147_CNT", 256, 64, CipherMode::Stream)
        );
        let s = get(0xC104);
        assert!(s.tls13 && s.aead());
        assert_eq!(
            (s.kx, s.cipher, s.block_bits),
            (KeyExchange::Tls13, "MAGMA_MGM_L", 64)
        );
    }

    #[test]
    fn old_chacha() {
        let s = get(0xCC13);
        assert_eq!(s.name, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256_OLD");
        assert_eq!(
            (s.kx, s.auth, s.cipher, s.bits, s.mode),
            (
                KeyExchange::Ecdhe,
                Authentication::Rsa,
                "CHACHA20_POLY1305",
                256,
                CipherMode::Aead
            )
        );
        assert_eq!(get(0xCC15).kx, KeyExchange::Dhe);
    }

    #[test]
    fn by_name_variants() {
        assert_eq!(
            by_name("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256").map(|s| s.code),
            Some(0xC02F)
        );
        assert_eq!(
            by_name("ECDHE-RSA-AES128-GCM-SHA256").map(|s| s.code),
            Some(0xC02F)
        );
        assert_eq!(
            by_name("ecdhe-rsa-aes128-gcm-sha256").map(|s| s.code),
            Some(0xC02F)
        );
        assert_eq!(by_name("EXP-RC4-MD5").map(|s| s.code), Some(0x0003));
        assert_eq!(by_name("DES-CBC3-SHA").map(|s| s.code), Some(0x000A));
        assert_eq!(
            by_name("SSL_RSA_WITH_RC4_128_MD5").map(|s| s.code),
            Some(0x0004)
        );
        assert_eq!(
            by_name("TLS_DH_ANON_WITH_RC4_128_MD5").map(|s| s.code),
            Some(0x0018)
        );
        assert_eq!(
            by_name("TLS_AES_256_GCM_SHA384").map(|s| s.code),
            Some(0x1302)
        );
    }
}
