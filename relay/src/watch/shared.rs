//! Watchers sharing a PostgreSQL target list: claim due targets under a
//! lease, scan them, record each scan (which releases the lease and moves the
//! target one interval on).
//!
//! A watcher claims only as many targets as it has free scan slots
//! (`concurrency`), polls for due targets every `interval / 20` (between 1 s
//! and 15 s) and again as soon as a scan finishes. A lease lasts the scan's
//! time limit plus [`LEASE_MARGIN`], at most one interval: a watcher that dies
//! mid-scan loses its targets to the others within one interval, and one that
//! is merely slow cannot record over the watcher that took its target over
//! (the store checks the claim's token).

use std::sync::Arc;
use std::time::Duration;

use futures_util::future::join_all;
use tokio::sync::{Notify, Semaphore};
use tokio::task::JoinSet;

use super::store::{Lease, StoredTarget, TargetRecord};
use super::{Target, Watcher};
use crate::Error;

/// Time a lease allows beyond the scan's own limit (recording, a slow
/// database).
pub const LEASE_MARGIN: Duration = Duration::from_secs(30);

/// How long one claim keeps a target from the other watchers.
pub fn lease_for(interval: Duration, scan_timeout: Duration) -> Duration {
    (scan_timeout + LEASE_MARGIN).min(interval)
}

/// How often an idle watcher looks for due targets.
pub fn poll_for(interval: Duration) -> Duration {
    (interval / 20).clamp(Duration::from_secs(1), Duration::from_secs(15))
}

impl Watcher {
    fn lease(&self) -> Duration {
        lease_for(self.cfg.interval, self.cfg.scan.timeout)
    }

    /// Scans and records one claimed target; how many alerts it queued.
    async fn watch_leased(&self, lease: Lease, stored: StoredTarget) -> Result<usize, Error> {
        let rec = match Target::parse(&stored.host, stored.port, &stored.resolve) {
            Ok(t) => self.scan_target(0, Some(lease), &t).await?,
            Err(e) => {
                tracing::error!(host = %stored.host, port = stored.port, error = %e, "a target in the database does not parse");
                TargetRecord {
                    lease: Some(lease),
                    ..TargetRecord::default()
                }
            }
        };
        match self.store.record(&rec).await? {
            Some(queued) => Ok(queued),
            None => {
                tracing::warn!(
                    host = %stored.host,
                    port = stored.port,
                    "lease lost (the scan took longer than its lease, or the target was removed); the scan is not recorded"
                );
                Ok(0)
            }
        }
    }
}

/// Continuous mode: claim due targets whenever a scan slot is free.
pub async fn claim_loop(watcher: Arc<Watcher>, wake: Arc<Notify>) {
    let slots = Arc::new(Semaphore::new(watcher.cfg.concurrency));
    let done = Arc::new(Notify::new());
    let poll = poll_for(watcher.cfg.interval);
    let mut scans = JoinSet::new();
    loop {
        while scans.try_join_next().is_some() {}
        let free = slots.available_permits();
        if free > 0 {
            let claimed = watcher
                .store
                .claim_targets(&watcher.worker, free, watcher.lease(), watcher.cfg.interval)
                .await;
            match claimed {
                Ok(claimed) => {
                    for (lease, target) in claimed {
                        let Ok(permit) = slots.clone().acquire_owned().await else {
                            return;
                        };
                        let (w, wake, done) = (watcher.clone(), wake.clone(), done.clone());
                        scans.spawn(async move {
                            match w.watch_leased(lease, target).await {
                                Ok(queued) if queued > 0 => wake.notify_one(),
                                Ok(_) => {}
                                Err(e) => tracing::error!(error = %e, "recording a scan failed"),
                            }
                            drop(permit);
                            done.notify_one();
                        });
                    }
                }
                Err(e) => tracing::error!(error = %e, "claiming targets failed"),
            }
        }
        tokio::select! {
            () = tokio::time::sleep(poll) => {}
            () = done.notified() => {}
        }
    }
}

/// `--once`: scan every due target (claiming batches of `concurrency`) until
/// none is due; returns (targets scanned, alerts queued).
pub async fn once(watcher: &Watcher) -> Result<(usize, usize), Error> {
    let (mut scanned, mut queued) = (0, 0);
    loop {
        let claimed = watcher
            .store
            .claim_targets(
                &watcher.worker,
                watcher.cfg.concurrency,
                watcher.lease(),
                watcher.cfg.interval,
            )
            .await?;
        if claimed.is_empty() {
            return Ok((scanned, queued));
        }
        scanned += claimed.len();
        let results = join_all(
            claimed
                .into_iter()
                .map(|(lease, target)| watcher.watch_leased(lease, target)),
        )
        .await;
        for r in results {
            queued += r?;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leases_end_within_one_interval() {
        let s = Duration::from_secs;
        assert_eq!(lease_for(s(3600), s(60)), s(90));
        assert_eq!(lease_for(s(20), s(60)), s(20));
        assert_eq!(poll_for(s(10)), s(1));
        assert_eq!(poll_for(s(100)), s(5));
        assert_eq!(poll_for(s(6 * 3600)), s(15));
    }
}
