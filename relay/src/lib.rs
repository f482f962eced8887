//! TLS Lens relay: everything that touches the network. It observes servers and
//! hands the facts to `tlslens-core`, which grades them.
//!
//! * [`clock`]: the one wall clock, passed in.
//! * [`resolve`] and [`guard`]: targets, `--resolve`, DNS, and which addresses
//!   may be scanned at all.
//! * [`probe`]: the scanner (raw probes through [`codec`], rustls handshakes in
//!   [`probe::danger`], AIA fetches) producing `ScanFacts`.
//! * [`serve`]: the HTTP API (`tlslens-relay serve`).
//! * [`watch`]: the monitor (`tlslens-relay watch`).
//! * [`settings`]: flags, variables and the watch config, read once into
//!   checked settings for the subcommands.
//! * [`gate`]: the CI gate — many targets under one connection budget
//!   ([`gate::batch`]), `--min-grade` and `--profile`, the run's exit status.
//! * [`render`]: the report for people (and JSON, JSON Lines, JUnit, the
//!   summary table), from the typed report.
//! * [`cli`]: the `tlslens-relay` command line: settings → subcommand → exit
//!   status.
//! * [`signal`]: SIGTERM/SIGINT for `serve` and `watch`.
//! * [`file`]: reading a whole file a user names (a regular file, bounded).
//!
//! Imports point one way: `cli` → `settings` → (`serve`, `watch`) →
//! `probe` → `codec`; `tests/module_graph.rs` checks there is no circle.
//! * [`logs`]: handshake failures in server logs (`tlslens-relay logs`).

#![forbid(unsafe_code)]

pub mod cli;
pub mod clock;
pub mod codec;
mod error;
pub mod file;
pub mod gate;
pub mod guard;
pub mod logs;
pub mod probe;
pub mod render;
pub mod resolve;
pub mod serve;
pub mod settings;
pub mod signal;
pub mod watch;

pub use error::{Error, ErrorKind, TargetError};
pub use probe::{scan, ScanOptions};
