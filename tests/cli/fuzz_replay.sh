#!/bin/sh
# fuzz_replay.sh - every fuzz target (built with a plain main, see
# tests/fuzz/replay.c) runs once on each of its seeds, which hold every
# input the fuzzers found a defect with, and on the bad-input corpus of
# its reader; a crash, a sanitizer report or a malformed error fails.
set -u
R=${BUILD:-build}/replay
RUN=${TEST_WRAPPER:-}
S=tests/fuzz/seeds
D=tests/data/bad
status=0
replay() {
    target=$1
    shift
    $RUN "$R/$target" "$S/$target" "$@" > /dev/null ||
        { echo "fuzz_replay.sh: $target failed" >&2; status=1; }
}
replay fuzz_events $D/events
replay fuzz_customers $D/customers
replay fuzz_csv $D/csv $D/labeled
replay fuzz_libsvm $D/libsvm
replay fuzz_model $D/model
replay fuzz_baseline $D/baseline
replay fuzz_xgb
exit $status
