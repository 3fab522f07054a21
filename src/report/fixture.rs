//! One awkward `ReportInput` shared by every format's unit tests (ruff's pattern): paths with
//! spaces and Unicode, messages with `<>&"'`, `%`, `::`, commas and a newline, a CRLF line, a
//! tab-indented line, a multi-line match, a fix, a new site, a new rule, units and a deadline.

use std::collections::BTreeMap;
use std::path::Path;

use crate::check::{self, Verdict};
use crate::config::{self, Config, Date};
use crate::lock::Lock;
use crate::model::{FileSites, Findings, RepoPath, RuleId, Site};
use crate::units::Units;

use super::{Options, ReportInput};

const CONFIG: &str = include_str!("../../tests/fixtures/awkward.toml");

/// Everything a `ReportInput` borrows.
pub(crate) struct Fixture {
    pub(crate) config: Config,
    pub(crate) units: Units,
    pub(crate) findings: Findings,
    pub(crate) lock: Lock,
    pub(crate) verdict: Verdict,
    pub(crate) options: Options,
}

fn site(line: u64, column: u64, end_line: u64, end_column: u64, text: &str, fix: bool) -> Site {
    Site {
        line,
        column,
        end_line,
        end_column,
        line_text: text.to_owned(),
        replacement: fix.then(|| ".model_validate(".to_owned()),
    }
}

fn files(entries: Vec<(&str, Vec<Site>)>) -> BTreeMap<RepoPath, FileSites> {
    entries
        .into_iter()
        .map(|(path, sites)| {
            let found = FileSites {
                count: sites.len() as u64,
                sites,
            };
            (RepoPath::new(path), found)
        })
        .collect()
}

impl Fixture {
    /// The fixture; `empty` gives a run with no site at all.
    pub(crate) fn new(empty: bool) -> Self {
        let config = config::parse(Path::new("/repo/longtail.toml"), "longtail.toml", CONFIG)
            .expect("the fixture config is valid");
        let units = Units::compile(&config).expect("the fixture globs are valid");
        let mut findings = Findings::default();
        let rule = |name: &str| RuleId::new("py2", name);
        if empty {
            for name in ["parse-obj", "config", "fresh"] {
                findings.sites.insert(rule(name), BTreeMap::new());
            }
        } else {
            findings.sites.insert(
                rule("parse-obj"),
                files(vec![
                    (
                        "svc api/mödels.py",
                        vec![
                            site(3, 9, 3, 20, "\tuser = User.parse_obj(data)", true),
                            site(7, 5, 7, 16, "x = A.parse_obj(y), B.parse_obj(z)", true),
                            site(7, 26, 7, 37, "x = A.parse_obj(y), B.parse_obj(z)", true),
                        ],
                    ),
                    (
                        "lib/a,b:c%.py",
                        vec![site(1, 1, 1, 12, ".parse_obj(", true)],
                    ),
                ]),
            );
            findings.sites.insert(
                rule("config"),
                files(vec![(
                    "svc api/mödels.py",
                    vec![site(10, 5, 11, 9, "    class Config:", false)],
                )]),
            );
            findings.sites.insert(
                rule("fresh"),
                files(vec![("lib/x.py", vec![site(2, 1, 2, 2, "x", false)])]),
            );
        }
        findings.searched = vec![
            RepoPath::new("lib/a,b:c%.py"),
            RepoPath::new("svc api/mödels.py"),
        ];
        let mut lock = Lock::default();
        let locked = |entries: &[(&str, u64)]| -> BTreeMap<RepoPath, u64> {
            entries
                .iter()
                .map(|(p, c)| (RepoPath::new(*p), *c))
                .collect()
        };
        // The lock allows two parse_obj sites in the API file: three is one too many.
        lock.rules.insert(
            rule("parse-obj"),
            locked(&[("svc api/mödels.py", 2), ("lib/a,b:c%.py", 1)]),
        );
        lock.rules
            .insert(rule("config"), locked(&[("svc api/mödels.py", 2)]));
        let counts = findings.counts();
        let today = Date {
            year: 2026,
            month: 11,
            day: 25,
        };
        let verdict = check::compare(&config, &units, &counts, &lock, today);
        Fixture {
            config,
            units,
            findings,
            lock,
            verdict,
            options: Options {
                category: "services".to_owned(),
                ..Options::default()
            },
        }
    }

    /// The input every format reads, with `counts` from the findings.
    pub(crate) fn with_input<T>(&self, run: impl FnOnce(&ReportInput<'_>) -> T) -> T {
        let counts = self.findings.counts();
        let input = ReportInput {
            config: &self.config,
            units: &self.units,
            findings: &self.findings,
            counts: &counts,
            lock: Some(&self.lock),
            verdict: &self.verdict,
            strict: false,
            only: None,
            today: Date {
                year: 2026,
                month: 11,
                day: 25,
            },
            version: "0.0.0-test",
            options: &self.options,
        };
        run(&input)
    }

    /// What `format` writes for this fixture.
    pub(crate) fn render(&self, format: super::Format) -> String {
        self.with_input(|input| {
            let mut out = Vec::new();
            format
                .write(input, &mut out)
                .expect("writing to a Vec cannot fail");
            let text = String::from_utf8(out).expect("reports are UTF-8");
            if format == super::Format::Sarif {
                // Written compact; pretty here so the snapshot reads (and diffs) line by line.
                let value: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
                serde_json::to_string_pretty(&value).expect("JSON") + "\n"
            } else {
                text
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::Format;
    use super::Fixture;

    #[test]
    fn every_format_on_awkward_input() {
        let fixture = Fixture::new(false);
        for format in Format::ALL {
            insta::assert_snapshot!(format.name(), fixture.render(format));
        }
    }

    #[test]
    fn every_format_with_no_sites() {
        let fixture = Fixture::new(true);
        for format in Format::ALL {
            insta::assert_snapshot!(format!("empty-{}", format.name()), fixture.render(format));
        }
    }

    #[test]
    fn output_is_byte_identical_across_runs() {
        for format in Format::ALL {
            assert_eq!(
                Fixture::new(false).render(format),
                Fixture::new(false).render(format)
            );
        }
    }
}
