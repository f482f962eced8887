//! The seam through which root-store verdicts reach the client simulation.
//!
//! Each simulated client trusts its own store (`mozilla`, `apple-ios`,
//! `microsoft`, `java`, `android-7`, …; `custom` for the `--ca-file` anchors,
//! which every simulated client trusts). The per-store verdicts of a chain
//! (`chain.trust`, docs/contracts.md, contract 2) are computed by the chain analysis;
//! the simulation asks for them through [`StoreTrust`] only, so it does not
//! depend on how they are computed, and tests can give any verdict.

use crate::chain::{ChainReport, ChainVerdict};
use crate::stores::StoreId;

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

/// The chain analysis's own per-store verdicts (`chain.trust`): what `grade`
/// uses. A client's store id is read as the store there is data for
/// ([`client_store`]); a store without data (Apple's: no registry source) has
/// no verdict, and the client falls back to the anchored verdict. The
/// `--ca-file` anchors (`custom`) are trusted by every simulated client: a
/// chain to them is accepted whatever the client's own store says.
///
/// The store verdicts are browser-grade: a weak key or a SHA-1 signature in
/// the path makes every store say no. Clients judge key sizes and signature
/// hashes by their own rules (`min_rsa_bits`, `sha1`, …), so for a chain whose
/// only strength problems are those, the simulation asks whether a path to an
/// anchor exists at all (`anchored`) and leaves the strength to the client's
/// rules — Java 8 accepts an RSA-1024 leaf that OpenSSL 3.0 refuses.
#[derive(Clone, Copy, Debug, Default)]
pub struct ChainTrust;

impl StoreTrust for ChainTrust {
    fn trusted(&self, chain: &ChainReport, verdict: &ChainVerdict, store: &str) -> Option<bool> {
        let of = |id: StoreId| {
            chain
                .trust
                .iter()
                .find(|v| v.store == id)
                .map(|v| v.trusted)
        };
        if of(StoreId::CUSTOM) == Some(true) {
            return Some(true);
        }
        let strict = of(client_store(store)?)?;
        if !strict && strength_only(chain) {
            return Some(verdict.anchored);
        }
        Some(strict)
    }
}

/// Whether the chain's only disqualifying issues are key or signature
/// strength, which each client judges by its own rules.
fn strength_only(chain: &ChainReport) -> bool {
    use crate::issue::ChainIssue::{
        ExtraCerts, IncompleteChain, WeakKey, WeakSignature, WrongOrder,
    };
    chain
        .issues
        .iter()
        .any(|i| matches!(i, WeakKey | WeakSignature))
        && chain.issues.iter().all(|i| {
            matches!(
                i,
                WeakKey | WeakSignature | IncompleteChain | WrongOrder | ExtraCerts
            )
        })
}

/// The store whose data stands for a client's store id. Android versions
/// without a list of their own (the registry data has 4.4, 7.0 and 8 onwards)
/// use the nearest older list, which holds fewer roots — so a prediction errs
/// towards "untrusted", never towards a false "connects"; versions before 4.4
/// use 4.4's, the oldest there is (documented in docs/clients.md).
pub fn client_store(store: &str) -> Option<StoreId> {
    if let Some(id) = StoreId::parse(store) {
        return Some(id);
    }
    let version = store.strip_prefix("android-")?;
    let major: u32 = version.split('.').next()?.parse().ok()?;
    let minor: u32 = version
        .split('.')
        .nth(1)
        .map_or(Some(0), |m| m.parse().ok())?;
    let android: Vec<(u32, u32, StoreId)> = StoreId::all()
        .filter_map(|id| {
            let v = id.as_str().strip_prefix("android-")?;
            let mut parts = v.split('.');
            let major = parts.next()?.parse().ok()?;
            let minor = parts.next().map_or(Some(0), |m| m.parse().ok())?;
            Some((major, minor, id))
        })
        .collect();
    android
        .iter()
        .filter(|(ma, mi, _)| (*ma, *mi) <= (major, minor))
        .max_by_key(|(ma, mi, _)| (*ma, *mi))
        .or_else(|| android.iter().min_by_key(|(ma, mi, _)| (*ma, *mi)))
        .map(|(_, _, id)| *id)
}
