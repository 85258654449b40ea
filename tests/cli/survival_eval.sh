#!/bin/sh
# survival_eval.sh - churn-eval on a survival model: the C-index against
# an independent O(n^2) pair count over churn-score's probabilities and
# the features' days_to_churn; at the label horizon (nobody censored
# before it) the time-dependent AUC and IPCW Brier equal the plain ones;
# the JSON keys, the HTML section (well-formed), the text, --horizons
# and its usage errors.
set -eu
BIN=${BUILD:-build}/bin
RUN=${TEST_WRAPPER:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "survival_eval.sh: $*" >&2; exit 1; }

$RUN "$BIN/churn-eval" --help | grep -q -- '--horizons D,D' \
    || fail "churn-eval --help: --horizons"
for s in 1 2; do
    $RUN "$BIN/churn-synth" -q -o "$tmp/s$s" -n 1500 -s "$s"
    $RUN "$BIN/churn-features" --events "$tmp/s$s/events.csv" \
        --customers "$tmp/s$s/customers.csv" --as-of 2025-01-01 \
        --horizon 90 -o "$tmp/f$s.csv" 2>/dev/null
done
$RUN "$BIN/churn-train" --data "$tmp/f1.csv" --model survival --horizon 90 \
    -q -o "$tmp/s.churn"
$RUN "$BIN/churn-train" --data "$tmp/f1.csv" -q -o "$tmp/l.churn"

$RUN "$BIN/churn-eval" -m "$tmp/s.churn" -d "$tmp/f2.csv" --bootstrap 0 \
    --no-importance --json "$tmp/r.json" --html "$tmp/r.html" \
    > "$tmp/eval.txt"
grep -q '^  C-index  ' "$tmp/eval.txt" || fail "text: no C-index"
grep -q '^Kaplan-Meier: share still a customer, by tier' "$tmp/eval.txt" \
    || fail "text: no tiers"
# Default horizons H/3, 2H/3, H.
[ "$(grep -c '^  \(30\|60\|90\)  ' "$tmp/eval.txt")" -eq 3 ] \
    || fail "text: horizons $(cat "$tmp/eval.txt")"

# JSON figures, one per line: "key value".
flat() {
    tr -d ' \n' < "$1" | sed 's/[{},[]/\n/g' | sed -n 's/^"\([a-z_]*\)":\([-0-9.eE]*\)$/\1 \2/p'
}
flat "$tmp/r.json" > "$tmp/flat.txt"
for k in c_index comparable_pairs concordant_pairs tied_risk_pairs td_auc \
    brier km_churn mean_predicted calibration_error cases controls \
    km_observed survival at_risk variance; do
    grep -q "^$k " "$tmp/flat.txt" || fail "JSON: no $k"
done
grep -q '"tier": "high"' "$tmp/r.json" || fail "JSON: no high tier"

# The last horizon is 90: its td_auc and brier are the report's auc and
# brier (no row is censored before day 90).
c=$(sed -n 's/^c_index //p' "$tmp/flat.txt" | head -1)
auc=$(sed -n 's/^auc //p' "$tmp/flat.txt" | head -1)
brier=$(sed -n 's/^brier //p' "$tmp/flat.txt" | head -1)
auc90=$(sed -n 's/^td_auc //p' "$tmp/flat.txt" | tail -1)
brier90=$(sed -n 's/^brier //p' "$tmp/flat.txt" | tail -1)
awk -v a="$auc" -v b="$auc90" -v c="$brier" -v d="$brier90" 'BEGIN {
    exit !(a - b < 1e-12 && b - a < 1e-12 && c - d < 1e-12 && d - c < 1e-12) }' \
    || fail "at 90: auc $auc vs $auc90, brier $brier vs $brier90"

# Harrell's C by pairs: risk = P(churn within 90) from churn-score, time =
# days_to_churn (churned) or 90 (censored), from the features.
$RUN "$BIN/churn-score" -m "$tmp/s.churn" -d "$tmp/f2.csv" \
    -o "$tmp/scores.csv" 2>/dev/null
awk -F, -v want="$c" '
    FNR == 1 { next }
    NR == FNR { p[$1] = $2; next }
    { n++; r[n] = p[$1]; e[n] = $(NF-1); t[n] = e[n] == 1 ? $NF : 90 }
    END {
        for (i = 1; i <= n; i++) {
            if (e[i] != 1) continue
            for (j = 1; j <= n; j++) {
                if (j == i || !(t[i] < t[j] || (t[i] == t[j] && e[j] == 0)))
                    continue
                pairs++
                num += r[i] > r[j] ? 1 : r[i] == r[j] ? 0.5 : 0
            }
        }
        got = num / pairs; d = got - want
        if (d > 1e-9 || d < -1e-9) {
            printf "pair count %.17g, churn-eval %s\n", got, want; exit 1 }
    }' "$tmp/scores.csv" "$tmp/f2.csv" || fail "C-index"

command -v xmllint >/dev/null || fail "xmllint missing (tools/install-deps)"
xmllint --noout "$tmp/r.html" || fail "the page is not well-formed"
grep -q 'Survival: time to churn' "$tmp/r.html" || fail "HTML: no section"
grep -q '<path fill="none"' "$tmp/r.html" || fail "HTML: no step curves"

# --horizons picks the horizons; a logistic model or data without
# days_to_churn is a usage error (exit 2).
$RUN "$BIN/churn-eval" -m "$tmp/s.churn" -d "$tmp/f2.csv" --bootstrap 0 \
    --no-importance --horizons 14,45 > "$tmp/h.txt"
[ "$(grep -c '^  \(14\|45\)  ' "$tmp/h.txt")" -eq 2 ] || fail "--horizons"
cols=$(head -1 "$tmp/f2.csv" | tr , '\n' | wc -l)
cut -d, -f1-$((cols - 1)) "$tmp/f2.csv" > "$tmp/no_days.csv"
head -1 "$tmp/no_days.csv" | grep -q ',churned$' || fail "cut the column"
for case in "l.churn f2.csv is logistic" \
    "s.churn no_days.csv needs data with days_to_churn"; do
    set -- $case
    m=$1 d=$2
    shift 2
    set +e
    $RUN "$BIN/churn-eval" -m "$tmp/$m" -d "$tmp/$d" --horizons 30 \
        --bootstrap 0 --no-importance > /dev/null 2> "$tmp/err.txt"
    rc=$?
    set -e
    [ "$rc" -eq 2 ] || fail "--horizons with $m on $d: exit $rc"
    grep -q "$*" "$tmp/err.txt" || fail "$(cat "$tmp/err.txt")"
done
# The gate compares the C-index.
$RUN "$BIN/churn-eval" -m "$tmp/s.churn" -d "$tmp/f2.csv" --bootstrap 0 \
    --no-importance -q --baseline "$tmp/r.json" --metric c_index \
    2> "$tmp/gate.txt" || fail "gate: $(cat "$tmp/gate.txt")"
grep -q 'gate passed.*c_index' "$tmp/gate.txt" || fail "gate: c_index"
# From the history, labelled over another horizon than the model's: the
# censoring would be wrong, a usage error.
set +e
$RUN "$BIN/churn-eval" -m "$tmp/s.churn" --events "$tmp/s2/events.csv" \
    --as-of 2025-01-01 --horizon 60 --bootstrap 0 --no-importance \
    > /dev/null 2> "$tmp/err.txt"
rc=$?
set -e
[ "$rc" -eq 2 ] || fail "--horizon 60 on a 90-day model: exit $rc"
grep -q 'trained over 90 days' "$tmp/err.txt" || fail "$(cat "$tmp/err.txt")"
# Without --horizons, such data just has no survival section.
$RUN "$BIN/churn-eval" -m "$tmp/s.churn" -d "$tmp/no_days.csv" \
    --bootstrap 0 --no-importance --json "$tmp/n.json" > /dev/null
if grep -q '"survival": {' "$tmp/n.json"; then fail "survival without days"; fi
echo "survival_eval.sh: ok"
