#!/usr/bin/env bash
# `make demo`: a real release of ModelServe and its model through dev → staging → prod, on a
# scratch clone of this repository, with Slipway's embedded PostgreSQL, two ollama-sim
# processes standing in for Ollama, HAProxy in front of every environment, and model-serve
# built by the pipeline's own build step. Then a second commit whose model is slow, which the
# staging canary's analysis catches and rolls back.
#
# It runs to the end without questions and leaves the environments running:
#   dev http://127.0.0.1:18080, staging :18081, prod :18082 (HAProxy stats on +1000).
# prod's gate is opened by two release managers' approvals (`slipway approve` with API tokens).
# Stop them with `scripts/demo.sh down` (or `slipway down` in the scratch clone, plus the sims).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEMO="$ROOT/.demo"
REPO="$DEMO/repo"
SLIPWAY="$ROOT/.build/debug/slipway"
SIM="$ROOT/.build/debug/ollama-sim"
MODEL_SERVE="$ROOT/.build/debug/model-serve"
SIM_PORTS=(11434 11435)

bold() { printf '\n\033[1m%s\033[0m\n' "$*"; }
say() { printf '%s\n' "$*"; }
slipway() { printf '\n\033[1m$ slipway %s\033[0m\n' "$*"; (cd "$REPO" && "$SLIPWAY" "$@"); }
quiet_slipway() { (cd "$REPO" && "$SLIPWAY" "$@"); }

port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

stop_demo() {
    if [ -x "$SLIPWAY" ] && [ -d "$REPO/.slipway" ]; then
        (cd "$REPO" && "$SLIPWAY" down >/dev/null 2>&1) || true
    fi
    for pidfile in "$DEMO"/sim-*.pid "$DEMO"/traffic.pid; do
        [ -f "$pidfile" ] || continue
        pid="$(cat "$pidfile")"
        kill "$pid" 2>/dev/null || true
        rm -f "$pidfile"
    done
    if [ -x "$SLIPWAY" ] && [ -d "$REPO/.slipway/postgres" ]; then
        (cd "$REPO" && "$SLIPWAY" db stop >/dev/null 2>&1) || true
    fi
}

if [ "${1:-}" = down ]; then
    stop_demo
    say "stopped the demo's environments, simulators and PostgreSQL (its files stay in $DEMO)"
    exit 0
fi

for tool in "$SLIPWAY" "$SIM" "$MODEL_SERVE"; do
    [ -x "$tool" ] || { say "missing $tool: run \`make demo\` (it builds first)"; exit 1; }
done

bold "1. A clean start: stopping what an earlier demo left running"
stop_demo
rm -rf "$DEMO"
mkdir -p "$DEMO"
for port in "${SIM_PORTS[@]}" 18080 18081 18082 19080 19081 19082; do
    if port_in_use "$port"; then
        say "port $port is taken by another program; the demo needs it (Ollama on 11434? stop it, or edit environments/*.yaml)"
        exit 1
    fi
done

bold "2. Two ollama-sim processes stand in for Ollama (ports ${SIM_PORTS[*]})"
# sim-slow is a base model that answers in 3 s: the second commit switches the Modelfile to it.
for port in "${SIM_PORTS[@]}"; do
    setsid "$SIM" --port "$port" --model sim-slow --latency sim-slow=3000 >"$DEMO/sim-$port.log" 2>&1 </dev/null &
    echo $! >"$DEMO/sim-$port.pid"
done
for port in "${SIM_PORTS[@]}"; do
    for _ in $(seq 50); do port_in_use "$port" && break; sleep 0.1; done
    port_in_use "$port" || { say "ollama-sim did not start on $port:"; cat "$DEMO/sim-$port.log"; exit 1; }
done
say "ollama-sim on ${SIM_PORTS[*]} (models sim-small, sim-large, sim-slow; logs in $DEMO/sim-*.log)"

bold "3. A scratch clone of this repository, with demo-sized waits"
git clone --quiet "$ROOT" "$REPO"
(
    cd "$REPO"
    git config user.name "Demo Developer"
    git config user.email "dev@example.com"
    python3 - <<'EOF'
import re
path = "pipelines/model-serve.yaml"
text = open(path).read()
edits = [
    # A debug build: about half the time of a release build on a small machine.
    ('run: ["swift", "build", "-c", "release", "--product", "model-serve"]', 'run: ["swift", "build", "--product", "model-serve"]'),
    ('produces: { binary: ".build/release/model-serve" }', 'produces: { binary: ".build/debug/model-serve" }'),
    ("pollInterval: 30s", "pollInterval: 5s"),
    ("after: { stage: dev, soak: 5m }", "after: { stage: dev, soak: 5s }"),
    ("interval: 30s\n      samples: 4", "interval: 5s\n      samples: 3"),
    ("- pause: 2m", "- pause: 5s"),
    ("scaleDownDelay: 10m", "scaleDownDelay: 30s"),
]
for old, new in edits:
    if old not in text:
        raise SystemExit(f"demo: {path} no longer contains {old!r}; update scripts/demo.sh")
    text = text.replace(old, new)
open(path, "w").write(text)
path = "environments/prod.yaml"
text = open(path).read()
# The weekend freeze would stop a demo run on a Saturday; the gate's approval stays.
text, count = re.subn(r"  freeze:\n(    - .*\n)+", "", text)
if count != 1:
    raise SystemExit(f"demo: no freeze block in {path}; update scripts/demo.sh")
open(path, "w").write(text)
EOF
    git commit --quiet -am "demo: seconds instead of minutes for soak, pause and analysis; a debug build; no weekend freeze"
)
say "$REPO at $(git -C "$REPO" log --oneline -1)"
slipway validate

bold "4. Traffic: four clients send requests to staging all along (its canary analysis needs some)"
mkdir -p "$REPO/.slipway/local/staging"
KEY="$("$MODEL_SERVE" keys add demo-traffic --file "$REPO/.slipway/local/staging/keys.json" 2>/dev/null)"
echo "$KEY" >"$DEMO/staging.key"
(
    trap 'kill $(jobs -p) 2>/dev/null; exit 0' TERM INT
    for client in 1 2 3 4; do
        (
            n=0
            while true; do
                n=$((n + 1))
                curl -s -o /dev/null --max-time 10 -H "Authorization: Bearer $KEY" -H "Content-Type: application/json" \
                    -d "{\"prompt\": \"demo client $client request $n\", \"max_tokens\": 8}" \
                    http://127.0.0.1:18081/v1/generate || sleep 0.5
                sleep 0.2
            done
        ) &
    done
    wait
) >/dev/null 2>&1 &
echo $! >"$DEMO/traffic.pid"
say "the demo's key for staging is in $DEMO/staging.key"

bold "5. The first release: build, then dev (blue/green) → staging (canary) → prod (waits for approval)"
say "The build is the pipeline's own (swift build of model-serve in a checkout of the commit): minutes the first time."
(cd "$REPO" && "$SLIPWAY" run) 2>&1 | tee "$DEMO/run-1.log" &
RUN_PID=$!
until quiet_slipway pending 2>/dev/null | grep -q "to prod"; do
    if ! kill -0 "$RUN_PID" 2>/dev/null; then
        say "the run ended before reaching the prod gate; see $DEMO/run-1.log"
        exit 1
    fi
    sleep 2
done
slipway status
slipway pending
# prod needs two release managers (environments/prod.yaml); neither may be the commit's author.
ALICE="$(quiet_slipway token create --user alice --group release-managers 2>/dev/null)"
BOB="$(quiet_slipway token create --user bob --group release-managers 2>/dev/null)"
PROD_PROMOTION="$(quiet_slipway pending --output json | python3 -c 'import json, sys; print(next(p["promotion"] for p in json.load(sys.stdin) if p["environment"] == "prod"))')"
SLIPWAY_TOKEN="$ALICE" slipway approve "$PROD_PROMOTION" --comment "demo: staging looks healthy"
SLIPWAY_TOKEN="$BOB" slipway approve "$PROD_PROMOTION" --comment "demo: second approval"
wait "$RUN_PID"

bold "6. A second commit: the Modelfile now builds on sim-slow, which answers in 3 s"
(
    cd "$REPO"
    sed -i 's/^FROM sim-small$/FROM sim-slow/' models/Modelfile
    git commit --quiet -am "model: build ramsey-model on sim-slow"
)
say "$(git -C "$REPO" log --oneline -1)"
say "dev's smoke checks allow 5 s per answer, so dev takes it; staging's analysis allows a p95 of 2.5 s."
if (cd "$REPO" && "$SLIPWAY" run) 2>&1 | tee "$DEMO/run-2.log"; then
    say "the slow model was not caught: staging's analysis should have failed it"
    exit 1
fi
grep -q "rolled back\|rolled_back" "$DEMO/run-2.log" || { say "expected staging to roll back; see $DEMO/run-2.log"; exit 1; }

bold "7. Where things are"
slipway status
slipway history --limit 10
slipway audit verify
cat <<EOF

The environments keep running:
  dev      http://127.0.0.1:18080   (HAProxy stats http://127.0.0.1:19080/stats)
  staging  http://127.0.0.1:18081   (HAProxy stats http://127.0.0.1:19081/stats)
  prod     http://127.0.0.1:18082   (HAProxy stats http://127.0.0.1:19082/stats)
Try one (the key works on staging; add keys with model-serve keys add NAME --file $REPO/.slipway/local/ENV/keys.json):
  curl -s -H "Authorization: Bearer \$(cat $DEMO/staging.key)" -H "Content-Type: application/json" -d '{"prompt": "hello"}' http://127.0.0.1:18081/v1/generate
Look around (in $REPO):
  $SLIPWAY status        $SLIPWAY history        $SLIPWAY audit verify
Stop everything: scripts/demo.sh down
EOF
