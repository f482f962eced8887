//! `tlslens-relay serve`: the HTTP API the browser extension calls (DESIGN.md
//! contract 3), built to be exposed to the internet.
//!
//! * [`app`]: the axum router and its state (routes, token, CORS, the guard
//!   before any connection, cache, in-flight sharing, limits).
//! * [`error`]: [`AppError`], the one JSON error answer.
//! * [`limits`]: per-client token buckets and the global scan slots.
//! * [`cache`]: the report cache and the table of running scans.
//! * [`metrics`]: Prometheus text.
//!
//! This module's own code is the server loop: hyper HTTP/1.1 connections with
//! a header-read timeout (slow clients), a header-size bound, a cap on open
//! connections, and graceful shutdown on SIGTERM/SIGINT.

pub mod app;
pub mod cache;
pub mod error;
pub mod limits;
pub mod metrics;

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

use crate::cli::ServeArgs;
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

/// Parses `443,8443,8000-8999`.
pub fn parse_ports(spec: &str) -> Result<Vec<(u16, u16)>, Error> {
    let bad = || {
        Error::BadInput(format!(
            "--allow-ports {spec:?}: expected PORT or LO-HI, comma-separated"
        ))
    };
    let mut out = Vec::new();
    for part in spec.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let (lo, hi) = part.split_once('-').unwrap_or((part, part));
        let lo: u16 = lo.trim().parse().map_err(|_| bad())?;
        let hi: u16 = hi.trim().parse().map_err(|_| bad())?;
        if lo == 0 || hi < lo {
            return Err(bad());
        }
        out.push((lo, hi));
    }
    if out.is_empty() {
        return Err(bad());
    }
    Ok(out)
}

/// The listen address, service settings and server limits from the flags.
pub fn config_from_args(args: &ServeArgs) -> Result<(SocketAddr, Config, ServerLimits), Error> {
    let listen: SocketAddr = args.listen.parse().map_err(|_| {
        Error::BadInput(format!(
            "--listen {:?}: expected ADDR:PORT, e.g. 127.0.0.1:8787 or [::]:8787",
            args.listen
        ))
    })?;
    let scan_args = crate::cli::ScanArgs {
        target: String::new(),
        json: true,
        resolve: args.resolve.clone(),
        ca_file: args.ca_file.clone(),
        allow_private: args.allow_private,
        timeout: args.scan_timeout,
        max_connections: args.probe_connections,
        no_color: true,
    };
    let mut scan = crate::cli::options(&scan_args).map_err(|e| match e {
        Error::BadInput(m) => Error::BadInput(m.replace("--timeout", "--scan-timeout")),
        other => other,
    })?;
    scan.allow_cidrs = args
        .allow_cidr
        .iter()
        .map(|c| {
            c.parse()
                .map_err(|e: String| Error::BadInput(format!("--allow-cidr: {e}")))
        })
        .collect::<Result<_, _>>()?;
    if args.max_scans == 0 || args.max_scans > 256 {
        return Err(Error::BadInput(
            "--max-scans must be between 1 and 256".into(),
        ));
    }
    if args.queue > 10_000 {
        return Err(Error::BadInput("--queue must be at most 10000".into()));
    }
    let client_ip_header = match &args.client_ip_header {
        None => None,
        Some(h) => Some(h.parse::<axum::http::HeaderName>().map_err(|_| {
            Error::BadInput(format!("--client-ip-header {h:?} is not a header name"))
        })?),
    };
    let allow_ports = match &args.allow_ports {
        None => Vec::new(),
        Some(spec) => parse_ports(spec)?,
    };
    for o in &args.cors_origin {
        if !(o.starts_with("https://") || o.starts_with("http://") || app::is_extension_origin(o)) {
            return Err(Error::BadInput(format!(
                "--cors-origin {o:?}: expected an origin such as https://example.org"
            )));
        }
    }
    if args.max_http_connections == 0 {
        return Err(Error::BadInput(
            "--max-http-connections must be at least 1".into(),
        ));
    }
    let config = Config {
        scan,
        token: args.token.clone().filter(|t| !t.is_empty()),
        cors_origins: args.cors_origin.clone(),
        allow_ports,
        max_scans: args.max_scans,
        queue: args.queue,
        rate_per_minute: args.rate_per_minute,
        cache_ttl: Duration::from_secs(args.cache_ttl),
        cache_entries: args.cache_entries,
        client_ip_header,
        ..Config::default()
    };
    let limits = ServerLimits {
        header_timeout: Duration::from_secs(args.header_timeout.max(1)),
        max_connections: args.max_http_connections,
        ..ServerLimits::default()
    };
    Ok((listen, config, limits))
}

/// Runs `serve` until SIGTERM or SIGINT.
pub async fn run(args: &ServeArgs) -> Result<(), Error> {
    let (listen, config, limits) = config_from_args(args)?;
    let listener = TcpListener::bind(listen)
        .await
        .map_err(|e| Error::BadInput(format!("cannot listen on {listen}: {e}")))?;
    let local = listener.local_addr()?;
    if config.token.is_none() && !local.ip().is_loopback() {
        tracing::warn!(%local, "listening beyond loopback without --token: anyone can use this relay");
    }
    if config.scan.allow_private {
        tracing::warn!("--allow-private: the relay will scan private and loopback addresses");
    }
    tracing::info!(%local, max_scans = config.max_scans, queue = config.queue, "tlslens-relay serve listening");
    eprintln!("tlslens-relay: listening on http://{local}/");
    let state = AppState::new(config);
    serve_on(listener, state, limits, shutdown_signal()).await?;
    tracing::info!("stopped");
    Ok(())
}

/// Resolves on SIGTERM or SIGINT.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutdown signal: finishing open requests");
}

/// Serves [`app`] on `listener` until `shutdown` resolves, then lets open
/// requests finish (at most [`ServerLimits::shutdown_grace`]).
pub async fn serve_on(
    listener: TcpListener,
    state: AppState,
    limits: ServerLimits,
    shutdown: impl Future<Output = ()>,
) -> std::io::Result<()> {
    let router: Router = app(state.clone());
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let open = Arc::new(Semaphore::new(limits.max_connections.max(1)));
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
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn issue4_port_lists() {
        assert_eq!(parse_ports("443").unwrap(), vec![(443, 443)]);
        assert_eq!(
            parse_ports("443, 8000-8999").unwrap(),
            vec![(443, 443), (8000, 8999)]
        );
        for bad in ["", "0", "x", "10-5", "1-70000", ","] {
            assert!(parse_ports(bad).is_err(), "{bad}");
        }
    }
}
