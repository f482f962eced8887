//! The summary table that ends the human output of a run: one row per target
//! — grade, worst cap, days left, failing clients, the profile comparison
//! with `--profile`, and the gate's result — under a line that counts them.
//! Cells are cut to fit one screen; colours are applied after padding.

use std::fmt::Write;

use super::style::Style;
use crate::gate::{Gate, GradeCheck, Judged};

/// Widest target, cap and clients cells.
const TARGET_WIDTH: usize = 40;
const CAP_WIDTH: usize = 30;
const CLIENTS_WIDTH: usize = 30;

/// A cell: its plain text (for the width) and how it is painted.
struct Cell {
    plain: String,
    painted: String,
}

impl Cell {
    fn plain(text: impl Into<String>) -> Cell {
        let plain = text.into();
        Cell {
            painted: plain.clone(),
            plain,
        }
    }

    fn painted(plain: String, paint: impl Fn(&str) -> String) -> Cell {
        Cell {
            painted: paint(&plain),
            plain,
        }
    }
}

/// Cuts `text` to `max` characters, ending with `…` when cut.
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        text.to_owned()
    } else {
        let kept: String = text.chars().take(max.saturating_sub(1)).collect();
        format!("{kept}…")
    }
}

/// The table for `rows` (in the order given) judged by `gate`.
pub fn summary(rows: &[Judged], gate: Gate, color: bool) -> String {
    let st = Style::new(color);
    let mut head = vec![
        "TARGET",
        "GRADE",
        "WORST CAP",
        "DAYS LEFT",
        "FAILING CLIENTS",
    ];
    if let Some(p) = gate.profile {
        head.push(p.as_str());
    }
    head.push("RESULT");
    let table: Vec<Vec<Cell>> = rows.iter().map(|r| row(r, gate, st)).collect();
    let mut widths: Vec<usize> = head.iter().map(|h| h.chars().count()).collect();
    for cells in &table {
        for (w, c) in widths.iter_mut().zip(cells) {
            *w = (*w).max(c.plain.chars().count());
        }
    }
    let mut o = String::new();
    let _ = writeln!(o, "\n{}", st.bold(&headline(rows, gate)));
    let header: Vec<Cell> = head
        .iter()
        .map(|h| Cell::painted((*h).to_owned(), |t| st.dim(t)))
        .collect();
    line(&mut o, &header, &widths);
    for cells in &table {
        line(&mut o, cells, &widths);
    }
    o
}

fn line(o: &mut String, cells: &[Cell], widths: &[usize]) {
    let last = cells.len().saturating_sub(1);
    for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
        o.push_str(&c.painted);
        if i < last {
            let pad = w.saturating_sub(c.plain.chars().count()) + 2;
            o.push_str(&" ".repeat(pad));
        }
    }
    o.push('\n');
}

/// `Summary: 3 targets — 1 passed, 1 below A, 1 off mozilla-old, 1 not scanned`.
fn headline(rows: &[Judged], gate: Gate) -> String {
    let count = |f: &dyn Fn(&Judged) -> bool| rows.iter().filter(|r| f(r)).count();
    let plural = if rows.len() == 1 { "" } else { "s" };
    let mut parts = vec![format!("{} passed", count(&|r| r.verdict.passed()))];
    if let Some(min) = gate.min_grade {
        let n = count(&|r| matches!(r.verdict.grade, Some(GradeCheck::Below(_))));
        parts.push(format!("{n} below {min}"));
    }
    if let Some(p) = gate.profile {
        let n = count(&|r| r.verdict.compliant == Some(false));
        parts.push(format!("{n} off {p}"));
    }
    let failed = count(&|r| r.error.is_some());
    if failed > 0 {
        parts.push(format!("{failed} not scanned"));
    }
    format!(
        "Summary: {} target{plural} — {}",
        rows.len(),
        parts.join(", ")
    )
}

fn row(r: &Judged, gate: Gate, st: Style) -> Vec<Cell> {
    let mut cells = vec![
        Cell::plain(cut(&r.target, TARGET_WIDTH)),
        Cell::painted(r.grade.map_or("-", |g| g.as_str()).to_owned(), |_| {
            st.grade(r.grade)
        }),
        Cell::plain(r.worst_cap().map_or("-".to_owned(), |c| {
            cut(&format!("{} ({})", c.code, c.grade), CAP_WIDTH)
        })),
        days_left(r.days_left, st),
        Cell::plain(clients(r)),
    ];
    if gate.profile.is_some() {
        cells.push(profile_cell(r, st));
    }
    cells.push(result_cell(r, gate, st));
    cells
}

fn days_left(days: Option<i64>, st: Style) -> Cell {
    match days {
        None => Cell::plain("-"),
        Some(d) if d < 0 => Cell::painted("expired".to_owned(), |t| st.red(t)),
        Some(d) if d <= 30 => Cell::painted(d.to_string(), |t| st.yellow(t)),
        Some(d) => Cell::plain(d.to_string()),
    }
}

/// `-` (not simulated), `none`, or `2: IE 11 / Win 7, Java 6u45`.
fn clients(r: &Judged) -> String {
    let Some(failures) = &r.client_failures else {
        return "-".to_owned();
    };
    let mut names: Vec<&str> = Vec::new();
    for f in failures {
        if !names.contains(&f.name.as_str()) {
            names.push(&f.name);
        }
    }
    if names.is_empty() {
        return "none".to_owned();
    }
    cut(
        &format!("{}: {}", names.len(), names.join(", ")),
        CLIENTS_WIDTH,
    )
}

fn profile_cell(r: &Judged, st: Style) -> Cell {
    let Some(c) = &r.compliance else {
        return Cell::plain("-");
    };
    if c.compliant {
        return Cell::painted("compliant".to_owned(), |t| st.green(t));
    }
    let text = match c.deviations.len() {
        0 => "unchecked".to_owned(),
        1 => "1 deviation".to_owned(),
        n => format!("{n} deviations"),
    };
    Cell::painted(text, |t| st.yellow(t))
}

fn result_cell(r: &Judged, gate: Gate, st: Style) -> Cell {
    if let Some(e) = &r.error {
        return Cell::painted(format!("not scanned: {}", e.kind.as_str()), |t| st.red(t));
    }
    let mut failed = Vec::new();
    if let (Some(GradeCheck::Below(_)), Some(min)) = (r.verdict.grade, gate.min_grade) {
        failed.push(format!("below {min}"));
    }
    if r.verdict.compliant == Some(false) {
        failed.push("off profile".to_owned());
    }
    if failed.is_empty() {
        Cell::painted("pass".to_owned(), |t| st.green(t))
    } else {
        Cell::painted(failed.join(", "), |t| st.red(t))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn cells_are_cut_with_an_ellipsis() {
        assert_eq!(cut("short", 10), "short");
        assert_eq!(cut("0123456789abc", 10), "012345678…");
        assert_eq!(cut("0123456789abc", 10).chars().count(), 10);
    }
}
