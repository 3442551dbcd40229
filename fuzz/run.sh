#!/usr/bin/env bash
# Runs one fuzz target (frames, http_api, scenario, pki or proxy_header) for a bounded time on its seed corpus; copies
# any crash input to fuzz/crashes/<target>/ so that it becomes a regression test (fuzz/regression_test.cpp replays
# that folder).
set -euo pipefail
name=$1
seconds=${2:-60}
cd "$(dirname "$0")/.."
binary=build-fuzz/bin/fuzz_$name
corpus=build-fuzz/corpus/$name
artifacts=build-fuzz/artifacts/$name/
saved=fuzz/crashes/$name
mkdir -p "$corpus" "$artifacts"
case "$name" in
frames) python3 fuzz/seed_corpus.py tests/fixtures/v16 "$corpus" && cp fuzz/seeds/frames/* "$corpus"/ ;;
http_api) cp fuzz/seeds/http_api/* "$corpus"/ ;;
scenario) cp scenarios/*.yaml tests/scenario/fixtures/*.yaml fuzz/seeds/scenario/* "$corpus"/ ;;
pki) cp fuzz/seeds/pki/* "$corpus"/ ;;
proxy_header) cp fuzz/seeds/proxy_header/* "$corpus"/ ;;
*) echo "fuzz: unknown target $name (frames, http_api, scenario, pki, proxy_header)" >&2; exit 2 ;;
esac
cp "$saved"/* "$corpus"/ 2>/dev/null || true
set +e
"$binary" -max_total_time="$seconds" -max_len=8192 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
    -artifact_prefix="$artifacts" "$corpus" 2>"build-fuzz/fuzz_$name.log"
rc=$?
set -e
echo "fuzz_$name: $(grep -E '^(Done|stat::number_of_executed_units)' "build-fuzz/fuzz_$name.log" | tr '\n' ' ')"
tail -n 2 "build-fuzz/fuzz_$name.log"
for f in "$artifacts"crash-* "$artifacts"leak-* "$artifacts"timeout-* "$artifacts"oom-*; do
    [[ -e "$f" ]] || continue
    mkdir -p "$saved"
    cp "$f" "$saved"/
    echo "fuzz: $f saved to $saved/ (add it to git: it is now a regression input)"
done
exit $rc
