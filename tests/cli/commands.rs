//! The other commands and global options: init, rules, pre-commit mode (FILES), config
//! discovery, -C, determinism, and the shipped example tree.

use crate::support::{Tree, lock_counts};

const CONFIG: &str = "[units.a]\npaths = ['a/**']\n\n[migrations.m]\ntitle = 'M'\n\n\
                      [migrations.m.rules.r]\npattern = 'old\\('\nmessage = 'use new()'\n";

#[test]
fn init_writes_a_starter_config_and_the_first_lock_and_never_overwrites() {
    let tree = Tree::git();
    tree.write("app/models.py", "m = Model.parse_obj(data)\nd = m.dict()\n");
    let run = tree.longtail(&["init"]).expect(0);
    assert!(run.stdout.contains("wrote longtail.toml"), "{}", run.stdout);
    assert!(
        run.stdout
            .contains("wrote longtail.lock: 2 sites in 3 rules"),
        "{}",
        run.stdout
    );
    let counts = lock_counts(&tree.read("longtail.lock"));
    assert_eq!(counts["pydantic-v2/parse-obj"]["app/models.py"], 1);
    assert_eq!(counts["pydantic-v2/dict"]["app/models.py"], 1);
    assert!(counts["pydantic-v2/validator"].is_empty());
    tree.longtail(&["check", "--strict"]).expect(0);
    let config = tree.read("longtail.toml");
    let run = tree.longtail(&["init"]).expect(2);
    assert!(run.stderr.contains("already exists"), "{}", run.stderr);
    assert_eq!(tree.read("longtail.toml"), config);
}

#[test]
fn init_refuses_to_replace_an_existing_lock() {
    let tree = Tree::git();
    tree.write("longtail.lock", "version = 1\n");
    let run = tree.longtail(&["init"]).expect(2);
    assert!(
        run.stderr.contains("longtail.lock` already exists"),
        "{}",
        run.stderr
    );
    assert!(!tree.exists("longtail.toml"));
}

#[test]
fn rules_lists_remaining_and_locked_counts() {
    let tree = Tree::git();
    tree.write("longtail.toml", CONFIG)
        .write("a/x.py", "old(1) old(2)\n")
        .write("b/y.py", "old(3)\n");
    let run = tree.longtail(&["rules"]).expect(0);
    assert!(
        run.stdout
            .contains("m/r   warning        3       -      2  use new()"),
        "{}",
        run.stdout
    );
    tree.longtail(&["update"]).expect(0);
    tree.write("b/y.py", "new(3)\n");
    let run = tree.longtail(&["rules"]).expect(0);
    assert!(
        run.stdout
            .contains("m/r   warning        2       3      1  use new()"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("2 sites left in 1 rule"),
        "{}",
        run.stdout
    );
}

#[test]
fn files_mode_checks_only_the_named_files() {
    let tree = Tree::git();
    tree.write("longtail.toml", CONFIG)
        .write("a/x.py", "old(1)\n")
        .write("a/y.py", "old(2)\nold(3)\n")
        .write("ignored.py", "")
        .write(".gitignore", "ignored.py\n");
    tree.longtail(&["update"]).expect(0);
    // y.py drops a site, x.py gains one: a unit-level move. With the file ratchet, only the
    // files named are compared; the others keep their locked counts.
    tree.write("a/x.py", "old(1)\nold(4)\n")
        .write("a/y.py", "old(2)\n");
    tree.longtail(&["check", "a/y.py"]).expect(0);
    let run = tree.longtail(&["check", "a/x.py"]).expect(1);
    assert!(run.stdout.contains("a/x.py: 1 → 2 sites"), "{}", run.stdout);
    assert!(run.stdout.contains("1 file checked"), "{}", run.stdout);
    // Paths are relative to the working directory, as pre-commit passes them.
    tree.longtail_in("a", &["check", "x.py"]).expect(1);
    tree.longtail_in("a", &["check", "y.py", "../a/y.py"])
        .expect(0);
    // An ignored file is not counted, exactly as in a full scan; a deleted file counts zero.
    tree.write("ignored.py", "old(9)\n");
    tree.longtail(&["check", "ignored.py", "gone.py"]).expect(0);
    // A directory stands for every file under it.
    let run = tree.longtail(&["check", "a"]).expect(1);
    assert!(run.stdout.contains("a/x.py: 1 → 2 sites"), "{}", run.stdout);
    assert!(run.stdout.contains("2 files checked"), "{}", run.stdout);
    tree.longtail_in("a", &["check", "."]).expect(1);
    // The repository root names the whole tree.
    let run = tree.longtail(&["check", "."]).expect(1);
    assert!(run.stdout.contains("files scanned"), "{}", run.stdout);
    // With the unit ratchet, the named files' counts replace theirs in the unit's sum.
    tree.write(
        "longtail.toml",
        format!("[settings]\nratchet = 'unit'\n{CONFIG}"),
    );
    tree.longtail(&["check", "a/x.py", "a/y.py"]).expect(0);
    tree.longtail(&["check", "a/x.py"]).expect(1);
}

#[test]
fn config_is_found_upward_and_paths_stay_relative_to_it() {
    let tree = Tree::git();
    tree.write("longtail.toml", CONFIG)
        .write("a/deep/x.py", "old(1)\n");
    tree.longtail_in("a/deep", &["update"]).expect(0);
    assert_eq!(
        lock_counts(&tree.read("longtail.lock"))["m/r"]["a/deep/x.py"],
        1
    );
    let outside = Tree::new();
    let config = tree.path().join("longtail.toml");
    let run = outside
        .longtail(&["--config", config.to_str().unwrap(), "check"])
        .expect(0);
    assert!(run.stdout.contains("1 site left"), "{}", run.stdout);
    let run = outside
        .longtail(&[
            "-C",
            tree.path().join("a").to_str().unwrap(),
            "check",
            "deep/x.py",
        ])
        .expect(0);
    assert!(run.stdout.contains("1 file checked"), "{}", run.stdout);
}

#[test]
fn own_config_and_lock_are_never_counted() {
    let tree = Tree::git();
    // The config names the pattern it looks for; the lock sits in a subdirectory.
    tree.write(
        "longtail.toml",
        format!("[settings]\nlock = 'ci/longtail.lock'\n{CONFIG}\n# old( old(\n"),
    )
    .write("a/x.py", "old(1)\n");
    tree.longtail(&["update"]).expect(0);
    let counts = lock_counts(&tree.read("ci/longtail.lock"));
    assert_eq!(counts["m/r"].keys().collect::<Vec<_>>(), ["a/x.py"]);
    tree.longtail(&["check", "--strict"]).expect(0);
}

#[test]
fn output_and_lock_are_deterministic() {
    let tree = Tree::git();
    tree.write("longtail.toml", CONFIG);
    for i in 0..200 {
        tree.write(&format!("d{}/f{i}.py", i % 7), "old(1) old(2)\n");
    }
    tree.longtail(&["update"]).expect(0);
    let first = tree.read("longtail.lock");
    tree.remove("longtail.lock");
    tree.longtail(&["-j", "1", "update"]).expect(0);
    assert_eq!(tree.read("longtail.lock"), first);
    let a = tree.longtail(&["check", "-v"]).expect(0).stdout;
    let b = tree.longtail(&["-j", "4", "check", "-v"]).expect(0).stdout;
    assert_eq!(a, b);
    let keys: Vec<_> = lock_counts(&first)["m/r"].keys().cloned().collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
}

#[test]
fn quiet_prints_nothing_on_success_and_failures_on_failure() {
    let tree = Tree::git();
    tree.write("longtail.toml", CONFIG)
        .write("a/x.py", "old(1)\n");
    tree.longtail(&["update"]).expect(0);
    assert_eq!(tree.longtail(&["-q", "check"]).expect(0).stdout, "");
    tree.write("a/x.py", "old(1) old(2)\n");
    let run = tree.longtail(&["-q", "check"]).expect(1);
    assert!(run.stdout.contains("error[m/r]"), "{}", run.stdout);
}

#[test]
fn color_always_styles_and_never_does_not() {
    let tree = Tree::git();
    tree.write("longtail.toml", CONFIG)
        .write("a/x.py", "old(1)\n");
    let run = tree.longtail(&["--color", "always", "check"]).expect(0);
    assert!(run.stdout.contains("\u{1b}["), "{:?}", run.stdout);
    let run = tree.longtail(&["--color", "never", "check"]).expect(0);
    assert!(!run.stdout.contains('\u{1b}'));
}

#[test]
fn the_example_tree_matches_its_committed_lock() {
    let example = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/services-demo");
    let output = crate::support::longtail_command()
        .current_dir(&example)
        .args(["check", "--strict"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("49 sites left in 13 rules"), "{stdout}");
}

#[test]
fn files_mode_follows_a_rename_within_a_unit() {
    let tree = Tree::git();
    tree.write(
        "longtail.toml",
        format!("[settings]\nratchet = 'unit'\n{CONFIG}"),
    )
    .write("a/y.py", "old(1)\nold(2)\n");
    tree.longtail(&["update"]).expect(0);
    tree.commit("start");
    tree.run_git(&["mv", "a/y.py", "a/z.py"]);
    // pre-commit passes only the new name; the old one no longer exists and counts zero.
    tree.longtail(&["check", "a/z.py"]).expect(0);
    tree.longtail(&["check"]).expect(0);
}

#[test]
fn a_closed_pipe_stops_printing_but_keeps_the_verdict() {
    use std::process::Stdio;
    let tree = Tree::git();
    tree.write("longtail.toml", CONFIG)
        .write("a/x.py", "old(1)\n");
    tree.longtail(&["update"]).expect(0);
    // Far more output than a pipe buffers, so the writes hit the closed pipe.
    tree.write("a/x.py", "old(1) old(2) old(3) old(4)\n".repeat(20_000));
    for (args, code) in [(&["-v", "check"][..], 1), (&["-v", "rules"][..], 0)] {
        let mut child = crate::support::longtail_command()
            .current_dir(tree.path())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let output = child.wait_with_output().unwrap();
        assert_eq!(
            output.status.code(),
            Some(code),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(!String::from_utf8_lossy(&output.stderr).contains("Broken pipe"));
    }
}

#[test]
fn huge_and_binary_files_are_handled_without_reading_them_whole() {
    let tree = Tree::git();
    tree.write("longtail.toml", CONFIG)
        .write("a/x.py", "old(1)\n");
    // A 2 GiB sparse file of NULs: binary from its first bytes, so it is never read whole.
    let image = std::fs::File::create(tree.path().join("disk.img")).unwrap();
    image.set_len(2 << 30).unwrap();
    let run = tree.longtail(&["-v", "check"]).expect(0);
    assert!(run.stdout.contains("binary: disk.img"), "{}", run.stdout);
    let bytes: u64 = run
        .stdout
        .lines()
        .find_map(|l| {
            l.strip_suffix(" binary file skipped")
                .and_then(|l| l.split(" bytes read").next())
        })
        .and_then(|n| n.parse().ok())
        .expect("a bytes-read line");
    assert!(bytes < 1 << 20, "read {bytes} bytes");
}

#[test]
fn help_of_every_subcommand() {
    // Snapshotted so a flag change is reviewed; clap wraps at COLUMNS, pinned by the helper.
    let tree = Tree::new();
    for args in [
        &["--help"][..],
        &["check", "--help"],
        &["update", "--help"],
        &["init", "--help"],
        &["rules", "--help"],
        &["schema", "--help"],
        &["fix", "--help"],
        &["plan", "--help"],
        &["presets", "--help"],
        &["merge-lock", "--help"],
        &["status", "--help"],
        &["history", "--help"],
        &["fleet", "scan", "--help"],
        &["fleet", "report", "--help"],
    ] {
        let run = tree.longtail(args).expect(0);
        insta::assert_snapshot!(format!("help-{}", args.join("-")), run.stdout);
    }
}
