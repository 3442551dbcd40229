#!/usr/bin/env bash
# Runs a benchmark while the compile jobs on the machine are held: every compiler, linker and build tool found (also
# those that start during the run, looked for every 0.5 s) gets SIGSTOP, and SIGCONT when the command ends, however it
# ends. Test processes are left running: say in the results what else ran.
#
#   bash bench/quiet.sh bash bench/threads.sh build-ci
set -u
held=$(mktemp)
build_tools() { for name in cc1plus cc1 ninja make ld collect2 as c++ g++ gcc cmake ctest; do pgrep -x "$name"; done; }
hold() {
    while :; do
        for pid in $(build_tools); do
            [[ $pid == "$$" ]] && continue
            kill -STOP "$pid" 2>/dev/null && echo "$pid" >>"$held"
        done
        sleep 0.5
    done
}
hold &
holder=$!
resume() {
    kill "$holder" 2>/dev/null
    wait "$holder" 2>/dev/null
    for pid in $(sort -u "$held"); do kill -CONT "$pid" 2>/dev/null; done
    rm -f "$held"
}
trap resume EXIT
sleep 3 # the load average does not show this at once; what the benchmark sees does
echo "quiet: holding $(sort -u "$held" | wc -l) build processes; load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
"$@"
