//! `Hex`: owned bytes that travel through JSON as lowercase hexadecimal — the
//! big integers and public values of a key exchange (a DH prime, a server's
//! `dh_Ys` or ECDH point), which people compare with the hex of RFCs.

use std::fmt;

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

/// Bytes, written to JSON as lowercase hex (upper case is read too).
#[derive(Clone, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Hex(pub Vec<u8>);

impl Hex {
    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The bytes with leading zero bytes removed (a big-endian integer's
    /// minimal form).
    pub fn trimmed(&self) -> &[u8] {
        let first = self.0.iter().position(|b| *b != 0).unwrap_or(self.0.len());
        self.0.get(first..).unwrap_or_default()
    }

    /// The hex text.
    pub fn to_hex(&self) -> String {
        let mut s = String::with_capacity(self.0.len() * 2);
        for b in &self.0 {
            s.push_str(&format!("{b:02x}"));
        }
        s
    }

    /// Reads hex text (even length, no prefix).
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.as_bytes();
        if t.len() % 2 != 0 {
            return None;
        }
        let digit = |c: u8| {
            char::from(c)
                .to_digit(16)
                .and_then(|d| u8::try_from(d).ok())
        };
        t.chunks(2)
            .map(|pair| match pair {
                [hi, lo] => Some(digit(*hi)? << 4 | digit(*lo)?),
                _ => None,
            })
            .collect::<Option<Vec<u8>>>()
            .map(Hex)
    }
}

impl From<Vec<u8>> for Hex {
    fn from(v: Vec<u8>) -> Self {
        Self(v)
    }
}

impl From<&[u8]> for Hex {
    fn from(v: &[u8]) -> Self {
        Self(v.to_vec())
    }
}

impl fmt::Debug for Hex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Hex({} bytes)", self.0.len())
    }
}

impl Serialize for Hex {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.to_hex())
    }
}

impl<'de> Deserialize<'de> for Hex {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Hex::parse(&text).ok_or_else(|| de::Error::custom("expected hexadecimal bytes"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_round_trips_and_rejects_junk() {
        let h = Hex(vec![0, 0x0a, 0xff]);
        assert_eq!(serde_json::to_string(&h).unwrap(), "\"000aff\"");
        assert_eq!(serde_json::from_str::<Hex>("\"000AFF\"").unwrap(), h);
        assert_eq!(h.trimmed(), &[0x0a, 0xff]);
        assert!(serde_json::from_str::<Hex>("\"abc\"").is_err());
        assert!(serde_json::from_str::<Hex>("\"zz\"").is_err());
        assert_eq!(Hex::parse(""), Some(Hex(vec![])));
        assert_eq!(Hex(vec![0, 0]).trimmed(), &[] as &[u8]);
    }
}
