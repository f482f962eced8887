//! `watch targets add|remove|list`: edit the target list that watchers
//! sharing a PostgreSQL database scan. Running watchers see the change at
//! their next claim: no restart.

use std::fmt::Write as _;

use super::config::{Config, TargetEdit};
use super::open_store;
use crate::Error;

/// Applies `edit` to the configured database; returns what to print.
pub async fn edit_targets(cfg: &Config, edit: &TargetEdit) -> Result<String, Error> {
    let store = open_store(&cfg.database).await?;
    match edit {
        TargetEdit::Add(t) => {
            let resolve: Vec<String> = t.resolve.iter().map(ToString::to_string).collect();
            let new = store
                .upsert_targets(&[(t.host.clone(), t.port, resolve)])
                .await?;
            Ok(format!(
                "{} {}:{}\n",
                if new == 1 { "added" } else { "updated" },
                t.host,
                t.port
            ))
        }
        TargetEdit::Remove { host, port } => {
            if store.remove_target(host, *port).await? {
                Ok(format!("removed {host}:{port}\n"))
            } else {
                Err(Error::BadInput(format!(
                    "{host}:{port} is not in the target list"
                )))
            }
        }
        TargetEdit::List => {
            let mut out = String::new();
            for t in store.list_targets().await? {
                let resolve = if t.resolve.is_empty() {
                    "-".to_owned()
                } else {
                    t.resolve.join(",")
                };
                let _ = writeln!(
                    out,
                    "{}:{}\tresolve={resolve}\tnext={}\tclaimed_by={}",
                    t.host,
                    t.port,
                    tlslens_core::time::rfc3339(t.next_due),
                    t.claimed_by.as_deref().unwrap_or("-")
                );
            }
            Ok(out)
        }
    }
}
