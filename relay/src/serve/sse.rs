//! `GET /v1/scan/stream`: Server-Sent Events. A subscriber to a running scan
//! replays the progress steps so far, follows the rest, and ends with one
//! `report` (the same JSON as `/v1/scan`) or `error` event; a cached report
//! is one `progress` step and the report.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderValue;
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, BoxStream, StreamExt};
use tokio::sync::watch;

use super::cache::{Entry, ScanState, Step};
use super::error::AppError;
use super::flight::Ticket;
use super::routes::{query, ScanParams};
use super::state::{AppState, PeerAddr};
use super::validate::client_ip;

fn progress_event(step: &Step) -> Event {
    Event::default()
        .event("progress")
        .json_data(step)
        .unwrap_or_else(|_| Event::default().event("progress").data("{}"))
}

fn report_event(e: &Entry) -> Event {
    Event::default()
        .event("report")
        .data(String::from_utf8_lossy(&e.report))
}

fn error_event(err: &AppError) -> Event {
    Event::default().event("error").data(err.body().to_string())
}

type EventStream = BoxStream<'static, Result<Event, Infallible>>;

fn follow(rx: watch::Receiver<ScanState>) -> EventStream {
    stream::unfold((rx, 0usize, false), |(mut rx, sent, done)| async move {
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
                Some(Ok(step)) => return Some((Ok(progress_event(&step)), (rx, sent + 1, false))),
                Some(Err(Ok(entry))) => return Some((Ok(report_event(&entry)), (rx, sent, true))),
                Some(Err(Err(err))) => return Some((Ok(error_event(&err)), (rx, sent, true))),
                None => {
                    if rx.changed().await.is_err() {
                        let err = AppError::internal();
                        return Some((Ok(error_event(&err)), (rx, sent, true)));
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
    let (t, fresh) = st.validate(&query(q)?)?;
    let client = client_ip(&st, &req.headers, req.extensions.get::<PeerAddr>().copied());
    let (events, how): (EventStream, &'static str) = match st.acquire(&t, fresh, client)? {
        Ticket::Cached(e) => {
            let step = Step {
                done: 1,
                total: 1,
                step: "cached report".to_owned(),
            };
            let events = vec![Ok(progress_event(&step)), Ok(report_event(&e))];
            (stream::iter(events).boxed(), "hit")
        }
        Ticket::Wait(rx, how) => (follow(rx), how),
    };
    let mut res = Sse::new(events)
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response();
    let h = res.headers_mut();
    h.insert("x-cache", HeaderValue::from_static(how));
    h.insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(res)
}
