#!/usr/bin/env bash
# Installs what a fresh Debian 12 machine lacks to build and test ocppkit, and says nothing when all is there.
# Usage: scripts/setup.sh [fuzz]   (root, or sudo available)
# A stamp (build/.setup-stamp) records what the last complete run saw: this script, the npm lock files, the installed
# state of every listed package and the npm installs. While all of that is unchanged the script ends at once, so
# `make build` and `make test` do not pay the package check each time; anything changed (or a fresh machine, or
# `make clean`) runs it in full.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(build-essential cmake ninja-build ccache pkg-config python3 python3-pyftpdlib git openssl ca-certificates
          curl libwebsocketpp-dev libasio-dev rapidjson-dev libssl-dev libyaml-cpp-dev libsqlite3-dev libcurl4-openssl-dev
          libgtest-dev libgmock-dev libbenchmark-dev nodejs npm
          postgresql libpq-dev haproxy chromium clang-format)
if [[ "${1:-}" == "fuzz" ]]; then
    packages+=(clang libclang-rt-14-dev)
fi

npm_dirs=(tests/interop tests/browser)
stamp_file=build/.setup-stamp
# What the check depends on, in one line per source; dpkg-query exits non-zero for unknown packages, hence `|| true`.
state() {
    echo "args: $*"
    sha256sum scripts/setup.sh
    for dir in "${npm_dirs[@]}"; do
        sha256sum "$dir/package-lock.json" "$dir/node_modules/.ocppkit-lock" 2>/dev/null || echo "$dir: no npm install"
    done
    dpkg-query -W -f='${Package} ${Version} ${db:Status-Status}\n' "${packages[@]}" 2>/dev/null || true
    command -v node npm || true
}
current_state=$(state "$@" | sha256sum)
if [[ -f $stamp_file ]] && [[ $(cat "$stamp_file") == "$current_state" ]]; then
    exit 0
fi

missing=()
for p in "${packages[@]}"; do
    status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
    [[ "$status" == "installed" ]] || missing+=("$p")
done
# Node may come from elsewhere than Debian's package; accept any node >= 18 with npm.
if command -v node >/dev/null && command -v npm >/dev/null; then
    tmp=()
    for p in "${missing[@]}"; do [[ "$p" == nodejs || "$p" == npm ]] || tmp+=("$p"); done
    missing=("${tmp[@]+"${tmp[@]}"}")
fi

if ((${#missing[@]})); then
    sudo=""
    [[ $(id -u) == 0 ]] || sudo="sudo"
    echo "setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get update -qq
    $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages of the interoperability tests (ocpp-rpc) and the browser tests (playwright-core), each pinned by its
# package-lock.json; reinstalled only when the lock changed.
for dir in "${npm_dirs[@]}"; do
    [[ -f $dir/package-lock.json ]] || continue
    stamp=$dir/node_modules/.ocppkit-lock
    if ! cmp -s "$dir/package-lock.json" "$stamp" 2>/dev/null; then
        echo "setup: installing the npm packages of $dir"
        (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
        cp "$dir/package-lock.json" "$stamp"
    fi
done

# Everything is in place: remember what it looked like (after the installs, which change the state).
mkdir -p "$(dirname "$stamp_file")"
state "$@" | sha256sum >"$stamp_file"
