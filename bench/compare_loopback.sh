#!/usr/bin/env bash
# Compares bench/loopback_bench between two revisions: builds it (Release) from each revision in a temporary
# directory, then runs the two binaries alternately (before, after, before, ...), RUNS times each, and prints every
# run's ratios and the medians. Alternating runs let load from other programs hit both builds alike.
#
#   bash bench/compare_loopback.sh BEFORE AFTER [RUNS]      e.g.  bash bench/compare_loopback.sh a268ce1 HEAD 7
#
# Set COMPARE_BEFORE_BIN and COMPARE_AFTER_BIN to compare two existing loopback_bench binaries without building.
# Uses 127.0.0.1 only (the benchmark's own connections); each run takes about 40 s, a build a few minutes.
set -euo pipefail

before=${1:?usage: compare_loopback.sh BEFORE AFTER [RUNS]}
after=${2:?usage: compare_loopback.sh BEFORE AFTER [RUNS]}
runs=${3:-7}
repo=$(git rev-parse --show-toplevel)
work=$(mktemp -d /tmp/compare_loopback.XXXXXX)
trap 'rm -rf "$work"' EXIT

build() { # REVISION NAME -> prints the path of its loopback_bench
    local dir=$work/$2
    mkdir -p "$dir"
    git -C "$repo" archive "$1" | tar -x -C "$dir"
    echo "compare: building loopback_bench at $1 (log: $dir.log)" >&2
    (cd "$dir" && cmake --preset release && cmake --build build -j2 --target loopback_bench) >"$dir.log" 2>&1 ||
        { tail -20 "$dir.log" >&2; exit 1; }
    echo "$dir/build/bin/loopback_bench"
}

before_bin=${COMPARE_BEFORE_BIN:-$(build "$before" before)}
after_bin=${COMPARE_AFTER_BIN:-$(build "$after" after)}
[ -x "$before_bin" ] && [ -x "$after_bin" ] || { echo "compare: no loopback_bench to run" >&2; exit 1; }
ulimit -n "$(ulimit -Hn)"

for i in $(seq 1 "$runs"); do
    for side in before after; do
        bin=before_bin
        [ "$side" = after ] && bin=after_bin
        "${!bin}" --benchmark_format=json >"$work/$side.$i.json" 2>/dev/null
        echo "compare: $side run $i done (load $(cut -d' ' -f1 /proc/loadavg))" >&2
    done
done

python3 - "$work" "$runs" "$before" "$after" <<'EOF'
import json, statistics, sys
work, runs, names = sys.argv[1], int(sys.argv[2]), {"before": sys.argv[3], "after": sys.argv[4]}
keys = ["ocpp/raw", "cpu_ocpp/raw", "ws/raw", "ocpp_rt/s", "ws_rt/s", "raw_rt/s"]
print("side   run " + " ".join(f"{k:>13}" for k in keys))
values = {side: {k: [] for k in keys + ["ocpp/ws"]} for side in names}
for i in range(1, runs + 1):
    for side in names:
        b = json.load(open(f"{work}/{side}.{i}.json"))["benchmarks"][0]
        for k in keys:
            values[side][k].append(b[k])
        values[side]["ocpp/ws"].append(b["ocpp_rt/s"] / b["ws_rt/s"])
        print(f"{side:6} {i:3} " + " ".join(f"{b[k]:13.3f}" if b[k] < 10 else f"{b[k]:13.0f}" for k in keys))
for side in names:
    med = {k: statistics.median(v) for k, v in values[side].items()}
    lo, hi = min(values[side]["ocpp/raw"]), max(values[side]["ocpp/raw"])
    print(f"median {side} ({names[side]}): ocpp/raw {med['ocpp/raw']:.3f} (range {lo:.3f}-{hi:.3f}), "
          f"cpu_ocpp/raw {med['cpu_ocpp/raw']:.3f}, ws/raw {med['ws/raw']:.3f}, ocpp/ws {med['ocpp/ws']:.3f}")
EOF
