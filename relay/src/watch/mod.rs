//! `tlslens-relay watch` (docs/contracts.md, contract 5): scan the configured targets every
//! `interval`, keep history in SQLite, alert by webhook before certificates expire
//! (30/14/7/1 days by default), when a grade drops and when a target stops
//! answering; serve `/metrics`, `/healthz`, `/report` and `/report.json`.
//!
//! * [`config`]: the checked configuration (read from the TOML file by
//!   `settings::WatchSettings`). * [`store`]: history, dedup keys, the outbox.
//! * [`alerts`]: which alerts a scan raises, and webhook delivery.
//! * `web`: the HTTP endpoints.

pub mod alerts;
pub mod config;
pub mod store;
mod web;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::future::join_all;
use tlslens_core::report::EndpointReport;
use tokio::sync::Semaphore;

use crate::probe;
use crate::resolve::ResolveOverride;
use crate::Error;
pub use config::{Config, Target};
use store::{ScanRow, Store};

/// Delivery attempts per alert within one `--once` run before leaving it queued
/// for the next run.
const ONCE_ATTEMPTS: u32 = 3;

/// The running monitor.
#[derive(Debug)]
pub struct Watcher {
    cfg: Config,
    store: Mutex<Store>,
    webhook: Option<alerts::Webhook>,
}

fn lock(store: &Mutex<Store>) -> Result<std::sync::MutexGuard<'_, Store>, Error> {
    store
        .lock()
        .map_err(|_| Error::Database("the store lock is poisoned".into()))
}

/// Stable per-target offset in `[0, jitter)`, so rounds spread their load the
/// same way every time without a random source.
fn jitter_for(t: &Target, jitter: Duration) -> Duration {
    let ms = u64::try_from(jitter.as_millis()).unwrap_or(u64::MAX);
    if ms == 0 {
        return Duration::ZERO;
    }
    let h = format!("{}:{}", t.host, t.port)
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
    Duration::from_millis(h % ms)
}

impl Watcher {
    /// Opens the database.
    pub fn new(cfg: Config) -> Result<Self, Error> {
        let store = Store::open(&cfg.database)?;
        let webhook = cfg.webhook.as_deref().map(alerts::Webhook::new);
        Ok(Self {
            cfg,
            store: Mutex::new(store),
            webhook,
        })
    }

    /// "Now", from the configured clock.
    pub(crate) fn now(&self) -> i64 {
        self.cfg.scan.clock.now()
    }

    /// Runs one round over every target; returns how many alerts were queued.
    pub async fn round(&self, spread: bool) -> Result<usize, Error> {
        let round = lock(&self.store)?.begin_round(self.now())?;
        let sem = Semaphore::new(self.cfg.concurrency);
        let results = join_all(self.cfg.targets.iter().map(|t| async {
            if spread {
                tokio::time::sleep(jitter_for(t, self.cfg.jitter)).await;
            }
            let Ok(_permit) = sem.acquire().await else {
                return Ok(0);
            };
            self.watch_target(round, t).await
        }))
        .await;
        lock(&self.store)?.end_round(round, self.now())?;
        let mut queued = 0;
        for r in results {
            queued += r?;
        }
        tracing::info!(
            round,
            queued,
            targets = self.cfg.targets.len(),
            "round done"
        );
        Ok(queued)
    }

    async fn watch_target(&self, round: i64, t: &Target) -> Result<usize, Error> {
        let mut opts = self.cfg.scan.clone();
        if !t.resolve.is_empty() {
            opts.resolve.push(ResolveOverride {
                host: t.spec.host.clone(),
                port: t.spec.port,
                addrs: t.resolve.clone(),
            });
        }
        let scanned = probe::scan(&t.spec, &opts, None).await;
        let facts = match scanned {
            Ok(f) => f,
            Err(e) => {
                tracing::warn!(host = %t.host, port = t.port, error = %e, "scan failed");
                return self.target_failed(round, t, &e.to_string());
            }
        };
        let now = self.now();
        let report = tlslens_core::grade(&facts, now);
        let mut queued = 0;
        for ep in &report.endpoints {
            queued += self.record_endpoint(round, t, ep, now)?;
        }
        Ok(queued)
    }

    fn record_endpoint(
        &self,
        round: i64,
        t: &Target,
        ep: &EndpointReport,
        now: i64,
    ) -> Result<usize, Error> {
        let mut store = lock(&self.store)?;
        if let Some(err) = &ep.error {
            let since = store.outage_start(&t.host, t.port, &ep.ip, now)?;
            let alert = alerts::unreachable(&t.host, t.port, &ep.ip, &err.message, since);
            let row = ScanRow {
                host: t.host.clone(),
                port: t.port,
                ip: ep.ip.clone(),
                scanned_at: now,
                success: false,
                error: Some(err.message.clone()),
                ..ScanRow::default()
            };
            return store.record(round, &row, &[alert]);
        }
        store.outage_end(&t.host, t.port, &ep.ip)?;
        let previous = store.last_grade(&t.host, t.port, &ep.ip)?;
        let alerts = alerts::for_endpoint(
            &t.host,
            t.port,
            ep,
            previous.as_deref(),
            &self.cfg.alert_days,
            now,
            now,
        );
        let leaf = ep.chain.as_ref().and_then(|c| c.certificates.first());
        let ts = |s: &str| tlslens_core::time::parse_rfc3339(s);
        let row = ScanRow {
            host: t.host.clone(),
            port: t.port,
            ip: ep.ip.clone(),
            scanned_at: now,
            success: true,
            error: None,
            grade: ep.grade.map(|g| g.as_str().to_owned()),
            score: ep.score.map(|s| s.total),
            leaf_sha256: leaf.map(|c| c.sha256.clone()),
            leaf_subject: leaf.map(|c| c.subject.clone()),
            leaf_not_after: leaf.and_then(|c| ts(&c.not_after)),
            earliest_not_after: ep.expiry.as_ref().and_then(|x| ts(&x.earliest_not_after)),
            earliest_subject: ep.expiry.as_ref().map(|x| x.earliest_subject.clone()),
            chain_json: ep
                .chain
                .as_ref()
                .and_then(|c| serde_json::to_string(c).ok()),
        };
        store.record(round, &row, &alerts)
    }

    fn target_failed(&self, round: i64, t: &Target, error: &str) -> Result<usize, Error> {
        let now = self.now();
        let mut store = lock(&self.store)?;
        let since = store.outage_start(&t.host, t.port, "", now)?;
        let alert = alerts::unreachable(&t.host, t.port, "", error, since);
        let row = ScanRow {
            host: t.host.clone(),
            port: t.port,
            ip: String::new(),
            scanned_at: now,
            success: false,
            error: Some(error.to_owned()),
            ..ScanRow::default()
        };
        store.record(round, &row, &[alert])
    }

    /// Delivers due alerts. With `attempts`, retries each within this call (for
    /// `--once`); without, makes one attempt per due alert and schedules the next
    /// by backoff. Returns (delivered, still pending).
    pub async fn deliver(&self, attempts: Option<u32>) -> Result<(usize, usize), Error> {
        let Some(webhook) = &self.webhook else {
            let pending = lock(&self.store)?.pending(None)?.len();
            return Ok((0, pending));
        };
        let due = {
            let store = lock(&self.store)?;
            if attempts.is_some() {
                store.pending(None)?
            } else {
                store.pending(Some(self.now()))?
            }
        };
        let mut delivered = 0;
        let mut failed = 0;
        for alert in due {
            let tries = attempts.unwrap_or(1).max(1);
            let mut outcome = Err(String::new());
            for attempt in 0..tries {
                if attempt > 0 {
                    tokio::time::sleep(Duration::from_secs(1u64 << (attempt - 1).min(4))).await;
                }
                outcome = webhook.post(&alert.payload).await;
                if outcome.is_ok() {
                    break;
                }
            }
            let store = lock(&self.store)?;
            match outcome {
                Ok(()) => {
                    store.delivered(alert.id, self.now())?;
                    delivered += 1;
                }
                Err(e) => {
                    tracing::warn!(alert = alert.id, error = %e, "webhook delivery failed; will retry");
                    let next = self.now()
                        + i64::try_from(alerts::backoff(alert.attempts).as_secs()).unwrap_or(3600);
                    store.failed(alert.id, &e, next)?;
                    failed += 1;
                }
            }
        }
        Ok((delivered, failed))
    }
}

/// Runs `watch`: one round with `once`, else rounds every `interval` until SIGINT
/// or SIGTERM. `listen` serves the metrics and the report.
pub async fn run(cfg: Config, once: bool, listen: Option<SocketAddr>) -> Result<(), Error> {
    let watcher = Arc::new(Watcher::new(cfg)?);
    let server = match listen {
        Some(addr) => Some(web::spawn(addr, watcher.clone()).await?),
        None => None,
    };
    if once {
        let queued = watcher.round(false).await?;
        let (delivered, pending) = watcher.deliver(Some(ONCE_ATTEMPTS)).await?;
        eprintln!(
            "tlslens-relay watch: {} target(s) scanned, {queued} new alert(s), {delivered} delivered, {pending} still queued",
            watcher.cfg.targets.len()
        );
        if let Some(s) = server {
            s.abort();
        }
        return Ok(());
    }
    // Rounds run as their own task, so a long round (jitter, thousands of
    // targets) neither delays alert delivery nor a SIGTERM.
    let shutdown = crate::signal::shutdown();
    tokio::pin!(shutdown);
    let mut next_round = tokio::time::Instant::now();
    let mut tick = tokio::time::interval(Duration::from_secs(15));
    let mut running: Option<tokio::task::JoinHandle<()>> = None;
    loop {
        tokio::select! {
            () = &mut shutdown => break,
            () = tokio::time::sleep_until(next_round) => {
                next_round += watcher.cfg.interval;
                if running.as_ref().is_some_and(|r| !r.is_finished()) {
                    tracing::warn!("the previous round is still running; skipping this one");
                    continue;
                }
                let w = watcher.clone();
                running = Some(tokio::spawn(async move {
                    if let Err(e) = w.round(true).await {
                        tracing::error!(error = %e, "round failed");
                    }
                }));
            }
            _ = tick.tick() => {
                if let Err(e) = watcher.deliver(None).await {
                    tracing::error!(error = %e, "delivery failed");
                }
            }
        }
    }
    if let Some(r) = running {
        r.abort();
    }
    if let Some(s) = server {
        s.abort();
    }
    Ok(())
}
