#!/usr/bin/env bash
# Builds a git repository in DEST whose first-parent history walks the services-demo example
# through its migrations: weekly commits from 2026-09-07, each migrating a few files, each
# with the lock `longtail update` wrote, ending at the example exactly as committed here.
# The README's walkthrough (status, history, the chart) runs on it.
#   usage: LONGTAIL=path/to/longtail scripts/demo-history.sh DEST
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
dest="$1"
longtail="${LONGTAIL:-longtail}"
example="$here/examples/services-demo"

mkdir -p "$dest"
cp -R "$example/." "$dest/"
cd "$dest"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME="Acme Dev" GIT_AUTHOR_EMAIL="dev@acme.example"
export GIT_COMMITTER_NAME="Acme Dev" GIT_COMMITTER_EMAIL="dev@acme.example"
git init -q -b main .
git config commit.gpgsign false

# Files migrated during the history, in the order they were migrated (the last ones first
# go back to Pydantic v1 for the early commits).
files=(
  services/notifications/tests/test_notifications.py
  services/notifications/app/models.py
  services/notifications/app/main.py
  services/auth/tests/test_auth.py
  services/auth/app/security.py
  services/auth/app/models.py
  services/auth/app/main.py
)
dates=(2026-10-05 2026-10-12 2026-10-19 2026-10-26 2026-11-09 2026-11-23 2026-11-24 2026-11-25)

unmigrate() {
  sed -i -e 's/\.model_validate_json(/.parse_raw(/g' -e 's/\.model_validate(/.parse_obj(/g' \
    -e 's/\.model_dump(/.dict(/g' -e 's/\.model_copy(update=/.copy(update=/g' "$1"
}

commit() {
  "$longtail" -q update --allow-increase >/dev/null
  git add -A
  GIT_AUTHOR_DATE="$1T10:00:00+00:00" GIT_COMMITTER_DATE="$1T10:00:00+00:00" \
    git commit -q -m "$2"
}

changed=()
for file in "${files[@]}"; do
  unmigrate "$file"
  cmp -s "$file" "$example/$file" || changed+=("$file")
done
commit "${dates[0]}" "Adopt longtail: lock the Pydantic v1 and on_event sites"
for i in "${!changed[@]}"; do
  cp "$example/${changed[$i]}" "${changed[$i]}"
  commit "${dates[$((i + 1))]}" "Migrate ${changed[$i]} to Pydantic v2"
done
# The last commit is the example as committed, lock included.
git diff --quiet HEAD -- . || { echo "demo history does not end at the example" >&2; exit 1; }
