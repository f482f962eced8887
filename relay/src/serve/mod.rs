//! `tlslens-relay serve`: the HTTP API the browser extension calls (docs/contracts.md,
//! contract 3), built to be exposed to the internet.
//!
//! * [`mod@app`]: `fn app(state) -> Router`; the routes are in `routes` (JSON),
//!   `sse` (the stream) and `index` (the HTML page), the layers in
//!   `middleware` (token, CORS, limits, record; the token compare in
//!   `token`), request checks in `validate`, one scan per target in `flight`.
//! * [`state`]: [`Config`] and [`AppState`], what all of them share.
//! * [`error`]: [`AppError`], the one JSON error answer.
//! * [`limits`]: per-client token buckets and the global scan slots.
//! * [`conns`]: who holds the open connections; per-client caps and idle
//!   connections shed first, so one client cannot shut the others out.
//! * [`cache`]: the report cache and the table of running scans.
//! * [`metrics`]: Prometheus text.
//!
//! This module's own code is the server loop: hyper HTTP/1.1 connections with
//! a header-read timeout (slow clients), a header-size bound, caps on open
//! connections (`conns`), and graceful shutdown on SIGTERM/SIGINT; hyper's own answers
//! to requests it cannot parse are made JSON by `autoreply`. Its settings come
//! checked from `settings::ServeSettings`; nothing here reads a flag.

pub mod app;
mod autoreply;
pub mod cache;
pub mod conns;
pub mod error;
mod flight;
mod index;
pub mod limits;
pub mod metrics;
mod middleware;
mod routes;
mod site;
mod sse;
pub mod state;
mod token;
mod validate;

use std::future::Future;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use axum::extract::Request;
use axum::Router;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::{TcpListener, TcpStream};
use tower::ServiceExt;

use autoreply::JsonAutoReplies;
use conns::{Admission, ConnLimits, ConnTable, Tracker};

pub use app::{app, AppState, Config, LocalAddr, PeerAddr};
pub use error::AppError;
pub use site::{is_extension_origin, public_host};
pub use validate::{validate_host, validate_port};

use crate::Error;

/// Connection-level limits of the server loop.
#[derive(Debug, Clone)]
pub struct ServerLimits {
    /// A client must send its request headers within this time.
    pub header_timeout: Duration,
    /// Request head (line and headers) size bound, bytes.
    pub max_header_bytes: usize,
    /// Open HTTP connections at most; beyond, an idle one is closed to make
    /// room, or the new one when all are busy.
    pub max_connections: usize,
    /// Open HTTP connections of one client address (IPv6: /64) at most,
    /// never above `max_connections` less an eighth kept for others.
    pub max_client_connections: usize,
    /// How long shutdown waits for open requests.
    pub shutdown_grace: Duration,
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            max_header_bytes: 16 * 1024,
            max_connections: 1024,
            max_client_connections: 64,
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

impl ServerLimits {
    fn conn_limits(&self) -> ConnLimits {
        ConnLimits {
            max_connections: self.max_connections.max(1),
            per_client: self.max_client_connections.max(1),
        }
    }
}

/// The default listen address: also the extension's default relay URL.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8787";

/// Runs `serve` on `listen` until SIGTERM or SIGINT.
pub async fn run(listen: SocketAddr, config: Config, limits: ServerLimits) -> Result<(), Error> {
    let listener = bind(listen).map_err(|source| Error::Listen {
        addr: listen,
        source,
    })?;
    let local = listener.local_addr()?;
    if config.token.is_none() && !local.ip().is_loopback() {
        tracing::warn!(%local, "listening beyond loopback without --token: anyone can use this relay");
    }
    if config.scan.allow_private {
        tracing::warn!("--allow-private: the relay will scan private and loopback addresses");
    }
    tracing::info!(%local, max_scans = config.max_scans, queue = config.queue, "tlslens-relay serve listening");
    eprintln!("tlslens-relay: {}", banner(local));
    let state = AppState::new(config);
    serve_on(listener, state, limits, crate::signal::shutdown()).await?;
    tracing::info!("stopped");
    Ok(())
}

/// Pending connections the kernel keeps for `accept` (the system's own cap,
/// `net.core.somaxconn`, applies too): bursts of new connections wait there
/// instead of having their SYNs dropped (the usual default is 128).
pub const LISTEN_BACKLOG: u32 = 1024;

/// A listener on `addr` with [`LISTEN_BACKLOG`].
pub fn bind(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(LISTEN_BACKLOG)
}

/// `listening on http://ADDR/`, and the Relay URL to set in the extension
/// when it is not the extension's default.
pub fn banner(local: SocketAddr) -> String {
    let url = format!("http://{local}/");
    if local.to_string() == DEFAULT_LISTEN {
        format!("listening on {url} (the extension's default relay URL)")
    } else {
        format!("listening on {url} (set the extension's Relay URL to it; the default is http://{DEFAULT_LISTEN}/)")
    }
}

/// Serves [`app()`] on `listener` until `shutdown` resolves, then lets open
/// requests finish (at most [`ServerLimits::shutdown_grace`]).
pub async fn serve_on(
    listener: TcpListener,
    state: AppState,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let router: Router = app(state.clone());
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let table = ConnTable::new(limits.conn_limits());
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => {
                    // EMFILE and friends: back off instead of spinning.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let guard = match table.admit(peer.ip(), Instant::now()) {
            Admission::Admitted { guard, shed } => {
                for _ in 0..shed {
                    state.metrics().shed_connection();
                }
                guard
            }
            Admission::Refused => {
                state.metrics().dropped_connection();
                tracing::debug!(%peer, "every connection place is busy; closing");
                drop(stream);
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let local = stream.local_addr().ok();
        let conn = connection(&router, &limits, stream, peer, local, guard.tracker());
        let conn = graceful.watch(conn);
        let metrics = state.clone();
        metrics.metrics().connection_opened();
        tokio::spawn(async move {
            tokio::select! {
                done = conn => if let Err(e) = done {
                    tracing::debug!(%peer, error = %e, "connection ended with an error");
                },
                () = guard.shed.notified() => {
                    tracing::debug!(%peer, "idle connection closed to make room");
                }
            }
            metrics.metrics().connection_closed();
            drop(guard);
        });
    }
    drop(listener);
    tokio::select! {
        () = graceful.shutdown() => {},
        () = tokio::time::sleep(limits.shutdown_grace) => {
            tracing::warn!("shutdown grace period over; closing the remaining connections");
        }
    }
    Ok(())
}

/// One HTTP/1.1 connection: its requests carry the peer and local address
/// and count as busy (for [`ConnTable`]) until their response body ends.
fn connection(
    router: &Router,
    limits: &ServerLimits,
    stream: TcpStream,
    peer: SocketAddr,
    local: Option<SocketAddr>,
    tracker: Tracker,
) -> hyper::server::conn::http1::Connection<
    JsonAutoReplies<TokioIo<TcpStream>>,
    impl hyper::service::Service<
            Request<Incoming>,
            Response = axum::response::Response,
            Error = std::convert::Infallible,
            Future = impl Send,
        > + Send,
> {
    let router = router.clone();
    let svc = hyper::service::service_fn(move |mut req: Request<Incoming>| {
        let busy = tracker.busy();
        req.extensions_mut().insert(PeerAddr(peer));
        if let Some(local) = local {
            req.extensions_mut().insert(LocalAddr(local));
        }
        let answer = router.clone().oneshot(req.map(axum::body::Body::new));
        async move {
            let res = answer.await?;
            // The connection stays busy until the body (a stream) ends.
            Ok(res.map(|body| {
                axum::body::Body::new(body.map_frame(move |frame| {
                    let _busy = &busy;
                    frame
                }))
            }))
        }
    });
    hyper::server::conn::http1::Builder::new()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout)
        .max_buf_size(limits.max_header_bytes.max(8192))
        .max_headers(64)
        .serve_connection(JsonAutoReplies::new(TokioIo::new(stream)), svc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banner_shows_the_real_address() {
        let default: SocketAddr = DEFAULT_LISTEN.parse().unwrap_or_else(|_| unreachable!());
        assert_eq!(
            banner(default),
            "listening on http://127.0.0.1:8787/ (the extension's default relay URL)"
        );
        let other = SocketAddr::from(([127, 0, 0, 1], 9000));
        let text = banner(other);
        assert!(
            text.starts_with("listening on http://127.0.0.1:9000/ (set the extension's Relay URL"),
            "{text}"
        );
    }
}
