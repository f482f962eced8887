//! `tlslens-relay watch` (docs/contracts.md, contract 5): scan the targets every
//! `interval`, keep history in SQLite or PostgreSQL, alert by webhook before
//! certificates expire (30/14/7/1 days by default), when a grade drops and when a
//! target stops answering; serve `/metrics`, `/healthz`, `/report` and
//! `/report.json`.
//!
//! With SQLite one watcher scans the config's targets in rounds. With
//! PostgreSQL any number of watchers share the database's target list: each
//! claims due targets under a lease ([`shared`]), so every target is scanned
//! by one watcher per interval, and a watcher that dies loses its targets to
//! the others when its leases run out.
//!
//! * [`config`]: the checked configuration (read from the TOML file by
//!   `settings::WatchSettings`). * [`store`]: history, dedup keys, the outbox,
//!   the shared target list, behind one trait.
//! * [`alerts`]: which alerts a scan raises, their ids, and webhook delivery
//!   (here: from its own task, a few at a time, within a deadline).
//! * `web`: the HTTP endpoints.

pub mod alerts;
pub mod changes;
pub mod config;
pub mod month;
mod shared;
pub mod store;
mod targets;
mod web;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::join_all;
use tlslens_core::report::EndpointReport;
use tokio::sync::{Notify, Semaphore};

use crate::probe;
use crate::resolve::ResolveOverride;
use crate::Error;
pub use config::{Config, Database, Month, Target, TargetEdit};
use store::{AlertClaim, History, Lease, ScanRow, TargetRecord};
pub use targets::edit_targets;

/// Delivery attempts per alert within one `--once` run before leaving it queued
/// for the next run.
const ONCE_ATTEMPTS: u32 = 3;

/// Alerts posted at once.
pub const DELIVERY_CONCURRENCY: usize = 4;

/// How often continuous mode delivers due alerts (and right after a round
/// that queued some).
pub const DELIVERY_TICK: Duration = Duration::from_secs(15);

/// The longest one delivery pass may take in continuous mode; what is left
/// waits for the next pass.
pub const DELIVERY_DEADLINE: Duration = Duration::from_secs(60);

/// The longest delivery may take in a `--once` run; what is left waits for
/// the next run.
pub const ONCE_DELIVERY_DEADLINE: Duration = Duration::from_secs(120);

/// The running monitor.
#[derive(Debug)]
pub struct Watcher {
    cfg: Config,
    store: Box<dyn History>,
    webhook: Option<alerts::Webhook>,
    /// This process among the watchers sharing a database: host, pid and
    /// start time.
    worker: String,
}

/// Opens the configured history (connecting and migrating PostgreSQL).
pub async fn open_store(database: &Database) -> Result<Box<dyn History>, Error> {
    Ok(match database {
        Database::Sqlite(path) => Box::new(store::sqlite::Sqlite::open(path)?),
        Database::Postgres(url) => Box::new(store::postgres::Postgres::connect(url).await?),
    })
}

fn worker_id() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|_| "host".into());
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    format!("{host}/{}/{nanos:08x}", std::process::id())
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
    /// Opens the database; with PostgreSQL, adds the config's targets to its
    /// list.
    pub async fn open(cfg: Config) -> Result<Self, Error> {
        let store = open_store(&cfg.database).await?;
        if store.shared_targets() && !cfg.targets.is_empty() {
            let targets: Vec<_> = cfg
                .targets
                .iter()
                .map(|t| {
                    let resolve = t.resolve.iter().map(ToString::to_string).collect();
                    (t.host.clone(), t.port, resolve)
                })
                .collect();
            store.upsert_targets(&targets).await?;
        }
        let webhook = cfg.webhook.as_deref().map(alerts::Webhook::new);
        Ok(Self {
            cfg,
            store,
            webhook,
            worker: worker_id(),
        })
    }

    /// "Now", from the configured clock.
    pub(crate) fn now(&self) -> i64 {
        self.cfg.scan.clock.now()
    }

    /// Runs one round over the config's targets (SQLite); returns how many
    /// alerts were queued.
    pub async fn round(&self, spread: bool) -> Result<usize, Error> {
        let round = self.store.begin_round(self.now()).await?;
        let sem = Semaphore::new(self.cfg.concurrency);
        let results = join_all(self.cfg.targets.iter().map(|t| async {
            if spread {
                tokio::time::sleep(jitter_for(t, self.cfg.jitter)).await;
            }
            let Ok(_permit) = sem.acquire().await else {
                return Ok(0);
            };
            let rec = self.scan_target(round, None, t).await?;
            Ok::<_, Error>(self.store.record(&rec).await?.unwrap_or(0))
        }))
        .await;
        self.store.end_round(round, self.now()).await?;
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

    /// Scans one target and works out what to record: its endpoints' rows,
    /// the alerts they raise, outages that start or end.
    async fn scan_target(
        &self,
        round: i64,
        lease: Option<Lease>,
        t: &Target,
    ) -> Result<TargetRecord, Error> {
        let mut opts = self.cfg.scan.clone();
        if !t.resolve.is_empty() {
            opts.resolve.push(ResolveOverride {
                host: t.spec.host.clone(),
                port: t.spec.port,
                addrs: t.resolve.clone(),
            });
        }
        let scanned = probe::scan(&t.spec, &opts, None).await;
        let mut rec = TargetRecord {
            round,
            lease,
            ..TargetRecord::default()
        };
        let now = self.now();
        match scanned {
            Ok(facts) => {
                let report = tlslens_core::grade(&facts, now);
                for ep in &report.endpoints {
                    self.endpoint(&mut rec, t, ep, now).await?;
                }
            }
            Err(e) => {
                tracing::warn!(host = %t.host, port = t.port, error = %e, "scan failed");
                self.down(&mut rec, t, "", &e.to_string(), now).await?;
            }
        }
        Ok(rec)
    }

    /// An endpoint (or the whole target, `ip` empty) that did not answer.
    async fn down(
        &self,
        rec: &mut TargetRecord,
        t: &Target,
        ip: &str,
        error: &str,
        now: i64,
    ) -> Result<(), Error> {
        let state = self.store.endpoint_state(&t.host, t.port, ip).await?;
        let since = state.outage_since.unwrap_or_else(|| {
            rec.outages_started
                .push((t.host.clone(), t.port, ip.to_owned(), now));
            now
        });
        rec.alerts
            .push(alerts::unreachable(&t.host, t.port, ip, error, since));
        rec.rows.push(ScanRow {
            host: t.host.clone(),
            port: t.port,
            ip: ip.to_owned(),
            scanned_at: now,
            success: false,
            error: Some(error.to_owned()),
            ..ScanRow::default()
        });
        Ok(())
    }

    /// A graded endpoint: its row and the alerts it raises against its last
    /// good scan.
    async fn endpoint(
        &self,
        rec: &mut TargetRecord,
        t: &Target,
        ep: &EndpointReport,
        now: i64,
    ) -> Result<(), Error> {
        if let Some(err) = &ep.error {
            return self.down(rec, t, &ep.ip, &err.message, now).await;
        }
        rec.outages_ended
            .push((t.host.clone(), t.port, ep.ip.clone()));
        let state = self.store.endpoint_state(&t.host, t.port, &ep.ip).await?;
        let previous = state.last_ok.as_ref().and_then(|r| r.grade.as_deref());
        let details = changes::Details::of(ep, self.cfg.clients.as_ref());
        let before = state
            .last_ok
            .as_ref()
            .and_then(|r| changes::Details::read(r.details_json.as_deref()));
        if let Some(before) = &before {
            rec.alerts.extend(changes::alerts(
                &t.host, t.port, &ep.ip, before, &details, now,
            ));
        }
        rec.alerts.extend(alerts::for_endpoint(
            &t.host,
            t.port,
            ep,
            previous,
            &self.cfg.alert_days,
            now,
            now,
        ));
        let leaf = ep.chain.as_ref().and_then(|c| c.certificates.first());
        let ts = |s: &str| tlslens_core::time::parse_rfc3339(s);
        rec.rows.push(ScanRow {
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
            details_json: serde_json::to_string(&details).ok(),
        });
        Ok(())
    }

    /// Delivers due alerts, [`DELIVERY_CONCURRENCY`] at a time (each batch
    /// claimed, so watchers sharing a database never post one alert at the
    /// same time), for at most `deadline`; what is not done by then stays in
    /// the outbox. With `attempts`, retries each within this call (for
    /// `--once`); without, makes one attempt per due alert and schedules the
    /// next by backoff. Returns (delivered, still pending).
    pub async fn deliver(
        &self,
        attempts: Option<u32>,
        deadline: Duration,
    ) -> Result<(usize, usize), Error> {
        let Some(webhook) = &self.webhook else {
            return Ok((0, self.store.pending_count().await?));
        };
        let due_at = if attempts.is_some() {
            None
        } else {
            Some(self.now())
        };
        let tries = attempts.unwrap_or(1).max(1);
        // Long enough for every attempt and its backoff, then some.
        let hold = webhook.timeout() * (tries + 1) + Duration::from_secs(u64::from(tries) * 16);
        let delivered = AtomicUsize::new(0);
        let work = async {
            let mut after_id = 0;
            loop {
                let claim = AlertClaim {
                    due_at,
                    after_id,
                    limit: DELIVERY_CONCURRENCY,
                    hold,
                    worker: &self.worker,
                };
                let batch = self.store.claim_alerts(claim).await?;
                let Some(last) = batch.last() else {
                    return Ok::<(), Error>(());
                };
                after_id = last.id;
                let sent = join_all(
                    batch
                        .into_iter()
                        .map(|alert| self.deliver_one(webhook, alert, tries)),
                )
                .await;
                for ok in sent {
                    if ok? {
                        delivered.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        };
        match tokio::time::timeout(deadline, work).await {
            Ok(done) => done?,
            Err(_) => tracing::warn!(
                secs = deadline.as_secs(),
                "webhook delivery ran out of time; the rest stays queued"
            ),
        }
        let pending = self.store.pending_count().await?;
        Ok((delivered.into_inner(), pending))
    }

    /// Posts one alert (`tries` attempts, backoff between), then records the
    /// outcome; whether it was delivered.
    async fn deliver_one(
        &self,
        webhook: &alerts::Webhook,
        alert: store::Pending,
        tries: u32,
    ) -> Result<bool, Error> {
        let id = alerts::alert_id(&alert.key);
        let body = alerts::with_id(&alert.payload, &alert.key);
        let mut outcome = Err(String::new());
        for attempt in 0..tries {
            if attempt > 0 {
                tokio::time::sleep(Duration::from_secs(1u64 << (attempt - 1).min(4))).await;
            }
            outcome = webhook.post(&body, &id).await;
            if outcome.is_ok() {
                break;
            }
        }
        match outcome {
            Ok(()) => {
                self.store.delivered(alert.id, self.now()).await?;
                Ok(true)
            }
            Err(e) => {
                tracing::warn!(alert = alert.id, error = %e, "webhook delivery failed; will retry");
                let next = self.now()
                    + i64::try_from(alerts::backoff(alert.attempts).as_secs()).unwrap_or(3600);
                self.store.failed(alert.id, &e, next).await?;
                Ok(false)
            }
        }
    }
}

/// Delivers in continuous mode: every [`DELIVERY_TICK`], and as soon as a
/// round has queued alerts (`wake`). Runs as its own task, so a webhook that
/// hangs delays neither the rounds nor a SIGTERM.
async fn delivery_loop(watcher: Arc<Watcher>, wake: Arc<Notify>) {
    let mut tick = tokio::time::interval(DELIVERY_TICK);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            () = wake.notified() => {}
        }
        if let Err(e) = watcher.deliver(None, DELIVERY_DEADLINE).await {
            tracing::error!(error = %e, "delivery failed");
        }
    }
}

/// Runs `watch`: one round with `once`, else rounds every `interval` until SIGINT
/// or SIGTERM. `listen` serves the metrics and the report.
pub async fn run(cfg: Config, once: bool, listen: Option<SocketAddr>) -> Result<(), Error> {
    let watcher = Arc::new(Watcher::open(cfg).await?);
    let server = match listen {
        Some(addr) => Some(web::spawn(addr, watcher.clone()).await?),
        None => None,
    };
    let shutdown = crate::signal::shutdown();
    tokio::pin!(shutdown);
    if once {
        tokio::select! {
            () = &mut shutdown => {}
            done = run_once(&watcher) => done?,
        }
        if let Some(s) = server {
            s.abort();
        }
        return Ok(());
    }
    // Rounds (or claims) and deliveries run as their own tasks, so a long
    // round (jitter, thousands of targets) or a webhook that hangs neither
    // delays the next round nor a SIGTERM. What is undelivered at exit stays
    // in the outbox; a shared target being scanned at exit is taken over by
    // another watcher when its lease runs out.
    let wake = Arc::new(Notify::new());
    let deliveries = tokio::spawn(delivery_loop(watcher.clone(), wake.clone()));
    let scheduler = if watcher.store.shared_targets() {
        tokio::spawn(shared::claim_loop(watcher.clone(), wake))
    } else {
        tokio::spawn(rounds_loop(watcher.clone(), wake))
    };
    shutdown.await;
    scheduler.abort();
    deliveries.abort();
    if let Some(s) = server {
        s.abort();
    }
    Ok(())
}

/// Aborts a task when dropped (its owner was aborted).
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// SQLite: a round over the config's targets every `interval`, skipped while
/// the previous one still runs.
async fn rounds_loop(watcher: Arc<Watcher>, wake: Arc<Notify>) {
    let mut tick = tokio::time::interval(watcher.cfg.interval);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
    let mut running: Option<AbortOnDrop> = None;
    loop {
        tick.tick().await;
        if running.as_ref().is_some_and(|r| !r.0.is_finished()) {
            tracing::warn!("the previous round is still running; skipping this one");
            continue;
        }
        let (w, wake) = (watcher.clone(), wake.clone());
        running = Some(AbortOnDrop(tokio::spawn(async move {
            match w.round(true).await {
                Ok(queued) if queued > 0 => wake.notify_one(),
                Ok(_) => {}
                Err(e) => tracing::error!(error = %e, "round failed"),
            }
        })));
    }
}

/// The monthly report of `month` from the configured history, as HTML.
pub async fn month_report_html(
    store: &dyn History,
    month: Month,
    now: i64,
) -> Result<String, Error> {
    let (from, to) = month.bounds();
    let scans = store.scans_between(from, to).await?;
    let alerts = store.alerts_between(from, to).await?;
    let report = month::MonthReport::build(month, now, &scans, &alerts);
    Ok(month::render_html(&report, (from, to)))
}

/// `--report-month`: writes that month's report to `path`.
pub async fn write_month_report(
    cfg: Config,
    month: Month,
    path: &std::path::Path,
) -> Result<(), Error> {
    let store = open_store(&cfg.database).await?;
    let html = month_report_html(store.as_ref(), month, cfg.scan.clock.now()).await?;
    std::fs::write(path, html)?;
    eprintln!(
        "tlslens-relay watch: wrote the {month} report to {}",
        path.display()
    );
    Ok(())
}

/// `--once`: one round, then delivery with retries within the run.
async fn run_once(watcher: &Watcher) -> Result<(), Error> {
    let (scanned, queued) = if watcher.store.shared_targets() {
        shared::once(watcher).await?
    } else {
        (watcher.cfg.targets.len(), watcher.round(false).await?)
    };
    let (delivered, pending) = watcher
        .deliver(Some(ONCE_ATTEMPTS), ONCE_DELIVERY_DEADLINE)
        .await?;
    eprintln!(
        "tlslens-relay watch: {scanned} target(s) scanned, {queued} new alert(s), {delivered} delivered, {pending} still queued"
    );
    Ok(())
}
