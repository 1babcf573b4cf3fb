//! The one table printed at the end: what was measured, the figure, p50/p99, notes.

use std::time::Duration;

use super::{drive::Outcome, portal_process::PortalProcess, support::ms};

#[derive(Default)]
pub struct Table {
    rows: Vec<[String; 5]>,
}

impl Table {
    pub fn row(&mut self, what: &str, figure: String, latency: Option<(String, String)>, notes: String) {
        let (p50, p99) = latency.unwrap_or_default();
        self.rows.push([what.to_owned(), figure, p50, p99, notes]);
    }

    /// Successful requests per second with their p50/p99; in the notes, the rate per
    /// CPU-second of the portal and every answer that was not a success.
    pub fn rate(&mut self, what: &str, outcome: &Outcome, portal_cpu: Duration, notes: &str) {
        let latency = |p| outcome.percentile(p).map_or_else(|| "–".into(), |d| format!("{:.1} ms", ms(d)));
        let mut all_notes = format!(
            "{} ok in {:.1} s, {:.1} per portal CPU-s; other answers: {}",
            outcome.ok,
            outcome.elapsed.as_secs_f64(),
            outcome.ok as f64 / portal_cpu.as_secs_f64(),
            outcome.others_text()
        );
        if !notes.is_empty() {
            all_notes = format!("{notes}; {all_notes}");
        }
        self.row(what, format!("{:.1} /s", outcome.rate()), Some((latency(50.0), latency(99.0))), all_notes);
    }

    pub fn memory(&mut self, when: &str, portal: &PortalProcess, notes: &str) {
        let figure = portal.resident_mib().map_or_else(|| "unknown".into(), |mib| format!("{mib:.1} MiB"));
        self.row(&format!("resident memory {when}"), figure, None, notes.to_owned());
    }

    pub fn skipped(&mut self, what: &str, why: &str) {
        println!("· {what}: {why}");
        self.row(what, "–".into(), None, why.to_owned());
    }

    /// A Markdown table, so that it can be pasted into a note as it is.
    pub fn print(&self) {
        let header = ["what", "result", "p50", "p99", "notes"].map(String::from);
        let mut widths = [0; 5];
        for row in std::iter::once(&header).chain(&self.rows) {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let line = |row: &[String; 5]| {
            let cells: Vec<String> = row.iter().zip(widths).map(|(cell, width)| format!("{cell:<width$}")).collect();
            println!("| {} |", cells.join(" | "));
        };
        line(&header);
        line(&widths.map(|width| "-".repeat(width)));
        for row in &self.rows {
            line(row);
        }
    }
}
