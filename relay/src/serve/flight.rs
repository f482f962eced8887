//! Single-flight scans: at most one scan per `host:port` at a time. A request
//! gets the cached report, or subscribes to the scan running for its target,
//! or — within its rate limit and the global slots — starts one
//! ([`AppState::acquire`]); the scan runs as its own task, bounded by its time
//! limit, grades the facts with the core at the configured clock's "now",
//! fills the cache and wakes every subscriber.

use std::net::IpAddr;
use std::sync::Arc;
use std::time::Instant;

use bytes::Bytes;
use tlslens_core::{GradeOptions, ScanFacts};
use tokio::sync::watch;

use super::cache::{Entry, Key, ScanState, Step};
use super::error::AppError;
use super::limits::{client_key, Admission};
use super::state::{AppState, BUSY_RETRY_AFTER, FRESH_COST, MAX_STEPS, SCAN_GRACE};
use super::validate::Target;
use crate::probe::{Progress, ProgressFn};

impl AppState {
    /// A cached scan, or a subscription to the running (or a new) scan.
    pub(super) fn acquire(
        &self,
        t: &Target,
        fresh: bool,
        client: IpAddr,
    ) -> Result<Ticket, AppError> {
        let inner = &self.inner;
        let now = Instant::now();
        if !fresh {
            if let Some(e) = inner.cache.get(&t.key, now) {
                inner.metrics.cache_hit();
                return Ok(Ticket::Cached(e));
            }
        }
        let cost = if fresh { FRESH_COST } else { 1.0 };
        inner
            .limiter
            .check(client_key(client), cost, now)
            .map_err(|wait| AppError::rate_limited(wait, fresh))?;
        let mut map = inner.inflight.lock().ok_or_else(AppError::internal)?;
        if let Some(rx) = map.get(&t.key) {
            inner.metrics.joined();
            return Ok(Ticket::Wait(rx.clone(), "joined"));
        }
        if !fresh {
            // It may have finished between the first look and the lock.
            if let Some(e) = inner.cache.get(&t.key, now) {
                inner.metrics.cache_hit();
                return Ok(Ticket::Cached(e));
            }
        }
        let admission = inner
            .slots
            .admit()
            .ok_or_else(|| AppError::busy(BUSY_RETRY_AFTER))?;
        let (tx, rx) = watch::channel(ScanState::default());
        map.insert(t.key.clone(), rx.clone());
        drop(map);
        inner.metrics.cache_miss();
        tracing::info!(target = %t.label, fresh, "scan started");
        let guard = InflightGuard {
            state: self.clone(),
            key: t.key.clone(),
        };
        tokio::spawn(self.clone().run_scan(t.clone(), admission, tx, guard));
        Ok(Ticket::Wait(rx, "miss"))
    }

    async fn run_scan(
        self,
        t: Target,
        admission: Admission,
        tx: watch::Sender<ScanState>,
        _guard: InflightGuard,
    ) {
        let inner = &self.inner;
        let limit = inner.config.scan.timeout;
        let result = match inner.slots.wait(admission, limit).await {
            None => Err(AppError::busy(BUSY_RETRY_AFTER)),
            Some(permit) => {
                let started = Instant::now();
                let tx = Arc::new(tx);
                let progress_tx = tx.clone();
                let progress: ProgressFn = Arc::new(move |p: Progress| {
                    progress_tx.send_modify(|s| {
                        if s.steps.len() < MAX_STEPS {
                            s.steps.push(Step {
                                done: p.done,
                                total: p.total,
                                step: p.step,
                            });
                        }
                    });
                });
                let mut opts = inner.config.scan.clone();
                if let Some(c) = &t.clients {
                    opts.clients = Some(c.clone());
                }
                let fut = (inner.scanner)(t.spec.clone(), opts, progress);
                let out = tokio::time::timeout(limit + SCAN_GRACE.min(limit), fut).await;
                let res = match out {
                    Err(_) => {
                        tracing::warn!(target = %t.label, "scan cut off after its time limit");
                        Err(AppError::timeout(&t.label))
                    }
                    Ok(Err(e)) => Err(AppError::from_scan(&e, &t.spec.host, &t.label)),
                    Ok(Ok(facts)) => finish(facts, inner.config.scan.clock.now()).await,
                };
                drop(permit);
                let took = started.elapsed();
                let outcome = match &res {
                    Ok(_) => "ok",
                    Err(e) => e.code,
                };
                inner.metrics.scan(outcome, took);
                if let Ok(e) = &res {
                    tracing::info!(target = %t.label, grade = %e.grade, ms = took.as_millis() as u64, "scan done");
                    inner.cache.put(t.key.clone(), e.clone());
                }
                tx.send_modify(|s| s.result = Some(res));
                return;
            }
        };
        tx.send_modify(|s| s.result = Some(result));
    }
}

/// Removes a scan from the in-flight table when its task ends, also by a
/// panic.
struct InflightGuard {
    state: AppState,
    key: Key,
}

impl Drop for InflightGuard {
    fn drop(&mut self) {
        self.state.inner.inflight.remove(&self.key);
    }
}

/// Grades the facts (the one grading path: `tlslens_core::grade`) and
/// serialises report and facts once.
async fn finish(facts: ScanFacts, now: i64) -> Result<Arc<Entry>, AppError> {
    let graded = tokio::task::spawn_blocking(move || {
        let report = tlslens_core::grade(&facts, now);
        let report_json = serde_json::to_vec(&report)?;
        let facts_json = serde_json::to_vec(&facts)?;
        let grade = report
            .grade
            .map_or_else(|| "-".to_owned(), |g| g.to_string());
        Ok::<_, serde_json::Error>((report_json, facts_json, grade))
    })
    .await;
    match graded {
        Ok(Ok((report, facts, grade))) => Ok(Arc::new(Entry {
            report: Bytes::from(report),
            facts: Bytes::from(facts),
            grade,
            stored: Instant::now(),
        })),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "serialising the report failed");
            Err(AppError::internal())
        }
        Err(e) => {
            tracing::error!(error = %e, "grading panicked");
            Err(AppError::internal())
        }
    }
}

/// The report of a finished scan graded again with `options` (`profile`,
/// `fix`) from its cached facts, at `now`: the same core function, so the
/// grade is the one of the cached report and only the additions differ.
pub(super) async fn regrade(
    entry: &Entry,
    options: GradeOptions,
    now: i64,
) -> Result<Bytes, AppError> {
    let facts = entry.facts.clone();
    let graded = tokio::task::spawn_blocking(move || {
        let facts: ScanFacts = serde_json::from_slice(&facts)?;
        serde_json::to_vec(&tlslens_core::grade_with(&facts, now, &options))
    })
    .await;
    match graded {
        Ok(Ok(report)) => Ok(Bytes::from(report)),
        Ok(Err(e)) => {
            tracing::error!(error = %e, "grading the cached facts failed");
            Err(AppError::internal())
        }
        Err(e) => {
            tracing::error!(error = %e, "grading panicked");
            Err(AppError::internal())
        }
    }
}

/// What a request gets: a cached report, or a scan to wait for (and how it
/// got it: `miss` started it, `joined` shares it).
pub(super) enum Ticket {
    Cached(Arc<Entry>),
    Wait(watch::Receiver<ScanState>, &'static str),
}

/// Waits for the scan's result.
pub(super) async fn wait_result(
    mut rx: watch::Receiver<ScanState>,
) -> Result<Arc<Entry>, AppError> {
    let state = rx
        .wait_for(|s| s.result.is_some())
        .await
        .map_err(|_| AppError::internal())?;
    state
        .result
        .clone()
        .unwrap_or_else(|| Err(AppError::internal()))
}
