//! The seam through which root-store verdicts reach the client simulation.
//!
//! Each simulated client trusts its own store (`mozilla`, `apple-ios`,
//! `microsoft`, `java`, `android-7`, …; `custom` for the `--ca-file` anchors,
//! which every simulated client trusts). The per-store verdicts of a chain
//! (`chain.trust`, docs/contracts.md, contract 2) are computed by the chain analysis;
//! the simulation asks for them through [`StoreTrust`] only, so it does not
//! depend on how they are computed, and tests can give any verdict.

use crate::chain::{ChainReport, ChainVerdict};

/// The verdict of a root store on one analysed chain.
pub trait StoreTrust {
    /// Whether `store` accepts `chain` (a path to one of its roots, with the
    /// certificates the client has); `None` when there is no verdict for that
    /// store.
    fn trusted(&self, chain: &ChainReport, verdict: &ChainVerdict, store: &str) -> Option<bool>;
}

impl<F> StoreTrust for F
where
    F: Fn(&ChainReport, &ChainVerdict, &str) -> Option<bool>,
{
    fn trusted(&self, chain: &ChainReport, verdict: &ChainVerdict, store: &str) -> Option<bool> {
        self(chain, verdict, store)
    }
}

/// No per-store verdicts: every store is judged by the one trust store the
/// chain analysis used (the Mozilla roots plus the `--ca-file` anchors), i.e.
/// a chain is trusted when a path to an anchor exists.
#[derive(Clone, Copy, Debug, Default)]
pub struct AnchoredFallback;

impl StoreTrust for AnchoredFallback {
    fn trusted(&self, _chain: &ChainReport, verdict: &ChainVerdict, _store: &str) -> Option<bool> {
        Some(verdict.anchored)
    }
}
