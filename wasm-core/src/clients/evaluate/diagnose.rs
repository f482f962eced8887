//! Why the server refused a client's hello: compared with what the endpoint
//! accepts from any client (its protocols, suites and groups), the first thing
//! the two do not share is the cause; else the server's own answer is.

use super::{error_words, is_ecdhe, list, pretty, Judge};
use crate::clients::failure::{ClientFailure, FailureCode};
use crate::facts::HandshakeErrorKind;
use crate::wire::{CipherSuite, ProtocolVersion};

/// The TLS alert a server sends when it does not know the name asked for,
/// or (for SNI-less clients) requires one.
const UNRECOGNIZED_NAME: u8 = 112;
const PROTOCOL_VERSION: u8 = 70;

impl Judge<'_> {
    /// The failure of a handshake the server ended.
    pub(super) fn refused(&self) -> ClientFailure {
        let (kind, alert) = self
            .hs
            .error
            .as_ref()
            .map_or((HandshakeErrorKind::Closed, None), |e| (e.kind, e.alert));
        if !self.profile.sni
            && (alert == Some(UNRECOGNIZED_NAME) || self.cx.ep.sni_required == Some(true))
        {
            return ClientFailure::new(
                FailureCode::NoSni,
                format!(
                    "the server refuses handshakes without SNI ({}); {} sends no SNI",
                    error_words(kind, alert),
                    self.name()
                ),
            );
        }
        if let Some(f) = self.protocol_gap(alert == Some(PROTOCOL_VERSION)) {
            return f;
        }
        if let Some(f) = self.suite_gap() {
            return f;
        }
        if let Some(f) = self.group_gap() {
            return f;
        }
        let detail = self
            .hs
            .error
            .as_ref()
            .filter(|e| !e.message.is_empty())
            .map(|e| format!(": {}", e.message))
            .unwrap_or_default();
        ClientFailure::new(
            FailureCode::HandshakeFailed,
            format!(
                "the server ended the handshake with {} although it shares a protocol, a cipher suite and a group with {}{detail}",
                error_words(kind, alert),
                self.name()
            ),
        )
    }

    /// The protocols both sides accept, when the server's are known.
    fn common_protocols(&self) -> Option<Vec<ProtocolVersion>> {
        let server = &self.cx.ep.protocols;
        (!server.is_empty()).then(|| {
            server
                .iter()
                .copied()
                .filter(|p| self.profile.accepts_protocol(*p))
                .collect()
        })
    }

    fn protocol_gap(&self, alerted: bool) -> Option<ClientFailure> {
        let common = self.common_protocols();
        if common.as_ref().is_some_and(|c| !c.is_empty()) || (common.is_none() && !alerted) {
            return None;
        }
        let mut server: Vec<ProtocolVersion> = self.cx.ep.protocols.clone();
        server.sort();
        server.dedup();
        let server_words = if server.is_empty() {
            "the server refused every protocol version offered".to_owned()
        } else {
            let names: Vec<String> = server.iter().rev().map(|p| pretty(*p)).collect();
            format!("the server offers only {}", list(&names))
        };
        let client = match (self.profile.min_protocol(), self.profile.max_protocol()) {
            (_, Some(hi)) if server.first().is_some_and(|s| *s > hi) => {
                format!("{} speaks at most {}", self.name(), pretty(hi))
            }
            (Some(lo), _) if server.last().is_some_and(|s| *s < lo) => {
                format!("{} needs {} or newer", self.name(), pretty(lo))
            }
            (Some(lo), Some(hi)) => {
                format!("{} speaks {} to {}", self.name(), pretty(lo), pretty(hi))
            }
            _ => format!("{} offers no protocol the server accepts", self.name()),
        };
        Some(ClientFailure::new(
            FailureCode::ProtocolMismatch,
            format!("{server_words}; {client}"),
        ))
    }

    fn suite_gap(&self) -> Option<ClientFailure> {
        let common = self.common_protocols()?;
        let ep = self.cx.ep;
        let server: Vec<CipherSuite> = common
            .iter()
            .flat_map(|p| ep.suites_for(*p).iter().copied())
            .collect();
        if server.is_empty() || server.iter().any(|s| self.profile.suites.contains(s)) {
            return None;
        }
        let mut names: Vec<String> = server.iter().map(|s| s.to_string()).collect();
        names.dedup();
        let shared: Vec<String> = common.iter().rev().map(|p| pretty(*p)).collect();
        let mut others: Vec<ProtocolVersion> = ep
            .protocols
            .iter()
            .copied()
            .filter(|p| !common.contains(p))
            .collect();
        others.sort_by(|a, b| b.cmp(a));
        others.dedup();
        let beyond: Vec<String> = others.into_iter().map(pretty).collect();
        let also = if beyond.is_empty() {
            String::new()
        } else {
            format!(" (and does not speak {})", list(&beyond))
        };
        Some(ClientFailure::new(
            FailureCode::CipherMismatch,
            format!(
                "no cipher suite in common: with {} the server offers only {}; {} offers none of them{also}",
                list(&shared),
                list(&names),
                self.name()
            ),
        ))
    }

    fn group_gap(&self) -> Option<ClientFailure> {
        let common = self.common_protocols()?;
        let ep = self.cx.ep;
        let server_groups = &ep.groups;
        if server_groups.is_empty() || self.profile.groups.is_empty() {
            return None;
        }
        let shared_suites: Vec<CipherSuite> = common
            .iter()
            .flat_map(|p| ep.suites_for(*p).iter().copied())
            .filter(|s| self.profile.suites.contains(s))
            .collect();
        let needs_group = !shared_suites.is_empty()
            && shared_suites
                .iter()
                .all(|s| s.info().is_some_and(|i| is_ecdhe(&i)));
        if !needs_group
            || server_groups
                .iter()
                .any(|g| self.profile.groups.contains(g))
        {
            return None;
        }
        let theirs: Vec<String> = server_groups.iter().map(|g| g.to_string()).collect();
        let ours: Vec<String> = self.profile.groups.iter().map(|g| g.to_string()).collect();
        Some(ClientFailure::new(
            FailureCode::GroupMismatch,
            format!(
                "no key-exchange group in common: the server accepts only {}; {} offers {}",
                list(&theirs),
                self.name(),
                list(&ours)
            ),
        ))
    }
}
