//! TLS Lens relay: everything that touches the network. It observes servers and
//! hands the facts to `tlslens-core`, which grades them.
//!
//! * [`clock`]: the one wall clock, passed in.
//! * [`resolve`] and [`guard`]: targets, `--resolve`, DNS, and which addresses
//!   may be scanned at all.
//! * [`probe`]: the scanner (raw probes through [`codec`], rustls handshakes in
//!   [`probe::danger`], AIA fetches) producing `ScanFacts`.
//! * [`cli`]: the `tlslens-relay` command line and the human report.
//! * [`serve`]: the HTTP API (`tlslens-relay serve`).
//! * [`watch`]: the monitor (`tlslens-relay watch`).
//! * [`logs`]: handshake failures in server logs (`tlslens-relay logs`).

#![forbid(unsafe_code)]

pub mod cli;
pub mod clock;
pub mod codec;
mod error;
pub mod guard;
pub mod logs;
pub mod probe;
pub mod resolve;
pub mod serve;
pub mod watch;

pub use error::Error;
pub use probe::{scan, ScanOptions};
