#!/bin/sh
# train_score.sh - churn-train and churn-score on the bundled telecom data:
# the contracts of --help, the summary, the ranked file and the errors.
set -eu
BIN=${BUILD:-build}/bin
RUN=${TEST_WRAPPER:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "train_score.sh: $*" >&2; exit 1; }

$RUN "$BIN/churn-train" --help | grep -q 'Usage: churn-train' || fail "help"
set +e
$RUN "$BIN/churn-train" --bogus >/dev/null 2>&1; [ $? -eq 2 ] || fail "bad flag should exit 2"
$RUN "$BIN/churn-train" --data datasets/mlc_churn.csv >/dev/null 2>&1; [ $? -eq 2 ] || fail "missing -o should exit 2"
# An empty --positive is a usage error (it was "out of memory", exit 1).
$RUN "$BIN/churn-train" --data datasets/mlc_churn.csv --label churn \
    --positive '' -o "$tmp/p.churn" >/dev/null 2>"$tmp/err.txt"
[ $? -eq 2 ] || fail "empty --positive should exit 2"
grep -q 'positive needs the label value' "$tmp/err.txt" ||
    fail "empty --positive: $(cat "$tmp/err.txt")"
set -e

$RUN "$BIN/churn-train" --data datasets/mlc_churn.csv --label churn \
    -o "$tmp/m.churn" > "$tmp/summary.txt"
grep -q '^rows  *5000 (5000 labeled)' "$tmp/summary.txt" || fail "summary rows"
grep -q '^churn rate  *14.14%' "$tmp/summary.txt" || fail "summary churn rate"
auc=$(sed -n 's/^validation  *AUC \([0-9.]*\).*/\1/p' "$tmp/summary.txt")
[ -n "$auc" ] || fail "summary has no validation AUC"
head -1 "$tmp/m.churn" | grep -qx 'churn-model 1' || fail "model header"

# Scoring: header, one row per customer, probabilities descending, tiers.
$RUN "$BIN/churn-score" --model "$tmp/m.churn" --data datasets/mlc_churn.csv \
    -o "$tmp/ranked.csv" 2>/dev/null
head -1 "$tmp/ranked.csv" | grep -qx 'customer_id,probability,rank,tier,reasons' \
    || fail "ranked header"
[ "$(wc -l < "$tmp/ranked.csv")" -eq 5001 ] || fail "ranked rows"
awk -F, 'NR > 1 { if (NR > 2 && $2 > prev) bad = 1; prev = $2;
                  if ($3 != NR - 1) bad = 1;
                  t = $2 >= 0.5 ? "high" : $2 >= 0.2 ? "medium" : "low";
                  if ($4 != t) bad = 1 }
         END { exit bad }' "$tmp/ranked.csv" || fail "ranking order, ranks or tiers"
sed -n 2p "$tmp/ranked.csv" | grep -q '=.*(+[0-9.]*); ' || fail "reasons"
$RUN "$BIN/churn-score" --model "$tmp/m.churn" --data datasets/mlc_churn.csv \
    --top 10 > "$tmp/top.csv"
[ "$(wc -l < "$tmp/top.csv")" -eq 11 ] || fail "--top 10"

# A column the model needs is missing: exit 15 (format error), the message names it, and
# an existing output file is left as it was.
cut -d, -f1-5,7- datasets/mlc_churn.csv > "$tmp/no_vmail.csv"
echo "keep me" > "$tmp/out.csv"
set +e
$RUN "$BIN/churn-score" --model "$tmp/m.churn" --data "$tmp/no_vmail.csv" \
    -o "$tmp/out.csv" 2> "$tmp/err.txt"
rc=$?
set -e
[ $rc -eq 15 ] || fail "missing column should exit 15, got $rc"
grep -q 'number_vmail_messages' "$tmp/err.txt" || fail "error names the column"
[ "$(cat "$tmp/out.csv")" = "keep me" ] || fail "output clobbered on error"

# A damaged model is refused with the reason.
sed 's/^intercept .*/intercept 0.5/' "$tmp/m.churn" > "$tmp/bad.churn"
set +e
$RUN "$BIN/churn-score" --model "$tmp/bad.churn" --data datasets/mlc_churn.csv \
    > /dev/null 2> "$tmp/err.txt"
rc=$?
set -e
[ $rc -eq 18 ] || fail "damaged model should exit 18 (checksum)"
grep -q 'checksum' "$tmp/err.txt" || fail "damaged model message"

# Against a previous run: the change columns, and the early-warning list
# holds exactly the rows flagged escalated.
awk -F, 'BEGIN { OFS = "," } NR == 1 { print; next }
         { $4 = ($4 == "high") ? "medium" : $4; print }' "$tmp/ranked.csv" \
    > "$tmp/previous.csv"
$RUN "$BIN/churn-score" --model "$tmp/m.churn" --data datasets/mlc_churn.csv \
    --previous "$tmp/previous.csv" -o "$tmp/again.csv" 2> "$tmp/err.txt"
head -1 "$tmp/again.csv" | grep -q ',previous_probability,change,previous_tier,escalated$' \
    || fail "change columns"
high=$(awk -F, 'NR > 1 && $4 == "high"' "$tmp/ranked.csv" | wc -l)
grep -q "$high moved into a higher-risk tier" "$tmp/err.txt" ||
    fail "escalation count: $(cat "$tmp/err.txt")"
$RUN "$BIN/churn-score" --model "$tmp/m.churn" --data datasets/mlc_churn.csv \
    --previous "$tmp/previous.csv" --escalated-only > "$tmp/warn.csv"
[ "$(($(wc -l < "$tmp/warn.csv") - 1))" -eq "$high" ] || fail "--escalated-only rows"

# Straight from histories: the same model as from the feature file.
"$BIN/churn-synth" -q -o "$tmp/hist" --customers 400 --seed 5
"$BIN/churn-features" --events "$tmp/hist/events.csv" \
    --customers "$tmp/hist/customers.csv" --as-of 2025-01-01 --horizon 90 \
    -o "$tmp/features.csv" 2>/dev/null
$RUN "$BIN/churn-train" --quiet --data "$tmp/features.csv" -o "$tmp/f.churn"
$RUN "$BIN/churn-train" --quiet --events "$tmp/hist/events.csv" \
    --customers "$tmp/hist/customers.csv" --as-of 2025-01-01 --horizon 90 \
    -o "$tmp/e.churn"
# Category levels may come in another order (customers.csv against the
# feature file), so compare what the models say, not their text.
"$BIN/churn-score" --model "$tmp/f.churn" --data "$tmp/features.csv" \
    > "$tmp/f.csv"
"$BIN/churn-score" --model "$tmp/e.churn" --data "$tmp/features.csv" \
    > "$tmp/e.csv"
awk -F, 'NR == FNR { p[$1] = $2; next }
         FNR > 1 { d = p[$1] - $2; if (d < 0) d = -d; if (d > 1e-9) bad++ }
         END { exit bad > 0 }' "$tmp/f.csv" "$tmp/e.csv" ||
    fail "--events and --data models score differently"
set +e
$RUN "$BIN/churn-train" --events "$tmp/hist/events.csv" -o "$tmp/x.churn" \
    2> "$tmp/err.txt"
rc=$?
set -e
[ $rc -eq 2 ] || fail "--events without --as-of should exit 2"
grep -q -- '--as-of is required' "$tmp/err.txt" || fail "--as-of message"
exit 0
