//! [`SettingError`]: a value that cannot become a setting, knowing which flag,
//! variable or key it came from. Its text is one line: the name, the value
//! as given, and what is wrong or allowed.

use std::fmt;
use std::path::PathBuf;

use super::name::Name;
use super::range::RangeText;
use crate::error::{ErrorKind, TargetError};
use crate::file::{FileError, FileKind};

/// A value as the user gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// A number, shown as is.
    Number(String),
    /// Text, shown quoted.
    Text(String),
}

/// What is wrong with a value that is not out of range.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Problem {
    /// It does not have the expected form.
    #[error("expected {0}")]
    Expected(&'static str),
    /// A host, target or `--resolve` entry that does not parse.
    #[error(transparent)]
    Target(#[from] TargetError),
    /// A CIDR that does not parse.
    #[error("{0}")]
    Cidr(String),
    /// A trust-anchor file without a certificate.
    #[error("no PEM certificate in it")]
    NoCertificate,
    /// A file that is not a regular file (a FIFO, a device, a directory).
    #[error("not a regular file ({0})")]
    NotAFile(FileKind),
    /// A file over the size limit, in bytes.
    #[error("larger than {} MiB", .0 / (1024 * 1024))]
    TooLarge(u64),
    /// A file that is not UTF-8 text.
    #[error("not UTF-8 text")]
    NotText,
    /// A trust-anchor file that is not text.
    #[error("not PEM text (convert a DER certificate with `openssl x509 -inform der -in FILE`)")]
    NotPem,
    /// PEM blocks that are not certificates, each with its number and line.
    #[error("unusable PEM blocks: {0}")]
    BadPem(BadBlocks),
    /// A client selection naming no known client.
    #[error(transparent)]
    Clients(#[from] tlslens_core::clients::SelectionError),
    /// Not a grade.
    #[error("expected a grade: {}", grade_names())]
    Grade,
    /// Not a known profile.
    #[error(
        "unknown profile; known profiles: {}",
        tlslens_core::profiles::known_profiles()
    )]
    Profile,
}

/// What is wrong with a line of a targets file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LineProblem {
    /// More than one word.
    #[error("expected one HOST[:PORT] per line")]
    SeveralWords,
    /// Not a target.
    #[error(transparent)]
    Target(TargetError),
}

/// The grades, best first, as the core orders them (`A+, A, …, M`).
fn grade_names() -> String {
    tlslens_core::report::Grade::ORDER
        .iter()
        .map(|g| g.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A flag, environment variable or config key with a bad value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SettingError {
    /// The target to scan does not parse.
    #[error("bad input: {0}")]
    Target(#[from] TargetError),
    /// A number outside its range.
    #[error("{}: must be {range}", Given(.name, .value))]
    OutOfRange {
        /// Which setting.
        name: Name,
        /// The value given.
        value: Value,
        /// The allowed range, in words.
        range: RangeText,
    },
    /// A value of the wrong form.
    #[error("{}: {problem}", Given(.name, .value))]
    Invalid {
        /// Which setting.
        name: Name,
        /// The value given.
        value: Value,
        /// What is wrong.
        problem: Problem,
    },
    /// Something required is absent (`no [[target]] to watch`).
    #[error("{0}")]
    Missing(&'static str),
    /// A file a setting names cannot be read.
    #[error("{name} {}: cannot read it: {source}", .path.display())]
    Unreadable {
        /// Which setting.
        name: Name,
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The TOML does not parse (syntax, types, unknown keys).
    #[error("{}{message}", Line(*.line))]
    Toml {
        /// 1-based line, when known.
        line: Option<usize>,
        /// What the TOML reader said.
        message: String,
    },
    /// A line of a `--targets-file` that is not a target.
    #[error("--targets-file {} line {line}: {text:?}: {problem}", .path.display())]
    TargetsFile {
        /// The file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// The line, without its comment.
        text: String,
        /// What is wrong with it.
        problem: LineProblem,
    },
    /// A `--targets-file` without a target.
    #[error("--targets-file {}: no targets in it", .path.display())]
    NoTargets {
        /// The file.
        path: PathBuf,
    },
    /// More targets than one run takes.
    #[error("{count} targets: one run scans at most {max}")]
    TooManyTargets {
        /// How many were given.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// An error inside a configuration file.
    #[error("config {}: {source}", .path.display())]
    InFile {
        /// The file.
        path: PathBuf,
        /// What is wrong in it.
        source: Box<SettingError>,
    },
}

impl SettingError {
    /// Always [`ErrorKind::BadInput`]: exit status 2, code `bad_input`.
    pub fn kind(&self) -> ErrorKind {
        ErrorKind::BadInput
    }

    /// `name`'s `value` has the wrong form.
    pub fn invalid(name: Name, value: &str, problem: impl Into<Problem>) -> Self {
        SettingError::Invalid {
            name,
            value: Value::Text(value.to_owned()),
            problem: problem.into(),
        }
    }

    /// The file `path`, the value of `name`, was not read: it cannot be
    /// opened ([`SettingError::Unreadable`]), or it is not a regular file,
    /// too large or not text ([`SettingError::Invalid`]).
    pub fn file(name: Name, path: &std::path::Path, error: FileError) -> Self {
        let shown = path.display().to_string();
        match error {
            FileError::Io(source) => SettingError::Unreadable {
                name,
                path: path.to_owned(),
                source,
            },
            FileError::NotAFile(kind) => Self::invalid(name, &shown, Problem::NotAFile(kind)),
            FileError::TooLarge { max } => Self::invalid(name, &shown, Problem::TooLarge(max)),
            FileError::NotText => Self::invalid(name, &shown, Problem::NotText),
        }
    }

    /// `name`'s `value` is not `expected`.
    pub fn expected(name: Name, value: &str, expected: &'static str) -> Self {
        Self::invalid(name, value, Problem::Expected(expected))
    }
}

/// What is wrong with one PEM block.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlockProblem {
    /// No `-----END …-----` line follows.
    Unclosed,
    /// The body is not base64.
    NotBase64,
    /// The DER is not an X.509 certificate (the parser's words: "not a
    /// valid X.509 certificate: …").
    NotCertificate(String),
}

/// One unusable PEM block: its number (from 1, counting every block in the
/// file) and the line of its BEGIN.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadBlock {
    /// Which block.
    pub number: usize,
    /// The line of its `-----BEGIN`.
    pub line: usize,
    /// What is wrong.
    pub problem: BlockProblem,
}

impl fmt::Display for BadBlock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "block {} (line {}): ", self.number, self.line)?;
        match &self.problem {
            BlockProblem::Unclosed => f.write_str("no END line"),
            BlockProblem::NotBase64 => f.write_str("not base64"),
            BlockProblem::NotCertificate(why) => f.write_str(why),
        }
    }
}

/// The unusable blocks of a file, in words: `block 2 (line 30): not
/// base64; block 4 (line 61): no END line`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadBlocks(pub Vec<BadBlock>);

impl fmt::Display for BadBlocks {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, b) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{b}")?;
        }
        Ok(())
    }
}

/// `--flag VALUE`, `--flag "text"` or `key = VALUE`.
struct Given<'a>(&'a Name, &'a Value);

impl fmt::Display for Given<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sep = if self.0.is_key() { " = " } else { " " };
        match self.1 {
            Value::Number(n) => write!(f, "{}{sep}{n}", self.0),
            Value::Text(t) => write!(f, "{}{sep}{t:?}", self.0),
        }
    }
}

struct Line(Option<usize>);

impl fmt::Display for Line {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(n) => write!(f, "line {n}: "),
            None => Ok(()),
        }
    }
}
