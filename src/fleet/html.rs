//! The fleet map as one self-contained HTML page: no network, no CDN (a Content-Security-Policy
//! forbids any), inline style and a small script that sorts each table by the column clicked,
//! and per migration the summed burndown (the same SVG as `history --chart`) when the reports
//! carry history. Every text from the reports is HTML-escaped.

use std::fmt::Write as _;

use quick_xml::escape::escape;

use super::map::{FleetMap, FleetMigration};
use crate::config::{Date, Migration};
use crate::history::series::{MigrationSeries, SeriesPoint};

/// Days the burn rate of a fleet burndown is measured over.
const WINDOW: u32 = 28;

/// Renders the page.
pub fn render(map: &FleetMap) -> String {
    let mut page = String::new();
    let totals = &map.repositories;
    let _ = write!(
        page,
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'">
<title>Migrations across the fleet</title>
<style>{STYLE}</style>
</head>
<body>
<header>
<h1>Migrations across the fleet</h1>
<p>{} repositories: {} scanned, {} not scanned · as of {}</p>
</header>
"#,
        totals.total,
        totals.scanned,
        totals.broken,
        escape(&map.date)
    );
    for migration in &map.migrations {
        section(&mut page, migration);
    }
    if !map.broken.is_empty() {
        page.push_str("<section>\n<h2>Not scanned</h2>\n<table class=\"sortable\">\n<thead><tr>");
        header(
            &mut page,
            &[("Repository", "text"), ("Source", "text"), ("Why", "text")],
        );
        page.push_str("</tr></thead>\n<tbody>\n");
        for b in &map.broken {
            let _ = writeln!(
                page,
                "<tr><td data-value=\"{0}\"><code>{0}</code></td><td data-value=\"{1}\"><code>{1}</code></td><td data-value=\"{2}\">{2}</td></tr>",
                escape(&b.name),
                escape(&b.source),
                escape(&b.error)
            );
        }
        page.push_str("</tbody>\n</table>\n</section>\n");
    }
    let _ = write!(page, "<script>{SCRIPT}</script>\n</body>\n</html>\n");
    page
}

fn section(page: &mut String, m: &FleetMigration) {
    let _ = writeln!(
        page,
        "<section class=\"migration\" id=\"migration-{}\">\n<h2>{} <code>{}</code></h2>",
        escape(&m.id),
        escape(&m.title),
        escape(&m.id)
    );
    let deadline = match (&m.deadline, m.days_left) {
        (Some(d), Some(days)) if days < 0 => {
            format!(
                " · <strong class=\"late\">deadline {} passed</strong>",
                escape(d)
            )
        }
        (Some(d), Some(days)) => format!(" · deadline {} ({days} days)", escape(d)),
        _ => String::new(),
    };
    let units = if m.units_total == 0 {
        String::new()
    } else {
        format!(" · {} of {} units done", m.units_done, m.units_total)
    };
    let _ = writeln!(
        page,
        "<p class=\"summary\"><progress value=\"{0}\" max=\"{1}\">{0} of {1}</progress> <strong>{0} of {1} repositories done</strong>{units} · {2} sites left{deadline}</p>",
        m.repos_done,
        m.repos_total.max(1),
        m.remaining
    );
    if !m.slowest.is_empty() {
        let names: Vec<String> = m
            .slowest
            .iter()
            .map(|n| format!("<code>{}</code>", escape(n)))
            .collect();
        let _ = writeln!(page, "<p>Slowest movers: {}</p>", names.join(", "));
    }
    if m.history.len() > 1 {
        page.push_str("<figure>\n");
        page.push_str(&chart(m));
        page.push_str("</figure>\n");
    }
    page.push_str("<table class=\"sortable\">\n<thead><tr>");
    header(
        page,
        &[
            ("Repository", "text"),
            ("Sites left", "number"),
            ("Lock", "number"),
            ("Units done", "number"),
            ("Per week", "number"),
            ("Owners", "text"),
        ],
    );
    page.push_str("</tr></thead>\n<tbody>\n");
    for r in &m.repos {
        let done = if r.remaining == 0 {
            " class=\"done\""
        } else {
            ""
        };
        let ratio = if r.units_total == 0 {
            0.0
        } else {
            r.units_done as f64 / r.units_total as f64
        };
        let owners: Vec<String> = r.owners.iter().map(|o| escape(o).into_owned()).collect();
        let _ = writeln!(
            page,
            "<tr{done}><td data-value=\"{name}\"><code>{name}</code></td><td data-value=\"{rem}\">{rem}</td><td data-value=\"{lockv}\">{locked}</td><td data-value=\"{ratio:.4}\">{units}</td><td data-value=\"{pw}\">{pws}</td><td data-value=\"{owners}\">{owners}</td></tr>",
            name = escape(&r.name),
            rem = r.remaining,
            lockv = r.locked.map_or_else(String::new, |n| n.to_string()),
            locked = r.locked.map_or_else(|| "–".to_owned(), |n| n.to_string()),
            units = if r.units_total == 0 {
                "–".to_owned()
            } else {
                format!("{} of {}", r.units_done, r.units_total)
            },
            pw = r.per_week.map_or_else(String::new, |w| w.to_string()),
            pws = r
                .per_week
                .map_or_else(|| "–".to_owned(), |w| format!("{w}")),
            owners = owners.join(", "),
        );
    }
    page.push_str("</tbody>\n</table>\n</section>\n");
}

fn header(page: &mut String, columns: &[(&str, &str)]) {
    for (label, kind) in columns {
        let _ = write!(
            page,
            "<th data-type=\"{kind}\" aria-sort=\"none\"><button type=\"button\">{label}</button></th>"
        );
    }
}

/// The migration's summed burndown, drawn by the same renderer as `history --chart`.
fn chart(m: &FleetMigration) -> String {
    let migration = Migration {
        id: m.id.clone(),
        title: m.title.clone(),
        docs: None,
        deadline: m.deadline.as_deref().and_then(Date::parse),
        warn_days: None,
        owner: None,
        rules: Vec::new(),
    };
    let points: Vec<SeriesPoint> = m
        .history
        .iter()
        .filter_map(|p| {
            Some(SeriesPoint {
                commit: String::new(),
                date: p.date.clone(),
                remaining: p.remaining,
                units: Default::default(),
                rules: Default::default(),
                units_done: 0,
                day: Date::parse(&p.date)?,
            })
        })
        .collect();
    let measured: Vec<(Date, u64)> = points.iter().map(|p| (p.day, p.remaining)).collect();
    let series = MigrationSeries {
        migration: &migration,
        trend: crate::trend::trend(&measured, WINDOW),
        points,
        units: Vec::new(),
        completions: Vec::new(),
    };
    crate::chart::svg::render(
        &[series],
        &format!("{}: sites left across the fleet", m.title),
    )
}

const STYLE: &str = r#"
body { font: 15px/1.5 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #24292f; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid #d0d7de; padding-bottom: 0.3rem; }
code { font: 0.9em ui-monospace, SFMono-Regular, Menlo, monospace; }
progress { width: 10rem; vertical-align: middle; }
.late { color: #cf222e; }
figure { margin: 1rem 0; }
figure svg { max-width: 100%; height: auto; border: 1px solid #d0d7de; border-radius: 6px; }
table { border-collapse: collapse; width: 100%; margin: 0.8rem 0; }
th, td { padding: 0.35rem 0.7rem; border-bottom: 1px solid #d8dee4; text-align: left; }
th[data-type="number"], td:nth-child(n+2):not(:last-child) { text-align: right; }
th button { font: inherit; font-weight: 600; border: 0; background: none; cursor: pointer; padding: 0; color: inherit; }
th[aria-sort="ascending"] button::after { content: " ▲"; }
th[aria-sort="descending"] button::after { content: " ▼"; }
tr.done td { color: #1a7f37; }
tbody tr:hover { background: #f6f8fa; }
"#;

/// Sorts a table by the clicked column: numbers numerically, text alphabetically; a second
/// click reverses. `aria-sort` says how it is sorted.
const SCRIPT: &str = r#"
for (const table of document.querySelectorAll("table.sortable")) {
  const heads = table.querySelectorAll("th");
  heads.forEach((th, column) => {
    th.querySelector("button").addEventListener("click", () => {
      const ascending = th.getAttribute("aria-sort") !== "ascending";
      heads.forEach((other) => other.setAttribute("aria-sort", "none"));
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      const numeric = th.dataset.type === "number";
      const body = table.tBodies[0];
      const rows = Array.from(body.rows);
      const key = (row) => row.cells[column].dataset.value;
      // An empty number (no history) sorts below every number.
      const number = (row) => {
        const n = parseFloat(key(row));
        return Number.isNaN(n) ? -Infinity : n;
      };
      const compare = (a, b) => {
        if (!numeric) return key(a).localeCompare(key(b));
        const x = number(a), y = number(b);
        return x < y ? -1 : x > y ? 1 : 0;
      };
      rows.sort((a, b) => (ascending ? compare(a, b) : compare(b, a)));
      for (const row of rows) body.appendChild(row);
    });
  });
}
"#;
