//! Progress reporting, apart from probing: the scan counts
//! [`STEPS_PER_ENDPOINT`] milestones per endpoint and calls the caller's
//! [`ProgressFn`] (the CLI's stderr line, the API's server-sent events) at
//! each one. Probes never report; the endpoint pipeline reports its
//! milestones between waves.

use std::sync::{Arc, Mutex};

/// A progress report: `done` of `total` steps, the step just finished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// Steps done.
    pub done: usize,
    /// All steps.
    pub total: usize,
    /// What was just done (`192.0.2.1: protocols and suites`).
    pub step: String,
}

/// Called as the scan advances.
pub type ProgressFn = Arc<dyn Fn(Progress) + Send + Sync>;

/// Milestones reported per endpoint.
pub const STEPS_PER_ENDPOINT: usize = 4;

/// A milestone of one endpoint's pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Milestone {
    /// The first wave: protocols and suites.
    Discovered,
    /// The second wave: groups, order, extras, chains, HTTP, vulnerabilities.
    Detailed,
    /// The chain's AIA completion.
    Chain,
    /// The facts are assembled.
    Done,
    /// No TCP connection: the endpoint ends after its first wave.
    Unreachable,
    /// No TLS answer: the endpoint ends after its first wave.
    NoTls,
}

impl Milestone {
    /// The text after `IP: ` in [`Progress::step`].
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Discovered => "protocols and suites",
            Self::Detailed => "groups, order and extras",
            Self::Chain => "chain",
            Self::Done => "done",
            Self::Unreachable => "unreachable",
            Self::NoTls => "no TLS",
        }
    }
}

/// Counts the steps of a whole scan and calls the [`ProgressFn`].
pub struct Reporter {
    f: Option<ProgressFn>,
    done: Mutex<usize>,
    total: usize,
}

impl std::fmt::Debug for Reporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Reporter")
            .field("total", &self.total)
            .finish_non_exhaustive()
    }
}

impl Reporter {
    /// A reporter for a scan of `endpoints` addresses.
    pub fn new(f: Option<ProgressFn>, endpoints: usize) -> Self {
        Self {
            f,
            done: Mutex::new(0),
            total: endpoints * STEPS_PER_ENDPOINT,
        }
    }

    /// Reports that endpoint `ip` reached `milestone`. An endpoint that ends
    /// early ([`Milestone::Unreachable`], [`Milestone::NoTls`]) reports its
    /// remaining steps at once, so `done` still reaches `total`.
    pub fn reached(&self, ip: &str, milestone: Milestone) {
        let times = match milestone {
            Milestone::Unreachable | Milestone::NoTls => STEPS_PER_ENDPOINT - 1,
            _ => 1,
        };
        for _ in 0..times {
            self.step(format!("{ip}: {}", milestone.as_str()));
        }
    }

    fn step(&self, step: String) {
        let Some(f) = &self.f else { return };
        let done = match self.done.lock() {
            Ok(mut d) => {
                *d += 1;
                *d
            }
            Err(_) => return,
        };
        f(Progress {
            done,
            total: self.total,
            step,
        });
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn every_endpoint_reaches_its_total() {
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        let r = Reporter::new(
            Some(Arc::new(move |p: Progress| sink.lock().unwrap().push(p))),
            2,
        );
        r.reached("192.0.2.1", Milestone::Discovered);
        r.reached("192.0.2.2", Milestone::Discovered);
        r.reached("192.0.2.2", Milestone::NoTls);
        for m in [Milestone::Detailed, Milestone::Chain, Milestone::Done] {
            r.reached("192.0.2.1", m);
        }
        let seen = seen.lock().unwrap();
        assert_eq!(seen.len(), 8);
        assert_eq!(seen.last().unwrap().done, 8);
        assert!(seen.iter().all(|p| p.total == 8));
        assert_eq!(seen[0].step, "192.0.2.1: protocols and suites");
        assert_eq!(seen[2].step, "192.0.2.2: no TLS");
        assert_eq!(seen[7].step, "192.0.2.1: done");
    }
}
