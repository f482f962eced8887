//! Criterion benchmarks: grading a target whose chain has three certificates
//! (leaf and intermediate sent, root as anchor), and the chain analysis alone;
//! and the same with every client of the table simulated.
//! Budget: under 2 ms per grade natively. `cargo bench -p tlslens-core`.

#![allow(clippy::unwrap_used, missing_docs)]

#[path = "../tests/common/mod.rs"]
mod common;

use criterion::{criterion_group, criterion_main, Criterion};

fn bench(c: &mut Criterion) {
    let pki = common::shared_pki();
    let facts = common::good_facts(pki);
    let json = serde_json::to_string(&facts).unwrap();
    // Warm the lazily parsed Mozilla root store once, as a long-lived relay would.
    let _ = tlslens_core::grade(&facts, common::NOW);

    c.bench_function("grade 3-certificate chain (facts struct)", |b| {
        b.iter(|| tlslens_core::grade(std::hint::black_box(&facts), common::NOW));
    });
    c.bench_function("grade 3-certificate chain (JSON in, JSON out)", |b| {
        b.iter(|| tlslens_core::grade_json(std::hint::black_box(&json), 1.8e12).unwrap());
    });
    let rsa = common::Pki::new(
        common::Spec::leaf(&["example.test"]),
        common::KeyKind::Rsa(2048, common::Hash::Sha256),
    );
    let rsa_facts = common::good_facts(&rsa);
    c.bench_function("grade 3-certificate chain, RSA-2048 leaf", |b| {
        b.iter(|| tlslens_core::grade(std::hint::black_box(&rsa_facts), common::NOW));
    });
    let simulated = with_every_client(common::good_facts(pki));
    let _ = tlslens_core::grade(&simulated, common::NOW);
    c.bench_function("grade 3-certificate chain, every client simulated", |b| {
        b.iter(|| tlslens_core::grade(std::hint::black_box(&simulated), common::NOW));
    });
}

/// A handshake for every client of the table: TLS 1.3 for those that speak
/// it, a protocol_version alert for the others.
fn with_every_client(mut facts: tlslens_core::ScanFacts) -> tlslens_core::ScanFacts {
    use tlslens_core::wire::{NamedGroup, ProtocolVersion};
    let handshakes = tlslens_core::clients::table()
        .iter()
        .map(|c| {
            if c.versions.contains(&ProtocolVersion::TLS13) {
                let group = if c.groups.contains(&NamedGroup::X25519) {
                    NamedGroup::X25519
                } else {
                    NamedGroup::SECP256R1
                };
                let suite = c.suites.iter().find(|s| s.0 >> 8 == 0x13).unwrap();
                common::client_hs(
                    &c.id,
                    ProtocolVersion::TLS13,
                    &suite.to_string(),
                    Some(group),
                )
            } else {
                common::client_refused(&c.id, 70)
            }
        })
        .collect();
    facts.endpoints[0].clients = Some(handshakes);
    facts
}

criterion_group!(benches, bench);
criterion_main!(benches);
