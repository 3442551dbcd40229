#!/usr/bin/env bash
# Runs a fuzz target for a bounded time on a seed corpus made from the test fixtures; copies any crash input to
# tests/fixtures/fuzz/ so it becomes a regression test.
set -euo pipefail
target=$1
seconds=${2:-60}
cd "$(dirname "$0")/.."
corpus=build-fuzz/corpus
mkdir -p "$corpus" tests/fixtures/fuzz
python3 fuzz/seed_corpus.py tests/fixtures/v16 "$corpus"
cp tests/fixtures/fuzz/* "$corpus"/ 2>/dev/null || true
set +e
"$target" -max_total_time="$seconds" -max_len=8192 -timeout=5 -rss_limit_mb=2048 \
    -artifact_prefix=build-fuzz/ "$corpus" 2>build-fuzz/fuzz.log
rc=$?
set -e
tail -n 3 build-fuzz/fuzz.log
for f in build-fuzz/crash-* build-fuzz/leak-* build-fuzz/timeout-* build-fuzz/oom-*; do
    [[ -e "$f" ]] || continue
    cp "$f" tests/fixtures/fuzz/
    echo "fuzz: $f saved to tests/fixtures/fuzz/ (add it to git: it is now a regression input)"
done
exit $rc
