//! Cross-module tests of the codec: RFC 8448 vectors, whole server flights
//! (TLS 1.2, TLS 1.3, HelloRetryRequest, alerts, SSLv2, non-TLS peers),
//! truncation at every offset, limits, and deterministic random inputs that
//! must never panic.

#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::arithmetic_side_effects,
    clippy::panic
)]

use super::*;

fn hex(s: &str) -> Vec<u8> {
    let digits: Vec<u8> = s.bytes().filter(u8::is_ascii_hexdigit).collect();
    digits
        .chunks(2)
        .map(|pair| u8::from_str_radix(std::str::from_utf8(pair).unwrap(), 16).unwrap())
        .collect()
}

fn array32(s: &str) -> [u8; 32] {
    <[u8; 32]>::try_from(hex(s).as_slice()).unwrap()
}

// RFC 8448 §3 "Simple 1-RTT Handshake": ClientHello and ServerHello
// handshake messages (header included).
const RFC8448_CLIENT_HELLO: &str = "
    01 00 00 c0 03 03 cb 34 ec b1 e7 81 63 ba 1c 38 c6 da cb 19 6a 6d ff a2 1a 8d 99 12 ec 18 a2
    ef 62 83 02 4d ec e7 00 00 06 13 01 13 03 13 02 01 00 00 91 00 00 00 0b 00 09 00 00 06 73 65
    72 76 65 72 ff 01 00 01 00 00 0a 00 14 00 12 00 1d 00 17 00 18 00 19 01 00 01 01 01 02 01 03
    01 04 00 23 00 00 00 33 00 26 00 24 00 1d 00 20 99 38 1d e5 60 e4 bd 43 d2 3d 8e 43 5a 7d ba
    fe b3 c0 6e 51 c1 3c ae 4d 54 13 69 1e 52 9a af 2c 00 2b 00 03 02 03 04 00 0d 00 20 00 1e 04
    03 05 03 06 03 02 03 08 04 08 05 08 06 04 01 05 01 06 01 02 01 04 02 05 02 06 02 02 02 00 2d
    00 02 01 01 00 1c 00 02 40 01";

const RFC8448_SERVER_HELLO: &str = "
    02 00 00 56 03 03 a6 af 06 a4 12 18 60 dc 5e 6e 60 24 9c d3 4c 95 93 0c 8a c5 cb 14 34 da c1
    55 77 2e d3 e2 69 28 00 13 01 00 00 2e 00 33 00 24 00 1d 00 20 c9 82 88 76 11 20 95 fe 66 76
    2b db f7 c6 72 e1 56 d6 cc 25 3b 83 3d f1 dd 69 b1 b0 4e 75 1f 0f 00 2b 00 02 03 04";

// RFC 8448 §5 "HelloRetryRequest": the HelloRetryRequest (secp256r1, cookie).
const RFC8448_HRR: &str = "
    020000ac0303cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c00130100008400
    3300020017002c0074007271dcd04bb88bc3189119398a00000000eefafc76c146b823b096f8aacad365dd0030
    953f4edf625636e5f21bb2e23fcc654b1b5b40318d10d137abcbb87574e36e8a1f025f7dfa5d6e50781b5eda4a
    a15b0c8be778257d16aa3030e9e7841dd9e4c0342267e8ca0caf571fb2b7cff0f934b0002b00020304";

// RFC 8448 §3: the (TLS 1.3 layout) Certificate message.
const RFC8448_CERTIFICATE: &str = "
    0b0001b9000001b50001b0308201ac30820115a003020102020102300d06092a864886f70d01010b0500300e310c300a
    06035504031303727361301e170d3136303733303031323335395a170d3236303733303031323335395a300e310c300a
    0603550403130372736130819f300d06092a864886f70d010101050003818d0030818902818100b4bb498f8279303d98
    0836399b36c6988c0c68de55e1bdb826d3901a2461eafd2de49a91d015abbc9a95137ace6c1af19eaa6af98c7ced4312
    0998e187a80ee0ccb0524b1b018c3e0b63264d449a6d38e22a5fda430846748030530ef0461c8ca9d9efbfae8ea6d1d0
    3e2bd193eff0ab9a8002c47428a6d35a8d88d79f7f1e3f0203010001a31a301830090603551d1304023000300b060355
    1d0f0404030205a0300d06092a864886f70d01010b05000381810085aad2a0e5b9276b908c65f73a7267170618a54c5f
    8a7b337d2df7a594365417f2eae8f8a58c8f8172f9319cf36b7fd6c55b80f21a03015156726096fd335e5e67f2dbf102
    702e608ccae6bec1fc63a42a99be5c3eb7107c3c54e9b9eb2bd5203b1c3b84e0a8b2f759409ba3eac9d91d402dcc0cc8
    f8961229ac9187b42b4de10000";

/// The RFC 8448 ClientHello, built with the builder API.
fn rfc8448_client_hello_built() -> ClientHello {
    ClientHello::new(
        ProtocolVersion::TLS12,
        array32("cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7"),
    )
    .with_cipher_suites([0x1301, 0x1303, 0x1302].map(CipherSuite))
    .with_extension(ClientExtension::server_name("server"))
    .with_extension(ClientExtension::RenegotiationInfo(vec![]))
    .with_extension(ClientExtension::SupportedGroups(
        [29, 23, 24, 25, 256, 257, 258, 259, 260]
            .map(NamedGroup)
            .to_vec(),
    ))
    .with_extension(ClientExtension::SessionTicket(vec![]))
    .with_extension(ClientExtension::KeyShare(vec![KeyShareEntry::new(
        NamedGroup::X25519,
        hex("99381de560e4bd43d23d8e435a7dbafeb3c06e51c13cae4d5413691e529aaf2c"),
    )]))
    .with_extension(ClientExtension::SupportedVersions(vec![
        ProtocolVersion::TLS13,
    ]))
    .with_extension(ClientExtension::SignatureAlgorithms(vec![
        0x0403, 0x0503, 0x0603, 0x0203, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0201,
        0x0402, 0x0502, 0x0602, 0x0202,
    ]))
    .with_extension(ClientExtension::PskKeyExchangeModes(vec![
        psk_key_exchange_mode::PSK_DHE_KE,
    ]))
    .with_extension(ClientExtension::Raw(Extension::new(
        ExtensionType::RECORD_SIZE_LIMIT,
        vec![0x40, 0x01],
    )))
}

#[test]
fn rfc8448_client_hello_parses_and_rebuilds_byte_exact() {
    let bytes = hex(RFC8448_CLIENT_HELLO);
    assert_eq!(bytes.len(), 196);
    let message = HandshakeMessage::read(&bytes).unwrap();
    assert_eq!(message.msg_type, HandshakeType::CLIENT_HELLO);
    let parsed = ClientHello::read(&message.body).unwrap();
    let built = rfc8448_client_hello_built();
    assert_eq!(parsed, built);
    assert_eq!(built.to_message().unwrap().encode().unwrap(), bytes);
    assert_eq!(
        parsed.extension(ExtensionType::SERVER_NAME),
        Some(&ClientExtension::server_name("server"))
    );
    // As records: one handshake record of version 0x0301.
    let records = built.encode_records().unwrap();
    assert_eq!(&records[..5], &[22, 3, 1, 0, 196]);
    assert_eq!(&records[5..], &bytes[..]);
}

#[test]
fn rfc8448_server_hello() {
    let bytes = hex(RFC8448_SERVER_HELLO);
    assert_eq!(bytes.len(), 90);
    let message = HandshakeMessage::read(&bytes).unwrap();
    let sh = ServerHello::read(&message.body).unwrap();
    assert_eq!(sh.legacy_version, ProtocolVersion::TLS12);
    assert_eq!(
        sh.random,
        array32("a6af06a4121860dc5e6e60249cd34c95930c8ac5cb1434dac155772ed3e26928")
    );
    assert!(sh.session_id.is_empty());
    assert_eq!(sh.cipher_suite, CipherSuite(0x1301));
    assert_eq!(sh.selected_version(), Some(ProtocolVersion::TLS13));
    assert_eq!(sh.negotiated_version(), ProtocolVersion::TLS13);
    assert!(sh.is_tls13());
    assert!(!sh.is_hello_retry_request());
    assert_eq!(sh.hello_retry_group(), None);
    assert_eq!(sh.key_share_group(), Some(NamedGroup::X25519));
    assert_eq!(
        sh.key_share(),
        Some(KeyShareEntry::new(
            NamedGroup::X25519,
            hex("c9828876112095fe66762bdbf7c672e156d6cc253b833df1dd69b1b04e751f0f")
        ))
    );
    assert_eq!(sh.downgrade_sentinel(), None);
    assert_eq!(sh.to_message().unwrap().encode().unwrap(), bytes);
}

#[test]
fn rfc8448_hello_retry_request() {
    let bytes = hex(RFC8448_HRR);
    assert_eq!(bytes.len(), 176);
    let sh = ServerHello::read(&HandshakeMessage::read(&bytes).unwrap().body).unwrap();
    assert!(sh.is_hello_retry_request());
    assert_eq!(sh.random, HELLO_RETRY_REQUEST_RANDOM);
    assert_eq!(sh.hello_retry_group(), Some(NamedGroup::SECP256R1));
    assert_eq!(sh.key_share_group(), Some(NamedGroup::SECP256R1));
    assert_eq!(sh.key_share(), None);
    assert_eq!(sh.cookie().map(<[u8]>::len), Some(0x72));
    assert_eq!(sh.selected_version(), Some(ProtocolVersion::TLS13));
    assert_eq!(sh.to_message().unwrap().encode().unwrap(), bytes);

    // As a flight: complete as soon as the HRR is in, even with the
    // middlebox-compatibility CCS behind it.
    let mut stream = encode_records(ContentType::HANDSHAKE, ProtocolVersion::TLS12, &bytes);
    stream.extend([20, 3, 3, 0, 1, 1]);
    let (flight, status) = ServerFlight::parse(&stream).unwrap();
    assert_eq!(status, FlightStatus::Done(FlightEnd::HelloRetryRequest));
    assert_eq!(
        flight.server_hello.unwrap().hello_retry_group(),
        Some(NamedGroup::SECP256R1)
    );
}

#[test]
fn rfc8448_tls13_certificate() {
    let bytes = hex(RFC8448_CERTIFICATE);
    assert_eq!(bytes.len(), 445);
    let message = HandshakeMessage::read(&bytes).unwrap();
    assert_eq!(message.msg_type, HandshakeType::CERTIFICATE);
    let cert = CertificateTls13::read(&message.body).unwrap();
    assert!(cert.context.is_empty());
    assert_eq!(cert.entries.len(), 1);
    assert_eq!(cert.entries[0].cert_data.len(), 432);
    assert_eq!(&cert.entries[0].cert_data[..4], &[0x30, 0x82, 0x01, 0xAC]);
    assert!(cert.entries[0].extensions.is_empty());
    assert_eq!(cert.to_message().unwrap().encode().unwrap(), bytes);
    // The TLS ≤ 1.2 parser rejects the 1.3 layout.
    assert!(Certificate::read(&message.body).is_err());
}

#[test]
fn tls13_flight_stops_at_first_encrypted_record() {
    let sh = hex(RFC8448_SERVER_HELLO);
    let mut stream = encode_records(ContentType::HANDSHAKE, ProtocolVersion::TLS12, &sh);
    let sh_len = stream.len();
    stream.extend([20, 3, 3, 0, 1, 1]); // middlebox-compatibility CCS
    stream.extend([23, 3, 3, 0, 4, 0xDE, 0xAD, 0xBE, 0xEF]);
    for cut in 0..sh_len + 6 {
        let (_, status) = ServerFlight::parse(&stream[..cut]).unwrap();
        assert_eq!(status, FlightStatus::Incomplete, "cut {cut}");
    }
    let (flight, status) = ServerFlight::parse(&stream[..sh_len + 6]).unwrap();
    assert_eq!(status, FlightStatus::Done(FlightEnd::Encrypted));
    assert!(flight.server_hello.as_ref().unwrap().is_tls13());
    assert_eq!(flight.negotiated_version(), Some(ProtocolVersion::TLS13));
    assert_eq!(flight.record_version, Some(ProtocolVersion::TLS12));
    // Application data straight after the ServerHello ends it too.
    let mut direct = encode_records(ContentType::HANDSHAKE, ProtocolVersion::TLS12, &sh);
    direct.extend([23, 3, 3, 0, 1, 0]);
    assert_eq!(
        ServerFlight::parse(&direct).unwrap().1,
        FlightStatus::Done(FlightEnd::Encrypted)
    );
}

fn tls12_messages(kind: KeyExchangeKind) -> Vec<u8> {
    let mut random = [0x42; 32];
    random[24..].copy_from_slice(b"DOWNGRD\x01");
    let sh = ServerHello {
        legacy_version: ProtocolVersion::TLS12,
        random,
        session_id: vec![3; 32],
        cipher_suite: match kind {
            KeyExchangeKind::Ecdhe => CipherSuite(0xC02F),
            KeyExchangeKind::Dhe => CipherSuite(0x009E),
        },
        compression_method: 0,
        extensions: vec![
            Extension::new(ExtensionType::RENEGOTIATION_INFO, vec![0]),
            Extension::new(ExtensionType::EXTENDED_MASTER_SECRET, vec![]),
            Extension::new(ExtensionType::EC_POINT_FORMATS, vec![1, 0]),
            Extension::new(ExtensionType::STATUS_REQUEST, vec![]),
        ],
    };
    let cert = Certificate {
        certificates: vec![vec![0x30; 1500], vec![0x31; 1200]],
    };
    let status = CertificateStatus {
        status_type: 1,
        response: vec![0x30; 300],
    };
    let params = match kind {
        KeyExchangeKind::Ecdhe => KeyExchangeParams::Ecdhe(EcdheParams {
            named_group: NamedGroup::SECP256R1,
            point: vec![4; 65],
        }),
        KeyExchangeKind::Dhe => {
            let mut p = vec![0xFF; 257];
            p[0] = 0; // a leading zero byte must not count
            KeyExchangeParams::Dhe(DheParams {
                p,
                g: vec![2],
                ys: vec![0x77; 256],
            })
        }
    };
    let ske = ServerKeyExchange {
        params,
        signature: [&[0x08, 0x04, 0x01, 0x00][..], &[0x99; 256]].concat(),
    };
    let mut out = Vec::new();
    for m in [
        sh.to_message().unwrap(),
        cert.to_message().unwrap(),
        status.to_message().unwrap(),
        ske.to_message().unwrap(),
        ServerHelloDone.to_message().unwrap(),
    ] {
        out.extend(m.encode().unwrap());
    }
    out
}

/// A TLS 1.2 flight in 1000-byte records: messages span records and share them.
fn tls12_flight(kind: KeyExchangeKind) -> Vec<u8> {
    encode_records_with_fragment_len(
        ContentType::HANDSHAKE,
        ProtocolVersion::TLS12,
        &tls12_messages(kind),
        1000,
    )
}

fn check_tls12_flight(flight: &ServerFlight, kind: KeyExchangeKind) {
    let sh = flight.server_hello.as_ref().unwrap();
    assert_eq!(sh.negotiated_version(), ProtocolVersion::TLS12);
    assert_eq!(sh.downgrade_sentinel(), Some(Downgrade::Tls12));
    assert_eq!(sh.renegotiation_info(), Some(&[][..]));
    assert!(sh.has_extended_master_secret());
    assert!(sh.has_status_request());
    assert_eq!(sh.ec_point_formats(), Some(&[0][..]));
    let certs = &flight.certificate.as_ref().unwrap().certificates;
    assert_eq!(certs.len(), 2);
    assert_eq!(certs[0], vec![0x30; 1500]);
    assert_eq!(
        flight.certificate_status.as_ref().unwrap().response.len(),
        300
    );
    let ske = flight.server_key_exchange.as_ref().unwrap();
    assert_eq!(ske.kind(), kind);
    match kind {
        KeyExchangeKind::Ecdhe => assert_eq!(ske.named_group(), Some(NamedGroup::SECP256R1)),
        KeyExchangeKind::Dhe => assert_eq!(ske.dh_prime_bits(), Some(2048)),
    }
    assert_eq!(ske.signature_parts(true).unwrap().0, Some(0x0804));
    assert_eq!(
        flight.server_key_exchange_raw.as_ref().unwrap(),
        &ske.encode().unwrap()
    );
    assert!(flight.server_hello_done);
    assert!(flight.alert.is_none());
    assert_eq!(flight.message_types, [2, 11, 22, 12, 14].map(HandshakeType));
}

#[test]
fn tls12_flight_in_one_go_and_byte_by_byte() {
    for kind in [KeyExchangeKind::Ecdhe, KeyExchangeKind::Dhe] {
        let bytes = tls12_flight(kind);
        let (flight, status) = ServerFlight::parse(&bytes).unwrap();
        assert_eq!(status, FlightStatus::Done(FlightEnd::ServerHelloDone));
        check_tls12_flight(&flight, kind);

        let mut parser = FlightParser::new();
        for (i, b) in bytes.iter().enumerate() {
            let status = parser.push(&[*b]).unwrap();
            if i + 1 < bytes.len() {
                assert_eq!(status, FlightStatus::Incomplete, "byte {i}");
            } else {
                assert_eq!(status, FlightStatus::Done(FlightEnd::ServerHelloDone));
            }
        }
        check_tls12_flight(parser.flight(), kind);
        // Done: later bytes are ignored.
        assert_eq!(
            parser.push(b"garbage"),
            Ok(FlightStatus::Done(FlightEnd::ServerHelloDone))
        );
        assert_eq!(
            parser.status(),
            FlightStatus::Done(FlightEnd::ServerHelloDone)
        );
    }
}

#[test]
fn truncation_at_every_offset_is_incomplete() {
    let bytes = tls12_flight(KeyExchangeKind::Dhe);
    for cut in 0..bytes.len() {
        let (_, status) = ServerFlight::parse(&bytes[..cut]).unwrap();
        assert_eq!(status, FlightStatus::Incomplete, "cut {cut}");
    }
    // One record per message, and everything in one record, too.
    for frag in [1, 7, MAX_FRAGMENT_LEN] {
        let bytes = encode_records_with_fragment_len(
            ContentType::HANDSHAKE,
            ProtocolVersion::TLS12,
            &tls12_messages(KeyExchangeKind::Ecdhe),
            frag,
        );
        for cut in (0..bytes.len()).step_by(3) {
            assert_eq!(
                ServerFlight::parse(&bytes[..cut]).unwrap().1,
                FlightStatus::Incomplete
            );
        }
        assert_eq!(
            ServerFlight::parse(&bytes).unwrap().1,
            FlightStatus::Done(FlightEnd::ServerHelloDone)
        );
    }
}

#[test]
fn truncated_messages_inside_complete_records_are_errors() {
    // A message whose declared length runs past the end of the flight is
    // incomplete; messages whose inner fields are cut are errors.
    let messages = tls12_messages(KeyExchangeKind::Ecdhe);
    let sh_len = 4 + usize::from(messages[3]) + (usize::from(messages[2]) << 8);
    let sh = &messages[..sh_len];
    for cut in 4..sh.len() {
        let mut broken = sh[..cut].to_vec();
        let body_len = cut - 4;
        broken[1] = 0;
        broken[2] = (body_len >> 8) as u8;
        broken[3] = body_len as u8;
        let records = encode_records(ContentType::HANDSHAKE, ProtocolVersion::TLS12, &broken);
        match ServerFlight::parse(&records) {
            Err(_) => {}
            // A cut exactly between the hello's fixed part and its
            // extensions is a valid extension-less hello.
            Ok((flight, FlightStatus::Incomplete)) => assert!(flight.server_hello.is_some()),
            Ok(other) => panic!("cut {cut}: {other:?}"),
        }
    }
}

#[test]
fn alerts_end_the_flight() {
    // A bare alert, as sent to a version or suite the server refuses.
    let (flight, status) = ServerFlight::parse(&[21, 3, 1, 0, 2, 2, 70]).unwrap();
    assert_eq!(status, FlightStatus::Done(FlightEnd::Alert));
    let alert = flight.alert.unwrap();
    assert_eq!(alert.description, AlertDescription::PROTOCOL_VERSION);
    assert_eq!(alert.description_name(), Some("protocol_version"));
    assert!(flight.server_hello.is_none());
    assert_eq!(flight.record_version, Some(ProtocolVersion::TLS10));
    // After a ServerHello, in the middle of the Certificate.
    let messages = tls12_messages(KeyExchangeKind::Ecdhe);
    let mut stream = encode_records(
        ContentType::HANDSHAKE,
        ProtocolVersion::TLS12,
        &messages[..500],
    );
    stream.extend([21, 3, 3, 0, 2, 2, 40]);
    let (flight, status) = ServerFlight::parse(&stream).unwrap();
    assert_eq!(status, FlightStatus::Done(FlightEnd::Alert));
    assert!(flight.server_hello.is_some());
    assert_eq!(flight.alert, Some(Alert::fatal(AlertDescription(40))));
    // A one-byte alert is an error.
    assert_eq!(
        ServerFlight::parse(&[21, 3, 3, 0, 1, 2]).unwrap_err(),
        Error::Truncated { what: "alert" }
    );
}

#[test]
fn non_tls_peers() {
    for reply in [
        &b"HTTP/1.1 400 Bad Request\r\n\r\n"[..],
        b"H",
        b"SSH-2.0-OpenSSH_9.6\r\n",
        b"220 smtp.example.com ESMTP\r\n",
        &[0x16, 0x02, 0x00],
        &[0x00],
        &[0x80, 0x10, 0x07],
    ] {
        assert_eq!(
            ServerFlight::parse(reply).unwrap_err(),
            Error::NotTls,
            "{reply:?}"
        );
    }
    for partial in [&[][..], &[0x16], &[0x80, 0x2E]] {
        assert_eq!(
            ServerFlight::parse(partial).unwrap().1,
            FlightStatus::Incomplete
        );
    }
    // The error is sticky.
    let mut parser = FlightParser::new();
    assert!(parser.push(b"HTTP").is_err());
    assert_eq!(parser.push(&[22, 3, 3]), Err(Error::NotTls));
}

#[test]
fn sslv2_replies() {
    let sh = Sslv2ServerHello {
        session_id_hit: 0,
        certificate_type: 1,
        version: ProtocolVersion::SSLV2,
        certificate: vec![0x30; 800],
        cipher_specs: vec![0x010080, 0x0700C0],
        connection_id: vec![1; 16],
    };
    let record = sh.encode_record().unwrap();
    for cut in 0..record.len() {
        assert_eq!(
            ServerFlight::parse(&record[..cut]).unwrap().1,
            FlightStatus::Incomplete
        );
    }
    let (flight, status) = ServerFlight::parse(&record).unwrap();
    assert_eq!(status, FlightStatus::Done(FlightEnd::Sslv2));
    assert_eq!(flight.sslv2, Some(Sslv2ServerMessage::ServerHello(sh)));
    assert_eq!(flight.negotiated_version(), Some(ProtocolVersion::SSLV2));
    let (flight, status) = ServerFlight::parse(&[0x80, 3, 0, 0, 1]).unwrap();
    assert_eq!(status, FlightStatus::Done(FlightEnd::Sslv2));
    assert_eq!(flight.sslv2, Some(Sslv2ServerMessage::Error { code: 1 }));
    assert_eq!(flight.negotiated_version(), None);
}

#[test]
fn limits() {
    // Oversize record.
    assert_eq!(
        ServerFlight::parse(&[22, 3, 3, 0xFF, 0xFF]).unwrap_err(),
        Error::RecordTooLarge {
            length: 0xFFFF,
            max: MAX_RECORD_LEN
        }
    );
    // An endless Certificate: refused from its header.
    let sh = ServerHello::new(ProtocolVersion::TLS12, [1; 32], CipherSuite(0x002F))
        .to_message()
        .unwrap()
        .encode()
        .unwrap();
    let mut stream = encode_records(ContentType::HANDSHAKE, ProtocolVersion::TLS12, &sh);
    stream.extend(encode_records(
        ContentType::HANDSHAKE,
        ProtocolVersion::TLS12,
        &[11, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFC],
    ));
    let mut parser = FlightParser::new();
    assert_eq!(
        parser.push(&stream),
        Err(Error::MessageTooLarge {
            length: 0xFF_FFFF,
            max: 256 * 1024
        })
    );
    assert!(parser.flight().server_hello.is_some());
    // Within the message cap, a flight that goes on forever hits the flight cap.
    let mut parser = FlightParser::new().with_max_flight_len(100_000);
    let mut stream = encode_records(ContentType::HANDSHAKE, ProtocolVersion::TLS12, &sh);
    stream.extend(encode_records(
        ContentType::HANDSHAKE,
        ProtocolVersion::TLS12,
        &[11, 0x03, 0xFF, 0xFF],
    ));
    assert_eq!(parser.push(&stream), Ok(FlightStatus::Incomplete));
    let chunk = encode_records(
        ContentType::HANDSHAKE,
        ProtocolVersion::TLS12,
        &[0x30; 16000],
    );
    let mut result = Ok(FlightStatus::Incomplete);
    for _ in 0..10 {
        result = parser.push(&chunk);
        if result.is_err() {
            break;
        }
    }
    assert_eq!(result, Err(Error::FlightTooLarge { max: 100_000 }));
    // A smaller message cap.
    let mut parser = FlightParser::new().with_max_message_len(1000);
    assert!(matches!(
        parser.push(&tls12_flight(KeyExchangeKind::Ecdhe)),
        Err(Error::MessageTooLarge { max: 1000, .. })
    ));
}

#[test]
fn out_of_order_content() {
    assert_eq!(
        ServerFlight::parse(&[20, 3, 3, 0, 1, 1]).unwrap_err(),
        Error::UnexpectedContentType {
            content_type: ContentType::CHANGE_CIPHER_SPEC
        }
    );
    assert_eq!(
        ServerFlight::parse(&[23, 3, 3, 0, 1, 1]).unwrap_err(),
        Error::UnexpectedContentType {
            content_type: ContentType::APPLICATION_DATA
        }
    );
    let cert = Certificate::default()
        .to_message()
        .unwrap()
        .encode()
        .unwrap();
    assert!(matches!(
        ServerFlight::parse(&encode_records(
            ContentType::HANDSHAKE,
            ProtocolVersion::TLS12,
            &cert
        )),
        Err(Error::UnexpectedMessage {
            msg_type: HandshakeType(11),
            ..
        })
    ));
    let sh = ServerHello::new(ProtocolVersion::TLS12, [1; 32], CipherSuite(0x002F))
        .to_message()
        .unwrap()
        .encode()
        .unwrap();
    let twice = [sh.clone(), sh.clone()].concat();
    assert!(matches!(
        ServerFlight::parse(&encode_records(
            ContentType::HANDSHAKE,
            ProtocolVersion::TLS12,
            &twice
        )),
        Err(Error::UnexpectedMessage {
            msg_type: HandshakeType(2),
            ..
        })
    ));
    // Heartbeat records are skipped, HelloRequests before the hello too, and
    // unknown handshake messages after it are only listed.
    let mut stream = vec![24, 3, 3, 0, 3, 1, 0, 0];
    stream.extend(encode_records(
        ContentType::HANDSHAKE,
        ProtocolVersion::TLS12,
        &[0, 0, 0, 0],
    ));
    stream.extend(encode_records(
        ContentType::HANDSHAKE,
        ProtocolVersion::TLS12,
        &sh,
    ));
    stream.extend(encode_records(
        ContentType::HANDSHAKE,
        ProtocolVersion::TLS12,
        &[99, 0, 0, 1, 7],
    ));
    stream.extend(encode_records(
        ContentType::HANDSHAKE,
        ProtocolVersion::TLS12,
        &[14, 0, 0, 0],
    ));
    let (flight, status) = ServerFlight::parse(&stream).unwrap();
    assert_eq!(status, FlightStatus::Done(FlightEnd::ServerHelloDone));
    assert_eq!(flight.message_types, [0, 2, 99, 14].map(HandshakeType));
    // An unknown content type mid-flight.
    let mut stream = encode_records(ContentType::HANDSHAKE, ProtocolVersion::TLS12, &sh);
    stream.extend([99, 3, 3, 0, 0]);
    assert_eq!(
        ServerFlight::parse(&stream).unwrap_err(),
        Error::UnexpectedContentType {
            content_type: ContentType(99)
        }
    );
    // An abbreviated (resumed) TLS 1.2 handshake: CCS right after the hello.
    let mut stream = encode_records(ContentType::HANDSHAKE, ProtocolVersion::TLS12, &sh);
    stream.extend([20, 3, 3, 0, 1, 1]);
    assert_eq!(
        ServerFlight::parse(&stream).unwrap().1,
        FlightStatus::Done(FlightEnd::Encrypted)
    );
}

#[test]
fn key_exchange_kind_resolution() {
    // RSA suite (no kind from the suite): kept raw only.
    let sh = ServerHello::new(ProtocolVersion::TLS10, [1; 32], CipherSuite(0x0062))
        .to_message()
        .unwrap()
        .encode()
        .unwrap();
    let ske = ServerKeyExchange {
        params: KeyExchangeParams::Dhe(DheParams {
            p: vec![0xFF; 64],
            g: vec![2],
            ys: vec![1],
        }),
        signature: vec![0, 0],
    };
    let mut messages = sh;
    messages.extend(ske.to_message().unwrap().encode().unwrap());
    messages.extend([14, 0, 0, 0]);
    let stream = encode_records(ContentType::HANDSHAKE, ProtocolVersion::TLS10, &messages);
    let (flight, _) = ServerFlight::parse(&stream).unwrap();
    assert!(flight.server_key_exchange.is_none());
    assert_eq!(flight.server_key_exchange_raw, Some(ske.encode().unwrap()));
    // Told the kind: parsed.
    let mut parser = FlightParser::new().with_key_exchange_kind(KeyExchangeKind::Dhe);
    parser.push(&stream).unwrap();
    let flight = parser.into_flight();
    assert_eq!(
        flight.server_key_exchange.unwrap().dh_prime_bits(),
        Some(512)
    );
    assert_eq!(ske.signature_parts(false), Some((None, &[][..])));
}

#[test]
fn error_display() {
    let cases = [
        (Error::Truncated { what: "x" }, "truncated x"),
        (Error::NotTls, "the peer does not speak TLS"),
        (
            Error::RecordTooLarge {
                length: 20000,
                max: 18432,
            },
            "record of 20000 bytes exceeds the maximum of 18432",
        ),
    ];
    for (err, text) in cases {
        assert_eq!(err.to_string(), text);
    }
    let boxed: Box<dyn std::error::Error> = Box::new(Error::FlightTooLarge { max: 1 });
    assert!(!boxed.to_string().is_empty());
    for e in [
        Error::TrailingData { what: "a" },
        Error::InvalidValue { what: "a" },
        Error::Unsupported { what: "a" },
        Error::TooLong {
            what: "a",
            length: 2,
            max: 1,
        },
        Error::MessageTooLarge { length: 2, max: 1 },
        Error::UnexpectedContentType {
            content_type: ContentType(1),
        },
        Error::UnexpectedMessage {
            msg_type: HandshakeType::CLIENT_HELLO,
            what: "a",
        },
    ] {
        assert!(!e.to_string().is_empty());
    }
}

/// A deterministic xorshift64 generator for the random tests.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }

    /// Fewer than `max` random bytes.
    fn some_bytes(&mut self, max: usize) -> Vec<u8> {
        let n = self.below(max);
        self.bytes(n)
    }
}

/// Runs every parser on `data`; none may panic. Where a parse succeeds,
/// encoding must give the same bytes (or at least the same value back).
fn exercise(data: &[u8]) {
    let _ = ServerFlight::parse(data);
    for kind in [KeyExchangeKind::Dhe, KeyExchangeKind::Ecdhe] {
        let _ = FlightParser::new().with_key_exchange_kind(kind).push(data);
        if let Ok(ske) = ServerKeyExchange::read(data, kind) {
            assert_eq!(ske.encode().unwrap(), data);
            let _ = (
                ske.signature_parts(true),
                ske.signature_parts(false),
                ske.dh_prime_bits(),
            );
        }
    }
    let mut records = RecordReader::new();
    records.push(data);
    while let Ok(Some(_)) = records.next_record() {}
    let mut hs = HandshakeReassembler::with_max_message_len(4096);
    hs.push(data);
    while let Ok(Some(_)) = hs.next_message() {}
    let _ = (
        RecordHeader::read(data),
        Record::read(data),
        HandshakeMessage::read(data),
    );
    if let Ok(ch) = ClientHello::read(data) {
        assert_eq!(ClientHello::read(&ch.encode().unwrap()).unwrap(), ch);
    }
    let _ = ClientHello::read_records(data);
    if let Ok(sh) = ServerHello::read(data) {
        assert_eq!(ServerHello::read(&sh.encode().unwrap()).unwrap(), sh);
        let _ = (
            sh.selected_version(),
            sh.key_share(),
            sh.key_share_group(),
            sh.hello_retry_group(),
            sh.cookie(),
            sh.alpn(),
            sh.renegotiation_info(),
            sh.ec_point_formats(),
            sh.heartbeat_mode(),
            sh.max_fragment_length(),
            sh.record_size_limit(),
            sh.downgrade_sentinel(),
        );
    }
    if let Ok(c) = Certificate::read(data) {
        assert_eq!(c.encode().unwrap(), data);
    }
    if let Ok(c) = CertificateTls13::read(data) {
        assert_eq!(c.encode().unwrap(), data);
    }
    if let Ok(s) = CertificateStatus::read(data) {
        assert_eq!(s.encode().unwrap(), data);
    }
    if let Ok(a) = Alert::read(data) {
        assert_eq!(a.encode(), data);
    }
    if let Ok(h) = Sslv2ClientHello::read(data) {
        assert_eq!(h.encode().unwrap(), data);
    }
    if let Ok(h) = Sslv2ServerHello::read(data) {
        assert_eq!(h.encode().unwrap(), data);
    }
    if let Ok(m) = Sslv2ServerMessage::read(data) {
        assert_eq!(m.encode().unwrap(), data);
    }
    let _ = (
        split_sslv2_record(data),
        Sslv2ServerMessage::read_record(data),
    );
    if let [t0, t1, rest @ ..] = data {
        let typ = if t1 & 1 == 0 {
            ExtensionType(u16::from(*t0 % 60))
        } else {
            ExtensionType::RENEGOTIATION_INFO
        };
        let ext = Extension::new(typ, rest.to_vec());
        let typed = ClientExtension::from_extension(&ext);
        assert_eq!(typed.to_extension().unwrap(), ext);
    }
}

#[test]
fn random_garbage_never_panics() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    for _ in 0..3000 {
        let len = rng.below(600);
        exercise(&rng.bytes(len));
    }
    // Garbage behind plausible record and handshake headers, so the
    // parsers get past their first checks.
    for _ in 0..3000 {
        let len = rng.below(400);
        let mut body = rng.bytes(len);
        let msg_type = [1u8, 2, 11, 12, 14, 22][rng.below(6)];
        let mut data = vec![22, 3, 3, 0, 0, msg_type, 0, (len >> 8) as u8, len as u8];
        let rec_len = (len + 4) as u16;
        data[3..5].copy_from_slice(&rec_len.to_be_bytes());
        data.append(&mut body);
        exercise(&data);
        exercise(&data[5..]);
        exercise(&data[9..]);
    }
}

#[test]
fn mutated_flights_never_panic() {
    let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
    let seeds = [
        tls12_flight(KeyExchangeKind::Ecdhe),
        tls12_flight(KeyExchangeKind::Dhe),
        encode_records(
            ContentType::HANDSHAKE,
            ProtocolVersion::TLS12,
            &hex(RFC8448_SERVER_HELLO),
        ),
        encode_records(
            ContentType::HANDSHAKE,
            ProtocolVersion::TLS12,
            &hex(RFC8448_HRR),
        ),
        encode_records(
            ContentType::HANDSHAKE,
            ProtocolVersion::TLS12,
            &hex(RFC8448_CERTIFICATE),
        ),
        rfc8448_client_hello_built().encode_records().unwrap(),
        Sslv2ClientHello::new([5; 16]).encode_record().unwrap(),
    ];
    for round in 0..1500 {
        let seed = &seeds[round % seeds.len()];
        let mut data = seed.clone();
        for _ in 0..=rng.below(4) {
            let at = rng.below(data.len());
            data[at] = rng.next() as u8;
        }
        let cut = data.len() - rng.below(data.len().min(50));
        data.truncate(cut);
        exercise(&data);
        // Also pushed in random chunks.
        let mut parser = FlightParser::new();
        let mut rest = &data[..];
        while !rest.is_empty() {
            let n = 1 + rng.below(rest.len().min(300));
            let (chunk, tail) = rest.split_at(n);
            if parser.push(chunk).is_err() {
                break;
            }
            rest = tail;
        }
        // Handshake bodies on their own.
        if data.len() > 9 {
            exercise(&data[9..]);
        }
    }
}

#[test]
fn random_values_round_trip() {
    let mut rng = XorShift(0x1234_5678_9ABC_DEF1);
    for _ in 0..300 {
        let mut random = [0u8; 32];
        random.copy_from_slice(&rng.bytes(32));
        let sid_len = rng.below(33);
        let sh = ServerHello {
            legacy_version: ProtocolVersion(rng.next() as u16),
            random,
            session_id: rng.bytes(sid_len),
            cipher_suite: CipherSuite(rng.next() as u16),
            compression_method: rng.next() as u8,
            extensions: (0..rng.below(6))
                .map(|_| {
                    let n = rng.below(40);
                    Extension::new(ExtensionType(rng.next() as u16), rng.bytes(n))
                })
                .collect(),
        };
        let body = sh.encode().unwrap();
        assert_eq!(ServerHello::read(&body).unwrap(), sh);
        assert_eq!(ServerHello::read(&body).unwrap().encode().unwrap(), body);

        let n_suites = rng.below(50);
        let n_comp = 1 + rng.below(3);
        let ch = ClientHello {
            record_version: ProtocolVersion::TLS10,
            client_version: ProtocolVersion::TLS12,
            random,
            session_id: rng.bytes(sid_len),
            cipher_suites: (0..n_suites)
                .map(|_| CipherSuite(rng.next() as u16))
                .collect(),
            compression_methods: rng.bytes(n_comp),
            extensions: vec![
                ClientExtension::SupportedGroups(
                    (0..rng.below(10))
                        .map(|_| NamedGroup(rng.next() as u16))
                        .collect(),
                ),
                ClientExtension::KeyShare(vec![KeyShareEntry::new(
                    NamedGroup(rng.next() as u16),
                    rng.bytes(32),
                )]),
                ClientExtension::Alpn(vec![rng.some_bytes(10)]),
            ],
            padding: Padding::None,
        };
        let body = ch.encode().unwrap();
        assert_eq!(ClientHello::read(&body).unwrap(), ch);

        let certs = Certificate {
            certificates: (0..rng.below(4))
                .map(|_| {
                    let n = rng.below(300);
                    rng.bytes(n)
                })
                .collect(),
        };
        assert_eq!(Certificate::read(&certs.encode().unwrap()).unwrap(), certs);

        let ske = ServerKeyExchange {
            params: KeyExchangeParams::Ecdhe(EcdheParams {
                named_group: NamedGroup(rng.next() as u16),
                point: rng.some_bytes(100),
            }),
            signature: rng.some_bytes(100),
        };
        assert_eq!(
            ServerKeyExchange::read(&ske.encode().unwrap(), KeyExchangeKind::Ecdhe).unwrap(),
            ske
        );
    }
}

#[test]
fn heartbeat_messages_round_trip() {
    // A well-formed request: payload then 16 bytes of padding.
    let req = HeartbeatMessage::request(b"abc", &[0x55; 16]).unwrap();
    assert_eq!(req.message_type, heartbeat_message_type::REQUEST);
    assert_eq!(req.payload_length, 3);
    assert!(req.is_well_formed());
    assert_eq!(req.payload(), Some(b"abc".as_slice()));
    assert_eq!(req.padding(), Some([0x55; 16].as_slice()));
    let bytes = req.encode();
    assert_eq!(bytes.len(), req.len());
    assert_eq!(&bytes[..3], [1, 0, 3]);
    assert_eq!(HeartbeatMessage::read(&bytes).unwrap(), req);
    // In a record, read back through the record layer.
    let records = req.encode_records(ProtocolVersion::TLS11);
    let record = Record::read(&records).unwrap();
    assert_eq!(record.content_type, ContentType::HEARTBEAT);
    assert_eq!(record.version, ProtocolVersion::TLS11);
    assert_eq!(HeartbeatMessage::read(&record.payload).unwrap(), req);

    // The Heartbleed request: 0x4000 claimed, nothing carried.
    let bleed = HeartbeatMessage::overlong_request(0x4000, &[]);
    assert_eq!(
        bleed.encode_records(ProtocolVersion::TLS12),
        [24, 3, 3, 0, 3, 1, 0x40, 0]
    );
    assert!(!bleed.is_well_formed());
    assert_eq!(bleed.payload(), None);
    assert_eq!(bleed.padding(), None);
    assert_eq!(HeartbeatMessage::read(&bleed.encode()).unwrap(), bleed);

    // A leaking response: 0x4000 bytes of "memory" and padding, split over
    // two records like a server with 16 KiB fragments sends it.
    let leak = HeartbeatMessage {
        message_type: heartbeat_message_type::RESPONSE,
        payload_length: 0x4000,
        data: (0..0x4000 + 16).map(|i| (i % 251) as u8).collect(),
    };
    assert!(leak.is_well_formed());
    let records = leak.encode_records(ProtocolVersion::TLS12);
    let mut reader = RecordReader::new();
    reader.push(&records);
    let mut joined = Vec::new();
    while let Some(r) = reader.next_record().unwrap() {
        assert_eq!(r.content_type, ContentType::HEARTBEAT);
        joined.extend(r.payload);
    }
    assert_eq!(HeartbeatMessage::read(&joined).unwrap(), leak);

    // Truncated headers are errors; unknown types are kept.
    assert!(matches!(
        HeartbeatMessage::read(&[1, 0]),
        Err(Error::Truncated { .. })
    ));
    assert!(HeartbeatMessage::read(&[]).is_err());
    let odd = HeartbeatMessage::read(&[9, 0, 0]).unwrap();
    assert_eq!(odd.message_type, 9);
    assert!(odd.data.is_empty());
    assert!(!odd.is_empty());
    assert!(HeartbeatMessage::request(&vec![0; 70_000], &[]).is_err());
}

#[test]
fn flight_parser_keeps_bytes_after_the_flight() {
    let sh = ServerHello::new(ProtocolVersion::TLS12, [1; 32], CipherSuite(0x002F))
        .to_message()
        .unwrap()
        .encode()
        .unwrap();
    let mut stream = encode_records(ContentType::HANDSHAKE, ProtocolVersion::TLS12, &sh);
    stream.extend(encode_records(
        ContentType::HANDSHAKE,
        ProtocolVersion::TLS12,
        &[14, 0, 0, 0],
    ));
    let after = encode_records(ContentType::ALERT, ProtocolVersion::TLS12, &[2, 10]);
    stream.extend(&after);
    let mut parser = FlightParser::new();
    assert!(parser.remaining().is_empty());
    assert_eq!(
        parser.push(&stream).unwrap(),
        FlightStatus::Done(FlightEnd::ServerHelloDone)
    );
    assert_eq!(parser.remaining(), after.as_slice());
    // Pushed later, bytes are ignored (the caller reads them itself).
    parser.push(&[1, 2, 3]).unwrap();
    assert_eq!(parser.remaining(), after.as_slice());
}

#[test]
fn client_key_exchange_round_trips_for_every_kind() {
    let cases = [
        (ClientKeyExchange::Rsa(vec![0xAB; 256]), None, 2),
        (
            ClientKeyExchange::Dhe(vec![0x05; 128]),
            Some(KeyExchangeKind::Dhe),
            2,
        ),
        (
            ClientKeyExchange::Ecdhe(vec![0x04; 65]),
            Some(KeyExchangeKind::Ecdhe),
            1,
        ),
    ];
    for (cke, kind, prefix) in cases {
        let body = cke.encode().unwrap();
        let inner = match &cke {
            ClientKeyExchange::Rsa(v) | ClientKeyExchange::Dhe(v) | ClientKeyExchange::Ecdhe(v) => {
                v.len()
            }
        };
        assert_eq!(body.len(), inner + prefix);
        assert_eq!(ClientKeyExchange::read(&body, kind).unwrap(), cke);
        let msg = cke.to_message().unwrap();
        assert_eq!(msg.msg_type, HandshakeType::CLIENT_KEY_EXCHANGE);
        let back = HandshakeMessage::read(&msg.encode().unwrap()).unwrap();
        assert_eq!(ClientKeyExchange::read(&back.body, kind).unwrap(), cke);
    }
    // A length prefix running past the body, or bytes after it.
    assert!(ClientKeyExchange::read(&[0, 5, 1], None).is_err());
    assert!(ClientKeyExchange::read(&[1, 4, 9], Some(KeyExchangeKind::Ecdhe)).is_err());
    // An EC point of 256 bytes does not fit its one-byte prefix.
    assert!(ClientKeyExchange::Ecdhe(vec![0; 256]).encode().is_err());
}

#[test]
fn finished_round_trips() {
    let f = Finished {
        verify_data: vec![7; 12],
    };
    let msg = f.to_message();
    assert_eq!(msg.msg_type, HandshakeType::FINISHED);
    let bytes = msg.encode().unwrap();
    assert_eq!(&bytes[..4], &[20, 0, 0, 12]);
    assert_eq!(
        Finished::read(&HandshakeMessage::read(&bytes).unwrap().body).unwrap(),
        f
    );
    assert_eq!(CHANGE_CIPHER_SPEC, [1]);
}

#[test]
fn warning_alerts_do_not_end_a_flight() {
    // An unrecognized_name warning before the ServerHello (servers that do
    // not know the SNI name and go on with their default certificate).
    let warning = Alert {
        level: AlertLevel::WARNING,
        description: AlertDescription::UNRECOGNIZED_NAME,
    };
    let mut bytes = encode_records(
        ContentType::ALERT,
        ProtocolVersion::TLS12,
        &warning.encode(),
    );
    bytes.extend(tls12_flight(KeyExchangeKind::Ecdhe));
    let (flight, status) = ServerFlight::parse(&bytes).unwrap();
    assert_eq!(status, FlightStatus::Done(FlightEnd::ServerHelloDone));
    assert_eq!(flight.warnings, [warning]);
    check_tls12_flight(&flight, KeyExchangeKind::Ecdhe);

    // A fatal alert, or a close_notify, still ends it.
    for level_description in [
        Alert::fatal(AlertDescription::UNRECOGNIZED_NAME),
        Alert {
            level: AlertLevel::WARNING,
            description: AlertDescription::CLOSE_NOTIFY,
        },
    ] {
        let bytes = encode_records(
            ContentType::ALERT,
            ProtocolVersion::TLS12,
            &level_description.encode(),
        );
        let (flight, status) = ServerFlight::parse(&bytes).unwrap();
        assert_eq!(status, FlightStatus::Done(FlightEnd::Alert));
        assert_eq!(flight.alert, Some(level_description));
    }
}
