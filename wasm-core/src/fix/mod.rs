//! A fix for *this* server: from what an endpoint does (its graded report), the
//! settings that would make it meet a goal — a Mozilla profile, or the A+ of the
//! grading policy — and the nginx, Apache and Caddy lines for them.
//!
//! The plan keeps what the server already does right (its protocols when they
//! fit, its suites and groups in its own order minus the ones that do not fit)
//! and says what to remove; only what is missing is added from the goal's
//! lists. [`settings`] decides the end state ([`TargetSettings`], typed and
//! software-neutral); [`dialect::render`] walks it once, in one order, and
//! [`nginx`], [`apache`] and [`caddy`] each give only their own syntax (a
//! [`dialect::Dialect`]). How plans
//! are built is described in `docs/profiles.md`.

mod apache;
mod caddy;
mod dialect;
pub mod lines;
mod nginx;
mod settings;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::facts::Target;
use crate::profiles::{ProfileId, UnknownProfile, GUIDELINES_SOURCE, GUIDELINES_VERSION};
use crate::report::EndpointReport;
use crate::wire::{CipherSuite, NamedGroup, ProtocolVersion};

pub use settings::{CertificateKey, NewCertificate};

/// What the fix aims at.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum FixGoal {
    /// The grading policy's A+ (no cap, no warning, HSTS of 180 days or more).
    APlus,
    /// A Mozilla profile.
    Profile(ProfileId),
}

impl FixGoal {
    /// `A+` or the profile's name.
    pub fn as_str(self) -> &'static str {
        match self {
            FixGoal::APlus => "A+",
            FixGoal::Profile(p) => p.as_str(),
        }
    }

    /// Reads `A+` (or an empty string) or a profile name; an unknown name is an
    /// error listing the known profiles.
    pub fn parse(s: &str) -> Result<FixGoal, UnknownProfile> {
        match s {
            "" | "A+" | "a+" => Ok(FixGoal::APlus),
            other => ProfileId::parse(other).map(FixGoal::Profile),
        }
    }

    /// The goal for an optional profile: the profile, else A+.
    pub fn of(profile: Option<ProfileId>) -> FixGoal {
        profile.map_or(FixGoal::APlus, FixGoal::Profile)
    }

    /// What the goal is based on, for the snippet's header.
    pub fn basis(self) -> String {
        match self {
            FixGoal::APlus => format!("grade A+ under policy {}", crate::policy::POLICY_ID),
            FixGoal::Profile(p) => format!(
                "{} (Mozilla Server Side TLS guidelines {GUIDELINES_VERSION}, {GUIDELINES_SOURCE})",
                p.as_str()
            ),
        }
    }
}

impl fmt::Display for FixGoal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for FixGoal {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for FixGoal {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
        FixGoal::parse(&s).map_err(serde::de::Error::custom)
    }
}

/// How a setting of the plan relates to what the server does now.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// The server already does this.
    Keep,
    /// The server does something else: replace it.
    Change,
    /// The server does not do this at all: add it.
    Add,
}

impl Change {
    /// `keep`, `change` or `add`.
    pub fn as_str(self) -> &'static str {
        match self {
            Change::Keep => "keep",
            Change::Change => "change",
            Change::Add => "add",
        }
    }
}

/// One setting of the end state, and how it differs from now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Planned<T> {
    pub value: T,
    pub change: Change,
}

/// The end state, software-neutral.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TargetSettings {
    /// Exactly these protocol versions.
    pub protocols: Planned<Vec<ProtocolVersion>>,
    /// TLS 1.0–1.2 suites, in order (empty when only TLS 1.3 remains).
    pub cipher_suites: Planned<Vec<CipherSuite>>,
    /// TLS 1.3 suites.
    pub tls13_cipher_suites: Planned<Vec<CipherSuite>>,
    /// Key-exchange groups, in order.
    pub groups: Planned<Vec<NamedGroup>>,
    /// The server (not the client) picks the suite.
    pub server_cipher_order: Planned<bool>,
    /// DH parameters the server must use for its DHE suites (`null`: none are
    /// needed — no DHE suite, or DHE left off).
    pub dh_param_bits: Planned<Option<u32>>,
    /// The `Strict-Transport-Security` value to send.
    pub hsts: Planned<String>,
    /// Staple OCSP responses (false when the certificate names no responder).
    pub ocsp_stapling: Planned<bool>,
}

/// What the plan takes away from the server's current configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Removed {
    pub protocols: Vec<ProtocolVersion>,
    pub cipher_suites: Vec<CipherSuite>,
    pub tls13_cipher_suites: Vec<CipherSuite>,
    pub groups: Vec<NamedGroup>,
}

/// Server software a plan is rendered for.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ServerSoftware {
    Nginx,
    Apache,
    Caddy,
}

impl ServerSoftware {
    /// Every supported server, in the order plans list them.
    pub const ALL: [ServerSoftware; 3] = [
        ServerSoftware::Nginx,
        ServerSoftware::Apache,
        ServerSoftware::Caddy,
    ];

    /// `nginx`, `apache` or `caddy`.
    pub fn as_str(self) -> &'static str {
        match self {
            ServerSoftware::Nginx => "nginx",
            ServerSoftware::Apache => "apache",
            ServerSoftware::Caddy => "caddy",
        }
    }

    /// The product name (`nginx`, `Apache`, `Caddy`).
    pub fn title(self) -> &'static str {
        match self {
            ServerSoftware::Nginx => "nginx",
            ServerSoftware::Apache => "Apache",
            ServerSoftware::Caddy => "Caddy",
        }
    }
}

/// One configuration line to set.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConfigLine {
    /// The line as it goes into the configuration.
    pub line: String,
    pub change: Change,
}

/// The plan for one server software.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerFix {
    pub software: ServerSoftware,
    /// Where the lines go.
    pub context: String,
    /// Lines to set (the complete TLS set, each marked keep/change/add).
    pub set: Vec<ConfigLine>,
    /// What to take out of the current configuration.
    pub remove: Vec<String>,
    /// What lines cannot do, or what to know before applying them.
    pub notes: Vec<String>,
    /// The whole snippet, ready to paste (comments say the rest).
    pub text: String,
}

/// A fix for one endpoint (`endpoints[].fix`, `--fix`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixPlan {
    pub goal: FixGoal,
    /// What the goal is based on (profile and guidelines version, or policy).
    pub basis: String,
    pub host: String,
    pub port: u16,
    pub ip: String,
    /// Nothing to change: the server already meets the goal (as far as lines go).
    pub nothing_to_change: bool,
    /// The changes in plain words, software-neutral.
    pub changes: Vec<String>,
    pub settings: TargetSettings,
    pub removed: Removed,
    /// A new certificate is needed (config lines cannot fix the key or signature).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_certificate: Option<NewCertificate>,
    /// What else to do that no configuration line does.
    pub notes: Vec<String>,
    /// nginx, Apache and Caddy, in that order.
    pub servers: Vec<ServerFix>,
}

impl FixPlan {
    /// The plan for one server software.
    pub fn server(&self, software: ServerSoftware) -> Option<&ServerFix> {
        self.servers.iter().find(|s| s.software == software)
    }
}

/// Everything the renderers need.
pub(crate) struct RenderInput<'a> {
    pub goal: FixGoal,
    pub target: &'a Target,
    pub ip: &'a str,
    pub settings: &'a TargetSettings,
    pub removed: &'a Removed,
    pub new_certificate: Option<&'a NewCertificate>,
    pub notes: &'a [String],
    /// The leaf certificate names an OCSP responder.
    pub ocsp_responder: bool,
}

impl RenderInput<'_> {
    /// The snippet's first comment line.
    pub(crate) fn header(&self) -> String {
        format!(
            "TLS Lens fix for {}:{} ({}) — goal: {}",
            self.target.host,
            self.target.port,
            self.ip,
            self.goal.basis()
        )
    }

    /// Whether TLS 1.0–1.2 remain (so a TLS 1.2 suite list matters).
    pub(crate) fn legacy_protocols(&self) -> bool {
        self.settings
            .protocols
            .value
            .iter()
            .any(|p| *p < ProtocolVersion::TLS13)
    }
}

/// The fix plan for endpoint `ep` of `target`, towards `goal`.
pub fn plan(target: &Target, ep: &EndpointReport, goal: FixGoal) -> FixPlan {
    let current = settings::Current::of(ep);
    let settings = settings::target(&current, goal);
    let removed = settings::removed(&current, &settings);
    let new_certificate = settings::new_certificate(ep, goal);
    let notes = settings::notes(ep, goal);
    let changes = settings::describe(&settings, &removed, new_certificate.as_ref());
    let input = RenderInput {
        goal,
        target,
        ip: &ep.ip,
        settings: &settings,
        removed: &removed,
        new_certificate: new_certificate.as_ref(),
        notes: &notes,
        ocsp_responder: current.ocsp_responder,
    };
    let servers = vec![
        dialect::render(&input, &nginx::Nginx),
        dialect::render(&input, &apache::Apache),
        dialect::render(&input, &caddy::Caddy),
    ];
    FixPlan {
        goal,
        basis: goal.basis(),
        host: target.host.clone(),
        port: target.port,
        ip: ep.ip.clone(),
        nothing_to_change: changes.is_empty() && notes.is_empty(),
        changes,
        settings,
        removed,
        new_certificate,
        notes,
        servers,
    }
}

/// How a snippet marks each line's change: after it on the same line (nginx,
/// Caddy), or on a comment line before it (Apache, whose directives take no
/// trailing comments).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Marks {
    Trailing,
    Above,
}

pub(crate) fn mark(change: Change) -> &'static str {
    match change {
        Change::Keep => "unchanged",
        Change::Change => "changed",
        Change::Add => "added",
    }
}

/// Writes a snippet: `#`-comments first, then the set lines marked with their
/// change, then the notes.
pub(crate) fn snippet(
    comments: &[String],
    set: &[ConfigLine],
    notes: &[String],
    marks: Marks,
) -> String {
    let mut out = String::new();
    for c in comments {
        out.push_str(&format!("# {c}\n"));
    }
    for l in set {
        match marks {
            Marks::Trailing => out.push_str(&format!("{}  # {}\n", l.line, mark(l.change))),
            Marks::Above => out.push_str(&format!("# {}:\n{}\n", mark(l.change), l.line)),
        }
    }
    push_notes(&mut out, notes);
    out
}

/// Appends the notes as comments.
pub(crate) fn push_notes(out: &mut String, notes: &[String]) {
    if !notes.is_empty() {
        out.push_str("# Notes:\n");
        for n in notes {
            out.push_str(&format!("# - {n}\n"));
        }
    }
}
