#!/bin/sh
# auto.sh - churn-train --model auto through the whole CLI path: the
# leaderboard on the terminal (every candidate, the kept one starred),
# the telecom table's even rows train and odd rows test (AUC >= 0.905,
# measured 0.9252: the search keeps gbdt; without it the best is ~0.87),
# --time-budget, --search-rows, usage errors. The search runs on a sample
# of 1250 rows (--search-rows) to keep its cost to about 8 s of CPU.
set -eu
BIN=${BUILD:-build}/bin
RUN=${TEST_WRAPPER:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "auto.sh: $*" >&2; exit 1; }

$RUN "$BIN/churn-train" --help | grep -q -- '--time-budget S' || fail "help"
$RUN "$BIN/churn-train" --help | grep -q -- '--search-rows N' || fail "help"
set +e
for bad in "--time-budget -1" "--time-budget x" "--search-rows -3"; do
    # shellcheck disable=SC2086
    $RUN "$BIN/churn-train" --data datasets/mlc_churn.csv --label churn \
        --model auto -o "$tmp/x.churn" $bad >/dev/null 2>&1
    [ $? -eq 2 ] || fail "'$bad' should exit 2"
done
set -e

awk 'NR == 1 || NR % 2 == 0' datasets/mlc_churn.csv > "$tmp/train.csv"
awk 'NR == 1 || NR % 2 == 1' datasets/mlc_churn.csv > "$tmp/test.csv"
$RUN "$BIN/churn-train" --data "$tmp/train.csv" --label churn --model auto \
    --validation 0 --search-rows 1250 -o "$tmp/a.churn" > "$tmp/out.txt"
grep -q '^search  *53 candidates, 3-fold CV on 12[0-9][0-9] rows, by auc' \
    "$tmp/out.txt" || fail "leaderboard title: $(head -2 "$tmp/out.txt")"
grep -q '^  *# family  *parameters  *weight  *auc  *sd  *fit s$' \
    "$tmp/out.txt" || fail "leaderboard header"
[ "$(grep -c '^  *[0-9][0-9]*[* ] ' "$tmp/out.txt")" -eq 53 ] \
    || fail "leaderboard rows"
[ "$(grep -c '^  *[0-9][0-9]*[* ] logistic  *C ' "$tmp/out.txt")" -eq 4 ] \
    || fail "logistic rows"
[ "$(grep -c '^  *[0-9][0-9]*[* ] gbdt  *depth ' "$tmp/out.txt")" -eq 9 ] \
    || fail "gbdt rows"
# The first row is the kept one, and the model is its family.
grep -q '^  *1\* gbdt ' "$tmp/out.txt" || fail "kept: $(sed -n 3p "$tmp/out.txt")"
grep -q '^model  *gbdt, ' "$tmp/out.txt" || fail "summary model"
grep -q '^search auc 12[0-9][0-9] [0-9]* 53$' "$tmp/a.churn" \
    || fail "model file search section"
$RUN "$BIN/churn-eval" --model "$tmp/a.churn" --data "$tmp/test.csv" \
    --json "$tmp/a.json" > "$tmp/eval.txt"
auc=$(awk '/ROC AUC/ {print $3; exit}' "$tmp/eval.txt")
awk -v a="$auc" 'BEGIN { exit !(a >= 0.905) }' \
    || fail "telecom odd rows AUC $auc < 0.905"
grep -q '"leaderboard": {' "$tmp/a.json" || fail "JSON leaderboard"

# A budget that is over at once: the first candidate is kept, the others
# are listed as skipped and the terminal says so.
$RUN "$BIN/churn-train" --data "$tmp/train.csv" --label churn --model auto \
    --validation 0 --time-budget 0.000001 -o "$tmp/b.churn" > "$tmp/b.txt"
grep -qx 'search         52 of 53 candidates skipped: the time budget ran out' \
    "$tmp/b.txt" || fail "skipped line: $(tail -3 "$tmp/b.txt")"
[ "$(grep -c ' skipped  *-  *-$' "$tmp/b.txt")" -eq 52 ] || fail "skipped rows"
grep -q '^  *1\* logistic  *C 0.01 ' "$tmp/b.txt" || fail "kept the first"
grep -q '^model  *logistic, C 0.01' "$tmp/b.txt" || fail "budget model"

# Without a search there is no leaderboard; -q prints none.
$RUN "$BIN/churn-train" --data "$tmp/train.csv" --label churn \
    --validation 0 -o "$tmp/c.churn" > "$tmp/c.txt"
! grep -q '^search' "$tmp/c.txt" || fail "leaderboard without a search"
! grep -q '^search' "$tmp/c.churn" || fail "search section without one"
$RUN "$BIN/churn-train" --data "$tmp/train.csv" --label churn --model auto \
    --validation 0 --time-budget 0.000001 -q -o "$tmp/d.churn" > "$tmp/d.txt"
[ ! -s "$tmp/d.txt" ] || fail "-q printed"
