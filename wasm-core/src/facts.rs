//! `ScanFacts`: everything the relay observed about one target, and nothing it
//! concluded. The relay writes it, the core grades it (natively or in WASM), so the
//! same facts always give the same report. JSON reference: `docs/facts.md`.
//!
//! Every field a scanner may not have measured is optional or defaults to empty:
//! "not measured" (`null`) is different from "measured and absent" (`false`, `[]`).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::der::Der;
use crate::hex::Hex;
use crate::wire::{CipherSuite, NamedGroup, ProtocolVersion};

/// The schema this build reads and writes.
pub const FACTS_SCHEMA: &str = "tlslens.facts/1";

/// Everything observed for one `host:port`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ScanFacts {
    /// Always [`FACTS_SCHEMA`].
    pub schema: String,
    /// What was scanned.
    pub target: Target,
    /// When the scan started (RFC 3339), if the scanner says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at: Option<String>,
    /// Scanner name and version, e.g. `tlslens-relay 0.1.0`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scanner: Option<String>,
    /// Trust anchors the scanner was told to add to the Mozilla roots
    /// (`--ca-file`). Carried in the facts so that grading them anywhere gives the
    /// same answer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extra_anchors: Vec<Der>,
    /// One entry per IP address behind the name.
    #[serde(default)]
    pub endpoints: Vec<EndpointFacts>,
}

/// The scanned host name (or IP literal) and port.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Target {
    /// Host name as the user gave it (lower-cased, no trailing dot) or an IP literal.
    pub host: String,
    /// TCP port.
    pub port: u16,
}

/// What was observed at one IP address.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct EndpointFacts {
    /// The address, as text (`127.0.0.1`, `::1`).
    pub ip: String,
    /// Set when the endpoint could not be scanned at all (refused, timed out).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<ProbeError>,
    /// Protocol versions the server accepted.
    #[serde(default)]
    pub protocols: Vec<ProtocolVersion>,
    /// Accepted cipher suites per protocol.
    #[serde(default)]
    pub cipher_suites: Vec<ProtocolSuites>,
    /// SSLv2 cipher kinds the server offered in its SERVER-HELLO, by name
    /// (`SSL_CK_RC4_128_WITH_MD5`, or `0x010080` when unknown).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sslv2_ciphers: Vec<String>,
    /// Named groups the server accepts, in its preference order when it has one.
    #[serde(default)]
    pub groups: Vec<NamedGroup>,
    /// Key-exchange parameters seen in handshakes.
    #[serde(default)]
    pub key_exchange: KeyExchangeFacts,
    /// The certificate chain served with SNI (the primary one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain: Option<ChainFacts>,
    /// The chain served without SNI, when a no-SNI handshake succeeded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain_no_sni: Option<ChainFacts>,
    /// The server refused a handshake without SNI while it accepted one with SNI
    /// (`Some(false)`: the no-SNI handshake worked; `None`: not measured). Clients
    /// that send no SNI (old libraries, some monitoring tools) fail there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sni_required: Option<bool>,
    /// Further chains served with SNI for other certificate types (e.g. ECDSA
    /// beside RSA).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_chains: Vec<ChainFacts>,
    /// ALPN protocols the server selected when offered (`h2`, `http/1.1`).
    #[serde(default)]
    pub alpn: Vec<String>,
    /// The HTTPS `GET /` made to read HSTS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub http: Option<HttpFacts>,
    /// RFC 5746 secure renegotiation offered by the server.
    #[serde(default)]
    pub secure_renegotiation: Option<bool>,
    /// The server refuses a downgraded handshake carrying TLS_FALLBACK_SCSV.
    #[serde(default)]
    pub fallback_scsv: Option<bool>,
    /// The server accepted TLS compression (CRIME).
    #[serde(default)]
    pub compression: Option<bool>,
    /// Session resumption support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_resumption: Option<ResumptionFacts>,
    /// What a current reference browser's ClientHello negotiated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub browser: Option<BrowserFacts>,
    /// Results of vulnerability probes, when run.
    #[serde(default)]
    pub vulnerabilities: Vulnerabilities,
    /// The TLS 1.3 downgrade sentinel (RFC 8446 §4.1.3) in the ServerHello
    /// random of each TLS ≤ 1.2 version's first full handshake (only the
    /// versions with one).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub downgrade_sentinels: BTreeMap<ProtocolVersion, DowngradeSentinel>,
    /// Whether the server picks the group by its own preference (`groups` is
    /// then in that order); `None`: not determined (fewer than two groups).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups_server_order: Option<bool>,
    /// The server answered an SSLv2-format ClientHello asking for TLS with a
    /// TLS ServerHello (`false`: it refused or closed; `None`: not tested).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sslv2_compatible_hello: Option<bool>,
    /// The `signed_certificate_timestamp` extension data (a
    /// SignedCertificateTimestampList) of the best TLS ≤ 1.2 ServerHello, when
    /// the hello asked for it; empty when the server sent none; `None`: not
    /// measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sct_extension: Option<Der>,
    /// Probes that failed (timeouts, resets); the scan went on without them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub probe_errors: Vec<ProbeError>,
    /// Wall-clock time per probe family.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timings: Vec<Timing>,
}

/// Cipher suites accepted under one protocol version.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtocolSuites {
    /// The protocol version.
    pub protocol: ProtocolVersion,
    /// Suites in the server's preference order when it enforces one, else in the
    /// order they were found.
    pub suites: Vec<CipherSuite>,
    /// Whether the server chooses by its own order (`None`: not determined, e.g.
    /// only one suite).
    #[serde(default)]
    pub server_order: Option<bool>,
}

/// Key-exchange parameters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyExchangeFacts {
    /// Size in bits of the smallest DH prime seen with DHE suites.
    #[serde(default)]
    pub dh_bits: Option<u32>,
    /// The ECDH group the server chose in a default handshake.
    #[serde(default)]
    pub ecdh_group: Option<NamedGroup>,
    /// The finite-field groups (prime and generator) of the DHE
    /// ServerKeyExchanges seen, each once, in the order first seen.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub dh_groups: Vec<DhGroupFacts>,
    /// The server's ephemeral public values, one per handshake, in the order
    /// seen (a few per kind): compared by the core to tell whether the server
    /// reuses its (EC)DH key.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub public_values: Vec<PublicValueFacts>,
}

/// A finite-field Diffie-Hellman group as a ServerKeyExchange sent it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DhGroupFacts {
    /// The prime `dh_p`, big-endian as sent.
    pub p: Hex,
    /// The generator `dh_g`, big-endian as sent.
    pub g: Hex,
}

/// Which key exchange a public value belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KexKind {
    /// Finite-field DHE (`dh_Ys` of a TLS ≤ 1.2 ServerKeyExchange).
    Dhe,
    /// Elliptic-curve DHE (the point of a TLS ≤ 1.2 ServerKeyExchange, or a
    /// TLS 1.3 `key_share`).
    Ecdhe,
}

impl KexKind {
    /// The stable spelling (`dhe`, `ecdhe`).
    pub fn as_str(self) -> &'static str {
        match self {
            KexKind::Dhe => "dhe",
            KexKind::Ecdhe => "ecdhe",
        }
    }
}

/// One server public value of an ephemeral key exchange.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicValueFacts {
    /// DHE or ECDHE.
    pub kind: KexKind,
    /// The named group (ECDHE, and TLS 1.3 FFDHE key shares); `None` for a
    /// TLS ≤ 1.2 DHE value (its group is in `dh_groups`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<NamedGroup>,
    /// The value as sent.
    pub value: Hex,
}

/// A TLS 1.3 downgrade sentinel, as found in a ServerHello random.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DowngradeSentinel {
    /// No sentinel.
    None,
    /// `DOWNGRD\x01`: a TLS 1.3 server negotiated TLS 1.2.
    Tls12,
    /// `DOWNGRD\x00`: the server negotiated TLS 1.1 or below.
    Tls11,
}

/// One certificate chain as served.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainFacts {
    /// The certificates exactly as sent, leaf first.
    pub certificates: Vec<Der>,
    /// Certificates fetched from CA Issuers (AIA) URLs to complete the chain.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aia: Vec<Der>,
    /// The stapled OCSP response, if the server sent one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ocsp_staple: Option<Der>,
    /// The protocol of the handshake that returned this chain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<ProtocolVersion>,
    /// The suite of the handshake that returned this chain.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cipher_suite: Option<CipherSuite>,
}

/// The response to one HTTPS `GET /`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpFacts {
    /// HTTP status code.
    #[serde(default)]
    pub status: Option<u16>,
    /// The raw `Strict-Transport-Security` header value, `None` when absent.
    #[serde(default)]
    pub hsts: Option<String>,
    /// Why the request failed, if it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The `Accept-Encoding` the request sent (`None`: the scanner sent none,
    /// so HTTP compression was not measured).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accept_encoding: Option<String>,
    /// The raw `Content-Encoding` header of the answer, `None` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_encoding: Option<String>,
}

/// Session resumption.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResumptionFacts {
    /// Resumption by session ID worked.
    #[serde(default)]
    pub session_ids: Option<bool>,
    /// The server issued session tickets.
    #[serde(default)]
    pub tickets: Option<bool>,
    /// The server assigned a session ID in a full TLS ≤ 1.2 handshake (with
    /// `session_ids: false`: IDs assigned but not accepted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ids_assigned: Option<bool>,
}

/// The handshake of a current reference browser's ClientHello.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BrowserFacts {
    /// Which ClientHello was sent, e.g. `chrome-131`.
    pub client: String,
    /// Negotiated protocol; `None` when the handshake failed.
    #[serde(default)]
    pub protocol: Option<ProtocolVersion>,
    /// Negotiated suite.
    #[serde(default)]
    pub cipher_suite: Option<CipherSuite>,
    /// Negotiated group.
    #[serde(default)]
    pub group: Option<NamedGroup>,
    /// Why the handshake failed (e.g. `alert handshake_failure`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Vulnerability probe results: `Some(true)` vulnerable, `Some(false)` tested and
/// not vulnerable, `None` not tested.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vulnerabilities {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heartbleed: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ccs_injection: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticketbleed: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub robot: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drown: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poodle_tls: Option<bool>,
}

/// A probe or endpoint failure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeError {
    /// Which probe (`connect`, `protocol:TLSv1.0`, `suites:TLSv1.2`, `http`).
    pub probe: String,
    /// Stable machine code: `timeout`, `refused`, `reset`, `garbage`, …
    pub code: String,
    /// Human text.
    pub message: String,
}

/// Time spent by one probe family.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timing {
    /// Probe family.
    pub probe: String,
    /// Milliseconds.
    pub ms: u64,
}

impl ScanFacts {
    /// An empty facts document for `host:port`.
    pub fn new(host: impl Into<String>, port: u16) -> Self {
        Self {
            schema: FACTS_SCHEMA.to_owned(),
            target: Target {
                host: host.into(),
                port,
            },
            started_at: None,
            scanner: None,
            extra_anchors: Vec::new(),
            endpoints: Vec::new(),
        }
    }

    /// Reads facts from JSON, checking the schema.
    pub fn from_json(json: &str) -> Result<Self, crate::Error> {
        let facts: Self = serde_json::from_str(json)?;
        if facts.schema != FACTS_SCHEMA {
            return Err(crate::Error::Schema {
                found: facts.schema,
                expected: FACTS_SCHEMA,
            });
        }
        Ok(facts)
    }
}

impl EndpointFacts {
    /// The accepted suites of `protocol`, empty when none were recorded.
    pub fn suites_for(&self, protocol: ProtocolVersion) -> &[CipherSuite] {
        self.cipher_suites
            .iter()
            .find(|p| p.protocol == protocol)
            .map(|p| p.suites.as_slice())
            .unwrap_or_default()
    }

    /// Every accepted `(protocol, suite)` pair.
    pub fn all_suites(&self) -> impl Iterator<Item = (ProtocolVersion, CipherSuite)> + '_ {
        self.cipher_suites
            .iter()
            .flat_map(|p| p.suites.iter().map(move |s| (p.protocol, *s)))
    }
}
