//! The short constructors the generated `data.rs` is written with, so each anchor
//! stays one readable line.

use super::{RootAnchor, Span, StoreConstraint};

/// A byte range of the pool.
pub(super) const fn r(start: u32, len: u32) -> Span {
    Span { start, len }
}

/// One anchor; see [`RootAnchor`] for the fields.
#[allow(clippy::too_many_arguments)]
pub(super) const fn a(
    der: Option<Span>,
    subject: Span,
    spki: Span,
    name_constraints: Option<Span>,
    not_before: i64,
    not_after: i64,
    stores: u32,
    name: &'static str,
    sha256: Option<Span>,
) -> RootAnchor {
    RootAnchor {
        der,
        subject,
        spki,
        name_constraints,
        not_before,
        not_after,
        stores,
        name,
        sha256,
    }
}

/// One per-store limit on an anchor.
pub(super) const fn c(
    store: u8,
    anchor: u16,
    distrust_after: Option<i64>,
    disabled_from: Option<i64>,
) -> StoreConstraint {
    StoreConstraint {
        store,
        anchor,
        distrust_after,
        disabled_from,
    }
}

/// 64 hex digits to 32 bytes, at compile time (a malformed literal fails the build).
pub(super) const fn h(hex: &str) -> [u8; 32] {
    let b = hex.as_bytes();
    assert!(b.len() == 64, "sha256 literal must have 64 hex digits");
    let mut out = [0u8; 32];
    let mut i = 0;
    while i < 32 {
        out[i] = (nibble(b[2 * i]) << 4) | nibble(b[2 * i + 1]);
        i += 1;
    }
    out
}

const fn nibble(c: u8) -> u8 {
    match c {
        b'0'..=b'9' => c - b'0',
        b'a'..=b'f' => c - b'a' + 10,
        _ => panic!("sha256 literal must be lower-case hex"),
    }
}
