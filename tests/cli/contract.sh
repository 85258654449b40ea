#!/bin/sh
# contract.sh - the tables' data contract through the tools: one bad cell
# in a numeric column of the bundled table stops training, scoring and
# evaluation alike at FILE:LINE:COLUMN; --categorical, --numeric and
# --drop say what a column is; an id column under another name is found
# by name and reported in the summaries; an id-like text column is
# refused with the way out.
set -u
BIN=${BUILD:-build}/bin
RUN=${TEST_WRAPPER:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/churn-contract-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "contract.sh: $*" >&2; failures=$((failures + 1)); }

# Runs a tool; its exit status in $rc, stderr's first line in $err.
run() {
    $RUN "$BIN/$@" > "$tmp/out" 2> "$tmp/err"
    rc=$?
    err=$(head -n 1 "$tmp/err")
}

T=datasets/mlc_churn.csv
"$BIN/churn-train" -q --data $T --label churn -o "$tmp/clean.churn" ||
    { echo "contract.sh: training on $T failed" >&2; exit 1; }

# Case 1: 'unknown' in total_day_minutes (field 7) on line 8.
bad=$tmp/bad.csv
awk -F, 'BEGIN { OFS = "," } NR == 8 { $7 = "unknown" } { print }' $T > "$bad"
msg="$bad:8:40: 'unknown' in column 'total_day_minutes' is not a number (1 bad cell, 4999 numbers); fix it, leave it empty or NA, or declare the column with --categorical total_day_minutes"
run churn-train --data "$bad" --label churn -o "$tmp/m.churn"
[ "$rc" -eq 14 ] && [ "$err" = "churn-train: $msg" ] ||
    fail "train on one bad cell: exit $rc: $err"
[ ! -e "$tmp/m.churn" ] || fail "a model was written despite the error"
run churn-eval --cv 3 --data "$bad" --label churn
[ "$rc" -eq 14 ] && [ "$err" = "churn-eval: $msg" ] ||
    fail "eval on one bad cell: exit $rc: $err"
run churn-score --model "$tmp/clean.churn" --data "$bad" -o "$tmp/r.csv"
[ "$rc" -eq 14 ] &&
    [ "$err" = "churn-score: $bad:8:40: 'unknown' in numeric column 'total_day_minutes' is not a finite number (1 bad cell, 4999 numbers); fix it or leave it empty or NA" ] ||
    fail "score on one bad cell: exit $rc: $err"
# The ways out: an empty cell or NA reads; --categorical reads it as
# levels, which training then refuses as too many.
awk -F, 'BEGIN { OFS = "," } NR == 8 { $7 = "NA" } { print }' $T \
    > "$tmp/na.csv"
run churn-train -q --data "$tmp/na.csv" --label churn -o "$tmp/m.churn"
[ "$rc" -eq 0 ] || fail "NA in the cell: exit $rc: $err"
run churn-train --data "$bad" --label churn --categorical total_day_minutes \
    -o "$tmp/m.churn"
[ "$rc" -eq 15 ] &&
    [ "$err" = "churn-train: column 'total_day_minutes' has 1795 levels, more than the 1000 a categorical input may have; name it the id (--id total_day_minutes), leave it out (--drop total_day_minutes) or group its levels" ] ||
    fail "--categorical: exit $rc: $err"
run churn-train -q --data "$bad" --label churn --drop total_day_minutes \
    -o "$tmp/m.churn"
[ "$rc" -eq 0 ] || fail "--drop: exit $rc: $err"
run churn-score --model "$tmp/m.churn" --data "$bad" \
    --drop total_day_minutes -o "$tmp/r.csv"
[ "$rc" -eq 0 ] || fail "score with --drop: exit $rc: $err"
run churn-train --data $T --label churn --drop no_such -o "$tmp/m.churn"
[ "$rc" -eq 15 ] && case $err in
    "churn-train: $T:1: dropped column 'no_such' is not in the header"*) ;;
    *) false ;; esac || fail "--drop of an absent column: exit $rc: $err"

# Formatted numbers: an error with the hint, even when every cell is one.
awk -F, 'BEGIN { OFS = "," } NR > 1 { $9 = "$" $9 } { print }' $T \
    > "$tmp/dollars.csv"
run churn-train --data "$tmp/dollars.csv" --label churn -o "$tmp/m.churn"
[ "$rc" -eq 14 ] &&
    [ "$err" = "churn-train: $tmp/dollars.csv:2:50: '\$45.07' in column 'total_day_charge' is a formatted number (5000 bad cells, 0 numbers): write plain numbers (no currency sign, thousands separator or %), leave them empty or NA, or declare the column with --categorical total_day_charge" ] ||
    fail "dollars: exit $rc: $err"

# --numeric: a mostly-text column must then be numbers.
run churn-train --data $T --label churn --numeric state -o "$tmp/m.churn"
[ "$rc" -eq 14 ] && case $err in
    "churn-train: $T:2:1: 'KS' in numeric column 'state' is not a finite number (5000 bad cells, 0 numbers)"*) ;;
    *) false ;; esac || fail "--numeric state: exit $rc: $err"
run churn-train --data $T --label churn --numeric nope -o "$tmp/m.churn"
[ "$rc" -eq 15 ] &&
    [ "$err" = "churn-train: $T: --numeric nope: no such feature column" ] ||
    fail "--numeric of an absent column: exit $rc: $err"

# Case 2: an id column called CustomerID is the id, by name.
awk -F, 'NR == 1 { print "CustomerID," $0; next }
         { printf "C%05d,%s\n", NR - 1, $0 }' $T > "$tmp/ids.csv"
run churn-train --data "$tmp/ids.csv" --label churn -o "$tmp/ids.churn"
[ "$rc" -eq 0 ] || fail "CustomerID: exit $rc: $err"
grep -q '^ids  *CustomerID, found by name$' "$tmp/out" ||
    fail "the summary does not name the id column: $(cat "$tmp/out")"
grep -q '^rows  *5000 (5000 labeled), 19 input columns$' "$tmp/out" ||
    fail "CustomerID was an input: $(grep '^rows' "$tmp/out")"
run churn-score --model "$tmp/ids.churn" --data "$tmp/ids.csv" \
    -o "$tmp/r.csv"
[ "$rc" -eq 0 ] && case $err in
    "churn-score: 5000 customers scored (ids: CustomerID, found by name)"*) ;;
    *) false ;; esac || fail "score summary: $err"
[ "$(sed -n 2p "$tmp/r.csv" | cut -c1)" = C ] ||
    fail "the ranking's ids are not CustomerID's"
run churn-eval --model "$tmp/ids.churn" --data "$tmp/ids.csv" --label churn \
    --bootstrap 0 --no-importance
grep -q '^  ids  *CustomerID, found by name$' "$tmp/out" ||
    fail "churn-eval does not name the id column"
# --id still wins; an id name not in the file is an error.
run churn-train --data "$tmp/ids.csv" --label churn --id CustomerID \
    -o "$tmp/m.churn"
grep -q '^ids  *CustomerID$' "$tmp/out" || fail "--id CustomerID"
run churn-train --data "$tmp/ids.csv" --label churn --id nope \
    -o "$tmp/m.churn"
[ "$rc" -eq 15 ] || fail "--id nope: exit $rc: $err"

# An id-like text column under a name that is no id: refused with the
# way out, which works.
awk -F, 'NR == 1 { print "ref," $0; next }
         { printf "R%05d,%s\n", NR - 1, $0 }' $T > "$tmp/ref.csv"
run churn-train --data "$tmp/ref.csv" --label churn -o "$tmp/m.churn"
[ "$rc" -eq 15 ] &&
    [ "$err" = "churn-train: column 'ref' has 4000 distinct texts in 4000 training rows: it looks like an id, not an input; name it the id (--id ref) or leave it out (--drop ref)" ] ||
    fail "id-like column: exit $rc: $err"
run churn-train -q --data "$tmp/ref.csv" --label churn --drop ref \
    -o "$tmp/m.churn"
[ "$rc" -eq 0 ] || fail "--drop ref: exit $rc: $err"

# The rules are in --help.
for tool in churn-train churn-score churn-eval churn-features; do
    "$BIN/$tool" --help > "$tmp/help"
    for opt in --numeric --categorical --drop; do
        grep -q -- "$opt NAME" "$tmp/help" || fail "$tool --help: no $opt"
    done
    grep -q '12%' "$tmp/help" || fail "$tool --help: no formatted-number rule"
done
"$BIN/churn-train" --help | grep -q 'CustomerID' ||
    fail "churn-train --help: no id rule"

[ "$failures" -eq 0 ] || exit 1
exit 0
