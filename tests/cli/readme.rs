//! The README's example output is the real output: each block after a
//! `<!-- readme-output: NAME -->` marker is produced again here, on a copy of the example tree,
//! and compared. `LONGTAIL_BLESS=1` rewrites the blocks instead.

use std::path::Path;

use crate::support::{Tree, copy_dir, longtail_command};

const BAD_CONFIG: &str = "[migrations.pydantic-v2.rules.parse-obj]\npattern = '\\.parse_obj(data'\nmessage = \"use model_validate()\"\n";

fn strip_ansi(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// Runs the README's command for block `name` on a fresh copy of the example tree.
fn produce(name: &str, command: &str) -> String {
    let tree = Tree::new();
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    // A demo script that builds its tree with this build of longtail.
    let demo = |script: &str| {
        let status = std::process::Command::new("bash")
            .arg(manifest.join(script))
            .arg(tree.path())
            .env("LONGTAIL", env!("CARGO_BIN_EXE_longtail"))
            .env("LONGTAIL_TODAY", "2026-11-25")
            .status()
            .unwrap();
        assert!(status.success(), "{script} failed");
    };
    if name.starts_with("walkthrough") {
        // The example with a git history of its migration.
        demo("scripts/demo-history.sh");
    } else if name.starts_with("fleet-") {
        // Six services' repositories with their history, scanned.
        demo("scripts/demo-fleet.sh");
    } else if name.starts_with("monorepo-") {
        // Blocks about finishing a migration run on the multi-service example with presets.
        copy_dir(&manifest.join("examples/python-monorepo"), tree.path());
    } else {
        copy_dir(&manifest.join("examples/services-demo"), tree.path());
    }
    match name {
        "check-after-new-site" => {
            let path = tree.path().join("services/auth/app/models.py");
            let mut text = std::fs::read_to_string(&path).unwrap();
            text.push_str("\n\ndef load(payload):\n    return User.parse_obj(payload)\n");
            std::fs::write(path, text).unwrap();
        }
        "bad-config" => {
            tree.write("longtail.toml", BAD_CONFIG);
        }
        _ => {}
    }
    let args: Vec<&str> = command.split_whitespace().skip(2).collect();
    // Colour on for the diagrams' Unicode lines; escapes stripped, as a reader copies them.
    let output = longtail_command()
        .current_dir(tree.path())
        .arg("--color=always")
        .args(&args)
        .env("COLUMNS", "200")
        .output()
        .unwrap();
    let mut text = strip_ansi(&String::from_utf8_lossy(&output.stdout));
    text.push_str(&strip_ansi(&String::from_utf8_lossy(&output.stderr)));
    text.lines()
        .map(str::trim_end)
        .collect::<Vec<_>>()
        .join("\n")
        .trim_end()
        .to_owned()
        + "\n"
}

#[test]
fn readme_examples_are_real_output() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let marker = "<!-- readme-output: ";
    let mut rebuilt = String::new();
    let mut rest = readme.as_str();
    let mut checked = 0;
    let mut stale = Vec::new();
    while let Some(at) = rest.find(marker) {
        let (before, from_marker) = rest.split_at(at);
        rebuilt.push_str(before);
        let name_end = from_marker.find(" -->").unwrap();
        let name = &from_marker[marker.len()..name_end];
        let fence_start = from_marker.find("```console\n").unwrap() + "```console\n".len();
        let body_and_rest = &from_marker[fence_start..];
        let fence_end = body_and_rest.find("```\n").unwrap();
        let body = &body_and_rest[..fence_end];
        let (command, expected) = body.split_once('\n').unwrap();
        let actual = produce(name, command);
        if actual != expected {
            stale.push(format!(
                "--- {name}: README\n{expected}--- {name}: actual\n{actual}"
            ));
        }
        rebuilt.push_str(&from_marker[..fence_start]);
        rebuilt.push_str(command);
        rebuilt.push('\n');
        rebuilt.push_str(&actual);
        rest = &body_and_rest[fence_end..];
        checked += 1;
    }
    rebuilt.push_str(rest);
    assert!(
        checked >= 4,
        "the README should show real output ({checked} blocks found)"
    );
    if std::env::var_os("LONGTAIL_BLESS").is_some() {
        std::fs::write(&path, rebuilt).unwrap();
        return;
    }
    assert!(
        stale.is_empty(),
        "README output is stale (LONGTAIL_BLESS=1 rewrites it):\n{}",
        stale.join("\n")
    );
}
