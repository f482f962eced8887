//! The change alerts (docs/contracts.md, contract 5): what an endpoint's new scan
//! changed against its last good one. Pure: two [`Details`] in, `(dedup key,
//! payload)` out.
//!
//! * `san_change`: a new certificate lost or gained names (`added`,
//!   `removed`).
//! * `chain_change`: another issuer, chain length or leaf key type (`from`,
//!   `to`).
//! * `posture_change`: HSTS removed or shortened, OCSP stapling stopped, the
//!   leaf's SCTs missing (`changes`: codes and messages).
//! * `client_failure`: a client named in the config's `clients` could
//!   connect and no longer can (`client` id, `name`, `code`, `message`), one
//!   alert each.
//!
//! [`Details`] is what the history keeps of each scan for these comparisons
//! (`scans.details_json`), plus the grade caps the monthly report names as
//! the causes of drops. A scan without details (the first one, or one
//! recorded by an older version) raises no change alert. Each alert is keyed
//! by the endpoint, the change and the scan time: sent once per change.

use serde::{Deserialize, Serialize};
use serde_json::json;
use tlslens_core::clients::{table, ClientSelection};
use tlslens_core::report::EndpointReport;

use super::alerts::{keyed, AlertKind};

/// What one scan of an endpoint showed, as far as change alerts go.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Details {
    pub leaf_sha256: String,
    pub subject: String,
    /// The leaf's names, sorted.
    pub sans: Vec<String>,
    /// The leaf's issuer.
    pub issuer: String,
    /// Certificates on the chain path (leaf included).
    pub chain_length: usize,
    /// The leaf's key: `EC P-256`, `RSA 2048`.
    pub key: String,
    /// `None`: no (valid) HSTS header.
    pub hsts_max_age: Option<u64>,
    pub ocsp_stapling: bool,
    /// SCTs in the leaf.
    pub scts: usize,
    /// The watched clients (ids) that can connect, and those that cannot.
    pub clients_ok: Vec<String>,
    pub clients_failing: Vec<ClientDown>,
    /// The grade caps' reasons (the monthly report's causes).
    pub caps: Vec<String>,
}

/// A watched client that cannot connect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClientDown {
    pub id: String,
    pub name: String,
    pub code: String,
    pub message: String,
}

impl Details {
    /// From a graded endpoint; `watched` is the config's `clients` (`None`:
    /// no client is watched).
    pub fn of(ep: &EndpointReport, watched: Option<&ClientSelection>) -> Self {
        let chain = ep.chain.as_ref();
        let path: Vec<_> = chain
            .map(|c| {
                c.certificates
                    .iter()
                    .filter(|c| c.role != tlslens_core::cert::CertRole::Extra)
                    .collect()
            })
            .unwrap_or_default();
        let leaf = path.first();
        let mut sans = leaf.map(|l| l.san.clone()).unwrap_or_default();
        sans.sort();
        sans.dedup();
        let mut clients_ok = Vec::new();
        let mut clients_failing = Vec::new();
        for c in ep.clients.iter().flatten() {
            let listed = watched
                .is_some_and(|w| table::by_id(&c.id).is_some_and(|profile| w.matches(profile)));
            if !listed {
                continue;
            }
            match &c.failure {
                Some(f) if !c.ok => clients_failing.push(ClientDown {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    code: f.code.as_str().to_owned(),
                    message: f.message.clone(),
                }),
                _ => clients_ok.push(c.id.clone()),
            }
        }
        Self {
            leaf_sha256: leaf.map(|l| l.sha256.clone()).unwrap_or_default(),
            subject: leaf.map(|l| l.subject.clone()).unwrap_or_default(),
            sans,
            issuer: leaf.map(|l| l.issuer.clone()).unwrap_or_default(),
            chain_length: path.len(),
            key: leaf
                .map(|l| match &l.key.curve {
                    Some(curve) => format!("{} {curve}", l.key.kind),
                    None => format!("{} {}", l.key.kind, l.key.bits),
                })
                .unwrap_or_default(),
            hsts_max_age: ep.hsts.as_ref().filter(|h| h.valid).and_then(|h| h.max_age),
            ocsp_stapling: ep.ocsp_stapling,
            scts: leaf.map_or(0, |l| l.scts.count),
            clients_ok,
            clients_failing,
            caps: ep.caps.iter().map(|c| c.reason.clone()).collect(),
        }
    }

    /// Reads stored details (`None` for none or unreadable).
    pub fn read(json: Option<&str>) -> Option<Self> {
        serde_json::from_str(json?).ok()
    }

    fn chain_summary(&self) -> serde_json::Value {
        json!({"issuer": self.issuer, "length": self.chain_length, "key": self.key})
    }
}

/// A posture regression: code and message.
fn posture(before: &Details, now: &Details) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    match (before.hsts_max_age, now.hsts_max_age) {
        (Some(_), None) => out.push(("hsts_removed", "the HSTS header is gone".to_owned())),
        (Some(a), Some(b)) if b < a => out.push((
            "hsts_shortened",
            format!("HSTS max-age shortened from {a} to {b} seconds"),
        )),
        _ => {}
    }
    if before.ocsp_stapling && !now.ocsp_stapling {
        out.push(("ocsp_stapling_stopped", "OCSP stapling stopped".to_owned()));
    }
    if before.scts > 0 && now.scts == 0 {
        out.push((
            "scts_missing",
            format!(
                "the certificate carries no SCT (the previous one had {})",
                before.scts
            ),
        ));
    }
    out
}

/// The change alerts of an endpoint's scan at `at` against its last good
/// scan.
pub fn alerts(
    host: &str,
    port: u16,
    ip: &str,
    before: &Details,
    now: &Details,
    at: i64,
) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let key =
        |kind: AlertKind, what: &str| format!("{}|{host}|{port}|{ip}|{what}|{at}", kind.as_str());
    if before.leaf_sha256 != now.leaf_sha256 && before.sans != now.sans {
        let added: Vec<&String> = now
            .sans
            .iter()
            .filter(|n| !before.sans.contains(n))
            .collect();
        let removed: Vec<&String> = before
            .sans
            .iter()
            .filter(|n| !now.sans.contains(n))
            .collect();
        out.push(keyed(
            key(AlertKind::SanChange, &now.leaf_sha256),
            json!({"kind": AlertKind::SanChange.as_str(), "host": host, "port": port, "ip": ip,
                   "subject": now.subject, "added": added, "removed": removed}),
        ));
    }
    if (&before.issuer, before.chain_length, &before.key)
        != (&now.issuer, now.chain_length, &now.key)
    {
        out.push(keyed(
            key(AlertKind::ChainChange, &now.leaf_sha256),
            json!({"kind": AlertKind::ChainChange.as_str(), "host": host, "port": port, "ip": ip,
                   "from": before.chain_summary(), "to": now.chain_summary()}),
        ));
    }
    let changes = posture(before, now);
    if !changes.is_empty() {
        let codes: Vec<&str> = changes.iter().map(|(c, _)| *c).collect();
        out.push(keyed(
            key(AlertKind::PostureChange, &codes.join(",")),
            json!({"kind": AlertKind::PostureChange.as_str(), "host": host, "port": port, "ip": ip,
                   "changes": changes.iter().map(|(c, m)| json!({"code": c, "message": m})).collect::<Vec<_>>()}),
        ));
    }
    for down in &now.clients_failing {
        if before.clients_ok.contains(&down.id) {
            out.push(keyed(
                key(AlertKind::ClientFailure, &down.id),
                json!({"kind": AlertKind::ClientFailure.as_str(), "host": host, "port": port, "ip": ip,
                       "client": down.id, "name": down.name, "code": down.code,
                       "message": down.message}),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn details() -> Details {
        Details {
            leaf_sha256: "aa".into(),
            subject: "CN=a.test".into(),
            sans: vec!["a.test".into(), "www.a.test".into()],
            issuer: "CN=Issuer One".into(),
            chain_length: 3,
            key: "EC P-256".into(),
            hsts_max_age: Some(31_536_000),
            ocsp_stapling: true,
            scts: 2,
            clients_ok: vec!["java-8u161".into()],
            ..Details::default()
        }
    }

    fn kinds(alerts: &[(String, String)]) -> Vec<serde_json::Value> {
        alerts
            .iter()
            .map(|(_, p)| serde_json::from_str(p).unwrap())
            .collect()
    }

    #[test]
    fn the_same_scan_raises_nothing() {
        assert!(alerts("a.test", 443, "1.2.3.4", &details(), &details(), 10).is_empty());
    }

    #[test]
    fn a_renewal_with_other_names_and_issuer_raises_san_and_chain_changes() {
        let mut now = details();
        now.leaf_sha256 = "bb".into();
        now.sans = vec!["a.test".into(), "api.a.test".into()];
        now.issuer = "CN=Issuer Two".into();
        now.key = "RSA 2048".into();
        let got = kinds(&alerts("a.test", 443, "1.2.3.4", &details(), &now, 10));
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[0]["kind"], "san_change");
        assert_eq!(got[0]["added"], json!(["api.a.test"]));
        assert_eq!(got[0]["removed"], json!(["www.a.test"]));
        assert_eq!(got[1]["kind"], "chain_change");
        assert_eq!(got[1]["from"]["issuer"], "CN=Issuer One");
        assert_eq!(got[1]["to"]["key"], "RSA 2048");
        assert_eq!(got[0]["id"].as_str().unwrap().len(), 32);
        // A renewal with the same names and issuer raises nothing.
        let mut same = details();
        same.leaf_sha256 = "cc".into();
        assert!(alerts("a.test", 443, "1.2.3.4", &details(), &same, 10).is_empty());
    }

    #[test]
    fn posture_regressions_are_one_alert_with_each_change() {
        let mut now = details();
        now.hsts_max_age = Some(300);
        now.ocsp_stapling = false;
        now.scts = 0;
        let got = kinds(&alerts("a.test", 443, "1.2.3.4", &details(), &now, 10));
        assert_eq!(got.len(), 1);
        assert_eq!(got[0]["kind"], "posture_change");
        let codes: Vec<&str> = got[0]["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["code"].as_str().unwrap())
            .collect();
        assert_eq!(
            codes,
            ["hsts_shortened", "ocsp_stapling_stopped", "scts_missing"]
        );
        now.hsts_max_age = None;
        let got = kinds(&alerts("a.test", 443, "1.2.3.4", &details(), &now, 10));
        assert_eq!(got[0]["changes"][0]["code"], "hsts_removed");
        // Improvements are no alert.
        assert!(alerts("a.test", 443, "1.2.3.4", &now, &details(), 10).is_empty());
    }

    #[test]
    fn a_watched_client_that_stops_connecting_alerts_once_per_client() {
        let mut now = details();
        now.clients_ok.clear();
        now.clients_failing.push(ClientDown {
            id: "java-8u161".into(),
            name: "Java 8u161".into(),
            code: "cipher_mismatch".into(),
            message: "no cipher suite in common".into(),
        });
        let got = kinds(&alerts("a.test", 443, "1.2.3.4", &details(), &now, 10));
        assert_eq!(got.len(), 1);
        assert_eq!(got[0]["kind"], "client_failure");
        assert_eq!(got[0]["client"], "java-8u161");
        assert_eq!(got[0]["name"], "Java 8u161");
        assert_eq!(got[0]["code"], "cipher_mismatch");
        assert_eq!(got[0]["id"].as_str().unwrap().len(), 32);
        // Failing before and now: no new alert.
        assert!(alerts("a.test", 443, "1.2.3.4", &now, &now, 11).is_empty());
    }

    /// The first endpoint of the core's parity report with clients (Java
    /// 6u45 fails, Chrome 137 connects, IE 8 / XP fails for lack of SNI).
    fn simulated_endpoint() -> EndpointReport {
        let report: tlslens_core::Report = serde_json::from_str(include_str!(
            "../../../wasm-core/tests/fixtures/parity/clients.report.json"
        ))
        .unwrap();
        report.endpoints.into_iter().next().unwrap()
    }

    #[test]
    fn details_keep_only_the_listed_clients_with_their_cause() {
        let ep = simulated_endpoint();
        let watched = ClientSelection::parse("java-6u45,Chrome 137 / Win 11").unwrap();
        let d = Details::of(&ep, Some(&watched));
        assert_eq!(d.clients_ok, ["chrome-137-win11"]);
        let failing: Vec<(&str, &str)> = d
            .clients_failing
            .iter()
            .map(|c| (c.id.as_str(), c.code.as_str()))
            .collect();
        assert_eq!(failing, [("java-6u45", "protocol_mismatch")]);
        assert!(d.clients_failing[0].message.contains("Java 6u45"));
        // IE 8 / XP fails too, but nobody listed it; without a list, no client
        // is watched.
        let none = Details::of(&ep, None);
        assert!(none.clients_ok.is_empty() && none.clients_failing.is_empty());
        // Connected before, failing now: one alert, keyed by the scan time.
        let mut before = d.clone();
        before.clients_ok.push("java-6u45".into());
        before.clients_failing.clear();
        let got = alerts("a.test", 443, &ep.ip, &before, &d, 7);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(
            got[0].0,
            format!("client_failure|a.test|443|{}|java-6u45|7", ep.ip)
        );
        assert!(alerts("a.test", 443, &ep.ip, &d, &d, 8).is_empty());
    }
}
