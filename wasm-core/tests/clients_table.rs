//! The integrity of the client table (`data/clients.json`): every row has a
//! source, known code points, a unique id and name, valid rules and store; the
//! clients the contracts list are there; and every recorded ClientHello says what
//! the row's fields say (read back by a ClientHello reader of this test).

#![cfg(not(target_arch = "wasm32"))]
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;

use tlslens_core::clients::{table, ClientProfile, Intermediates};
use tlslens_core::wire::{CipherSuite, NamedGroup, ProtocolVersion as V};

const PLATFORMS: &[&str] = &[
    "android",
    "apple-app",
    "bot",
    "chrome",
    "curl",
    "edge",
    "firefox",
    "go",
    "ie",
    "java",
    "openssl",
    "opera",
    "python",
    "safari",
];
const BROWSERS: &[&str] = &["chrome", "edge", "firefox", "ie", "opera", "safari"];

fn valid_store(s: &str) -> bool {
    matches!(
        s,
        "mozilla" | "apple-macos" | "apple-ios" | "microsoft" | "java"
    ) || s.strip_prefix("android-").is_some_and(|v| {
        !v.is_empty()
            && v.split('.')
                .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()))
    })
}

#[test]
fn table_reads_and_has_between_60_and_100_clients() {
    let n = table().len();
    assert!((60..=100).contains(&n), "{n} clients");
}

#[test]
fn every_row_has_a_source_a_unique_id_and_name_and_valid_rules() {
    let mut ids = BTreeSet::new();
    let mut names = BTreeSet::new();
    for c in table() {
        let who = &c.id;
        assert!(ids.insert(c.id.as_str()), "duplicate id {who}");
        assert!(names.insert(c.name.as_str()), "duplicate name {}", c.name);
        assert!(
            c.id.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.'),
            "id {who}"
        );
        assert!(c.source.len() > 20, "{who}: source {:?}", c.source);
        assert!(
            PLATFORMS.contains(&c.platform.as_str()),
            "{who}: platform {}",
            c.platform
        );
        assert_eq!(
            c.browser,
            BROWSERS.contains(&c.platform.as_str()),
            "{who}: browser flag"
        );
        assert!(
            valid_store(&c.rules.store),
            "{who}: store {}",
            c.rules.store
        );
        let r = &c.rules;
        if let (Some(lo), Some(hi)) = (r.dh_min, r.dh_max) {
            assert!(lo <= hi, "{who}: DH limits");
        }
        if let (Some(lo), Some(hi)) = (r.rsa_min, r.rsa_max) {
            assert!(lo <= hi, "{who}: RSA limits");
        }
        if let Some(min) = r.min_protocol {
            assert!(c.versions.contains(&min), "{who}: min_protocol not offered");
        }
        assert!(
            !c.versions.is_empty() && !c.suites.is_empty(),
            "{who}: empty hello"
        );
    }
}

#[test]
fn every_code_point_is_known() {
    for c in table() {
        for v in &c.versions {
            // Firefox 62 offered a TLS 1.3 draft (0x7F1C): kept, as every unknown value is.
            assert!(
                v.known_name().is_some() || v.0 >> 8 == 0x7F,
                "{}: version {v}",
                c.id
            );
        }
        for s in &c.suites {
            assert!(s.known_name().is_some(), "{}: suite {s}", c.id);
        }
        for g in c.groups.iter().chain(&c.key_shares) {
            assert!(g.known_name().is_some(), "{}: group {g}", c.id);
        }
        for k in &c.key_shares {
            assert!(
                c.groups.contains(k),
                "{}: key share {k} not in groups",
                c.id
            );
        }
        for s in &c.signature_algorithms {
            assert!(
                !s.starts_with("0x"),
                "{}: signature scheme {s} unnamed",
                c.id
            );
        }
    }
}

#[test]
fn what_each_client_does_about_missing_intermediates() {
    for c in table() {
        let want: &[Intermediates] = match c.platform.as_str() {
            "chrome" | "edge" | "safari" | "ie" | "opera" | "apple-app" => &[Intermediates::Fetch],
            "firefox" => &[Intermediates::Preloaded, Intermediates::None],
            _ => &[Intermediates::None],
        };
        assert!(
            want.contains(&c.rules.intermediates),
            "{}: {:?}",
            c.id,
            c.rules.intermediates
        );
    }
}

fn find(pred: impl Fn(&ClientProfile) -> bool) -> Vec<&'static ClientProfile> {
    table().iter().filter(|c| pred(c)).collect()
}

#[test]
fn the_clients_design_lists_are_present() {
    let current =
        |platform: &'static str| move |c: &ClientProfile| c.platform == platform && c.current;
    for platform in [
        "chrome", "firefox", "edge", "java", "openssl", "curl", "python", "android",
    ] {
        assert!(!find(current(platform)).is_empty(), "a current {platform}");
    }
    for store in ["apple-macos", "apple-ios"] {
        assert!(
            !find(|c| c.platform == "safari" && c.current && c.rules.store == store).is_empty(),
            "a current Safari on {store}"
        );
    }
    let named = |prefix: &'static str| move |c: &ClientProfile| c.name.starts_with(prefix);
    for prefix in [
        "Android 4.4",
        "Android 7",
        "Android 9",
        "Android 13",
        "Java 6",
        "Java 7",
        "Java 8",
        "Java 11",
        "Java 17",
        "Java 21",
        "OpenSSL 1.0.2",
        "OpenSSL 1.1.1",
        "OpenSSL 3.0",
        "Go ",
        "Python",
        "curl",
        "Googlebot",
        "IE 11 / Win 7",
    ] {
        assert!(!find(named(prefix)).is_empty(), "{prefix}…");
    }
    assert!(
        find(|c| c.name.contains("XP")).len() >= 2,
        "Windows XP clients"
    );
    assert!(
        find(|c| c.platform == "android").len() >= 5,
        "several Android versions"
    );
}

#[test]
fn openssl_3_as_debian_ships_it_is_security_level_2() {
    let debian = find(|c| c.id == "openssl-3.0-debian12");
    let r = &debian[0].rules;
    assert_eq!(r.min_protocol, Some(V::TLS12));
    assert_eq!((r.rsa_min, r.dh_min), (Some(2048), Some(2048)));
    assert!(!r.sha1);
    for id in ["java-7u25", "java-6u45"] {
        assert_eq!(find(|c| c.id == id)[0].rules.dh_max, Some(1024), "{id}");
    }
}

/// What a recorded ClientHello says, read by this test.
#[derive(Debug, Default)]
struct Hello {
    client_version: u16,
    suites: Vec<u16>,
    sni: bool,
    groups: Vec<u16>,
    key_shares: Vec<u16>,
    versions: Vec<u16>,
    alpn: Vec<String>,
    sigalgs: usize,
    extensions: usize,
}

fn grease(v: u16) -> bool {
    v & 0x0F0F == 0x0A0A && v >> 8 == v & 0xFF
}

struct R<'a>(&'a [u8]);

impl<'a> R<'a> {
    fn take(&mut self, n: usize) -> &'a [u8] {
        assert!(self.0.len() >= n, "truncated hello");
        let (h, t) = self.0.split_at(n);
        self.0 = t;
        h
    }
    fn u(&mut self, n: usize) -> usize {
        self.take(n).iter().fold(0, |a, b| a << 8 | usize::from(*b))
    }
    fn vec(&mut self, n: usize) -> R<'a> {
        let len = self.u(n);
        R(self.take(len))
    }
    fn u16s(mut self) -> Vec<u16> {
        let mut out = Vec::new();
        while !self.0.is_empty() {
            out.push(u16::try_from(self.u(2)).unwrap());
        }
        out
    }
}

fn read_hello(bytes: &[u8]) -> Hello {
    let mut h = Hello::default();
    if bytes[0] & 0x80 != 0 {
        // SSLv2-compatible CLIENT-HELLO: 3-byte cipher specs, no extensions.
        let mut r = R(&bytes[2..]);
        assert_eq!(r.u(1), 1);
        h.client_version = u16::try_from(r.u(2)).unwrap();
        let (specs, _sid, _chal) = (r.u(2), r.u(2), r.u(2));
        let specs = r.take(specs);
        h.suites = specs
            .chunks(3)
            .filter(|s| s[0] == 0)
            .map(|s| u16::from_be_bytes([s[1], s[2]]))
            .collect();
        return h;
    }
    let mut body = Vec::new();
    let mut rec = R(bytes);
    while !rec.0.is_empty() {
        assert_eq!(rec.u(1), 0x16, "handshake record");
        rec.u(2);
        body.extend_from_slice(rec.vec(2).0);
    }
    let mut hs = R(&body);
    assert_eq!(hs.u(1), 1, "ClientHello");
    let mut r = hs.vec(3);
    assert!(hs.0.is_empty(), "one handshake message");
    h.client_version = u16::try_from(r.u(2)).unwrap();
    r.take(32);
    r.vec(1);
    h.suites = r.vec(2).u16s();
    r.vec(1);
    if r.0.is_empty() {
        return h;
    }
    let mut exts = r.vec(2);
    assert!(r.0.is_empty(), "nothing after the extensions");
    while !exts.0.is_empty() {
        let typ = exts.u(2);
        let mut e = exts.vec(2);
        h.extensions += 1;
        match typ {
            0x0000 => h.sni = !e.0.is_empty(),
            0x000A => h.groups = e.vec(2).u16s(),
            0x000D => h.sigalgs = e.vec(2).u16s().len(),
            0x0010 => {
                let mut list = e.vec(2);
                while !list.0.is_empty() {
                    h.alpn
                        .push(String::from_utf8_lossy(list.vec(1).0).into_owned());
                }
            }
            0x002B => h.versions = e.vec(1).u16s(),
            0x0033 => {
                let mut shares = e.vec(2);
                while !shares.0.is_empty() {
                    h.key_shares.push(u16::try_from(shares.u(2)).unwrap());
                    shares.vec(2);
                }
            }
            _ => {}
        }
    }
    h
}

#[test]
fn recorded_hellos_say_what_the_fields_say() {
    let mut recorded = 0;
    for c in table() {
        let Some(bytes) = c.hello_bytes() else {
            assert!(c.hello.is_none(), "{}: hello is not hex", c.id);
            continue;
        };
        recorded += 1;
        let h = read_hello(&bytes);
        let who = &c.id;
        let scsv = [0x00FF, 0x5600];
        let suites: Vec<CipherSuite> = h
            .suites
            .iter()
            .filter(|s| !grease(**s) && !scsv.contains(*s))
            .map(|s| CipherSuite(*s))
            .collect();
        assert_eq!(suites, c.suites, "{who}: suites");
        let no_grease = |v: &[u16]| -> Vec<NamedGroup> {
            v.iter()
                .filter(|g| !grease(**g))
                .map(|g| NamedGroup(*g))
                .collect()
        };
        assert_eq!(no_grease(&h.groups), c.groups, "{who}: groups");
        assert_eq!(no_grease(&h.key_shares), c.key_shares, "{who}: key shares");
        assert_eq!(h.sni, c.sni, "{who}: SNI");
        assert_eq!(h.alpn, c.alpn, "{who}: ALPN");
        assert_eq!(
            h.sigalgs,
            c.signature_algorithms.len(),
            "{who}: signature algorithms"
        );
        assert_eq!(h.extensions, c.extensions.len(), "{who}: extensions");
        let newest = h
            .versions
            .iter()
            .copied()
            .filter(|v| !grease(*v) && V(*v).known_name().is_some())
            .max()
            .unwrap_or(h.client_version);
        assert_eq!(
            c.max_protocol().map(|v| v.0),
            Some(newest),
            "{who}: newest version"
        );
    }
    assert!(recorded >= 60, "{recorded} recorded hellos");
}
