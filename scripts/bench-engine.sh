#!/usr/bin/env bash
# Measures Slipway's engine on this machine, in one run:
#   * commit-to-dev: from a commit landing on the watched branch (poll interval 1 s) to the dev
#     environment serving it through HAProxy, and the same minus the build command's own time;
#   * blue/green switch: the `switch traffic` step, from its start to its end in the ledger
#     (HAProxy runtime API weight changes, recorded before and after);
#   * canary abort: from the failed analysis step's end to the `promotion.traffic_restored`
#     event (weights back on the stable release), with an analysis that fails on purpose
#     (a request-rate minimum no canary reaches) in a staging environment;
# over BENCH_COMMITS commits (default 5). Uses the debug binaries (`swift build` first), a
# throwaway PostgreSQL (scripts/with-test-postgres.sh), real HAProxy and ollama-sim.
#   scripts/bench-engine.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/bench/common.sh"
commits=${BENCH_COMMITS:-5}
if [ -z "${SLIPWAY_TEST_DATABASE_URL:-}" ]; then
    exec "$root/scripts/with-test-postgres.sh" "$0" "$@"
fi
command -v haproxy >/dev/null || { echo "bench-engine: install haproxy (apt-get install haproxy)" >&2; exit 1; }
[ "${BENCH_SKIP_BUILD:-0}" = 1 ] || (cd "$root" && swift build --product slipway >&2 && swift build --product model-serve >&2 && swift build --product ollama-sim >&2)
bin="$root/.build/debug"
work=$(mktemp -d)
sim_pid=""; watch_pid=""
cleanup() {
    [ -n "$watch_pid" ] && kill "$watch_pid" 2>/dev/null && wait "$watch_pid" 2>/dev/null || true
    "$bin/slipway" down --repo "$work/repo" --database-url "$SLIPWAY_TEST_DATABASE_URL" --state-dir "$work/state" >/dev/null 2>&1 || true
    [ -n "$sim_pid" ] && kill "$sim_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
now_ms() { date +%s%3N; }

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
  checks:
    smoke:
      smoke:
        - { name: ready, path: /ready, expect: { status: 200 } }
  analyses:
    impossible:
      interval: 1s
      samples: 1
      metrics:
        - { name: rate, query: "modelserve_request_rate", min: 1000000 }
  stages:
    - environment: dev
      strategy: { blueGreen: { previewChecks: [smoke], scaleDownDelay: 0s } }
    - environment: staging
      after: { stage: dev }
      strategy: { canary: { steps: [ { setWeight: 50 }, { analysis: impossible } ] } }
YAML
cat > "$work/repo/environments/dev.yaml" <<YAML
apiVersion: slipway/v1
kind: Environment
metadata: { name: dev }
spec:
  order: 1
  target: { local: { port: $dev_port } }
  ollama: { endpoints: ["http://127.0.0.1:$sim_port"] }
YAML
cat > "$work/repo/environments/staging.yaml" <<YAML
apiVersion: slipway/v1
kind: Environment
metadata: { name: staging }
spec:
  order: 2
  target: { local: { port: $(( dev_port + 1 )) } }
  ollama: { endpoints: ["http://127.0.0.1:$sim_port"] }
YAML
git -C "$work/repo" init -q -b main
git -C "$work/repo" add -A
git -C "$work/repo" -c user.name=Bench -c user.email=bench@example.com commit -qm "specs"
common=(--repo "$work/repo" --database-url "$SLIPWAY_TEST_DATABASE_URL" --state-dir "$work/state")
"$bin/slipway" watch --interval 1s "${common[@]}" > "$work/watch.log" 2>&1 &
watch_pid=$!
for _ in $(seq 600); do grep -q "not run" "$work/watch.log" && break; sleep 0.05; done

echo "| commit | commit → dev serving it | build command | without the build | switch step | canary abort |"
echo "|---:|---:|---:|---:|---:|---:|"
totals=(); nets=(); switches=(); aborts=()
for i in $(seq "$commits"); do
    echo "v$i" > "$work/repo/src/app.txt"
    git -C "$work/repo" add -A
    git -C "$work/repo" -c user.name=Bench -c user.email=bench@example.com commit -qm "v$i"
    start=$(now_ms)
    sha=$(git -C "$work/repo" rev-parse HEAD)
    release="model-serve-${sha:0:12}"
    until curl -fsS "http://127.0.0.1:$dev_port/version" 2>/dev/null | grep -q "\"release_id\":\"$release\""; do
        sleep 0.01
        if [ $(( $(now_ms) - start )) -gt 120000 ]; then echo "bench-engine: dev never served $release" >&2; tail -20 "$work/watch.log" >&2; exit 1; fi
    done
    total=$(( $(now_ms) - start ))
    build=$(grep -A3 "at ${sha:0:12}" "$work/watch.log" | grep -o 'succeeded in [0-9.]*s' | head -1 | grep -o '[0-9.]*' || echo 0)
    build_ms=$(awk "BEGIN { printf \"%d\", $build * 1000 }")
    switch_ms=$(psql "$SLIPWAY_TEST_DATABASE_URL" -Atc "
        SELECT round((max(occurred_at_us) FILTER (WHERE kind = 'step.finished') - max(occurred_at_us) FILTER (WHERE kind = 'step.started')) / 1000.0, 1)
        FROM events WHERE payload::jsonb->>'name' = 'switch traffic' AND subject = (
            SELECT 'promotion/' || p.id FROM promotions p JOIN runs r ON r.id = p.run_id WHERE r.commit_sha = '$sha' AND p.environment = 'dev')")
    abort_ms=""
    for _ in $(seq 600); do
        abort_ms=$(psql "$SLIPWAY_TEST_DATABASE_URL" -Atc "
            WITH p AS (SELECT 'promotion/' || p.id AS subject FROM promotions p JOIN runs r ON r.id = p.run_id
                       WHERE r.commit_sha = '$sha' AND p.environment = 'staging')
            SELECT round((max(occurred_at_us) FILTER (WHERE kind = 'promotion.traffic_restored')
                        - max(occurred_at_us) FILTER (WHERE kind = 'step.finished' AND payload::jsonb->>'kind' = 'analysis')) / 1000.0, 1)
            FROM events WHERE subject = (SELECT subject FROM p)")
        [ -n "$abort_ms" ] && break
        sleep 0.1
    done
    totals+=("$total"); nets+=($(( total - build_ms ))); switches+=("$switch_ms"); aborts+=("${abort_ms:-0}")
    echo "| $i | $total ms | $build_ms ms | $(( total - build_ms )) ms | $switch_ms ms | ${abort_ms:-?} ms |"
done
median() { printf '%s\n' "$@" | sort -n | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'; }
echo
echo "median: commit → dev $(median "${totals[@]}") ms, without the build $(median "${nets[@]}") ms, switch step $(median "${switches[@]}") ms, canary abort $(median "${aborts[@]}") ms"
echo "machine: $(machine); poll interval 1 s; debug binaries; $(date -u +%Y-%m-%dT%H:%M:%SZ)"
