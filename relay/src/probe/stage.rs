//! The stage interface of the endpoint pipeline, and the typed outcomes of
//! its two waves.
//!
//! The first wave ([`FirstWave`]) discovers what the server speaks: SSLv2,
//! the suites of every version, the reference browser's hello. Every
//! second-wave probe is a [`Stage`]: it reads the first wave, probes through
//! the endpoint's [`Prober`], and returns its own outcome — plain data, no
//! socket — which [`super::assemble`] turns into facts (its `SecondWave`). Stages run
//! concurrently, under the endpoint's connection cap, and know nothing of
//! each other.

use std::future::Future;

use tlslens_core::facts::BrowserFacts;

use super::enumerate::{Sslv2, VersionSuites};
use super::prober::Prober;
use crate::codec::ProtocolVersion;

/// A second-wave probe.
///
/// To add one (a client simulation, a vulnerability probe):
///
/// 1. write its module with a unit struct implementing `Stage`, whose
///    `Outcome` is plain data;
/// 2. add that outcome to [`super::assemble::SecondWave`] and the stage to the `join!` of
///    `endpoint::second_wave`;
/// 3. map the outcome to facts in [`super::assemble`], with a unit test that
///    builds the outcome by hand.
///
/// Failures go to the prober's log ([`Prober::fail`]) under the stage's
/// probe names; the outcome only says what was found.
pub trait Stage {
    /// The stage's name (logs).
    const NAME: &'static str;
    /// What it found.
    type Outcome;

    /// Probes through `p`, reading what the first wave found (implemented
    /// as an `async fn`; its future must be `Send`, as scans run on the
    /// multi-threaded runtime).
    fn run(&self, p: &Prober<'_>, first: &FirstWave) -> impl Future<Output = Self::Outcome> + Send;
}

/// What the first wave found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FirstWave {
    /// The SSLv2 probe.
    pub sslv2: Sslv2,
    /// SSLv3, TLS 1.0, 1.1 and 1.2, in that order (supported or not).
    pub legacy: Vec<VersionSuites>,
    /// TLS 1.3.
    pub tls13: VersionSuites,
    /// The reference browser's handshake.
    pub browser: BrowserFacts,
}

impl FirstWave {
    /// The SSLv3–TLS 1.2 versions the server accepted, oldest first.
    pub fn supported_legacy(&self) -> Vec<&VersionSuites> {
        self.legacy.iter().filter(|s| s.supported()).collect()
    }

    /// The newest of them: the version the TLS ≤ 1.2 probes use.
    pub fn best_legacy(&self) -> Option<&VersionSuites> {
        self.legacy.iter().rev().find(|s| s.supported())
    }

    /// Every version with suites (SSLv3–TLS 1.3), oldest first: the
    /// versions of `cipher_suites` and of the [`super::enumerate::OrderStage`].
    pub fn supported(&self) -> Vec<&VersionSuites> {
        let mut out = self.supported_legacy();
        if self.tls13.supported() {
            out.push(&self.tls13);
        }
        out
    }

    /// Every version supported, SSLv2 included, oldest first.
    pub fn versions(&self) -> Vec<ProtocolVersion> {
        let mut out = Vec::new();
        if matches!(self.sslv2, Sslv2::Supported { .. }) {
            out.push(ProtocolVersion::SSLV2);
        }
        out.extend(self.supported().iter().map(|s| s.version));
        out
    }
}
