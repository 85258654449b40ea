#!/bin/sh
# score_top.sh - churn-score --top N writes the first N lines of the full
# ranking, byte for byte (reasons and ties included), and the same summary,
# for a logistic, a kernel SVM and a gbdt model.
set -eu
BIN=${BUILD:-build}/bin
RUN=${TEST_WRAPPER:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "score_top.sh: $*" >&2; exit 1; }

# mlc_churn has categorical inputs and many tied probabilities.
head -1501 datasets/mlc_churn.csv > "$tmp/small.csv"
$RUN "$BIN/churn-train" --data datasets/mlc_churn.csv --label churn \
    --validation 0 -o "$tmp/logistic.churn" > /dev/null
$RUN "$BIN/churn-train" --data "$tmp/small.csv" --label churn \
    --model svm --validation 0 -o "$tmp/svm.churn" > /dev/null
$RUN "$BIN/churn-train" --data "$tmp/small.csv" --label churn \
    --model gbdt --validation 0 -o "$tmp/gbdt.churn" > /dev/null

check() { # MODEL DATA [score options]
    model=$1 data=$2
    shift 2
    $RUN "$BIN/churn-score" --model "$model" --data "$data" "$@" \
        -o "$tmp/full.csv" 2> "$tmp/full.err"
    for n in 1 3 100 1499 1500 5000 99999; do
        $RUN "$BIN/churn-score" --model "$model" --data "$data" "$@" \
            --top $n -o "$tmp/top.csv" 2> "$tmp/top.err"
        head -n $((n + 1)) "$tmp/full.csv" | cmp -s - "$tmp/top.csv" ||
            fail "$model $*: --top $n is not the head of the full ranking"
        sed 's/top\.csv/full.csv/' "$tmp/top.err" | cmp -s - "$tmp/full.err" ||
            fail "$model $*: --top $n changes the summary"
    done
}
check "$tmp/logistic.churn" datasets/mlc_churn.csv
check "$tmp/logistic.churn" datasets/mlc_churn.csv --reasons 10 --threads 1
check "$tmp/logistic.churn" datasets/mlc_churn.csv --reasons 0
check "$tmp/svm.churn" "$tmp/small.csv" --reasons 2
check "$tmp/gbdt.churn" "$tmp/small.csv"
echo "score_top.sh: ok"
