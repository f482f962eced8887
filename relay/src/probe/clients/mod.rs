//! The client simulation (DESIGN.md contract 6; docs/clients.md, "relay
//! stage"): every selected client's own ClientHello, sent to the endpoint,
//! and what the server chose for it — version, suite, group, DH size, the
//! chain it got — recorded as `EndpointFacts.clients`. The relay applies no
//! client rule; `tlslens_core::clients` judges.
//!
//! * [`prepare`] / [`build`]: the hellos (recorded bytes with fresh random
//!   parts, or built from the table's fields);
//! * [`kx`]: fresh key shares the relay can use; [`tls13`]: the key
//!   schedule that reads the encrypted Certificate;
//! * [`exchange`]: one client on one connection (HelloRetryRequest
//!   included); [`share`]: which clients' hellos are the same to a server;
//! * this module: the [`Plan`] (which clients share a connection, made
//!   once per scan while the first wave runs), the [`ClientsStage`] (second
//!   wave), which sends each distinct hello once, and the socket-free
//!   mapping of what was seen to
//!   facts ([`handshakes`]), with the chain named by reference when the
//!   endpoint recorded it already.

pub mod build;
pub mod exchange;
pub mod kx;
pub mod prepare;
pub mod share;
pub mod tls13;

use std::sync::Arc;

use futures_util::future::join_all;
use ring::rand::SystemRandom;
use tlslens_core::clients::{ClientProfile, ClientSelection};
use tlslens_core::facts::{ChainFacts, ChainRef, ChainSlot, ClientHandshake, HandshakeError};
use tlslens_core::Der;
use tokio::sync::OnceCell;
use tokio::task::JoinHandle;

use self::exchange::Seen;
use self::kx::Source;
use super::chain::Chains;
use super::fail::{Fail, FailCode};
use super::prober::Prober;
use super::stage::{FirstWave, Stage};
use crate::codec::{CipherSuite, NamedGroup, ProtocolVersion};

/// The second-wave stage simulating the selected clients; `None` runs
/// none (and the facts say the simulation did not run). Its connections are
/// independent of each other, so they take the bulk lane of the connection
/// cap ([`super::limiter`]): the other stages' chains of probes go first.
#[derive(Debug, Clone, Copy)]
pub struct ClientsStage<'s> {
    /// Which clients share which connection, made while the first wave ran.
    pub plan: Option<&'s SharedPlan>,
}

/// Which clients, and which of them share one connection: the same for
/// every endpoint of a target (same selection, same SNI), so it is made
/// once per scan, on a blocking thread while the first wave runs
/// ([`plan_in_background`]), not at the start of the second wave, where its
/// ~1 ms of hello encoding held up every other stage's first step.
#[derive(Debug, Default)]
pub struct Plan {
    /// The selected clients, in table order.
    pub clients: Vec<&'static ClientProfile>,
    /// One entry per distinct hello.
    distinct: Vec<Distinct>,
    /// Clients whose hello cannot be made (a bug of the table or the
    /// relay), by index, with why.
    unsendable: Vec<(usize, String)>,
}

/// The plan, made on a blocking thread while the first wave runs and
/// shared by the endpoints of a scan: the first to ask waits for the thread,
/// the others for the first.
#[derive(Debug)]
pub struct SharedPlan {
    made: OnceCell<Arc<Plan>>,
    thread: tokio::sync::Mutex<JoinHandle<Plan>>,
}

impl SharedPlan {
    /// The plan, once made. A panic on the thread (a bug) goes on here, as
    /// it would have had the plan been made in place.
    pub async fn get(&self) -> Arc<Plan> {
        self.made
            .get_or_init(|| async {
                let mut thread = self.thread.lock().await;
                match (&mut *thread).await {
                    Ok(plan) => Arc::new(plan),
                    Err(e) => match e.try_into_panic() {
                        Ok(panic) => std::panic::resume_unwind(panic),
                        // Cancelled: the runtime is shutting down.
                        Err(_) => Arc::new(Plan::default()),
                    },
                }
            })
            .await
            .clone()
    }
}

/// Groups the clients of `selection` by sharing key, for a target whose
/// hellos carry `sni` (socket-free; see [`share`]).
pub fn plan(selection: &ClientSelection, sni: Option<&str>) -> Plan {
    let clients = selection.select();
    let mut distinct: Vec<Distinct> = Vec::new();
    let mut unsendable = Vec::new();
    for (i, c) in clients.iter().enumerate() {
        let key = match prepare::prepare(c, sni, Source::Zero).and_then(|k| k.sharing_key()) {
            Ok(k) => k,
            Err(e) => {
                unsendable.push((i, e));
                continue;
            }
        };
        match distinct.iter_mut().find(|d| d.key == key) {
            Some(d) => d.members.push(i),
            None => distinct.push(Distinct {
                key,
                client: c,
                sni: c.sni && sni.is_some(),
                members: vec![i],
            }),
        }
    }
    Plan {
        clients,
        distinct,
        unsendable,
    }
}

/// Starts [`plan`] on a blocking thread (within a runtime).
pub fn plan_in_background(selection: ClientSelection, sni: Option<String>) -> SharedPlan {
    let thread = tokio::task::spawn_blocking(move || plan(&selection, sni.as_deref()));
    SharedPlan {
        made: OnceCell::new(),
        thread: tokio::sync::Mutex::new(thread),
    }
}

/// One client's handshake as seen, before its chain is named.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Simulated {
    /// The client's id in the table.
    pub client: String,
    /// Whether its hello carried SNI.
    pub sni: bool,
    /// The version the server chose.
    pub protocol: Option<ProtocolVersion>,
    /// The suite.
    pub cipher_suite: Option<CipherSuite>,
    /// The (EC)DHE group.
    pub group: Option<NamedGroup>,
    /// The DH prime size.
    pub dh_bits: Option<u32>,
    /// The chain it got (AIA-completed after the wave when it is seen only
    /// here).
    pub chain: Option<ChainFacts>,
    /// How it ended early.
    pub error: Option<HandshakeError>,
}

/// The probe name under which a client's failures are logged.
pub fn probe_name(client: &ClientProfile) -> String {
    format!("clients:{}", client.id)
}

impl Stage for ClientsStage<'_> {
    const NAME: &'static str = "clients";
    type Outcome = Option<Vec<Simulated>>;

    async fn run(&self, p: &Prober<'_>, _first: &FirstWave) -> Self::Outcome {
        let plan = self.plan?.get().await;
        Some(simulate(p, &plan).await)
    }
}

/// A distinct hello and the clients that send it.
#[derive(Debug)]
struct Distinct {
    key: Vec<u8>,
    /// The first client that sends it: its hello is the one sent.
    client: &'static ClientProfile,
    sni: bool,
    members: Vec<usize>,
}

/// Sends each distinct hello of the plan once and gives one entry per
/// client that got an answer, in table order. Each hello that is sent is
/// made, with its fresh keys, just before its connection
/// ([`exchange::run`]), so the stage's ~2 ms of key generation is spread
/// over its connections.
async fn simulate(p: &Prober<'_>, plan: &Plan) -> Vec<Simulated> {
    let rng = SystemRandom::new();
    let clients = &plan.clients;
    for (i, why) in &plan.unsendable {
        if let Some(c) = clients.get(*i) {
            p.fail(&probe_name(c), &Fail::new(FailCode::Encode, why.clone()));
        }
    }
    tracing::debug!(
        clients = clients.len(),
        hellos = plan.distinct.len(),
        "simulating clients"
    );
    let rng = &rng;
    let results = join_all(plan.distinct.iter().map(|d| async move {
        let seen = exchange::run(p, d.client, Source::System(rng)).await;
        (&d.members, d.sni, seen)
    }))
    .await;
    let mut out: Vec<Option<Simulated>> = vec![None; clients.len()];
    for (members, sni, result) in results {
        for &i in members {
            let Some(client) = clients.get(i) else {
                continue;
            };
            match &result {
                Ok(seen) => {
                    if let Some(why) = &seen.unread {
                        let fail = Fail::new(
                            FailCode::Unsupported,
                            format!("certificate not read: {why}"),
                        );
                        p.fail(&probe_name(client), &fail);
                    }
                    if let Some(slot) = out.get_mut(i) {
                        *slot = Some(simulated(client, sni, seen.clone()));
                    }
                }
                Err(fail) => p.fail(&probe_name(client), fail),
            }
        }
    }
    out.into_iter().flatten().collect()
}

fn simulated(client: &ClientProfile, sni: bool, seen: Seen) -> Simulated {
    let chain = seen.certificates.map(|certs| ChainFacts {
        certificates: certs.into_iter().map(Der).collect(),
        aia: Vec::new(),
        ocsp_staple: seen.ocsp.map(Der),
        protocol: seen.protocol,
        cipher_suite: seen.cipher_suite,
    });
    Simulated {
        client: client.id.clone(),
        sni,
        protocol: seen.protocol,
        cipher_suite: seen.cipher_suite,
        group: seen.group,
        dh_bits: seen.dh_bits,
        chain,
        error: seen.error,
    }
}

/// Which recorded chain of the endpoint `chain` is: the no-SNI chain first
/// for a client that sent no SNI, else the primary chain (0), the other
/// chains (1…), the no-SNI chain; `None` when it is none of them.
pub fn recorded_chain(chain: &ChainFacts, sni: bool, chains: &Chains) -> Option<ChainRef> {
    let same = |c: &ChainFacts| c.certificates == chain.certificates;
    let no_sni = chains.no_sni.chain.as_ref().is_some_and(same);
    if !sni && no_sni {
        return Some(ChainRef::Slot(ChainSlot::NoSni));
    }
    if chains.primary.as_ref().is_some_and(same) {
        return Some(ChainRef::Index(0));
    }
    if let Some(i) = chains.others.iter().position(same) {
        return Some(ChainRef::Index(i + 1));
    }
    no_sni.then_some(ChainRef::Slot(ChainSlot::NoSni))
}

/// The facts of the simulated handshakes, with each chain named by
/// reference when the endpoint recorded it already (socket-free).
pub fn handshakes(simulated: Vec<Simulated>, chains: &Chains) -> Vec<ClientHandshake> {
    simulated
        .into_iter()
        .map(|s| {
            let chain = s.chain.map(|c| {
                recorded_chain(&c, s.sni, chains).unwrap_or_else(|| ChainRef::Inline(Box::new(c)))
            });
            ClientHandshake {
                client: s.client,
                protocol: s.protocol,
                cipher_suite: s.cipher_suite,
                group: s.group,
                dh_bits: s.dh_bits,
                chain,
                error: s.error,
            }
        })
        .collect()
}

/// Completes by AIA the chains that only simulated clients got (as the
/// primary chain is), each distinct chain once.
pub async fn complete_chains(
    p: &Prober<'_>,
    simulated: &mut [Simulated],
    chains: &Chains,
    anchors: &[Der],
    now: i64,
) {
    let mut done: Vec<ChainFacts> = Vec::new();
    for s in simulated.iter_mut() {
        let sni = s.sni;
        let Some(chain) = s.chain.as_mut() else {
            continue;
        };
        if recorded_chain(chain, sni, chains).is_some() {
            continue;
        }
        if let Some(d) = done.iter().find(|d| d.certificates == chain.certificates) {
            chain.aia.clone_from(&d.aia);
            continue;
        }
        super::chain::complete_by_aia(p, chain, anchors, now).await;
        done.push(chain.clone());
    }
}

#[cfg(test)]
#[path = "tests.rs"]
mod tests;
