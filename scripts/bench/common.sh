# Shared by the bench-*.sh scripts (sourced): reading a started server's port, percentiles,
# and the line that describes the machine a figure was taken on.

# announced_port LOG [TRIES]: waits (TRIES × 50 ms, default 600) for a "listening on" line in
# LOG and prints its port (`listening on 127.0.0.1:P` or `listening on http://127.0.0.1:P`);
# prints nothing when none came.
announced_port() {
    local log=$1 tries=${2:-600}
    for _ in $(seq "$tries"); do grep -q "listening on" "$log" && break; sleep 0.05; done
    grep -o 'listening on [a-z:/]*127.0.0.1:[0-9]*' "$log" | head -1 | grep -o '[0-9]*$' || true
}

# percentile P VALUE...: the P-th percentile of the values, nearest rank.
percentile() {
    local p=$1; shift
    printf '%s\n' "$@" | sort -g | awk -v p="$p" '{ a[NR] = $1 } END { r = int((p / 100) * NR + 0.999999); if (r < 1) r = 1; print a[r] }'
}

# machine: CPUs, CPU model, memory and kernel, for the figures' footnote.
machine() {
    echo "$(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(free -g | awk '/^Mem:/ { print $2 " GiB" }'), kernel $(uname -r)"
}
