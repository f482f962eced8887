//! Terminal styling for the human report: ANSI colours when they are on, the
//! plain text otherwise. Which grade gets which colour is decided here and
//! nowhere else.

use tlslens_core::report::Grade;
use tlslens_core::wire::ProtocolVersion;

/// Paints text, or leaves it as it is when colour is off.
#[derive(Debug, Clone, Copy)]
pub struct Style {
    on: bool,
}

impl Style {
    /// Colour on (`true`) or off.
    pub fn new(on: bool) -> Self {
        Self { on }
    }

    fn paint(self, code: &str, text: &str) -> String {
        if self.on {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    /// Bold.
    pub fn bold(self, t: &str) -> String {
        self.paint("1", t)
    }

    /// Red: failures, vulnerabilities, cap codes.
    pub fn red(self, t: &str) -> String {
        self.paint("31", t)
    }

    /// Yellow: warnings, weak suites, deprecated protocols.
    pub fn yellow(self, t: &str) -> String {
        self.paint("33", t)
    }

    /// Green: what is fine.
    pub fn green(self, t: &str) -> String {
        self.paint("32", t)
    }

    /// Dim: secondary details.
    pub fn dim(self, t: &str) -> String {
        self.paint("2", t)
    }

    /// A grade (or `-` for none): A+/A/A- bold green, B/C bold yellow, the
    /// rest bold red.
    pub fn grade(self, g: Option<Grade>) -> String {
        let text = g.map_or("-", Grade::as_str);
        match g {
            Some(Grade::APlus | Grade::A | Grade::AMinus) => self.paint("1;32", text),
            Some(Grade::B | Grade::C) => self.paint("1;33", text),
            _ => self.paint("1;31", text),
        }
    }

    /// A protocol version: SSL red, TLS 1.0/1.1 yellow, the rest green.
    pub fn protocol(self, p: ProtocolVersion) -> String {
        let text = p.to_string();
        match p {
            ProtocolVersion::SSLV2 | ProtocolVersion::SSLV3 => self.red(&text),
            ProtocolVersion::TLS10 | ProtocolVersion::TLS11 => self.yellow(&text),
            _ => self.green(&text),
        }
    }
}
