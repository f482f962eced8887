//! "Protocol details" in SSL Labs' sense, beyond what the grade looks at:
//! the TLS 1.3 downgrade sentinel, the server's group order, SSLv2-style
//! hello handling, and Signed Certificate Timestamps by delivery. Session
//! resumption has its own report field (`session_resumption`), and key
//! reuse sits with the key exchange (`key_exchange`).

use serde::{Deserialize, Serialize};

use crate::chain::ChainReport;
use crate::facts::{DowngradeSentinel, EndpointFacts};
use crate::sct::{self, Delivery, Sct};
use crate::wire::ProtocolVersion;

/// The protocol details of one endpoint. `None` everywhere means "not
/// measured".
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProtocolDetails {
    /// A TLS 1.3 server marks its TLS ≤ 1.2 ServerHellos with the downgrade
    /// sentinel (RFC 8446 §4.1.3), so TLS 1.3 clients detect a downgrade;
    /// `None` without TLS 1.3 or without an older handshake to look at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub downgrade_sentinel: Option<bool>,
    /// What the sentinels were, in one line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub downgrade_evidence: Option<String>,
    /// The server picks the key-exchange group by its own preference.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub groups_server_order: Option<bool>,
    /// The server accepts an SSLv2-format ClientHello asking for TLS.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sslv2_compatible_hello: Option<bool>,
    /// SCTs by delivery.
    #[serde(default)]
    pub scts: SctDelivery,
}

/// How many SCTs came by each way (`None`: not measured), and each one.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SctDelivery {
    /// In the leaf certificate.
    pub embedded: Option<usize>,
    /// In the stapled OCSP response (`None` without a staple).
    pub ocsp: Option<usize>,
    /// In the TLS extension of a TLS ≤ 1.2 handshake.
    pub tls_extension: Option<usize>,
    /// Every SCT, by delivery.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub logs: Vec<Sct>,
}

/// The protocol details of `ep`, whose primary chain was judged as `chain`.
pub fn of(ep: &EndpointFacts, chain: Option<&ChainReport>) -> ProtocolDetails {
    let (downgrade_sentinel, downgrade_evidence) = downgrade(ep);
    ProtocolDetails {
        downgrade_sentinel,
        downgrade_evidence,
        groups_server_order: ep.groups_server_order,
        sslv2_compatible_hello: ep.sslv2_compatible_hello,
        scts: scts(ep, chain),
    }
}

/// The sentinel a TLS 1.3 server must put in a ServerHello of `v`.
fn expected(v: ProtocolVersion) -> DowngradeSentinel {
    if v == ProtocolVersion::TLS12 {
        DowngradeSentinel::Tls12
    } else {
        DowngradeSentinel::Tls11
    }
}

fn sentinel_text(s: DowngradeSentinel) -> &'static str {
    match s {
        DowngradeSentinel::None => "no sentinel",
        DowngradeSentinel::Tls12 => "DOWNGRD\\x01",
        DowngradeSentinel::Tls11 => "DOWNGRD\\x00",
    }
}

fn downgrade(ep: &EndpointFacts) -> (Option<bool>, Option<String>) {
    if !ep.protocols.contains(&ProtocolVersion::TLS13) || ep.downgrade_sentinels.is_empty() {
        return (None, None);
    }
    let mut ok = true;
    let parts: Vec<String> = ep
        .downgrade_sentinels
        .iter()
        .rev()
        .map(|(v, s)| {
            if *s != expected(*v) {
                ok = false;
            }
            format!("{v}: {}", sentinel_text(*s))
        })
        .collect();
    (Some(ok), Some(parts.join(", ")))
}

fn scts(ep: &EndpointFacts, chain: Option<&ChainReport>) -> SctDelivery {
    let mut out = SctDelivery::default();
    if let Some(leaf) = chain.and_then(|c| c.certificates.iter().find(|c| c.sent_index == Some(0)))
    {
        out.embedded = Some(leaf.scts.count);
        out.logs.extend(leaf.scts.log_ids.iter().map(|id| Sct {
            delivery: Delivery::Embedded,
            log_id: id.clone(),
            timestamp: None,
        }));
    }
    if let Some(ocsp) = chain.and_then(|c| c.ocsp.as_ref()) {
        out.ocsp = Some(ocsp.scts.len());
        out.logs.extend(ocsp.scts.iter().cloned());
    }
    if let Some(ext) = &ep.sct_extension {
        let list = if ext.as_bytes().is_empty() {
            Some(Vec::new())
        } else {
            sct::read_list(ext.as_bytes(), Delivery::TlsExtension)
        };
        if let Some(list) = list {
            out.tls_extension = Some(list.len());
            out.logs.extend(list);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn downgrade_needs_tls13_and_the_right_sentinels() {
        let mut ep = EndpointFacts {
            protocols: vec![ProtocolVersion::TLS12, ProtocolVersion::TLS13],
            ..EndpointFacts::default()
        };
        assert_eq!(downgrade(&ep), (None, None));
        ep.downgrade_sentinels
            .insert(ProtocolVersion::TLS12, DowngradeSentinel::Tls12);
        assert_eq!(downgrade(&ep).0, Some(true));
        ep.downgrade_sentinels
            .insert(ProtocolVersion::TLS11, DowngradeSentinel::None);
        let (ok, why) = downgrade(&ep);
        assert_eq!(ok, Some(false));
        assert_eq!(
            why.as_deref(),
            Some("TLSv1.2: DOWNGRD\\x01, TLSv1.1: no sentinel")
        );
        // Without TLS 1.3 the sentinel is not required.
        ep.protocols = vec![ProtocolVersion::TLS12];
        assert_eq!(downgrade(&ep), (None, None));
    }
}
