//! Which simulated clients look like a failure: "these look like Java 7
//! clients".
//!
//! The logs say *that* clients failed with a protocol or cipher mismatch;
//! what the server offers (a [`ServerOffer`], e.g. from a `scan --json`
//! report) and what each known client sends (anything implementing
//! [`ClientProfile`], e.g. the client table of contract 6) say *which*
//! clients would fail that way:
//!
//! * `protocol_mismatch`: the client has no protocol version the server
//!   accepts (a client whose newest version is TLS 1.1 against a TLS 1.2+
//!   server);
//! * `cipher_mismatch`: the client shares a version with the server, but for
//!   every shared version no cipher suite.
//!
//! Other causes depend on things a ClientHello does not show (trust stores,
//! SNI behaviour), so they match no client here.

use std::collections::BTreeMap;

use serde_json::Value;
use tlslens_core::wire::{CipherSuite, ProtocolVersion};

use super::cause::Cause;

/// What a client offers in its ClientHello. The client table of contract 6
/// implements this (see docs/logs.md, "Which clients").
pub trait ClientProfile {
    /// Display name (`Java 7u25`).
    fn name(&self) -> &str;
    /// Protocol versions the client can negotiate.
    fn versions(&self) -> &[ProtocolVersion];
    /// Cipher suites it offers (all versions together, as in a ClientHello).
    fn cipher_suites(&self) -> &[CipherSuite];
}

/// A plain client description (tests, or a table loaded from data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientDescription {
    /// Display name.
    pub name: String,
    /// Versions it can negotiate.
    pub versions: Vec<ProtocolVersion>,
    /// Suites it offers.
    pub cipher_suites: Vec<CipherSuite>,
}

impl ClientProfile for ClientDescription {
    fn name(&self) -> &str {
        &self.name
    }
    fn versions(&self) -> &[ProtocolVersion] {
        &self.versions
    }
    fn cipher_suites(&self) -> &[CipherSuite] {
        &self.cipher_suites
    }
}

/// What the server accepts: its protocol versions and, per version, its
/// cipher suites.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerOffer {
    /// Suites accepted per version; a version is accepted when it is a key.
    pub suites: BTreeMap<ProtocolVersion, Vec<CipherSuite>>,
}

impl ServerOffer {
    /// The offer of one endpoint of a `scan --json` report (contract 2):
    /// its `protocols` and `cipher_suites` (names as the report writes them;
    /// unknown spellings are skipped).
    pub fn from_report_endpoint(endpoint: &Value) -> Self {
        let mut suites: BTreeMap<ProtocolVersion, Vec<CipherSuite>> = BTreeMap::new();
        let protocols = endpoint.get("protocols").and_then(Value::as_array);
        for name in protocols.into_iter().flatten().filter_map(Value::as_str) {
            if let Some(v) = ProtocolVersion::parse(name) {
                suites.entry(v).or_default();
            }
        }
        let per_version = endpoint.get("cipher_suites").and_then(Value::as_object);
        for (version, list) in per_version.into_iter().flatten() {
            let Some(v) = ProtocolVersion::parse(version) else {
                continue;
            };
            let entry = suites.entry(v).or_default();
            let names = list
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str);
            entry.extend(names.filter_map(CipherSuite::parse));
        }
        Self { suites }
    }

    fn accepts(&self, v: ProtocolVersion) -> bool {
        self.suites.contains_key(&v)
    }
}

/// Whether `client` would fail against `offer` with `cause`.
pub fn matches(cause: Cause, client: &dyn ClientProfile, offer: &ServerOffer) -> bool {
    let shared: Vec<ProtocolVersion> = client
        .versions()
        .iter()
        .copied()
        .filter(|v| offer.accepts(*v))
        .collect();
    match cause {
        Cause::ProtocolMismatch => shared.is_empty(),
        Cause::CipherMismatch => {
            !shared.is_empty()
                && shared.iter().all(|v| {
                    let server = offer.suites.get(v).map(Vec::as_slice).unwrap_or(&[]);
                    // An empty list means the scan did not enumerate suites
                    // for this version: do not claim a mismatch.
                    !server.is_empty() && !client.cipher_suites().iter().any(|s| server.contains(s))
                })
        }
        Cause::Certificate | Cause::Sni | Cause::Other => false,
    }
}

/// The names of the clients in `table` that would fail with `cause`.
pub fn matching<'t, C: ClientProfile>(
    cause: Cause,
    table: &'t [C],
    offer: &ServerOffer,
) -> Vec<&'t str> {
    table
        .iter()
        .filter(|c| matches(cause, *c, offer))
        .map(ClientProfile::name)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn suite(name: &str) -> CipherSuite {
        CipherSuite::parse(name).unwrap_or(CipherSuite(0))
    }

    fn client(name: &str, versions: &[ProtocolVersion], suites: &[&str]) -> ClientDescription {
        ClientDescription {
            name: name.to_owned(),
            versions: versions.to_vec(),
            cipher_suites: suites.iter().map(|s| suite(s)).collect(),
        }
    }

    /// A hand-made table: old, middle-aged and current clients.
    fn table() -> Vec<ClientDescription> {
        use ProtocolVersion as V;
        vec![
            client(
                "Java 6",
                &[V::SSLV3, V::TLS10],
                &[
                    "TLS_RSA_WITH_AES_128_CBC_SHA",
                    "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
                ],
            ),
            client(
                "Android 4.3",
                &[V::TLS10, V::TLS11],
                &[
                    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
                    "TLS_RSA_WITH_AES_128_CBC_SHA",
                ],
            ),
            client(
                "Java 8u31",
                &[V::TLS10, V::TLS11, V::TLS12],
                &[
                    "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
                    "TLS_RSA_WITH_AES_128_CBC_SHA",
                ],
            ),
            client(
                "Firefox 133",
                &[V::TLS12, V::TLS13],
                &[
                    "TLS_AES_128_GCM_SHA256",
                    "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                ],
            ),
        ]
    }

    fn modern_offer() -> ServerOffer {
        let report = serde_json::json!({
            "protocols": ["TLSv1.2", "TLSv1.3"],
            "cipher_suites": {
                "TLSv1.2": ["TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"],
                "TLSv1.3": ["TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"]
            }
        });
        ServerOffer::from_report_endpoint(&report)
    }

    #[test]
    fn tls12_only_server_protocol_failures_look_like_pre_tls12_clients() {
        let t = table();
        assert_eq!(
            matching(Cause::ProtocolMismatch, &t, &modern_offer()),
            ["Java 6", "Android 4.3"]
        );
    }

    #[test]
    fn gcm_only_server_cipher_failures_look_like_cbc_only_tls12_clients() {
        let t = table();
        assert_eq!(
            matching(Cause::CipherMismatch, &t, &modern_offer()),
            ["Java 8u31"]
        );
    }

    #[test]
    fn other_causes_and_unenumerated_suites_match_nobody() {
        let t = table();
        for cause in [Cause::Certificate, Cause::Sni, Cause::Other] {
            assert!(matching(cause, &t, &modern_offer()).is_empty());
        }
        let versions_only =
            ServerOffer::from_report_endpoint(&serde_json::json!({"protocols": ["TLSv1.2"]}));
        assert!(matching(Cause::CipherMismatch, &t, &versions_only).is_empty());
        assert_eq!(
            matching(Cause::ProtocolMismatch, &t, &versions_only),
            ["Java 6", "Android 4.3"]
        );
    }

    #[test]
    fn offer_is_read_from_a_report_endpoint() {
        let o = modern_offer();
        assert_eq!(
            o.suites.keys().copied().collect::<Vec<_>>(),
            [ProtocolVersion::TLS12, ProtocolVersion::TLS13]
        );
        assert_eq!(o.suites[&ProtocolVersion::TLS12].len(), 2);
    }
}
