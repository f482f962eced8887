//! Test PKI, generated at test time: roots, intermediates and leaves with any key
//! type (P-256, P-384, Ed25519 via rcgen/ring; RSA of any size via the `rsa`
//! crate) and any signature hash (SHA-256, and SHA-1/MD5 by re-labelling the
//! algorithm and signing with the weak hash), plus builders for `ScanFacts`.
#![allow(dead_code, unreachable_pub, missing_debug_implementations)]

use std::sync::OnceLock;

use rcgen::{
    BasicConstraints, CertificateParams, CustomExtension, DnType, IsCa, Issuer, KeyPair,
    PublicKeyData, SignatureAlgorithm, SigningKey,
};
use rsa::pkcs1::EncodeRsaPublicKey;
use rsa::{Pkcs1v15Sign, RsaPrivateKey};
use sha2::Digest;
use tlslens_core::facts::{
    BrowserFacts, ChainFacts, EndpointFacts, HttpFacts, ProtocolSuites, ScanFacts,
};
use tlslens_core::wire::{CipherSuite, NamedGroup, ProtocolVersion};
use tlslens_core::Der;

pub mod servers;

/// The fixed "now" of the tests: 2027-01-15T08:00:00Z.
pub const NOW: i64 = 1_800_000_000;
pub const DAY: i64 = 86_400;

/// The hash an RSA issuer signs with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Hash {
    Sha256,
    Sha1,
    Md5,
}

const OID_SHA256_RSA: [u8; 11] = [
    0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b,
];

impl Hash {
    fn oid(self) -> [u8; 11] {
        let mut o = OID_SHA256_RSA;
        o[10] = match self {
            Hash::Sha256 => 0x0b,
            Hash::Sha1 => 0x05,
            Hash::Md5 => 0x04,
        };
        o
    }
}

/// Replaces every sha256WithRSAEncryption OID in `der` by `hash`'s (same length).
fn relabel(der: &[u8], hash: Hash) -> Vec<u8> {
    let mut out = der.to_vec();
    let new = hash.oid();
    let mut i = 0;
    while i + OID_SHA256_RSA.len() <= out.len() {
        if out[i..i + OID_SHA256_RSA.len()] == OID_SHA256_RSA {
            out[i..i + OID_SHA256_RSA.len()].copy_from_slice(&new);
            i += OID_SHA256_RSA.len();
        } else {
            i += 1;
        }
    }
    out
}

/// An RSA key from the `rsa` crate, usable by rcgen at any size.
pub struct RsaKey {
    key: RsaPrivateKey,
    public_pkcs1: Vec<u8>,
    hash: Hash,
}

impl PublicKeyData for RsaKey {
    fn der_bytes(&self) -> &[u8] {
        &self.public_pkcs1
    }
    fn algorithm(&self) -> &'static SignatureAlgorithm {
        &rcgen::PKCS_RSA_SHA256
    }
}

impl SigningKey for RsaKey {
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, rcgen::Error> {
        // rcgen labels the TBS sha256WithRSA; sign what the relabelled TBS will be.
        let tbs = relabel(msg, self.hash);
        let res = match self.hash {
            Hash::Sha256 => self.key.sign(
                Pkcs1v15Sign::new::<sha2::Sha256>(),
                &sha2::Sha256::digest(&tbs),
            ),
            Hash::Sha1 => self
                .key
                .sign(Pkcs1v15Sign::new::<sha1::Sha1>(), &sha1::Sha1::digest(&tbs)),
            Hash::Md5 => self
                .key
                .sign(Pkcs1v15Sign::new::<md5::Md5>(), &md5::Md5::digest(&tbs)),
        };
        res.map_err(|_| rcgen::Error::RingUnspecified)
    }
}

fn rsa_private(bits: usize) -> RsaPrivateKey {
    static K1024: OnceLock<RsaPrivateKey> = OnceLock::new();
    static K2048: OnceLock<RsaPrivateKey> = OnceLock::new();
    static K2048B: OnceLock<RsaPrivateKey> = OnceLock::new();
    let gen = |b| RsaPrivateKey::new(&mut rand::thread_rng(), b).expect("rsa keygen");
    match bits {
        1024 => K1024.get_or_init(|| gen(1024)).clone(),
        2048 => K2048.get_or_init(|| gen(2048)).clone(),
        // a second, distinct 2048-bit key
        2049 => K2048B.get_or_init(|| gen(2048)).clone(),
        other => gen(other),
    }
}

/// Key types for test certificates.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    P256,
    P384,
    Ed25519,
    /// RSA with this modulus size (2049 = a second 2048-bit key), signing with `Hash`.
    Rsa(usize, Hash),
}

pub enum TestKey {
    Ring(KeyPair),
    Rsa(RsaKey),
}

impl TestKey {
    pub fn new(kind: KeyKind) -> Self {
        match kind {
            KeyKind::P256 => {
                TestKey::Ring(KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("p256"))
            }
            KeyKind::P384 => {
                TestKey::Ring(KeyPair::generate_for(&rcgen::PKCS_ECDSA_P384_SHA384).expect("p384"))
            }
            KeyKind::Ed25519 => {
                TestKey::Ring(KeyPair::generate_for(&rcgen::PKCS_ED25519).expect("ed25519"))
            }
            KeyKind::Rsa(bits, hash) => {
                let key = rsa_private(bits);
                let public_pkcs1 = key
                    .to_public_key()
                    .to_pkcs1_der()
                    .expect("pkcs1")
                    .as_bytes()
                    .to_vec();
                TestKey::Rsa(RsaKey {
                    key,
                    public_pkcs1,
                    hash,
                })
            }
        }
    }

    fn hash(&self) -> Hash {
        match self {
            TestKey::Rsa(k) => k.hash,
            TestKey::Ring(_) => Hash::Sha256,
        }
    }
}

impl PublicKeyData for TestKey {
    fn der_bytes(&self) -> &[u8] {
        match self {
            TestKey::Ring(k) => k.der_bytes(),
            TestKey::Rsa(k) => k.der_bytes(),
        }
    }
    fn algorithm(&self) -> &'static SignatureAlgorithm {
        match self {
            TestKey::Ring(k) => k.algorithm(),
            TestKey::Rsa(k) => k.algorithm(),
        }
    }
}

impl SigningKey for TestKey {
    fn sign(&self, msg: &[u8]) -> Result<Vec<u8>, rcgen::Error> {
        match self {
            TestKey::Ring(k) => k.sign(msg),
            TestKey::Rsa(k) => k.sign(msg),
        }
    }
}

/// A change to the rcgen parameters of a certificate (a constraint, a usage,
/// an extension), applied after the defaults of [`Spec`].
#[derive(Clone)]
pub struct Edit(pub std::sync::Arc<dyn Fn(&mut CertificateParams) + Send + Sync>);

impl std::fmt::Debug for Edit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Edit")
    }
}

/// What to put in a certificate.
#[derive(Clone, Debug)]
pub struct Spec {
    pub cn: String,
    pub sans: Vec<String>,
    pub ca: bool,
    pub not_before: i64,
    pub not_after: i64,
    pub ca_issuers_url: Option<String>,
    /// An OCSP responder URL (authorityInfoAccess).
    pub ocsp_url: Option<String>,
    /// DV policy OID, must-staple and a CRL URL.
    pub extras: bool,
    /// Extended key usage `id-kp-OCSPSigning` instead of `serverAuth`: a
    /// delegated OCSP responder.
    pub ocsp_signer: bool,
    /// An embedded SCT list (the extension's SignedCertificateTimestampList).
    pub scts: Option<Vec<u8>>,
    /// Changes applied last.
    pub edits: Vec<Edit>,
}

impl Spec {
    pub fn leaf(sans: &[&str]) -> Self {
        Self {
            cn: sans.first().copied().unwrap_or("leaf").to_owned(),
            sans: sans.iter().map(|s| (*s).to_owned()).collect(),
            ca: false,
            not_before: NOW - 30 * DAY,
            not_after: NOW + 60 * DAY,
            ca_issuers_url: None,
            ocsp_url: None,
            extras: false,
            ocsp_signer: false,
            scts: None,
            edits: Vec::new(),
        }
    }

    pub fn ca(cn: &str) -> Self {
        Self {
            cn: cn.to_owned(),
            sans: Vec::new(),
            ca: true,
            not_before: NOW - 365 * DAY,
            not_after: NOW + 3650 * DAY,
            ca_issuers_url: None,
            ocsp_url: None,
            extras: false,
            ocsp_signer: false,
            scts: None,
            edits: Vec::new(),
        }
    }

    /// Applies `f` to the rcgen parameters after the defaults.
    pub fn with(mut self, f: impl Fn(&mut CertificateParams) + Send + Sync + 'static) -> Self {
        self.edits.push(Edit(std::sync::Arc::new(f)));
        self
    }

    pub fn valid(mut self, from: i64, until: i64) -> Self {
        self.not_before = from;
        self.not_after = until;
        self
    }

    fn params(&self) -> CertificateParams {
        let mut p = CertificateParams::new(self.sans.clone()).expect("sans");
        p.distinguished_name = rcgen::DistinguishedName::new();
        p.distinguished_name
            .push(DnType::CommonName, self.cn.clone());
        p.distinguished_name
            .push(DnType::OrganizationName, "TLS Lens Test");
        p.not_before = time::OffsetDateTime::from_unix_timestamp(self.not_before).expect("time");
        p.not_after = time::OffsetDateTime::from_unix_timestamp(self.not_after).expect("time");
        if self.ca {
            p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            p.key_usages = vec![
                rcgen::KeyUsagePurpose::KeyCertSign,
                rcgen::KeyUsagePurpose::CrlSign,
            ];
        } else {
            p.is_ca = IsCa::ExplicitNoCa;
            p.extended_key_usages = vec![if self.ocsp_signer {
                rcgen::ExtendedKeyUsagePurpose::OcspSigning
            } else {
                rcgen::ExtendedKeyUsagePurpose::ServerAuth
            }];
        }
        if let Some(list) = &self.scts {
            // 1.3.6.1.4.1.11129.2.4.2: OCTET STRING { SignedCertificateTimestampList }
            let mut value = vec![0x04];
            value.extend(der_len(list.len()));
            value.extend(list);
            p.custom_extensions.push(CustomExtension::from_oid_content(
                &[1, 3, 6, 1, 4, 1, 11129, 2, 4, 2],
                value,
            ));
        }
        p.use_authority_key_identifier_extension = true;
        if self.ca_issuers_url.is_some() || self.ocsp_url.is_some() {
            p.custom_extensions.push(aia_extension(
                self.ca_issuers_url.as_deref(),
                self.ocsp_url.as_deref(),
            ));
        }
        if self.extras {
            // certificatePolicies: CA/B Forum domain-validated (2.23.140.1.2.1)
            let dv = vec![
                0x30, 0x0a, 0x30, 0x08, 0x06, 0x06, 0x67, 0x81, 0x0c, 0x01, 0x02, 0x01,
            ];
            p.custom_extensions
                .push(CustomExtension::from_oid_content(&[2, 5, 29, 32], dv));
            // TLS feature: status_request (must-staple)
            let feature = vec![0x30, 0x03, 0x02, 0x01, 0x05];
            p.custom_extensions.push(CustomExtension::from_oid_content(
                &[1, 3, 6, 1, 5, 5, 7, 1, 24],
                feature,
            ));
            p.crl_distribution_points = vec![rcgen::CrlDistributionPoint {
                uris: vec!["http://crl.example.test/ca.crl".into()],
            }];
        }
        for edit in &self.edits {
            (edit.0)(&mut p);
        }
        p
    }
}

/// A DER length.
pub fn der_len(n: usize) -> Vec<u8> {
    match n {
        n if n < 0x80 => vec![n as u8],
        n if n < 0x100 => vec![0x81, n as u8],
        n => vec![0x82, (n >> 8) as u8, n as u8],
    }
}

/// authorityInfoAccess with a caIssuers and/or an OCSP URL.
fn aia_extension(ca_issuers: Option<&str>, ocsp: Option<&str>) -> CustomExtension {
    fn description(method_last: u8, url: &str) -> Vec<u8> {
        let method = [
            0x06,
            0x08,
            0x2b,
            0x06,
            0x01,
            0x05,
            0x05,
            0x07,
            0x30,
            method_last,
        ];
        let mut uri = vec![0x86, u8::try_from(url.len()).expect("short url")];
        uri.extend_from_slice(url.as_bytes());
        let mut desc = vec![0x30, u8::try_from(method.len() + uri.len()).expect("short")];
        desc.extend_from_slice(&method);
        desc.extend_from_slice(&uri);
        desc
    }
    let mut body = Vec::new();
    if let Some(url) = ocsp {
        body.extend(description(0x01, url));
    }
    if let Some(url) = ca_issuers {
        body.extend(description(0x02, url));
    }
    let mut seq = vec![0x30, u8::try_from(body.len()).expect("short")];
    seq.extend_from_slice(&body);
    CustomExtension::from_oid_content(&[1, 3, 6, 1, 5, 5, 7, 1, 1], seq)
}

/// A certificate with its key, able to issue children.
pub struct Node {
    pub spec: Spec,
    params: CertificateParams,
    pub key: TestKey,
    pub der: Vec<u8>,
}

impl Node {
    /// A self-signed certificate (a root, or a self-signed leaf).
    pub fn self_signed(spec: Spec, kind: KeyKind) -> Self {
        let key = TestKey::new(kind);
        let params = spec.params();
        let cert = params.self_signed(&key).expect("self-sign");
        let der = relabel(cert.der(), key.hash());
        Node {
            spec,
            params,
            key,
            der,
        }
    }

    /// A certificate for `spec` with a new `kind` key, signed by this node.
    pub fn issue(&self, spec: Spec, kind: KeyKind) -> Self {
        let key = TestKey::new(kind);
        let params = spec.params();
        let issuer = Issuer::from_params(&self.params, &self.key);
        let cert = params.signed_by(&key, &issuer).expect("sign");
        let der = relabel(cert.der(), self.key.hash());
        Node {
            spec,
            params,
            key,
            der,
        }
    }

    pub fn der(&self) -> Der {
        Der(self.der.clone())
    }
}

/// A private PKI: root → intermediate → leaf for `example.test`.
pub struct Pki {
    pub root: Node,
    pub inter: Node,
    pub leaf: Node,
}

impl Pki {
    pub fn new(leaf: Spec, leaf_kind: KeyKind) -> Self {
        let root = Node::self_signed(Spec::ca("TLS Lens Test Root"), KeyKind::P256);
        let inter = root.issue(Spec::ca("TLS Lens Test Intermediate"), KeyKind::P256);
        let leaf = inter.issue(leaf, leaf_kind);
        Pki { root, inter, leaf }
    }

    pub fn standard() -> Self {
        Self::new(
            Spec::leaf(&["example.test", "www.example.test"]),
            KeyKind::P256,
        )
    }

    /// leaf + intermediate, as a correct server sends it.
    pub fn chain(&self) -> Vec<Der> {
        vec![self.leaf.der(), self.inter.der()]
    }

    pub fn anchors(&self) -> Vec<Der> {
        vec![self.root.der()]
    }
}

/// A healthy modern endpoint: TLS 1.2 + 1.3, ECDHE + AEAD, x25519/P-256, HSTS one
/// year, the reference browser on TLS 1.3.
pub fn good_endpoint(chain: Vec<Der>) -> EndpointFacts {
    let s = |n: &str| CipherSuite::parse(n).expect(n);
    EndpointFacts {
        ip: "127.0.0.1".into(),
        protocols: vec![ProtocolVersion::TLS12, ProtocolVersion::TLS13],
        cipher_suites: vec![
            ProtocolSuites {
                protocol: ProtocolVersion::TLS12,
                suites: vec![
                    s("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
                    s("TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384"),
                    s("TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256"),
                ],
                server_order: Some(true),
            },
            ProtocolSuites {
                protocol: ProtocolVersion::TLS13,
                suites: vec![
                    s("TLS_AES_128_GCM_SHA256"),
                    s("TLS_AES_256_GCM_SHA384"),
                    s("TLS_CHACHA20_POLY1305_SHA256"),
                ],
                server_order: Some(false),
            },
        ],
        groups: vec![NamedGroup::X25519, NamedGroup::SECP256R1],
        chain: Some(ChainFacts {
            certificates: chain,
            ..ChainFacts::default()
        }),
        alpn: vec!["h2".into(), "http/1.1".into()],
        http: Some(HttpFacts {
            status: Some(200),
            hsts: Some("max-age=31536000; includeSubDomains".into()),
            accept_encoding: Some("gzip, deflate, br".into()),
            ..HttpFacts::default()
        }),
        secure_renegotiation: Some(true),
        fallback_scsv: Some(true),
        compression: Some(false),
        browser: Some(BrowserFacts {
            client: "chrome-131".into(),
            protocol: Some(ProtocolVersion::TLS13),
            cipher_suite: Some(s("TLS_AES_128_GCM_SHA256")),
            group: Some(NamedGroup::X25519),
            error: None,
        }),
        ..EndpointFacts::default()
    }
}

/// Facts for `example.test:443` with one good endpoint and the PKI's root trusted.
pub fn good_facts(pki: &Pki) -> ScanFacts {
    let mut f = ScanFacts::new("example.test", 443);
    f.extra_anchors = pki.anchors();
    f.endpoints.push(good_endpoint(pki.chain()));
    f
}

/// One shared PKI per test binary (key generation is the slow part).
pub fn shared_pki() -> &'static Pki {
    static PKI: OnceLock<Pki> = OnceLock::new();
    PKI.get_or_init(Pki::standard)
}

/// A simulated client's handshake in which the server chose `protocol`,
/// `suite` and `group` (and sent the primary chain).
pub fn client_hs(
    id: &str,
    protocol: ProtocolVersion,
    suite: &str,
    group: Option<NamedGroup>,
) -> tlslens_core::facts::ClientHandshake {
    tlslens_core::facts::ClientHandshake {
        client: id.into(),
        protocol: Some(protocol),
        cipher_suite: Some(CipherSuite::parse(suite).expect(suite)),
        group,
        chain: Some(tlslens_core::facts::ChainRef::Index(0)),
        ..Default::default()
    }
}

/// A simulated client's handshake that the server ended with `alert`.
pub fn client_refused(id: &str, alert: u8) -> tlslens_core::facts::ClientHandshake {
    tlslens_core::facts::ClientHandshake {
        client: id.into(),
        error: Some(tlslens_core::facts::HandshakeError {
            kind: tlslens_core::facts::HandshakeErrorKind::Alert,
            alert: Some(alert),
            message: String::new(),
        }),
        ..Default::default()
    }
}
