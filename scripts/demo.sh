#!/usr/bin/env bash
# The quick start: Examples/config-repo as a git repository served over git://, the WriftAI emulator on
# loopback (with a state file), and WriftSync planning, applying, following a change and spotting drift.
# Everything runs on 127.0.0.1 and is cleaned up on exit; the script checks its own final state.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(swift build --show-bin-path)
work=$(mktemp -d "${TMPDIR:-/tmp}/wriftsync-demo.XXXXXX")
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
commit() { git -C "$repo" -c user.name=demo -c user.email=demo@example.invalid commit -q -am "$1"; }

repo="$work/repos/config.git"
step "Examples/config-repo becomes a git repository, served by git daemon on 127.0.0.1"
mkdir -p "$repo"
cp -R Examples/config-repo/. "$repo/"
git -C "$repo" init -q -b main
git -C "$repo" add -A
git -C "$repo" -c user.name=demo -c user.email=demo@example.invalid commit -q -m "Declare acme's and globex's models"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$(git --exec-path)/git-daemon" --reuseaddr --export-all --listen=127.0.0.1 --port="$port" --base-path="$work/repos" "$work/repos" 2>"$work/daemon.log" &
pids+=($!)
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.1; done
url="git://127.0.0.1:$port/config.git"
find "$repo/models" -name '*.yaml' | sed "s|$repo/||" | sort

step "The WriftAI emulator: users acme and globex, their models, state saved to a file"
printf 'acme=demo-acme-token\nglobex=demo-globex-token\n' > "$work/tokens"
# One image is broken: every prediction on it fails (the release gate below rolls it back).
broken="sha256:0badbadbadbadbadbadbadbadbadbadbadbadbadbadbadbadbadbadbadbadbad"
"$bin/wriftai-emulator" --token-file "$work/tokens" --state "$work/emulator-state.json" \
  --model acme/sentiment --model acme/assistant --model acme/embeddings --model globex/vision-tagger \
  --prediction-fail "$broken" --prediction-ms 200 \
  --port 0 > "$work/emulator.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do grep -q "^listening on" "$work/emulator.log" && break; sleep 0.1; done
api=$(sed -n 's/^listening on //p' "$work/emulator.log")
echo "listening on $api"
export WRIFTAI_API_BASE_URL="$api" WRIFTAI_ACCESS_TOKEN=demo-acme-token
sync=(--repo "$url" --path models/acme --cache-dir "$work/cache")

step "wriftsync validate: acme's declarations, checked offline"
"$bin/wriftsync" validate "${sync[@]}"

step "wriftsync plan: the emulator has no versions yet"
"$bin/wriftsync" plan "${sync[@]}"

step "wriftsync apply --auto-approve"
"$bin/wriftsync" apply "${sync[@]}" --auto-approve

step "globex applies its own models from the same repository, with its own token"
WRIFTAI_ACCESS_TOKEN=demo-globex-token "$bin/wriftsync" apply --repo "$url" --path models/globex --cache-dir "$work/cache" --auto-approve

step "Plan again: nothing left to do (exit 0 with --detailed-exitcode)"
"$bin/wriftsync" plan "${sync[@]}" --detailed-exitcode

step "A commit: sentiment v3 is added and v2 retired (v1 stays: keep: [1])"
python3 - "$repo/models/acme/sentiment.yaml" <<'PY'
import sys
path = sys.argv[1]
text = open(path).read()
v2 = text.index('  - container_image_digest: "sha256:6f1b')
text = text[:v2] + '''  - container_image_digest: "sha256:7a2c3d2e9f8a6e4d1c0a9f8e7d6c5b4a39383736353433323130292827262524"
    release_notes: "Distilled model: same accuracy, 3x faster"
    schemas_file: ../../schemas/sentiment-v2.json
    configuration:
      hardware_identifier: cpu-2x
      variable_names: [SENTRY_DSN]
'''
open(path, "w").write(text)
PY
commit "sentiment: add v3, retire v2"
git -C "$repo" log --oneline -2

step "The plan for that commit, as a reviewer sees it in the pull request (Markdown)"
"$bin/wriftsync" plan "${sync[@]}" --format markdown

step "Apply it: the new version is created before the old one is deleted"
"$bin/wriftsync" apply "${sync[@]}" --auto-approve

step "Someone deletes a version by hand, outside git"
sleep 1  # a new rate-limit window: the API allows 3 requests per second per token
curl -sf -X DELETE -H "Authorization: Bearer demo-acme-token" "$api/models/acme/embeddings/versions/1" -o /dev/null -w "DELETE acme/embeddings #1 -> %{http_code}\n"

step "wriftsync run --once --dry-run: the drift is reported, nothing is written"
"$bin/wriftsync" run --once --dry-run "${sync[@]}" --log-format text 2>&1 | tee "$work/drift.log"
grep -q "model=acme/embeddings .*drift: would create" "$work/drift.log" || { echo "demo: the drift was not reported" >&2; exit 1; }

step "A release whose image is broken: created, smoke-tested, rolled back; v3 keeps serving (the drift is corrected too)"
python3 - "$repo/models/acme/sentiment.yaml" "$broken" <<'PY'
import sys
path, digest = sys.argv[1], sys.argv[2]
open(path, "a").write(f'''  - container_image_digest: "{digest}"
    release_notes: "Experimental quantised build"
    schemas_file: ../../schemas/sentiment-v2.json
    smoke:
      - input: {{text: "Works as expected", language: en}}
''')
PY
commit "sentiment: v4, a quantised build"
if "$bin/wriftsync" apply "${sync[@]}" --auto-approve 2>&1 | tee "$work/gate.log"; then
  echo "demo: the broken release was not refused" >&2; exit 1
fi
grep -q "rolled back acme/sentiment" "$work/gate.log" || { echo "demo: the broken release was not rolled back" >&2; exit 1; }
"$bin/wriftsync" quarantine list --cache-dir "$work/cache"
sleep 1  # the apply may have used the emulator's whole rate-limit window
latest=$(curl -sf --retry 5 -H "Authorization: Bearer demo-acme-token" "$api/models/acme/sentiment" | python3 -c 'import json,sys; print(json.load(sys.stdin)["latest_version"]["container_image_digest"])')
echo "acme/sentiment latest: $latest"
[ "$latest" = "sha256:7a2c3d2e9f8a6e4d1c0a9f8e7d6c5b4a39383736353433323130292827262524" ] || { echo "demo: v3 is no longer the latest" >&2; exit 1; }
sleep 1  # a new rate-limit window

step "Checking the end state"
sleep 1
for model in sentiment assistant embeddings; do
  count=$(curl -sf --retry 5 -H "Authorization: Bearer demo-acme-token" "$api/models/acme/$model/versions" | { grep -o '"number":' || true; } | wc -l)
  echo "acme/$model: $count live version$([ "$count" -eq 1 ] || echo s)"
  case "$model" in sentiment) want=2 ;; assistant) want=1 ;; embeddings) want=1 ;; esac
  [ "$count" -eq "$want" ] || { echo "demo: expected $want live versions of acme/$model, found $count" >&2; exit 1; }
done
grep -q '"acme' "$work/emulator-state.json" || { echo "demo: the emulator did not save its state" >&2; exit 1; }

step "wriftsync history: what every apply changed, which commit (and who) did it, with the version numbers"
"$bin/wriftsync" history --cache-dir "$work/cache" --model acme/sentiment
"$bin/wriftsync" history --cache-dir "$work/cache" --model acme/sentiment --format json > "$work/history.json"
python3 - "$work/history.json" <<'PY' || { echo "demo: the history does not show the applies" >&2; exit 1; }
import json, sys
records = json.load(open(sys.argv[1]))["records"]
# The two applies, then the broken release: created, rolled back, its apply failed.
assert [r["result"] for r in records] == ["applied", "applied", "failed"], records
assert records[1]["commit"]["subject"] == "sentiment: add v3, retire v2", records[1]["commit"]
assert records[2]["commit"]["subject"] == "sentiment: v4, a quantised build", records[2]["commit"]
assert any(a["outcome"] == "rolled_back" for a in records[2]["actions"]), records[2]["actions"]
PY

step "wriftsync run --listen: the controller, and its status page"
sleep 1  # a new rate-limit window
# Drift for the controller to correct while the page is up: acme/assistant's only version deleted by hand.
curl -sf -X DELETE -H "Authorization: Bearer demo-acme-token" "$api/models/acme/assistant/versions/1" -o /dev/null -w "DELETE acme/assistant #1 -> %{http_code}\n"
"$bin/wriftsync" run "${sync[@]}" --interval 1h --drift-interval 1h --listen 127.0.0.1:0 --log-format text \
  > "$work/run.out" 2> "$work/run.log" &
run_pid=$!
pids+=("$run_pid")
for _ in $(seq 100); do grep -qs "^listening on" "$work/run.out" && break; sleep 0.1; done
page="$(sed -n 's/^listening on //p' "$work/run.out")/"
echo "status page: $page"
# The first reconcile fills the page's rows.
for _ in $(seq 150); do curl -sf "$page" 2>/dev/null | grep -q 'data-model="acme/assistant" data-state="in_sync"' && break; sleep 0.2; done
code=$(curl -s -o "$work/page.html" -w '%{http_code}' "$page")
[ "$code" = 200 ] || { echo "demo: the status page answered $code" >&2; exit 1; }
for model in acme/sentiment acme/assistant acme/embeddings; do
  grep -q "data-model=\"$model\"" "$work/page.html" || { echo "demo: no row for $model on the status page" >&2; exit 1; }
done
grep -o 'data-model="[^"]*" data-state="[^"]*"' "$work/page.html" | sed 's/data-model="\([^"]*\)" data-state="\([^"]*\)"/  \1: \2/'
grep -q 'data-kind="applied"' "$work/page.html" && grep -q 'created #2' "$work/page.html" \
  || { echo "demo: the page does not show acme/assistant put back" >&2; exit 1; }
if [ -n "${DEMO_SCREENSHOT:-}" ]; then
  # DEMO_SCREENSHOT=docs/dashboard.png make demo: the README's picture, from this very run.
  chromium --headless --no-sandbox --disable-gpu --user-data-dir="$work/chromium" --no-first-run --hide-scrollbars \
    --disable-background-networking --disable-component-update --force-device-scale-factor=1 \
    --proxy-server=http://127.0.0.1:9 --host-resolver-rules="MAP * ~NOTFOUND, EXCLUDE 127.0.0.1" --window-size=1280,800 --screenshot="$DEMO_SCREENSHOT" "$page" 2>/dev/null
  echo "screenshot: $DEMO_SCREENSHOT"
fi
kill -TERM "$run_pid"
wait "$run_pid" || { echo "demo: run did not stop cleanly" >&2; cat "$work/run.log" >&2; exit 1; }

step "Demo complete."
