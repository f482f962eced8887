//! Name constraints (RFC 5280 4.2.1.10) as the Web PKI applies them: a CA's
//! permitted and excluded subtrees bound the names of every certificate below
//! it — DNS names and IP addresses in the subjectAltName, directory names (the
//! subject and directoryName entries), e-mail addresses (rfc822Name entries and
//! emailAddress attributes). A name of a form the validator cannot check under
//! a constraint of that form rejects the certificate, as RFC 5280 requires.
//! Wildcard DNS names are judged by every name they could match. The work is
//! bounded: more than [`MAX_COMPARISONS`] name/subtree comparisons per path
//! rejects it (the quadratic blow-up of crafted certificates).

use x509_parser::certificate::X509Certificate;
use x509_parser::extensions::{GeneralName, NameConstraints, ParsedExtension};
use x509_parser::x509::X509Name;

/// Comparisons allowed for one path (rustls-webpki uses the same order).
pub const MAX_COMPARISONS: u32 = 250_000;

const OID_EMAIL_ADDRESS: &str = "1.2.840.113549.1.9.1";

/// The name constraints of `cert`, checked for well-formedness. `Ok(None)`
/// when it has none; the error completes "the intermediate 'X' …".
pub fn of<'c, 'a>(
    cert: &'c X509Certificate<'a>,
) -> Result<Option<&'c NameConstraints<'a>>, String> {
    let Some(ext) = cert
        .tbs_certificate
        .extensions()
        .iter()
        .find(|e| e.oid.to_id_string() == "2.5.29.30")
    else {
        return Ok(None);
    };
    let ParsedExtension::NameConstraints(nc) = ext.parsed_extension() else {
        return Err("has malformed nameConstraints (RFC 5280 4.2.1.10)".to_owned());
    };
    let permitted = nc.permitted_subtrees.as_deref().unwrap_or_default();
    let excluded = nc.excluded_subtrees.as_deref().unwrap_or_default();
    if permitted.is_empty() && excluded.is_empty() {
        return Err("has empty nameConstraints (RFC 5280 4.2.1.10)".to_owned());
    }
    for base in permitted.iter().chain(excluded).map(|s| &s.base) {
        match base {
            GeneralName::DNSName(d) if !valid_dns_base(d) => {
                return Err(format!(
                    "has a malformed DNS name constraint '{d}' (RFC 5280 4.2.1.10)"
                ))
            }
            GeneralName::IPAddress(b) if ip_subtree(b).is_none() => {
                return Err(format!(
                    "has a malformed IP address name constraint ({} bytes, not an address and a CIDR mask) (RFC 5280 4.2.1.10)",
                    b.len()
                ))
            }
            _ => {}
        }
    }
    Ok(Some(nc))
}

/// A DNS constraint: LDH labels, optionally with one leading period (which
/// limits it to subdomains, as OpenSSL and Chrome read it); empty matches all.
fn valid_dns_base(base: &str) -> bool {
    let b = base.strip_prefix('.').unwrap_or(base);
    base.is_empty() || dns_labels_ok(b)
}

/// Every label 1–63 LDH characters, not starting or ending with a hyphen.
pub fn dns_labels_ok(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 253
        && name.split('.').all(|l| {
            !l.is_empty()
                && l.len() <= 63
                && l.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
                && !l.starts_with('-')
                && !l.ends_with('-')
        })
}

/// (address, mask) of an iPAddress constraint: 4+4 or 16+16 bytes with a
/// contiguous mask.
fn ip_subtree(b: &[u8]) -> Option<(&[u8], &[u8])> {
    if b.len() != 8 && b.len() != 32 {
        return None;
    }
    let (addr, mask) = b.split_at(b.len() / 2);
    let bits: Vec<bool> = mask
        .iter()
        .flat_map(|byte| (0..8).rev().map(move |i| byte >> i & 1 == 1))
        .collect();
    let ones = bits.iter().take_while(|b| **b).count();
    bits[ones..].iter().all(|b| !b).then_some((addr, mask))
}

/// A name of the certificate below, in one of the forms constraints speak of.
enum Name<'n> {
    Dns(&'n str),
    Ip(&'n [u8]),
    Directory(&'n X509Name<'n>),
    Email(String),
    /// Another form (URI, otherName, …): its form's name.
    Other(&'static str),
}

fn form_of(base: &GeneralName<'_>) -> &'static str {
    match base {
        GeneralName::DNSName(_) => "dNSName",
        GeneralName::IPAddress(_) => "iPAddress",
        GeneralName::DirectoryName(_) => "directoryName",
        GeneralName::RFC822Name(_) => "rfc822Name",
        GeneralName::URI(_) => "uniformResourceIdentifier",
        GeneralName::OtherName(..) => "otherName",
        GeneralName::X400Address(_) => "x400Address",
        GeneralName::EDIPartyName(_) => "ediPartyName",
        GeneralName::RegisteredID(_) => "registeredID",
        GeneralName::Invalid(..) => "invalid",
    }
}

impl Name<'_> {
    fn form(&self) -> &'static str {
        match self {
            Name::Dns(_) => "dNSName",
            Name::Ip(_) => "iPAddress",
            Name::Directory(_) => "directoryName",
            Name::Email(_) => "rfc822Name",
            Name::Other(f) => f,
        }
    }

    fn text(&self) -> String {
        match self {
            Name::Dns(d) => (*d).to_owned(),
            Name::Ip(b) => crate::cert::ip_text(b).unwrap_or_else(|| crate::cert::hex(b)),
            Name::Directory(n) => n.to_string(),
            Name::Email(e) => e.clone(),
            Name::Other(f) => format!("({f})"),
        }
    }
}

fn names_of<'n>(cert: &'n X509Certificate<'n>) -> Vec<Name<'n>> {
    let mut out = Vec::new();
    let subject = &cert.tbs_certificate.subject;
    if subject.as_raw().len() > 2 {
        out.push(Name::Directory(subject));
        for attr in subject.iter_attributes() {
            if attr.attr_type().to_id_string() == OID_EMAIL_ADDRESS {
                if let Ok(e) = attr.as_str() {
                    out.push(Name::Email(e.to_owned()));
                }
            }
        }
    }
    for n in crate::cert_profile::san_names(cert) {
        out.push(match n {
            GeneralName::DNSName(d) => Name::Dns(d),
            GeneralName::IPAddress(b) => Name::Ip(b),
            GeneralName::DirectoryName(d) => Name::Directory(d),
            GeneralName::RFC822Name(e) => Name::Email((*e).to_owned()),
            other => Name::Other(form_of(other)),
        });
    }
    out
}

/// How a name compares with one subtree of its form.
#[derive(PartialEq, Eq)]
enum Fit {
    Inside,
    Outside,
    /// A wildcard that matches names both inside and outside.
    Partly,
    /// The name is malformed, so it cannot be placed.
    Malformed,
}

fn dns_fit(name: &str, base: &str) -> Fit {
    let name = name.trim_end_matches('.').to_ascii_lowercase();
    let base = base.trim_end_matches('.').to_ascii_lowercase();
    let (sub_only, b) = match base.strip_prefix('.') {
        Some(b) => (true, b),
        None => (false, base.as_str()),
    };
    let below = format!(".{b}");
    let inside =
        |n: &str| (b.is_empty() && !sub_only) || n.ends_with(&below) || (!sub_only && n == b);
    match name.strip_prefix("*.") {
        // `*.r` stands for every `label.r`.
        Some(r) if dns_labels_ok(r) => {
            if inside(r) || (sub_only && r == b) {
                Fit::Inside
            } else if !sub_only
                && b.strip_suffix(&format!(".{r}"))
                    .is_some_and(|label| !label.contains('.'))
            {
                // The subtree is one `label.r`: the wildcard matches it too.
                Fit::Partly
            } else {
                Fit::Outside
            }
        }
        Some(_) => Fit::Malformed,
        None if dns_labels_ok(&name) => {
            if inside(&name) {
                Fit::Inside
            } else {
                Fit::Outside
            }
        }
        None => Fit::Malformed,
    }
}

fn ip_fit(name: &[u8], base: &[u8]) -> Fit {
    let Some((addr, mask)) = ip_subtree(base) else {
        return Fit::Outside;
    };
    if name.len() != 4 && name.len() != 16 {
        return Fit::Malformed;
    }
    if name.len() != addr.len() {
        return Fit::Outside;
    }
    let inside = name
        .iter()
        .zip(addr)
        .zip(mask)
        .all(|((n, a), m)| n & m == a & m);
    if inside {
        Fit::Inside
    } else {
        Fit::Outside
    }
}

/// RFC 5280 7.1-style comparison of one attribute value: case-insensitive,
/// surrounding and repeated spaces ignored, raw bytes when not a string.
fn attr_eq(
    a: &x509_parser::x509::AttributeTypeAndValue<'_>,
    b: &x509_parser::x509::AttributeTypeAndValue<'_>,
) -> bool {
    if a.attr_type() != b.attr_type() {
        return false;
    }
    match (a.as_str(), b.as_str()) {
        (Ok(x), Ok(y)) => {
            let norm = |s: &str| {
                s.split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" ")
                    .to_lowercase()
            };
            norm(x) == norm(y)
        }
        _ => a.attr_value().data == b.attr_value().data,
    }
}

fn dir_fit(name: &X509Name<'_>, base: &X509Name<'_>) -> Fit {
    let names: Vec<_> = name.iter().collect();
    let bases: Vec<_> = base.iter().collect();
    if bases.len() > names.len() {
        return Fit::Outside;
    }
    let prefix = bases.iter().zip(&names).all(|(b, n)| {
        let (b, n): (Vec<_>, Vec<_>) = (b.iter().collect(), n.iter().collect());
        b.len() == n.len() && b.iter().all(|x| n.iter().any(|y| attr_eq(x, y)))
    });
    if prefix {
        Fit::Inside
    } else {
        Fit::Outside
    }
}

fn email_fit(name: &str, base: &str) -> Fit {
    let Some((_, host)) = name.rsplit_once('@') else {
        return Fit::Malformed;
    };
    let inside = if base.contains('@') {
        name.eq_ignore_ascii_case(base)
    } else if let Some(domain) = base.strip_prefix('.') {
        host.len() > domain.len()
            && host
                .to_ascii_lowercase()
                .ends_with(&base.to_ascii_lowercase())
    } else {
        host.eq_ignore_ascii_case(base)
    };
    if inside {
        Fit::Inside
    } else {
        Fit::Outside
    }
}

/// `None` when the forms differ.
fn fit(name: &Name<'_>, base: &GeneralName<'_>) -> Option<Fit> {
    Some(match (name, base) {
        (Name::Dns(n), GeneralName::DNSName(b)) => dns_fit(n, b),
        (Name::Ip(n), GeneralName::IPAddress(b)) => ip_fit(n, b),
        (Name::Directory(n), GeneralName::DirectoryName(b)) => dir_fit(n, b),
        (Name::Email(n), GeneralName::RFC822Name(b)) => email_fit(n, b),
        (n, b) if n.form() == form_of(b) => Fit::Malformed,
        _ => return None,
    })
}

fn base_text(base: &GeneralName<'_>) -> String {
    match base {
        GeneralName::DNSName(d) => (*d).to_owned(),
        GeneralName::IPAddress(b) => match ip_subtree(b) {
            Some((addr, mask)) => {
                let prefix: u32 = mask.iter().map(|m| m.count_ones()).sum();
                format!(
                    "{}/{prefix}",
                    crate::cert::ip_text(addr).unwrap_or_default()
                )
            }
            None => crate::cert::hex(b),
        },
        GeneralName::DirectoryName(n) => n.to_string(),
        GeneralName::RFC822Name(e) => (*e).to_owned(),
        other => format!("({})", form_of(other)),
    }
}

/// A name constraint a certificate breaks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Breach {
    /// A name is in an excluded subtree (else: outside the permitted ones,
    /// malformed, or too much work).
    pub excluded: bool,
    /// Which name, which subtree, which CA.
    pub reason: String,
}

impl Breach {
    fn other(reason: String) -> Self {
        Self {
            excluded: false,
            reason,
        }
    }
}

/// Checks the names of `subject` (described as `who`) against the constraints
/// `nc` of the CA named `ca_name`. `budget` counts comparisons down.
pub fn check(
    nc: &NameConstraints<'_>,
    ca_name: &str,
    subject: &X509Certificate<'_>,
    who: &str,
    budget: &mut u32,
) -> Result<(), Breach> {
    let permitted: Vec<&GeneralName<'_>> = nc
        .permitted_subtrees
        .iter()
        .flatten()
        .map(|s| &s.base)
        .collect();
    let excluded: Vec<&GeneralName<'_>> = nc
        .excluded_subtrees
        .iter()
        .flatten()
        .map(|s| &s.base)
        .collect();
    for name in names_of(subject) {
        let cost = u32::try_from(permitted.len() + excluded.len()).unwrap_or(u32::MAX);
        *budget = budget.checked_sub(cost).ok_or_else(|| {
            Breach::other(format!("the names of {who} and the name constraints of '{ca_name}' need more than {MAX_COMPARISONS} comparisons; validators give up on such certificates"))
        })?;
        for base in &excluded {
            match fit(&name, base) {
                Some(Fit::Inside | Fit::Partly) => {
                    return Err(Breach {
                        excluded: true,
                        reason: format!(
                            "the name '{}' of {who} is in the excluded subtree '{}' of '{ca_name}'",
                            name.text(),
                            base_text(base)
                        ),
                    })
                }
                Some(Fit::Malformed) => return Err(Breach::other(malformed(&name, who, ca_name))),
                _ => {}
            }
        }
        let same_form: Vec<&&GeneralName<'_>> = permitted
            .iter()
            .filter(|b| form_of(b) == name.form())
            .collect();
        if same_form.is_empty() {
            continue;
        }
        let fits: Vec<Fit> = same_form.iter().filter_map(|b| fit(&name, b)).collect();
        if fits.contains(&Fit::Malformed) {
            return Err(Breach::other(malformed(&name, who, ca_name)));
        }
        if !fits.contains(&Fit::Inside) {
            let subtrees: Vec<String> = same_form
                .iter()
                .map(|b| format!("'{}'", base_text(b)))
                .collect();
            return Err(Breach::other(format!(
                "the name '{}' of {who} is outside the permitted subtree{} {} of '{ca_name}'",
                name.text(),
                if subtrees.len() == 1 { "" } else { "s" },
                subtrees.join(", ")
            )));
        }
    }
    Ok(())
}

fn malformed(name: &Name<'_>, who: &str, ca_name: &str) -> String {
    match name {
        Name::Other(form) => format!(
            "{who} has an {form} name, and '{ca_name}' constrains that form, which browsers cannot check (RFC 5280 4.2.1.10)"
        ),
        _ => format!(
            "the {} '{}' of {who} is malformed, so it cannot be checked against the name constraints of '{ca_name}'",
            name.form(),
            name.text()
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns_subtrees_match_the_name_and_its_subdomains() {
        assert!(dns_fit("example.com", "example.com") == Fit::Inside);
        assert!(dns_fit("a.b.example.com", "example.com") == Fit::Inside);
        assert!(dns_fit("notexample.com", "example.com") == Fit::Outside);
        assert!(dns_fit("a.example.com", ".example.com") == Fit::Inside);
        assert!(dns_fit("example.com", ".example.com") == Fit::Outside);
        assert!(dns_fit("anything.test", "") == Fit::Inside);
        assert!(dns_fit(".example.com", "example.com") == Fit::Malformed);
    }

    #[test]
    fn wildcards_are_judged_by_every_name_they_match() {
        // *.example.com can be bar.example.com: partly in an excluded subtree.
        assert!(dns_fit("*.example.com", "bar.example.com") == Fit::Partly);
        assert!(dns_fit("*.example.com", "foo.example.com") == Fit::Partly);
        assert!(dns_fit("*.foo.com", "foo.com") == Fit::Inside);
        assert!(dns_fit("*.foo.com", ".foo.com") == Fit::Inside);
        assert!(dns_fit("*.example.com", "other.com") == Fit::Outside);
        assert!(dns_fit("*.example.com", "a.b.example.com") == Fit::Outside);
    }

    #[test]
    fn ip_subtrees_need_a_cidr_mask() {
        let net = [192, 0, 2, 0, 255, 255, 255, 0];
        assert!(ip_fit(&[192, 0, 2, 7], &net) == Fit::Inside);
        assert!(ip_fit(&[192, 0, 3, 7], &net) == Fit::Outside);
        assert!(ip_fit(&[192, 0, 2, 0, 255, 255, 255, 0], &net) == Fit::Malformed);
        assert!(ip_subtree(&[192, 0, 2, 0, 255, 0, 255, 0]).is_none());
        assert!(ip_subtree(&[127, 0, 0, 1]).is_none());
    }

    #[test]
    fn email_subtrees() {
        assert!(email_fit("a@example.com", "example.com") == Fit::Inside);
        assert!(email_fit("a@mail.example.com", ".example.com") == Fit::Inside);
        assert!(email_fit("a@example.com", ".example.com") == Fit::Outside);
        assert!(email_fit("a@example.com", "b@example.com") == Fit::Outside);
    }
}
