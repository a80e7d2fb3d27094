#!/usr/bin/env bash
# Measures issue 5's "webhook received → run started" on this machine: starts `slipway serve`
# (poll interval 1 h, so only the webhook can start a run) against a throwaway PostgreSQL
# (scripts/with-test-postgres.sh), then BENCH_DELIVERIES times (default 100), one after the
# other: commits a change to the watched branch, sends a signed GitHub push delivery for it (the
# payload's `after` is bogus: Slipway reads the tip from git), and takes
#   * answer: curl's time from sending to the whole 202 answer;
#   * → run.created: from just before the delivery is sent to the `run.created` event's time in
#     the ledger (the run recorded for the tip);
#   * → running: the same to the run's `run.status` running event (it holds its lock and builds).
# Event times are the server's clock, the send time this script's: the same machine's clock.
# The pipeline's build fails at once (`false`), so no run is still building when the next
# delivery comes and nothing but the trigger path is measured. Prints every delivery, then
# p50/p99 (nearest rank) of each column and the machine. Uses the debug binary unless told:
#   scripts/bench-webhook.sh            BENCH_DELIVERIES=200 BENCH_SKIP_BUILD=1 scripts/bench-webhook.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/bench/common.sh"
deliveries=${BENCH_DELIVERIES:-100}
if [ -z "${SLIPWAY_TEST_DATABASE_URL:-}" ]; then
    exec "$root/scripts/with-test-postgres.sh" "$0" "$@"
fi
command -v openssl >/dev/null || { echo "bench-webhook: install openssl" >&2; exit 1; }
command -v psql >/dev/null || { echo "bench-webhook: install the PostgreSQL client (psql)" >&2; exit 1; }
[ "${BENCH_SKIP_BUILD:-0}" = 1 ] || (cd "$root" && swift build --product slipway >&2)
bin="$root/.build/debug"
work=$(mktemp -d)
serve_pid=""
secret="bench-$(openssl rand -hex 16)"
database="$SLIPWAY_TEST_DATABASE_URL"
cleanup() {
    [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null || true
    "$bin/slipway" down --repo "$work/repo" --database-url "$database" --state-dir "$work/state" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
now_us() { date +%s%6N; }
sql() { psql "$database" -Atc "$1"; }

mkdir -p "$work/repo/pipelines" "$work/repo/environments" "$work/repo/src"
cat > "$work/repo/pipelines/app.yaml" <<'YAML'
apiVersion: slipway/v1
kind: Pipeline
metadata: { name: app }
spec:
  source: { branch: main, paths: ["src/**"] }
  build:
    - { name: compile, run: ["false"], timeout: 1m, produces: { binary: "app" } }
  model: { name: sim-small }
  stages:
    - environment: dev
      strategy: { blueGreen: {} }
YAML
cat > "$work/repo/environments/dev.yaml" <<'YAML'
apiVersion: slipway/v1
kind: Environment
metadata: { name: dev }
spec:
  order: 1
  target: { local: { port: 29499 } }
YAML
echo v0 > "$work/repo/src/app.txt"
git -C "$work/repo" init -q -b main
git -C "$work/repo" add -A
git -C "$work/repo" -c user.name=Bench -c user.email=bench@example.com commit -qm "specs"

SLIPWAY_GITHUB_WEBHOOK_SECRET="$secret" "$bin/slipway" serve --listen 127.0.0.1:0 --interval 1h \
    --repo "$work/repo" --database-url "$database" --state-dir "$work/state" > "$work/serve.log" 2>&1 &
serve_pid=$!
port=$(announced_port "$work/serve.log")
[ -n "$port" ] || { echo "bench-webhook: slipway serve did not start" >&2; cat "$work/serve.log" >&2; exit 1; }
for _ in $(seq 600); do [ "$(sql "SELECT count(*) FROM runs WHERE finished_at IS NOT NULL")" = 1 ] && break; sleep 0.05; done

echo "| delivery | answer | → run.created | → running |"
echo "|---:|---:|---:|---:|"
answers=(); created=(); running=()
for i in $(seq "$deliveries"); do
    echo "v$i" > "$work/repo/src/app.txt"
    git -C "$work/repo" -c user.name=Bench -c user.email=bench@example.com commit -qam "v$i"
    sha=$(git -C "$work/repo" rev-parse HEAD)
    body="{\"ref\":\"refs/heads/main\",\"after\":\"$(printf 'dead%.0s' {1..10})\",\"repository\":{\"full_name\":\"bench/app\"}}"
    signature=$(printf '%s' "$body" | openssl dgst -sha256 -hmac "$secret" | awk '{ print $NF }')
    sent=$(now_us)
    answer=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -X POST "http://127.0.0.1:$port/hooks/github" \
        -H "Content-Type: application/json" -H "X-GitHub-Event: push" -H "X-GitHub-Delivery: bench-$i-$sent" \
        -H "X-Hub-Signature-256: sha256=$signature" --data-binary "$body")
    [ "${answer%% *}" = 202 ] || { echo "bench-webhook: delivery $i answered $answer" >&2; exit 1; }
    row=""
    for _ in $(seq 400); do
        row=$(sql "SELECT c.occurred_at_us, r.occurred_at_us FROM events c
                   LEFT JOIN events r ON r.subject = c.subject AND r.kind = 'run.status' AND r.payload::jsonb->>'status' = 'running'
                   WHERE c.kind = 'run.created' AND c.payload::jsonb->>'commit' = '$sha'")
        [ -n "$row" ] && [ -n "${row#*|}" ] && break
        sleep 0.05
    done
    [ -n "$row" ] && [ -n "${row#*|}" ] || { echo "bench-webhook: no run started for $sha" >&2; tail -20 "$work/serve.log" >&2; exit 1; }
    answer_ms=$(awk "BEGIN { printf \"%.1f\", ${answer#* } * 1000 }")
    created_ms=$(awk "BEGIN { printf \"%.1f\", (${row%%|*} - $sent) / 1000 }")
    running_ms=$(awk "BEGIN { printf \"%.1f\", (${row#*|} - $sent) / 1000 }")
    answers+=("$answer_ms"); created+=("$created_ms"); running+=("$running_ms")
    echo "| $i | $answer_ms ms | $created_ms ms | $running_ms ms |"
done
echo
echo "deliveries: $deliveries"
echo "answer:        p50 $(percentile 50 "${answers[@]}") ms, p99 $(percentile 99 "${answers[@]}") ms"
echo "→ run.created: p50 $(percentile 50 "${created[@]}") ms, p99 $(percentile 99 "${created[@]}") ms (target: p99 < 200 ms)"
echo "→ running:     p50 $(percentile 50 "${running[@]}") ms, p99 $(percentile 99 "${running[@]}") ms"
echo "machine: $(machine); debug binary; PostgreSQL $(sql 'SHOW server_version'); $(date -u +%Y-%m-%dT%H:%M:%SZ)"
