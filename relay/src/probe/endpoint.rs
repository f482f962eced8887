//! One endpoint's pipeline: the first wave, the second wave's stages, the
//! AIA completion, then [`assemble::endpoint`]. It measures the waves and
//! reports progress milestones; the probing itself is in the stages.

use std::net::SocketAddr;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use tlslens_core::facts::{EndpointFacts, Timing};

use super::assemble::{self, EndpointRun, SecondWave, Waves};
use super::browser::browser;
use super::chain::{self, ChainsStage};
use super::clients::{self as simulation, ClientsStage};
use super::conn::{Limits, Link, Stats};
use super::early_data::EarlyDataStage;
use super::enumerate;
use super::extras::ExtrasStage;
use super::groups::GroupsStage;
use super::http::HttpStage;
use super::kex::KexStage;
use super::limiter::Limiter;
use super::order::OrderStage;
use super::poodle::PoodleTlsStage;
use super::prober::Prober;
use super::progress::{Milestone, Reporter};
use super::renegotiation::RenegotiationStage;
use super::robot::RobotStage;
use super::sslv2_compat::Sslv2CompatStage;
use super::stage::{FirstWave, Stage};
use super::ticketbleed::TicketbleedStage;
use super::vuln::VulnStage;
use super::ScanOptions;
use crate::codec::ProtocolVersion;
use crate::resolve::TargetSpec;

/// What every endpoint of one scan shares.
#[derive(Debug)]
pub struct ScanContext<'a> {
    /// The target.
    pub target: &'a TargetSpec,
    /// The options.
    pub opts: &'a ScanOptions,
    /// The end of the whole scan.
    pub deadline: Instant,
    /// The scan's one `now` (AIA completion's chain analysis).
    pub now: i64,
    /// Progress.
    pub progress: &'a Reporter,
    /// The connection cap of the whole target.
    pub limiter: Limiter,
    /// The client simulation's plan (`None`: no simulation), made while the
    /// first wave runs.
    pub clients: Option<&'a simulation::SharedPlan>,
}

/// The deadlines of one endpoint's probes, from the scan's total time.
fn limits(total: Duration, deadline: Instant) -> Limits {
    Limits {
        connect: total
            .mul_f32(0.25)
            .clamp(Duration::from_millis(500), Duration::from_secs(5)),
        first_byte: total
            .mul_f32(0.25)
            .clamp(Duration::from_millis(500), Duration::from_secs(5)),
        probe: total
            .mul_f32(0.5)
            .clamp(Duration::from_secs(1), Duration::from_secs(10)),
        deadline,
    }
}

fn timing(probe: &str, ms: Duration) -> Timing {
    Timing {
        probe: probe.to_owned(),
        ms: ms.as_millis() as u64,
    }
}

/// Scans one address.
pub async fn scan_endpoint(cx: &ScanContext<'_>, addr: SocketAddr) -> EndpointFacts {
    let link = Link {
        addr,
        limiter: cx.limiter.clone(),
        limits: limits(cx.opts.timeout, cx.deadline),
        stats: Arc::new(Stats::default()),
    };
    let p = Prober::new(link, &cx.target.host, cx.target.sni(), cx.opts.policy());
    let ip = addr.ip().to_string();
    tracing::info!(endpoint = %addr, "scanning");
    let mut run = EndpointRun {
        ip: ip.clone(),
        sni: p.sni.is_some(),
        contact: Default::default(),
        timings: Vec::new(),
        waves: None,
    };

    let t0 = Instant::now();
    let first = first_wave(&p).await;
    run.timings.push(timing("protocols_suites", t0.elapsed()));
    cx.progress.reached(&ip, Milestone::Discovered);
    run.contact = p.contact();
    if !run.contact.connected || !run.contact.answered {
        // No connection, or nothing speaks TLS here: the second wave would
        // only add timeouts.
        let milestone = if run.contact.connected {
            Milestone::NoTls
        } else {
            Milestone::Unreachable
        };
        cx.progress.reached(&ip, milestone);
        return assemble::endpoint(run);
    }

    let t1 = Instant::now();
    let (mut second, stage_timings) = second_wave(&p, &first, cx.clients).await;
    run.timings.push(timing("details", t1.elapsed()));
    run.timings.extend(stage_timings);
    cx.progress.reached(&ip, Milestone::Detailed);

    let t2 = Instant::now();
    if let Some(chain) = second.chains.primary.as_mut() {
        chain::complete_by_aia(&p, chain, &cx.opts.extra_anchors, cx.now).await;
    }
    if let Some(clients) = second.clients.as_mut() {
        let anchors = &cx.opts.extra_anchors;
        simulation::complete_chains(&p, clients, &second.chains, anchors, cx.now).await;
    }
    run.timings.push(timing("aia", t2.elapsed()));
    cx.progress.reached(&ip, Milestone::Chain);

    run.contact = p.contact();
    run.waves = Some(Waves { first, second });
    let facts = assemble::endpoint(run);
    tracing::info!(
        endpoint = %addr,
        protocols = facts.protocols.len(),
        suites = facts.cipher_suites.iter().map(|p| p.suites.len()).sum::<usize>(),
        connections = p.link.stats.connections.load(Ordering::Relaxed),
        errors = facts.probe_errors.len(),
        "scanned"
    );
    cx.progress.reached(&ip, Milestone::Done);
    facts
}

/// Discovery: SSLv2, the suites of SSLv3–TLS 1.2 and of TLS 1.3, and the
/// reference browser, all at once. The enumerations ask for connections
/// newest version first: TLS 1.2's is usually the longest chain of steps
/// (one per accepted suite), so it starts before the old versions' quick
/// refusals take the first permits.
async fn first_wave(p: &Prober<'_>) -> FirstWave {
    let legacy_versions = [
        ProtocolVersion::TLS12,
        ProtocolVersion::TLS11,
        ProtocolVersion::TLS10,
        ProtocolVersion::SSLV3,
    ];
    let (legacy, tls13, browser, sslv2) = tokio::join!(
        join_all(
            legacy_versions
                .iter()
                .map(|v| enumerate::legacy_version(p, *v))
        ),
        enumerate::tls13(p),
        browser(p),
        enumerate::sslv2(p),
    );
    let mut legacy = legacy;
    // SSLv3 … TLS 1.2, as the first wave keeps them.
    legacy.reverse();
    FirstWave {
        sslv2,
        legacy,
        tls13,
        browser,
    }
}

/// Runs `stage`, measuring it.
async fn timed<S: Stage>(stage: S, p: &Prober<'_>, first: &FirstWave) -> (S::Outcome, Timing) {
    let t = Instant::now();
    let outcome = stage.run(p, first).await;
    let took = t.elapsed();
    tracing::debug!(stage = S::NAME, ms = took.as_millis() as u64, "stage done");
    (outcome, timing(S::NAME, took))
}

/// Every second-wave stage, concurrently; also the time each vulnerability
/// stage and the client simulation took (the `timings` of the facts).
async fn second_wave(
    p: &Prober<'_>,
    first: &FirstWave,
    clients: Option<&simulation::SharedPlan>,
) -> (SecondWave, Vec<Timing>) {
    let (
        (orders, _),
        (groups, _),
        (extras, _),
        (chains, _),
        (http, _),
        (vulnerabilities, t_vulns),
        (robot, t_robot),
        (ticketbleed, t_ticketbleed),
        (poodle_tls, t_poodle),
        (renegotiation, t_renegotiation),
        (early_data, t_early),
        (public_values, _),
        (sslv2_compatible_hello, _),
        (simulated, t_clients),
    ) = tokio::join!(
        timed(OrderStage, p, first),
        timed(GroupsStage, p, first),
        timed(ExtrasStage, p, first),
        timed(ChainsStage, p, first),
        timed(HttpStage, p, first),
        timed(VulnStage, p, first),
        timed(RobotStage, p, first),
        timed(TicketbleedStage, p, first),
        timed(PoodleTlsStage, p, first),
        timed(RenegotiationStage, p, first),
        timed(EarlyDataStage, p, first),
        timed(KexStage, p, first),
        timed(Sslv2CompatStage, p, first),
        timed(ClientsStage { plan: clients }, p, first),
    );
    let second = SecondWave {
        orders,
        groups,
        extras,
        chains,
        http,
        vulnerabilities,
        robot,
        ticketbleed,
        poodle_tls,
        renegotiation,
        early_data,
        public_values,
        sslv2_compatible_hello,
        clients: simulated,
    };
    let mut timings = vec![
        t_vulns,
        t_robot,
        t_ticketbleed,
        t_poodle,
        t_renegotiation,
        t_early,
    ];
    if second.clients.is_some() {
        timings.push(t_clients);
    }
    (second, timings)
}
