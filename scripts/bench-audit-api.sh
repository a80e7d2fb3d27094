#!/usr/bin/env bash
# Measures issue 5's "/api/v1/promotions page p99 with 1,000,000 promotions in the ledger":
# starts a throwaway PostgreSQL (scripts/with-test-postgres.sh), migrates it, seeds
# BENCH_PROMOTIONS promotions (default 1,000,000; scripts/seed-promotions.sh), makes an
# auditor's token, starts `slipway serve`, then asks for pages of 50 promotions, BENCH_REQUESTS
# times each (default 1000) over one kept-alive connection, for each of these shapes:
#   first page · a page deep in the history (cursor half-way) · environment=prod ·
#   status=rolled_back · actor=grace (an approver, found through approvals) · a commit prefix ·
#   a one-day time range · environment+status together
# and prints p50/p99/max per shape (each request's time from sending to the whole answer,
# taken by a Python http.client loop on this machine) and the machine. Then the same shapes
# with BENCH_CONCURRENCY (default 8) connections at once, for the p99 under load.
#   scripts/bench-audit-api.sh        BENCH_PROMOTIONS=200000 BENCH_SKIP_BUILD=1 scripts/bench-audit-api.sh
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$root/scripts/bench/common.sh"
promotions=${BENCH_PROMOTIONS:-1000000}
requests=${BENCH_REQUESTS:-1000}
concurrency=${BENCH_CONCURRENCY:-8}
configuration=${BENCH_CONFIGURATION:-debug}
if [ -z "${SLIPWAY_TEST_DATABASE_URL:-}" ]; then
    exec "$root/scripts/with-test-postgres.sh" "$0" "$@"
fi
command -v psql >/dev/null || { echo "bench-audit-api: install the PostgreSQL client (psql)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "bench-audit-api: install python3" >&2; exit 1; }
[ "${BENCH_SKIP_BUILD:-0}" = 1 ] || (cd "$root" && swift build -c "$configuration" --product slipway >&2)
bin="$root/.build/$configuration"
database="$SLIPWAY_TEST_DATABASE_URL"
work=$(mktemp -d)
serve_pid=""
cleanup() {
    [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null && wait "$serve_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

"$bin/slipway" db migrate --database-url "$database" >&2
"$root/scripts/seed-promotions.sh" "$database" "$promotions" >&2
token=$("$bin/slipway" token create --user audrey --group auditors --database-url "$database" 2>/dev/null)

mkdir -p "$work/repo/pipelines" "$work/repo/environments"
cat > "$work/repo/pipelines/model-serve.yaml" <<'YAML'
apiVersion: slipway/v1
kind: Pipeline
metadata: { name: model-serve }
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
  target: { local: { port: 29498 } }
YAML
git -C "$work/repo" init -q -b main
git -C "$work/repo" add -A
git -C "$work/repo" -c user.name=Bench -c user.email=bench@example.com commit -qm "specs"

"$bin/slipway" serve --listen 127.0.0.1:0 --interval 1h \
    --repo "$work/repo" --database-url "$database" --state-dir "$work/state" > "$work/serve.log" 2>&1 &
serve_pid=$!
port=$(announced_port "$work/serve.log")
[ -n "$port" ] || { echo "bench-audit-api: slipway serve did not start" >&2; cat "$work/serve.log" >&2; exit 1; }

half=$(psql "$database" -Atc "SELECT max(id) / 2 FROM promotions")
prefix=$(psql "$database" -Atc "SELECT substr(commit_sha, 1, 7) FROM promotions WHERE id = $half")
day=$(psql "$database" -Atc "SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') FROM promotions WHERE id = $half")
next_day=$(date -u -d "$day + 1 day" +%Y-%m-%d)
middle=$(psql "$database" -Atc "SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"') FROM promotions WHERE id = $half")
# The cursor a client holds half-way down the history: the one a page ending there hands out.
deep_cursor=$(curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$port/api/v1/promotions?limit=1&until=$middle" |
    python3 -c 'import json, sys; print(json.load(sys.stdin)["nextCursor"])')
[ -n "$deep_cursor" ] && [ "$deep_cursor" != None ] || { echo "bench-audit-api: no cursor half-way down" >&2; exit 1; }

python3 - "$port" "$token" "$requests" "$concurrency" <<PY
import http.client, sys, time, threading, json
port, token, requests, concurrency = int(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
shapes = [
    ("first page", "/api/v1/promotions?limit=50"),
    ("deep page (cursor half-way)", "/api/v1/promotions?limit=50&cursor=$deep_cursor"),
    ("environment=prod", "/api/v1/promotions?limit=50&environment=prod"),
    ("status=rolled_back", "/api/v1/promotions?limit=50&status=rolled_back"),
    ("actor=grace (approver)", "/api/v1/promotions?limit=50&actor=grace"),
    ("commit=$prefix", "/api/v1/promotions?limit=50&commit=$prefix"),
    ("one day ($day)", "/api/v1/promotions?limit=50&since=${day}T00:00:00Z&until=${next_day}T00:00:00Z"),
    ("environment=prod&status=failed", "/api/v1/promotions?limit=50&environment=prod&status=failed"),
]
headers = {"Authorization": f"Bearer {token}"}

def measure(path, count, out):
    c = http.client.HTTPConnection("127.0.0.1", port)
    for _ in range(count):
        start = time.perf_counter()
        c.request("GET", path, headers=headers)
        r = c.getresponse()
        body = r.read()
        out.append((time.perf_counter() - start) * 1000)
        if r.status != 200:
            raise SystemExit(f"{path}: {r.status} {body[:300]!r}")

def pct(values, p):
    values = sorted(values)
    return values[max(0, min(len(values) - 1, int(p / 100 * len(values) + 0.999999) - 1))]

def check(path):
    c = http.client.HTTPConnection("127.0.0.1", port)
    c.request("GET", path, headers=headers)
    r = c.getresponse()
    body = json.loads(r.read())
    return len(body.get("items", []))

print(f"| shape | items | p50 (1 conn) | p99 (1 conn) | max | p99 ({concurrency} conns) |")
print("|---|---:|---:|---:|---:|---:|")
for name, path in shapes:
    items = check(path)
    for _ in range(20):
        measure(path, 1, [])
    one = []
    measure(path, requests, one)
    many, threads = [], []
    for _ in range(concurrency):
        t = threading.Thread(target=measure, args=(path, max(1, requests // concurrency), many))
        threads.append(t)
        t.start()
    for t in threads:
        t.join()
    print(f"| {name} | {items} | {pct(one, 50):.2f} ms | {pct(one, 99):.2f} ms | {max(one):.2f} ms | {pct(many, 99):.2f} ms |")
PY
echo
echo "promotions in the ledger: $(psql "$database" -Atc 'SELECT count(*) FROM promotions'); $requests requests per shape (target: p99 < 20 ms)"
echo "machine: $(machine); $configuration binary; PostgreSQL $(psql "$database" -Atc 'SHOW server_version'); $(date -u +%Y-%m-%dT%H:%M:%SZ)"
