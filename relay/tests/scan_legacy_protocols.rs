//! SSLv2 and SSLv3 detection against a scripted server built on the
//! relay's own codec (no TLS library on this machine still speaks them). The
//! server accepts SSLv2, SSLv3 and TLS 1.0 with a few legacy suites, server
//! order, no secure renegotiation, and DEFLATE compression.

#![allow(clippy::unwrap_used)]

mod common;

use std::io::{Read, Write};
use std::time::Duration;

use common::*;
use tlslens_relay::codec::{
    encode_records, Alert, AlertDescription, Certificate, CipherSuite, ClientHello, ContentType,
    ProtocolVersion, ServerHello, ServerHelloDone, Sslv2ServerHello,
};

/// Server preference: 3DES, RC4-SHA, AES128-SHA.
const SUITES: [CipherSuite; 3] = [
    CipherSuite(0x000A),
    CipherSuite(0x0005),
    CipherSuite(0x002F),
];

fn answer(mut s: std::net::TcpStream, cert: Vec<u8>) {
    let _ = s.set_read_timeout(Some(Duration::from_secs(2)));
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => return,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        if buf[0] & 0x80 != 0 {
            // SSLv2 CLIENT-HELLO: answer with a SERVER-HELLO.
            let hello = Sslv2ServerHello {
                session_id_hit: 0,
                certificate_type: 1,
                version: ProtocolVersion::SSLV2,
                certificate: cert.clone(),
                cipher_specs: vec![0x01_0080, 0x07_00C0],
                connection_id: vec![1; 16],
            };
            let _ = s.write_all(&hello.encode_record().unwrap());
            return;
        }
        match ClientHello::read_records(&buf) {
            Ok(Some((hello, _))) => {
                let reply = reply_to(&hello, &cert);
                let _ = s.write_all(&reply);
                std::thread::sleep(Duration::from_millis(50));
                return;
            }
            Ok(None) => continue,
            Err(_) => return,
        }
    }
}

fn reply_to(hello: &ClientHello, cert: &[u8]) -> Vec<u8> {
    let alert = |d: AlertDescription| {
        encode_records(
            ContentType::ALERT,
            ProtocolVersion::TLS10,
            &Alert::fatal(d).encode(),
        )
    };
    if hello.client_version < ProtocolVersion::SSLV3 {
        return alert(AlertDescription::PROTOCOL_VERSION);
    }
    let version = hello.client_version.min(ProtocolVersion::TLS10);
    if hello
        .cipher_suites
        .contains(&CipherSuite::TLS_FALLBACK_SCSV)
        && version < ProtocolVersion::TLS10
    {
        return alert(AlertDescription::INAPPROPRIATE_FALLBACK);
    }
    let Some(suite) = SUITES
        .iter()
        .copied()
        .find(|s| hello.cipher_suites.contains(s))
    else {
        return alert(AlertDescription::HANDSHAKE_FAILURE);
    };
    let mut sh = ServerHello::new(version, [3; 32], suite);
    if hello.compression_methods.contains(&1) {
        sh.compression_method = 1;
    }
    let mut out = Vec::new();
    for msg in [
        sh.to_message().unwrap(),
        Certificate {
            certificates: vec![cert.to_vec()],
        }
        .to_message()
        .unwrap(),
        ServerHelloDone.to_message().unwrap(),
    ] {
        out.extend(encode_records(
            ContentType::HANDSHAKE,
            version,
            &msg.encode().unwrap(),
        ));
    }
    out
}

#[test]
fn sslv2_sslv3_tls10_legacy_server() {
    let cert = self_signed(&["old.test"]).der;
    let port = hostile(move |s| answer(s, cert.clone()));
    let report = scan_json("old.test", port, "127.0.0.1", &[]);
    let ep = &report["endpoints"][0];
    assert_eq!(
        strings(&ep["protocols"]),
        ["SSLv2", "SSLv3", "TLSv1.0"],
        "{ep}"
    );
    assert_eq!(
        strings(&ep["sslv2_ciphers"]),
        [
            "SSL_CK_RC4_128_WITH_MD5",
            "SSL_CK_DES_192_EDE3_CBC_WITH_MD5"
        ],
        "{ep}"
    );
    for proto in ["SSLv3", "TLSv1.0"] {
        assert_eq!(
            strings(&ep["cipher_suites"][proto]),
            [
                "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
                "TLS_RSA_WITH_RC4_128_SHA",
                "TLS_RSA_WITH_AES_128_CBC_SHA"
            ],
            "{proto}: {ep}"
        );
        assert_eq!(ep["server_cipher_order"][proto], true, "{ep}");
    }
    assert_eq!(ep["compression"], true, "{ep}");
    assert_eq!(ep["secure_renegotiation"], false, "{ep}");
    assert_eq!(ep["fallback_scsv"], true, "{ep}");
    assert_eq!(ep["grade"], "T", "self-signed: {ep}");
    assert_eq!(ep["grade_trust_ignored"], "F", "SSLv2: {ep}");
    assert!(ep["chain"]["certificates"][0]["subject"]
        .as_str()
        .unwrap()
        .contains("old.test"));
}
