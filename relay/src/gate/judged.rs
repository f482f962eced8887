//! [`Judged`]: one target after the gate, with what the summary table and
//! the JUnit report need from its report — kept small, so a run of
//! thousands of targets does not keep thousands of reports.

use std::time::Duration;

use tlslens_core::clients::ClientFailureSummary;
use tlslens_core::compliance::TargetCompliance;
use tlslens_core::report::Grade;
use tlslens_core::Report;

use super::batch::Outcome;
use super::{Gate, Verdict};
use crate::ErrorKind;

/// A cap over the endpoints that share it (same code and reason).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedCap {
    /// The best grade it allows.
    pub grade: Grade,
    /// The rule (`tls10_offered`).
    pub code: &'static str,
    /// Why.
    pub reason: String,
    /// The endpoints with it.
    pub ips: Vec<String>,
}

/// Why a target has no report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotScanned {
    /// Its kind (exit status and API code).
    pub kind: ErrorKind,
    /// The one-line message.
    pub message: String,
}

/// One target judged.
#[derive(Debug, Clone)]
pub struct Judged {
    /// `host:port`.
    pub target: String,
    /// The gate's verdict.
    pub verdict: Verdict,
    /// How long the scan took.
    pub elapsed: Duration,
    /// Why there is no report, when there is none.
    pub error: Option<NotScanned>,
    /// The report's grade.
    pub grade: Option<Grade>,
    /// The caps of every endpoint, worst first.
    pub caps: Vec<SharedCap>,
    /// The fewest days any endpoint's chain has left (negative: expired).
    pub days_left: Option<i64>,
    /// The failing simulated clients (`None`: no client was simulated).
    pub client_failures: Option<Vec<ClientFailureSummary>>,
    /// The profile comparison, with `--profile`.
    pub compliance: Option<TargetCompliance>,
}

impl Judged {
    /// Judges `outcome` with `gate` and keeps what the summary needs.
    pub fn of(outcome: &Outcome, gate: Gate) -> Judged {
        let verdict = gate.judge(&outcome.result);
        let target = outcome.target.to_string();
        match &outcome.result {
            Err(e) => Judged {
                target,
                verdict,
                elapsed: outcome.elapsed,
                error: Some(NotScanned {
                    kind: e.kind(),
                    message: e.to_string(),
                }),
                grade: None,
                caps: Vec::new(),
                days_left: None,
                client_failures: None,
                compliance: None,
            },
            Ok(report) => Judged {
                target,
                verdict,
                elapsed: outcome.elapsed,
                error: None,
                grade: report.grade,
                caps: shared_caps(report),
                days_left: report
                    .endpoints
                    .iter()
                    .filter_map(|e| e.expiry.as_ref().map(|x| x.earliest_days_left))
                    .min(),
                client_failures: report.client_failures.clone(),
                compliance: report.compliance.clone(),
            },
        }
    }

    /// The cap that limits the grade most (the first of the worst).
    pub fn worst_cap(&self) -> Option<&SharedCap> {
        self.caps.first()
    }
}

/// The endpoints' caps, merged by code and reason, worst grade first (in
/// the core's grade order), then in report order.
fn shared_caps(report: &Report) -> Vec<SharedCap> {
    let mut out: Vec<SharedCap> = Vec::new();
    for ep in &report.endpoints {
        for cap in &ep.caps {
            let code = cap.code.as_str();
            match out
                .iter_mut()
                .find(|c| c.code == code && c.reason == cap.reason)
            {
                Some(c) => c.ips.push(ep.ip.clone()),
                None => out.push(SharedCap {
                    grade: cap.grade,
                    code,
                    reason: cap.reason.clone(),
                    ips: vec![ep.ip.clone()],
                }),
            }
        }
    }
    // Stable: equal grades keep the report's order.
    out.sort_by_key(|c| std::cmp::Reverse(c.grade.rank()));
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::resolve::parse_target;

    fn rich() -> Report {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/rich.report.json"
        );
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    #[test]
    fn caps_are_merged_and_the_worst_comes_first() {
        let report = rich();
        let outcome = Outcome {
            index: 0,
            target: parse_target("rich.test").unwrap(),
            result: Ok(report.clone()),
            elapsed: Duration::from_millis(5),
        };
        let j = Judged::of(&outcome, Gate::default());
        assert_eq!(j.target, "rich.test:443");
        assert_eq!(j.grade, report.grade);
        let all: usize = report.endpoints.iter().map(|e| e.caps.len()).sum();
        let merged: usize = j.caps.iter().map(|c| c.ips.len()).sum();
        assert_eq!(all, merged);
        for pair in j.caps.windows(2) {
            assert!(pair[0].grade.rank() >= pair[1].grade.rank(), "{pair:?}");
        }
        let worst = report
            .endpoints
            .iter()
            .flat_map(|e| &e.caps)
            .map(|c| c.grade.rank())
            .max();
        assert_eq!(j.worst_cap().map(|c| c.grade.rank()), worst);
        assert_eq!(
            j.days_left,
            report
                .endpoints
                .iter()
                .filter_map(|e| e.expiry.as_ref())
                .map(|x| x.earliest_days_left)
                .min()
        );
    }
}
