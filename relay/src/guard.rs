//! The address guard: which IP addresses the relay may connect to.
//!
//! A scanner that connects wherever a user (or a web page, through `serve`) tells
//! it is a server-side request forgery tool. Unless the operator passes
//! `--allow-private`, every address is classified here *before* any connection,
//! and the relay then connects to exactly the address that was checked (no
//! second resolution).
//!
//! [`classify`] is a pure function: it names the special-purpose range an
//! address is in (IANA IPv4/IPv6 Special-Purpose Address Registries) or returns
//! `None` for a globally routable unicast address. IPv4-mapped, IPv4-compatible
//! and SIIT forms are refused outright; NAT64 and 6to4 forms are judged by the
//! IPv4 address they embed. [`parse_ipv4_numeric`] reads every spelling
//! `inet_aton` accepts (`127.1`, `2130706433`, `0x7f000001`, `0177.0.0.1`), so
//! a host name that is really a number is treated as the address it means.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The special-purpose range `ip` belongs to, or `None` when it is a public
/// unicast address the relay may scan.
pub fn classify(ip: IpAddr) -> Option<&'static str> {
    match ip {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

/// Whether the guard lets the relay connect to `ip`.
pub fn is_allowed(ip: IpAddr, allow_private: bool) -> bool {
    allow_private || classify(ip).is_none()
}

/// An address range, `ADDR/PREFIX` (a bare address is a /32 or /128).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    net: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Whether `ip` is inside the range (an IPv4 range never contains an
    /// IPv6 address, mapped forms included).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.net, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                in_v4(u32::from(ip), net.octets(), u32::from(self.prefix))
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                in_v6(u128::from(ip), u128::from(net), u32::from(self.prefix))
            }
            _ => false,
        }
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.net, self.prefix)
    }
}

impl std::str::FromStr for Cidr {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let net: IpAddr = addr
            .parse()
            .map_err(|_| format!("invalid CIDR {s:?}: bad address"))?;
        let max = if net.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) => p
                .parse::<u8>()
                .ok()
                .filter(|p| *p <= max)
                .ok_or_else(|| format!("invalid CIDR {s:?}: prefix must be 0..={max}"))?,
        };
        Ok(Cidr { net, prefix })
    }
}

/// What the operator allows: everything (`--allow-private`), or public
/// addresses plus the `--allow-cidr` ranges.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Policy {
    /// `--allow-private`: no address is refused.
    pub allow_private: bool,
    /// `--allow-cidr`: special-purpose ranges the operator lets through.
    pub allow_cidrs: Vec<Cidr>,
}

impl Policy {
    /// A policy that refuses every special-purpose address.
    pub fn strict() -> Self {
        Self::default()
    }

    /// A policy that allows every address (`--allow-private`).
    pub fn allow_all() -> Self {
        Self {
            allow_private: true,
            allow_cidrs: Vec::new(),
        }
    }

    /// Why `ip` is refused (the range it is in), or `None` when the relay may
    /// connect to it.
    pub fn refusal(&self, ip: IpAddr) -> Option<&'static str> {
        if self.allow_private || self.allow_cidrs.iter().any(|c| c.contains(ip)) {
            return None;
        }
        classify(ip)
    }

    /// Whether the relay may connect to `ip`.
    pub fn allows(&self, ip: IpAddr) -> bool {
        self.refusal(ip).is_none()
    }
}

fn in_v4(ip: u32, net: [u8; 4], prefix: u32) -> bool {
    let net = u32::from_be_bytes(net);
    let mask = if prefix == 0 {
        0
    } else {
        u32::MAX << (32 - prefix)
    };
    ip & mask == net & mask
}

/// IPv4 special-purpose ranges (RFC 6890 and the IANA registry).
pub fn classify_v4(ip: Ipv4Addr) -> Option<&'static str> {
    const RANGES: &[([u8; 4], u32, &str)] = &[
        ([0, 0, 0, 0], 8, "\"this network\" (0.0.0.0/8)"),
        ([10, 0, 0, 0], 8, "private (10.0.0.0/8)"),
        (
            [100, 64, 0, 0],
            10,
            "shared address space / CGNAT (100.64.0.0/10)",
        ),
        ([127, 0, 0, 0], 8, "loopback (127.0.0.0/8)"),
        ([169, 254, 0, 0], 16, "link-local (169.254.0.0/16)"),
        ([172, 16, 0, 0], 12, "private (172.16.0.0/12)"),
        (
            [192, 0, 0, 0],
            24,
            "IETF protocol assignments (192.0.0.0/24)",
        ),
        ([192, 0, 2, 0], 24, "documentation (192.0.2.0/24)"),
        ([192, 31, 196, 0], 24, "AS112 (192.31.196.0/24)"),
        ([192, 52, 193, 0], 24, "AMT (192.52.193.0/24)"),
        ([192, 88, 99, 0], 24, "6to4 relay anycast (192.88.99.0/24)"),
        ([192, 168, 0, 0], 16, "private (192.168.0.0/16)"),
        (
            [192, 175, 48, 0],
            24,
            "direct delegation AS112 (192.175.48.0/24)",
        ),
        ([198, 18, 0, 0], 15, "benchmarking (198.18.0.0/15)"),
        ([198, 51, 100, 0], 24, "documentation (198.51.100.0/24)"),
        ([203, 0, 113, 0], 24, "documentation (203.0.113.0/24)"),
        ([224, 0, 0, 0], 4, "multicast (224.0.0.0/4)"),
        ([255, 255, 255, 255], 32, "broadcast (255.255.255.255)"),
        ([240, 0, 0, 0], 4, "reserved (240.0.0.0/4)"),
    ];
    let n = u32::from(ip);
    RANGES
        .iter()
        .find(|(net, prefix, _)| in_v4(n, *net, *prefix))
        .map(|(_, _, name)| *name)
}

fn in_v6(ip: u128, net: u128, prefix: u32) -> bool {
    let mask = if prefix == 0 {
        0
    } else {
        u128::MAX << (128 - prefix)
    };
    ip & mask == net & mask
}

/// IPv6 special-purpose ranges; anything outside 2000::/3 is refused too.
pub fn classify_v6(ip: Ipv6Addr) -> Option<&'static str> {
    let n = u128::from(ip);
    if n == 0 {
        return Some("unspecified (::)");
    }
    if n == 1 {
        return Some("loopback (::1)");
    }
    let embedded = |shift: u32| Ipv4Addr::from(((n >> shift) & 0xFFFF_FFFF) as u32);
    // Forms that carry an IPv4 address.
    if in_v6(n, 0xFFFF << 32, 96) {
        return Some("IPv4-mapped (::ffff:0:0/96)");
    }
    if in_v6(n, 0, 96) {
        return Some("IPv4-compatible (::/96)");
    }
    if in_v6(n, 0xFFFF << 48, 96) {
        return Some("SIIT IPv4-translated (::ffff:0:0:0/96)");
    }
    if in_v6(n, 0x0064_FF9B << 96, 96) {
        // NAT64 well-known prefix: judged by the IPv4 address it reaches.
        return classify_v4(embedded(0)).map(|_| "NAT64 form of a special-purpose IPv4 address");
    }
    if in_v6(n, 0x0064_FF9B_0001 << 80, 48) {
        return Some("local-use NAT64 (64:ff9b:1::/48)");
    }
    if in_v6(n, 0x2002 << 112, 16) {
        return classify_v4(embedded(80)).map(|_| "6to4 form of a special-purpose IPv4 address");
    }
    const RANGES: &[(u128, u32, &str)] = &[
        (0x0100 << 112, 64, "discard-only (100::/64)"),
        (0x2001_0db8 << 96, 32, "documentation (2001:db8::/32)"),
        (0x2001_0002 << 96, 48, "benchmarking (2001:2::/48)"),
        (0x2001 << 112, 32, "Teredo (2001::/32)"),
        (0x2001 << 112, 23, "IETF protocol assignments (2001::/23)"),
        (0x3fff << 112, 20, "documentation (3fff::/20)"),
        (0x5f00 << 112, 16, "SRv6 SIDs (5f00::/16)"),
        (0xfc00 << 112, 7, "unique local (fc00::/7)"),
        (0xfe80 << 112, 10, "link-local (fe80::/10)"),
        (0xfec0 << 112, 10, "site-local (fec0::/10)"),
        (0xff00 << 112, 8, "multicast (ff00::/8)"),
    ];
    if let Some((_, _, name)) = RANGES
        .iter()
        .find(|(net, prefix, _)| in_v6(n, *net, *prefix))
    {
        return Some(name);
    }
    if !in_v6(n, 0x2000 << 112, 3) {
        return Some("reserved (outside 2000::/3)");
    }
    None
}

/// Reads an IPv4 address in any spelling `inet_aton(3)` accepts: one to four
/// dot-separated parts, each decimal, octal (leading `0`) or hex (`0x`), the
/// last part filling the remaining bytes. `None` if `s` is not such a number.
pub fn parse_ipv4_numeric(s: &str) -> Option<Ipv4Addr> {
    let s = s.strip_suffix('.').unwrap_or(s);
    let parts: Vec<&str> = s.split('.').collect();
    if parts.is_empty() || parts.len() > 4 {
        return None;
    }
    let mut values = Vec::with_capacity(parts.len());
    for part in &parts {
        values.push(parse_number_part(part)?);
    }
    let (last, head) = values.split_last()?;
    if head.iter().any(|v| *v > 0xFF) {
        return None;
    }
    let rest_bits = 8 * (4 - head.len() as u32);
    if rest_bits < 32 && *last >= (1u64 << rest_bits) {
        return None;
    }
    if *last > u64::from(u32::MAX) {
        return None;
    }
    let mut n: u64 = 0;
    for (i, v) in head.iter().enumerate() {
        n |= v << (24 - 8 * i as u32);
    }
    n |= last;
    u32::try_from(n).ok().map(Ipv4Addr::from)
}

fn parse_number_part(part: &str) -> Option<u64> {
    if part.is_empty() {
        return None;
    }
    let (digits, radix) =
        if let Some(hex) = part.strip_prefix("0x").or_else(|| part.strip_prefix("0X")) {
            (hex, 16)
        } else if part.len() > 1 && part.starts_with('0') {
            (&part[1..], 8)
        } else {
            (part, 10)
        };
    if digits.is_empty() {
        // "0x" alone is 0 for inet_aton.
        return (radix == 16).then_some(0);
    }
    if digits.len() > 12 || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    u64::from_str_radix(digits, radix).ok()
}

/// Whether the last label of a host name is numeric (decimal or `0x` hex), in
/// which case the WHATWG URL rules read the whole name as an IPv4 address and
/// it must not be sent to DNS.
pub fn looks_numeric(host: &str) -> bool {
    let host = host.strip_suffix('.').unwrap_or(host);
    let last = host.rsplit('.').next().unwrap_or(host);
    !last.is_empty()
        && (last.chars().all(|c| c.is_ascii_digit())
            || last
                .strip_prefix("0x")
                .or_else(|| last.strip_prefix("0X"))
                .is_some_and(|h| h.chars().all(|c| c.is_ascii_hexdigit())))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn v4(s: &str) -> Option<&'static str> {
        classify(s.parse::<IpAddr>().unwrap())
    }

    #[test]
    fn public_addresses_pass() {
        for s in [
            "1.1.1.1",
            "8.8.8.8",
            "93.184.216.34",
            "100.63.255.255",
            "100.128.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "192.0.1.255",
            "192.169.0.1",
            "198.17.255.255",
            "198.20.0.0",
            "223.255.255.255",
            "11.0.0.1",
            "2606:4700:4700::1111",
            "2001:4860:4860::8888",
            "2a00:1450:4001:80b::200e",
            "2001:200::1",
            "64:ff9b::8.8.8.8",
            "2002:0808:0808::1",
        ] {
            assert_eq!(v4(s), None, "{s}");
        }
    }

    #[test]
    fn special_ipv4_refused() {
        for s in [
            "0.0.0.0",
            "0.1.2.3",
            "10.0.0.1",
            "10.255.255.255",
            "100.64.0.1",
            "100.127.255.254",
            "127.0.0.1",
            "127.255.255.254",
            "169.254.169.254",
            "172.16.0.1",
            "172.31.255.255",
            "192.0.0.8",
            "192.0.2.1",
            "192.88.99.1",
            "192.168.1.1",
            "198.18.0.1",
            "198.19.255.255",
            "198.51.100.7",
            "203.0.113.9",
            "224.0.0.1",
            "239.255.255.250",
            "240.0.0.1",
            "255.255.255.255",
        ] {
            assert!(v4(s).is_some(), "{s}");
        }
        assert!(v4("127.0.0.1").unwrap().contains("loopback"));
        assert!(v4("100.64.0.1").unwrap().contains("CGNAT"));
        assert!(v4("198.18.0.1").unwrap().contains("benchmarking"));
        assert!(v4("192.0.2.1").unwrap().contains("documentation"));
        assert!(v4("255.255.255.255").unwrap().contains("broadcast"));
        assert!(v4("224.0.0.1").unwrap().contains("multicast"));
    }

    #[test]
    fn special_ipv6_refused() {
        for s in [
            "::",
            "::1",
            "::ffff:10.0.0.1",
            "::ffff:127.0.0.1",
            "::ffff:8.8.8.8",
            "::127.0.0.1",
            "::ffff:0:10.0.0.1",
            "64:ff9b::10.0.0.1",
            "64:ff9b::127.0.0.1",
            "64:ff9b:1::1",
            "2002:7f00:0001::1",
            "2002:c0a8:0101::1",
            "100::1",
            "2001:db8::1",
            "2001:2::1",
            "2001::1",
            "2001:10::1",
            "3fff::1",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "febf::1",
            "fec0::1",
            "ff02::1",
            "ff0e::1",
            "5f00::1",
            "4000::1",
            "::2",
            "1::",
        ] {
            assert!(v4(s).is_some(), "{s}");
        }
        assert!(v4("::ffff:10.0.0.1").unwrap().contains("mapped"));
        assert!(v4("fe80::1").unwrap().contains("link-local"));
        assert!(v4("fd00::1").unwrap().contains("unique local"));
    }

    #[test]
    fn numeric_spellings() {
        let lo = Some(Ipv4Addr::new(127, 0, 0, 1));
        for s in [
            "127.0.0.1",
            "127.1",
            "127.0.1",
            "2130706433",
            "0x7f000001",
            "0X7F000001",
            "0177.0.0.1",
            "0x7f.1",
            "0x7f.0.0.0x1",
            "017700000001",
            "127.0.0.1.",
        ] {
            assert_eq!(parse_ipv4_numeric(s), lo, "{s}");
        }
        assert_eq!(parse_ipv4_numeric("0"), Some(Ipv4Addr::UNSPECIFIED));
        assert_eq!(parse_ipv4_numeric("10.1"), Some(Ipv4Addr::new(10, 0, 0, 1)));
        assert_eq!(
            parse_ipv4_numeric("192.168.257"),
            Some(Ipv4Addr::new(192, 168, 1, 1))
        );
        for s in [
            "",
            "256.0.0.1",
            "1.2.3.4.5",
            "4294967296",
            "127.0.0.256",
            "1.2.65536",
            "08.0.0.1",
            "0x1g",
            "example.com",
            "1..1",
            "-1",
        ] {
            assert_eq!(parse_ipv4_numeric(s), None, "{s}");
        }
        assert!(looks_numeric("127.1"));
        assert!(looks_numeric("foo.0x10"));
        assert!(looks_numeric("1.2.3.4.5"));
        assert!(!looks_numeric("example.com"));
        assert!(!looks_numeric("1.example"));
    }

    #[test]
    fn numeric_spellings_are_classified() {
        for s in [
            "127.1",
            "2130706433",
            "0x7f000001",
            "0177.0.0.1",
            "10.1",
            "0",
        ] {
            let ip = parse_ipv4_numeric(s).unwrap();
            assert!(classify(IpAddr::V4(ip)).is_some(), "{s}");
        }
    }

    #[test]
    fn cidr_policy() {
        let c: Cidr = "10.1.0.0/16".parse().unwrap();
        assert!(c.contains("10.1.2.3".parse().unwrap()));
        assert!(!c.contains("10.2.0.1".parse().unwrap()));
        assert!(!c.contains("::ffff:10.1.2.3".parse().unwrap()));
        assert_eq!(c.to_string(), "10.1.0.0/16");
        let one: Cidr = "fd00::1".parse().unwrap();
        assert!(one.contains("fd00::1".parse().unwrap()));
        assert!(!one.contains("fd00::2".parse().unwrap()));
        let six: Cidr = "fd00:1::/32".parse().unwrap();
        assert!(six.contains("fd00:1:0:0::5".parse().unwrap()));
        for bad in [
            "10.0.0.0/33",
            "fd00::/129",
            "nope/8",
            "10.0.0.0/x",
            "",
            "127.1/8",
        ] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad}");
        }
        let p = Policy {
            allow_private: false,
            allow_cidrs: vec![c, "127.0.0.0/8".parse().unwrap()],
        };
        assert_eq!(p.refusal("10.1.9.9".parse().unwrap()), None);
        assert_eq!(p.refusal("127.0.0.1".parse().unwrap()), None);
        assert!(p.refusal("10.2.0.1".parse().unwrap()).is_some());
        assert!(p.refusal("::1".parse().unwrap()).is_some());
        assert!(p.refusal("::ffff:127.0.0.1".parse().unwrap()).is_some());
        assert!(p.refusal("169.254.169.254".parse().unwrap()).is_some());
        assert!(p.allows("8.8.8.8".parse().unwrap()));
        assert!(Policy::allow_all().allows("10.2.0.1".parse().unwrap()));
        assert!(!Policy::strict().allows("10.2.0.1".parse().unwrap()));
    }

    #[test]
    fn allow_private_overrides() {
        let lo: IpAddr = "127.0.0.1".parse().unwrap();
        assert!(!is_allowed(lo, false));
        assert!(is_allowed(lo, true));
        assert!(is_allowed("8.8.8.8".parse().unwrap(), false));
    }
}
