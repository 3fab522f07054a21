//! The fleet map as Markdown: one section per migration (repositories and units done, sites
//! left, deadline, slowest movers, a table of repositories) and the broken repositories, for a
//! tracking issue or a job summary. Text from reports is escaped so it renders as written.

use std::io::{self, Write};

use super::map::FleetMap;
use crate::report::markdown::{code, text};
use crate::report::plural;

/// Writes the map.
pub fn write(map: &FleetMap, out: &mut dyn Write) -> io::Result<()> {
    let totals = &map.repositories;
    writeln!(out, "# Migrations across the fleet\n")?;
    writeln!(
        out,
        "{} {}: {} scanned, {} not scanned. As of {}.\n",
        totals.total,
        plural(totals.total as u64, "repository", "repositories"),
        totals.scanned,
        totals.broken,
        map.date
    )?;
    for m in &map.migrations {
        writeln!(out, "## {} ({})\n", text(&m.title), code(&m.id))?;
        let mut line = format!(
            "**{} of {} {} done**",
            m.repos_done,
            m.repos_total,
            plural(m.repos_total as u64, "repository", "repositories"),
        );
        if m.units_total > 0 {
            line.push_str(&format!(
                " · {} of {} units done",
                m.units_done, m.units_total
            ));
        }
        line.push_str(&format!(
            " · {} {} left",
            m.remaining,
            plural(m.remaining, "site", "sites")
        ));
        if let (Some(deadline), Some(days)) = (&m.deadline, m.days_left) {
            let deadline = text(deadline);
            if days < 0 {
                line.push_str(&format!(" · ❌ deadline {deadline} passed"));
            } else {
                line.push_str(&format!(" · deadline {deadline} ({days} days)"));
            }
        }
        writeln!(out, "{line}\n")?;
        if !m.slowest.is_empty() {
            let names: Vec<String> = m.slowest.iter().map(|n| code(n)).collect();
            writeln!(out, "Slowest movers: {}\n", names.join(", "))?;
        }
        writeln!(
            out,
            "| Repository | Sites left | Lock | Units done | Per week | Owners |"
        )?;
        writeln!(out, "| --- | ---: | ---: | ---: | ---: | --- |")?;
        for r in &m.repos {
            let done = if r.remaining == 0 { "✅ " } else { "" };
            let owners: Vec<String> = r.owners.iter().map(|o| text(o)).collect();
            let units = if r.units_total == 0 {
                "–".to_owned()
            } else {
                format!("{} of {}", r.units_done, r.units_total)
            };
            writeln!(
                out,
                "| {done}{} | {} | {} | {units} | {} | {} |",
                code(&r.name),
                r.remaining,
                r.locked.map_or_else(|| "–".to_owned(), |n| n.to_string()),
                r.per_week
                    .map_or_else(|| "–".to_owned(), |w| format!("{w}")),
                owners.join(", ")
            )?;
        }
        writeln!(out)?;
    }
    if !map.broken.is_empty() {
        writeln!(out, "## Not scanned\n")?;
        writeln!(out, "| Repository | Source | Why |")?;
        writeln!(out, "| --- | --- | --- |")?;
        for b in &map.broken {
            writeln!(
                out,
                "| {} | {} | {} |",
                code(&b.name),
                code(&b.source),
                text(&b.error.replace('\n', " "))
            )?;
        }
    }
    Ok(())
}
