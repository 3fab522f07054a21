//! Every count longtail records must equal what the real `rg --count-matches` reports for the
//! same pattern, flags and files. The fixture holds the traps: CRLF, no final newline, NUL
//! after 64 KiB of matches, UTF-16 and UTF-8 BOMs, Latin-1, several matches per line,
//! overlapping rules, `^`/`$`, unicode case folding, ignore files, hidden files, symlinks
//! (including a loop), a long line, and matches across the reader's buffer boundary.

use std::collections::BTreeMap;

use crate::support::{Tree, lock_counts};

/// One rule: its TOML id, TOML body, the equivalent rg pattern flags and rg globs.
struct Rule {
    id: &'static str,
    toml: &'static str,
    rg: &'static [&'static str],
    globs: &'static [&'static str],
}

const RULES: &[Rule] = &[
    Rule {
        id: "plain",
        toml: r"pattern = 'foo'",
        rg: &["-e", "foo"],
        globs: &[],
    },
    Rule {
        id: "overlap-a",
        toml: r"pattern = '\.dict\('",
        rg: &["-e", r"\.dict\("],
        globs: &[],
    },
    Rule {
        id: "overlap-b",
        toml: r"pattern = 'dict'",
        rg: &["-e", "dict"],
        globs: &[],
    },
    Rule {
        id: "start",
        toml: r"pattern = '^import '",
        rg: &["-e", "^import "],
        globs: &[],
    },
    Rule {
        id: "end",
        toml: r"pattern = 'bar$'",
        rg: &["-e", "bar$"],
        globs: &[],
    },
    Rule {
        id: "trailing-space",
        toml: r"pattern = '\s+$'",
        rg: &["-e", r"\s+$"],
        globs: &[],
    },
    Rule {
        id: "nocase",
        toml: "pattern = 'straße'\nignore_case = true",
        rg: &["-i", "-e", "straße"],
        globs: &[],
    },
    Rule {
        id: "word",
        toml: "pattern = 'Foo'\nword = true\nignore_case = true",
        rg: &["-w", "-i", "-e", "Foo"],
        globs: &[],
    },
    Rule {
        id: "unicode-word",
        toml: r"pattern = '\w+é'",
        rg: &["-e", r"\w+é"],
        globs: &[],
    },
    Rule {
        id: "literal",
        toml: "pattern = 'a.b('\nliteral = true",
        rg: &["-F", "-e", "a.b("],
        globs: &[],
    },
    Rule {
        id: "multiline",
        toml: "pattern = 'class Config:\\n\\s+orm_mode'\nmultiline = true",
        rg: &["-U", "-e", r"class Config:\n\s+orm_mode"],
        globs: &[],
    },
    Rule {
        id: "multiline-dot",
        toml: "pattern = 'begin.*\\n.*end'\nmultiline = true",
        rg: &["-U", "-e", r"begin.*\n.*end"],
        globs: &[],
    },
    Rule {
        id: "latin1",
        toml: r"pattern = 'caf.'",
        rg: &["-e", "caf."],
        globs: &[],
    },
    Rule {
        id: "bytes",
        toml: r"pattern = '(?-u:\xE9)'",
        rg: &["-e", r"(?-u:\xE9)"],
        globs: &[],
    },
    Rule {
        id: "with-replace",
        toml: "pattern = '(?P<w>\\w+)\\.dict\\(|f(o)o'\nreplace = '${w}.model_dump($2'",
        rg: &["-e", r"(?P<w>\w+)\.dict\(|f(o)o"],
        globs: &[],
    },
    Rule {
        id: "lookahead-free-alt",
        toml: r"pattern = 'x|xy|y'",
        rg: &["-e", "x|xy|y"],
        globs: &[],
    },
    Rule {
        id: "globbed",
        toml: "pattern = 'foo'\npaths = ['src/**']\nexclude = ['src/sub/**']",
        rg: &["-e", "foo"],
        globs: &["-g", "src/**", "-g", "!src/sub/**"],
    },
    Rule {
        id: "md-only",
        toml: "pattern = 'foo'\npaths = ['*.md']",
        rg: &["-e", "foo"],
        globs: &["-g", "*.md"],
    },
    Rule {
        id: "exclude-only",
        toml: "pattern = 'foo'\nexclude = ['*.txt', 'docs']",
        rg: &["-e", "foo"],
        globs: &["-g", "!*.txt", "-g", "!docs"],
    },
];

fn fixture(tree: &Tree) {
    let many = "foo foo x.dict(y) dict bar\n".repeat(3000); // > 64 KiB: crosses buffer refills
    tree.write("src/a.py", "import os\nfoo = foo + foofoo\nx.dict(a).dict(b)\nbar\nbarbar \nimport sys\n\tfoo\tbar\n")
        .write("src/crlf.py", "foo bar\r\nimport x\r\nbar \r\nclass Config:\r\n    orm_mode = True\r\n")
        .write("src/nofinal.py", "foo\nthe end is bar")
        .write("src/many.py", &many)
        .write("src/sub/deep.py", "foo foo\n")
        .write("src/unicode.py", "STRASSE straße Straße\nFoo foo_bar FOO foo-bar föo Foo\ncafé naïveté\n")
        .write("src/multi.py", "class Config:\n    orm_mode = True\nclass Config:\n\n    orm_mode = False\nbegin x\ny end\nbegin\nend\n")
        .write("src/empty.py", "")
        .write("src/alt.py", "xy x y xyxy\n")
        .write("src/literal.py", "a.b( axb( a.b(a.b(\n")
        .write("docs/notes.md", "foo in docs\n")
        .write("docs/readme.txt", "foo in text\n")
        .write("top.md", "foo foo\n")
        .write("vendor/lib.py", "foo vendored\n")
        .write("ignored/gen.py", "foo ignored dir\n")
        .write("src/types.gen.py", "foo ignored file\n")
        .write("src/skipme.py", "foo in .ignore\n")
        .write("src/rg_skip.py", "foo in .rgignore\n")
        .write(".hidden/h.py", "foo hidden dir\n")
        .write("src/.h.py", "foo hidden file\n")
        .write(".gitignore", "ignored/\n*.gen.py\n")
        .write(".ignore", "skipme.py\n")
        .write(".rgignore", "rg_skip.py\n");
    // A walked file with a NUL anywhere counts 0 in rg, even after 64 KiB of matches.
    let mut late_nul = "foo\n".repeat(20_000).into_bytes();
    late_nul.extend_from_slice(b"\x00foo\n");
    tree.write("src/late_nul.py", late_nul);
    tree.write("src/early_nul.bin", b"\x00\x01foo\n");
    // UTF-16LE and UTF-16BE with a BOM are transcoded; UTF-8 BOM is stripped.
    let utf16: Vec<u8> = "import foo\nfoo bar\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    tree.write("src/utf16le.py", [&[0xFF, 0xFE][..], &utf16].concat());
    let utf16be: Vec<u8> = "foo foo\n"
        .encode_utf16()
        .flat_map(u16::to_be_bytes)
        .collect();
    tree.write("src/utf16be.py", [&[0xFE, 0xFF][..], &utf16be].concat());
    tree.write("src/utf8bom.py", b"\xEF\xBB\xBFimport foo\n");
    // Latin-1: not UTF-8, searched as bytes.
    tree.write("src/latin1.py", b"caf\xE9 foo\ncafe\n");
    // A 1 MiB line with many matches.
    tree.write("src/long.py", format!("{}\n", "foo,".repeat(262_144)));
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(
            tree.path().join("src/a.py"),
            tree.path().join("src/link.py"),
        )
        .unwrap();
        std::os::unix::fs::symlink(".", tree.path().join("src/loop")).unwrap();
    }
}

fn config(settings: &str) -> String {
    let mut text = format!("[settings]\n{settings}\n[migrations.p]\ntitle = 'parity'\n");
    for rule in RULES {
        text.push_str(&format!(
            "\n[migrations.p.rules.{}]\n{}\nmessage = 'm'\n",
            rule.id, rule.toml
        ));
    }
    text
}

/// Runs `longtail update` and compares every rule's per-file counts with rg's. `settings_rg`
/// are the rg flags equivalent to `[settings]` (hidden, include, exclude). Globs only narrow:
/// a file counts for a rule when plain rg searches it (`rg --count-matches`), and rg with the
/// settings' globs would search it, and rg with the rule's globs would search it.
fn assert_parity(tree: &Tree, settings: &str, settings_rg: &[&str]) {
    tree.write("longtail.toml", config(settings));
    tree.longtail(&["update"]).expect(0);
    let ours = lock_counts(&tree.read("longtail.lock"));
    let to_strings = |flags: &[&str]| flags.iter().map(|f| (*f).to_owned()).collect::<Vec<_>>();
    let hidden: Vec<String> = settings_rg
        .iter()
        .filter(|f| **f == "--hidden")
        .map(|f| (*f).to_owned())
        .collect();
    let walked = tree.rg_files(&to_strings(settings_rg));
    assert!(
        walked.len() > 10,
        "the fixture should have many searchable files: {walked:?}"
    );
    let mut mismatches = Vec::new();
    for rule in RULES {
        let mut flags = hidden.clone();
        flags.extend(to_strings(rule.rg));
        let mut glob_flags = hidden.clone();
        glob_flags.extend(to_strings(rule.globs));
        let rule_walked = tree.rg_files(&glob_flags);
        let expected: BTreeMap<String, u64> = tree
            .rg_counts(&flags)
            .into_iter()
            .filter(|(path, _)| walked.contains(path) && rule_walked.contains(path))
            .filter(|(path, _)| path != "longtail.toml" && path != "longtail.lock")
            .collect();
        let id = format!("p/{}", rule.id);
        let got = ours.get(&id).cloned().unwrap_or_default();
        if got != expected {
            mismatches.push(format!(
                "{id}:\n  rg:       {expected:?}\n  longtail: {got:?}"
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "counts differ from rg:\n{}",
        mismatches.join("\n")
    );
    // The fixture must exercise the traps, not pass vacuously.
    let plain = &ours["p/plain"];
    assert!(
        plain.contains_key("src/utf16le.py"),
        "UTF-16 is transcoded: {plain:?}"
    );
    assert!(
        !plain.contains_key("src/late_nul.py"),
        "a NUL late in a file makes it binary"
    );
    assert!(plain["src/long.py"] == 262_144);
    assert!(ours["p/multiline"].contains_key("src/multi.py"));
}

#[test]
fn counts_match_rg_in_a_git_repository() {
    let tree = Tree::git();
    fixture(&tree);
    assert_parity(&tree, "exclude = ['vendor/**']", &["-g", "!vendor/**"]);
    let plain = &lock_counts(&tree.read("longtail.lock"))["p/plain"];
    assert!(
        !plain.contains_key("ignored/gen.py"),
        ".gitignore applies in a git repository"
    );
}

#[test]
fn counts_match_rg_outside_a_git_repository() {
    let tree = Tree::new();
    fixture(&tree);
    assert_parity(&tree, "", &[]);
    let plain = &lock_counts(&tree.read("longtail.lock"))["p/plain"];
    assert!(
        plain.contains_key("ignored/gen.py"),
        ".gitignore does not apply outside git, as in rg"
    );
    assert!(
        !plain.contains_key("src/skipme.py"),
        ".ignore applies everywhere"
    );
}

#[test]
fn counts_match_rg_with_hidden_files_and_include_globs() {
    let tree = Tree::git();
    fixture(&tree);
    assert_parity(
        &tree,
        "hidden = true\ninclude = ['src/**', '*.md']\nexclude = ['src/sub']",
        &["--hidden", "-g", "src/**", "-g", "*.md", "-g", "!src/sub"],
    );
    let plain = &lock_counts(&tree.read("longtail.lock"))["p/plain"];
    assert!(
        plain.contains_key("src/.h.py"),
        "hidden = true searches hidden files"
    );
    assert!(!plain.contains_key("src/sub/deep.py"));
}

#[test]
fn sites_have_the_lines_and_character_columns_rg_reports() {
    let text = "x = 1\n\tfoo(é, foo)\nnaïve foo\r\nfoo";
    let tree = Tree::git();
    tree.write("a.py", text).write(
        "longtail.toml",
        "[migrations.m.rules.r]\npattern = 'foo'\nmessage = 'use bar'\n",
    );
    let run = tree.longtail(&["check", "-v"]).expect(0);
    // rg --vimgrep gives 1-based *byte* columns; SARIF and longtail count characters.
    let vimgrep = std::process::Command::new(crate::support::rg())
        .current_dir(tree.path())
        .args(["--no-config", "--vimgrep", "-e", "foo", "a.py"])
        .output()
        .unwrap();
    let lines: Vec<&str> = text.split('\n').collect();
    let positions: Vec<String> = String::from_utf8(vimgrep.stdout)
        .unwrap()
        .lines()
        .map(|l| {
            let mut parts = l.splitn(4, ':');
            let (_, line, col) = (parts.next(), parts.next().unwrap(), parts.next().unwrap());
            let line: usize = line.parse().unwrap();
            let byte_col: usize = col.parse().unwrap();
            let char_col = lines[line - 1][..byte_col - 1].chars().count() + 1;
            format!("a.py:{line}:{char_col}")
        })
        .collect();
    assert_eq!(positions, ["a.py:2:2", "a.py:2:9", "a.py:3:7", "a.py:4:1"]);
    for position in &positions {
        assert!(
            run.stdout.contains(position.as_str()),
            "{position} missing from\n{}",
            run.stdout
        );
    }
}
