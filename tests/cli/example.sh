#!/bin/sh
# example.sh - the example that scores one customer from values in memory
# (tests/example/score_one.c) gives, to the last bit, the probability
# churn-score gives the same customer (the first row of mlc_churn.csv),
# for a logistic model (a categorical input among its inputs) and a gbdt.
set -eu
BUILD=${BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "example.sh: $*" >&2; exit 1; }
[ -x "$BUILD/examples/score_one" ] || fail "$BUILD/examples/score_one not built"

for model in logistic gbdt; do
    "$BUILD/bin/churn-train" --quiet --data datasets/mlc_churn.csv \
        --label churn --model $model -o "$tmp/m.churn"
    ${TEST_WRAPPER:-} "$BUILD/examples/score_one" "$tmp/m.churn" \
        > "$tmp/one.txt" || fail "$model: score_one failed"
    head -2 datasets/mlc_churn.csv > "$tmp/first.csv"
    "$BUILD/bin/churn-score" --model "$tmp/m.churn" --data "$tmp/first.csv" \
        > "$tmp/tool.csv"
    # Both numbers read back to the exact double; awk's == compares the
    # doubles.
    one=$(cat "$tmp/one.txt")
    awk -F, -v one="$one" 'NR == 2 { found = 1; if ($2 + 0 != one + 0) exit 1 }
        END { if (!found) exit 1 }' "$tmp/tool.csv" ||
        fail "$model: score_one says $one, churn-score: $(sed -n 2p "$tmp/tool.csv")"
done
exit 0
