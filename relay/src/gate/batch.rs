//! Several targets in one run, under one connection budget: every target
//! holds its share of the run's connections (its per-target cap,
//! `--scan-connections`, at most the whole budget, `--total-connections`)
//! while it is scanned. Targets start in the order given as shares free up,
//! so the run never has more connections open than the budget, and a
//! target's time limit starts when its scan does, not while it waits.
//!
//! [`run`] yields the [`Outcome`]s in the order given while later targets
//! are still scanning, so the caller can print each one as soon as the
//! targets before it are done.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tlslens_core::{GradeOptions, Report};
use tokio::sync::{mpsc, Semaphore};
use tokio::task::JoinHandle;

use crate::probe::{self, ProgressFn, ScanOptions};
use crate::resolve::TargetSpec;
use crate::Error;

/// One target's result: its report, or why there is none.
#[derive(Debug)]
pub struct Outcome {
    /// Where the target is in the order given (0-based).
    pub index: usize,
    /// The target.
    pub target: TargetSpec,
    /// The graded report, or why the scan could not make one.
    pub result: Result<Report, Error>,
    /// How long its scan took (without the wait for its share).
    pub elapsed: Duration,
}

/// Called when a target's scan ends (in completion order): the CLI's
/// progress line.
pub type DoneFn = Arc<dyn Fn(&Outcome) + Send + Sync>;

/// How a run scans and grades.
#[derive(Clone)]
pub struct Batch {
    /// The probe's options; `max_connections` is the per-target cap.
    pub scan: ScanOptions,
    /// What the core adds to each report (compliance, fix plans).
    pub grading: GradeOptions,
    /// Connections of the whole run, all targets together.
    pub total_connections: usize,
    /// Step progress of each scan (the single-target `[n/m] step` lines).
    pub steps: Option<ProgressFn>,
    /// Called when a target's scan ends.
    pub done: Option<DoneFn>,
}

impl std::fmt::Debug for Batch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Batch")
            .field("scan", &self.scan)
            .field("grading", &self.grading)
            .field("total_connections", &self.total_connections)
            .finish_non_exhaustive()
    }
}

impl Batch {
    /// Connections one target holds: its cap, at most the budget.
    pub fn share(&self) -> usize {
        self.scan
            .max_connections
            .clamp(1, self.total_connections.max(1))
    }
}

/// The outcomes of `targets`, in the order given, as they become available.
/// Needs a Tokio runtime.
pub fn run(targets: Vec<TargetSpec>, batch: Batch) -> Ordered {
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(start_in_order(targets, batch, tx));
    Ordered { rx }
}

/// The outcomes in the order given.
#[derive(Debug)]
pub struct Ordered {
    rx: mpsc::UnboundedReceiver<JoinHandle<Outcome>>,
}

impl Ordered {
    /// The next target's outcome in the order given; `None` after the last.
    pub async fn next(&mut self) -> Option<Outcome> {
        let handle = self.rx.recv().await?;
        Some(handle.await.unwrap_or_else(|e| Outcome {
            index: usize::MAX,
            target: TargetSpec {
                host: String::new(),
                port: 0,
                ip: None,
            },
            result: Err(Error::Io(std::io::Error::other(format!(
                "the scan task failed: {e}"
            )))),
            elapsed: Duration::ZERO,
        }))
    }
}

/// Takes each target's share of the budget in turn and starts its scan.
async fn start_in_order(
    targets: Vec<TargetSpec>,
    batch: Batch,
    tx: mpsc::UnboundedSender<JoinHandle<Outcome>>,
) {
    let share = batch.share();
    let budget = Arc::new(Semaphore::new(batch.total_connections.max(share)));
    let mut scan = batch.scan.clone();
    scan.max_connections = share;
    let batch = Arc::new(Batch { scan, ..batch });
    for (index, target) in targets.into_iter().enumerate() {
        let permits = u32::try_from(share).unwrap_or(u32::MAX);
        let Ok(permit) = budget.clone().acquire_many_owned(permits).await else {
            return;
        };
        let batch = batch.clone();
        let handle = tokio::spawn(async move {
            let outcome = scan_one(index, target, &batch).await;
            drop(permit);
            if let Some(done) = &batch.done {
                done(&outcome);
            }
            outcome
        });
        if tx.send(handle).is_err() {
            return;
        }
    }
}

/// Scans and grades one target.
async fn scan_one(index: usize, target: TargetSpec, batch: &Batch) -> Outcome {
    let started = Instant::now();
    let result = probe::scan(&target, &batch.scan, batch.steps.clone())
        .await
        .map(|facts| tlslens_core::grade_with(&facts, batch.scan.clock.now(), &batch.grading));
    Outcome {
        index,
        target,
        result,
        elapsed: started.elapsed(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn batch(per_target: usize, total: usize) -> Batch {
        Batch {
            scan: ScanOptions {
                max_connections: per_target,
                ..ScanOptions::default()
            },
            grading: GradeOptions::default(),
            total_connections: total,
            steps: None,
            done: None,
        }
    }

    #[test]
    fn a_share_is_the_cap_within_the_budget() {
        assert_eq!(batch(8, 64).share(), 8);
        assert_eq!(batch(8, 3).share(), 3);
        assert_eq!(batch(0, 0).share(), 1);
    }

    /// Targets that cannot be scanned (refused by the guard: no connection
    /// is made) come back in the order given, each with its error.
    #[tokio::test]
    async fn outcomes_come_in_the_order_given() {
        let targets: Vec<TargetSpec> = ["10.0.0.1:443", "127.0.0.1:1", "192.168.0.1:8443"]
            .iter()
            .map(|t| crate::resolve::parse_target(t).unwrap())
            .collect();
        let seen = Arc::new(std::sync::Mutex::new(0usize));
        let counter = seen.clone();
        let mut b = batch(8, 8);
        b.done = Some(Arc::new(move |_| *counter.lock().unwrap() += 1));
        let mut out = run(targets.clone(), b);
        let mut got = Vec::new();
        while let Some(o) = out.next().await {
            assert!(matches!(o.result, Err(Error::Refused { .. })), "{o:?}");
            got.push((o.index, o.target));
        }
        let want: Vec<(usize, TargetSpec)> = targets.into_iter().enumerate().collect();
        assert_eq!(got, want);
        assert_eq!(*seen.lock().unwrap(), 3);
    }
}
