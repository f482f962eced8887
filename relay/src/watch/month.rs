//! The monthly report (`/report?month=YYYY-MM`, `watch --report-month`):
//! for one calendar month (UTC), each endpoint's grade over the month (a step
//! chart), every drop and its cause, the days left on its leaf (a line
//! chart), and every alert queued, with when it was delivered. One HTML file
//! with its styles and SVG charts inline — nothing fetched — that prints on
//! A4 (one endpoint never split across pages).
//!
//! Built from the history alone ([`MonthReport::build`] is pure), so SQLite
//! and PostgreSQL give the same report.

use std::fmt::Write as _;

use serde::Serialize;

use super::config::Month;
use super::store::{ScanRow, SentAlert};

/// Grades best first (the chart's scale).
const GRADES: [&str; 10] = ["A+", "A", "A-", "B", "C", "D", "E", "F", "T", "M"];

/// A grade's height on the chart (A+ highest), 0 for none.
fn rank(g: Option<&str>) -> usize {
    g.and_then(|g| GRADES.iter().position(|x| *x == g))
        .map_or(0, |p| GRADES.len() - p)
}

/// One scan of an endpoint in the month.
#[derive(Debug, Clone, Serialize)]
pub struct Point {
    pub at: i64,
    pub grade: Option<String>,
    pub days_left: Option<i64>,
}

/// A scan whose grade was worse than the one before, and why.
#[derive(Debug, Clone, Serialize)]
pub struct GradeDrop {
    pub at: i64,
    pub from: String,
    pub to: String,
    pub cause: String,
}

/// One endpoint over the month.
#[derive(Debug, Clone, Serialize)]
pub struct EndpointMonth {
    pub host: String,
    pub port: u16,
    pub ip: Option<String>,
    pub scans: usize,
    pub failures: usize,
    pub last_grade: Option<String>,
    pub worst_grade: Option<String>,
    pub days_left: Option<i64>,
    pub drops: Vec<GradeDrop>,
    pub points: Vec<Point>,
}

/// An alert queued in the month.
#[derive(Debug, Clone, Serialize)]
pub struct AlertLine {
    pub at: i64,
    pub delivered_at: Option<i64>,
    pub kind: String,
    pub host: String,
    pub summary: String,
}

/// The month's report.
#[derive(Debug, Clone, Serialize)]
pub struct MonthReport {
    pub month: String,
    pub generated: i64,
    pub endpoints: Vec<EndpointMonth>,
    pub alerts: Vec<AlertLine>,
}

/// Why an endpoint's grade dropped between two scans, from what the
/// history keeps: the certificate, the caps recorded with the scan, the
/// score.
fn cause(before: &ScanRow, after: &ScanRow) -> String {
    let mut parts = Vec::new();
    if before.leaf_sha256 != after.leaf_sha256 {
        parts.push(format!(
            "the certificate changed ({})",
            after.leaf_subject.as_deref().unwrap_or("?")
        ));
    }
    let caps = |r: &ScanRow| -> Vec<String> {
        r.details_json
            .as_deref()
            .and_then(|d| serde_json::from_str::<serde_json::Value>(d).ok())
            .and_then(|v| v.get("caps").cloned())
            .and_then(|c| serde_json::from_value::<Vec<String>>(c).ok())
            .unwrap_or_default()
    };
    let old = caps(before);
    let new: Vec<String> = caps(after)
        .into_iter()
        .filter(|c| !old.contains(c))
        .collect();
    if !new.is_empty() {
        parts.push(new.join("; "));
    }
    if parts.is_empty() {
        if let (Some(a), Some(b)) = (before.score, after.score) {
            parts.push(format!("the score fell from {a} to {b}"));
        } else {
            parts.push("the configuration changed".into());
        }
    }
    parts.join("; ")
}

fn endpoint(rows: &[ScanRow]) -> Option<EndpointMonth> {
    let first = rows.first()?;
    let mut drops = Vec::new();
    let mut last_ok: Option<&ScanRow> = None;
    for r in rows.iter().filter(|r| r.success && r.grade.is_some()) {
        if let Some(prev) = last_ok {
            if rank(r.grade.as_deref()) < rank(prev.grade.as_deref()) {
                drops.push(GradeDrop {
                    at: r.scanned_at,
                    from: prev.grade.clone().unwrap_or_default(),
                    to: r.grade.clone().unwrap_or_default(),
                    cause: cause(prev, r),
                });
            }
        }
        last_ok = Some(r);
    }
    let worst = rows
        .iter()
        .filter_map(|r| r.grade.as_deref())
        .min_by_key(|g| rank(Some(g)));
    let last = rows.last()?;
    Some(EndpointMonth {
        host: first.host.clone(),
        port: first.port,
        ip: (!first.ip.is_empty()).then(|| first.ip.clone()),
        scans: rows.len(),
        failures: rows.iter().filter(|r| !r.success).count(),
        last_grade: last_ok.and_then(|r| r.grade.clone()),
        worst_grade: worst.map(str::to_owned),
        days_left: last_ok
            .and_then(|r| r.leaf_not_after)
            .map(|t| tlslens_core::time::days_until(t, last.scanned_at)),
        drops,
        points: rows
            .iter()
            .map(|r| Point {
                at: r.scanned_at,
                grade: r.grade.clone(),
                days_left: r
                    .leaf_not_after
                    .map(|t| tlslens_core::time::days_until(t, r.scanned_at)),
            })
            .collect(),
    })
}

fn alert_line(a: &SentAlert) -> AlertLine {
    let v: serde_json::Value = serde_json::from_str(&a.payload).unwrap_or_default();
    let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_owned();
    let kind = s("kind");
    let summary = match kind.as_str() {
        "expiry" => format!(
            "{} expires in {} days ({})",
            s("subject"),
            v["days_left"],
            s("not_after")
        ),
        "grade_drop" => format!("grade {} → {}", s("from"), s("to")),
        "unreachable" => s("error"),
        "san_change" => format!("names added {}, removed {}", v["added"], v["removed"]),
        "chain_change" => format!(
            "issuer {} → {}, chain length {} → {}, key {} → {}",
            v["from"]["issuer"].as_str().unwrap_or("?"),
            v["to"]["issuer"].as_str().unwrap_or("?"),
            v["from"]["length"],
            v["to"]["length"],
            v["from"]["key"].as_str().unwrap_or("?"),
            v["to"]["key"].as_str().unwrap_or("?"),
        ),
        "posture_change" => v["changes"]
            .as_array()
            .map(|c| {
                c.iter()
                    .filter_map(|x| x["message"].as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            })
            .unwrap_or_default(),
        "client_failure" => format!("{} ({}): {}", s("name"), s("client"), s("message")),
        _ => a.payload.clone(),
    };
    AlertLine {
        at: a.created_at,
        delivered_at: a.delivered_at,
        kind,
        host: s("host"),
        summary,
    }
}

impl MonthReport {
    /// The report from the month's scans (ordered by endpoint, then time)
    /// and alerts.
    pub fn build(month: Month, generated: i64, scans: &[ScanRow], alerts: &[SentAlert]) -> Self {
        let endpoints = scans
            .chunk_by(|a, b| (&a.host, a.port, &a.ip) == (&b.host, b.port, &b.ip))
            .filter_map(endpoint)
            .collect();
        Self {
            month: month.to_string(),
            generated,
            endpoints,
            alerts: alerts.iter().map(alert_line).collect(),
        }
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The shape of one chart: its height, its top value, a step line (grades)
/// or a polyline (days left), and the labels of its vertical axis.
struct Axis {
    height: f64,
    hi: f64,
    steps: bool,
    ticks: Vec<(f64, String)>,
}

impl Axis {
    /// Every grade, A+ at the top and M at the bottom.
    fn grades() -> Self {
        Axis {
            height: 100.0,
            hi: GRADES.len() as f64,
            steps: true,
            ticks: GRADES
                .iter()
                .map(|g| (rank(Some(g)) as f64, (*g).to_owned()))
                .collect(),
        }
    }

    /// Days left, from 0 to `max`.
    fn days(max: f64) -> Self {
        let label = |v: f64| format!("{v:.0} d");
        Axis {
            height: 60.0,
            hi: max,
            steps: false,
            ticks: vec![
                (0.0, label(0.0)),
                (max / 2.0, label(max / 2.0)),
                (max, label(max)),
            ],
        }
    }
}

/// The width of the labels' column, left of the plot.
const GUTTER: f64 = 30.0;

/// An SVG chart of `points` over the month `[from, to)`, with its vertical
/// axis labelled.
fn chart(points: &[(i64, f64)], (from, to): (i64, i64), axis: &Axis, title: &str) -> String {
    let (w, h, hi) = (320.0, axis.height, axis.hi);
    let x = |t: i64| GUTTER + (t - from) as f64 / (to - from).max(1) as f64 * w;
    let y = |v: f64| h - 4.0 - v.clamp(0.0, hi) / hi.max(1.0) * (h - 8.0);
    let mut d = String::new();
    for (i, (t, v)) in points.iter().enumerate() {
        let (px, py) = (x(*t), y(*v));
        if i == 0 {
            let _ = write!(d, "M{px:.1},{py:.1}");
        } else if axis.steps {
            let _ = write!(d, " H{px:.1} V{py:.1}");
        } else {
            let _ = write!(d, " L{px:.1},{py:.1}");
        }
    }
    let mut marks = String::new();
    for (t, v) in points {
        let _ = write!(
            marks,
            "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"1.6\"/>",
            x(*t),
            y(*v)
        );
    }
    let mut labels = String::new();
    for (v, text) in &axis.ticks {
        let _ = write!(
            labels,
            "<text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            GUTTER - 4.0,
            y(*v) + 2.5,
            esc(text)
        );
    }
    let total = GUTTER + w;
    format!(
        "<svg class=\"chart\" viewBox=\"0 0 {total} {h}\" width=\"{total}\" height=\"{h}\" role=\"img\" aria-label=\"{t}\"><title>{t}</title><rect x=\"{GUTTER}\" width=\"{w}\" height=\"{h}\"/>{labels}<path d=\"{d}\"/>{marks}</svg>",
        t = esc(title)
    )
}

fn endpoint_html(e: &EndpointMonth, bounds: (i64, i64)) -> String {
    let name = format!(
        "{}:{}{}",
        e.host,
        e.port,
        e.ip.as_ref().map(|i| format!(" ({i})")).unwrap_or_default()
    );
    let grades: Vec<(i64, f64)> = e
        .points
        .iter()
        .map(|p| (p.at, rank(p.grade.as_deref()) as f64))
        .collect();
    let days: Vec<(i64, f64)> = e
        .points
        .iter()
        .filter_map(|p| p.days_left.map(|d| (p.at, d as f64)))
        .collect();
    let max_days = days.iter().fold(30.0f64, |a, (_, d)| a.max(*d));
    let mut drops = String::new();
    for d in &e.drops {
        let _ = write!(
            drops,
            "<li><time>{}</time> {} → <b>{}</b>: {}</li>",
            tlslens_core::time::rfc3339(d.at),
            esc(&d.from),
            esc(&d.to),
            esc(&d.cause)
        );
    }
    if drops.is_empty() {
        drops.push_str("<li>no drop</li>");
    }
    let dash = || "–".to_owned();
    format!(
        "<section class=\"endpoint\"><h2>{}</h2><p>Grade now <b class=\"grade\">{}</b>, worst <b>{}</b> · {} scans, {} failed · leaf: {}</p><div class=\"charts\"><figure>{}<figcaption>Grade</figcaption></figure><figure>{}<figcaption>Days left on the leaf</figcaption></figure></div><h3>Drops</h3><ul>{drops}</ul></section>\n",
        esc(&name),
        esc(&e.last_grade.clone().unwrap_or_else(dash)),
        esc(&e.worst_grade.clone().unwrap_or_else(dash)),
        e.scans,
        e.failures,
        e.days_left.map_or_else(dash, |d| format!("{d} days left")),
        chart(&grades, bounds, &Axis::grades(), &format!("grade of {name} over the month")),
        chart(&days, bounds, &Axis::days(max_days), &format!("days left of {name} over the month")),
    )
}

/// The report as one self-contained, printable HTML page.
pub fn render_html(r: &MonthReport, bounds: (i64, i64)) -> String {
    let mut body = String::new();
    for e in &r.endpoints {
        body.push_str(&endpoint_html(e, bounds));
    }
    if r.endpoints.is_empty() {
        body.push_str("<p>No scan in this month.</p>\n");
    }
    let mut alerts = String::new();
    for a in &r.alerts {
        let _ = write!(
            alerts,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            tlslens_core::time::rfc3339(a.at),
            esc(&a.kind),
            esc(&a.host),
            esc(&a.summary),
            a.delivered_at
                .map_or_else(|| "not yet".to_owned(), tlslens_core::time::rfc3339)
        );
    }
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>TLS Lens — monthly report {m}</title>\n<style>\n@page{{size:A4;margin:15mm}}\nbody{{font:13px/1.4 system-ui,sans-serif;margin:2rem;color:#1b1f24;background:#fff}}\nh1{{font-size:1.4rem}} h2{{font-size:1.1rem;margin:.2rem 0}} h3{{font-size:.95rem;margin:.4rem 0 .2rem}}\n.endpoint{{border-top:1px solid #d0d7de;padding:.6rem 0;break-inside:avoid}}\n.charts{{display:flex;gap:1rem;flex-wrap:wrap}} figure{{margin:0}} figcaption{{color:#57606a;font-size:.8rem}}\n.chart rect{{fill:#f6f8fa;stroke:#d0d7de}} .chart text{{font-size:7px;fill:#57606a;text-anchor:end}} .chart path{{fill:none;stroke:#0969da;stroke-width:1.5}} .chart circle{{fill:#0969da}}\ntable{{border-collapse:collapse;width:100%}} th,td{{border-bottom:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}}\n@media print{{body{{margin:0}} .chart path{{stroke:#000}} .chart circle{{fill:#000}}}}\n</style></head><body>\n<h1>TLS Lens — monthly report {m}</h1>\n<p>{n} endpoint(s), {a} alert(s). Generated {g}. Times are UTC.</p>\n{body}<h2>Alerts sent</h2>\n<table><thead><tr><th>Queued</th><th>Kind</th><th>Target</th><th>What</th><th>Delivered</th></tr></thead><tbody>{alerts}</tbody></table>\n<footer><p>Policy {p} · tlslens-relay {v}</p></footer></body></html>\n",
        m = esc(&r.month),
        n = r.endpoints.len(),
        a = r.alerts.len(),
        g = tlslens_core::time::rfc3339(r.generated),
        p = tlslens_core::policy::POLICY_ID,
        v = env!("CARGO_PKG_VERSION"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(at: i64, grade: &str, sha: &str, caps: &[&str]) -> ScanRow {
        ScanRow {
            host: "a.test".into(),
            port: 443,
            ip: "127.0.0.1".into(),
            scanned_at: at,
            success: true,
            grade: Some(grade.into()),
            score: Some(90),
            leaf_sha256: Some(sha.into()),
            leaf_subject: Some("CN=a.test".into()),
            leaf_not_after: Some(at + 20 * 86_400),
            details_json: Some(serde_json::json!({ "caps": caps }).to_string()),
            ..ScanRow::default()
        }
    }

    #[test]
    fn drops_name_their_cause_and_the_page_draws_charts() {
        let month = Month::parse("2026-11").unwrap();
        let (from, to) = month.bounds();
        let scans = vec![
            row(from + 10, "A+", "x", &[]),
            row(from + 86_400, "A+", "x", &[]),
            row(from + 2 * 86_400, "B", "x", &["TLS 1.0 offered: B at best"]),
            row(from + 3 * 86_400, "T", "y", &["untrusted chain"]),
        ];
        let alerts = vec![SentAlert {
            created_at: from + 3 * 86_400,
            delivered_at: Some(from + 3 * 86_400 + 5),
            payload: r#"{"kind":"grade_drop","host":"a.test","from":"B","to":"T"}"#.into(),
        }];
        let r = MonthReport::build(month, to - 1, &scans, &alerts);
        assert_eq!(r.endpoints.len(), 1);
        let e = &r.endpoints[0];
        assert_eq!(
            (e.scans, e.last_grade.as_deref(), e.worst_grade.as_deref()),
            (4, Some("T"), Some("T"))
        );
        assert_eq!(e.drops.len(), 2);
        assert_eq!(e.drops[0].cause, "TLS 1.0 offered: B at best");
        assert_eq!(
            e.drops[1].cause,
            "the certificate changed (CN=a.test); untrusted chain"
        );
        assert_eq!(e.days_left, Some(20));
        let html = render_html(&r, (from, to));
        assert!(html.contains("monthly report 2026-11"));
        assert_eq!(html.matches("<svg class=\"chart\"").count(), 2);
        // Both charts label their vertical axis: every grade, and days left
        // from 0 to the largest value (30 at least).
        for g in GRADES {
            assert!(html.contains(&format!(">{g}</text>")), "no label {g}");
        }
        assert!(html.contains(">0 d</text>") && html.contains(">30 d</text>"));
        assert!(html.contains("grade B → T"));
        assert!(
            !html.contains("src=") && !html.contains("href="),
            "self-contained"
        );
    }
}
