#!/usr/bin/env bash
# The quick start: a git repository of declarations served over git://, the WriftAI emulator on loopback,
# and WriftSync reading the repository. Everything runs on 127.0.0.1 and is cleaned up on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(swift build --show-bin-path)
work=$(mktemp -d "${TMPDIR:-/tmp}/wriftsync-demo.XXXXXX")
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

step "A repository of declarations (Examples/models), committed on main"
mkdir -p "$work/repos/models.git"
cp -R Examples/models "$work/repos/models.git/"
git -C "$work/repos/models.git" init -q -b main
git -C "$work/repos/models.git" add -A
git -C "$work/repos/models.git" -c user.name=demo -c user.email=demo@example.invalid commit -q -m "Declare acme/sentiment"
git -C "$work/repos/models.git" log --oneline

step "Serving it with git daemon on 127.0.0.1"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$(git --exec-path)/git-daemon" --reuseaddr --export-all --listen=127.0.0.1 --port="$port" --base-path="$work/repos" "$work/repos" 2>"$work/daemon.log" &
pids+=($!)
for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/"$port") 2>/dev/null && break; sleep 0.1; done

step "The WriftAI emulator (user acme, token in a file)"
echo "acme=demo-token" > "$work/tokens"
"$bin/wriftai-emulator" --token-file "$work/tokens" --model acme/sentiment --port 0 > "$work/emulator.log" &
pids+=($!)
for _ in $(seq 100); do grep -q "listening on" "$work/emulator.log" && break; sleep 0.1; done
cat "$work/emulator.log"
api=$(sed -n 's/^listening on //p' "$work/emulator.log")

step "wriftsync source: fetch the repository and show what it declares"
"$bin/wriftsync" source --repo "git://127.0.0.1:$port/models.git" --ref main --path models --cache-dir "$work/cache"

step "Again: the mirror is reused, nothing is transferred"
"$bin/wriftsync" source --repo "git://127.0.0.1:$port/models.git" --path models --cache-dir "$work/cache" | sed -n 4p

step "wriftsync validate: the declarations are checked offline"
"$bin/wriftsync" validate --repo "git://127.0.0.1:$port/models.git" --cache-dir "$work/cache"

step "A broken declaration is reported as file:line:column (in a scratch copy)"
cp -R "$work/repos/models.git" "$work/broken"
sed -i 's/release_notes: "Initial release"/relase_notes: "Initial release"/' "$work/broken/models/sentiment.yaml"
git -C "$work/broken" -c user.name=demo -c user.email=demo@example.invalid commit -q -am "typo"
"$bin/wriftsync" validate --repo "$work/broken" --cache-dir "$work/cache" || true

export WRIFTAI_API_BASE_URL="$api" WRIFTAI_ACCESS_TOKEN=demo-token

step "wriftsync plan: what apply would do (the emulator has no versions yet)"
"$bin/wriftsync" plan --repo "git://127.0.0.1:$port/models.git" --cache-dir "$work/cache"

step "The same plan as Markdown, for a pull-request comment"
"$bin/wriftsync" plan --repo "git://127.0.0.1:$port/models.git" --cache-dir "$work/cache" --format markdown

step "wriftsync apply: make the live versions match (no terminal here, hence --auto-approve)"
"$bin/wriftsync" apply --repo "git://127.0.0.1:$port/models.git" --cache-dir "$work/cache" --auto-approve

step "Plan again: nothing left to do"
# --detailed-exitcode: 0 means no changes, so the demo checks its own end state.
"$bin/wriftsync" plan --repo "git://127.0.0.1:$port/models.git" --cache-dir "$work/cache" --detailed-exitcode

step "The live versions, newest first"
sleep 1  # a new rate-limit window: the API allows 3 requests per second per token
live=$(curl -sf -H "Authorization: Bearer demo-token" "$api/models/acme/sentiment/versions")
echo "$live"
count=$(printf '%s' "$live" | grep -o '"number":' | wc -l)
[ "$count" -eq 2 ] || { echo "demo: expected 2 live versions, found $count" >&2; exit 1; }

step "Requests the emulator served (plans only read; apply wrote 2 versions)"
curl -s "${api%/v1}/_emulator/stats"
echo

step "Demo complete: the live versions match the declarations"
