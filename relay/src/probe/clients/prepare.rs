//! Each simulated client's ClientHello, ready to send (docs/clients.md,
//! "relay stage", step 1). Sans-I/O: the random parts come from a
//! [`Source`].
//!
//! * A recorded hello is parsed with the codec and re-encoded after these
//!   changes only: a fresh `random` and `session_id` (same length); SNI set
//!   to the target (dropped for a client without SNI or an IP-literal
//!   target); every TLS 1.3 key share replaced by a fresh one the relay holds
//!   the key for (kept as recorded where it cannot make one, see
//!   [`super::kx`]); `pre_shared_key` and `early_data` dropped (stale
//!   tickets); `padding` resized so the handshake keeps its recorded length.
//!   Everything else — record version, suite order with GREASE, extension
//!   order and contents — byte for byte.
//! * An SSLv2-format hello (IE 6, Java 6) is sent as recorded with a fresh
//!   challenge.
//! * A client without recorded bytes is built from its fields
//!   ([`super::build`]).
//!
//! The same hello built from [`Source::Zero`] gives its *sharing key*
//! ([`Prepared::sharing_key`], [`super::share`]): two clients whose hellos
//! differ only in random bytes and GREASE draws share one connection.

use tlslens_core::clients::ClientProfile;

use super::build;
use super::kx::{self, Secret, Source};
use crate::codec::{
    ClientExtension, ClientHello, Extension, ExtensionType, KeyShareEntry, NamedGroup,
    Sslv2ClientHello,
};

/// A hello ready to send.
#[derive(Debug)]
pub struct Prepared {
    /// The bytes to write (records).
    pub records: Vec<u8>,
    /// What the exchange needs to go on.
    pub hello: Hello,
}

impl Prepared {
    /// The key under which clients share a connection (see
    /// [`super::share`]); meant for a hello built from [`Source::Zero`].
    pub fn sharing_key(&self) -> Result<Vec<u8>, String> {
        match &self.hello {
            Hello::Tls { hello, .. } => super::share::key(hello),
            Hello::Sslv2 => Ok(self.records.clone()),
        }
    }
}

/// The hello sent, and the private keys of its shares.
#[derive(Debug)]
pub enum Hello {
    /// A TLS (SSLv3-layout) ClientHello.
    Tls {
        /// The hello as sent (a HelloRetryRequest re-sends it changed).
        hello: ClientHello,
        /// Its handshake message, header included (the transcript's first
        /// message).
        message: Vec<u8>,
        /// The private keys of its fresh key shares.
        secrets: Vec<(NamedGroup, Secret)>,
    },
    /// An SSLv2-format CLIENT-HELLO.
    Sslv2,
}

/// The client's hello with random parts from `src`; `sni` is the name to
/// send (`None` for an IP-literal target). An error is a row the relay
/// cannot send (a bug of the table or the relay).
pub fn prepare(
    profile: &ClientProfile,
    sni: Option<&str>,
    src: Source<'_>,
) -> Result<Prepared, String> {
    let sni = sni.filter(|_| profile.sni);
    let Some(bytes) = profile.hello_bytes() else {
        let (hello, secrets) = build::from_fields(profile, sni, src)?;
        return finish(hello, secrets);
    };
    if bytes.first().is_some_and(|b| b & 0x80 != 0) {
        let (mut v2, _) = Sslv2ClientHello::read_record(&bytes)
            .map_err(|e| format!("recorded SSLv2 hello: {e}"))?
            .ok_or("recorded SSLv2 hello is truncated")?;
        src.fill(&mut v2.challenge);
        let records = v2.encode_record().map_err(|e| e.to_string())?;
        return Ok(Prepared {
            records,
            hello: Hello::Sslv2,
        });
    }
    let (recorded, _) = ClientHello::read_records(&bytes)
        .map_err(|e| format!("recorded hello: {e}"))?
        .ok_or("recorded hello is truncated")?;
    let (hello, secrets) = refresh(&recorded, sni, src)?;
    finish(hello, secrets)
}

fn finish(hello: ClientHello, secrets: Vec<(NamedGroup, Secret)>) -> Result<Prepared, String> {
    let message = hello
        .to_message()
        .and_then(|m| m.encode())
        .map_err(|e| e.to_string())?;
    let records = hello.encode_records().map_err(|e| e.to_string())?;
    Ok(Prepared {
        records,
        hello: Hello::Tls {
            hello,
            message,
            secrets,
        },
    })
}

/// A recorded hello with fresh random parts, the target's SNI, fresh key
/// shares, no PSK and the recorded length.
fn refresh(
    recorded: &ClientHello,
    sni: Option<&str>,
    src: Source<'_>,
) -> Result<(ClientHello, Vec<(NamedGroup, Secret)>), String> {
    let mut hello = recorded.clone();
    src.fill(&mut hello.random);
    src.fill(&mut hello.session_id);
    let mut secrets = Vec::new();
    let mut extensions = Vec::with_capacity(hello.extensions.len());
    for ext in std::mem::take(&mut hello.extensions) {
        match ext.typ() {
            ExtensionType::SERVER_NAME => {
                if let Some(name) = sni {
                    extensions.push(ClientExtension::server_name(name));
                }
            }
            ExtensionType::PRE_SHARED_KEY | ExtensionType::EARLY_DATA => {}
            ExtensionType::KEY_SHARE => match ext {
                ClientExtension::KeyShare(entries) => {
                    let entries = entries
                        .into_iter()
                        .map(|e| fresh_or_kept(e, src, &mut secrets))
                        .collect();
                    extensions.push(ClientExtension::KeyShare(entries));
                }
                other => extensions.push(other),
            },
            _ => extensions.push(ext),
        }
    }
    hello.extensions = extensions;
    keep_length(&mut hello, recorded)?;
    Ok((hello, secrets))
}

/// A fresh share of the entry's group, or the entry as recorded.
fn fresh_or_kept(
    entry: KeyShareEntry,
    src: Source<'_>,
    secrets: &mut Vec<(NamedGroup, Secret)>,
) -> KeyShareEntry {
    match kx::fresh(entry.group, src) {
        Some((share, secret)) if share.key_exchange.len() == entry.key_exchange.len() => {
            if let Some(s) = secret {
                secrets.push((entry.group, s));
            }
            share
        }
        // No fresh share (or a recorded share of another length, e.g. a
        // draft encoding): keep the recorded bytes.
        _ => entry,
    }
}

/// Resizes a `padding` extension so that the handshake message is as long
/// as the recorded one (never shorter than an empty padding).
fn keep_length(hello: &mut ClientHello, recorded: &ClientHello) -> Result<(), String> {
    let Some(at) = hello
        .extensions
        .iter()
        .position(|e| e.typ() == ExtensionType::PADDING)
    else {
        return Ok(());
    };
    let len = |h: &ClientHello| h.encode().map(|b| b.len()).map_err(|e| e.to_string());
    let target = len(recorded)?;
    if let Some(e) = hello.extensions.get_mut(at) {
        *e = ClientExtension::Padding(0);
    }
    let bare = len(hello)?;
    if let Some(e) = hello.extensions.get_mut(at) {
        *e = ClientExtension::Padding(target.saturating_sub(bare));
    }
    Ok(())
}

/// The second ClientHello after a HelloRetryRequest for `group` (RFC 8446
/// §4.1.2): the same hello with one fresh share of that group, the
/// server's cookie, and no `early_data`. `None` when the relay cannot make
/// a share of that group.
pub fn retry(
    first: &ClientHello,
    group: NamedGroup,
    cookie: Option<&[u8]>,
    src: Source<'_>,
) -> Option<(ClientHello, Option<Secret>)> {
    let (share, secret) = kx::fresh(group, src)?;
    Some((rebuild(first, Some(share), cookie)?, secret))
}

/// The second ClientHello after a HelloRetryRequest that names no group
/// (a cookie only): the same shares, the cookie, no `early_data`.
pub fn retry_same_shares(first: &ClientHello, cookie: Option<&[u8]>) -> Option<ClientHello> {
    rebuild(first, None, cookie)
}

fn rebuild(
    first: &ClientHello,
    share: Option<KeyShareEntry>,
    cookie: Option<&[u8]>,
) -> Option<ClientHello> {
    let cookie_ext = match cookie {
        Some(c) => {
            let mut data = u16::try_from(c.len()).ok()?.to_be_bytes().to_vec();
            data.extend_from_slice(c);
            Some(ClientExtension::Raw(Extension::new(
                ExtensionType::COOKIE,
                data,
            )))
        }
        None => None,
    };
    let mut hello = first.clone();
    let mut extensions = Vec::with_capacity(hello.extensions.len() + 1);
    for ext in std::mem::take(&mut hello.extensions) {
        match ext.typ() {
            ExtensionType::EARLY_DATA | ExtensionType::COOKIE => {}
            ExtensionType::KEY_SHARE => {
                match &share {
                    Some(s) => extensions.push(ClientExtension::KeyShare(vec![s.clone()])),
                    None => extensions.push(ext),
                }
                extensions.extend(cookie_ext.clone());
            }
            _ => extensions.push(ext),
        }
    }
    hello.extensions = extensions;
    Some(hello)
}

/// The groups of a hello's `supported_groups` and of its key shares.
pub fn offered_groups(hello: &ClientHello) -> (Vec<NamedGroup>, Vec<NamedGroup>) {
    let groups = match hello.extension(ExtensionType::SUPPORTED_GROUPS) {
        Some(ClientExtension::SupportedGroups(g)) => g.clone(),
        _ => Vec::new(),
    };
    let shares = match hello.extension(ExtensionType::KEY_SHARE) {
        Some(ClientExtension::KeyShare(e)) => e.iter().map(|e| e.group).collect(),
        _ => Vec::new(),
    };
    (groups, shares)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use ring::rand::SystemRandom;
    use tlslens_core::clients::table;

    fn client(id: &str) -> &'static ClientProfile {
        table().iter().find(|c| c.id == id).unwrap()
    }

    fn tls(p: &Prepared) -> &ClientHello {
        match &p.hello {
            Hello::Tls { hello, .. } => hello,
            Hello::Sslv2 => panic!("an SSLv2 hello"),
        }
    }

    #[test]
    fn every_client_of_the_table_prepares_a_hello() {
        let rng = SystemRandom::new();
        for c in table() {
            for sni in [Some("www.example.com"), None] {
                let sent = prepare(c, sni, Source::System(&rng))
                    .unwrap_or_else(|e| panic!("{}: {e}", c.id));
                let key = prepare(c, sni, Source::Zero).unwrap();
                assert_eq!(sent.records.len(), key.records.len(), "{}", c.id);
                assert_ne!(sent.records, key.records, "{}: nothing random", c.id);
            }
        }
    }

    #[test]
    fn recorded_hellos_change_only_random_parts_sni_and_shares() {
        let rng = SystemRandom::new();
        for c in table().iter().filter(|c| c.hello.is_some()) {
            let bytes = c.hello_bytes().unwrap();
            if bytes[0] & 0x80 != 0 {
                continue;
            }
            let (recorded, _) = ClientHello::read_records(&bytes).unwrap().unwrap();
            // The codec reads and writes every recorded hello byte for byte.
            assert_eq!(recorded.encode_records().unwrap(), bytes, "{}", c.id);
            let sent = prepare(c, Some("a.example"), Source::System(&rng)).unwrap();
            let hello = tls(&sent);
            assert_eq!(hello.record_version, recorded.record_version);
            assert_eq!(hello.client_version, recorded.client_version);
            assert_eq!(hello.cipher_suites, recorded.cipher_suites, "{}", c.id);
            assert_eq!(hello.session_id.len(), recorded.session_id.len());
            assert_eq!(hello.compression_methods, recorded.compression_methods);
            let types = |h: &ClientHello| -> Vec<ExtensionType> {
                h.extensions
                    .iter()
                    .map(ClientExtension::typ)
                    .filter(|t| {
                        ![ExtensionType::PRE_SHARED_KEY, ExtensionType::EARLY_DATA].contains(t)
                    })
                    .collect()
            };
            assert_eq!(types(hello), types(&recorded), "{}", c.id);
            for (a, b) in hello.extensions.iter().zip(&recorded.extensions) {
                match a.typ() {
                    ExtensionType::SERVER_NAME => {
                        assert_eq!(a, &ClientExtension::server_name("a.example"));
                    }
                    ExtensionType::KEY_SHARE | ExtensionType::PADDING => {}
                    _ => assert_eq!(a, b, "{}", c.id),
                }
            }
            let has_padding = recorded.extension(ExtensionType::PADDING).is_some();
            if has_padding {
                assert_eq!(
                    hello.encode().unwrap().len(),
                    recorded.encode().unwrap().len(),
                    "{}: padding keeps the recorded length",
                    c.id
                );
            }
        }
    }

    #[test]
    fn clients_without_sni_and_ip_targets_send_no_server_name() {
        let none = prepare(client("android-2.3.7"), Some("a.example"), Source::Zero).unwrap();
        assert!(tls(&none).extension(ExtensionType::SERVER_NAME).is_none());
        let ip = prepare(client("java-17.0.3"), None, Source::Zero).unwrap();
        assert!(tls(&ip).extension(ExtensionType::SERVER_NAME).is_none());
        let named = prepare(client("java-17.0.3"), Some("a.example"), Source::Zero).unwrap();
        assert_eq!(
            tls(&named).extension(ExtensionType::SERVER_NAME),
            Some(&ClientExtension::server_name("a.example"))
        );
    }

    #[test]
    fn tls13_clients_get_fresh_shares_with_keys() {
        let rng = SystemRandom::new();
        let p = prepare(
            client("openssl-3.0-debian12"),
            Some("a.example"),
            Source::System(&rng),
        )
        .unwrap();
        let Hello::Tls { secrets, hello, .. } = &p.hello else {
            panic!()
        };
        assert_eq!(secrets.len(), 1);
        assert_eq!(secrets[0].0, NamedGroup::X25519);
        let (_, shares) = offered_groups(hello);
        assert_eq!(shares, vec![NamedGroup::X25519]);
    }

    #[test]
    fn sslv2_hellos_get_a_fresh_challenge_only() {
        let rng = SystemRandom::new();
        let c = client("ie-6-xp");
        let bytes = c.hello_bytes().unwrap();
        let sent = prepare(c, Some("a.example"), Source::System(&rng)).unwrap();
        assert!(matches!(sent.hello, Hello::Sslv2));
        let (a, _) = Sslv2ClientHello::read_record(&bytes).unwrap().unwrap();
        let (b, _) = Sslv2ClientHello::read_record(&sent.records)
            .unwrap()
            .unwrap();
        assert_eq!(a.version, b.version);
        assert_eq!(a.cipher_specs, b.cipher_specs);
        assert_eq!(a.challenge.len(), b.challenge.len());
        assert_ne!(a.challenge, b.challenge);
    }

    #[test]
    fn a_retry_sends_one_share_of_the_asked_group_and_the_cookie() {
        let rng = SystemRandom::new();
        let p = prepare(
            client("java-17.0.3"),
            Some("a.example"),
            Source::System(&rng),
        )
        .unwrap();
        let first = tls(&p);
        let (second, secret) = retry(
            first,
            NamedGroup::SECP384R1,
            Some(b"cookie"),
            Source::System(&rng),
        )
        .unwrap();
        assert!(secret.is_some());
        let (_, shares) = offered_groups(&second);
        assert_eq!(shares, vec![NamedGroup::SECP384R1]);
        let cookie = second.extension(ExtensionType::COOKIE).unwrap();
        assert_eq!(cookie.encode_data().unwrap(), b"\x00\x06cookie");
        assert_eq!(second.random, first.random);
        assert_eq!(second.cipher_suites, first.cipher_suites);
        assert!(retry(first, NamedGroup(0xABCD), None, Source::Zero).is_none());
    }
}
