//! `GET /v1/scan/stream`: Server-Sent Events. A subscriber to a running scan
//! replays the progress steps so far, follows the rest, and ends with one
//! `report` (the same JSON as `/v1/scan`, `profile` and `fix` included) or
//! `error` event; a cached report is one `progress` step and the report.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderValue;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, BoxStream, StreamExt};
use tlslens_core::GradeOptions;
use tokio::sync::watch;

use super::cache::{Entry, ScanState, Step};
use super::error::AppError;
use super::flight::{regrade, Ticket};
use super::routes::{query, ScanParams};
use super::state::{AppState, PeerAddr};
use super::validate::{client_ip, grade_options};
use crate::clock::SharedClock;

fn progress_event(step: &Step) -> Event {
    Event::default()
        .event("progress")
        .json_data(step)
        .unwrap_or_else(|_| Event::default().event("progress").data("{}"))
}

fn report_event(report: &[u8]) -> Event {
    Event::default()
        .event("report")
        .data(String::from_utf8_lossy(report))
}

/// How the `report` event is made: the cached report, or the facts graded
/// again with the request's options at the clock's "now".
#[derive(Clone)]
struct Grading {
    options: GradeOptions,
    clock: SharedClock,
}

impl Grading {
    async fn event(&self, e: &Entry) -> Event {
        if self.options == GradeOptions::default() {
            return report_event(&e.report);
        }
        match regrade(e, self.options, self.clock.now()).await {
            Ok(report) => report_event(&report),
            Err(err) => error_event(&err),
        }
    }
}

fn error_event(err: &AppError) -> Event {
    Event::default().event("error").data(err.body().to_string())
}

type EventStream = BoxStream<'static, Result<Event, Infallible>>;

fn follow(rx: watch::Receiver<ScanState>, grading: Grading) -> EventStream {
    stream::unfold((rx, 0usize, false), move |(mut rx, sent, done)| {
        let grading = grading.clone();
        async move {
            if done {
                return None;
            }
            loop {
                let next = {
                    let s = rx.borrow_and_update();
                    if let Some(step) = s.steps.get(sent) {
                        Some(Ok(step.clone()))
                    } else {
                        s.result.clone().map(Err)
                    }
                };
                match next {
                    Some(Ok(step)) => {
                        return Some((Ok(progress_event(&step)), (rx, sent + 1, false)))
                    }
                    Some(Err(Ok(entry))) => {
                        return Some((Ok(grading.event(&entry).await), (rx, sent, true)))
                    }
                    Some(Err(Err(err))) => return Some((Ok(error_event(&err)), (rx, sent, true))),
                    None => {
                        if rx.changed().await.is_err() {
                            let err = AppError::internal();
                            return Some((Ok(error_event(&err)), (rx, sent, true)));
                        }
                    }
                }
            }
        }
    })
    .boxed()
}

/// `GET /v1/scan/stream`: `progress` events, then one `report` or `error`
/// event.
pub(super) async fn scan_stream(
    State(st): State<AppState>,
    q: ScanParams,
    req: axum::http::request::Parts,
) -> Result<Response, AppError> {
    let q = query(q)?;
    let (t, fresh) = st.validate(&q)?;
    let grading = Grading {
        options: grade_options(&q)?,
        clock: st.inner.config.scan.clock.clone(),
    };
    let client = client_ip(&st, &req.headers, req.extensions.get::<PeerAddr>().copied());
    let (events, how): (EventStream, &'static str) = match st.acquire(&t, fresh, client)? {
        Ticket::Cached(e) => {
            let step = Step {
                done: 1,
                total: 1,
                step: "cached report".to_owned(),
            };
            let events = vec![Ok(progress_event(&step)), Ok(grading.event(&e).await)];
            (stream::iter(events).boxed(), "hit")
        }
        Ticket::Wait(rx, how) => (follow(rx, grading), how),
    };
    let mut res = Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response();
    let h = res.headers_mut();
    h.insert("x-cache", HeaderValue::from_static(how));
    h.insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(res)
}
