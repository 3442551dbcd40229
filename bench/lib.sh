# Shared by the benchmark scripts (sourced, not run): the check that the Release programs exist, a
# work directory removed at the end unless kept, every process started here stopped by its PID however the script
# ends, and the file limit raised to the hard one (20,000 here).
#
#   source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"      (sets ROOT, the source tree)
#   bench_setup NAME KEEP_VARIABLE BUILD_DIR PROGRAM...
#
# sets BUILD (BUILD_DIR, or build/ of the tree when it is empty), BIN, WORK and PIDS; NAME prefixes messages; the
# directory stays when the variable named KEEP_VARIABLE is 1.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

bench_setup() {
    BENCH_NAME=$1
    BENCH_KEEP_VAR=$2
    BUILD=${3:-$ROOT/build}
    BIN=$BUILD/bin
    local exe
    shift 3
    for exe in "$@"; do
        if [[ ! -x $BIN/$exe ]]; then
            echo "$BENCH_NAME: $BIN/$exe is missing; build Release first (make bench does)" >&2
            exit 1
        fi
    done
    WORK=$(mktemp -d "/tmp/ocppkit-$(basename "$BENCH_NAME" .sh).XXXXXX")
    PIDS=()
    trap bench_cleanup EXIT
    trap 'exit 130' INT TERM
    ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
}

bench_cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    if [[ ${!BENCH_KEEP_VAR:-0} == 1 ]]; then
        echo "$BENCH_NAME: logs kept in $WORK" >&2
    else
        rm -rf "$WORK"
    fi
}

forget_pid() {
    local keep=() p
    for p in "${PIDS[@]}"; do
        [[ $p == "$1" ]] || keep+=("$p")
    done
    PIDS=("${keep[@]}")
}

# Stops one process we started (SIGTERM, then SIGKILL after 20 s) and forgets it.
stop_pid() {
    local pid=$1 i
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 200; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    forget_pid "$pid"
}

# A TCP port on 127.0.0.1 that nobody listens on right now.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# Starts the real central system on 127.0.0.1:PORT with the SQLite file DB (bearer token TOKEN, log level warn), its
# output appended to LOG, and waits up to 10 s for /healthz; sets CS_PID. BIN and TOKEN come from the caller.
#   start_central_system PORT DB LOG [EXTRA OPTION...]
start_central_system() {
    local port=$1 db=$2 log=$3 i
    shift 3
    "$BIN/ocpp-centralsystem" --listen "127.0.0.1:$port" --db "sqlite:$db" --api-token "$TOKEN" --log-level warn \
        "$@" >>"$log" 2>&1 &
    CS_PID=$!
    PIDS+=("$CS_PID")
    for ((i = 0; i < 100; i++)); do
        curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return 0
        sleep 0.1
    done
    echo "$BENCH_NAME: the central system did not come up; see $log" >&2
    exit 1
}
