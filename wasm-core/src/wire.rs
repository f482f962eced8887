//! Wire code points shared by the scanner and the grader: protocol versions,
//! cipher suites and named groups. They are the only such types in the
//! project: the relay's codec (its ClientHello, ServerHello, key shares,
//! records…) is written with them too, so a value goes from the wire to the
//! facts without a conversion.
//!
//! Each is a transparent newtype over its on-the-wire number. Names come from the
//! IANA registries (see [`crate::suites`] and [`crate::groups`]); a number we do
//! not know is kept as a value and written as `0xC0FF`, never dropped and never an
//! error. In JSON they are written by name and read back from a name, a `0x` hex
//! string or a plain number.

use std::fmt;

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// A protocol version as sent in `ServerHello.version` (or `supported_versions`).
/// SSLv2 has no such field; it is given the conventional value `0x0002`.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct ProtocolVersion(pub u16);

impl ProtocolVersion {
    pub const SSLV2: Self = Self(0x0002);
    pub const SSLV3: Self = Self(0x0300);
    pub const TLS10: Self = Self(0x0301);
    pub const TLS11: Self = Self(0x0302);
    pub const TLS12: Self = Self(0x0303);
    pub const TLS13: Self = Self(0x0304);

    /// Every version the scanner knows how to probe, oldest first.
    pub const ALL: [Self; 6] = [
        Self::SSLV2,
        Self::SSLV3,
        Self::TLS10,
        Self::TLS11,
        Self::TLS12,
        Self::TLS13,
    ];

    /// The contract name (`TLSv1.2`), or `None` for a number we do not know.
    pub fn known_name(self) -> Option<&'static str> {
        Some(match self {
            Self::SSLV2 => "SSLv2",
            Self::SSLV3 => "SSLv3",
            Self::TLS10 => "TLSv1.0",
            Self::TLS11 => "TLSv1.1",
            Self::TLS12 => "TLSv1.2",
            Self::TLS13 => "TLSv1.3",
            _ => return None,
        })
    }

    /// Reads a contract name (`TLSv1.2`), a hex code (`0x0303`) or a decimal number.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|v| v.known_name() == Some(s))
            .or_else(|| parse_number(s).map(Self))
    }
}

/// A cipher suite code point (TLS 1.0–1.3; SSLv3 shares the registry).
/// Signalling values (SCSVs) a ClientHello lists among its suites are cipher
/// suites too.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct CipherSuite(pub u16);

impl CipherSuite {
    /// `TLS_NULL_WITH_NULL_NULL`.
    pub const TLS_NULL_WITH_NULL_NULL: Self = Self(0x0000);
    /// `TLS_EMPTY_RENEGOTIATION_INFO_SCSV` (RFC 5746), the renegotiation
    /// signal of hellos without extensions (SSLv3).
    pub const TLS_EMPTY_RENEGOTIATION_INFO_SCSV: Self = Self(0x00FF);
    /// `TLS_FALLBACK_SCSV` (RFC 7507).
    pub const TLS_FALLBACK_SCSV: Self = Self(0x5600);
    /// `TLS_AES_128_GCM_SHA256` (TLS 1.3).
    pub const TLS_AES_128_GCM_SHA256: Self = Self(0x1301);
    /// `TLS_AES_256_GCM_SHA384` (TLS 1.3).
    pub const TLS_AES_256_GCM_SHA384: Self = Self(0x1302);
    /// `TLS_CHACHA20_POLY1305_SHA256` (TLS 1.3).
    pub const TLS_CHACHA20_POLY1305_SHA256: Self = Self(0x1303);

    /// The IANA name, or `None` for a code point not in the registry.
    pub fn known_name(self) -> Option<&'static str> {
        crate::suites::lookup(self.0).map(|info| info.name)
    }

    /// Reads an IANA name, a hex code (`0xC02F`) or a decimal number.
    pub fn parse(s: &str) -> Option<Self> {
        crate::suites::by_name(s)
            .map(|info| Self(info.code))
            .or_else(|| parse_number(s).map(Self))
    }

    /// What the registry says about this suite, if it knows it.
    pub fn info(self) -> Option<crate::suites::SuiteInfo> {
        crate::suites::lookup(self.0)
    }
}

/// A named group (`supported_groups`, `key_share`), formerly "elliptic curve".
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub struct NamedGroup(pub u16);

impl NamedGroup {
    pub const SECP256R1: Self = Self(23);
    pub const SECP384R1: Self = Self(24);
    pub const SECP521R1: Self = Self(25);
    pub const X25519: Self = Self(29);
    pub const X448: Self = Self(30);
    pub const FFDHE2048: Self = Self(256);
    pub const FFDHE3072: Self = Self(257);
    pub const FFDHE4096: Self = Self(258);
    pub const FFDHE6144: Self = Self(259);
    pub const FFDHE8192: Self = Self(260);
    pub const X25519MLKEM768: Self = Self(0x11EC);

    /// The IANA name (`x25519`, `secp256r1`), or `None` for an unknown code point.
    pub fn known_name(self) -> Option<&'static str> {
        crate::groups::lookup(self.0).map(|info| info.name)
    }

    /// Reads an IANA name, a hex code or a decimal number.
    pub fn parse(s: &str) -> Option<Self> {
        crate::groups::by_name(s)
            .map(|info| Self(info.code))
            .or_else(|| parse_number(s).map(Self))
    }

    /// What the registry says about this group, if it knows it.
    pub fn info(self) -> Option<crate::groups::GroupInfo> {
        crate::groups::lookup(self.0)
    }
}

fn parse_number(s: &str) -> Option<u16> {
    let s = s.trim();
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u16::from_str_radix(hex, 16).ok(),
        None => s.parse().ok(),
    }
}

macro_rules! named_code_point {
    ($ty:ident, $what:literal) => {
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match self.known_name() {
                    Some(name) => f.write_str(name),
                    None => write!(f, "0x{:04X}", self.0),
                }
            }
        }

        impl Serialize for $ty {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Visitor;
                impl de::Visitor<'_> for Visitor {
                    type Value = $ty;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        write!(f, "a {} name, a 0x hex code or a number", $what)
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<$ty, E> {
                        $ty::parse(v).ok_or_else(|| E::custom(format!("unknown {} {v:?}", $what)))
                    }
                    fn visit_u64<E: de::Error>(self, v: u64) -> Result<$ty, E> {
                        u16::try_from(v)
                            .map($ty)
                            .map_err(|_| E::custom(format!("{} out of range: {v}", $what)))
                    }
                }
                deserializer.deserialize_any(Visitor)
            }
        }
    };
}

named_code_point!(ProtocolVersion, "protocol version");
named_code_point!(CipherSuite, "cipher suite");
named_code_point!(NamedGroup, "named group");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_code_points_round_trip_as_hex() {
        let suite = CipherSuite(0xC0FF);
        let json = serde_json::to_string(&suite).unwrap();
        assert_eq!(json, "\"0xC0FF\"");
        assert_eq!(serde_json::from_str::<CipherSuite>(&json).unwrap(), suite);
        assert_eq!(ProtocolVersion(0x7F1C).to_string(), "0x7F1C");
        assert_eq!(
            serde_json::from_str::<NamedGroup>("4588").unwrap(),
            NamedGroup(4588)
        );
    }

    #[test]
    fn known_code_points_use_contract_names() {
        assert_eq!(ProtocolVersion::TLS12.to_string(), "TLSv1.2");
        assert_eq!(
            ProtocolVersion::parse("SSLv2"),
            Some(ProtocolVersion::SSLV2)
        );
        assert_eq!(
            CipherSuite(0xC02F).to_string(),
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"
        );
        assert_eq!(
            CipherSuite::parse("TLS_AES_128_GCM_SHA256"),
            Some(CipherSuite(0x1301))
        );
        assert_eq!(NamedGroup::X25519.to_string(), "x25519");
        assert_eq!(NamedGroup::X25519MLKEM768.to_string(), "X25519MLKEM768");
        assert!(ProtocolVersion::SSLV3 < ProtocolVersion::TLS13);
    }
}
