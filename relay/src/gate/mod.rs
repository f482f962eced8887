//! The CI gate (docs/ci.md): `scan` over many targets ([`batch`]), each
//! report judged against a minimum grade and a Mozilla profile, and the
//! run's exit status.
//!
//! * `--min-grade G`: a target passes when its grade is G or better in the
//!   core's one grade order ([`Grade::dropped_from`]: T and M are below F);
//!   a report without a grade fails.
//! * `--profile P`: a target passes when the core's `compliance` says
//!   `compliant` (no deviation, nothing unchecked).
//! * A target that cannot be scanned fails the run whatever the gates.
//!
//! Exit status ([`RunStatus`]): a target not scanned first (its error's
//! status: 3 refused, 4 unresolvable, 5 unreachable or timed out, 1
//! internal — the first such target in the order given), then 10 (below
//! the grade), then 11 (off the profile), else 0. The grade and the
//! compliance come from the core; nothing here grades.

pub mod batch;
mod judged;

pub use judged::{Judged, NotScanned, SharedCap};
use tlslens_core::profiles::ProfileId;
use tlslens_core::report::Grade;
use tlslens_core::{GradeOptions, Report};

use crate::{Error, ErrorKind};

/// Exit status of a run with a target below `--min-grade`.
pub const EXIT_BELOW_GRADE: i32 = 10;

/// Exit status of a run with a target off `--profile` (and none below the
/// grade).
pub const EXIT_NOT_COMPLIANT: i32 = 11;

/// What a run checks.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Gate {
    /// `--min-grade`.
    pub min_grade: Option<Grade>,
    /// `--profile`.
    pub profile: Option<ProfileId>,
}

/// The grade gate on one report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GradeCheck {
    /// The grade is the minimum or better.
    Pass(Grade),
    /// The grade is below the minimum (`None`: no endpoint could be graded).
    Below(Option<Grade>),
}

/// One target judged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The scan failed: no report, every check fails.
    pub failed: Option<ErrorKind>,
    /// The grade gate (`None` without `--min-grade` or without a report).
    pub grade: Option<GradeCheck>,
    /// The profile gate (`None` without `--profile` or without a report).
    pub compliant: Option<bool>,
}

impl Verdict {
    /// Every check passed.
    pub fn passed(&self) -> bool {
        self.failed.is_none()
            && !matches!(self.grade, Some(GradeCheck::Below(_)))
            && self.compliant != Some(false)
    }
}

impl Gate {
    /// Whether a gate is set (`--min-grade` or `--profile`).
    pub fn is_set(self) -> bool {
        self.min_grade.is_some() || self.profile.is_some()
    }

    /// What the core must add to the reports: the profile's compliance, and
    /// fix plans with `fix`.
    pub fn grading(self, fix: bool) -> GradeOptions {
        GradeOptions {
            profile: self.profile,
            fix,
        }
    }

    /// The grade gate on `report` (`None` without `--min-grade`).
    pub fn check_grade(self, report: &Report) -> Option<GradeCheck> {
        let min = self.min_grade?;
        Some(match report.grade {
            Some(g) if !g.dropped_from(min) => GradeCheck::Pass(g),
            other => GradeCheck::Below(other),
        })
    }

    /// Judges one target's result.
    pub fn judge(self, result: &Result<Report, Error>) -> Verdict {
        match result {
            Err(e) => Verdict {
                failed: Some(e.kind()),
                grade: None,
                compliant: None,
            },
            Ok(report) => Verdict {
                failed: None,
                grade: self.check_grade(report),
                compliant: self
                    .profile
                    .map(|_| report.compliance.as_ref().is_some_and(|c| c.compliant)),
            },
        }
    }
}

/// How a run ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStatus {
    /// Every target scanned and passed.
    Passed,
    /// A target could not be scanned (the first in the order given).
    NotScanned(ErrorKind),
    /// A target is below `--min-grade`.
    BelowGrade,
    /// A target deviates from `--profile`.
    NotCompliant,
}

impl RunStatus {
    /// The status of a run whose targets were judged `verdicts` (in the
    /// order given).
    pub fn of<'a>(verdicts: impl IntoIterator<Item = &'a Verdict>) -> RunStatus {
        let mut below = false;
        let mut off = false;
        for v in verdicts {
            if let Some(kind) = v.failed {
                return RunStatus::NotScanned(kind);
            }
            below |= matches!(v.grade, Some(GradeCheck::Below(_)));
            off |= v.compliant == Some(false);
        }
        match (below, off) {
            (true, _) => RunStatus::BelowGrade,
            (false, true) => RunStatus::NotCompliant,
            (false, false) => RunStatus::Passed,
        }
    }

    /// The process's exit status.
    pub fn exit_code(self) -> i32 {
        match self {
            RunStatus::Passed => 0,
            RunStatus::NotScanned(kind) => kind.exit_code(),
            RunStatus::BelowGrade => EXIT_BELOW_GRADE,
            RunStatus::NotCompliant => EXIT_NOT_COMPLIANT,
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn report(grade: Option<Grade>) -> Report {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/rich.report.json"
        );
        let mut r: Report = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        r.grade = grade;
        r
    }

    fn gate(min: &str) -> Gate {
        Gate {
            min_grade: Grade::parse(min),
            profile: None,
        }
    }

    #[test]
    fn the_grade_gate_uses_the_core_order() {
        let check = |min: &str, g: Option<Grade>| gate(min).check_grade(&report(g)).unwrap();
        assert_eq!(
            check("A", Some(Grade::APlus)),
            GradeCheck::Pass(Grade::APlus)
        );
        assert_eq!(check("A", Some(Grade::A)), GradeCheck::Pass(Grade::A));
        assert_eq!(
            check("A", Some(Grade::AMinus)),
            GradeCheck::Below(Some(Grade::AMinus))
        );
        // T and M are below everything, F included.
        assert_eq!(
            check("F", Some(Grade::T)),
            GradeCheck::Below(Some(Grade::T))
        );
        assert_eq!(
            check("F", Some(Grade::M)),
            GradeCheck::Below(Some(Grade::M))
        );
        assert_eq!(
            check("T", Some(Grade::M)),
            GradeCheck::Below(Some(Grade::M))
        );
        assert_eq!(check("F", Some(Grade::F)), GradeCheck::Pass(Grade::F));
        // No grade at all fails.
        assert_eq!(check("F", None), GradeCheck::Below(None));
        assert_eq!(Gate::default().check_grade(&report(Some(Grade::F))), None);
    }

    fn verdict(failed: Option<ErrorKind>, below: bool, off: Option<bool>) -> Verdict {
        Verdict {
            failed,
            grade: Some(if below {
                GradeCheck::Below(Some(Grade::B))
            } else {
                GradeCheck::Pass(Grade::A)
            }),
            compliant: off.map(|o| !o),
        }
    }

    #[test]
    fn exit_status_precedence() {
        let ok = verdict(None, false, Some(false));
        let below = verdict(None, true, Some(false));
        let off = verdict(None, false, Some(true));
        let both = verdict(None, true, Some(true));
        let unreachable = verdict(Some(ErrorKind::Unreachable), false, None);
        let refused = verdict(Some(ErrorKind::Refused), false, None);
        let code = |v: &[&Verdict]| RunStatus::of(v.iter().copied()).exit_code();
        assert_eq!(code(&[]), 0);
        assert_eq!(code(&[&ok, &ok]), 0);
        assert_eq!(code(&[&ok, &below]), 10);
        assert_eq!(code(&[&off, &ok]), 11);
        // 10 wins over 11, on one target or across targets.
        assert_eq!(code(&[&both]), 10);
        assert_eq!(code(&[&off, &below]), 10);
        // A target not scanned wins over both; the first one decides.
        assert_eq!(code(&[&both, &unreachable, &refused]), 5);
        assert_eq!(code(&[&refused, &unreachable]), 3);
        assert!(ok.passed() && !below.passed() && !off.passed() && !unreachable.passed());
    }
}
