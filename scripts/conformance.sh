#!/usr/bin/env bash
# Proves the reports and integration files are accepted by their real consumers: SARIF against the OASIS schema,
# GitHub's ingestion rules and the SARIF Multitool; JUnit against the Jenkins xUnit XSD and
# GitLab's rules; GitLab Code Quality against GitLab's schema; the JSON report and the
# committed schemas with check-jsonschema. Uses the toolkit in ../shared/conformance and
# skips (with a note) when it is absent: the project's own tests never depend on it.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
toolkit=$root/../shared/conformance
if [ ! -x "$toolkit/validate" ]; then
  echo "conformance: $toolkit not found; skipped (the project's tests do not need it)"
  exit 0
fi
"$toolkit/setup"
cargo build --locked --quiet
bin=$root/target/debug/longtail
out=$root/target/conformance
rm -rf "$out"
mkdir -p "$out/trees"

# Trees: the example as committed, the example with a new site, an awkward tree, an empty one.
cp -r examples/services-demo "$out/trees/example"
cp -r examples/services-demo "$out/trees/example-new-site"
printf '\n\ndef load(payload):\n    return User.parse_obj(payload)\n' \
  >> "$out/trees/example-new-site/services/auth/app/models.py"
awkward=$out/trees/awkward
mkdir -p "$awkward/svc api" "$awkward/lib"
cp tests/fixtures/awkward.toml "$awkward/longtail.toml"
printf 'import x\r\n\tuser = User.parse_obj(data)\r\n' > "$awkward/svc api/mödels.py"
printf 'a = A.parse_obj(1); b = B.parse_obj(2)\nclass Config:\n    orm_mode = True\n' > "$awkward/lib/a,b:c%%.py"
# A colon in the first path segment must not read as a URI scheme.
printf 'c = C.parse_obj(3)\n' > "$awkward/c:evil.py"
(cd "$awkward" && "$bin" -q update >/dev/null)
printf '\t\tq = Q.parse_obj(é)\r\n' >> "$awkward/svc api/mödels.py"
# More sites than GitHub takes in one run: the SARIF report must cut to 25,000 and say so.
many=$out/trees/many
mkdir -p "$many"
printf '[migrations.m.rules.r]\npattern = "foo"\nmessage = "m"\n' > "$many/longtail.toml"
for i in 1 2 3; do seq 9000 | sed 's/.*/foo = 1/' > "$many/f$i.py"; done
empty=$out/trees/empty
mkdir -p "$empty"
printf '[migrations.m.rules.r]\npattern = "never-matches-anything"\nmessage = "m"\n' > "$empty/longtail.toml"

for tree in "$out"/trees/*; do
  name=$(basename "$tree")
  set +e
  (cd "$tree" && "$bin" check \
    --report "sarif=$out/$name.sarif" \
    --report "junit=$out/$name.xml" \
    --report "gitlab=$out/$name.codequality.json" \
    --report "json=$out/$name.report.json" \
    --report "markdown=$out/$name.md" >/dev/null)
  code=$?
  set -e
  if [ "$code" -gt 1 ]; then
    echo "conformance: longtail check failed on $name (exit $code)"
    exit 1
  fi
  (cd "$tree" && "$bin" plan --format json > "$out/$name.plan.json")
done
# The configs `init` writes: the starter, and every preset together.
mkdir -p "$out/init/starter" "$out/init/presets"
(cd "$out/init/starter" && "$bin" -q init)
presets=$("$bin" presets | awk 'NF && !/^use:/ {printf " --preset %s", $1}')
# shellcheck disable=SC2086 # one word per flag and name
(cd "$out/init/presets" && "$bin" -q init $presets)

validate=$toolkit/validate
"$validate" sarif "$out"/*.sarif
"$validate" junit "$out"/*.xml
"$validate" gitlab-codequality "$out"/*.codequality.json
"$validate" json-schema schemas/*.json
"$validate" pre-commit-hooks .pre-commit-hooks.yaml
home=${CONFORMANCE_HOME:-$HOME/.cache/longtail-conformance}
checkjs=$home/venv/bin/check-jsonschema
"$checkjs" --schemafile schemas/report.schema.json "$out"/*.report.json
"$checkjs" --schemafile schemas/plan.schema.json "$out"/*.plan.json
# The config and lock schemas accept every config and lock we ship or generate...
"$checkjs" --schemafile schemas/longtail.schema.json \
  examples/*/longtail.toml tests/fixtures/awkward.toml "$out"/init/*/longtail.toml
"$checkjs" --default-filetype toml --schemafile schemas/longtail-lock.schema.json \
  examples/services-demo/longtail.lock "$out"/trees/awkward/longtail.lock
# ...and reject what longtail rejects (an unknown key, a count that is not a number).
printf '[migrations.m.rules.r]\npattern = "x"\nmessage = "m"\nignorecase = true\n' > "$out/bad-config.toml"
printf 'version = 1\n["m/r"]\n"a.py" = "3"\n' > "$out/bad.lock"
if "$checkjs" --schemafile schemas/longtail.schema.json "$out/bad-config.toml" >/dev/null 2>&1 \
  || "$checkjs" --default-filetype toml --schemafile schemas/longtail-lock.schema.json "$out/bad.lock" >/dev/null 2>&1; then
  echo "conformance: a schema accepted a file longtail rejects"
  exit 1
fi
echo "conformance: every report accepted"
