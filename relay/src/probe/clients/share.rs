//! When two simulated clients can share one connection (docs/clients.md,
//! "relay stage"): their hellos are the same once everything a server must
//! not act on is made equal. The key is the hello built from
//! [`Source::Zero`](super::kx::Source) (random, session id and key shares
//! all zeros) with, in addition:
//!
//! * every GREASE code point (RFC 8701: cipher suites, extension types,
//!   groups and key-share groups, versions, signature algorithms) written as
//!   `0x0A0A`. A server must treat a GREASE value as unknown (RFC 8701 §4),
//!   and a client that sends them draws them at random for each connection:
//!   Chrome 79 with the recorded `0x3A3A` and Chrome 101 with `0x8A8A` send
//!   the same hello as far as the server may tell, and either draw is one
//!   the other client really sends;
//! * a GREASE `encrypted_client_hello` (draft-ietf-tls-esni §6.2) with its
//!   config id, `enc` and payload zeroed, lengths kept: random bytes by
//!   design, which a server without that config cannot read.
//!
//! Everything else — suite and extension order, lengths, padding — still
//! tells two hellos apart, since a server may act on it (the 256–511-byte
//! hello bug that `padding` exists for).

use crate::codec::{
    is_grease, CipherSuite, ClientExtension, ClientHello, Extension, ExtensionType, NamedGroup,
    ProtocolVersion,
};

/// The one value every GREASE code point is written as in the key.
const GREASE: u16 = 0x0A0A;

/// The sharing key of `hello` (built from `Source::Zero`): its records
/// with GREASE values made equal.
pub fn key(hello: &ClientHello) -> Result<Vec<u8>, String> {
    let mut h = hello.clone();
    for s in &mut h.cipher_suites {
        *s = CipherSuite(one_grease(s.0));
    }
    for ext in &mut h.extensions {
        normalize(ext);
    }
    h.encode_records().map_err(|e| e.to_string())
}

fn one_grease(code: u16) -> u16 {
    if is_grease(code) {
        GREASE
    } else {
        code
    }
}

fn normalize(ext: &mut ClientExtension) {
    match ext {
        ClientExtension::SupportedGroups(groups) => {
            for g in groups {
                *g = NamedGroup(one_grease(g.0));
            }
        }
        ClientExtension::SupportedVersions(versions) => {
            for v in versions {
                *v = ProtocolVersion(one_grease(v.0));
            }
        }
        ClientExtension::SignatureAlgorithms(schemes) => {
            for s in schemes {
                *s = one_grease(*s);
            }
        }
        ClientExtension::KeyShare(entries) => {
            for e in entries {
                e.group = NamedGroup(one_grease(e.group.0));
            }
        }
        ClientExtension::Raw(raw) => normalize_raw(raw),
        _ => {}
    }
}

fn normalize_raw(raw: &mut Extension) {
    if raw.typ.is_grease() {
        raw.typ = ExtensionType(GREASE);
    } else if raw.typ == ExtensionType::ENCRYPTED_CLIENT_HELLO {
        zero_outer_ech(&mut raw.data);
    }
}

/// Zeroes the random parts of an outer `encrypted_client_hello`: type 0,
/// cipher suite (4), config id (1), `enc` (2-byte length), payload (2-byte
/// length). Anything else (an inner ECH, a malformed one) is left as is.
fn zero_outer_ech(data: &mut [u8]) {
    if data.first() != Some(&0) {
        return;
    }
    let mut at = 1 + 4;
    let Some(id) = data.get_mut(at) else {
        return;
    };
    *id = 0;
    at += 1;
    for _ in 0..2 {
        let Some(len) = data
            .get(at..at + 2)
            .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
        else {
            return;
        };
        at += 2;
        let Some(body) = data.get_mut(at..at + len) else {
            return;
        };
        body.fill(0);
        at += len;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::codec::KeyShareEntry;

    fn hello(grease: u16, ech_id: u8) -> ClientHello {
        let mut ech = vec![0, 0, 1, 0, 1, ech_id, 0, 2, ech_id, ech_id, 0, 3];
        ech.extend([ech_id; 3]);
        let mut h = ClientHello::new(ProtocolVersion::TLS12, [0; 32]);
        h.cipher_suites = vec![
            CipherSuite(grease),
            CipherSuite(0x1301),
            CipherSuite(0xC02F),
        ];
        h.extensions = vec![
            ClientExtension::Raw(Extension::new(ExtensionType(grease), vec![])),
            ClientExtension::SupportedGroups(vec![NamedGroup(grease), NamedGroup::X25519]),
            ClientExtension::SupportedVersions(vec![
                ProtocolVersion(grease),
                ProtocolVersion::TLS13,
                ProtocolVersion::TLS12,
            ]),
            ClientExtension::KeyShare(vec![
                KeyShareEntry::new(NamedGroup(grease), vec![0]),
                KeyShareEntry::new(NamedGroup::X25519, vec![0; 32]),
            ]),
            ClientExtension::SignatureAlgorithms(vec![grease, 0x0804]),
            ClientExtension::Raw(Extension::new(ExtensionType::ENCRYPTED_CLIENT_HELLO, ech)),
        ];
        h
    }

    #[test]
    fn hellos_differing_only_in_grease_draws_share_a_key() {
        let a = key(&hello(0x3A3A, 7)).unwrap();
        let b = key(&hello(0x8A8A, 200)).unwrap();
        assert_eq!(a, b);
        assert_ne!(a, hello(0x3A3A, 7).encode_records().unwrap());
    }

    #[test]
    fn a_value_a_server_acts_on_still_tells_hellos_apart() {
        let base = key(&hello(0x3A3A, 7)).unwrap();
        let mut other_suite = hello(0x3A3A, 7);
        other_suite.cipher_suites[2] = CipherSuite(0xC030);
        let mut other_order = hello(0x3A3A, 7);
        other_order.extensions.swap(1, 2);
        let mut not_grease = hello(0x3A3A, 7);
        not_grease.cipher_suites[0] = CipherSuite(0x3A3B);
        for h in [other_suite, other_order, not_grease] {
            assert_ne!(key(&h).unwrap(), base);
        }
    }

    #[test]
    fn recorded_clients_differing_only_in_grease_share_a_connection() {
        use super::super::{kx::Source, prepare};
        let of = |id: &str| {
            let c = tlslens_core::clients::table()
                .iter()
                .find(|c| c.id == id)
                .unwrap();
            prepare::prepare(c, Some("www.example.com"), Source::Zero).unwrap()
        };
        for (a, b) in [
            ("chrome-101-win10", "edge-101-win10"),
            ("chrome-79-win10", "android-10"),
            ("chrome-79-win10", "opera-66-win10"),
        ] {
            let (a, b) = (of(a), of(b));
            assert_ne!(a.records, b.records);
            assert_eq!(a.sharing_key().unwrap(), b.sharing_key().unwrap());
        }
        let (chrome, firefox) = (of("chrome-137-win11"), of("firefox-137-win11"));
        assert_ne!(
            chrome.sharing_key().unwrap(),
            firefox.sharing_key().unwrap()
        );
    }

    #[test]
    fn ech_lengths_are_kept_and_malformed_ech_is_left_alone() {
        let mut data = vec![0, 0, 1, 0, 1, 9, 0, 2, 5, 5, 0, 1, 6];
        zero_outer_ech(&mut data);
        assert_eq!(data, [0, 0, 1, 0, 1, 0, 0, 2, 0, 0, 0, 1, 0]);
        let mut short = vec![0, 0, 1, 0, 1, 9, 0, 9, 5];
        zero_outer_ech(&mut short);
        assert_eq!(short, [0, 0, 1, 0, 1, 0, 0, 9, 5]);
        let mut inner = vec![1];
        zero_outer_ech(&mut inner);
        assert_eq!(inner, [1]);
    }
}
