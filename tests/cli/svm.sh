#!/bin/sh
# svm.sh - churn-train's SVM options and churn-score on an SVM model: the
# summary, the model file's sections, usage errors.
set -eu
BIN=${BUILD:-build}/bin
RUN=${TEST_WRAPPER:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "svm.sh: $*" >&2; exit 1; }

$RUN "$BIN/churn-train" --help | grep -q -- '--kernel K' || fail "help"
set +e
for bad in "--model tree" "--model svm --kernel sigmoid" \
           "--calibration magic" "--metric f1" "--degree 0" "--gamma -1" \
           "--kernel rbf-approx --max-rows x" \
           "--kernel rbf-approx --components 0" \
           "--kernel rbf-approx --components 100001"; do
    # shellcheck disable=SC2086
    $RUN "$BIN/churn-train" --data datasets/mlc_churn.csv --label churn \
        -o "$tmp/x.churn" $bad >/dev/null 2>&1
    [ $? -eq 2 ] || fail "'$bad' should exit 2"
done
set -e

$RUN "$BIN/churn-train" --data datasets/mlc_churn.csv --label churn \
    --model svm --kernel linear --calibration isotonic --validation 0 \
    -o "$tmp/m.churn" > "$tmp/summary.txt"
grep -q '^model  *svm, C 1, [0-9]* support vectors' "$tmp/summary.txt" \
    || fail "summary model line"
grep -qx 'classifier svm 73' "$tmp/m.churn" || fail "classifier section"
grep -qx 'kernel linear' "$tmp/m.churn" || fail "kernel line"
grep -q '^calibration isotonic [0-9]' "$tmp/m.churn" || fail "calibration"

$RUN "$BIN/churn-score" --model "$tmp/m.churn" --data datasets/mlc_churn.csv \
    --top 5 > "$tmp/top.csv"
[ "$(wc -l < "$tmp/top.csv")" -eq 6 ] || fail "--top 5 with an svm model"
sed -n 2p "$tmp/top.csv" | grep -q '=.*(+[0-9.]*); ' || fail "svm reasons"

# A search by PR-AUC over logistic regression prints its 4-point grid.
$RUN "$BIN/churn-train" --data datasets/mlc_churn.csv --label churn \
    --search --metric pr_auc -o "$tmp/l.churn" > "$tmp/search.txt"
grep -q '^  *# family  *parameters  *weight  *pr_auc  *sd  *fit s$' "$tmp/search.txt" \
    || fail "search table header"
[ "$(grep -c '^  *[0-9][* ] logistic  *C ' "$tmp/search.txt")" -eq 4 ] \
    || fail "search table rows"
