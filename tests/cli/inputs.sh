#!/bin/sh
# inputs.sh - every tool leaves its input files as they were: same bytes,
# same modification time (the readers open them read-only), and writes
# only the outputs it was asked for.
set -eu
BIN=${BUILD:-build}/bin
RUN=${TEST_WRAPPER:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "inputs.sh: $*" >&2; exit 1; }

mkdir "$tmp/in" "$tmp/out"
"$BIN/churn-synth" -q -o "$tmp/in" --customers 150 --seed 3
cp datasets/mlc_churn.csv "$tmp/in/table.csv"
"$BIN/churn-train" -q --data "$tmp/in/table.csv" --label churn \
    -o "$tmp/in/model.churn"
"$BIN/churn-score" --model "$tmp/in/model.churn" \
    --data "$tmp/in/table.csv" -o "$tmp/in/previous.csv" 2>/dev/null
# Times in the past, so a write (or a touch) now would show.
touch -d '2020-01-02 03:04:05' "$tmp/in"/*

# Name, size, modification time (ns) and checksum of every input.
state() {
    for f in "$tmp/in"/*; do
        printf '%s %s %s\n' "$(stat -c '%n %s %.9Y' "$f")" \
            "$(cksum < "$f")"
    done
}
state > "$tmp/before"
h="--events $tmp/in/events.csv --customers $tmp/in/customers.csv --as-of 2025-01-01"
o=$tmp/out

$RUN "$BIN/churn-features" $h --horizon 90 -o "$o/features.csv" 2>/dev/null
$RUN "$BIN/churn-train" -q $h --horizon 90 -o "$o/e.churn"
$RUN "$BIN/churn-train" -q --data "$tmp/in/table.csv" --label churn \
    --report "$o/report.html" -o "$o/t.churn"
$RUN "$BIN/churn-score" --model "$tmp/in/model.churn" \
    --data "$tmp/in/table.csv" --previous "$tmp/in/previous.csv" \
    -o "$o/scores.csv" 2>/dev/null
$RUN "$BIN/churn-eval" -q --model "$tmp/in/model.churn" \
    --data "$tmp/in/table.csv" --label churn --bootstrap 0 \
    --json "$o/eval.json" --html "$o/eval.html" > /dev/null
$RUN "$BIN/churn-segment" $h -o "$o/segments.csv" > /dev/null

state > "$tmp/after"
diff "$tmp/before" "$tmp/after" >&2 || fail "an input file changed"
[ "$(ls "$tmp/in" | wc -l)" -eq 6 ] || fail "files appeared among the inputs: $(ls "$tmp/in")"
for f in features.csv e.churn t.churn report.html scores.csv eval.json \
         eval.html segments.csv; do
    [ -s "$o/$f" ] || fail "no output $f"
done
[ "$(ls "$o" | wc -l)" -eq 8 ] || fail "unexpected outputs: $(ls "$o")"
