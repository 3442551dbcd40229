#!/usr/bin/env bash
# What one misbehaving charger costs in log: the real ocpp-centralsystem (--auto-register, log level info) and one
# charger on a raw WebSocket (python3, no packages) that misbehaves for D seconds in three ways:
#   garbage   frames that are not OCPP-J, answers to calls never made, unknown message types, as fast as it can;
#   no-read   Heartbeat CALLs as fast as it can, never reading an answer;
#   rate      Heartbeat CALLs as fast as it can with the default message-rate limit (the first two run with
#             --max-message-rate 0, so that they measure the log bound alone);
#   meter     one StartTransaction, then MeterValues of 10 samples for that transaction as fast as it can
#             (--max-message-rate 0, so that the stored-sample budget alone bounds what is stored).
# For each: frames sent, log bytes and lines written from the first frame until 1 s after the last, bytes per second.
# Targets: at most 1 KiB/s of log; for meter, at most the budget (--max-samples-per-minute, default 600) of rows per
# transaction and minute. Builds nothing; prints two Markdown tables. 127.0.0.1 only.
#
#   bash bench/log_bound.sh [BUILD_DIR] [SECONDS]        (defaults: build, 15)
set -euo pipefail

# shellcheck source=bench/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
bench_setup bench/log_bound.sh LOGB_KEEP "${1:-}" ocpp-centralsystem
D=${2:-15}

cat >"$WORK/charger.py" <<'EOF'
import select, socket, sys, time
port, path, mode, seconds = int(sys.argv[1]), sys.argv[2], sys.argv[3], float(sys.argv[4])
s = socket.create_connection(("127.0.0.1", port), timeout=10)
if mode == "no-read":
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
s.sendall((f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
           "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
           "Sec-WebSocket-Protocol: ocpp1.6\r\n\r\n").encode())
head = b""
while b"\r\n\r\n" not in head:
    c = s.recv(1)
    if not c:
        sys.exit("no upgrade")
    head += c
if not head.startswith(b"HTTP/1.1 101"):
    sys.exit("upgrade refused: " + head.decode(errors="replace"))
def frame(text):
    p = text.encode()
    n = len(p)
    h = bytes([0x81, 0x80 | n]) if n < 126 else bytes([0x81, 0x80 | 126, n >> 8, n & 255])
    return h + b"\0\0\0\0" + p  # mask of zeros: the payload goes as it is
def read_text():
    def exact(n):
        b = b""
        while len(b) < n:
            c = s.recv(n - len(b))
            if not c:
                sys.exit("closed")
            b += c
        return b
    h = exact(2)
    n = h[1] & 127
    if n == 126:
        n = int.from_bytes(exact(2), "big")
    elif n == 127:
        n = int.from_bytes(exact(8), "big")
    return exact(n).decode()
tx = 0
if mode == "meter":
    s.sendall(frame('[2,"start","StartTransaction",{"connectorId":1,"idTag":"TAG-1","meterStart":0,'
                    '"timestamp":"2026-01-01T00:00:00Z"}]'))
    tx = int(read_text().split('"transactionId":')[1].split("}")[0].split(",")[0])
# A charger that never reads gives up on a send after 0.2 s (and sends the next); the others wait for the socket.
s.settimeout(0.2 if mode == "no-read" else 5)
sent, end, i = 0, time.time() + seconds, 0
while time.time() < end:
    if mode == "garbage":
        t = [f"garbage {i}", f'[3,"nobody-{i}",{{}}]', '[7,"x"]'][i % 3]
    elif mode == "meter":
        v = ",".join(f'{{"value":"{i * 10 + k}"}}' for k in range(10))
        t = (f'[2,"m{i}","MeterValues",{{"connectorId":1,"transactionId":{tx},'
             f'"meterValue":[{{"timestamp":"2026-01-01T00:00:00Z","sampledValue":[{v}]}}]}}]')
    else:
        t = f'[2,"h{i}","Heartbeat",{{}}]'
    i += 1
    try:
        s.sendall(frame(t))
        sent += 1
    except socket.timeout:
        pass  # a charger that never reads: the central system's answers fill the socket
    except OSError:
        break  # closed by the central system
    if mode != "no-read":
        closed = False
        while not closed and select.select([s], [], [], 0)[0]:
            try:
                closed = not s.recv(65536)
            except OSError:
                closed = True
        if closed:
            break  # closed by the central system
print(sent)
EOF

ROWS=$WORK/rows.md
: >"$ROWS"
run() { # mode extra-options...
    local mode=$1 port log pid sent b0 b1 l0 l1 t0 t1
    shift
    port=$(free_port)
    log=$WORK/cs.$mode.log
    "$BIN/ocpp-centralsystem" --listen "127.0.0.1:$port" --db "sqlite:$WORK/$mode.db" --auto-register "$@" \
        2>"$log" >/dev/null &
    pid=$!
    PIDS+=("$pid")
    for ((i = 0; i < 100; i++)); do
        curl -sf "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
        sleep 0.1
    done
    b0=$(stat -c %s "$log")
    l0=$(wc -l <"$log")
    t0=$(date +%s.%N)
    sent=$(python3 "$WORK/charger.py" "$port" "/ocpp/CB-$mode" "$mode" "$D")
    sleep 1
    t1=$(date +%s.%N)
    b1=$(stat -c %s "$log")
    l1=$(wc -l <"$log")
    stop_pid "$pid"
    local rate
    rate=$(python3 -c "print(round(($b1 - $b0) / ($t1 - $t0)))")
    echo "| $mode ($*) | $sent | $((b1 - b0)) | $((l1 - l0)) | $rate | ≤ 1,024 | $( ((rate <= 1024)) && echo met || echo missed) |" >>"$ROWS"
    if [[ $mode == meter ]]; then
        local rows minutes
        rows=$(python3 -c "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM meter_values').fetchone()[0])" "$WORK/$mode.db")
        minutes=$(((D + 59) / 60))
        echo "| one transaction, $sent MeterValues of 10 samples in $D s | $((sent * 10)) | $rows | ≤ $((600 * minutes)) | $( ((rows <= 600 * minutes)) && echo met || echo missed) |" >>"$WORK/stored.md"
    fi
}

[[ -n ${LOGB_ONLY:-} ]] || run garbage --max-message-rate 0
[[ -n ${LOGB_ONLY:-} ]] || run no-read --max-message-rate 0
run rate --max-message-rate 50
[[ -n ${LOGB_ONLY:-} ]] || run meter --max-message-rate 0

echo "| charger misbehaving for $D s | frames sent | log bytes | log lines | bytes/s | target | |"
echo "|---|---|---|---|---|---|---|"
cat "$ROWS"
if [[ -f $WORK/stored.md ]]; then
    echo
    echo "| stored samples (budget 600 per transaction and minute) | samples sent | rows stored | target | |"
    echo "|---|---|---|---|---|"
    cat "$WORK/stored.md"
fi
