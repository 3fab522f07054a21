#!/usr/bin/env bash
# Benchmark of `longtail history` over 1,000+ commits of real code. Not a test: it prints
# timings. It downloads every released sdist of a PyPI package (default: pydantic, whose own
# code uses the patterns of the Pydantic v1 -> v2 rules), commits them in release order into
# a fresh repository with small edits in between (so there are >= COMMITS commits), then runs
# the first (uncached) and a cached `history --every commit`.
#   usage: bench/history.sh [PACKAGE] [COMMITS]      (needs python3, pip, git, tar)
#   BENCH_SMOKE=1 bench/history.sh                   (a tiny, offline run for CI)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
package="${1:-pydantic}"
commits="${2:-1000}"
work="${BENCH_DIR:-$here/target/bench-history}"
cargo build --release --quiet --manifest-path "$here/Cargo.toml"
longtail="$here/target/release/longtail"
repo="$work/$package-repo"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.com
export GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.com

config='
[migrations.pydantic-v2]
deadline = 2027-06-30
[migrations.pydantic-v2.rules.parse-obj]
pattern = '"'"'\.parse_obj\('"'"'
message = "use model_validate()"
paths = ["**/*.py"]
[migrations.pydantic-v2.rules.dict-method]
pattern = '"'"'\.dict\('"'"'
message = "use model_dump()"
paths = ["**/*.py"]
[migrations.pydantic-v2.rules.validator]
pattern = '"'"'@validator\('"'"'
message = "use @field_validator"
paths = ["**/*.py"]
[migrations.pydantic-v2.rules.class-config]
pattern = '"'"'class Config:'"'"'
message = "use model_config"
[migrations.typing.rules.optional]
pattern = '"'"'Optional\['"'"'
message = "use X | None"
'

if [ ! -d "$repo/.git" ]; then
  rm -rf "$repo" && mkdir -p "$work/sdists" "$repo"
  if [ "${BENCH_SMOKE:-0}" = 1 ]; then
    # Offline: this repository's own sources, 3 "releases".
    for i in 1 2 3; do mkdir -p "$work/sdists/r$i" && cp -R "$here/src" "$work/sdists/r$i/"; done
    releases=(r1 r2 r3); commits=12
  else
    # Every sdist of the package, oldest first (PyPI's JSON API lists the releases).
    python3 - "$package" "$work/sdists" <<'PY'
import json, os, sys, urllib.parse, urllib.request
package, out = sys.argv[1], sys.argv[2]
index = f"https://pypi.org/pypi/{package}/json"
data = json.load(urllib.request.urlopen(index))
releases = []
for version, files in data["releases"].items():
    sdists = [f for f in files if f["packagetype"] == "sdist" and not f.get("yanked")]
    if sdists:
        # A mirror may answer with relative links.
        url = urllib.parse.urljoin(index, sdists[0]["url"])
        releases.append((sdists[0]["upload_time"], version, url))
releases.sort()
with open(os.path.join(out, "order"), "w") as order:
    for _, version, url in releases:
        target = os.path.join(out, version + ".tar.gz")
        if not os.path.exists(target):
            urllib.request.urlretrieve(url, target)
        order.write(version + "\n")
PY
    mapfile -t releases < "$work/sdists/order"
  fi
  cd "$repo" && git init -q -b main . && printf '%s' "$config" > longtail.toml
  day=$(date -d 2019-01-01 +%s)
  edits_per_release=$(( (commits + ${#releases[@]} - 1) / ${#releases[@]} ))
  n=0
  for release in "${releases[@]}"; do
    find . -mindepth 1 -maxdepth 1 ! -name .git ! -name longtail.toml -exec rm -rf {} +
    if [ -f "$work/sdists/$release.tar.gz" ]; then
      tar -xzf "$work/sdists/$release.tar.gz" --strip-components=1
    else
      cp -R "$work/sdists/$release/." .
    fi
    # Small edits between releases: a line appended to a few source files, one at a time.
    for edit in $(seq 1 "$edits_per_release"); do
      file=$(find . -path ./.git -prune -o -type f -name '*.py' -print 2>/dev/null | sort | sed -n "$((edit * 7 % 40 + 1))p")
      [ -z "$file" ] && file=$(find . -path ./.git -prune -o -type f -not -name longtail.toml -print 2>/dev/null | sort | sed -n "$((edit * 7 % 40 + 1))p")
      [ -n "$file" ] && echo "# bench edit $edit of $release: x.dict()" >> "$file"
      git add -A
      stamp="@$((day + n * 21600)) +0000"
      GIT_AUTHOR_DATE="$stamp" GIT_COMMITTER_DATE="$stamp" git commit -q -m "$release edit $edit" || true
      n=$((n + 1))
    done
  done
  cd "$here"
fi
cd "$repo"
echo "repository: $(git rev-list --count HEAD) commits, $(git ls-files | wc -l) files at HEAD, $(du -sh .git | cut -f1) of objects"
rm -rf .git/longtail
run() {
  local start end
  start=$(date +%s.%N)
  "$longtail" -v history --every commit --format csv > /dev/null 2> "$work/stderr"
  end=$(date +%s.%N)
  printf '%-12s %6.2f s   %s\n' "$1" "$(echo "$end - $start" | bc)" "$(grep '^history:' "$work/stderr")"
}
run "first run"
run "cached run"
run "cached run"
