//! The monitor's HTTP side (`watch --listen`): `/metrics` (Prometheus text),
//! `/healthz`, `/report` (a printable HTML page with each target's grade, days
//! left, and grade/expiry history as small charts) and `/report.json`.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Serialize;
use tokio::task::JoinHandle;

use super::store::ScanRow;
use super::{Month, Watcher};
use crate::Error;

/// History points per endpoint in the report.
const HISTORY: u32 = 60;

/// The router.
pub fn app(watcher: Arc<Watcher>) -> Router {
    Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route("/metrics", get(metrics))
        .route("/report", get(report_html))
        .route("/report.json", get(report_json))
        .with_state(watcher)
}

/// Binds `addr` and serves in the background.
pub async fn spawn(addr: SocketAddr, watcher: Arc<Watcher>) -> Result<JoinHandle<()>, Error> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|source| Error::Listen { addr, source })?;
    tracing::info!(addr = %addr, "watch: serving /metrics and /report");
    Ok(tokio::spawn(async move {
        if let Err(e) = axum::serve(listener, app(watcher)).await {
            tracing::error!(error = %e, "watch: HTTP server stopped");
        }
    }))
}

fn internal(e: &Error) -> Response {
    tracing::error!(error = %e, "watch: request failed");
    (
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        "internal error\n",
    )
        .into_response()
}

fn label(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

/// The Prometheus exposition of the latest scan of every endpoint.
pub fn metrics_text(rows: &[ScanRow], pending: usize) -> String {
    let mut out = String::new();
    type Value = fn(&ScanRow) -> Option<String>;
    let series: [(&str, &str, Value); 4] = [
        (
            "tlslens_cert_not_after_timestamp_seconds",
            "notAfter of the leaf certificate (Unix seconds).",
            |r| r.leaf_not_after.map(|v| v.to_string()),
        ),
        (
            "tlslens_chain_earliest_not_after_timestamp_seconds",
            "Earliest notAfter of any certificate on the chain (Unix seconds).",
            |r| r.earliest_not_after.map(|v| v.to_string()),
        ),
        (
            "tlslens_scan_success",
            "1 when the last scan of this endpoint produced a grade.",
            |r| Some(u8::from(r.success).to_string()),
        ),
        (
            "tlslens_scan_timestamp_seconds",
            "When this endpoint was last scanned (Unix seconds).",
            |r| Some(r.scanned_at.to_string()),
        ),
    ];
    for (name, help, value) in series {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge");
        for r in rows {
            if let Some(v) = value(r) {
                let _ = writeln!(
                    out,
                    "{name}{{host=\"{}\",port=\"{}\",ip=\"{}\"}} {v}",
                    label(&r.host),
                    r.port,
                    label(&r.ip)
                );
            }
        }
    }
    let _ = writeln!(
        out,
        "# HELP tlslens_grade_info The last grade of this endpoint (value always 1).\n# TYPE tlslens_grade_info gauge"
    );
    for r in rows {
        if let Some(g) = &r.grade {
            let _ = writeln!(
                out,
                "tlslens_grade_info{{host=\"{}\",port=\"{}\",ip=\"{}\",grade=\"{}\"}} 1",
                label(&r.host),
                r.port,
                label(&r.ip),
                label(g)
            );
        }
    }
    let _ = writeln!(
        out,
        "# HELP tlslens_alerts_pending Alerts not yet delivered to the webhook.\n# TYPE tlslens_alerts_pending gauge\ntlslens_alerts_pending {pending}"
    );
    out
}

async fn metrics(State(w): State<Arc<Watcher>>) -> Response {
    let data = async { Ok::<_, Error>((w.store.latest().await?, w.store.pending_count().await?)) };
    match data.await {
        Ok((rows, pending)) => (
            [(
                header::CONTENT_TYPE,
                "text/plain; version=0.0.4; charset=utf-8",
            )],
            metrics_text(&rows, pending),
        )
            .into_response(),
        Err(e) => internal(&e),
    }
}

/// One endpoint in `/report.json`.
#[derive(Debug, Serialize)]
pub struct ReportEntry {
    pub host: String,
    pub port: u16,
    pub ip: Option<String>,
    pub grade: Option<String>,
    pub success: bool,
    pub error: Option<String>,
    pub last_scan: String,
    pub leaf_subject: Option<String>,
    pub leaf_not_after: Option<String>,
    pub days_left: Option<i64>,
    pub earliest_not_after: Option<String>,
    pub earliest_days_left: Option<i64>,
    pub history: Vec<HistoryPoint>,
}

/// One past scan.
#[derive(Debug, Serialize)]
pub struct HistoryPoint {
    pub at: String,
    pub grade: Option<String>,
    pub days_left: Option<i64>,
}

async fn entries(w: &Watcher) -> Result<Vec<ReportEntry>, Error> {
    let now = w.now();
    let days = |t: Option<i64>| t.map(|t| tlslens_core::time::days_until(t, now));
    let rfc = |t: Option<i64>| t.map(tlslens_core::time::rfc3339);
    let mut out = Vec::new();
    for r in w.store.latest().await? {
        let history = w
            .store
            .history(&r.host, r.port, &r.ip, HISTORY)
            .await?
            .into_iter()
            .map(|h| HistoryPoint {
                at: tlslens_core::time::rfc3339(h.scanned_at),
                grade: h.grade,
                days_left: h
                    .leaf_not_after
                    .map(|t| tlslens_core::time::days_until(t, h.scanned_at)),
            })
            .collect();
        out.push(ReportEntry {
            ip: (!r.ip.is_empty()).then(|| r.ip.clone()),
            grade: r.grade,
            success: r.success,
            error: r.error,
            last_scan: tlslens_core::time::rfc3339(r.scanned_at),
            leaf_subject: r.leaf_subject,
            leaf_not_after: rfc(r.leaf_not_after),
            days_left: days(r.leaf_not_after),
            earliest_not_after: rfc(r.earliest_not_after),
            earliest_days_left: days(r.earliest_not_after),
            history,
            host: r.host,
            port: r.port,
        });
    }
    Ok(out)
}

async fn report_json(State(w): State<Arc<Watcher>>) -> Response {
    match entries(&w).await {
        Ok(e) => axum::Json(e).into_response(),
        Err(e) => internal(&e),
    }
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const GRADES: [&str; 10] = ["A+", "A", "A-", "B", "C", "D", "E", "F", "T", "M"];

fn grade_class(g: &str) -> &'static str {
    match g {
        "A+" | "A" | "A-" => "good",
        "B" | "C" => "fair",
        _ => "bad",
    }
}

/// A small SVG line chart of `values` (None = gap), `hi` at the top.
fn sparkline(values: &[Option<f64>], lo: f64, hi: f64, title: &str) -> String {
    let (w, h) = (160.0, 32.0);
    let n = values.len().max(2) as f64 - 1.0;
    let mut path = String::new();
    let mut pen_up = true;
    for (i, v) in values.iter().enumerate() {
        let Some(v) = v else {
            pen_up = true;
            continue;
        };
        let x = (i as f64) * w / n;
        let y = h - ((v.clamp(lo, hi) - lo) / (hi - lo).max(1e-9)) * (h - 4.0) - 2.0;
        let _ = write!(path, "{}{x:.1},{y:.1} ", if pen_up { "M" } else { "L" });
        pen_up = false;
    }
    format!(
        "<svg class=\"spark\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" height=\"{h}\" role=\"img\" aria-label=\"{}\"><title>{}</title><path d=\"{path}\"/></svg>",
        esc(title),
        esc(title)
    )
}

/// The HTML report.
pub fn render_html(entries: &[ReportEntry], generated: &str) -> String {
    let mut rows = String::new();
    for e in entries {
        let grade = e.grade.clone().unwrap_or_else(|| "–".into());
        let grades: Vec<Option<f64>> = e
            .history
            .iter()
            .map(|h| {
                h.grade
                    .as_deref()
                    .and_then(|g| GRADES.iter().position(|x| *x == g))
                    .map(|p| (GRADES.len() - p) as f64)
            })
            .collect();
        let days: Vec<Option<f64>> = e
            .history
            .iter()
            .map(|h| h.days_left.map(|d| d as f64))
            .collect();
        let max_days = days.iter().flatten().fold(30.0f64, |a, b| a.max(*b));
        let status = match (&e.error, e.days_left) {
            (Some(err), _) => format!("<span class=\"bad\">unreachable: {}</span>", esc(err)),
            (None, Some(d)) if d < 0 => "<span class=\"bad\">expired</span>".into(),
            (None, Some(d)) if d <= 30 => format!("<span class=\"fair\">{d} days left</span>"),
            (None, Some(d)) => format!("{d} days left"),
            (None, None) => "–".into(),
        };
        let _ = writeln!(
            rows,
            "<tr><td>{}:{}</td><td>{}</td><td class=\"grade {}\">{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&e.host),
            e.port,
            esc(e.ip.as_deref().unwrap_or("–")),
            grade_class(&grade),
            esc(&grade),
            status,
            esc(e.leaf_not_after.as_deref().unwrap_or("–")),
            e.earliest_days_left.map_or_else(|| "–".into(), |d| d.to_string()),
            sparkline(&grades, 1.0, GRADES.len() as f64, &format!("grade history of {}", e.host)),
            sparkline(&days, 0.0, max_days, &format!("days left history of {}", e.host)),
        );
    }
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>TLS Lens — certificate and grade report</title>\n<style>\nbody{{font:14px/1.4 system-ui,sans-serif;margin:2rem;color:#1b1f24;background:#fff}}\nh1{{font-size:1.4rem}} table{{border-collapse:collapse;width:100%}}\nth,td{{border-bottom:1px solid #d0d7de;padding:.4rem .6rem;text-align:left;vertical-align:middle}}\n.grade{{font-weight:700;font-size:1.1rem}} .good{{color:#116329}} .fair{{color:#7d4e00}} .bad{{color:#a40e26}}\n.spark path{{fill:none;stroke:#0969da;stroke-width:1.5}} footer{{margin-top:1rem;color:#57606a}}\n@media print{{body{{margin:0}} .spark path{{stroke:#000}}}}\n</style></head><body>\n<h1>TLS Lens — certificate and grade report</h1>\n<p>Generated {generated}. One row per endpoint (IP); charts show the last {HISTORY} scans.</p>\n<table><thead><tr><th>Target</th><th>IP</th><th>Grade</th><th>Status</th><th>Leaf expires</th><th>Earliest in chain (days)</th><th>Grade history</th><th>Days left history</th></tr></thead><tbody>\n{rows}</tbody></table>\n<footer>Policy {} · tlslens-relay {}</footer></body></html>\n",
        tlslens_core::policy::POLICY_ID,
        env!("CARGO_PKG_VERSION")
    )
}

/// `/report`'s query: `?month=YYYY-MM` asks for the monthly report.
#[derive(Debug, serde::Deserialize)]
struct ReportQuery {
    month: Option<String>,
}

async fn report_html(State(w): State<Arc<Watcher>>, Query(q): Query<ReportQuery>) -> Response {
    if let Some(m) = q.month {
        let Some(month) = Month::parse(&m) else {
            return (
                axum::http::StatusCode::BAD_REQUEST,
                "month must be YYYY-MM (2026-11)\n",
            )
                .into_response();
        };
        return match super::month_report_html(w.store.as_ref(), month, w.now()).await {
            Ok(html) => Html(html).into_response(),
            Err(e) => internal(&e),
        };
    }
    match entries(&w).await {
        Ok(e) => Html(render_html(&e, &tlslens_core::time::rfc3339(w.now()))).into_response(),
        Err(e) => internal(&e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metrics_have_the_contract_series() {
        let rows = vec![ScanRow {
            host: "a\"b.test".into(),
            port: 443,
            ip: "127.0.0.1".into(),
            scanned_at: 10,
            success: true,
            grade: Some("A+".into()),
            leaf_not_after: Some(1_800_000_000),
            earliest_not_after: Some(1_700_000_000),
            ..ScanRow::default()
        }];
        let text = metrics_text(&rows, 2);
        assert!(text.contains(
            "tlslens_cert_not_after_timestamp_seconds{host=\"a\\\"b.test\",port=\"443\",ip=\"127.0.0.1\"} 1800000000"
        ));
        assert!(text.contains("tlslens_chain_earliest_not_after_timestamp_seconds{host=\"a\\\"b.test\",port=\"443\",ip=\"127.0.0.1\"} 1700000000"));
        assert!(text.contains(
            "tlslens_grade_info{host=\"a\\\"b.test\",port=\"443\",ip=\"127.0.0.1\",grade=\"A+\"} 1"
        ));
        assert!(text.contains(
            "tlslens_scan_success{host=\"a\\\"b.test\",port=\"443\",ip=\"127.0.0.1\"} 1"
        ));
        assert!(text.contains("tlslens_alerts_pending 2"));
    }

    #[test]
    fn html_escapes_and_draws() {
        let e = ReportEntry {
            host: "<x>".into(),
            port: 443,
            ip: None,
            grade: Some("B".into()),
            success: true,
            error: None,
            last_scan: "t".into(),
            leaf_subject: None,
            leaf_not_after: None,
            days_left: Some(10),
            earliest_not_after: None,
            earliest_days_left: Some(10),
            history: vec![
                HistoryPoint {
                    at: "1".into(),
                    grade: Some("A".into()),
                    days_left: Some(11),
                },
                HistoryPoint {
                    at: "2".into(),
                    grade: Some("B".into()),
                    days_left: Some(10),
                },
            ],
        };
        let html = render_html(&[e], "now");
        assert!(html.contains("&lt;x&gt;:443"));
        assert!(!html.contains("<x>"));
        assert!(html.contains("<svg class=\"spark\""));
        assert!(html.contains("10 days left"));
    }
}
