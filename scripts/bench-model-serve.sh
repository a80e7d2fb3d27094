#!/usr/bin/env bash
# Benchmark ModelServe's overhead: the same non-streaming generate request sent
# DIRECTLY to ollama-sim and THROUGH `model-serve serve` (in front of that same
# sim), with wrk, at concurrency 1 and 64, in one run. Prints requests/s,
# latency p50/p99 and errors per run, and the latency ModelServe adds
# (through - direct) at p50 and p99.
#
#   scripts/bench-model-serve.sh
#
# The sim answers with --token-delay-ms 0, so "direct" is close to the cost of
# an HTTP round trip and "through - direct" is ModelServe's own cost (auth,
# limits, translation, the second HTTP hop). wrk, the sim and model-serve all
# run on this machine and compete for its CPUs: compare figures from the same
# machine, not across machines.
#
# Environment:
#   BENCH_DURATION=10s      length of each measured wrk run
#   BENCH_WARMUP=2s         warm-up per target before measuring
#   BENCH_CONCURRENCY="1 64"  connection counts (wrk threads: 1 for C=1, else 2)
#   BENCH_TIMEOUT=10s       wrk's per-request timeout (a timeout is an error)
#   BENCH_OUTPUT=markdown   or json: one JSON object on stdout instead
#   BENCH_ONLY=both         or direct (sim only, model-serve neither built nor
#                           started) or through
#   BENCH_SKIP_BUILD=1      use existing binaries (no swift build)
#   BENCH_BIN_DIR=DIR       where the binaries are (default .build/release)
#   BENCH_VERBOSE=1         also show wrk's own output (on stderr)
#   BENCH_SIM_ARGS="..."    extra ollama-sim arguments, split on spaces without
#                           globbing, e.g. "--latency *=50" to stand in for a model
#   BENCH_ROUTER=1          also measure a second model-serve started with
#                           --router-only (every request through Hummingbird's
#                           router instead of the inline path), as target "router"
#
# Each run also reports the CPU time model-serve and the sim spent per request
# (from /proc), which depends far less on how busy the machine is than latency.
#
# Results go to stdout, progress to stderr. Exits non-zero when any measured
# run had an error (status >= 400, connect/read/write error or timeout) or no
# requests at all, so a broken setup cannot pass as a figure.
set -euo pipefail

orig_pwd=$PWD
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

duration=${BENCH_DURATION:-10s}
warmup=${BENCH_WARMUP:-2s}
concurrencies=${BENCH_CONCURRENCY:-1 64}
timeout=${BENCH_TIMEOUT:-10s}
output=${BENCH_OUTPUT:-markdown}
only=${BENCH_ONLY:-both}
skip_build=${BENCH_SKIP_BUILD:-0}
verbose=${BENCH_VERBOSE:-0}
lua_script="$root/scripts/bench/wrk-post.lua"
model=sim-small

log() { printf 'bench: %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

case "$output" in markdown | json) ;; *) die "BENCH_OUTPUT must be markdown or json, not '$output'" ;; esac
router=${BENCH_ROUTER:-0}
case "$only" in
    both) targets="direct through"; if [ "$router" = 1 ]; then targets="direct through router"; fi ;;
    direct) targets="direct" ;;
    through) targets="through" ;;
    *) die "BENCH_ONLY must be both, direct or through, not '$only'" ;;
esac
for c in $concurrencies; do
    case "$c" in '' | *[!0-9]* | 0) die "BENCH_CONCURRENCY must be positive integers, not '$concurrencies'" ;; esac
done
[ -f "$lua_script" ] || die "missing $lua_script"

if [ -n "${BENCH_BIN_DIR:-}" ]; then
    case "$BENCH_BIN_DIR" in
        /*) bin_dir=$BENCH_BIN_DIR ;;
        *) bin_dir="$orig_pwd/$BENCH_BIN_DIR" ;;
    esac
else
    bin_dir="$root/.build/release"
fi

needs_model_serve=1
if [ "$only" = direct ]; then needs_model_serve=0; fi

# --- Tools --------------------------------------------------------------------

if ! command -v wrk >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        log "wrk is missing; installing it with apt-get"
        if ! apt-get install -y wrk >&2; then
            { apt-get update >&2 && apt-get install -y wrk >&2; } || die "could not install wrk with apt-get"
        fi
    else
        die "wrk is not installed and this is not root with apt-get; install it (e.g. 'sudo apt-get install -y wrk' or 'brew install wrk') and re-run"
    fi
fi
command -v curl >/dev/null 2>&1 || die "curl is not installed"

# --- Build --------------------------------------------------------------------

if [ "$skip_build" = 1 ]; then
    log "BENCH_SKIP_BUILD=1: using the binaries in $bin_dir"
else
    if [ -n "${BENCH_BIN_DIR:-}" ]; then
        log "note: swift build writes .build/release, but the binaries run from $bin_dir (BENCH_BIN_DIR)"
    fi
    log "building release binaries"
    if [ "$needs_model_serve" = 1 ]; then
        swift build -c release --product model-serve >&2
    fi
    swift build -c release --product ollama-sim >&2
fi
sim_bin="$bin_dir/ollama-sim"
ms_bin="$bin_dir/model-serve"
[ -x "$sim_bin" ] || die "no executable $sim_bin (build it, or set BENCH_BIN_DIR)"
[ "$needs_model_serve" = 0 ] || [ -x "$ms_bin" ] || die "no executable $ms_bin (build it, or set BENCH_BIN_DIR)"

# --- Temp dir and servers -----------------------------------------------------

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-model-serve.XXXXXX")
pids=()

cleanup() {
    local rc=$? pid i
    trap - EXIT INT TERM
    for pid in ${pids[@]+"${pids[@]}"}; do kill "$pid" 2>/dev/null || true; done
    for pid in ${pids[@]+"${pids[@]}"}; do
        i=0
        while [ "$i" -lt 50 ] && kill -0 "$pid" 2>/dev/null; do # up to 5 s to stop gracefully
            sleep 0.1
            i=$((i + 1))
        done
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$tmp"
    exit "$rc"
}
trap cleanup EXIT
trap 'log "interrupted"; exit 130' INT
trap 'log "terminated"; exit 143' TERM

# start_server NAME LOGFILE COMMAND...: start in the background; sets server_pid.
start_server() {
    local name=$1 logfile=$2
    shift 2
    log "starting $name: $*"
    : >"$logfile" # exists before the background job opens it, for wait_for_port
    "$@" >"$logfile" 2>&1 &
    server_pid=$!
    pids+=("$server_pid")
}

# wait_for_port NAME PID LOGFILE SECONDS: wait for "listening on HOST:PORT" in
# the log; sets port.
wait_for_port() {
    local name=$1 pid=$2 logfile=$3 deadline=$((SECONDS + $4))
    port=
    while :; do
        port=$(sed -nE 's/.*listening on [^ ]*:([0-9]+).*/\1/p' "$logfile" | head -n 1)
        [ -n "$port" ] && return 0
        if ! kill -0 "$pid" 2>/dev/null; then
            die "$name exited before announcing its port; its output:
$(cat "$logfile")"
        fi
        [ "$SECONDS" -lt "$deadline" ] || die "$name announced no 'listening on HOST:PORT' line within $4 s; its output:
$(cat "$logfile")"
        sleep 0.1
    done
}

read -r -a sim_extra_args <<<"${BENCH_SIM_ARGS:-}"
start_server ollama-sim "$tmp/sim.log" "$sim_bin" --port 0 --token-delay-ms 0 ${sim_extra_args[@]+"${sim_extra_args[@]}"}
sim_pid=$server_pid
wait_for_port ollama-sim "$sim_pid" "$tmp/sim.log" 20
sim_port=$port
log "ollama-sim is listening on 127.0.0.1:$sim_port"

key=
ms_port=
ms_pid=
if [ "$needs_model_serve" = 1 ]; then
    # `keys add` prints the key on stdout and a note on stderr.
    "$ms_bin" keys add bench --file "$tmp/keys.json" >"$tmp/keys.out" 2>"$tmp/keys.err" \
        || die "model-serve keys add failed:
$(cat "$tmp/keys.out" "$tmp/keys.err")"
    key=$(grep -m 1 '^ms_' "$tmp/keys.out" || true)
    [ -n "$key" ] || die "model-serve keys add printed no line starting with ms_:
$(cat "$tmp/keys.out" "$tmp/keys.err")"
    log "$(cat "$tmp/keys.err")"

    start_server model-serve "$tmp/model-serve.log" "$ms_bin" serve --port 0 \
        --ollama "http://127.0.0.1:$sim_port" --model "$model" \
        --keys-file "$tmp/keys.json" --release-id bench \
        --rate-limit 1000000 --rate-burst 1000000 \
        --max-in-flight 128 --max-queue 1024 --cache-entries 0 --log-level warning
    ms_pid=$server_pid
    ready_deadline=$((SECONDS + 20))
    wait_for_port model-serve "$ms_pid" "$tmp/model-serve.log" 20
    ms_port=$port
    until curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$ms_port/ready" 2>/dev/null; do
        kill -0 "$ms_pid" 2>/dev/null || die "model-serve exited; its output:
$(cat "$tmp/model-serve.log")"
        [ "$SECONDS" -lt "$ready_deadline" ] || die "model-serve's /ready did not answer 200 within 20 s; its output:
$(cat "$tmp/model-serve.log")"
        sleep 0.2
    done
    log "model-serve is listening on 127.0.0.1:$ms_port and ready"
fi

router_port=
router_pid=
if [ "$router" = 1 ] && [ "$needs_model_serve" = 1 ]; then
    start_server "model-serve --router-only" "$tmp/router.log" "$ms_bin" serve --port 0 \
        --ollama "http://127.0.0.1:$sim_port" --model "$model" \
        --keys-file "$tmp/keys.json" --release-id bench-router --router-only \
        --rate-limit 1000000 --rate-burst 1000000 \
        --max-in-flight 128 --max-queue 1024 --cache-entries 0 --log-level warning
    router_pid=$server_pid
    wait_for_port "model-serve --router-only" "$router_pid" "$tmp/router.log" 20
    router_port=$port
    until curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:$router_port/ready" 2>/dev/null; do
        kill -0 "$router_pid" 2>/dev/null || die "model-serve --router-only exited; its output:
$(cat "$tmp/router.log")"
        sleep 0.2
    done
    log "model-serve --router-only is listening on 127.0.0.1:$router_port and ready"
fi

# --- Targets ------------------------------------------------------------------

target_url() {
    case "$1" in
        direct) echo "http://127.0.0.1:$sim_port/api/generate" ;;
        through) echo "http://127.0.0.1:$ms_port/v1/generate" ;;
        router) echo "http://127.0.0.1:$router_port/v1/generate" ;;
    esac
}
target_body() {
    case "$1" in
        direct) echo '{"model":"'"$model"'","prompt":"Say hello in three words.","stream":false,"options":{"num_predict":8,"temperature":0.7}}' ;;
        through | router) echo '{"model":"'"$model"'","prompt":"Say hello in three words.","stream":false,"max_tokens":8,"temperature":0.7}' ;;
    esac
}
target_auth() {
    case "$1" in
        direct) echo "" ;;
        through | router) echo "Bearer $key" ;;
    esac
}

# One request with curl first, so a wrong route, body or key fails loudly with
# the answer in view rather than as an error count.
preflight() {
    local target=$1 status auth
    auth=$(target_auth "$target")
    local args=(-sS -o "$tmp/preflight-$target.out" -w '%{http_code}' --max-time 10
        -X POST -H 'Content-Type: application/json' --data "$(target_body "$target")")
    if [ -n "$auth" ]; then args+=(-H "Authorization: $auth"); fi
    status=$(curl "${args[@]}" "$(target_url "$target")") || die "$target: curl failed"
    [ "$status" = 200 ] || die "$target: POST $(target_url "$target") answered $status:
$(cat "$tmp/preflight-$target.out")"
}

threads_for() { if [ "$1" -le 1 ]; then echo 1; else echo 2; fi; }

# Fail, with its output, when a server we started is gone (a crash, or killed
# from outside): its errors would otherwise read as a figure.
check_servers() {
    if ! kill -0 "$sim_pid" 2>/dev/null; then
        die "ollama-sim (pid $sim_pid) is no longer running ($1); its output:
$(tail -n 40 "$tmp/sim.log")"
    fi
    if [ -n "$ms_pid" ] && ! kill -0 "$ms_pid" 2>/dev/null; then
        die "model-serve (pid $ms_pid) is no longer running ($1); its output:
$(tail -n 40 "$tmp/model-serve.log")"
    fi
    if [ -n "$router_pid" ] && ! kill -0 "$router_pid" 2>/dev/null; then
        die "model-serve --router-only (pid $router_pid) is no longer running ($1); its output:
$(tail -n 40 "$tmp/router.log")"
    fi
}

# cpu_ticks PID: its user + system clock ticks so far (0 without a PID or /proc).
cpu_ticks() {
    [ -n "$1" ] || { echo 0; return; }
    sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null | awk '{ print $12 + $13 }' || echo 0
}
target_pid() {
    case "$1" in
        direct) echo "" ;;
        through) echo "$ms_pid" ;;
        router) echo "$router_pid" ;;
    esac
}
clock_ticks=$(getconf CLK_TCK 2>/dev/null || echo 100)

# run_wrk TARGET CONCURRENCY DURATION OUTFILE: the RESULT line goes to OUTFILE.
run_wrk() {
    local target=$1 c=$2 d=$3 out=$4 threads status=0 pid sim_before ms_before
    threads=$(threads_for "$c")
    pid=$(target_pid "$target")
    sim_before=$(cpu_ticks "$sim_pid")
    ms_before=$(cpu_ticks "$pid")
    BENCH_WRK_METHOD=POST \
        BENCH_WRK_BODY="$(target_body "$target")" \
        BENCH_WRK_CONTENT_TYPE=application/json \
        BENCH_WRK_AUTHORIZATION="$(target_auth "$target")" \
        wrk -t"$threads" -c"$c" -d"$d" --timeout "$timeout" -s "$lua_script" "$(target_url "$target")" \
        >"$out.wrk" 2>&1 || status=$?
    check_servers "after wrk against $target at C=$c"
    [ "$status" = 0 ] || die "wrk failed (exit $status) for $target C=$c:
$(cat "$out.wrk")"
    if [ "$verbose" = 1 ]; then cat "$out.wrk" >&2; fi
    grep -m 1 '^RESULT ' "$out.wrk" >"$out" || die "wrk printed no RESULT line for $target C=$c:
$(cat "$out.wrk")"
    # CPU microseconds per request, from the ticks each process used during the run.
    local requests sim_us ms_us
    requests=$(tr ' ' '\n' <"$out" | sed -n 's/^requests=//p')
    sim_us=$(awk -v t=$(($(cpu_ticks "$sim_pid") - sim_before)) -v n="$requests" -v hz="$clock_ticks" \
        'BEGIN { if (n > 0) printf "%.0f", t * 1e6 / hz / n; else print 0 }')
    ms_us=0
    if [ -n "$pid" ]; then
        ms_us=$(awk -v t=$(($(cpu_ticks "$pid") - ms_before)) -v n="$requests" -v hz="$clock_ticks" \
            'BEGIN { if (n > 0) printf "%.0f", t * 1e6 / hz / n; else print 0 }')
    fi
    printf ' sim_cpu_us=%s ms_cpu_us=%s\n' "$sim_us" "$ms_us" >>"$out.tmp"
    { tr -d '\n' <"$out"; cat "$out.tmp"; } >"$out.joined" && mv "$out.joined" "$out" && rm -f "$out.tmp"
}

# field FILE NAME: the value of NAME=... in a RESULT line.
field() { tr ' ' '\n' <"$1" | sed -n "s/^$2=//p"; }
ms() { awk -v us="$1" 'BEGIN { printf "%.3f", us / 1000 }'; }

max_c=1
for c in $concurrencies; do
    if [ "$c" -gt "$max_c" ]; then max_c=$c; fi
done

for target in $targets; do
    preflight "$target"
    log "warming up $target for $warmup (C=$max_c)"
    run_wrk "$target" "$max_c" "$warmup" "$tmp/warmup-$target"
    warm_errors=$(field "$tmp/warmup-$target" errors)
    [ "$warm_errors" = 0 ] || log "warning: $warm_errors errors while warming up $target"
done

# The machine may be shared. The report says how much of its CPU time during the
# measured runs went to processes other than wrk, the sim and model-serve, so
# figures taken while other work ran can be told apart (Linux only: /proc).
busy_ticks() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat 2>/dev/null; }
all_ticks() { awk '/^cpu / { t = 0; for (i = 2; i <= NF; i++) t += $i; print t }' /proc/stat 2>/dev/null; }
process_ticks() { # PID: its user + system ticks; with "children", those of its waited-for children
    local f
    f=$(sed 's/^.*) //' "/proc/$1/stat" 2>/dev/null) || { echo 0; return; }
    if [ "${2:-}" = children ]; then echo "$f" | awk '{ print $14 + $15 }'; else echo "$f" | awk '{ print $12 + $13 }'; fi
}
our_ticks() { # wrk (this shell's children), the sim and model-serve
    local total
    total=$(($(process_ticks $$ children) + $(process_ticks "$sim_pid")))
    if [ -n "$ms_pid" ]; then total=$((total + $(process_ticks "$ms_pid"))); fi
    if [ -n "$router_pid" ]; then total=$((total + $(process_ticks "$router_pid"))); fi
    echo "$total"
}
other_share=unknown
busy_start=$(busy_ticks)
all_start=$(all_ticks)
ours_start=$(our_ticks)

# Alternate targets at each concurrency so the machine's noise hits both.
for c in $concurrencies; do
    for target in $targets; do
        log "measuring $target C=$c (threads $(threads_for "$c")) for $duration"
        run_wrk "$target" "$c" "$duration" "$tmp/result-$target-$c"
        log "  $(cat "$tmp/result-$target-$c")"
    done
done

# --- Report -------------------------------------------------------------------

busy_end=$(busy_ticks)
all_end=$(all_ticks)
ours_end=$(our_ticks)
if [ -n "$busy_start" ] && [ -n "$all_end" ] && [ "$all_end" -gt "$all_start" ]; then
    other_share=$(awk -v b=$((busy_end - busy_start)) -v o=$((ours_end - ours_start)) -v a=$((all_end - all_start)) \
        'BEGIN { x = (b - o) / a * 100; if (x < 0) x = 0; printf "%.0f%%", x }')
fi
nproc_count=$(nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo unknown)
cpu_model=$(sed -n 's/^model name[[:space:]]*:[[:space:]]*//p' /proc/cpuinfo 2>/dev/null | head -n 1)
[ -n "$cpu_model" ] || cpu_model=unknown
kernel=$(uname -r)
date_now=$(date -u +%Y-%m-%dT%H:%M:%SZ)
wrk_version=$(wrk -v 2>&1 | sed -n 's/^wrk \([^ ]*\).*/\1/p' | head -n 1 || true)

failed=""
for c in $concurrencies; do
    for target in $targets; do
        f="$tmp/result-$target-$c"
        errors=$(field "$f" errors)
        requests=$(field "$f" requests)
        if [ "$errors" != 0 ]; then
            failed="$failed, $target C=$c: $errors errors ($(field "$f" status_errors) status >= 400, $(field "$f" socket_errors) socket/timeout) in $requests requests"
        elif [ "$requests" = 0 ]; then
            failed="$failed, $target C=$c: no requests completed"
        fi
    done
done
failed=${failed#, }

both_targets=0
if [ "$only" = both ]; then both_targets=1; fi

json_str() { printf '"%s"' "$(printf '%s' "$1" | sed 's/\\/\\\\/g; s/"/\\"/g')"; }

if [ "$output" = json ]; then
    runs=""
    for c in $concurrencies; do
        for target in $targets; do
            f="$tmp/result-$target-$c"
            runs="$runs,{\"concurrency\":$c,\"target\":\"$target\",\"threads\":$(threads_for "$c")"
            for name in requests errors status_errors socket_errors duration_us rps mean_us p50_us p90_us p99_us max_us sim_cpu_us ms_cpu_us; do
                runs="$runs,\"$name\":$(field "$f" "$name")"
            done
            runs="$runs}"
        done
    done
    added=""
    if [ "$both_targets" = 1 ]; then
        for c in $concurrencies; do
            for via in through router; do
                case " $targets " in *" $via "*) ;; *) continue ;; esac
                d="$tmp/result-direct-$c" t="$tmp/result-$via-$c"
                p50=$(($(field "$t" p50_us) - $(field "$d" p50_us)))
                p99=$(($(field "$t" p99_us) - $(field "$d" p99_us)))
                added="$added,{\"concurrency\":$c,\"target\":\"$via\",\"p50_us\":$p50,\"p99_us\":$p99,\"p50_ms\":$(ms "$p50"),\"p99_ms\":$(ms "$p99")}"
            done
        done
    fi
    ok=true
    [ -z "$failed" ] || ok=false
    nproc_json=$(json_str "$nproc_count")
    case "$nproc_count" in '' | *[!0-9]*) ;; *) nproc_json=$nproc_count ;; esac
    printf '{"date":%s,"machine":{"nproc":%s,"cpu_model":%s,"kernel":%s,"other_processes_cpu":%s},' \
        "$(json_str "$date_now")" "$nproc_json" "$(json_str "$cpu_model")" "$(json_str "$kernel")" \
        "$(json_str "$other_share")"
    printf '"settings":{"duration":%s,"warmup":%s,"timeout":%s,"only":%s,"bin_dir":%s,"wrk_version":%s,"model":%s,"sim_args":%s},' \
        "$(json_str "$duration")" "$(json_str "$warmup")" "$(json_str "$timeout")" "$(json_str "$only")" \
        "$(json_str "$bin_dir")" "$(json_str "$wrk_version")" "$(json_str "$model")" "$(json_str "${BENCH_SIM_ARGS:-}")"
    printf '"runs":[%s],"added_latency":[%s],"ok":%s,"failures":%s}\n' \
        "${runs#,}" "${added#,}" "$ok" "$(json_str "$failed")"
else
    echo "## ModelServe benchmark: direct to ollama-sim vs through model-serve"
    echo
    if [ "$both_targets" = 0 ]; then
        echo "Only the $only runs (BENCH_ONLY=$only): no added latency to show."
        echo
    fi
    echo "| concurrency | target | requests/s | p50 | p99 | errors | model-serve CPU/request | sim CPU/request |"
    echo "|---:|---|---:|---:|---:|---:|---:|---:|"
    for c in $concurrencies; do
        for target in $targets; do
            f="$tmp/result-$target-$c"
            ms_cpu="$(field "$f" ms_cpu_us) µs"
            if [ "$target" = direct ]; then ms_cpu="–"; fi
            printf '| %s | %s | %s | %s ms | %s ms | %s | %s | %s µs |\n' "$c" "$target" "$(field "$f" rps)" \
                "$(ms "$(field "$f" p50_us)")" "$(ms "$(field "$f" p99_us)")" "$(field "$f" errors)" \
                "$ms_cpu" "$(field "$f" sim_cpu_us)"
        done
    done
    echo
    if [ "$both_targets" = 1 ]; then
        for c in $concurrencies; do
            for via in through router; do
                case " $targets " in *" $via "*) ;; *) continue ;; esac
                d="$tmp/result-direct-$c" t="$tmp/result-$via-$c"
                p50=$(($(field "$t" p50_us) - $(field "$d" p50_us)))
                p99=$(($(field "$t" p99_us) - $(field "$d" p99_us)))
                share=$(awk -v t="$(field "$t" rps)" -v d="$(field "$d" rps)" 'BEGIN { if (d > 0) printf "%.0f%%", 100 * t / d; else print "n/a" }')
                echo "- C=$c: added latency p50 = $(ms "$p50") ms, p99 = $(ms "$p99") ms ($via − direct); throughput $via/direct = $share"
            done
        done
        echo
        if [ "$router" = 1 ]; then
            echo "(through: model-serve as it runs by default, non-streamed generate answered inline on the connection's event loop; router: the same binary with --router-only.)"
            echo
        fi
    fi
    echo "Machine: $nproc_count CPUs, $cpu_model, kernel $kernel (wrk, ollama-sim and model-serve share it); other processes used $other_share of its CPU time during the measured runs."
    echo "Runs: wrk ${wrk_version:-?}, $duration per run after a $warmup warm-up per target; threads 1 at C=1, else 2; timeout $timeout; binaries in $bin_dir; ollama-sim --token-delay-ms 0${BENCH_SIM_ARGS:+ $BENCH_SIM_ARGS}."
    echo "Date: $date_now"
fi

[ -z "$failed" ] || die "runs with errors: $failed"
