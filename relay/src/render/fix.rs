//! `scan --fix`: each endpoint's fix plan (from the core, `endpoints[].fix`)
//! for people — the goal, the changes in plain words, then the nginx, Apache
//! and Caddy snippets exactly as the core wrote them, ready to paste.

use std::fmt::Write;

use tlslens_core::fix::FixPlan;
use tlslens_core::Report;

use super::style::Style;

/// The fix section of `report`: one block per endpoint that has a plan
/// (empty when none has).
pub fn fix_plans(report: &Report, color: bool) -> String {
    let st = Style::new(color);
    let mut o = String::new();
    for plan in report.endpoints.iter().filter_map(|e| e.fix.as_ref()) {
        plan_section(&mut o, plan, st);
    }
    o
}

fn plan_section(o: &mut String, plan: &FixPlan, st: Style) {
    let _ = writeln!(
        o,
        "\n{} {}  {}",
        st.bold("How to fix"),
        plan.ip,
        st.dim(&format!("(goal: {})", plan.basis))
    );
    if plan.nothing_to_change {
        let _ = writeln!(
            o,
            "  {} nothing to change: the server meets the goal.",
            st.green("✓")
        );
        return;
    }
    for change in &plan.changes {
        let _ = writeln!(o, "  - {change}");
    }
    if let Some(cert) = &plan.new_certificate {
        for reason in &cert.reasons {
            let _ = writeln!(o, "  {} new certificate: {reason}", st.yellow("!"));
        }
    }
    for server in &plan.servers {
        let _ = writeln!(
            o,
            "\n  {} {}",
            st.bold(&format!("{}:", server.software.title())),
            st.dim(&server.context)
        );
        // The snippet as written, not indented: it is meant to be pasted.
        o.push_str(&server.text);
        if !server.text.ends_with('\n') {
            o.push('\n');
        }
    }
}
