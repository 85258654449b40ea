#!/bin/sh
# vocab.sh - one vocabulary across the tools: one --version format, help
# descriptions in one column, help and errors that agree, options given to
# a family they do not apply to refused, churn-eval --cv --model NAME with
# churn-train's training options, and header errors that show what was
# meant (the closest column, the delimiter).
set -eu
BIN=${BUILD:-build}/bin
RUN=${TEST_WRAPPER:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "vocab.sh: $*" >&2; exit 1; }
tools="churn-train churn-score churn-eval churn-features churn-segment
churn-synth"

# "TOOL (churn) X.Y.Z", the same for all six.
for t in $tools; do
    $RUN "$BIN/$t" --version >"$tmp/v"
    grep -qE "^$t \\(churn\\) [0-9]+\\.[0-9]+\\.[0-9]+\$" "$tmp/v" ||
        fail "$t --version: $(cat "$tmp/v")"
done

# Every option line of every --help (up to the examples) has its
# description at column 28, or none on its line (then it is on the next).
for t in $tools; do
    $RUN "$BIN/$t" --help | awk -v t="$t" '
        /^Example/ { exit }
        /^  -|^      --/ {
            s = $0
            sub(/^ +/, "", s)
            if (index(s, "  ") == 0 && length($0) <= 27) next
            if (substr($0, 26, 2) != "  " || substr($0, 28, 1) == " ") {
                print t ": description not at column 28: " $0; bad = 1
            }
        }
        END { exit bad }' || fail "$t --help columns"
done

# --validation: the help's range is the one the error enforces.
$RUN "$BIN/churn-train" --help | grep -q -- '--validation F .*0 to 0\.9$' ||
    fail "--validation help"
set +e
$RUN "$BIN/churn-train" --data x.csv --validation 0.95 -o "$tmp/m" \
    2>"$tmp/err"
rc=$?
set -e
[ $rc -eq 2 ] && grep -q 'out of range \[0, 0.9\]' "$tmp/err" ||
    fail "--validation 0.95: $rc $(cat "$tmp/err")"

# usage_error TOOL ARGS... MESSAGE: exit 2 with MESSAGE on stderr.
usage_error() {
    tool=$1
    shift
    msg=$(eval "echo \${$#}")
    args=""
    while [ $# -gt 1 ]; do args="$args $1"; shift; done
    set +e
    # shellcheck disable=SC2086
    $RUN "$BIN/$tool" $args >/dev/null 2>"$tmp/err"
    rc=$?
    set -e
    [ $rc -eq 2 ] || fail "$tool$args: exit $rc, not 2"
    grep -qF -- "$msg" "$tmp/err" || fail "$tool$args: $(cat "$tmp/err")"
}
D="--data datasets/mlc_churn.csv --label churn"
usage_error churn-train $D -o "$tmp/m" --model logistic --kernel rbf \
    "--kernel applies to --model svm or auto, not --model logistic"
usage_error churn-train $D -o "$tmp/m" --model svm --trees 5 \
    "--trees applies to --model gbdt, not --model svm"
usage_error churn-train $D -o "$tmp/m" --model gbdt --C 2 \
    "--C applies to --model logistic, svm, survival or auto, not --model gbdt"
usage_error churn-train $D -o "$tmp/m" --horizon 30 \
    "--horizon applies to --model survival"
usage_error churn-eval --cv 2 $D --model logistic --gamma 1 \
    "--gamma applies to --model svm or auto, not --model logistic"
usage_error churn-eval --cv 2 $D --family logistic --model svm \
    "--model svm and --family logistic"
usage_error churn-eval --cv 2 $D --model datasets/mlc_churn.csv \
    "--model names the family"
usage_error churn-eval --model "$tmp/m" $D --C 2 \
    "training options (such as --C or --kernel) need --cv K"
usage_error churn-eval --model "$tmp/m" $D --family svm \
    "--family svm needs --cv K"

# --threads is every thread of churn-train: the readers' for any family
# (a history's log and the CSV; the same result for any number), and
# XGBoost's too for gbdt. It was once XGBoost's only, a usage error for
# the other families that hid the readers' --threads.
$RUN "$BIN/churn-synth" -q --customers 300 -s 4 -o "$tmp/h" ||
    fail "churn-synth"
for n in 1 2; do
    $RUN "$BIN/churn-train" --events "$tmp/h/events.csv" \
        --as-of 2025-01-01 --horizon 60 --model logistic --validation 0 \
        --threads $n -q -o "$tmp/t$n.churn" ||
        fail "churn-train --events --threads $n --model logistic"
    grep -v '^created \|^metric train_seconds \|^checksum ' \
        "$tmp/t$n.churn" > "$tmp/t$n.txt"
done
cmp -s "$tmp/t1.txt" "$tmp/t2.txt" ||
    fail "--threads 1 and 2 read the log to different models"

# churn-eval --cv takes the family with --model and training options
# through churn-train's parser: --family is the same; --C reaches the fit.
cv() {
    # shellcheck disable=SC2086
    $RUN "$BIN/churn-eval" --cv 2 $D --bootstrap 0 --no-importance -q \
        --json "$tmp/cv.json" "$@"
    grep -o '"log_loss": *[0-9.e-]*' "$tmp/cv.json" | head -n 1
}
a=$(cv --model logistic --C 0.5)
b=$(cv --family logistic --C 0.5)
c=$(cv --model logistic --C 0.0001)
[ -n "$a" ] && [ "$a" = "$b" ] || fail "--model vs --family: '$a' '$b'"
[ "$a" != "$c" ] || fail "--C did not reach the cross-validated fit"

# Header errors: the closest column, the delimiter set wrong (exit 10 +
# EFORMAT).
set +e
$RUN "$BIN/churn-train" --data datasets/mlc_churn.csv --label churned \
    -o "$tmp/m" 2>"$tmp/err"
rc=$?
set -e
[ $rc -eq 15 ] || fail "missing label: exit $rc"
grep -qF "did you mean 'churn'? (columns: state," "$tmp/err" ||
    fail "missing label: $(cat "$tmp/err")"
grep -qF "number_customer_service_calls, churn)" "$tmp/err" ||
    fail "missing label, whole list: $(cat "$tmp/err")"
printf 'id;x;churned\na;1;0\nb;2;1\n' >"$tmp/semi.csv"
set +e
$RUN "$BIN/churn-train" --data "$tmp/semi.csv" --delimiter , -o "$tmp/m" \
    2>"$tmp/err"
rc=$?
set -e
[ $rc -eq 15 ] || fail "semicolons: exit $rc"
grep -qF "the header has no comma but 2 semicolons: is the delimiter ';'? (--delimiter ';' or auto reads it)" \
    "$tmp/err" || fail "semicolons: $(cat "$tmp/err")"
exit 0
