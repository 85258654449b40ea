#!/bin/sh
# gbdt.sh - churn-train --model gbdt through the whole CLI path: the
# telecom table's even rows train, odd rows test (AUC >= 0.915), the same
# model file twice, TreeSHAP reasons, calibration on request, usage errors.
set -eu
BIN=${BUILD:-build}/bin
RUN=${TEST_WRAPPER:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "gbdt.sh: $*" >&2; exit 1; }

$RUN "$BIN/churn-train" --help | grep -q -- '--trees N' || fail "help"
$RUN "$BIN/churn-train" --help | grep -q -- '--min-child-weight X' \
    || fail "help"
# Open MPI's own allocations at MPI_Init (the --mpi cases) are never
# freed: under the sanitizers those runs alone skip the leak check, which
# would change their exit status.
nompi_leaks=ASAN_OPTIONS=${ASAN_OPTIONS:-}
[ -n "${SAN_FLAGS:-}" ] &&
    nompi_leaks="ASAN_OPTIONS=detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
set +e
for bad in "--trees 5" "--model svm --depth 3" "--model auto --lambda 2" \
           "--model gbdt --kernel linear" "--model gbdt --C 2" \
           "--model gbdt --gamma 1" "--model gbdt --trees 0" \
           "--model gbdt --depth 65" "--model gbdt --learning-rate 0" \
           "--model gbdt --subsample 1.5" "--model gbdt --colsample 0" \
           "--model gbdt --min-child-weight -1" "--model gbdt --lambda x" \
           "--model gbdt --threads 0" "--model gbdt --early-stopping -1" \
           "--early-stopping 5" "--model gbdt --mpi"; do
    # shellcheck disable=SC2086
    env "$nompi_leaks" $RUN "$BIN/churn-train" --data datasets/mlc_churn.csv \
        --label churn -o "$tmp/x.churn" $bad >/dev/null 2>"$tmp/err"
    [ $? -eq 2 ] || fail "'$bad' should exit 2"
done
set -e
env "$nompi_leaks" $RUN "$BIN/churn-train" --data datasets/mlc_churn.csv \
    --label churn -o "$tmp/x.churn" --model gbdt --mpi 2>&1 >/dev/null \
    | grep -q 'model gbdt has no distributed fit' || fail "--mpi message"

awk 'NR == 1 || NR % 2 == 0' datasets/mlc_churn.csv > "$tmp/train.csv"
awk 'NR == 1 || NR % 2 == 1' datasets/mlc_churn.csv > "$tmp/test.csv"
for i in 1 2; do
    $RUN "$BIN/churn-train" --data "$tmp/train.csv" --label churn \
        --model gbdt -o "$tmp/g$i.churn" > "$tmp/summary.txt"
    grep -v '^created \|^metric train_seconds \|^checksum ' "$tmp/g$i.churn" \
        > "$tmp/g$i.txt"
done
cmp -s "$tmp/g1.txt" "$tmp/g2.txt" || fail "same rows, same model file"
# Two XGBoost threads, twice: the same file again.
for i in 3 4; do
    $RUN "$BIN/churn-train" --data "$tmp/train.csv" --label churn -q \
        --model gbdt --threads 2 --subsample 0.8 -o "$tmp/g$i.churn"
    grep -v '^created \|^metric train_seconds \|^checksum ' "$tmp/g$i.churn" \
        > "$tmp/g$i.txt"
done
cmp -s "$tmp/g3.txt" "$tmp/g4.txt" || fail "--threads 2: same model file"
grep -q '^model  *gbdt, [0-9]* trees, trained on 2500 rows' \
    "$tmp/summary.txt" || fail "summary model line"
grep -qx 'classifier gbdt 73' "$tmp/g1.churn" || fail "classifier section"
grep -q '^xgboost-ubj [0-9]* [0-9]*$' "$tmp/g1.churn" || fail "booster"
grep -qx 'calibration none' "$tmp/g1.churn" || fail "no calibration"
grep -q '^numeric total_day_minutes .* kept$' "$tmp/g1.churn" \
    || fail "missing values kept"

$RUN "$BIN/churn-eval" --model "$tmp/g1.churn" --data "$tmp/test.csv" \
    --label churn --json "$tmp/eval.json" --html "$tmp/eval.html" \
    > "$tmp/eval.txt"
grep -q '<th>mean |SHAP|</th>' "$tmp/eval.html" || fail "html mean |SHAP|"
grep -q '^  input  *AUC lost |coefficient|   mean |SHAP|$' "$tmp/eval.txt" \
    || fail "mean |SHAP| column"
grep -q '"mean_abs_shap": *0\.[0-9]' "$tmp/eval.json" || fail "json mean_abs_shap"
auc=$(awk '$1 == "ROC" && $2 == "AUC" { print $3 }' "$tmp/eval.txt")
awk -v a="$auc" 'BEGIN { exit !(a >= 0.915) }' \
    || fail "test AUC $auc below 0.915"

# Reasons: TreeSHAP summed over a column's levels, today's format.
$RUN "$BIN/churn-score" --model "$tmp/g1.churn" --data "$tmp/test.csv" \
    --top 3 > "$tmp/top.csv"
sed -n 2p "$tmp/top.csv" | grep -q ',high,[a-z_]*=[^ ]* (+[0-9.]*); ' \
    || fail "gbdt reasons"

$RUN "$BIN/churn-train" --data "$tmp/train.csv" --label churn --model gbdt \
    --calibration isotonic --trees 20 --depth 3 --learning-rate 0.2 \
    --subsample 0.8 --colsample 0.8 --min-child-weight 2 --lambda 2 \
    --threads 2 -q -o "$tmp/iso.churn"
grep -q '^calibration isotonic [0-9]' "$tmp/iso.churn" || fail "isotonic"
# Without early stopping, every --trees round.
$RUN "$BIN/churn-train" --data "$tmp/train.csv" --label churn --model gbdt \
    --early-stopping 0 --trees 7 --validation 0 -o "$tmp/e0.churn" \
    | grep -q '^model  *gbdt, 7 trees' || fail "--early-stopping 0"
exit 0
