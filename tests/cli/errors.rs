//! Each kind of bad input gets a diagnostic that points at the offending span or path, exit
//! code 2, and writes nothing. The rendered diagnostics are snapshotted (colour off, width 80)
//! so the caret's line and column are reviewed.

use crate::support::{Run, Tree, redact};

const RULE: &str = "[migrations.m.rules.r]\npattern = 'x'\nmessage = 'm'\n";

/// Runs `args` on a tree holding `files`, expects exit 2 and an unchanged tree, returns stderr.
fn fails(files: &[(&str, &str)], args: &[&str]) -> (Tree, Run) {
    let tree = Tree::git();
    for (path, text) in files {
        tree.write(path, text);
    }
    tree.write("a.py", "x = 1\n");
    let before = tree.snapshot();
    let run = tree.longtail(args).expect(2);
    assert!(
        run.stdout.is_empty() || !run.stdout.contains("wrote"),
        "{}",
        run.stdout
    );
    assert_eq!(
        tree.snapshot(),
        before,
        "`longtail {args:?}` must write nothing"
    );
    (tree, run)
}

fn config_error(config: &str) -> String {
    let (tree, run) = fails(&[("longtail.toml", config)], &["check"]);
    for args in [&["update"][..], &["update", "--allow-increase"], &["rules"]] {
        let again = tree.longtail(args).expect(2);
        assert_eq!(
            again.stderr, run.stderr,
            "every command reports the same problems"
        );
    }
    redact(&tree, &run.stderr)
}

#[test]
fn invalid_regex_points_into_the_pattern() {
    let stderr =
        config_error("[migrations.m.rules.r]\npattern = '\\.parse_obj(data'\nmessage = 'm'\n");
    insta::assert_snapshot!("invalid_regex", stderr);
}

#[test]
fn a_regex_engine_error_points_at_the_whole_pattern() {
    // Valid syntax the line-oriented matcher refuses: a literal newline without multiline = true.
    let stderr = config_error("[migrations.m.rules.r]\npattern = \"a\\nb\"\nmessage = 'm'\n");
    assert!(
        stderr.contains("longtail::config::invalid-regex"),
        "{stderr}"
    );
    assert!(stderr.contains("pattern = \"a\\nb\""), "{stderr}");
    assert!(stderr.contains("not allowed"), "{stderr}");
}

#[test]
fn unknown_key_is_an_error_not_a_silently_disabled_rule() {
    let stderr =
        config_error("[migrations.m.rules.r]\npattern = 'x'\nmessage = 'm'\nignorecase = true\n");
    insta::assert_snapshot!("unknown_key", stderr);
}

#[test]
fn unknown_keys_are_rejected_in_every_table() {
    for config in [
        format!("[setings]\n{RULE}"),
        format!("[settings]\nlocks = 'x'\n{RULE}"),
        format!("[units.a]\npaths = ['a/**']\nowners = 'x'\n{RULE}"),
        format!("[migrations.m]\ndeadlin = 2027-01-01\n{RULE}"),
    ] {
        let stderr = config_error(&config);
        assert!(
            stderr.contains("longtail::config::unknown-key"),
            "{config}\n{stderr}"
        );
    }
}

#[test]
fn wrong_types_point_at_the_value() {
    for (config, expected) in [
        (
            "[migrations.m.rules.r]\npattern = 3\nmessage = 'm'\n",
            "invalid type: integer `3`, expected a string",
        ),
        (
            "[migrations.m.rules.r]\npattern = 'x'\nmessage = 'm'\nword = 'yes'\n",
            "expected a boolean",
        ),
        (
            "[migrations.m.rules.r]\npattern = 'x'\nmessage = 'm'\nseverity = 'fatal'\n",
            "unknown variant `fatal`",
        ),
        ("[settings]\nratchet = 'team'\n", "unknown variant `team`"),
        (
            "[migrations.m.rules.r]\npattern = 'x'\nmessage = 'm'\npaths = 'src/**'\n",
            "expected a sequence",
        ),
        (
            "[migrations.m]\ndeadline = '2027-03-31'\n",
            "expected a TOML datetime",
        ),
    ] {
        let stderr = config_error(config);
        assert!(
            stderr.contains("longtail::config::wrong-type"),
            "{config}\n{stderr}"
        );
        assert!(stderr.contains(expected), "{config}\n{stderr}");
    }
}

#[test]
fn missing_keys_are_named() {
    let stderr = config_error("[migrations.m.rules.r]\npattern = 'x'\n");
    assert!(stderr.contains("missing field `message`"), "{stderr}");
}

#[test]
fn duplicate_and_empty_rule_ids() {
    let stderr = config_error(&format!("{RULE}{RULE}"));
    assert!(stderr.contains("longtail::config::syntax"), "{stderr}");
    assert!(stderr.contains("duplicate key"), "{stderr}");
    let stderr = config_error("[migrations.m.rules.\"\"]\npattern = 'x'\nmessage = 'm'\n");
    assert!(stderr.contains("invalid rule id: empty"), "{stderr}");
    let stderr = config_error("[migrations.\"a/b\".rules.c]\npattern = 'x'\nmessage = 'm'\n");
    assert!(stderr.contains("invalid migration id: `a/b`"), "{stderr}");
}

#[test]
fn bad_globs_bad_dates_and_every_problem_at_once() {
    let stderr = config_error(
        "[settings]\nexclude = ['{a']\n[units.u]\npaths = ['[z']\n[migrations.m]\ndeadline = 2027-03-31T12:00:00\n\
         [migrations.m.rules.r]\npattern = 'x('\nmessage = 'm'\npaths = ['**/*.py', 'a[']\n",
    );
    insta::assert_snapshot!("many_problems", stderr);
}

#[test]
fn a_lock_path_outside_the_repository_is_refused() {
    for lock in ["../elsewhere.lock", "/tmp/longtail.lock", "a/../../x.lock"] {
        let stderr = config_error(&format!("[settings]\nlock = '{lock}'\n{RULE}"));
        assert!(stderr.contains("longtail::config::lock-path"), "{stderr}");
        assert!(stderr.contains("is outside the repository"), "{stderr}");
    }
}

#[test]
fn merge_conflict_markers_in_the_lock() {
    let lock = "# written by `longtail update`; commit it. Counts may only go down.\nversion = 1\n\n[\"m/r\"]\n\
                <<<<<<< HEAD\n\"a.py\" = 1\n=======\n\"a.py\" = 2\n>>>>>>> feature\n";
    let (tree, run) = fails(
        &[("longtail.toml", RULE), ("longtail.lock", lock)],
        &["update"],
    );
    insta::assert_snapshot!("conflict_markers", redact(&tree, &run.stderr));
}

#[test]
fn a_lock_from_a_newer_longtail() {
    let (_, run) = fails(
        &[("longtail.toml", RULE), ("longtail.lock", "version = 2\n")],
        &["check"],
    );
    assert!(
        run.stderr
            .contains("the lock has version 2, but this longtail reads version 1"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("upgrade longtail"), "{}", run.stderr);
}

#[test]
fn a_lock_edited_into_wrong_types() {
    for (lock, expected) in [
        (
            "version = 1\n[\"m/r\"]\n\"a.py\" = \"3\"\n",
            "expected a count",
        ),
        (
            "version = 1\n[\"m/r\"]\n\"a.py\" = -1\n",
            "expected a count",
        ),
        ("version = 1\n\"m/r\" = 3\n", "expected a rule table"),
        ("version = \"1\"\n", "expected an integer"),
        (
            "version = 1\n[\"m/r\"]\n\"/etc/passwd\" = 1\n",
            "is not a path relative to the repository root",
        ),
        ("version = 1\n[\"m/r\"\n", "longtail::lock::syntax"),
    ] {
        let (_, run) = fails(
            &[("longtail.toml", RULE), ("longtail.lock", lock)],
            &["update"],
        );
        assert!(run.stderr.contains(expected), "{lock}\n{}", run.stderr);
    }
}

#[test]
fn a_missing_config_says_where_it_looked() {
    let tree = Tree::new();
    tree.write("sub/dir/a.py", "x\n");
    let run = tree.longtail_in("sub/dir", &["check"]).expect(2);
    // Lines are wrapped at 80 columns; compare the words.
    let stderr = redact(&tree, &run.stderr)
        .split_whitespace()
        .filter(|w| *w != "|")
        .collect::<Vec<_>>()
        .join(" ");
    assert!(
        stderr
            .contains("could not find `longtail.toml` in `[TREE]/sub/dir` or any parent directory"),
        "{stderr}"
    );
    assert!(stderr.contains("longtail init"), "{stderr}");
    let run = tree.longtail(&["--config", "nope.toml", "check"]).expect(2);
    assert!(run.stderr.contains("could not read"), "{}", run.stderr);
}

#[test]
fn usage_errors_exit_2_and_help_exits_0() {
    let tree = Tree::new();
    tree.longtail(&["check", "--no-such-flag"]).expect(2);
    tree.longtail(&["frobnicate"]).expect(2);
    tree.longtail(&[]).expect(2);
    assert!(
        tree.longtail(&["--help"])
            .expect(0)
            .stdout
            .contains("Usage: longtail")
    );
    assert!(
        tree.longtail(&["--version"])
            .expect(0)
            .stdout
            .starts_with("longtail ")
    );
    let run = tree
        .longtail_with(".", &["check"], &[("LONGTAIL_TODAY", "tomorrow")])
        .expect(2);
    assert!(
        run.stderr
            .contains("LONGTAIL_TODAY=\"tomorrow\" is not a date"),
        "{}",
        run.stderr
    );
    let run = tree.longtail(&["-C", "missing", "check"]).expect(2);
    assert!(
        run.stderr.contains("`missing` is not a directory"),
        "{}",
        run.stderr
    );
}

#[test]
fn files_outside_the_repository_are_refused() {
    let (_, run) = fails(
        &[("repo/longtail.toml", RULE)],
        &["--config", "repo/longtail.toml", "check", "a.py"],
    );
    assert!(
        run.stderr.contains("`a.py` is outside the repository"),
        "{}",
        run.stderr
    );
}

#[cfg(unix)]
#[test]
fn an_unreadable_file_is_a_warning_and_an_incomplete_scan() {
    use std::os::unix::fs::PermissionsExt;
    let tree = Tree::git();
    tree.write("longtail.toml", RULE)
        .write("ok.py", "x\n")
        .write("secret.py", "x\n");
    tree.longtail(&["update"]).expect(0);
    let lock = tree.read("longtail.lock");
    std::fs::set_permissions(
        tree.path().join("secret.py"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    // Root reads every file, so drop to `nobody` (the tree must be reachable for them).
    let as_nobody = nobody_prefix();
    std::fs::set_permissions(tree.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    for file in ["longtail.toml", "longtail.lock", "ok.py"] {
        std::fs::set_permissions(
            tree.path().join(file),
            std::fs::Permissions::from_mode(0o666),
        )
        .unwrap();
    }
    let run_as = |args: &[&str]| {
        let mut command = crate::support::longtail_command();
        if let Some(prefix) = &as_nobody {
            command = std::process::Command::new(prefix[0]);
            command
                .args(&prefix[1..])
                .arg(env!("CARGO_BIN_EXE_longtail"))
                .env("NO_COLOR", "1")
                .env("LONGTAIL_TODAY", "2026-11-25");
        }
        let output = command
            .current_dir(tree.path())
            .args(args)
            .output()
            .unwrap();
        (
            output.status.code().unwrap(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let (code, stderr) = run_as(&["check"]);
    assert!(
        stderr.contains("secret.py: could not read: Permission denied"),
        "{stderr}"
    );
    assert!(
        stderr.contains("the scan is incomplete: 1 file could not be read"),
        "{stderr}"
    );
    assert_eq!(code, 2);
    let (code, stderr) = run_as(&["update", "--allow-increase"]);
    assert_eq!(code, 2, "{stderr}");
    assert_eq!(
        tree.read("longtail.lock"),
        lock,
        "no lock is written from an incomplete scan"
    );
    // init scans before it writes: a failed init leaves neither file behind.
    std::fs::remove_file(tree.path().join("longtail.toml")).unwrap();
    std::fs::remove_file(tree.path().join("longtail.lock")).unwrap();
    let (code, stderr) = run_as(&["init"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(!tree.exists("longtail.toml") && !tree.exists("longtail.lock"));
}

/// A command prefix that runs a program as `nobody` when we are root, `None` otherwise.
fn nobody_prefix() -> Option<Vec<&'static str>> {
    let uid = std::process::Command::new("id").arg("-u").output().ok()?;
    if String::from_utf8_lossy(&uid.stdout).trim() != "0" {
        return None;
    }
    Some(vec![
        "setpriv",
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
        "--",
    ])
}

#[cfg(unix)]
#[test]
fn a_non_utf8_path_is_a_warning_and_is_not_counted() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let tree = Tree::git();
    tree.write("longtail.toml", RULE).write("ok.py", "x\n");
    std::fs::write(tree.path().join(OsStr::from_bytes(b"bad\xff.py")), "x x\n").unwrap();
    let run = tree.longtail(&["update"]).expect(0);
    assert!(
        run.stderr
            .contains("bad\u{FFFD}.py: skipped: the path is not valid UTF-8"),
        "{}",
        run.stderr
    );
    assert_eq!(
        crate::support::lock_counts(&tree.read("longtail.lock"))["m/r"].len(),
        1
    );
}

#[test]
fn thread_counts_are_bounded() {
    let tree = Tree::new();
    tree.write("longtail.toml", RULE);
    let run = tree
        .longtail(&["-j", "18446744073709551615", "check"])
        .expect(2);
    assert!(run.stderr.contains("--threads"), "{}", run.stderr);
    tree.longtail(&["-j", "100000", "check"]).expect(2);
    tree.longtail(&["-j", "3", "check"]).expect(0);
}

#[test]
fn lock_counts_beyond_toml_integers_are_refused_and_huge_ones_do_not_overflow() {
    let (_, run) = fails(
        &[
            ("longtail.toml", RULE),
            (
                "longtail.lock",
                "version = 1\n[\"m/r\"]\n\"a.py\" = 9223372036854775808\n",
            ),
        ],
        &["check"],
    );
    assert!(run.stderr.contains("expected a count"), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("delete the lock and run `longtail update`"),
        "{}",
        run.stderr
    );
    // i64::MAX twice: sums saturate instead of wrapping or panicking.
    let tree = Tree::git();
    let max = "9223372036854775807";
    tree.write(
        "longtail.toml",
        format!("[settings]\nratchet = 'rule'\n{RULE}"),
    )
    .write(
        "longtail.lock",
        format!("version = 1\n[\"m/r\"]\n\"a.py\" = {max}\n\"b.py\" = {max}\n"),
    )
    .write("a.py", "x\n");
    let run = tree.longtail(&["check"]).expect(0);
    assert!(run.stdout.contains("went down"), "{}", run.stdout);
    tree.longtail(&["rules"]).expect(0);
    tree.write("longtail.toml", RULE);
    tree.longtail(&["check"]).expect(0);
    tree.longtail(&["update"]).expect(0);
}

#[cfg(unix)]
#[test]
fn a_fifo_where_the_lock_or_config_should_be_is_an_error_not_a_hang() {
    let tree = Tree::git();
    tree.write("longtail.toml", RULE);
    let status = std::process::Command::new("mkfifo")
        .arg(tree.path().join("longtail.lock"))
        .status()
        .unwrap();
    assert!(status.success());
    let run = tree.longtail(&["check"]).expect(2);
    assert!(run.stderr.contains("not a regular file"), "{}", run.stderr);
    let run = tree
        .longtail(&["--config", "longtail.lock", "check"])
        .expect(2);
    assert!(
        run.stderr.contains("is not a regular file"),
        "{}",
        run.stderr
    );
}

#[cfg(unix)]
#[test]
fn a_lock_or_config_that_links_out_of_the_repository_is_refused() {
    use std::os::unix::fs::symlink;
    let outside = Tree::new();
    outside
        .write("victim.lock", "version = 1\n")
        .write("evil.toml", RULE);
    let tree = Tree::git();
    tree.write("longtail.toml", RULE).write("a.py", "x\n");
    symlink(
        outside.path().join("victim.lock"),
        tree.path().join("longtail.lock"),
    )
    .unwrap();
    for args in [&["check"][..], &["update"], &["update", "--allow-increase"]] {
        let run = tree.longtail(args).expect(2);
        assert!(
            run.stderr.contains("outside the repository"),
            "{}",
            run.stderr
        );
    }
    assert_eq!(
        outside.read("victim.lock"),
        "version = 1\n",
        "nothing written outside"
    );
    // A lock path through a symlinked directory is refused the same way.
    std::fs::remove_file(tree.path().join("longtail.lock")).unwrap();
    symlink(outside.path(), tree.path().join("ci")).unwrap();
    tree.write(
        "longtail.toml",
        format!("[settings]\nlock = 'ci/new.lock'\n{RULE}"),
    );
    tree.longtail(&["update"]).expect(2);
    assert!(!outside.exists("new.lock"));
    // A config that is a link out of the repository is not read.
    let other = Tree::git();
    symlink(
        outside.path().join("evil.toml"),
        other.path().join("longtail.toml"),
    )
    .unwrap();
    let run = other.longtail(&["check"]).expect(2);
    assert!(
        run.stderr.contains("outside the repository"),
        "{}",
        run.stderr
    );
    // A link that stays inside is followed, and stays a link.
    let inner = Tree::git();
    inner
        .write("longtail.toml", RULE)
        .write("a.py", "x\n")
        .write("ci/.keep", "");
    symlink(
        inner.path().join("ci/real.lock"),
        inner.path().join("longtail.lock"),
    )
    .unwrap();
    inner.longtail(&["update"]).expect(0);
    assert!(inner.read("ci/real.lock").contains("\"a.py\" = 1"));
    assert!(
        std::fs::symlink_metadata(inner.path().join("longtail.lock"))
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[cfg(unix)]
#[test]
fn fifos_and_devices_in_the_tree_are_skipped() {
    let tree = Tree::git();
    tree.write("longtail.toml", RULE).write("a.py", "x\n");
    let mkfifo = std::process::Command::new("mkfifo")
        .arg(tree.path().join("pipe.py"))
        .status()
        .unwrap();
    assert!(mkfifo.success());
    // A character device (as root only: mknod needs the privilege).
    let _ = std::process::Command::new("mknod")
        .arg(tree.path().join("null.py"))
        .args(["c", "1", "3"])
        .status();
    let run = tree.longtail(&["check", "-v"]).expect(0);
    assert!(run.stdout.contains("1 site left"), "{}", run.stdout);
    assert!(run.stderr.is_empty(), "{}", run.stderr);
}

#[test]
fn temporary_files_of_a_killed_writer_are_swept_on_the_next_write() {
    let tree = Tree::git();
    tree.write("longtail.toml", RULE).write("a.py", "x\n");
    tree.write(".longtail-abc123.tmp", "half a lock");
    tree.longtail(&["update"]).expect(0);
    assert!(!tree.exists(".longtail-abc123.tmp"));
    assert!(tree.exists("longtail.lock"));
}

#[test]
fn a_pattern_that_compiles_too_big_is_a_clear_error() {
    let stderr =
        config_error("[migrations.m.rules.r]\npattern = '\\w{1000}{1000}'\nmessage = 'm'\n");
    assert!(
        stderr.contains("longtail::config::invalid-regex"),
        "{stderr}"
    );
    assert!(stderr.contains("size limit"), "{stderr}");
}

#[test]
fn docs_links_must_be_plain_uris() {
    let stderr = config_error(
        "[migrations.m]\ndocs = 'https://example.com/|<img/src=https://evil.example/x.png>|**PWNED**'\n[migrations.m.rules.r]\npattern = 'x'\nmessage = 'm'\n",
    );
    assert!(stderr.contains("longtail::config::bad-url"), "{stderr}");
}

#[test]
fn a_report_never_replaces_longtails_own_files() {
    for target in [
        "json=longtail.lock",
        "sarif=longtail.toml",
        "markdown=./longtail.lock",
    ] {
        let (_, run) = fails(
            &[("longtail.toml", RULE), ("longtail.lock", "version = 1\n")],
            &["check", "--report", target],
        );
        assert!(
            run.stderr.contains("one of longtail's own files"),
            "{}",
            run.stderr
        );
    }
}

#[test]
fn an_ignore_file_line_is_never_echoed() {
    // An ignore file may be a link to a file outside the repository; CI logs are public.
    let tree = Tree::git();
    tree.write("longtail.toml", RULE)
        .write("a.py", "x\n")
        .write(".gitignore", "SECRET_TOKEN=abc{123\n");
    let run = tree.longtail(&["check"]).expect(0);
    assert!(
        run.stderr.contains(".gitignore: line 1: not a valid glob"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains("SECRET"), "{}", run.stderr);
}

#[cfg(target_os = "linux")]
#[test]
fn a_lock_that_was_written_is_not_reported_as_a_failure() {
    // stdout is a full device: the message cannot be printed, the lock is written all the same.
    let tree = Tree::git();
    tree.write("longtail.toml", RULE).write("a.py", "x\n");
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let status = crate::support::longtail_command()
        .current_dir(tree.path())
        .arg("update")
        .stdout(full)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(0));
    assert!(tree.read("longtail.lock").contains("\"a.py\" = 1"));
}
