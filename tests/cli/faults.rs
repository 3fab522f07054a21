//! Hostile input and faults: huge files and trees, thousands of rules, `update` killed with
//! SIGKILL at random moments, and two updates at once. The lock is always a whole lock: the
//! old one or the new one, never a torn one, and no temporary file outlives the next write.

use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::support::{Tree, longtail_command};

const RULE: &str = "[migrations.m.rules.r]\npattern = 'old\\('\nmessage = 'm'\n";

#[test]
fn a_100_mb_single_line_file() {
    let tree = Tree::git();
    tree.write("longtail.toml", RULE);
    let mut line = vec![b'a'; 100 * 1024 * 1024];
    line.extend_from_slice(b" old(1) old(2)\n");
    tree.write("minified.js", line);
    let run = tree.longtail(&["update"]).expect(0);
    assert!(run.stdout.contains("2 sites in 1 rule"), "{}", run.stdout);
    // The snippet is capped, not a 100 MB copy per site.
    let json = tree
        .longtail(&["check", "--report", "json"])
        .expect(0)
        .stdout;
    assert!(json.len() < 10_000, "{} bytes", json.len());
}

#[test]
fn a_hundred_thousand_files_in_one_directory() {
    let tree = Tree::git();
    tree.write("longtail.toml", RULE);
    let dir = tree.path().join("flat");
    std::fs::create_dir(&dir).unwrap();
    for i in 0..100_000 {
        let text: &[u8] = if i % 1000 == 0 {
            b"old(1)\n"
        } else {
            b"new(1)\n"
        };
        std::fs::write(dir.join(format!("f{i:06}.py")), text).unwrap();
    }
    let run = tree.longtail(&["update"]).expect(0);
    assert!(run.stdout.contains("100 sites in 1 rule"), "{}", run.stdout);
    assert_eq!(
        crate::support::lock_counts(&tree.read("longtail.lock"))["m/r"].len(),
        100
    );
}

#[test]
fn a_config_with_five_thousand_rules() {
    let tree = Tree::git();
    let mut config = String::new();
    for i in 0..5000 {
        config.push_str(&format!(
            "[migrations.m.rules.r{i}]\npattern = 'name_{i}\\('\nmessage = 'm'\n"
        ));
    }
    tree.write("longtail.toml", &config)
        .write("a.py", "name_7(x) name_4999(y) name_4999(z)\n");
    tree.longtail(&["update"]).expect(0);
    let counts = crate::support::lock_counts(&tree.read("longtail.lock"));
    assert_eq!(counts.len(), 5000);
    assert_eq!(counts["m/r4999"]["a.py"], 2);
    // And 5,000 mistakes are summarised, not all rendered.
    tree.write("longtail.toml", config.replace("\\(", "("));
    let run = tree.longtail(&["check"]).expect(2);
    assert!(
        run.stderr
            .contains("5000 problems in longtail.toml (the first 20 are shown)"),
        "{}",
        &run.stderr[..500]
    );
    assert!(run.stderr.len() < 40_000, "{} bytes", run.stderr.len());
}

/// A deterministic pseudo-random sequence (SplitMix64), so the kill times are reproducible.
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

fn spawn_update(tree: &Tree, args: &[&str]) -> Child {
    longtail_command()
        .current_dir(tree.path())
        .arg("update")
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn temp_files(tree: &Tree) -> Vec<String> {
    std::fs::read_dir(tree.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".longtail-"))
        .collect()
}

#[test]
fn update_killed_at_random_moments_leaves_the_old_lock_or_the_new_one() {
    let tree = Tree::git();
    tree.write("longtail.toml", RULE);
    // Enough work that an update takes a while: many files, each with sites.
    for i in 0..3000 {
        tree.write(
            &format!("src/d{}/f{i}.py", i % 30),
            "old(1)\nold(2)\nnew(3)\n".repeat(20),
        );
    }
    tree.longtail(&["update"]).expect(0);
    let old = tree.read("longtail.lock");
    // Lower every count, so the new lock differs from the old one in every line.
    for i in 0..3000 {
        tree.write(
            &format!("src/d{}/f{i}.py", i % 30),
            "old(1)\nnew(3)\n".repeat(20),
        );
    }
    let started = Instant::now();
    tree.longtail(&["update"]).expect(0);
    let duration = started.elapsed();
    let new = tree.read("longtail.lock");
    assert_ne!(old, new);
    let mut random = Seeded(0x5EED_1234);
    let (mut saw_old, mut saw_new) = (0, 0);
    for _ in 0..50 {
        std::fs::write(tree.path().join("longtail.lock"), &old).unwrap();
        let mut child = spawn_update(&tree, &[]);
        // Anywhere from the start to a little past the usual end of an update.
        let wait = duration.as_micros() as u64 * 11 / 10;
        std::thread::sleep(Duration::from_micros(random.next() % wait.max(1)));
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let lock = tree.read("longtail.lock");
        if lock == old {
            saw_old += 1;
        } else if lock == new {
            saw_new += 1;
        } else {
            panic!("a torn lock after a kill:\n{lock}");
        }
    }
    eprintln!(
        "50 kills ({duration:?} per update): {saw_old} left the old lock, {saw_new} the new one"
    );
    assert!(saw_old > 0, "no kill landed before the write");
    // The next run sweeps whatever temporary files the killed ones left.
    tree.longtail(&["update"]).expect(0);
    assert_eq!(tree.read("longtail.lock"), new);
    assert!(temp_files(&tree).is_empty(), "{:?}", temp_files(&tree));
}

#[test]
fn two_updates_at_once_leave_one_of_their_results() {
    let tree = Tree::git();
    let other = RULE.replace("m.rules.r", "n.rules.s");
    tree.write("a.toml", RULE).write("b.toml", &other);
    for i in 0..300 {
        tree.write(&format!("f{i}.py"), "old(1)\n");
    }
    // Each config's own result, computed alone.
    tree.longtail(&["--config", "a.toml", "update"]).expect(0);
    let a = tree.read("longtail.lock");
    std::fs::remove_file(tree.path().join("longtail.lock")).unwrap();
    tree.longtail(&["--config", "b.toml", "update"]).expect(0);
    let b = tree.read("longtail.lock");
    for round in 0..10 {
        std::fs::remove_file(tree.path().join("longtail.lock")).unwrap();
        let first = spawn_update(&tree, &["--config", "a.toml"]);
        let second = spawn_update(&tree, &["--config", "b.toml"]);
        for mut child in [first, second] {
            assert!(child.wait().unwrap().success(), "round {round}");
        }
        let lock = tree.read("longtail.lock");
        assert!(
            lock == a || lock == b,
            "round {round}: neither result:\n{lock}"
        );
        assert!(temp_files(&tree).is_empty());
    }
}
