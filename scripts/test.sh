#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what the tests compare against (ripgrep,
# pinned, into target/tools), then runs every test. Extra arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."

RG_VERSION=15.2.0
if ! target/tools/bin/rg --version 2>/dev/null | grep -q "^ripgrep $RG_VERSION\b"; then
  echo "installing ripgrep $RG_VERSION into target/tools (the parity tests compare against it)"
  cargo install --locked --quiet --root target/tools ripgrep --version "$RG_VERSION"
fi
echo "using $(target/tools/bin/rg --version | head -n 1), $(git --version)"
export LONGTAIL_TEST_RG="$PWD/target/tools/bin/rg"
cargo test --locked "$@"
