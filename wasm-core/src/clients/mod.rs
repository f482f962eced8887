//! Client simulation (docs/contracts.md, contract 6): *which* clients fail the handshake
//! with a server, and why.
//!
//! - [`table`]: the simulated clients, as data (`data/clients.json`): each
//!   client's hello (versions, suites, groups, …) and its own rules (DH and key
//!   sizes, SHA-1, AIA fetching, root store), with a source per row.
//! - [`selection`]: `--clients current|all|NAME,...` as a typed filter.
//! - [`evaluate`]: what the relay recorded per client ([`crate::facts::ClientHandshake`])
//!   plus the chain analysis → `ok` or a [`FailureCode`] with a message in plain
//!   words, per client; and the report's top-level `client_failures`.
//! - [`trust`]: the seam through which a root store's verdict on a chain comes in.
//!
//! Pure like the rest of the core: the same facts give the same verdicts
//! natively and in WebAssembly.

pub mod evaluate;
mod failure;
pub mod selection;
pub mod table;
pub mod trust;

pub use evaluate::{
    chain_choice, client_failures, evaluate_endpoint, ChainChoice, ChainView, ClientFailureSummary,
    ClientReport, EndpointContext,
};
pub use failure::{ClientFailure, FailureCode};
pub use selection::{ClientSelection, SelectionError};
pub use table::{table, ClientProfile, ClientRules, Intermediates};
pub use trust::{client_store, AnchoredFallback, ChainTrust, StoreTrust};
