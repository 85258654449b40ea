#!/bin/sh
# eval.sh - churn-eval on the bundled telecom data: the terminal report,
# JSON, cross-validation, and the accuracy gate against the committed
# baseline (tests/baseline/telecom.json, made by
#   churn-eval --cv 5 --data datasets/mlc_churn.csv --label churn \
#       --json tests/baseline/telecom.json
# ): the current model passes it, a worse one fails with exit 3.
set -eu
BIN=${BUILD:-build}/bin
RUN=${TEST_WRAPPER:-}
BASE=tests/baseline/telecom.json
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "eval.sh: $*" >&2; exit 1; }
status() { set +e; "$@" > "$tmp/out.txt" 2> "$tmp/err.txt"; rc=$?; set -e; }

$RUN "$BIN/churn-eval" --help | grep -q 'Usage: churn-eval' || fail "help"
status $RUN "$BIN/churn-eval" --data datasets/mlc_churn.csv
[ $rc -eq 2 ] || fail "neither --model nor --cv should exit 2"
status $RUN "$BIN/churn-eval" --cv 1 --data datasets/mlc_churn.csv
[ $rc -eq 2 ] || fail "--cv 1 should exit 2"

# The project's own gate: 5-fold cross-validation of today's trainer
# must not lose more than 0.01 of AUC or PR AUC against the baseline.
$RUN "$BIN/churn-eval" --cv 5 --data datasets/mlc_churn.csv --label churn \
    --bootstrap 200 --baseline "$BASE" --metric auc,pr_auc \
    --json "$tmp/cv.json" > "$tmp/cv.txt" 2> "$tmp/gate.txt" ||
    { cat "$tmp/gate.txt" >&2; fail "the model got worse than $BASE"; }
grep -q 'gate passed' "$tmp/gate.txt" || fail "gate passed message"
grep -q '^  ROC AUC  *0\.[0-9]*  (folds 0\.[0-9]* ± 0\.[0-9]*)' "$tmp/cv.txt" \
    || fail "cross-validated AUC line"
grep -q '"schema": "churn-eval"' "$tmp/cv.json" || fail "json schema"
grep -q '"k": 5' "$tmp/cv.json" || fail "json folds"

# A deliberately worse model (almost no weight allowed) fails: exit 3 and
# one line per metric.
status $RUN "$BIN/churn-eval" --cv 5 --data datasets/mlc_churn.csv \
    --label churn --C 1e-6 --bootstrap 0 -q --baseline "$BASE" \
    --metric auc,pr_auc
[ $rc -eq 3 ] || fail "worse model should exit 3, got $rc"
n='0\.[0-9]*'
line="^churn-eval: gate failed: auc dropped by $n (baseline $n, now $n;"
grep -q "$line allowed 0\.0100)\$" "$tmp/err.txt" || fail "auc failure line"
grep -q 'gate failed: pr_auc dropped' "$tmp/err.txt" || fail "pr_auc line"

# A model file evaluated on data: the report, then a model trained
# without the strongest column has another feature set: exit 3.
"$BIN/churn-train" -q --data datasets/mlc_churn.csv --label churn \
    -o "$tmp/m.churn"
$RUN "$BIN/churn-eval" --model "$tmp/m.churn" --data datasets/mlc_churn.csv \
    --label churn --threshold 0.3 --offer-cost 2 --customer-value 50 \
    --json "$tmp/m.json" > "$tmp/m.txt"
grep -q '^  rows  *5000 (707 churned, 14.14%)' "$tmp/m.txt" || fail "rows"
grep -q '^At threshold 0.3' "$tmp/m.txt" || fail "threshold"
grep -q 'offer cost 2, kept customer worth 50' "$tmp/m.txt" || fail "profit"
grep -q '"model_family": "logistic"' "$tmp/m.json" || fail "json model"
grep -q '"permutation_auc_drop": 0\.' "$tmp/m.json" || fail "json importance"
sed -n '/^Feature importance/,$p' "$tmp/m.txt" | sed -n 3p |
    grep -q '^  number_customer_service_calls ' ||
    fail "service calls should matter most"
col=$(head -1 datasets/mlc_churn.csv | tr -d '"' | tr , '\n' |
    grep -n '^total_day_minutes$' | cut -d: -f1)
cut -d, -f"$col" --complement datasets/mlc_churn.csv > "$tmp/fewer.csv"
"$BIN/churn-train" -q --data "$tmp/fewer.csv" --label churn -o "$tmp/f.churn"
status $RUN "$BIN/churn-eval" --model "$tmp/f.churn" --data "$tmp/fewer.csv" \
    --label churn -q --baseline "$tmp/m.json" --bootstrap 0
[ $rc -eq 3 ] || fail "other features should exit 3, got $rc"
grep -q "gate failed: features differ: baseline has 19, now 18; missing \
'total_day_minutes'" "$tmp/err.txt" || fail "features line"

# Errors: an unknown metric is a usage error; a broken baseline names
# its line and column.
status $RUN "$BIN/churn-eval" --model "$tmp/m.churn" --bootstrap 0 \
    --data datasets/mlc_churn.csv --label churn -q --baseline "$BASE" \
    --metric auc,rows
[ $rc -eq 2 ] || fail "--metric rows should exit 2"
grep -q "'rows' is not a metric the gate can compare" "$tmp/err.txt" ||
    fail "metric message"
printf '{"schema": "churn-eval",\n "version": 1,, }\n' > "$tmp/bad.json"
status $RUN "$BIN/churn-eval" --model "$tmp/m.churn" --bootstrap 0 \
    --data datasets/mlc_churn.csv --label churn -q --baseline "$tmp/bad.json"
[ $rc -eq 14 ] || fail "broken baseline should exit 14 (parse error)"
grep -q "bad.json:2:" "$tmp/err.txt" || fail "broken baseline place"
exit 0
