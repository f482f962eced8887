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
//! * [`cache`]: the report cache and the table of running scans.
//! * [`metrics`]: Prometheus text.
//!
//! This module's own code is the server loop: hyper HTTP/1.1 connections with
//! a header-read timeout (slow clients), a header-size bound, a cap on open
//! connections, and graceful shutdown on SIGTERM/SIGINT. Its settings come
//! checked from `settings::ServeSettings`; nothing here reads a flag.

pub mod app;
pub mod cache;
pub mod error;
mod flight;
mod index;
pub mod limits;
pub mod metrics;
mod middleware;
mod routes;
mod sse;
pub mod state;
mod token;
mod validate;

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::Request;
use axum::Router;
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

pub use app::{app, AppState, Config, PeerAddr};
pub use error::AppError;
pub use middleware::is_extension_origin;
pub use validate::{validate_host, validate_port};

use crate::Error;

/// Connection-level limits of the server loop.
#[derive(Debug, Clone)]
pub struct ServerLimits {
    /// A client must send its request headers within this time.
    pub header_timeout: Duration,
    /// Request head (line and headers) size bound, bytes.
    pub max_header_bytes: usize,
    /// Open HTTP connections at most; more are closed at once.
    pub max_connections: usize,
    /// How long shutdown waits for open requests.
    pub shutdown_grace: Duration,
}

impl Default for ServerLimits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            max_header_bytes: 16 * 1024,
            max_connections: 1024,
            shutdown_grace: Duration::from_secs(30),
        }
    }
}

/// The default listen address: also the extension's default relay URL.
pub const DEFAULT_LISTEN: &str = "127.0.0.1:8787";

/// Runs `serve` on `listen` until SIGTERM or SIGINT.
pub async fn run(listen: SocketAddr, config: Config, limits: ServerLimits) -> Result<(), Error> {
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|source| Error::Listen {
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
    let open = Arc::new(Semaphore::new(
        limits.max_connections.clamp(1, Semaphore::MAX_PERMITS),
    ));
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
        let Ok(permit) = open.clone().try_acquire_owned() else {
            state.metrics().dropped_connection();
            tracing::debug!(%peer, "too many open connections; closing");
            drop(stream);
            continue;
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let svc = hyper::service::service_fn(move |mut req: Request<Incoming>| {
            req.extensions_mut().insert(PeerAddr(peer));
            router.clone().oneshot(req.map(axum::body::Body::new))
        });
        let conn = hyper::server::conn::http1::Builder::new()
            .timer(TokioTimer::new())
            .header_read_timeout(limits.header_timeout)
            .max_buf_size(limits.max_header_bytes.max(8192))
            .max_headers(64)
            .serve_connection(TokioIo::new(stream), svc);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
            drop(permit);
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
