//! The settings layer between the command line and the subcommands (as
//! ripgrep's `lowargs` → `hiargs`): flags, `TLSLENS_*` variables and the
//! `watch` TOML file are read once, in [`args`] (clap) and
//! [`watch::RawConfig`] (serde) — the low layer — and turned into typed,
//! checked settings — the high layer: [`ScanSettings`], [`ServeSettings`],
//! [`WatchSettings`]. The subcommands take those, or the library types they
//! hold (`probe::ScanOptions`, `serve::Config`, `watch::Config`), and never
//! see a flag.
//!
//! * [`name`]: one setting, one name — each setting's canonical flag,
//!   variable and key, the old spellings still accepted, and its range.
//! * [`range`] and [`bounds`]: every number is checked against its range
//!   where it is read, the same way for every source.
//! * [`error`]: [`SettingError`], which knows the flag or key it is about.
//! * [`probe`]: the probe settings `scan`, `serve` and `watch` share;
//!   [`anchors`] reads their trust-anchor file.
//!
//! Adding a subcommand (`logs`) or a flag (`scan --min-grade`): a field in
//! the `args` struct, a [`name::Setting`] entry if other sources share it,
//! and a checked field in the high-level struct.
//!
//! Dependencies point one way: `cli` → `settings` → the libraries (`probe`,
//! `serve`, `watch`, `resolve`); no library imports `settings` or `cli`.

pub mod anchors;
pub mod args;
pub mod bounds;
mod duration;
pub mod error;
pub mod name;
pub mod probe;
pub mod range;
mod scan;
pub mod serve;
pub mod targets;
pub mod watch;

pub use duration::{format_duration, parse_duration};
pub use error::SettingError;
pub use name::Setting;
pub use scan::{Output, ScanSettings, Terminal};
pub use serve::ServeSettings;
pub use watch::WatchSettings;
