//! The client table: `data/clients.json`, compiled into the crate and read once.
//!
//! Every row names its source (SSL Labs' list as recorded by testssl.sh, a hello
//! captured on Debian, or the vendor documentation) and carries what the relay
//! needs to send that client's ClientHello (the recorded bytes where the source
//! has them, else the fields to build it from) and what the core needs to judge
//! the server's answer (the client's rules). `docs/clients.md` explains each
//! field; `tests/clients_table.rs` checks the table's integrity.

use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::wire::{CipherSuite, NamedGroup, ProtocolVersion};

/// The schema of `data/clients.json`.
pub const CLIENTS_SCHEMA: &str = "tlslens.clients/1";

/// `data/clients.json`, as `build.rs` puts it into `OUT_DIR` (without the
/// recorded hellos on wasm32).
const TABLE_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/clients.json"));

/// Where a client gets an intermediate certificate the server did not send.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Intermediates {
    /// It follows the certificate's CA Issuers (AIA) URL: Chrome, Edge, Safari, IE.
    Fetch,
    /// It ships the publicly disclosed intermediates (Firefox 75+): a missing
    /// intermediate of a public CA is found, one of a private CA is not.
    Preloaded,
    /// It uses only what the server sent: OpenSSL, curl, Go, Python, Java,
    /// Android apps.
    None,
}

impl Intermediates {
    /// The data spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Intermediates::Fetch => "fetch",
            Intermediates::Preloaded => "preloaded",
            Intermediates::None => "none",
        }
    }
}

/// A client's own rules, applied to what the server chose.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientRules {
    /// The oldest protocol it completes a handshake with, when that is newer
    /// than the oldest it offers (OpenSSL 3.0 at security level 2 offers
    /// TLS 1.0 but refuses anything below TLS 1.2).
    pub min_protocol: Option<ProtocolVersion>,
    /// Smallest DH prime it accepts, in bits.
    pub dh_min: Option<u32>,
    /// Largest DH prime it accepts (Java 7: 1024, Java 8: 2048).
    pub dh_max: Option<u32>,
    /// Smallest RSA key it accepts in the chain.
    pub rsa_min: Option<u32>,
    /// Largest RSA key it can use.
    pub rsa_max: Option<u32>,
    /// Smallest ECDSA key it accepts.
    pub ecdsa_min: Option<u32>,
    /// Whether it accepts SHA-1 (and MD5) signatures in the chain.
    pub sha1: bool,
    /// What it does about a missing intermediate.
    pub intermediates: Intermediates,
    /// Its root store: `mozilla`, `apple-macos`, `apple-ios`, `microsoft`,
    /// `java`, `android-N` (docs/contracts.md, contract 2, `chain.trust`).
    pub store: String,
}

/// One simulated client.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientProfile {
    /// Stable id (`java-8u161`), used in facts and in `--clients`.
    pub id: String,
    /// Display name (`Java 8u161`, `Chrome 137 / Win 11`).
    pub name: String,
    /// Family: `chrome`, `edge`, `firefox`, `safari`, `ie`, `opera`, `android`,
    /// `java`, `openssl`, `curl`, `python`, `go`, `apple-app`, `bot`.
    pub platform: String,
    /// A version people are expected to run today (our judgement, see
    /// docs/clients.md), selected by `--clients current`.
    pub current: bool,
    /// A web browser: the clients the policy's browser rules look at.
    pub browser: bool,
    /// Where the row's facts come from.
    pub source: String,
    /// Protocol versions it offers, newest first.
    pub versions: Vec<ProtocolVersion>,
    /// Cipher suites in its order (GREASE and SCSVs left out).
    pub suites: Vec<CipherSuite>,
    /// `supported_groups`, in its order (GREASE left out).
    pub groups: Vec<NamedGroup>,
    /// Groups it sends a TLS 1.3 key share for.
    pub key_shares: Vec<NamedGroup>,
    /// `signature_algorithms`, by TLS SignatureScheme name (`0x0000` when unnamed).
    pub signature_algorithms: Vec<String>,
    /// Extensions in the order it sends them (`grease` for GREASE values).
    pub extensions: Vec<String>,
    /// ALPN protocols it offers.
    pub alpn: Vec<String>,
    /// It sends SNI.
    pub sni: bool,
    /// `ec_point_formats` values.
    pub ec_point_formats: Vec<u8>,
    /// It sends GREASE values.
    pub grease: bool,
    /// Its rules.
    pub rules: ClientRules,
    /// The recorded ClientHello records, hex, when the source has them (left
    /// out of the WebAssembly build, which never sends a hello).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hello: Option<String>,
}

impl ClientProfile {
    /// The newest protocol it offers (drafts and other unknown values aside).
    pub fn max_protocol(&self) -> Option<ProtocolVersion> {
        self.versions
            .iter()
            .copied()
            .filter(|v| v.known_name().is_some())
            .max()
    }

    /// The oldest protocol it completes a handshake with.
    pub fn min_protocol(&self) -> Option<ProtocolVersion> {
        let offered = self.versions.iter().copied().min();
        match (offered, self.rules.min_protocol) {
            (Some(o), Some(r)) => Some(o.max(r)),
            (o, r) => o.or(r),
        }
    }

    /// Whether it completes a handshake at `version`.
    pub fn accepts_protocol(&self, version: ProtocolVersion) -> bool {
        self.versions.contains(&version) && self.min_protocol().is_none_or(|m| version >= m)
    }

    /// The recorded hello as bytes, when there is one.
    pub fn hello_bytes(&self) -> Option<Vec<u8>> {
        let hex = self.hello.as_deref()?;
        (0..hex.len())
            .step_by(2)
            .map(|i| {
                hex.get(i..i + 2)
                    .and_then(|b| u8::from_str_radix(b, 16).ok())
            })
            .collect()
    }
}

#[derive(Deserialize)]
struct TableFile {
    schema: String,
    clients: Vec<ClientProfile>,
}

/// Reads a table document (the compiled-in one, or another for tests).
pub fn parse(json: &str) -> Result<Vec<ClientProfile>, crate::Error> {
    let file: TableFile = serde_json::from_str(json)?;
    if file.schema != CLIENTS_SCHEMA {
        return Err(crate::Error::Schema {
            found: file.schema,
            expected: CLIENTS_SCHEMA,
        });
    }
    Ok(file.clients)
}

/// Every simulated client, in table order. The table is compiled in and
/// checked by the tests, so it always reads; should it not, the simulation has
/// no clients (and every recorded handshake is reported as an unknown client).
pub fn table() -> &'static [ClientProfile] {
    static TABLE: OnceLock<Vec<ClientProfile>> = OnceLock::new();
    TABLE.get_or_init(|| parse(TABLE_JSON).unwrap_or_default())
}

/// The client with this id.
pub fn by_id(id: &str) -> Option<&'static ClientProfile> {
    table().iter().find(|c| c.id == id)
}
