//! Which clients to simulate: `--clients current|all|NAME,...` parsed once
//! into a [`ClientSelection`], applied to the table by the core so the relay,
//! the API and `watch` select the same way.

use std::fmt;

use super::table::{table, ClientProfile};

/// A choice of simulated clients.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum ClientSelection {
    /// Every client in the table (the default).
    #[default]
    All,
    /// The clients marked `current`.
    Current,
    /// These clients, by id or by name (case-insensitive), in the table's order.
    Named(Vec<String>),
}

/// A `--clients` value that names no known client.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelectionError {
    /// The names that match no client.
    pub unknown: Vec<String>,
}

impl fmt::Display for SelectionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown client {}: use `current`, `all` or ids/names from the client table (e.g. java-8u161, \"Chrome 137 / Win 11\")",
            self.unknown
                .iter()
                .map(|u| format!("{u:?}"))
                .collect::<Vec<_>>()
                .join(", ")
        )
    }
}

impl std::error::Error for SelectionError {}

impl ClientSelection {
    /// Reads `current`, `all` or a comma-separated list of ids or names;
    /// every name must match a client of the table.
    pub fn parse(text: &str) -> Result<Self, SelectionError> {
        let text = text.trim();
        if text.eq_ignore_ascii_case("all") || text.is_empty() {
            return Ok(ClientSelection::All);
        }
        if text.eq_ignore_ascii_case("current") {
            return Ok(ClientSelection::Current);
        }
        let names: Vec<String> = text
            .split(',')
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .map(str::to_owned)
            .collect();
        let unknown: Vec<String> = names
            .iter()
            .filter(|n| !table().iter().any(|c| names_client(n, c)))
            .cloned()
            .collect();
        if unknown.is_empty() {
            Ok(ClientSelection::Named(names))
        } else {
            Err(SelectionError { unknown })
        }
    }

    /// Whether `client` is selected.
    pub fn matches(&self, client: &ClientProfile) -> bool {
        match self {
            ClientSelection::All => true,
            ClientSelection::Current => client.current,
            ClientSelection::Named(names) => names.iter().any(|n| names_client(n, client)),
        }
    }

    /// The selected clients, in table order.
    pub fn select(&self) -> Vec<&'static ClientProfile> {
        table().iter().filter(|c| self.matches(c)).collect()
    }
}

fn names_client(name: &str, client: &ClientProfile) -> bool {
    client.id.eq_ignore_ascii_case(name) || client.name.eq_ignore_ascii_case(name)
}
