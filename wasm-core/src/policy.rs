//! The grading policy as versioned data: every rule with its effect (a cap on the
//! grade, or a warning that turns A into A-), what it is judged on, the reason
//! shown to the user and a fix hint in nginx, Apache and Caddy terms.
//!
//! `tlslens-2026.1` follows the SSL Labs rating guide (2009r); `tlslens-2026.2`
//! adds rules to it (each rule names the version that introduced it); see
//! docs/contracts.md. The README's policy table is generated from [`RULES`] (a test
//! keeps them equal).
//!
//! Adding a rule: one entry in the `rules!` list below (`Code = "code" since
//! "tlslens-…" => { … }`), the code that fires it in `grade.rs`, a row in
//! `tests/grading.rs`, and the README table regenerated.

use std::fmt;

use serde::{de, Deserialize, Deserializer, Serialize, Serializer};

use crate::report::Grade;

/// The policy identifier written into every report.
pub const POLICY_ID: &str = POLICY_2026_2;

/// The first version: the SSL Labs rating guide (2009r) as DESIGN.md states it.
pub const POLICY_2026_1: &str = "tlslens-2026.1";
/// 2026.1 plus: a chain that fails a constraint check is not trusted (T).
pub const POLICY_2026_2: &str = "tlslens-2026.2";

/// What a rule does to the grade.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Effect {
    /// The grade can be no better than this.
    Cap(Grade),
    /// An A becomes A- (and A+ is out of reach).
    Warning,
}

/// What a rule looks at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// What the server accepts from any client.
    Offered,
    /// What current browsers negotiate: every current browser of the client
    /// simulation when it ran (policy `tlslens-2026.2`), else the one reference
    /// browser handshake, else what is `Offered`.
    Browser,
    /// The certificate chain.
    Certificate,
    /// A dedicated probe (vulnerability, HTTP header).
    Probe,
    /// The client simulation (every simulated client's handshake).
    Simulation,
    /// The category scores.
    Score,
}

/// One rule.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Rule {
    pub code: RuleCode,
    /// The policy version that introduced the rule.
    pub since: &'static str,
    pub effect: Effect,
    pub basis: Basis,
    pub reason: &'static str,
    pub fix: &'static str,
}

/// Generates [`RuleCode`] (one variant per rule, in table order), its stable
/// spelling and [`RULES`] from one list, so a code without a rule (or a rule
/// without a code) cannot be written.
macro_rules! rules {
    ($($(#[$doc:meta])* $variant:ident = $code:literal $(since $since:expr)? => { $($field:ident: $value:expr),+ $(,)? },)+) => {
        /// The stable code of a grading rule, as written in reports (`caps[].code`,
        /// `warnings[].code`) and in the README's policy table.
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
        pub enum RuleCode {
            $($(#[$doc])* $variant,)+
        }

        impl RuleCode {
            /// Every code, in the order the rules are listed to users.
            pub const ALL: &'static [RuleCode] = &[$(RuleCode::$variant,)+];

            /// The stable spelling (`tls10_offered`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(RuleCode::$variant => $code,)+
                }
            }
        }

        /// Every rule of [`POLICY_ID`], in the order they are listed to users
        /// (the order of [`RuleCode`]).
        pub const RULES: &[Rule; RuleCode::ALL.len()] = &[
            $(Rule {
                code: RuleCode::$variant,
                since: rules!(@since $($since)?),
                $($field: $value),+
            },)+
        ];
    };
    (@since) => { POLICY_2026_1 };
    (@since $since:expr) => { $since };
}

impl RuleCode {
    /// Reads a stable spelling back.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|c| c.as_str() == s)
    }

    /// This code's rule.
    pub fn rule(self) -> &'static Rule {
        // RULES is generated in the order of the variants, so the variant's
        // index is its rule's position (and within bounds by construction).
        &RULES[self as usize]
    }
}

impl fmt::Display for RuleCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl PartialEq<&str> for RuleCode {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl Serialize for RuleCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for RuleCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        RuleCode::parse(&s).ok_or_else(|| de::Error::custom(format!("unknown rule code {s:?}")))
    }
}

const PROTOCOLS_FIX: &str = "Offer only TLS 1.2 and TLS 1.3. nginx: `ssl_protocols TLSv1.2 TLSv1.3;` · Apache: `SSLProtocol -all +TLSv1.2 +TLSv1.3` · Caddy: the default (`protocols tls1.2 tls1.3`). Check every server block and any load balancer or CDN in front: the first one that answers decides.";
const SUITES_FIX: &str = "Use a modern suite list with ECDHE and AEAD only. nginx: `ssl_ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305;` · Apache: the same list in `SSLCipherSuite` · Caddy: its defaults are already modern (remove any `ciphers` override).";

// Every rule of `POLICY_ID`, in the order they are listed to users: one entry
// each gives the `RuleCode` variant, its stable code and the `Rule`. The enum
// and `RULES` are generated together, so every code has exactly one rule and
// `RuleCode::rule` cannot miss.
rules! {
    // --- F ---
    Sslv2 = "sslv2" => { effect: Effect::Cap(Grade::F), basis: Basis::Offered,
        reason: "SSLv2 is offered. It is broken beyond repair (DROWN) and no client should ever use it.",
        fix: PROTOCOLS_FIX },
    Sslv3Best = "sslv3_best" => { effect: Effect::Cap(Grade::F), basis: Basis::Offered,
        reason: "SSLv3 is the best protocol the server supports; every current client refuses it, so the handshake fails.",
        fix: "Upgrade the TLS library (OpenSSL 1.1.1 or newer) and enable TLS 1.2 and 1.3. nginx: `ssl_protocols TLSv1.2 TLSv1.3;` · Apache: `SSLProtocol -all +TLSv1.2 +TLSv1.3`." },
    NoProtocols = "no_protocols" => { effect: Effect::Cap(Grade::F), basis: Basis::Offered,
        reason: "No SSL/TLS protocol version could be negotiated with this endpoint.",
        fix: "Check that the port really serves TLS (not plain HTTP) and that the TLS library is not restricted to a version nobody speaks. `openssl s_client -connect HOST:PORT` shows what happens." },
    NoCipherSuites = "no_cipher_suites" => { effect: Effect::Cap(Grade::F), basis: Basis::Offered,
        reason: "No cipher suite could be negotiated with any protocol the server accepts.",
        fix: SUITES_FIX },
    ExportSuites = "export_suites" => { effect: Effect::Cap(Grade::F), basis: Basis::Offered,
        reason: "Export-grade cipher suites are offered (FREAK, Logjam): they use 40- or 56-bit keys made to be broken. (SSL Labs rating guide 2009r: export suites → F.)",
        fix: SUITES_FIX },
    WeakCipher = "weak_cipher" => { effect: Effect::Cap(Grade::F), basis: Basis::Offered,
        reason: "Cipher suites with less than 112 bits of strength are offered (NULL, DES, 40/56-bit ciphers).",
        fix: SUITES_FIX },
    KeyUnder1024 = "key_under_1024" => { effect: Effect::Cap(Grade::F), basis: Basis::Certificate,
        reason: "The certificate key or the DH parameters are weaker than 1024 RSA-equivalent bits; they can be broken. (SSL Labs rating guide 2009r: key exchange or key under 1024 bits → F; Logjam.)",
        fix: "Issue a new certificate with an ECDSA P-256 or RSA 2048+ key, and use ECDHE (or ffdhe2048+ DH params: nginx `ssl_dhparam`, Apache `SSLOpenSSLConfCmd DHParameters`). Certbot: `certbot renew --force-renewal --key-type ecdsa`." },
    Md5Signature = "md5_signature" => { effect: Effect::Cap(Grade::F), basis: Basis::Certificate,
        reason: "A certificate in the chain is signed with MD2 or MD5, which can be forged.",
        fix: "Replace the certificate (and any intermediate) with one signed using SHA-256 or better. Any public CA issues only SHA-256 today." },
    Heartbleed = "heartbleed" => { effect: Effect::Cap(Grade::F), basis: Basis::Probe,
        reason: "The server is vulnerable to Heartbleed (CVE-2014-0160): memory, including private keys, can be read remotely.",
        fix: "Upgrade OpenSSL now, restart every process that loaded it, then replace the private key and certificate and revoke the old one." },
    CcsInjection = "ccs_injection" => { effect: Effect::Cap(Grade::F), basis: Basis::Probe,
        reason: "The server is vulnerable to the OpenSSL CCS injection (CVE-2014-0224).",
        fix: "Upgrade OpenSSL to a supported release and restart the server." },
    Ticketbleed = "ticketbleed" => { effect: Effect::Cap(Grade::F), basis: Basis::Probe,
        reason: "The server is vulnerable to Ticketbleed (CVE-2016-9244), leaking memory through session tickets.",
        fix: "Update the F5 BIG-IP firmware, or disable session tickets on the virtual server until then." },
    Robot = "robot" => { effect: Effect::Cap(Grade::F), basis: Basis::Probe,
        reason: "The server is vulnerable to ROBOT: RSA key exchange leaks an oracle that lets attackers decrypt or sign.",
        fix: "Update the TLS stack or appliance firmware, and remove RSA key-exchange suites (`TLS_RSA_*`): offer ECDHE suites only." },
    Drown = "drown" => { effect: Effect::Cap(Grade::F), basis: Basis::Probe,
        reason: "The server's key is exposed through SSLv2 (DROWN), here or on another server sharing the key.",
        fix: "Disable SSLv2 everywhere the key or certificate is used (mail servers too), or use a distinct key." },
    // SSL Labs gives F for POODLE over TLS (Dec. 2014; F5's "SSL Labs best case grades for
    // older TMOS versions": unpatched BIG-IP "starts with a failing grade due to the poodle
    // attack", CVE-2014-8730).
    PoodleTls = "poodle_tls" since POLICY_2026_2 => { effect: Effect::Cap(Grade::F), basis: Basis::Probe,
        reason: "The server is vulnerable to POODLE over TLS (CVE-2014-8730): it accepts records whose CBC padding bytes are wrong, so an attacker can decrypt cookies byte by byte.",
        fix: "Update the TLS stack or load balancer firmware (F5 BIG-IP, A10, Citrix had this bug); until then remove the CBC suites and offer only AES-GCM or ChaCha20-Poly1305." },
    // SSL Labs rating guide 2009c (Feb. 2013): "Insecure renegotiation is not allowed (F)".
    InsecureRenegotiation = "insecure_renegotiation" since POLICY_2026_2 => { effect: Effect::Cap(Grade::F), basis: Basis::Probe,
        reason: "The server accepts client-initiated renegotiation without RFC 5746 (CVE-2009-3555): an attacker can splice their own request in front of the victim's.",
        fix: "Upgrade the TLS library (every maintained one supports RFC 5746) and disable client-initiated renegotiation (nginx and Apache 2.4 refuse it by default; OpenSSL: `SSL_OP_NO_RENEGOTIATION`)." },
    NoBrowserCanConnect = "no_browser_can_connect" since POLICY_2026_2 => { effect: Effect::Cap(Grade::F), basis: Basis::Simulation,
        reason: "No current browser in the client simulation can complete a handshake: for visitors the site is down.",
        fix: "Look at each browser's reason in the client simulation. Usually: enable TLS 1.2 and 1.3 (nginx `ssl_protocols TLSv1.2 TLSv1.3;`), offer ECDHE-ECDSA/RSA-AES128-GCM-SHA256 and the TLS 1.3 suites, and serve a complete chain from a public CA." },
    DhComposite = "dh_composite" since POLICY_2026_2 => { effect: Effect::Cap(Grade::F), basis: Basis::Offered,
        reason: "The server's DH modulus is not a prime number: the discrete logarithm splits into small problems and the key exchange can be broken. (TLS Lens rule: SSL Labs does not test primality; a composite modulus is treated like key exchange under 1024 bits, → F.)",
        fix: "Generate proper DH parameters (`openssl dhparam 2048` makes safe primes) or, better, use the RFC 7919 group: nginx `ssl_dhparam /etc/ssl/ffdhe2048.pem;` · Apache `SSLOpenSSLConfCmd DHParameters ffdhe2048.pem` — or drop DHE suites for ECDHE." },
    ZeroScore = "zero_score" => { effect: Effect::Cap(Grade::F), basis: Basis::Score,
        reason: "A score category is zero (for example anonymous key exchange, or no encryption at all).",
        fix: SUITES_FIX },
    // --- C ---
    Poodle = "poodle" => { effect: Effect::Cap(Grade::C), basis: Basis::Offered,
        reason: "The server is exposed to POODLE: SSLv3 with CBC suites.",
        fix: "Disable SSLv3 (nginx: `ssl_protocols TLSv1.2 TLSv1.3;` · Apache: `SSLProtocol -all +TLSv1.2 +TLSv1.3`)." },
    Rc4Modern = "rc4_modern" => { effect: Effect::Cap(Grade::C), basis: Basis::Browser,
        reason: "RC4 is used with TLS 1.1 or newer; RC4 is broken (RFC 7465). (SSL Labs 1.17, 21 May 2015: RC4 with TLS 1.1+ → C.)",
        fix: SUITES_FIX },
    Block64Modern = "block64_modern" => { effect: Effect::Cap(Grade::C), basis: Basis::Browser,
        reason: "A 64-bit block cipher (3DES, IDEA) is used with TLS 1.1 or newer; long connections leak data (Sweet32). (SSL Labs grading changes, January 2017: 64-bit block ciphers with TLS 1.1+ → C.)",
        fix: SUITES_FIX },
    NoTls12 = "no_tls12" => { effect: Effect::Cap(Grade::C), basis: Basis::Offered,
        reason: "Neither TLS 1.2 nor TLS 1.3 is supported; current browsers refuse anything older.",
        fix: "Upgrade the TLS library (OpenSSL 1.1.1+) and enable TLS 1.2 and 1.3. nginx: `ssl_protocols TLSv1.2 TLSv1.3;` · Apache: `SSLProtocol -all +TLSv1.2 +TLSv1.3`." },
    // --- B ---
    Sslv3Offered = "sslv3_offered" => { effect: Effect::Cap(Grade::B), basis: Basis::Offered,
        reason: "SSLv3 is offered.", fix: PROTOCOLS_FIX },
    Tls10Offered = "tls10_offered" => { effect: Effect::Cap(Grade::B), basis: Basis::Offered,
        reason: "TLS 1.0 is offered (deprecated by RFC 8996).", fix: PROTOCOLS_FIX },
    Tls11Offered = "tls11_offered" => { effect: Effect::Cap(Grade::B), basis: Basis::Offered,
        reason: "TLS 1.1 is offered (deprecated by RFC 8996).", fix: PROTOCOLS_FIX },
    Rc4Offered = "rc4_offered" => { effect: Effect::Cap(Grade::B), basis: Basis::Offered,
        reason: "RC4 cipher suites are offered. (SSL Labs 1.17, 21 May 2015: RC4 with older protocols only → B.)", fix: SUITES_FIX },
    NoForwardSecrecy = "no_forward_secrecy" => { effect: Effect::Cap(Grade::B), basis: Basis::Browser,
        reason: "Browsers get no forward secrecy: a stolen key would decrypt recorded traffic.",
        fix: "Put ECDHE suites first and honour the server's order. nginx: `ssl_prefer_server_ciphers on;` with an ECDHE-only `ssl_ciphers` · Apache: `SSLHonorCipherOrder on` · Caddy: defaults." },
    NoAead = "no_aead" => { effect: Effect::Cap(Grade::B), basis: Basis::Browser,
        reason: "Browsers get no AEAD suite (GCM or ChaCha20-Poly1305); CBC suites have a long history of padding attacks.",
        fix: SUITES_FIX },
    WeakKey = "weak_key" => { effect: Effect::Cap(Grade::B), basis: Basis::Certificate,
        reason: "The certificate key or the DH parameters are weaker than 2048 RSA-equivalent bits. (SSL Labs, January 2014: keys under 2048 bits → B; the rating guide 2009r counts DH parameters as key exchange strength.)",
        fix: "Use an ECDSA P-256 or RSA 2048+ key for the certificate, and ECDHE or ffdhe2048+ DH parameters. nginx: `ssl_dhparam /etc/ssl/ffdhe2048.pem;` · Apache: `SSLOpenSSLConfCmd DHParameters`." },
    IncompleteChainAia = "incomplete_chain_aia" => { effect: Effect::Cap(Grade::B), basis: Basis::Certificate,
        reason: "The chain is incomplete: only clients that fetch the missing intermediate themselves (AIA) will connect; curl, Java, Python, Android apps and many others fail.",
        fix: "Serve the full chain (leaf, then intermediates; no root). nginx: `ssl_certificate` must point at `fullchain.pem`, not `cert.pem` · Apache 2.4.8+: `SSLCertificateFile fullchain.pem` · Caddy: automatic. After a renewal, check that the intermediate still matches." },
    Crime = "crime" => { effect: Effect::Cap(Grade::B), basis: Basis::Offered,
        reason: "TLS compression is enabled (CRIME): secrets in requests can be recovered.",
        fix: "Disable TLS compression: upgrade OpenSSL (1.1.0+ has none) or set `SSLCompression off` (Apache)." },
    // --- T ---
    Expired = "expired" => { effect: Effect::Cap(Grade::T), basis: Basis::Certificate,
        reason: "A certificate in the chain has expired; every client rejects it.",
        fix: "Renew now and reload the server (`nginx -s reload`, `apachectl graceful`). With certbot: `certbot renew` and check that the renewal timer runs and reloads the server. Check every node behind the load balancer." },
    NotYetValid = "not_yet_valid" => { effect: Effect::Cap(Grade::T), basis: Basis::Certificate,
        reason: "A certificate in the chain is not valid yet.",
        fix: "Check the server clock (NTP) and the certificate's notBefore; reissue if it was dated in the future." },
    SelfSigned = "self_signed" => { effect: Effect::Cap(Grade::T), basis: Basis::Certificate,
        reason: "The certificate is self-signed; no browser trusts it.",
        fix: "Get a certificate from a public CA (free and automatic with Let's Encrypt: `certbot --nginx` or Caddy's automatic HTTPS). For internal services, trust your private CA on the clients instead." },
    UntrustedRoot = "untrusted_root" => { effect: Effect::Cap(Grade::T), basis: Basis::Certificate,
        reason: "The chain ends at a root that is not in the Mozilla trust store.",
        fix: "Use a certificate from a publicly trusted CA, or, for a private CA, install its root on every client (and pass it to TLS Lens with `--ca-file`)." },
    IncompleteChain = "incomplete_chain" => { effect: Effect::Cap(Grade::T), basis: Basis::Certificate,
        reason: "The chain is incomplete and the missing intermediate could not be found: the certificate cannot be verified.",
        fix: "Serve the full chain (leaf, then intermediates). nginx: `ssl_certificate fullchain.pem;` · Apache 2.4.8+: `SSLCertificateFile fullchain.pem` · Caddy: automatic. Your CA's download page has the intermediate." },
    Revoked = "revoked" => { effect: Effect::Cap(Grade::T), basis: Basis::Certificate,
        reason: "The certificate has been revoked by its CA.",
        fix: "Replace the certificate now (and the key, if the revocation was for key compromise)." },
    Sha1Signature = "sha1_signature" => { effect: Effect::Cap(Grade::T), basis: Basis::Certificate,
        reason: "A certificate in the chain is signed with SHA-1, which browsers no longer accept.",
        fix: "Reissue the certificate (and replace the intermediate) with SHA-256 signatures; make sure the server sends the current intermediate from your CA." },
    InvalidConstraints = "invalid_constraints" since POLICY_2026_2 => { effect: Effect::Cap(Grade::T), basis: Basis::Certificate,
        reason: "The chain breaks a rule browsers enforce on certificates (basic constraints, path length, name constraints, key usage, extended key usage, an unknown critical extension or a malformed certificate), so they reject it.",
        fix: "Get the certificate reissued, or serve the CA's current intermediate: a public CA's chain passes these checks. For a private CA, issue intermediates with `basicConstraints=critical,CA:TRUE` and `keyUsage=critical,keyCertSign,cRLSign`, and server certificates with `extendedKeyUsage=serverAuth` and every host name in the subjectAltName inside the CA's name constraints." },
    NoCertificate = "no_certificate" => { effect: Effect::Cap(Grade::T), basis: Basis::Certificate,
        reason: "No certificate chain could be captured from this endpoint, so nothing proves who it is.",
        fix: "Check that the server is configured with a certificate for this name (nginx `ssl_certificate`, Apache `SSLCertificateFile`) and that the handshake completes: `openssl s_client -connect HOST:PORT -servername HOST`." },
    // --- M ---
    HostnameMismatch = "hostname_mismatch" => { effect: Effect::Cap(Grade::M), basis: Basis::Certificate,
        reason: "The certificate is not valid for this host name.",
        fix: "Issue a certificate whose SANs include this name (a wildcard covers one label only), or fix the `server_name`/`ServerName` so this name reaches the right virtual host. Without SNI, the default server's certificate is sent." },
    // --- warnings ---
    NoTls13 = "no_tls13" => { effect: Effect::Warning, basis: Basis::Offered,
        reason: "TLS 1.3 is not supported.",
        fix: "Upgrade to OpenSSL 1.1.1+ and enable it. nginx: `ssl_protocols TLSv1.2 TLSv1.3;` · Apache 2.4.37+: `SSLProtocol -all +TLSv1.2 +TLSv1.3` · Caddy: on by default." },
    NoSecureRenegotiation = "no_secure_renegotiation" => { effect: Effect::Warning, basis: Basis::Offered,
        reason: "Secure renegotiation (RFC 5746) is not supported.",
        fix: "Upgrade the TLS library; every maintained one supports RFC 5746." },
    HstsInvalid = "hsts_invalid" => { effect: Effect::Warning, basis: Basis::Probe,
        reason: "The Strict-Transport-Security header is present but invalid, so browsers ignore it.",
        fix: "Send exactly one well-formed header. nginx: `add_header Strict-Transport-Security \"max-age=31536000; includeSubDomains\" always;` · Apache: `Header always set Strict-Transport-Security \"max-age=31536000; includeSubDomains\"` · Caddy: `header Strict-Transport-Security \"max-age=31536000; includeSubDomains\"`." },
    HstsDisabled = "hsts_disabled" => { effect: Effect::Warning, basis: Basis::Probe,
        reason: "HSTS is disabled with max-age=0.",
        fix: "Once HTTPS works everywhere on the site, set `max-age=31536000` (see hsts_invalid for the exact lines)." },
    HstsShort = "hsts_short" => { effect: Effect::Warning, basis: Basis::Probe,
        reason: "The HSTS max-age is under 180 days.",
        fix: "Raise it to at least `max-age=15552000` (180 days); one year (`31536000`) is usual." },
    // Not an SSL Labs rule (it reports 0-RTT without grading it): replayable early data
    // is a risk only for non-idempotent requests, so a warning.
    EarlyData = "early_data" since POLICY_2026_2 => { effect: Effect::Warning, basis: Basis::Probe,
        reason: "TLS 1.3 0-RTT early data is accepted: a request sent as early data can be replayed by an attacker.",
        fix: "Turn 0-RTT off unless the application rejects replayed non-idempotent requests. nginx: `ssl_early_data off;` (the default) · HAProxy: drop `allow-0rtt` · Cloudflare: disable 0-RTT." },
    NoBrowserCompatible = "no_browser_compatible" => { effect: Effect::Warning, basis: Basis::Browser,
        reason: "No current browser can complete a handshake: the server shares no protocol, cipher suite or group with them (the classic \"no shared cipher\" handshake failure).",
        fix: "Add at least one suite browsers offer, e.g. ECDHE-RSA-AES128-GCM-SHA256 or ECDHE-ECDSA-AES128-GCM-SHA256 with TLS 1.2, and enable TLS 1.3." },
}

/// Looks a rule up by its stable spelling.
pub fn rule(code: &str) -> Option<&'static Rule> {
    RuleCode::parse(code).map(RuleCode::rule)
}

/// The policy as JSON, for the extension and `--help`.
pub fn to_json() -> String {
    #[derive(Serialize)]
    struct Policy {
        id: &'static str,
        rules: &'static [Rule],
    }
    serde_json::to_string(&Policy {
        id: POLICY_ID,
        rules: RULES,
    })
    .unwrap_or_default()
}

/// The policy as a Markdown table (one row per rule), as in the README.
pub fn markdown_table() -> String {
    let mut out = String::from(
        "| Code | Effect | Judged on | Since | Reason | Fix hint |\n|---|---|---|---|---|---|\n",
    );
    for r in RULES {
        let effect = match r.effect {
            Effect::Cap(g) => format!("cap {g}"),
            Effect::Warning => "warning (A→A-)".to_owned(),
        };
        let basis = match r.basis {
            Basis::Offered => "offered",
            Basis::Browser => "browser handshake",
            Basis::Certificate => "certificate",
            Basis::Probe => "probe",
            Basis::Simulation => "client simulation",
            Basis::Score => "score",
        };
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} |\n",
            r.code,
            effect,
            basis,
            r.since.trim_start_matches("tlslens-"),
            r.reason.replace('|', "\\|"),
            r.fix.replace('|', "\\|")
        ));
    }
    out
}
