#!/bin/sh
# kill.sh - SIGKILL churn-train at seeded random moments while it overwrites
# an existing model: the model at the path must always be the old one, byte
# for byte, or a complete new one (it loads and scores exactly as a new
# model does). A killed run can leave its temporary file (MODEL.tmp.NNNNNN:
# nothing runs on SIGKILL to remove it); such files never replace the model
# and are safe to delete. The killed runs are not under TEST_WRAPPER: a
# killed process has no exit to check, and valgrind would shift every kill
# to the start.
set -eu
BIN=${BUILD:-build}/bin
KILLS=${KILLS:-40}
SEED=${KILL_SEED:-8}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "kill.sh: $*" >&2; exit 1; }
data=datasets/mlc_churn.csv

# The old model (C 0.1) and a reference new one (C 1): their scores differ.
"$BIN/churn-train" -q --data $data --label churn --C 0.1 -o "$tmp/old.churn"
"$BIN/churn-train" -q --data $data --label churn -o "$tmp/new.churn"
"$BIN/churn-score" --model "$tmp/new.churn" --data $data > "$tmp/new.csv"
"$BIN/churn-score" --model "$tmp/old.churn" --data $data > "$tmp/old.csv"
cmp -s "$tmp/new.csv" "$tmp/old.csv" && fail "old and new models score alike"

# How long one run takes here, so the kills spread over all of it (and
# a little past its end).
start=$(date +%s%N)
"$BIN/churn-train" -q --data $data --label churn -o "$tmp/timing.churn"
took_ms=$(( ($(date +%s%N) - start) / 1000000 + 50 ))

delays=$(awk -v n="$KILLS" -v seed="$SEED" -v ms="$took_ms" 'BEGIN {
    srand(seed); for (i = 0; i < n; i++) printf "%.3f\n", rand() * ms * 1.2 / 1000 }')
# Every third run is killed instead as soon as its temporary file shows
# up, the short window in which the new model is being written.
old_kept=0 new_written=0 killed=0 in_write=0 i=0
for d in $delays; do
    i=$((i + 1))
    cp "$tmp/old.churn" "$tmp/m.churn"
    "$BIN/churn-train" -q --data $data --label churn -o "$tmp/m.churn" &
    pid=$!
    if [ $((i % 3)) -eq 0 ]; then
        while kill -0 $pid 2>/dev/null; do
            set -- "$tmp"/m.churn.tmp.*
            [ -e "$1" ] && break
        done
        kill -KILL $pid 2>/dev/null && killed=$((killed + 1)) &&
            in_write=$((in_write + 1))
    else
        sleep "$d"
        kill -KILL $pid 2>/dev/null && killed=$((killed + 1))
    fi
    wait $pid 2>/dev/null || true
    if cmp -s "$tmp/old.churn" "$tmp/m.churn"; then
        old_kept=$((old_kept + 1))
    else
        "$BIN/churn-score" --model "$tmp/m.churn" --data $data \
            > "$tmp/got.csv" 2>"$tmp/err" ||
            fail "after a kill at ${d}s the model does not load: $(cat "$tmp/err")"
        cmp -s "$tmp/got.csv" "$tmp/new.csv" ||
            fail "after a kill at ${d}s the model is neither old nor new"
        new_written=$((new_written + 1))
    fi
done
# Only temporary files of killed runs may remain, one per kill at most.
stray=$(find "$tmp" -name 'm.churn.tmp.*' | wc -l)
[ "$stray" -le "$killed" ] || fail "$stray temporary files after $killed kills"
for f in $(find "$tmp" -name '*.tmp.*'); do
    case $f in "$tmp"/m.churn.tmp.*) ;; *) fail "stray file $f" ;; esac
done
[ "$killed" -gt 0 ] || fail "no run was killed (delays too long?)"
echo "kill.sh: $KILLS runs, $killed killed ($in_write while writing):" \
     "old model kept $old_kept times, complete new model $new_written" \
     "times; $stray temporary files left"
