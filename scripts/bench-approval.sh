#!/usr/bin/env bash
# Measures issue 5's "approval submitted → promotion moving" on this machine: `slipway serve`
# (poll every 1 s) runs each new commit through dev (blue/green) to staging, whose gate needs
# one release manager's approval. BENCH_APPROVALS times (default 30), one commit after the
# other: waits until the staging gate has run (it records its requirements, listening for
# decisions), waits a random 0–1 s (so approvals land anywhere in the gate's one-second
# listening cycle), then POSTs the approval to /api/v1/promotions/{id}/approvals and takes
#   * answer: curl's time from sending to the whole 201 answer;
#   * → gate open: from just before sending to the gate step's `step.finished` event;
#   * → moving: the same to the next step's `step.started` event (the promotion moving on).
# Event times are the server's clock, the send time this script's: the same machine's clock.
# Then waits for the staging promotion to finish before the next commit. Prints every
# approval, p50/p99 (nearest rank) and the machine. Debug binaries, a throwaway PostgreSQL
# (scripts/with-test-postgres.sh), real HAProxy, model-serve and ollama-sim.
#   scripts/bench-approval.sh          BENCH_APPROVALS=100 BENCH_SKIP_BUILD=1 scripts/bench-approval.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/bench/common.sh"
approvals=${BENCH_APPROVALS:-30}
if [ -z "${SLIPWAY_TEST_DATABASE_URL:-}" ]; then
    exec "$root/scripts/with-test-postgres.sh" "$0" "$@"
fi
command -v haproxy >/dev/null || { echo "bench-approval: install haproxy (apt-get install haproxy)" >&2; exit 1; }
command -v psql >/dev/null || { echo "bench-approval: install the PostgreSQL client (psql)" >&2; exit 1; }
[ "${BENCH_SKIP_BUILD:-0}" = 1 ] || (cd "$root" && swift build --product slipway >&2 && swift build --product model-serve >&2 && swift build --product ollama-sim >&2)
bin="$root/.build/debug"
database="$SLIPWAY_TEST_DATABASE_URL"
work=$(mktemp -d)
sim_pid=""; serve_pid=""
cleanup() {
    [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null || true
    "$bin/slipway" down --repo "$work/repo" --database-url "$database" --state-dir "$work/state" >/dev/null 2>&1 || true
    [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
now_us() { date +%s%6N; }
sql() { psql "$database" -Atc "$1"; }

"$bin/ollama-sim" --port 0 --token-delay-ms 0 > "$work/sim.log" 2>&1 &
sim_pid=$!
sim_port=$(announced_port "$work/sim.log" 100)
dev_port=$(( 20000 + RANDOM % 8000 ))

mkdir -p "$work/repo/pipelines" "$work/repo/environments" "$work/repo/src"
cat > "$work/repo/pipelines/model-serve.yaml" <<YAML
apiVersion: slipway/v1
kind: Pipeline
metadata: { name: model-serve }
spec:
  source: { branch: main, paths: ["src/**"] }
  build:
    - { name: model-serve, run: ["cp", "$bin/model-serve", "model-serve"], timeout: 1m, produces: { binary: "model-serve" } }
  model: { name: sim-small }
  stages:
    - environment: dev
      strategy: { blueGreen: { scaleDownDelay: 0s } }
    - environment: staging
      after: { stage: dev, approval: true }
      strategy: { blueGreen: { scaleDownDelay: 0s } }
YAML
for env in dev staging; do
    order=1; port=$dev_port; approvals_line=""
    if [ "$env" = staging ]; then
        order=2; port=$(( dev_port + 1 ))
        approvals_line='  approvals: { required: 1, approvers: ["group:release-managers"] }'
    fi
    cat > "$work/repo/environments/$env.yaml" <<YAML
apiVersion: slipway/v1
kind: Environment
metadata: { name: $env }
spec:
  order: $order
  target: { local: { port: $port } }
  ollama: { endpoints: ["http://127.0.0.1:$sim_port"] }
$approvals_line
YAML
done
git -C "$work/repo" init -q -b main
git -C "$work/repo" add -A
git -C "$work/repo" -c user.name=Bench -c user.email=bench@example.com commit -qm "specs"
common=(--repo "$work/repo" --database-url "$database" --state-dir "$work/state")
"$bin/slipway" db migrate --database-url "$database" >/dev/null
token=$("$bin/slipway" token create --user grace --group release-managers --database-url "$database" 2>/dev/null)

"$bin/slipway" serve --listen 127.0.0.1:0 --interval 1s "${common[@]}" > "$work/serve.log" 2>&1 &
serve_pid=$!
port=$(announced_port "$work/serve.log")
[ -n "$port" ] || { echo "bench-approval: slipway serve did not start" >&2; cat "$work/serve.log" >&2; exit 1; }

wait_for() { # wait_for SECONDS SQL → prints the first non-empty answer
    local limit=$(( $1 * 20 )) answer=""
    for _ in $(seq "$limit"); do answer=$(sql "$2"); [ -n "$answer" ] && { echo "$answer"; return 0; }; sleep 0.05; done
    return 1
}

echo "| approval | answer | → gate open | → moving |"
echo "|---:|---:|---:|---:|"
answers=(); opened=(); moving=()
for i in $(seq "$approvals"); do
    echo "v$i" > "$work/repo/src/app.txt"
    git -C "$work/repo" add -A
    git -C "$work/repo" -c user.name=Bench -c user.email=bench@example.com commit -qm "v$i"
    sha=$(git -C "$work/repo" rev-parse HEAD)
    promotion=$(wait_for 180 "SELECT p.id FROM promotions p JOIN gates g ON g.promotion_id = p.id
                               WHERE p.commit_sha = '$sha' AND p.environment = 'staging'") ||
        { echo "bench-approval: staging's gate never ran for $sha" >&2; tail -30 "$work/serve.log" >&2; exit 1; }
    sleep "0.$(( RANDOM % 10 ))$(( RANDOM % 10 ))"
    sent=$(now_us)
    answer=$(curl -s -o "$work/answer.json" -w '%{http_code} %{time_total}' -X POST \
        "http://127.0.0.1:$port/api/v1/promotions/$promotion/approvals" \
        -H "Authorization: Bearer $token" -H "Content-Type: application/json" \
        --data-binary '{"verdict": "approve", "comment": "benchmark"}')
    [ "${answer%% *}" = 201 ] || { echo "bench-approval: approval $i answered $answer: $(cat "$work/answer.json")" >&2; exit 1; }
    row=$(wait_for 60 "SELECT f.occurred_at_us || '|' || s.occurred_at_us FROM events f, events s
        WHERE f.subject = 'promotion/$promotion' AND f.kind = 'step.finished' AND f.payload::jsonb->>'kind' = 'gate'
          AND s.subject = 'promotion/$promotion' AND s.kind = 'step.started' AND s.seq > f.seq
        ORDER BY s.seq LIMIT 1") || { echo "bench-approval: promotion $promotion never moved" >&2; tail -30 "$work/serve.log" >&2; exit 1; }
    answer_ms=$(awk "BEGIN { printf \"%.1f\", ${answer#* } * 1000 }")
    open_ms=$(awk "BEGIN { printf \"%.1f\", (${row%%|*} - $sent) / 1000 }")
    moving_ms=$(awk "BEGIN { printf \"%.1f\", (${row#*|} - $sent) / 1000 }")
    answers+=("$answer_ms"); opened+=("$open_ms"); moving+=("$moving_ms")
    echo "| $i | $answer_ms ms | $open_ms ms | $moving_ms ms |"
    wait_for 180 "SELECT status FROM promotions WHERE id = $promotion AND status NOT IN ('pending', 'waiting', 'progressing')" >/dev/null ||
        { echo "bench-approval: promotion $promotion never finished" >&2; exit 1; }
done
echo
echo "approvals: $approvals"
echo "answer:      p50 $(percentile 50 "${answers[@]}") ms, p99 $(percentile 99 "${answers[@]}") ms"
echo "→ gate open: p50 $(percentile 50 "${opened[@]}") ms, p99 $(percentile 99 "${opened[@]}") ms"
echo "→ moving:    p50 $(percentile 50 "${moving[@]}") ms, p99 $(percentile 99 "${moving[@]}") ms (target: p99 < 1 s)"
echo "machine: $(machine); debug binaries; PostgreSQL $(sql 'SHOW server_version'); $(date -u +%Y-%m-%dT%H:%M:%SZ)"
