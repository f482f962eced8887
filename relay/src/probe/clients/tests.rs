//! The socket-free parts of the stage: which clients share a connection,
//! naming the chain a client got.

#![allow(clippy::unwrap_used)]

use tlslens_core::facts::{ChainFacts, ChainRef, ChainSlot};
use tlslens_core::Der;

use std::sync::Arc;

use tlslens_core::clients::ClientSelection;

use super::{plan, plan_in_background, recorded_chain};
use crate::probe::chain::{Chains, NoSniChain};

fn chain(leaf: u8) -> ChainFacts {
    ChainFacts {
        certificates: vec![Der(vec![0x30, 3, 1, 2, leaf])],
        ..ChainFacts::default()
    }
}

fn chains(no_sni: u8) -> Chains {
    Chains {
        primary: Some(chain(1)),
        handshake_alpn: None,
        no_sni: NoSniChain {
            chain: Some(chain(no_sni)),
            failed: false,
        },
        others: vec![chain(3), chain(4)],
        certificate_sent: Some(true),
    }
}

#[test]
fn a_chain_is_named_by_where_the_endpoint_recorded_it() {
    let c = chains(2);
    assert_eq!(
        recorded_chain(&chain(1), true, &c),
        Some(ChainRef::Index(0))
    );
    assert_eq!(
        recorded_chain(&chain(4), true, &c),
        Some(ChainRef::Index(2))
    );
    assert_eq!(
        recorded_chain(&chain(2), true, &c),
        Some(ChainRef::Slot(ChainSlot::NoSni))
    );
    assert_eq!(recorded_chain(&chain(9), true, &c), None);
}

#[test]
fn a_client_without_sni_gets_the_no_sni_chain_when_it_is_the_same() {
    // The server serves the same chain with and without SNI.
    let c = chains(1);
    assert_eq!(
        recorded_chain(&chain(1), false, &c),
        Some(ChainRef::Slot(ChainSlot::NoSni))
    );
    assert_eq!(
        recorded_chain(&chain(1), true, &c),
        Some(ChainRef::Index(0))
    );
}

#[test]
fn only_the_certificates_decide() {
    let c = chains(2);
    let mut stapled = chain(1);
    stapled.ocsp_staple = Some(Der(vec![1, 2, 3]));
    stapled.protocol = Some(crate::codec::ProtocolVersion::TLS13);
    assert_eq!(recorded_chain(&stapled, true, &c), Some(ChainRef::Index(0)));
}

#[test]
fn the_plan_puts_every_selected_client_in_exactly_one_connection() {
    let p = plan(&ClientSelection::All, Some("www.example.com"));
    assert!(p.unsendable.is_empty(), "{:?}", p.unsendable);
    let mut members: Vec<usize> = p.distinct.iter().flat_map(|d| d.members.clone()).collect();
    members.sort_unstable();
    assert_eq!(members, (0..p.clients.len()).collect::<Vec<_>>());
    assert!(p.distinct.len() < p.clients.len(), "some clients share");
    for d in &p.distinct {
        assert_eq!(
            d.client.id, p.clients[d.members[0]].id,
            "the first member's hello is sent"
        );
    }
    // Without a name to send, no client's hello carries SNI.
    let ip = plan(&ClientSelection::All, None);
    assert!(ip.distinct.iter().all(|d| !d.sni));
}

#[tokio::test]
async fn the_plan_is_made_once_for_every_endpoint() {
    let made = plan_in_background(ClientSelection::Current, Some("a.test".to_owned()));
    let (a, b) = tokio::join!(made.get(), made.get());
    assert!(Arc::ptr_eq(&a, &b));
    assert!(!a.clients.is_empty() && a.clients.iter().all(|c| c.current));
}
