//! GitHub Actions workflow commands: one annotation per site (`::warning file=…::message`), new
//! sites only unless `--annotate all`, and one per migration past its deadline. Values are
//! escaped as the Actions runner unescapes them, so a message with `%`, `,`, `:` or a newline
//! cannot end the command early or inject another. The job summary is the Markdown report.

use std::io::{self, Write};

use super::{ReportInput, rows};
use crate::config::Severity;

/// Writes the annotations.
pub fn write(input: &ReportInput<'_>, out: &mut dyn Write) -> io::Result<()> {
    for row in rows(input) {
        let touched = (input.options.touched.as_ref()).is_some_and(|t| t.contains(row.path));
        if !row.new && !input.options.annotate_all && !touched {
            continue;
        }
        let site = row.site;
        let mut properties = vec![
            ("file", input.forge_path(row.path)),
            ("line", site.line.to_string()),
            ("endLine", site.end_line.to_string()),
        ];
        // GitHub ignores columns on an annotation that spans lines; its end column is inclusive.
        if site.line == site.end_line {
            properties.push(("col", site.column.to_string()));
            properties.push((
                "endColumn",
                site.end_column
                    .saturating_sub(1)
                    .max(site.column)
                    .to_string(),
            ));
        }
        properties.push((
            "title",
            format!("{} ({})", row.rule.id, row.migration.title),
        ));
        let mut message = row.rule.message.clone();
        if let Some(docs) = row.rule.docs.as_ref().or(row.migration.docs.as_ref()) {
            message.push_str(&format!("\n{docs}"));
        }
        let name = if row.new {
            let against = if input.verdict.new_sites.is_some() {
                "the merge base has no such site in this file"
            } else {
                "the lock allows fewer in this file"
            };
            message.push_str(&format!("\nThis site is new: {against}."));
            command_name(row.level)
        } else if touched && !input.options.annotate_all {
            message.push_str(
                "\nAn old site in a file this pull request changes: a good moment to migrate it.",
            );
            "notice"
        } else {
            command_name(row.level)
        };
        command(out, name, &properties, &message)?;
    }
    for overdue in &input.verdict.overdue {
        let title = format!("{}: deadline passed", overdue.migration);
        let message = format!(
            "The deadline {} has passed and {} sites are left.",
            overdue.deadline, overdue.remaining
        );
        command(out, "error", &[("title", title)], &message)?;
    }
    for due in &input.verdict.due_soon {
        let title = format!("{}: deadline in {} days", due.migration, due.days_left);
        let message = format!(
            "The deadline {} is close and {} sites are left.",
            due.deadline, due.remaining
        );
        command(out, "warning", &[("title", title)], &message)?;
    }
    Ok(())
}

fn command_name(level: Severity) -> &'static str {
    match level {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "notice",
    }
}

fn command(
    out: &mut dyn Write,
    name: &str,
    properties: &[(&str, String)],
    message: &str,
) -> io::Result<()> {
    let properties: Vec<String> = properties
        .iter()
        .map(|(key, value)| format!("{key}={}", escape_property(value)))
        .collect();
    writeln!(
        out,
        "::{name} {}::{}",
        properties.join(","),
        escape_data(message)
    )
}

/// Escapes a command's message, as the runner's `escapeData` does.
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a property value, as the runner's `escapeProperty` does.
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_would_end_or_inject_a_command() {
        assert_eq!(
            escape_data("50% done\r\n::error::x"),
            "50%25 done%0D%0A::error::x"
        );
        assert_eq!(escape_property("a,b:c%\n"), "a%2Cb%3Ac%25%0A");
    }
}
