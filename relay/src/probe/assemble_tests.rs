//! The assembly from hand-made outcomes: no network. The full endpoint is
//! also compared with a committed facts document
//! (`testdata/assembled_endpoint.json`); after an intended change of the
//! facts, rewrite it with `TLSLENS_BLESS=1 cargo test -p tlslens-relay --lib
//! assemble` and review the diff.

#![allow(clippy::unwrap_used, clippy::indexing_slicing)]

use tlslens_core::facts::{
    BrowserFacts, ChainFacts, DhGroupFacts, HttpFacts, KexKind, OracleStrength, VulnCheck,
    VulnStatus, Vulnerabilities,
};
use tlslens_core::Hex;

use super::*;
use crate::codec::{
    Certificate, CipherSuite, EcdheParams, Extension, ExtensionType, KeyExchangeParams, NamedGroup,
    ProtocolVersion, ServerFlight, ServerKeyExchange,
};
use crate::probe::chain::{Chains, NoSniChain};
use crate::probe::extras::Extras;
use crate::probe::http::HttpOutcome;
use crate::probe::order::Order;

fn error(probe: &str, code: &str, message: &str) -> ProbeError {
    ProbeError {
        probe: probe.to_owned(),
        code: code.to_owned(),
        message: message.to_owned(),
    }
}

fn run(contact: Contact, waves: Option<Waves>) -> EndpointRun {
    EndpointRun {
        ip: "192.0.2.1".to_owned(),
        sni: true,
        contact,
        timings: vec![Timing {
            probe: "protocols_suites".to_owned(),
            ms: 12,
        }],
        waves,
    }
}

fn chain(leaf: u8) -> ChainFacts {
    ChainFacts {
        certificates: vec![Der(vec![0x30, 3, 1, 2, leaf]), Der(vec![0x30, 3, 9, 9, 9])],
        protocol: Some(ProtocolVersion::TLS12),
        cipher_suite: Some(CipherSuite(0xC02F)),
        ..ChainFacts::default()
    }
}

/// The first complete TLS 1.2 flight: secure renegotiation, a ticket, an
/// ECDHE x25519 key exchange, a certificate.
fn tls12_flight() -> Box<ServerFlight> {
    let mut random = [5; 32];
    random[24..].copy_from_slice(b"DOWNGRD\x01");
    let mut sh = ServerHello::new(ProtocolVersion::TLS12, random, CipherSuite(0xC02F));
    sh.session_id = vec![7; 32];
    sh.extensions = vec![
        Extension::new(ExtensionType::RENEGOTIATION_INFO, vec![0]),
        Extension::new(ExtensionType::SESSION_TICKET, vec![]),
        Extension::new(ExtensionType::SIGNED_CERTIFICATE_TIMESTAMP, vec![0, 0]),
    ];
    Box::new(ServerFlight {
        server_hello: Some(sh),
        certificate: Some(Certificate {
            certificates: vec![vec![0x30, 3, 1, 2, 1], vec![0x30, 3, 9, 9, 9]],
        }),
        server_key_exchange: Some(ServerKeyExchange {
            params: KeyExchangeParams::Ecdhe(EcdheParams {
                named_group: NamedGroup::X25519,
                point: vec![9; 32],
            }),
            signature: vec![],
        }),
        server_hello_done: true,
        ..ServerFlight::default()
    })
}

/// A TLS 1.2 + 1.3 server as the waves would find it.
fn waves() -> Waves {
    let suites12 = vec![
        CipherSuite(0xC02F),
        CipherSuite(0xC030),
        CipherSuite(0x009C),
    ];
    let suites13 = vec![CipherSuite(0x1301), CipherSuite(0x1302)];
    let first = FirstWave {
        sslv2: Sslv2::Absent,
        legacy: vec![
            VersionSuites::none(ProtocolVersion::SSLV3),
            VersionSuites::none(ProtocolVersion::TLS10),
            VersionSuites::none(ProtocolVersion::TLS11),
            VersionSuites {
                version: ProtocolVersion::TLS12,
                suites: suites12.clone(),
                flight: Some(tls12_flight()),
                public_values: Vec::new(),
                first_choice: None,
            },
        ],
        tls13: VersionSuites {
            version: ProtocolVersion::TLS13,
            suites: suites13.clone(),
            flight: None,
            public_values: Vec::new(),
            first_choice: None,
        },
        browser: BrowserFacts {
            client: "chrome-131".to_owned(),
            protocol: Some(ProtocolVersion::TLS13),
            cipher_suite: Some(CipherSuite(0x1301)),
            group: Some(NamedGroup::X25519MLKEM768),
            error: None,
        },
    };
    let second = SecondWave {
        orders: vec![
            Order {
                server_order: Some(true),
                suites: vec![
                    CipherSuite(0xC030),
                    CipherSuite(0xC02F),
                    CipherSuite(0x009C),
                ],
            },
            Order {
                server_order: Some(false),
                suites: suites13,
            },
        ],
        groups: Groups {
            groups: vec![NamedGroup::X25519, NamedGroup::SECP256R1],
            server_order: Some(true),
        },
        extras: Extras {
            alpn: vec!["http/1.1".to_owned()],
            fallback_scsv: Some(true),
            compression: Some(false),
        },
        chains: Chains {
            primary: Some(chain(1)),
            handshake_alpn: None,
            certificate_sent: Some(true),
            no_sni: NoSniChain {
                chain: Some(chain(2)),
                failed: false,
            },
            others: vec![chain(3)],
        },
        http: HttpOutcome {
            http: HttpFacts {
                status: Some(200),
                hsts: Some("max-age=63072000".to_owned()),
                accept_encoding: Some("gzip, deflate, br".to_owned()),
                content_encoding: Some("gzip".to_owned()),
                error: None,
            },
            resumed: Some(true),
            session_ids: Some(false),
            alpn: Some(b"http/1.1".to_vec()),
        },
        vulnerabilities: Vulnerabilities {
            heartbleed: Some(VulnCheck::not_vulnerable("no heartbeat extension")),
            ccs_injection: Some(VulnCheck::not_vulnerable("alert unexpected_message")),
            ..Vulnerabilities::default()
        },
        robot: VulnCheck {
            oracle: Some(OracleStrength::Weak),
            ..VulnCheck::vulnerable("weak oracle")
        },
        ticketbleed: VulnCheck::not_vulnerable("session id echoed as sent"),
        poodle_tls: VulnCheck::not_tested("no CBC suite the probe implements"),
        renegotiation: VulnCheck::not_vulnerable("alert no_renegotiation"),
        early_data: VulnCheck::vulnerable("0-RTT accepted"),
        public_values: vec![
            PublicValueFacts {
                kind: KexKind::Ecdhe,
                group: Some(NamedGroup::X25519),
                value: Hex(vec![1; 32]),
            },
            PublicValueFacts {
                kind: KexKind::Ecdhe,
                group: Some(NamedGroup::X25519),
                value: Hex(vec![2; 32]),
            },
        ],
        sslv2_compatible_hello: Some(false),
        clients: None,
    };
    Waves { first, second }
}

fn answered() -> Contact {
    Contact {
        connected: true,
        answered: true,
        silent_refusals: 0,
        errors: vec![error("order:TLSv1.2", "timeout", "connect timed out")],
        dh_bits: Some(2048),
        dh_groups: vec![DhGroupFacts {
            p: Hex(vec![0xFF; 4]),
            g: Hex(vec![2]),
        }],
    }
}

#[test]
fn unreachable_endpoint_reports_the_first_failure_only() {
    let contact = Contact {
        errors: vec![
            error("suites:TLSv1.2#0", "refused", "connect: connection refused"),
            error("browser", "refused", "connect: connection refused"),
        ],
        ..Contact::default()
    };
    let facts = endpoint(run(contact, None));
    assert_eq!(
        facts.error,
        Some(error("connect", "refused", "connect: connection refused"))
    );
    assert!(facts.probe_errors.is_empty());
    assert!(facts.timings.is_empty());
    assert!(facts.protocols.is_empty() && facts.browser.is_none());

    let facts = endpoint(run(Contact::default(), None));
    assert_eq!(
        facts.error,
        Some(error(
            "connect",
            "unreachable",
            "no connection could be made"
        ))
    );
}

#[test]
fn endpoint_without_tls_answer_is_a_handshake_error() {
    let silent = Contact {
        connected: true,
        silent_refusals: 3,
        ..Contact::default()
    };
    let facts = endpoint(run(silent, None));
    let expected = error(
        "handshake",
        "no_tls",
        "the server closed or reset every connection without a TLS answer",
    );
    assert_eq!(facts.error.as_ref(), Some(&expected));
    assert_eq!(facts.probe_errors, [expected]);
    assert_eq!(facts.timings.len(), 1);

    let refused = Contact {
        connected: true,
        ..Contact::default()
    };
    let facts = endpoint(run(refused, None));
    assert_eq!(
        facts.error.map(|e| e.message),
        Some("the server refused every hello".to_owned())
    );

    let garbage = Contact {
        connected: true,
        errors: vec![error(
            "browser",
            "garbage",
            "the server's answer is not TLS",
        )],
        ..Contact::default()
    };
    let facts = endpoint(run(garbage, None));
    assert_eq!(
        facts.error,
        Some(error(
            "handshake",
            "garbage",
            "no TLS handshake succeeded: the server's answer is not TLS"
        ))
    );
    assert_eq!(facts.probe_errors.len(), 1);
    assert_eq!(facts.probe_errors[0].probe, "browser");
}

#[test]
fn full_endpoint_matches_the_committed_facts() {
    let facts = endpoint(run(answered(), Some(waves())));
    let json = serde_json::to_string_pretty(&facts).unwrap() + "\n";
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/probe/testdata/assembled_endpoint.json"
    );
    if std::env::var_os("TLSLENS_BLESS").is_some() {
        std::fs::write(path, &json).unwrap();
    }
    let expected = std::fs::read_to_string(path).unwrap();
    assert_eq!(json, expected, "assembled facts differ from {path}");
}

#[test]
fn full_endpoint_facts_come_from_the_right_outcomes() {
    let facts = endpoint(run(answered(), Some(waves())));
    assert_eq!(facts.error, None);
    assert_eq!(facts.probe_errors.len(), 1);
    assert_eq!(
        facts.protocols,
        [ProtocolVersion::TLS12, ProtocolVersion::TLS13]
    );
    // Suites in the order stage's order, under the first wave's versions.
    assert_eq!(facts.cipher_suites.len(), 2);
    assert_eq!(facts.cipher_suites[0].protocol, ProtocolVersion::TLS12);
    assert_eq!(facts.cipher_suites[0].suites[0], CipherSuite(0xC030));
    assert_eq!(facts.cipher_suites[0].server_order, Some(true));
    assert_eq!(facts.cipher_suites[1].server_order, Some(false));
    // The browser's group wins over the TLS 1.2 flight's curve.
    assert_eq!(
        facts.key_exchange.ecdh_group,
        Some(NamedGroup::X25519MLKEM768)
    );
    assert_eq!(facts.key_exchange.dh_bits, Some(2048));
    assert_eq!(facts.secure_renegotiation, Some(true));
    let resumption = facts.session_resumption.unwrap();
    assert_eq!(
        (resumption.tickets, resumption.session_ids),
        (Some(true), Some(false))
    );
    // The no-SNI handshake worked: SNI is not required.
    assert_eq!(facts.sni_required, Some(false));
    assert_eq!(facts.chain_no_sni, Some(chain(2)));
    assert_eq!(facts.other_chains, [chain(3)]);
    assert_eq!(facts.alpn, ["http/1.1"]);
    assert_eq!(facts.certificate_sent, Some(true));
    // Each vulnerability from its own stage; DROWN is left to the core.
    let v = &facts.vulnerabilities;
    let status = |c: &Option<VulnCheck>| c.as_ref().map(|c| c.status);
    assert_eq!(status(&v.heartbleed), Some(VulnStatus::NotVulnerable));
    assert_eq!(status(&v.ccs_injection), Some(VulnStatus::NotVulnerable));
    assert_eq!(v.robot.as_ref().unwrap().oracle, Some(OracleStrength::Weak));
    assert_eq!(status(&v.ticketbleed), Some(VulnStatus::NotVulnerable));
    assert_eq!(status(&v.poodle_tls), Some(VulnStatus::NotTested));
    assert_eq!(
        v.insecure_renegotiation.as_ref().unwrap().evidence,
        "alert no_renegotiation"
    );
    assert_eq!(status(&v.early_data), Some(VulnStatus::Vulnerable));
    assert_eq!(v.drown, None);
}

#[test]
fn protocol_details_and_key_exchange_come_from_the_right_outcomes() {
    let facts = endpoint(run(answered(), Some(waves())));
    // The TLS 1.2 flight's random carries DOWNGRD\x01; the other versions
    // had no flight.
    assert_eq!(
        facts.downgrade_sentinels.into_iter().collect::<Vec<_>>(),
        [(ProtocolVersion::TLS12, DowngradeSentinel::Tls12)]
    );
    assert_eq!(facts.sct_extension, Some(Der(vec![0, 0])));
    assert_eq!(facts.groups_server_order, Some(true));
    assert_eq!(facts.sslv2_compatible_hello, Some(false));
    assert_eq!(facts.key_exchange.dh_groups, answered().dh_groups);
    assert_eq!(facts.key_exchange.public_values.len(), 2);
    assert_eq!(facts.session_resumption.unwrap().ids_assigned, Some(true));
    let http = facts.http.unwrap();
    assert_eq!(http.content_encoding.as_deref(), Some("gzip"));

    // Without a TLS ≤ 1.2 flight: no SCT extension measured, no sentinel.
    let mut w = waves();
    for v in &mut w.first.legacy {
        *v = VersionSuites::none(v.version);
    }
    let facts = endpoint(run(answered(), Some(w)));
    assert_eq!(facts.sct_extension, None);
    assert!(facts.downgrade_sentinels.is_empty());
}

#[test]
fn sni_required_only_when_the_no_sni_probe_was_refused() {
    let mut w = waves();
    w.second.chains.no_sni = NoSniChain::default();
    let facts = endpoint(run(answered(), Some(w.clone())));
    assert_eq!(facts.sni_required, Some(true));
    // A failed no-SNI probe proves nothing.
    w.second.chains.no_sni.failed = true;
    assert_eq!(
        endpoint(run(answered(), Some(w.clone()))).sni_required,
        None
    );
    // Nor does a target without SNI (an IP literal), or no primary chain.
    w.second.chains.no_sni.failed = false;
    let mut no_name = run(answered(), Some(w.clone()));
    no_name.sni = false;
    assert_eq!(endpoint(no_name).sni_required, None);
    w.second.chains.primary = None;
    assert_eq!(endpoint(run(answered(), Some(w))).sni_required, None);
}

#[test]
fn tls13_only_server_facts() {
    let mut w = waves();
    for v in &mut w.first.legacy {
        *v = VersionSuites::none(v.version);
    }
    w.first.browser.group = None;
    w.second.orders.remove(0);
    w.second.extras = Extras {
        compression: Some(false),
        ..Extras::default()
    };
    w.second.chains.handshake_alpn = Some(b"h2".to_vec());
    let untested = VulnCheck::not_tested("the server speaks none of TLS 1.0–1.2");
    w.second.vulnerabilities = Vulnerabilities {
        heartbleed: Some(untested.clone()),
        ccs_injection: Some(untested.clone()),
        ..Vulnerabilities::default()
    };
    w.second.robot = untested.clone();
    w.second.http.session_ids = None;
    w.second.http.resumed = Some(false);
    let facts = endpoint(run(answered(), Some(w)));
    assert_eq!(facts.protocols, [ProtocolVersion::TLS13]);
    // ALPN from the chain's rustls handshake (h2), then the GET's http/1.1.
    assert_eq!(facts.alpn, ["h2", "http/1.1"]);
    // No TLS ≤ 1.2 flight: renegotiation unknown, no curve to fall back on,
    // tickets from the TLS 1.3 reconnection.
    assert_eq!(facts.secure_renegotiation, None);
    assert_eq!(facts.key_exchange.ecdh_group, None);
    let resumption = facts.session_resumption.unwrap();
    assert_eq!(
        (resumption.tickets, resumption.session_ids),
        (Some(false), None)
    );
    assert_eq!(facts.vulnerabilities.heartbleed, Some(untested.clone()));
    assert_eq!(facts.vulnerabilities.robot, Some(untested));
}

#[test]
fn legacy_curve_and_sslv2_ciphers() {
    let mut w = waves();
    w.first.browser.group = None;
    w.first.sslv2 = Sslv2::Supported {
        ciphers: vec!["SSL_CK_RC4_128_WITH_MD5".to_owned()],
        certificate: Some(vec![0x30, 3, 1, 2, 3]),
    };
    let facts = endpoint(run(answered(), Some(w)));
    assert_eq!(facts.key_exchange.ecdh_group, Some(NamedGroup::X25519));
    assert_eq!(facts.protocols[0], ProtocolVersion::SSLV2);
    assert_eq!(facts.sslv2_ciphers, ["SSL_CK_RC4_128_WITH_MD5"]);
    assert_eq!(facts.sslv2_certificate, Some(Der(vec![0x30, 3, 1, 2, 3])));
}

#[test]
fn resumption_facts() {
    let with_ticket = tls12_flight().server_hello.unwrap();
    let mut without = with_ticket.clone();
    without.extensions.clear();
    let r = |sh: Option<&ServerHello>, tls13, resumed, ids| {
        resumption(sh, tls13, resumed, ids).map(|r| (r.tickets, r.session_ids))
    };
    assert_eq!(
        r(Some(&with_ticket), false, None, None),
        Some((Some(true), None))
    );
    // A TLS 1.2 hello without a ticket; a TLS 1.3 reconnection that resumed.
    assert_eq!(
        r(Some(&without), true, Some(true), None),
        Some((Some(true), None))
    );
    assert_eq!(
        r(Some(&without), false, Some(true), None),
        Some((Some(false), None))
    );
    assert_eq!(r(None, false, None, Some(true)), Some((None, Some(true))));
    assert_eq!(r(None, false, Some(true), None), None);
}

#[test]
fn scan_without_any_reachable_endpoint_is_an_error() {
    let header = ScanHeader {
        host: "example.test".to_owned(),
        port: 443,
        now: 1_700_000_000,
        extra_anchors: vec![],
    };
    let down = endpoint(run(Contact::default(), None));
    match scan(header.clone(), vec![down.clone(), down.clone()]) {
        Err(Error::Unreachable {
            target,
            message,
            timed_out,
            connected,
        }) => {
            assert_eq!(target, "example.test:443");
            assert_eq!(message, "192.0.2.1: no connection could be made");
            assert!(!timed_out, "no connection is not a timeout");
            assert!(!connected);
        }
        other => panic!("{other:?}"),
    }
    // TCP connections, but no hello answered: the error says so.
    let no_tls = endpoint(run(
        Contact {
            connected: true,
            ..Contact::default()
        },
        None,
    ));
    match scan(header.clone(), vec![down.clone(), no_tls]) {
        Err(Error::Unreachable { connected, .. }) => assert!(connected),
        other => panic!("{other:?}"),
    }
    assert!(matches!(
        scan(header.clone(), vec![]),
        Err(Error::Unreachable { message, .. }) if message == "no endpoint"
    ));
    // Endpoints that never answered in time: a timeout (504), said by the
    // failure's code, not by its text.
    let slow = endpoint(run(
        Contact {
            errors: vec![error("suites:TLSv1.2#0", "timeout", "connect timed out")],
            ..Contact::default()
        },
        None,
    ));
    match scan(header.clone(), vec![slow]) {
        Err(
            e @ Error::Unreachable {
                timed_out: true, ..
            },
        ) => {
            assert_eq!(e.kind(), crate::ErrorKind::Timeout);
        }
        other => panic!("{other:?}"),
    }
    // One endpoint answered: the others stay with their error.
    let up = endpoint(run(answered(), Some(waves())));
    let facts = scan(header, vec![down, up]).unwrap();
    assert_eq!(facts.endpoints.len(), 2);
    assert_eq!(facts.started_at.as_deref(), Some("2023-11-14T22:13:20Z"));
    assert_eq!(facts.target.host, "example.test");
}

#[test]
fn simulated_clients_name_recorded_chains_and_keep_new_ones() {
    use crate::probe::clients::Simulated;
    use tlslens_core::facts::{ChainRef, ChainSlot, HandshakeError, HandshakeErrorKind};
    let mut w = waves();
    let seen = |client: &str, sni: bool, chain: Option<ChainFacts>| Simulated {
        client: client.to_owned(),
        sni,
        protocol: Some(ProtocolVersion::TLS12),
        cipher_suite: Some(CipherSuite(0x0039)),
        group: None,
        dh_bits: Some(1024),
        chain,
        error: None,
    };
    let refused = Simulated {
        client: "ie-8-xp".to_owned(),
        error: Some(HandshakeError {
            kind: HandshakeErrorKind::Alert,
            alert: Some(40),
            message: String::new(),
        }),
        ..Simulated::default()
    };
    w.second.clients = Some(vec![
        seen("java-7u25", true, Some(chain(1))),
        seen("java-8u31", true, Some(chain(3))),
        seen("android-2.3.7", false, Some(chain(2))),
        seen("android-4.4.2", true, Some(chain(7))),
        seen("openssl-3.0-debian12", true, None),
        refused,
    ]);
    let facts = endpoint(run(answered(), Some(w)));
    let clients = facts.clients.unwrap();
    let ids: Vec<&str> = clients.iter().map(|c| c.client.as_str()).collect();
    assert_eq!(
        ids,
        [
            "java-7u25",
            "java-8u31",
            "android-2.3.7",
            "android-4.4.2",
            "openssl-3.0-debian12",
            "ie-8-xp"
        ]
    );
    assert_eq!(clients[0].chain, Some(ChainRef::Index(0)));
    assert_eq!(clients[1].chain, Some(ChainRef::Index(1)));
    assert_eq!(clients[2].chain, Some(ChainRef::Slot(ChainSlot::NoSni)));
    assert_eq!(clients[3].chain, Some(ChainRef::Inline(Box::new(chain(7)))));
    assert_eq!(clients[4].chain, None);
    assert_eq!(clients[0].dh_bits, Some(1024));
    assert_eq!(clients[0].cipher_suite, Some(CipherSuite(0x0039)));
    assert_eq!(clients[5].protocol, None);
    assert_eq!(clients[5].error.as_ref().unwrap().alert, Some(40));
    // Without the simulation the facts say it did not run.
    assert!(endpoint(run(answered(), Some(waves()))).clients.is_none());
}
