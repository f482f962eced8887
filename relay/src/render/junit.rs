//! `--junit FILE`: the run as JUnit XML, the format GitLab
//! (`artifacts:reports:junit`), Jenkins (`junit`) and GitHub test-report
//! actions read. One `<testsuite>` per target; in it one `<testcase>` per
//! check:
//!
//! * `scan` — an `<error>` when the target could not be scanned (then every
//!   other check is `<skipped>`);
//! * `grade X or better` with `--min-grade X`;
//! * with `--profile P`, `P <code>` for every deviation code the core knows
//!   (`DeviationCode::ALL`), and `P measured` (fails when a part could not
//!   be checked).
//!
//! A failure's `message` is the reason in one line, its text the details
//! (endpoints, fix). Everything that comes from a server (reasons quote
//! headers) is escaped, and characters XML 1.0 cannot carry become U+FFFD.

use std::fmt::Write;

use tlslens_core::compliance::{DeviationCode, TargetCompliance};
use tlslens_core::profiles::ProfileId;

use crate::gate::{Gate, GradeCheck, Judged};

/// One check's result.
enum CaseResult {
    Pass,
    Failure {
        kind: String,
        message: String,
        text: String,
    },
    Error {
        kind: String,
        message: String,
    },
    Skipped(&'static str),
}

struct Case {
    name: String,
    secs: f64,
    result: CaseResult,
}

/// The JUnit XML document for `rows` judged by `gate`.
pub fn junit(rows: &[Judged], gate: Gate) -> String {
    let suites: Vec<(&Judged, Vec<Case>)> = rows.iter().map(|r| (r, cases(r, gate))).collect();
    let all = || suites.iter().flat_map(|(_, cs)| cs);
    let count = |f: fn(&CaseResult) -> bool| all().filter(|c| f(&c.result)).count();
    let mut o = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        o,
        "<testsuites name=\"tlslens-relay scan\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.3}\">",
        all().count(),
        count(|r| matches!(r, CaseResult::Failure { .. })),
        count(|r| matches!(r, CaseResult::Error { .. })),
        count(|r| matches!(r, CaseResult::Skipped(_))),
        rows.iter().map(|r| r.elapsed.as_secs_f64()).sum::<f64>(),
    );
    for (row, cases) in &suites {
        suite(&mut o, row, gate, cases);
    }
    o.push_str("</testsuites>\n");
    o
}

fn suite(o: &mut String, row: &Judged, gate: Gate, cases: &[Case]) {
    let n = |f: fn(&CaseResult) -> bool| cases.iter().filter(|c| f(&c.result)).count();
    let _ = writeln!(
        o,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.3}\">",
        attr(&row.target),
        cases.len(),
        n(|r| matches!(r, CaseResult::Failure { .. })),
        n(|r| matches!(r, CaseResult::Error { .. })),
        n(|r| matches!(r, CaseResult::Skipped(_))),
        row.elapsed.as_secs_f64(),
    );
    let mut props = Vec::new();
    if let Some(g) = row.grade {
        props.push(("grade", g.as_str().to_owned()));
    }
    if let Some(min) = gate.min_grade {
        props.push(("min_grade", min.as_str().to_owned()));
    }
    if let Some(c) = &row.compliance {
        props.push(("profile", c.profile.as_str().to_owned()));
        props.push(("guidelines_version", c.guidelines_version.clone()));
    }
    if let Some(d) = row.days_left {
        props.push(("days_left", d.to_string()));
    }
    if !props.is_empty() {
        o.push_str("    <properties>\n");
        for (k, v) in props {
            let _ = writeln!(o, "      <property name=\"{k}\" value=\"{}\"/>", attr(&v));
        }
        o.push_str("    </properties>\n");
    }
    for c in cases {
        case(o, &row.target, c);
    }
    o.push_str("  </testsuite>\n");
}

fn case(o: &mut String, classname: &str, c: &Case) {
    let _ = write!(
        o,
        "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
        attr(classname),
        attr(&c.name),
        c.secs
    );
    match &c.result {
        CaseResult::Pass => o.push_str("/>\n"),
        CaseResult::Failure {
            kind,
            message,
            text: body,
        } => {
            let _ = writeln!(
                o,
                ">\n      <failure type=\"{}\" message=\"{}\">{}</failure>\n    </testcase>",
                attr(kind),
                attr(message),
                text(body)
            );
        }
        CaseResult::Error { kind, message } => {
            let _ = writeln!(
                o,
                ">\n      <error type=\"{}\" message=\"{}\">{}</error>\n    </testcase>",
                attr(kind),
                attr(message),
                text(message)
            );
        }
        CaseResult::Skipped(why) => {
            let _ = writeln!(
                o,
                ">\n      <skipped message=\"{}\"/>\n    </testcase>",
                attr(why)
            );
        }
    }
}

/// The checks of one target.
fn cases(row: &Judged, gate: Gate) -> Vec<Case> {
    let mut out = Vec::new();
    let skip = row.error.is_some();
    out.push(Case {
        name: "scan".to_owned(),
        secs: row.elapsed.as_secs_f64(),
        result: match &row.error {
            Some(e) => CaseResult::Error {
                kind: e.kind.as_str().to_owned(),
                message: e.message.clone(),
            },
            None => CaseResult::Pass,
        },
    });
    if let Some(min) = gate.min_grade {
        out.push(Case {
            name: format!("grade {min} or better"),
            secs: 0.0,
            result: if skip {
                CaseResult::Skipped("not scanned")
            } else {
                grade_result(row, min)
            },
        });
    }
    if let Some(profile) = gate.profile {
        profile_cases(&mut out, row, profile, skip);
    }
    out
}

fn grade_result(row: &Judged, min: tlslens_core::Grade) -> CaseResult {
    match row.verdict.grade {
        Some(GradeCheck::Below(g)) => {
            let grade = g.map_or("no grade", |g| g.as_str());
            let mut body = String::new();
            for cap in &row.caps {
                let _ = writeln!(
                    body,
                    "{} {}: {} (endpoints: {})",
                    cap.grade,
                    cap.code,
                    cap.reason,
                    cap.ips.join(", ")
                );
            }
            let why = row
                .worst_cap()
                .map_or(String::new(), |c| format!(": {} ({})", c.reason, c.code));
            CaseResult::Failure {
                kind: "min_grade".to_owned(),
                message: format!("grade {grade} is below {min}{why}"),
                text: body,
            }
        }
        _ => CaseResult::Pass,
    }
}

fn profile_cases(out: &mut Vec<Case>, row: &Judged, profile: ProfileId, skip: bool) {
    let name = |what: &str| format!("{} {what}", profile.as_str());
    for code in DeviationCode::ALL {
        out.push(Case {
            name: name(code.as_str()),
            secs: 0.0,
            result: if skip {
                CaseResult::Skipped("not scanned")
            } else {
                deviation_result(row.compliance.as_ref(), *code)
            },
        });
    }
    out.push(Case {
        name: name("measured"),
        secs: 0.0,
        result: if skip {
            CaseResult::Skipped("not scanned")
        } else {
            measured_result(row.compliance.as_ref())
        },
    });
}

fn deviation_result(c: Option<&TargetCompliance>, code: DeviationCode) -> CaseResult {
    let Some(c) = c else { return CaseResult::Pass };
    let found: Vec<_> = c.deviations.iter().filter(|d| d.code == code).collect();
    if found.is_empty() {
        return CaseResult::Pass;
    }
    let mut body = String::new();
    for d in &found {
        let _ = writeln!(
            body,
            "{}\nendpoints: {}\nfix: {}\n",
            d.reason,
            d.ips.join(", "),
            d.fix
        );
    }
    CaseResult::Failure {
        kind: code.as_str().to_owned(),
        message: found
            .iter()
            .map(|d| d.reason.as_str())
            .collect::<Vec<_>>()
            .join("; "),
        text: body,
    }
}

fn measured_result(c: Option<&TargetCompliance>) -> CaseResult {
    let Some(c) = c else {
        return CaseResult::Failure {
            kind: "unchecked".to_owned(),
            message: "no compliance in the report".to_owned(),
            text: String::new(),
        };
    };
    if c.unchecked.is_empty() {
        return CaseResult::Pass;
    }
    let mut body = String::new();
    for u in &c.unchecked {
        let _ = writeln!(
            body,
            "{}: {} (endpoints: {})",
            u.check.as_str(),
            u.reason,
            u.ips.join(", ")
        );
    }
    CaseResult::Failure {
        kind: "unchecked".to_owned(),
        message: c
            .unchecked
            .iter()
            .map(|u| u.reason.as_str())
            .collect::<Vec<_>>()
            .join("; "),
        text: body,
    }
}

/// Whether XML 1.0 can carry `c` at all.
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..='\u{10FFFF}')
}

/// Text content: markup escaped, impossible characters replaced.
fn text(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '\r' => o.push_str("&#13;"),
            c if xml_char(c) => o.push(c),
            _ => o.push('\u{FFFD}'),
        }
    }
    o
}

/// An attribute value in double quotes: as [`text`], plus quotes, and
/// white space as references (a parser would fold it to spaces).
fn attr(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&apos;"),
            '\n' => o.push_str("&#10;"),
            '\t' => o.push_str("&#9;"),
            c => o.push_str(&text(c.encode_utf8(&mut [0; 4]))),
        }
    }
    o
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn hostile_text_is_escaped() {
        assert_eq!(
            attr("a\"b'<c>&d\ne\tf\u{0}g\u{1b}h\u{FFFE}"),
            "a&quot;b&apos;&lt;c&gt;&amp;d&#10;e&#9;f\u{FFFD}g\u{FFFD}h\u{FFFD}"
        );
        assert_eq!(text("]]><x>\r\n"), "]]&gt;&lt;x&gt;&#13;\n");
        assert_eq!(text("é 🔒"), "é 🔒");
    }
}
