#!/usr/bin/env bash
# A local ocppkit cluster to try: a throwaway PostgreSQL server, three ocpp-centralsystem nodes on it and HAProxy in
# front (deploy/haproxy.cfg), all on 127.0.0.1. Prints the URLs; Ctrl-C stops everything it started (by PID) and
# removes the PostgreSQL data directory. The nodes trust HAProxy (127.0.0.1) to name each client's address in
# X-Forwarded-For (--trusted-proxy), as a production cluster trusts its load balancer's address.
#
#   scripts/cluster.sh [BUILD_DIR]          (default: build-ci if it holds the programs, else build)
#
# Environment: CLUSTER_PORT (HAProxy, default 8180), CLUSTER_NODE_PORTS (default "8181 8182 8183"),
# CLUSTER_TOKEN (the API token, default a fixed demo token), CLUSTER_LEASE (seconds, default 10).
set -euo pipefail
cd "$(dirname "$0")/.."

build=${1:-}
if [[ -z $build ]]; then
    build=build-ci
    [[ -x $build/bin/ocpp-centralsystem ]] || build=build
fi
bin=$build/bin
[[ -x $bin/ocpp-centralsystem ]] || { echo "cluster: no $bin/ocpp-centralsystem; build first (make build)" >&2; exit 1; }
command -v haproxy >/dev/null || [[ -x /usr/sbin/haproxy ]] || {
    echo "cluster: haproxy is not installed; scripts/setup.sh installs it" >&2
    exit 1
}
haproxy=$(command -v haproxy || echo /usr/sbin/haproxy)
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -n $pg_bin && -x $pg_bin/initdb ]] || {
    echo "cluster: PostgreSQL is not installed; scripts/setup.sh installs it" >&2
    exit 1
}

lb_port=${CLUSTER_PORT:-8180}
read -r -a node_ports <<<"${CLUSTER_NODE_PORTS:-8181 8182 8183}"
token=${CLUSTER_TOKEN:-cluster-demo-token-0123456789}
lease=${CLUSTER_LEASE:-10}
pg_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

work=$(mktemp -d /tmp/ocppkit-cluster-XXXXXX)
pids=()
# PostgreSQL refuses to run as root: as root, it runs as the postgres user (or nobody).
as_pg=()
if [[ $(id -u) == 0 ]]; then
    pg_user=postgres
    id postgres >/dev/null 2>&1 || pg_user=nobody
    chown "$pg_user" "$work"
    as_pg=(runuser -u "$pg_user" --)
fi

stop_all() {
    trap - INT TERM EXIT
    echo "cluster: stopping" >&2
    for ((i = ${#pids[@]} - 1; i >= 0; i--)); do
        kill "${pids[i]}" 2>/dev/null || true
    done
    for pid in "${pids[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    if [[ -f $work/pg/postmaster.pid ]]; then
        "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$work"
}
trap stop_all INT TERM EXIT

echo "cluster: PostgreSQL on 127.0.0.1:$pg_port (data in $work/pg)" >&2
"${as_pg[@]}" "$pg_bin/initdb" -D "$work/pg" -U postgres -A trust --no-sync -E UTF8 --locale=C >"$work/initdb.log" 2>&1
"${as_pg[@]}" "$pg_bin/pg_ctl" -D "$work/pg" -w -l "$work/pg.log" \
    -o "-p $pg_port -k $work -c listen_addresses=127.0.0.1 -c max_connections=50" start >/dev/null
"${as_pg[@]}" "$pg_bin/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres ocppkit
db="postgresql://postgres@127.0.0.1:$pg_port/ocppkit"

secret_file=$work/cluster-secret
head -c 32 /dev/urandom | base64 | tr -d '\n=+/' >"$secret_file"
chmod 600 "$secret_file"
for i in 0 1 2; do
    port=${node_ports[i]}
    "$bin/ocpp-centralsystem" --listen "127.0.0.1:$port" --db "$db" --api-token "$token" --node-id "node$((i + 1))" \
        --cluster-secret-file "$secret_file" --node-lease "$lease" --auto-register --trusted-proxy 127.0.0.1/32 \
        --file-store "$work/files" >"$work/node$((i + 1)).log" 2>&1 &
    pids+=($!)
    # The first node migrates the database; the others start once it answers.
    if [[ $i == 0 ]]; then
        for _ in $(seq 100); do
            curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
            sleep 0.1
        done
    fi
done
for port in "${node_ports[@]}"; do
    for _ in $(seq 100); do
        curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
        sleep 0.1
    done
done

OCPPKIT_LB_BIND=127.0.0.1:$lb_port OCPPKIT_NODE1=127.0.0.1:${node_ports[0]} OCPPKIT_NODE2=127.0.0.1:${node_ports[1]} \
    OCPPKIT_NODE3=127.0.0.1:${node_ports[2]} "$haproxy" -db -f deploy/haproxy.cfg >"$work/haproxy.log" 2>&1 &
pids+=($!)

cat <<TEXT
ocppkit cluster running (logs in $work):
  chargers   ws://127.0.0.1:$lb_port/ocpp/<ChargeBoxId>   (HAProxy: by Chargebox ID, consistent hashing)
  portal     http://127.0.0.1:$lb_port/                   (API token: $token)
  API        http://127.0.0.1:$lb_port/api/v1/            (any node answers)
  nodes      $(for i in 0 1 2; do printf 'node%d http://127.0.0.1:%s/healthz  ' $((i + 1)) "${node_ports[i]}"; done)
  database   $db
Try: $bin/ocpp-simulator run --url ws://127.0.0.1:$lb_port/ocpp --chargers 300 --password any-password-1
     (unknown chargers are registered as planned: --auto-register)
Ctrl-C stops everything.
TEXT
wait "${pids[0]}" || true
