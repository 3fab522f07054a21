#!/usr/bin/env bash
# Builds a small fleet in DEST: six git repositories of services at different stages of the
# Pydantic v2 and FastAPI lifespan migrations, each with six weekly commits (some teams move
# fast, one not at all), three with their own longtail.toml and lock, three counted with
# examples/fleet/shared.toml; then scans them in two shards with their history and writes the
# map as Markdown (DEST/map.md) and HTML (DEST/map.html). The README's fleet section and
# scripts/fleet-html.sh (the headless-Chromium check and docs/fleet.png) run on it.
#   usage: LONGTAIL=path/to/longtail LONGTAIL_TODAY=2026-11-25 scripts/demo-fleet.sh DEST
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
dest="$1"
longtail="${LONGTAIL:-longtail}"
export LONGTAIL_TODAY="${LONGTAIL_TODAY:-2026-11-25}"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
export GIT_AUTHOR_NAME="Acme Dev" GIT_AUTHOR_EMAIL="dev@acme.example"
export GIT_COMMITTER_NAME="Acme Dev" GIT_COMMITTER_EMAIL="dev@acme.example"

mkdir -p "$dest/repos"
cp "$here/examples/fleet/shared.toml" "$dest/shared.toml"
dates=(2026-10-19 2026-10-26 2026-11-02 2026-11-09 2026-11-16 2026-11-23)

# repo NAME OWN(yes|no) OWNER SITES PER_WEEK: SITES Pydantic v1 sites at first, PER_WEEK fewer
# each week; every repository also starts with two on_event handlers, removed in week 4 by the
# teams that move at all.
repo() {
  local name=$1 own=$2 owner=$3 sites=$4 pace=$5
  local dir="$dest/repos/$name"
  mkdir -p "$dir"
  git -C "$dir" init -q -b main
  for week in "${!dates[@]}"; do
    local left=$((sites - pace * week))
    [ "$left" -lt 0 ] && left=0
    mkdir -p "$dir/app/models" "$dir/app/api"
    : > "$dir/app/models/models.py"
    : > "$dir/app/api/routes.py"
    for i in $(seq 1 "$left"); do
      case $((i % 3)) in
        0) echo "user_$i = User.parse_obj(payload_$i)" >> "$dir/app/models/models.py" ;;
        1) echo "data_$i = item_$i.dict()" >> "$dir/app/api/routes.py" ;;
        *) printf '@validator("field_%s")\ndef check_%s(cls, v):\n    return v\n' "$i" "$i" >> "$dir/app/models/models.py" ;;
      esac
    done
    if [ "$week" -lt 4 ] || [ "$pace" -eq 0 ]; then
      printf '@app.on_event("startup")\nasync def start():\n    ...\n@app.on_event("shutdown")\nasync def stop():\n    ...\n' > "$dir/app/main.py"
    else
      printf 'app = FastAPI(lifespan=lifespan)\n' > "$dir/app/main.py"
    fi
    if [ "$own" = yes ]; then
      sed "s|^deadline = .*|deadline = 2027-03-31|" "$dest/shared.toml" > "$dir/longtail.toml"
      printf '\n[units.models]\npaths = ["app/models/**"]\nowner = "%s"\n\n[units.api]\npaths = ["app/api/**", "app/main.py"]\nowner = "%s"\n' "$owner" "$owner" >> "$dir/longtail.toml"
      (cd "$dir" && "$longtail" -q update --allow-increase >/dev/null)
    fi
    git -C "$dir" add -A
    GIT_AUTHOR_DATE="${dates[$week]}T10:00:00+00:00" GIT_COMMITTER_DATE="${dates[$week]}T10:00:00+00:00" \
      git -C "$dir" commit -q --allow-empty -m "week $week"
  done
}

repo auth yes @acme/identity 12 2
repo billing yes @acme/payments 30 3
repo catalog no @acme/storefront 24 1
repo notifications yes @acme/messaging 6 2
repo search no @acme/discovery 18 0
repo storefront no @acme/storefront 15 2

{
  echo "# six services of the Acme fleet"
  for name in auth billing catalog notifications search storefront; do echo "repos/$name"; done
} > "$dest/repos.txt"
cd "$dest"
for shard in 1 2; do
  "$longtail" -q --config shared.toml fleet scan --repos repos.txt --shard "$shard/2" \
    --out "reports-$shard" --history-since 2026-10-19
done
"$longtail" fleet report reports-1 reports-2 --out map.md
"$longtail" fleet report reports-1 reports-2 --format html --out map.html
