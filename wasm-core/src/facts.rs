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
    /// The certificate of the SSLv2 SERVER-HELLO, when SSLv2 is offered: DROWN
    /// is judged by comparing its key with every endpoint's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sslv2_certificate: Option<Der>,
    /// Named groups the server accepts, in its preference order when it has one.
    #[serde(default)]
    pub groups: Vec<NamedGroup>,
    /// Key-exchange parameters seen in handshakes.
    #[serde(default)]
    pub key_exchange: KeyExchangeFacts,
    /// The certificate chain served with SNI (the primary one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain: Option<ChainFacts>,
    /// Whether the server sends a certificate at all: `Some(false)` when it
    /// completed a handshake without one (anonymous suites only). With no
    /// `chain` and anything but `Some(false)`, the chain was not measured
    /// (every chain probe failed, see `probe_errors`): the core then says so
    /// and does not judge trust.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_sent: Option<bool>,
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
    /// The client simulation: what the server chose for each simulated
    /// client's ClientHello (`None`: the simulation was not run).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clients: Option<Vec<ClientHandshake>>,
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

/// What the server answered to one simulated client's ClientHello
/// (`docs/facts.md`, "Client simulation"). Only what was seen: the core applies
/// the client's rules.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientHandshake {
    /// The client's id in the client table (`java-8u161`).
    pub client: String,
    /// The protocol the server chose; `None` when it sent no ServerHello.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<ProtocolVersion>,
    /// The suite the server chose.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cipher_suite: Option<CipherSuite>,
    /// The (EC)DHE group the server chose: `ServerKeyExchange` named curve, or
    /// the TLS 1.3 `key_share` group (after any HelloRetryRequest).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<NamedGroup>,
    /// Size of the DH prime the server sent with a DHE suite, in bits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dh_bits: Option<u32>,
    /// The certificate chain the server sent to this client.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chain: Option<ChainRef>,
    /// How the handshake ended when the server did not carry it on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<HandshakeError>,
}

/// Which recorded chain a simulated client received. In JSON a number, the
/// string `"no_sni"`, or a chain object (read without serde's untagged-enum
/// buffering, which would cost the WASM build dearly).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(untagged)]
pub enum ChainRef {
    /// An index into the endpoint's chains with SNI: 0 is `chain`, `n` is
    /// `other_chains[n - 1]`.
    Index(usize),
    /// A named chain of the endpoint (`"no_sni"`: `chain_no_sni`).
    Slot(ChainSlot),
    /// A chain recorded nowhere else.
    Inline(Box<ChainFacts>),
}

impl<'de> Deserialize<'de> for ChainRef {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{self, value::MapAccessDeserializer, MapAccess, Visitor};
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ChainRef;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a chain index, \"no_sni\" or a chain")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<ChainRef, E> {
                usize::try_from(v)
                    .map(ChainRef::Index)
                    .map_err(|_| E::custom("chain index out of range"))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<ChainRef, E> {
                match v {
                    "no_sni" => Ok(ChainRef::Slot(ChainSlot::NoSni)),
                    other => Err(E::custom(format!("unknown chain {other:?}"))),
                }
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<ChainRef, A::Error> {
                let chain = ChainFacts::deserialize(MapAccessDeserializer::new(map))?;
                Ok(ChainRef::Inline(Box::new(chain)))
            }
        }
        d.deserialize_any(V)
    }
}

/// A named chain of the endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ChainSlot {
    /// `chain_no_sni`, served to clients that send no SNI.
    NoSni,
}

/// How a simulated handshake ended without the server choosing parameters
/// (or after it chose them, when it then gave up).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HandshakeError {
    /// What happened.
    pub kind: HandshakeErrorKind,
    /// The TLS alert description the server sent (`40` handshake_failure,
    /// `70` protocol_version, `112` unrecognized_name, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert: Option<u8>,
    /// The relay's own words, for the curious.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub message: String,
}

/// The ways a simulated handshake ends early.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandshakeErrorKind {
    /// The server sent a fatal alert (see `alert`).
    Alert,
    /// The server closed the connection without an alert.
    Closed,
    /// The connection was reset.
    Reset,
    /// The server did not answer in time.
    Timeout,
    /// The server answered with something that is not a valid reply to this
    /// hello (a version or suite the client did not offer, garbage).
    Invalid,
}

impl HandshakeErrorKind {
    /// The facts spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            HandshakeErrorKind::Alert => "alert",
            HandshakeErrorKind::Closed => "closed",
            HandshakeErrorKind::Reset => "reset",
            HandshakeErrorKind::Timeout => "timeout",
            HandshakeErrorKind::Invalid => "invalid",
        }
    }
}

/// Vulnerability probe results, one [`VulnCheck`] per probe; an absent field was
/// not tested at all (older facts, or a scanner without that probe).
///
/// Older facts wrote each field as a boolean (`true` vulnerable, `false` tested
/// and fine); those still read, as a check without evidence.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vulnerabilities {
    /// Heartbleed (CVE-2014-0160).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub heartbleed: Option<VulnCheck>,
    /// The OpenSSL CCS injection (CVE-2014-0224).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ccs_injection: Option<VulnCheck>,
    /// Ticketbleed (CVE-2016-9244): a short session id echoed back padded
    /// to 32 bytes with server memory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticketbleed: Option<VulnCheck>,
    /// ROBOT: a Bleichenbacher oracle on RSA key exchange (with
    /// [`VulnCheck::oracle`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub robot: Option<VulnCheck>,
    /// DROWN: the key is usable through SSLv2, here or on another endpoint.
    /// The relay leaves it out; the core judges it from `protocols` and
    /// [`EndpointFacts::sslv2_certificate`] of every endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drown: Option<VulnCheck>,
    /// POODLE over TLS: a record with a valid MAC and bad CBC padding bytes
    /// is accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poodle_tls: Option<VulnCheck>,
    /// Insecure client-initiated renegotiation: the server accepts a
    /// renegotiation started by the client without RFC 5746 (CVE-2009-3555).
    /// A secure (RFC 5746) client-initiated renegotiation is `not_vulnerable`,
    /// with [`VulnCheck::evidence`] saying it was accepted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insecure_renegotiation: Option<VulnCheck>,
    /// TLS 1.3 0-RTT: the server accepted early data (replayable).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub early_data: Option<VulnCheck>,
}

/// What one vulnerability probe concluded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VulnStatus {
    /// The server showed the flaw (proof, not a guess).
    Vulnerable,
    /// The test ran and the server behaved as a fixed one does.
    NotVulnerable,
    /// The test could not be made (the server lacks what it needs, or the
    /// probe failed); [`VulnCheck::evidence`] says why.
    NotTested,
}

impl VulnStatus {
    /// The JSON spelling (`not_vulnerable`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Vulnerable => "vulnerable",
            Self::NotVulnerable => "not_vulnerable",
            Self::NotTested => "not_tested",
        }
    }
}

/// The strength of a Bleichenbacher oracle (ROBOT paper, section 4): strong
/// when a message with wrong first bytes answers differently from messages
/// that start with `00 02` but are malformed further on — the attack is then
/// practical —, weak when only a fully conformant message stands out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OracleStrength {
    /// Distinguishes the malformed paddings from each other.
    Strong,
    /// Only the correct padding answers differently.
    Weak,
}

impl OracleStrength {
    /// The JSON spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Strong => "strong",
            Self::Weak => "weak",
        }
    }
}

/// One vulnerability probe's verdict, with what was observed in one line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "VulnCheckRepr")]
pub struct VulnCheck {
    /// The verdict.
    pub status: VulnStatus,
    /// What was sent and answered, in one line (empty for facts of older
    /// scanners that wrote booleans).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub evidence: String,
    /// ROBOT only: the oracle's strength, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub oracle: Option<OracleStrength>,
}

impl VulnCheck {
    /// A check with `status` and `evidence`.
    pub fn new(status: VulnStatus, evidence: impl Into<String>) -> Self {
        Self {
            status,
            evidence: evidence.into(),
            oracle: None,
        }
    }

    /// `vulnerable`, because of `evidence`.
    pub fn vulnerable(evidence: impl Into<String>) -> Self {
        Self::new(VulnStatus::Vulnerable, evidence)
    }

    /// `not_vulnerable`, because of `evidence`.
    pub fn not_vulnerable(evidence: impl Into<String>) -> Self {
        Self::new(VulnStatus::NotVulnerable, evidence)
    }

    /// `not_tested`, because of `evidence`.
    pub fn not_tested(evidence: impl Into<String>) -> Self {
        Self::new(VulnStatus::NotTested, evidence)
    }

    /// Whether the verdict is `vulnerable`.
    pub fn is_vulnerable(&self) -> bool {
        self.status == VulnStatus::Vulnerable
    }
}

/// How a [`VulnCheck`] is read: the object, or an older scanner's boolean.
#[derive(Deserialize)]
#[serde(untagged)]
enum VulnCheckRepr {
    Bool(bool),
    Full {
        status: VulnStatus,
        #[serde(default)]
        evidence: String,
        #[serde(default)]
        oracle: Option<OracleStrength>,
    },
}

impl From<VulnCheckRepr> for VulnCheck {
    fn from(r: VulnCheckRepr) -> Self {
        match r {
            VulnCheckRepr::Bool(true) => Self::new(VulnStatus::Vulnerable, ""),
            VulnCheckRepr::Bool(false) => Self::new(VulnStatus::NotVulnerable, ""),
            VulnCheckRepr::Full {
                status,
                evidence,
                oracle,
            } => Self {
                status,
                evidence,
                oracle,
            },
        }
    }
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
