#!/usr/bin/env bash
# The security whitepaper at scale: N simulated chargers (ocpp-simulator, security profile 1: ws:// with a Basic
# password) boot at ocpp-bench-migration-cs, which then installs its root on every charger (InstallCertificate) and
# sets SecurityProfile 2; each charger closes, reconnects over wss:// trusting the installed root, and boots again.
# Measures the time from the first InstallCertificate to the N-th boot over TLS, and the simulator's RssAnon per
# charger before the migration (all booted over ws://) and after it (all booted over wss://).
#
#   bench/security_migration.sh [BUILD_DIR] [CHARGERS]
set -euo pipefail
build="${1:-build}"
chargers="${2:-5000}"
bin="$build/bin"
for b in ocpp-simulator ocpp-bench-migration-cs; do
    [[ -x "$bin/$b" ]] || { echo "security_migration: $bin/$b not built" >&2; exit 2; }
done

work="$(mktemp -d)"
pids=()
cleanup() {
    for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
rss_anon_kib() { awk '/^RssAnon:/ {print $2}' "/proc/$1/status"; }

# The central system's PKI: an ECDSA P-256 root and a server certificate for 127.0.0.1 signed by it.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/root.key" -out "$work/root.pem" \
    -days 30 -subj "/CN=Migration Root/O=ocppkit bench" -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/server.key" -out "$work/server.csr" \
    -subj "/CN=127.0.0.1" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n' > "$work/server.ext"
openssl x509 -req -in "$work/server.csr" -CA "$work/root.pem" -CAkey "$work/root.key" -CAcreateserial -days 30 \
    -extfile "$work/server.ext" -out "$work/server.pem" 2>/dev/null

"$bin/ocpp-bench-migration-cs" --tls-cert "$work/server.pem" --tls-key "$work/server.key" --root "$work/root.pem" \
    --expect "$chargers" > "$work/cs.out" 2> "$work/cs.err" &
cs=$!
pids+=("$cs")
for _ in $(seq 100); do [[ -s "$work/cs.out" ]] && break; sleep 0.1; done
read -r plain tls < "$work/cs.out"

"$bin/ocpp-simulator" run --url "ws://127.0.0.1:$plain/ocpp" --secure-url "wss://127.0.0.1:$tls/ocpp" \
    --password "bench-password-1" --chargers "$chargers" --threads 2 --ramp 2000 --sessions-per-hour 0 \
    --heartbeat-interval 3600 --duration 900 --report "$work/sim.json" --log-level warn > "$work/sim.out" 2>&1 &
sim=$!
pids+=("$sim")

wait_line() { # PREFIX SECONDS
    for _ in $(seq $(($2 * 10))); do
        grep -q "^$1" "$work/cs.out" && { grep "^$1" "$work/cs.out"; return 0; }
        kill -0 "$sim" 2>/dev/null || break
        sleep 0.1
    done
    echo "security_migration: the central system never printed \"$1\"" >&2
    tail -5 "$work/sim.out" >&2
    return 1
}

booted=$(wait_line booted 300)
sleep 2 # settled; the migration starts 5 s after the last boot
before=$(rss_anon_kib "$sim")
migrated=$(wait_line migrated 600)
sleep 2
after=$(rss_anon_kib "$sim")
kill -INT "$sim"
wait "$sim" 2>/dev/null || true
kill "$cs"
wait "$cs" 2>/dev/null || true
echo "security migration: $chargers chargers from profile 1 (ws://) to profile 2 (wss://)"
echo "$booted"
echo "$migrated"
echo "$(sed 's/^ocpp-bench-migration-cs: //' "$work/cs.err")"
python3 - "$chargers" "$before" "$after" "$work/sim.json" <<'PY'
import json, sys
n, before, after = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
r = json.load(open(sys.argv[4]))
print(f"simulator RssAnon: {before / 1024:.1f} MiB before ({before / n:.1f} KiB per charger), "
      f"{after / 1024:.1f} MiB after ({after / n:.1f} KiB per charger, +{(after - before) / n:.1f} KiB); "
      f"connect errors {r.get('connect_errors', {})}; total errors {r['total_errors']}")
PY
