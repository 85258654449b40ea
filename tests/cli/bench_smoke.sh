#!/bin/sh
# bench_smoke.sh - the benchmark suite at a tiny size (tests/bench/run
# --smoke): every row of the target table is measured and reported, and
# churn-features agrees with the pandas reference and the DuckDB query.
# Never asserts on time.
# Peers that are not installed are skipped; without python3, so is this.
set -u
build=${BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
    echo "bench_smoke.sh: $*" >&2
    exit 1
}
py=/usr/bin/python3
[ -x "$py" ] || py=$(command -v python3 || true)
if [ -z "$py" ]; then
    echo "bench_smoke.sh: skipped: python3 not installed"
    exit 0
fi

# scikit-learn is left out here: importing it alone takes seconds.
tests/bench/run "$build" --smoke --work "$tmp" \
    --peers numpy,pandas,liblinear-train,liblinear-predict,svm-train,duckdb,xgboost \
    >"$tmp/log" 2>&1 || fail "the suite failed: $(tail -n 5 "$tmp/log")"
md=$tmp/BENCHMARKS.md
[ -s "$md" ] || fail "no report written"
for work in '`churn-features`' '`churn-train --model logistic`' \
    '`churn-train --model svm --kernel rbf`' '`--kernel rbf-approx`' \
    '`churn_model_predict` in memory' '`churn-score` from CSV' \
    'number parsing (`churn__parse_double`)' '`churn-train --model gbdt`'; do
    grep -qF "| $work |" "$md" || fail "no target row for $work"
done
if command -v mawk >/dev/null; then
    grep -qF '| `churn-score --top 100` |' "$md" ||
        fail "no churn-score --top 100 against mawk row"
    grep -qF '| `churn-score`, full ranking with 3 reasons |' "$md" ||
        fail "no full ranking against mawk row"
fi
grep -q '^| CPU |' "$md" || fail "no machine description"
grep -q 'Outputs differ' "$md" &&
    fail "churn-features and the pandas reference differ: $(grep -A5 'Outputs differ' "$md")"
if "$py" -c 'import pandas' 2>/dev/null; then
    grep -q '^Same output: churn-features and the pandas reference agree' \
        "$md" || fail "the feature check did not run"
fi
if command -v node >/dev/null &&
    [ -d tests/bench/node_modules/@duckdb/node-api ]; then
    grep -q '^Same output: churn-features and the DuckDB query agree' \
        "$md" || fail "the DuckDB feature check did not run"
fi
if [ -x "$build/bench/bench_parse" ]; then # built by make bench only
    grep -q 'same bits |' "$md" ||
        fail "churn__parse_double and strtod differ: $(grep 'number parsing' "$md")"
fi
# The logistic model learns the generator's signal (held-out AUC), and
# liblinear, fitting the same objective, ranks the rows the same way.
auc=$(sed -n 's/^Held-out AUC ([0-9]* rows): churn \([0-9.]*\), liblinear.*/\1/p' "$md")
[ -n "$auc" ] || fail "no held-out AUC for the logistic row"
awk -v a="$auc" 'BEGIN { exit !(a > 0.65) }' ||
    fail "logistic held-out AUC $auc is not above 0.65"
if command -v liblinear-train >/dev/null; then
    ll=$(sed -n 's/^Held-out AUC ([0-9]* rows): churn [0-9.]*, liblinear-train \([0-9.]*\),.*/\1/p' "$md")
    awk -v a="$auc" -v b="$ll" 'BEGIN { d = a - b; exit !(d < 0.01 && d > -0.01) }' ||
        fail "logistic AUC $auc far from liblinear's $ll"
fi
# The gbdt row: the same rows and parameters as XGBoost's own tool, so
# the same held-out AUC.
if command -v xgboost >/dev/null; then
    grep -q '^| `churn-train --model gbdt` |.*AUC \([0-9.]*\) vs \1;' "$md" ||
        fail "gbdt AUC differs from the xgboost tool's: $(grep -F 'model gbdt`' "$md")"
fi
# The data generator's table mode: seeded, labeled, the asked shape.
bin=$build/bin/churn-synth
"$bin" --table 50 --features 3 --seed 9 -q -o "$tmp/a.csv" || fail "--table"
"$bin" --table 50 --features 3 --seed 9 -q -o "$tmp/b.csv" || fail "--table"
cmp -s "$tmp/a.csv" "$tmp/b.csv" || fail "--table is not deterministic"
head -n 1 "$tmp/a.csv" | grep -qx 'customer_id,x1,x2,x3,churned' ||
    fail "--table header: $(head -n 1 "$tmp/a.csv")"
[ "$(wc -l <"$tmp/a.csv")" -eq 51 ] || fail "--table row count"
awk -F, 'NR > 1 && (NF != 5 || ($5 != 0 && $5 != 1)) { bad = 1 }
    END { exit bad }' "$tmp/a.csv" || fail "--table rows malformed"
"$bin" --table 0 -o "$tmp/c.csv" 2>/dev/null
[ $? -eq 2 ] || fail "--table 0 is not a usage error"
exit 0
