#!/usr/bin/env python3
"""The scan benchmark's driver (run it through bench/run.sh, which installs the tools and
materialises the corpora first).

For each corpus it writes a longtail config at the corpus root, checks that longtail's count of
every rule in every file equals `rg --count-matches` with the same pattern, flags and globs, then
times side by side, in one run, with hyperfine (warm page cache, medians):

  longtail check, rg once per rule, rg once with every pattern (-e P1 ... -e PN),
  and on the Python corpus semgrep (pattern-regex rules) and code-baseline (the rules it can
  express, against longtail on the same rules);

plus longtail's time as the rule count grows from 1 to 200, its peak RSS, and pre-commit mode
(`longtail check FILE...` with 10 files). It prints one table with every target and exits 1 when
a count differs from rg's (a timing target that is missed is reported, not fatal).

Only the standard library: it must run on a fresh machine before anything is installed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import statistics
import subprocess
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
# Every config the bench writes sits at the corpus root under this prefix; all of them are
# excluded from every tool's search, so no tool counts the patterns in our own files.
PREFIX = "longtail-bench"


@dataclass
class Rule:
    """One longtail rule, as the tools being compared need it."""

    id: str
    pattern: str
    ignore_case: bool = False
    word: bool = False
    literal: bool = False
    multiline: bool = False
    paths: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)

    def rg_flags(self) -> list[str]:
        flags = []
        for on, flag in (
            (self.ignore_case, "-i"),
            (self.word, "-w"),
            (self.literal, "-F"),
            (self.multiline, "-U"),
        ):
            if on:
                flags.append(flag)
        for glob in self.paths:
            flags += ["-g", glob]
        for glob in self.exclude:
            flags += ["-g", "!" + glob]
        return flags

    def as_regex(self, dialect: str = "rust") -> str:
        """The rule as one regex (for an alternation, semgrep or code-baseline). `-w` is rg's:
        no word character on either side (not `\b`, which differs for patterns that start or
        end with a non-word character): half word boundaries in Rust's syntax, look-arounds in
        semgrep's PCRE."""
        body = escape(self.pattern) if self.literal else self.pattern
        if self.word and dialect == "pcre":
            body = r"(?<!\w)(?:" + body + r")(?!\w)"
        elif self.word:
            body = r"\b{start-half}(?:" + body + r")\b{end-half}"
        if self.ignore_case:
            body = "(?i:" + body + ")"
        return body


def escape(text: str) -> str:
    return "".join("\\" + c if c in r"\.+*?()|[]{}^$#&-~" else c for c in text)


def load_rules(config: Path) -> list[Rule]:
    data = tomllib.loads(config.read_text())
    rules = []
    for mid, migration in data.get("migrations", {}).items():
        for rid, rule in migration.get("rules", {}).items():
            rules.append(
                Rule(
                    id=f"{mid}/{rid}",
                    pattern=rule["pattern"],
                    ignore_case=rule.get("ignore_case", False),
                    word=rule.get("word", False),
                    literal=rule.get("literal", False),
                    multiline=rule.get("multiline", False),
                    paths=rule.get("paths", []),
                    exclude=rule.get("exclude", []),
                )
            )
    return rules


def write_config(corpus: Path, name: str, body: str) -> Path:
    """A config at the corpus root with its own lock, excluding every bench file."""
    path = corpus / f"{PREFIX}-{name}.toml"
    settings = (
        "[settings]\n"
        f'lock = "{PREFIX}-{name}.lock"\n'
        f'exclude = ["/{PREFIX}-*"]\n\n'
    )
    path.write_text(settings + strip_settings(body))
    return path


def strip_settings(body: str) -> str:
    """Drops a [settings] table (its keys end at the next table) from a config's text."""
    out, skipping = [], False
    for line in body.splitlines(keepends=True):
        if line.startswith("["):
            skipping = line.strip() == "[settings]"
        if not skipping:
            out.append(line)
    return "".join(out)


# --- running things -----------------------------------------------------------------------


class Tools:
    def __init__(self, args: argparse.Namespace) -> None:
        self.longtail = args.longtail
        self.rg = args.rg
        self.hyperfine = args.hyperfine
        self.semgrep = args.semgrep
        self.baseline = args.baseline
        self.runs = args.runs
        self.warmup = args.warmup
        self.threads = args.threads
        self.work = Path(args.work)

    def longtail_cmd(self, config: Path, *extra: str) -> list[str]:
        return [
            self.longtail,
            "--config",
            str(config),
            "-j",
            str(self.threads),
            "--color",
            "never",
            *extra,
        ]

    def rg_cmd(self, rule_flags: list[str], patterns: list[str]) -> list[str]:
        cmd = [
            self.rg,
            "--no-config",
            "--count-matches",
            "-j",
            str(self.threads),
            *rule_flags,
            "-g",
            f"!/{PREFIX}-*",
        ]
        for pattern in patterns:
            cmd += ["-e", pattern]
        return cmd + ["."]


def run(cmd: list[str], cwd: Path | None = None, ok=(0,)) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if proc.returncode not in ok:
        sys.exit(
            f"bench: {shlex.join(cmd)} exited {proc.returncode}\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}"
        )
    return proc


# Runs argv[1:] and prints its peak RSS in KiB. A child's peak RSS (ru_maxrss) includes the
# memory of the process it was spawned from, up to its exec: spawned from this script (by then
# hundreds of MiB of counts) it would read as this script's size. This helper is a fresh
# interpreter of ~10 MiB, a floor far below what is measured.
_RSS_HELPER = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
_, _, usage = os.wait4(child.pid, 0)
print(usage.ru_maxrss)
"""


def peak_rss_mib(cmd: list[str], cwd: Path) -> float:
    """Peak resident set size of one run of `cmd` (and anything it waited for), in MiB."""
    out = subprocess.run(
        [sys.executable, "-c", _RSS_HELPER, *cmd], cwd=cwd, check=True, capture_output=True, text=True
    )
    return int(out.stdout) / 1024


def timed(
    command: str, cwd: Path, limit: float | None = None, ok=(0,)
) -> tuple[float, bool]:
    """Seconds of one run of a shell command, and whether it finished: past `limit` seconds
    its whole process group is stopped (a strategy that slow has lost; waiting on it for an
    hour tells nothing more). An exit code outside `ok` ends the bench: a tool that failed
    fast must not be timed as a fast tool."""
    import os
    import signal
    import time

    start = time.monotonic()
    process = subprocess.Popen(["bash", "-c", command], cwd=cwd, start_new_session=True)
    try:
        code = process.wait(timeout=limit)
        if code not in ok:
            sys.exit(f"bench: {command} exited {code}")
        return time.monotonic() - start, True
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return time.monotonic() - start, False


def hyperfine(
    tools: Tools, cwd: Path, named: dict[str, str], tag: str, runs=None, warmup=None
) -> dict[str, float]:
    """Times each shell command side by side; returns the median seconds by name."""
    out = tools.work / f"hyperfine-{tag}.json"
    cmd = [
        tools.hyperfine,
        "--style",
        "basic",
        "--warmup",
        str(tools.warmup if warmup is None else warmup),
        "--runs",
        str(runs or tools.runs),
        "--export-json",
        str(out),
        "-i",
    ]
    for name, command in named.items():
        cmd += ["--command-name", name, command]
    print(f"  timing {', '.join(named)}", file=sys.stderr, flush=True)
    run(cmd, cwd=cwd)
    results = json.loads(out.read_text())["results"]
    return {r["command"]: r["median"] for r in results}


def script(tools: Tools, name: str, commands: list[list[str]]) -> str:
    """A shell script running `commands` one after another, its output discarded."""
    path = tools.work / f"{name}.sh"
    # rg exits 1 when nothing matched; anything else is an error that must not be timed.
    path.write_text(
        "set -e\n" + "".join(shlex.join(c) + " >/dev/null || [ $? -eq 1 ]\n" for c in commands)
    )
    return f"bash {shlex.quote(str(path))}"


# --- counts against rg --------------------------------------------------------------------


def longtail_counts(tools: Tools, config: Path, corpus: Path) -> dict[tuple[str, str], int]:
    report = tools.work / "report.json"
    run(
        tools.longtail_cmd(config, "check", "--report", f"json={report}"),
        cwd=corpus,
        ok=(0, 1),
    )
    data = json.loads(report.read_text())
    counts = {}
    for migration in data["migrations"]:
        for rule in migration["rules"]:
            for file in rule["files"]:
                if file["count"]:
                    counts[(rule["id"], file["path"])] = file["count"]
    return counts


def rg_counts(tools: Tools, rules: list[Rule], corpus: Path) -> dict[tuple[str, str], int]:
    counts = {}
    for rule in rules:
        proc = run(tools.rg_cmd(rule.rg_flags(), [rule.pattern]), cwd=corpus, ok=(0, 1))
        for line in proc.stdout.splitlines():
            path, _, count = line.rpartition(":")
            counts[(rule.id, path.removeprefix("./"))] = int(count)
    return counts


def check_counts(tools: Tools, config: Path, rules: list[Rule], corpus: Path) -> tuple[int, int]:
    ours = longtail_counts(tools, config, corpus)
    theirs = rg_counts(tools, rules, corpus)
    differ = sorted(k for k in ours.keys() | theirs.keys() if ours.get(k) != theirs.get(k))
    for key in differ[:20]:
        print(f"  COUNT DIFFERS {key}: longtail {ours.get(key)} rg {theirs.get(key)}", file=sys.stderr)
    if differ:
        sys.exit(f"bench: {len(differ)} (rule, file) counts differ from rg's")
    return sum(ours.values()), len(ours)


# --- scenarios ----------------------------------------------------------------------------


@dataclass
class Row:
    scenario: str
    measure: str
    figure: str
    target: str
    met: bool | None


def ripgrep_strategies(tools: Tools, rules: list[Rule], tag: str) -> dict[str, str]:
    per_rule = script(
        tools, f"rg-per-rule-{tag}", [tools.rg_cmd(r.rg_flags(), [r.pattern]) for r in rules]
    )
    # One run with every pattern: the union of the rules' globs (none if any rule has none),
    # -U when any rule is multi-line; per-rule -i/-w/-F become inline flags.
    globs: list[str] = []
    if all(r.paths for r in rules):
        for r in rules:
            for g in r.paths:
                if g not in globs:
                    globs += [g]
    flags = [f for g in globs for f in ("-g", g)]
    if any(r.multiline for r in rules):
        flags.append("-U")
    alternation = shlex.join(tools.rg_cmd(flags, [r.as_regex() for r in rules])) + " >/dev/null"
    return {"rg once per rule": per_rule, "rg -e P1 … -e PN": alternation}


def scan_scenario(tools: Tools, name: str, corpus: Path, body: str, rows: list[Row], extra) -> None:
    config = write_config(corpus, name, body)
    rules = load_rules(config)
    print(f"{name}: {len(rules)} rules on {corpus}", file=sys.stderr, flush=True)
    run(tools.longtail_cmd(config, "-q", "update", "--allow-increase"), cwd=corpus)
    sites, pairs = check_counts(tools, config, rules, corpus)
    rows.append(Row(name, "sites (equal to rg's, per rule and file)", f"{sites:,} in {pairs:,} (rule, file) pairs", "equal", True))
    longtail = shlex.join(tools.longtail_cmd(config, "check")) + " >/dev/null"
    strategies = ripgrep_strategies(tools, rules, name)
    commands = {"longtail check": longtail, "rg once per rule": strategies["rg once per rule"]}
    times = hyperfine(tools, corpus, commands, name)
    # The alternation can be many times slower (a -U rule makes every file a multi-line search):
    # one probe run first, stopped at 10x the other strategy; a strategy 5x slower than the
    # other cannot be the faster one, and its probe is its figure, instead of an hour of runs.
    limit = max(60.0, 10 * times["rg once per rule"])
    probe, finished = timed(strategies["rg -e P1 … -e PN"], corpus, limit, ok=(0, 1))
    slow = probe > 5 * times["rg once per rule"]
    if slow:
        alternation = {"rg -e P1 … -e PN": probe}
    else:
        alternation = hyperfine(
            tools, corpus, {"rg -e P1 … -e PN": strategies["rg -e P1 … -e PN"]}, f"{name}-alt"
        )
    times.update(alternation)
    best_rg = min(times["rg once per rule"], times["rg -e P1 … -e PN"])
    for what, seconds in times.items():
        if what.startswith("rg -e") and not finished:
            rows.append(Row(name, what + " (one run, stopped)", f"> {seconds:.0f} s", "", None))
            continue
        note = " (one run: slower by far)" if what.startswith("rg -e") and slow else ""
        rows.append(Row(name, what + note, f"{seconds:.3f} s", "", None))
    ratio = times["longtail check"] / best_rg
    rows.append(Row(name, "longtail / faster rg strategy", f"{ratio:.2f}×", "≤ 1.20×", ratio <= 1.2))
    rss = peak_rss_mib(tools.longtail_cmd(config, "check"), corpus)
    rows.append(Row(name, "longtail peak RSS", f"{rss:.1f} MiB", "≤ 64 MiB" if name == "kernel" else "", rss <= 64 if name == "kernel" else None))
    extra(config, rules, times)


def kernel_extras(tools: Tools, corpus: Path, rows: list[Row]):
    def extra(config: Path, rules: list[Rule], times: dict[str, float]) -> None:
        precommit(tools, corpus, config, rows)
        scaling(tools, corpus, rows)

    return extra


def precommit(tools: Tools, corpus: Path, config: Path, rows: list[Row]) -> None:
    """`longtail check FILE...` with 10 files (as pre-commit calls it): no walk."""
    files = sorted(
        str(p.relative_to(corpus))
        for p in corpus.rglob("*.c")
        if p.is_file()
    )
    step = max(1, len(files) // 10)
    picked = files[::step][:10]
    cmd = shlex.join(tools.longtail_cmd(config, "check", *picked)) + " >/dev/null"
    times = hyperfine(tools, corpus, {"longtail check (10 files)": cmd}, "precommit", runs=max(tools.runs, 20))
    ms = times["longtail check (10 files)"] * 1000
    rows.append(Row("kernel", "pre-commit: check with 10 files", f"{ms:.1f} ms", "≤ 20 ms", ms <= 20))


def scaling_rules(corpus: Path, count: int) -> str:
    """`count` rules, each a call of a distinct exported kernel function: realistic
    deprecated-API rules whose literals all occur in the tree."""
    names = exported_symbols(corpus)
    step = max(1, len(names) // 200)
    picked = names[::step][:count]
    return "".join(
        f"[migrations.scale.rules.r{i}]\npattern = '\\b{n}\\('\nmessage = \"deprecated: {n}\"\n\n"
        for i, n in enumerate(picked)
    )


_symbols: list[str] = []


def exported_symbols(corpus: Path) -> list[str]:
    if not _symbols:
        names = set()
        pattern = re.compile(rb"EXPORT_SYMBOL(?:_GPL)?\((\w+)\)")
        for path in sorted(corpus.glob("kernel/**/*.c")) + sorted(corpus.glob("lib/**/*.c")):
            names.update(m.decode() for m in pattern.findall(path.read_bytes()))
        _symbols.extend(sorted(n for n in names if len(n) >= 6))
        if len(_symbols) < 200:
            sys.exit(f"bench: only {len(_symbols)} exported symbols found for the scaling rules")
    return _symbols


def scaling(tools: Tools, corpus: Path, rows: list[Row]) -> None:
    commands = {}
    for count in (1, 10, 50, 100, 200):
        config = write_config(corpus, f"scale-{count}", scaling_rules(corpus, count))
        run(tools.longtail_cmd(config, "-q", "update", "--allow-increase"), cwd=corpus)
        commands[f"{count} rules"] = shlex.join(tools.longtail_cmd(config, "check")) + " >/dev/null"
    times = hyperfine(tools, corpus, commands, "scaling")
    for name, seconds in times.items():
        rows.append(Row("kernel", f"longtail, {name}", f"{seconds:.3f} s", "", None))
    growth = times["200 rules"] / times["1 rules"]
    rows.append(Row("kernel", "200 rules / 1 rule", f"{growth:.2f}×", "≤ 2×", growth <= 2))


def python_extras(tools: Tools, corpus: Path, rows: list[Row]):
    def extra(config: Path, rules: list[Rule], times: dict[str, float]) -> None:
        semgrep(tools, corpus, rules, times, rows)
        code_baseline(tools, corpus, rules, rows)

    return extra


def semgrep(tools: Tools, corpus: Path, rules: list[Rule], times: dict[str, float], rows: list[Row]) -> None:
    if not tools.semgrep:
        rows.append(Row("python", "semgrep", "not installed", "", None))
        return
    spec = {
        "rules": [
            {
                "id": r.id.replace("/", "."),
                "message": r.id,
                "severity": "WARNING",
                "languages": ["regex"],
                "pattern-regex": r.as_regex("pcre"),
                **(
                    {"paths": {**({"include": r.paths} if r.paths else {}), **({"exclude": r.exclude} if r.exclude else {})}}
                    if r.paths or r.exclude
                    else {}
                ),
            }
            for r in rules
        ]
    }
    rules_file = tools.work / "semgrep-rules.yaml"
    rules_file.write_text(json.dumps(spec, indent=1))  # JSON is YAML
    # Without a .semgrepignore semgrep skips tests/ and more by default; this one skips only
    # our files, so it searches what the others search.
    (corpus / ".semgrepignore").write_text(f"/{PREFIX}-*\n")
    cmd = shlex.join(
        [
            tools.semgrep,
            "scan",
            "--config",
            str(rules_file),
            "--metrics",
            "off",
            "--disable-version-check",
            "--max-target-bytes",
            "0",
            "--timeout",
            "0",
            "-j",
            str(tools.threads),
            "--quiet",
            "--json",
            "-o",
            "/dev/null",
            ".",
        ]
    )
    # semgrep takes minutes here: a probe run; when it is 20x longtail already, it is the figure.
    # Stopped at 40x longtail: past that the target (20x) is met whatever the rest would take.
    limit = max(60.0, 40 * times["longtail check"])
    probe, finished = timed(cmd, corpus, limit)
    at_least = "" if finished else "> "
    if not finished:
        seconds, label = probe, "semgrep (one run, stopped)"
    elif probe > 20 * times["longtail check"] and probe > 60:
        seconds, label = probe, "semgrep (one run)"
    else:
        seconds = hyperfine(tools, corpus, {"semgrep": cmd}, "semgrep")["semgrep"]
        label = "semgrep"
    rows.append(Row("python", label, f"{at_least}{seconds:.3f} s", "", None))
    ratio = seconds / times["longtail check"]
    rows.append(Row("python", "semgrep / longtail", f"{at_least}{ratio:.1f}×", "≥ 20×", ratio >= 20))


def code_baseline(tools: Tools, corpus: Path, rules: list[Rule], rows: list[Row]) -> None:
    if not tools.baseline:
        rows.append(Row("python", "code-baseline", "not installed", "", None))
        return
    # What code-baseline's ratchet rule can say: one pattern (literal or regex), at most one glob,
    # no excludes, one line at a time, no word boundaries of rg's kind.
    expressible = [
        r for r in rules if len(r.paths) <= 1 and not r.exclude and not r.multiline and not r.word
    ]
    lines = ['[baseline]\nname = "bench"\n']
    for i, r in enumerate(expressible):
        lines.append(
            "[[rule]]\n"
            f'id = "r{i}"\ntype = "ratchet"\nseverity = "warning"\n'
            f"pattern = {json.dumps(r.pattern if r.literal and not r.ignore_case else r.as_regex())}\n"
            f"regex = {'false' if r.literal and not r.ignore_case else 'true'}\n"
            "max_count = 1000000000\n"
            f'message = "{r.id}"\n'
            + (f"glob = {json.dumps(r.paths[0])}\n" if r.paths else "")
        )
    baseline_toml = tools.work / "baseline.toml"
    baseline_toml.write_text("\n".join(lines))
    body = "".join(
        f"[migrations.m.rules.r{i}]\npattern = {json.dumps(r.pattern)}\nmessage = \"m\"\n"
        + ("ignore_case = true\n" if r.ignore_case else "")
        + ("literal = true\n" if r.literal else "")
        + (f"paths = {json.dumps(r.paths)}\n" if r.paths else "")
        + "\n"
        for i, r in enumerate(expressible)
    )
    config = write_config(corpus, "python-baseline-subset", body)
    run(tools.longtail_cmd(config, "-q", "update", "--allow-increase"), cwd=corpus)
    commands = {
        "longtail check (same rules)": shlex.join(tools.longtail_cmd(config, "check")) + " >/dev/null",
        "code-baseline scan": shlex.join([tools.baseline, "scan", "--config", str(baseline_toml), "."]) + " >/dev/null",
    }
    # hyperfine ignores exit codes (code-baseline's reports a ratchet verdict): one checked
    # run first, so a failing tool is not timed.
    run([tools.baseline, "scan", "--config", str(baseline_toml), "."], cwd=corpus, ok=(0, 1))
    times = hyperfine(tools, corpus, commands, "code-baseline")
    rows.append(Row("python", f"code-baseline scan ({len(expressible)} rules)", f"{times['code-baseline scan']:.3f} s", "", None))
    rows.append(Row("python", f"longtail check ({len(expressible)} rules)", f"{times['longtail check (same rules)']:.3f} s", "", None))
    ratio = times["code-baseline scan"] / times["longtail check (same rules)"]
    rows.append(Row("python", "code-baseline / longtail", f"{ratio:.1f}×", "≥ 2×", ratio >= 2))


def python_config(tools: Tools, corpus: Path) -> str:
    """The four presets, as `longtail init --preset` writes them, plus rules that use the flags
    the presets do not (-w, -F, -i)."""
    scratch = tools.work / "presets"
    scratch.mkdir(parents=True, exist_ok=True)
    for stale in scratch.iterdir():
        stale.unlink()
    presets = ["pydantic-v2", "sqlalchemy-2", "fastapi-lifespan", "python-3.9"]
    run([tools.longtail, "-C", str(scratch), "init", *[a for p in presets for a in ("--preset", p)]])
    return (scratch / "longtail.toml").read_text() + "\n" + (HERE / "python-extra.toml").read_text()


def tree_size(corpus: Path) -> str:
    files = total = 0
    for root, dirs, names in os.walk(corpus):
        for n in names:
            p = os.path.join(root, n)
            if not os.path.islink(p):
                files += 1
                total += os.path.getsize(p)
    return f"{total / 2**20:,.0f} MiB in {files:,} files"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kernel", type=Path, help="the extracted kernel tree")
    parser.add_argument("--python", type=Path, help="the extracted Python corpus")
    parser.add_argument("--longtail", required=True)
    parser.add_argument("--rg", required=True)
    parser.add_argument("--hyperfine", required=True)
    parser.add_argument("--semgrep")
    parser.add_argument("--baseline")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--work", required=True, help="scratch directory")
    parser.add_argument("--markdown", type=Path, help="also write the table here")
    parser.add_argument(
        "--smoke", action="store_true", help="tiny corpora: run everything, judge nothing"
    )
    args = parser.parse_args()
    tools = Tools(args)
    tools.work.mkdir(parents=True, exist_ok=True)
    rows: list[Row] = []
    if args.kernel:
        rows.append(Row("kernel", "corpus", tree_size(args.kernel), "", None))
        body = (HERE / "kernel.toml").read_text()
        scan_scenario(tools, "kernel", args.kernel, body, rows, kernel_extras(tools, args.kernel, rows))
    if args.python:
        rows.append(Row("python", "corpus", tree_size(args.python), "", None))
        scan_scenario(tools, "python", args.python, python_config(tools, args.python), rows, python_extras(tools, args.python, rows))
    table = ["| corpus | measure | figure | target | met |", "| --- | --- | ---: | --- | --- |"]
    for r in rows:
        met = "" if r.met is None else ("yes" if r.met else "**no**")
        if args.smoke and r.target != "equal":
            met = "(smoke)" if r.met is not None else ""
        table.append(f"| {r.scenario} | {r.measure} | {r.figure} | {r.target} | {met} |")
    text = "\n".join(table)
    print(text)
    if args.markdown:
        args.markdown.write_text(text + "\n")


if __name__ == "__main__":
    main()
