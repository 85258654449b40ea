#!/bin/sh
# model_meta.sh - what a model remembers besides its fit: the class weight
# it used (the default rule "auto" suits rare churn) and its label, which
# churn-eval takes when --label and --positive are not given.
set -eu
BIN=${BUILD:-build}/bin
RUN=${TEST_WRAPPER:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "model_meta.sh: $*" >&2; exit 1; }
auc() { sed -n 's/^  ROC AUC  *\([0-9.]*\)$/\1/p' "$1"; }

# The rules are written in --help.
$RUN "$BIN/churn-train" --help | grep -q 'auto (default), none or balanced' \
    || fail "churn-train --help: class weight rule"
$RUN "$BIN/churn-eval" --help | grep -q 'default: the one the' \
    || fail "churn-eval --help: label default"

# Rare churn (about 9 %): by default the SVM weighs classes (it is Platt-
# calibrated), says so, records it, and ranks a second population far
# better than unweighted (measured: AUC 0.74 against 0.66).
H="--as-of 2025-01-01 --horizon 55"
for s in 1 2; do
    $RUN "$BIN/churn-synth" -q -o "$tmp/s$s" -n 3000 -s "$s" --horizon 55
done
# shellcheck disable=SC2086
$RUN "$BIN/churn-train" --events "$tmp/s1/events.csv" $H --model svm \
    --validation 0 -o "$tmp/auto.churn" > "$tmp/auto.txt"
grep -qx 'class weight   balanced (auto)' "$tmp/auto.txt" \
    || fail "summary: $(cat "$tmp/auto.txt")"
grep -qx 'class_weight balanced' "$tmp/auto.churn" || fail "model weight"
# shellcheck disable=SC2086
$RUN "$BIN/churn-train" --events "$tmp/s1/events.csv" $H --model svm \
    --validation 0 --class-weight none -o "$tmp/none.churn" > "$tmp/none.txt"
grep -qx 'class weight   none' "$tmp/none.txt" || fail "summary none"
for w in auto none; do
    # shellcheck disable=SC2086
    $RUN "$BIN/churn-eval" --model "$tmp/$w.churn" \
        --events "$tmp/s2/events.csv" $H --bootstrap 0 --no-importance \
        > "$tmp/eval-$w.txt"
done
a=$(auc "$tmp/eval-auto.txt")
n=$(auc "$tmp/eval-none.txt")
awk -v a="$a" -v n="$n" 'BEGIN { exit !(a > n + 0.04) }' \
    || fail "default svm AUC $a is not well above unweighted $n"

# Logistic keeps its calibrated probabilities: no weight by default.
$RUN "$BIN/churn-train" --data datasets/mlc_churn.csv --label churn \
    --positive yes --validation 0 -o "$tmp/mlc.churn" > "$tmp/mlc.txt"
grep -qx 'class weight   none (auto)' "$tmp/mlc.txt" || fail "logistic weight"

# The label goes into the model; churn-eval needs no --label again.
grep -qx 'label churn' "$tmp/mlc.churn" || fail "label line"
grep -qx 'label_positive yes' "$tmp/mlc.churn" || fail "positive line"
$RUN "$BIN/churn-eval" --model "$tmp/mlc.churn" \
    --data datasets/mlc_churn.csv --bootstrap 0 --no-importance \
    > "$tmp/eval.txt" 2>&1 || fail "churn-eval without --label: $(cat "$tmp/eval.txt")"
grep -q '^  rows  *5000 (707 churned, 14.14%)' "$tmp/eval.txt" \
    || fail "labels read by the model's label"
# An explicit --label still wins.
set +e
$RUN "$BIN/churn-eval" --model "$tmp/mlc.churn" --label nosuch \
    --data datasets/mlc_churn.csv -q 2> "$tmp/err"
[ $? -ne 0 ] || fail "--label nosuch should fail"
grep -q "label column 'nosuch'" "$tmp/err" || fail "--label nosuch: $(cat "$tmp/err")"

# A model file from before the label lines still loads and takes today's
# default label (churned), which this data has not; --label churn works.
old=tests/fuzz/seeds/fuzz_model/logistic.churn
grep -q '^label' "$old" && fail "fixture should have no label line"
$RUN "$BIN/churn-eval" --model "$old" --data datasets/mlc_churn.csv -q \
    2> "$tmp/err"
[ $? -ne 0 ] || fail "old model: default label 'churned' should be missing"
grep -q "label column 'churned'" "$tmp/err" || fail "old model: $(cat "$tmp/err")"
set -e
$RUN "$BIN/churn-eval" --model "$old" --data datasets/mlc_churn.csv \
    --label churn --bootstrap 0 --no-importance -q || fail "old model"
exit 0
