#!/usr/bin/env bash
# The scan benchmark, from a fresh machine in one command: builds longtail (release), installs
# what it compares against if missing (ripgrep and code-baseline with cargo into target/tools,
# semgrep from PyPI into a venv, hyperfine from Debian), materialises the corpora into a cache
# (Debian's linux-source package; pinned PyPI sdists, checked against their SHA-256), then runs
# bench/bench.py, which checks every count against rg and prints the table of medians and ratios.
#
#   bench/run.sh [--kernel-only | --python-only] [--runs N]
#   bench/run.sh --smoke      tiny generated corpora, debug build, 1 run: CI runs this so the
#                             bench cannot rot (no timing target is meaningful there)
#
# Environment: BENCH_CACHE holds the corpora and scratch files (default: ~/.cache/longtail-bench;
# it must not lie inside a git work tree, whose ignore files would hide the corpora from every
# tool); LONGTAIL names a longtail binary to measure instead of building one.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
cache="${BENCH_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/longtail-bench}"
tools="$here/target/tools"
smoke=0 kernel=1 python=1 runs=5
while [ $# -gt 0 ]; do
  case "$1" in
    --smoke) smoke=1 ;;
    --kernel-only) python=0 ;;
    --python-only) kernel=0 ;;
    --runs) runs="$2"; shift ;;
    *) echo "usage: bench/run.sh [--smoke] [--kernel-only|--python-only] [--runs N]" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$cache" "$tools"
if git -C "$cache" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "bench: $cache is inside a git work tree; its ignore files would hide the corpora (set BENCH_CACHE)" >&2
  exit 2
fi

# semgrep must not reach the network (a version check would wait for a timeout here).
export SEMGREP_ENABLE_VERSION_CHECK=0 SEMGREP_SEND_METRICS=off
RG_VERSION=15.2.0
BASELINE_VERSION=1.6.0
SEMGREP_VERSION=1.187.0

# --- tools --------------------------------------------------------------------------------
if [ -n "${LONGTAIL:-}" ]; then
  longtail="$LONGTAIL"     # a binary built beforehand (nothing is built)
elif [ "$smoke" = 1 ]; then
  cargo build --locked --quiet --manifest-path "$here/Cargo.toml"
  longtail="$here/target/debug/longtail"
else
  cargo build --locked --quiet --release --manifest-path "$here/Cargo.toml"
  longtail="$here/target/release/longtail"
fi
if ! "$tools/bin/rg" --version 2>/dev/null | grep -q "^ripgrep $RG_VERSION\b"; then
  cargo install --locked --quiet --root "$tools" ripgrep --version "$RG_VERSION"
fi
if ! command -v hyperfine >/dev/null; then
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null
  else
    cargo install --locked --quiet --root "$tools" hyperfine
  fi
fi
hyperfine="$(command -v hyperfine || echo "$tools/bin/hyperfine")"
extra=()
if [ "$python" = 1 ]; then
  if ! "$tools/bin/baseline" --version 2>/dev/null | grep -q "$BASELINE_VERSION"; then
    cargo install --locked --quiet --root "$tools" code-baseline --version "$BASELINE_VERSION"
  fi
  venv="$cache/semgrep-venv"
  if ! "$venv/bin/semgrep" --version 2>/dev/null | grep -q "^$SEMGREP_VERSION"; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet "semgrep==$SEMGREP_VERSION"
  fi
  extra+=(--semgrep "$venv/bin/semgrep" --baseline "$tools/bin/baseline")
fi

# --- corpora ------------------------------------------------------------------------------
corpora=()
if [ "$smoke" = 1 ]; then
  python3 "$here/bench/corpus.py" smoke "$cache/smoke"
  [ "$kernel" = 1 ] && corpora+=(--kernel "$cache/smoke/kernel")
  [ "$python" = 1 ] && corpora+=(--python "$cache/smoke/python")
  runs=1
  extra+=(--smoke)
else
  if [ "$kernel" = 1 ]; then
    if [ ! -f "$cache/kernel/.complete" ]; then
      # Debian's kernel source package: whatever linux-source-6.1 the archive serves today.
      rm -rf "$cache/kernel" "$cache/kernel-deb" && mkdir -p "$cache/kernel-deb" "$cache/kernel"
      (cd "$cache/kernel-deb" && { apt-get download linux-source-6.1 2>/dev/null ||
        { apt-get update -qq && apt-get download linux-source-6.1; }; })
      dpkg-deb -x "$cache"/kernel-deb/linux-source-6.1_*.deb "$cache/kernel-deb/x"
      tar -xJf "$cache"/kernel-deb/x/usr/src/linux-source-6.1.tar.xz -C "$cache/kernel" --strip-components=1
      basename "$cache"/kernel-deb/linux-source-6.1_*.deb > "$cache/kernel/.complete"
      rm -rf "$cache/kernel-deb/x"
    fi
    corpora+=(--kernel "$cache/kernel")
  fi
  if [ "$python" = 1 ]; then
    python3 "$here/bench/corpus.py" python "$cache/python"
    corpora+=(--python "$cache/python")
  fi
fi

echo "machine: $(nproc) cores, $(free -g | awk '/^Mem:/ {print $2}') GiB, $(uname -sr); $("$tools/bin/rg" --version | head -n1), $("$hyperfine" --version)" >&2
[ "$kernel" = 1 ] && [ "$smoke" = 0 ] && echo "kernel: $(cat "$cache/kernel/.complete")" >&2
python3 "$here/bench/bench.py" "${corpora[@]}" "${extra[@]}" \
  --longtail "$longtail" --rg "$tools/bin/rg" --hyperfine "$hyperfine" \
  --runs "$runs" --work "$cache/work" --markdown "$cache/results.md"
