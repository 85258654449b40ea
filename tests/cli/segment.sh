#!/bin/sh
# segment.sh - churn-segment end to end: a hand-made log with known
# segments, stages and KPIs; churn-synth output (every customer of the
# population segmented, breakdown sums to the score, churn rate by tier);
# --rules; --help, --version, usage errors (exit 2), bad input (exit 10 + status, no
# output file left behind). Customers who cancelled before the as-of are
# lifecycle lost with their cancel_date and no scores; checked against
# counts awk takes from the event log.
set -u
build=${BUILD:-build}
bin=$build/bin/churn-segment
tmp=$(mktemp -d "${TMPDIR:-/tmp}/churn-cli-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "segment.sh: $*" >&2; exit 1; }

# a: active, bought; b: quiet for exactly 30 days (dormant); c: signed up
# 10 days before (new); d: quiet for 90 days (lost; cancels exist, so d
# stays in the population). e cancelled before the as-of date: out of the
# population, listed as lost with its cancel date and no scores.
cat > "$tmp/events.csv" <<'CSV'
customer_id,timestamp,event,value
a,2023-09-01,signup,
a,2023-12-30,login,
a,2023-12-20,purchase,50
b,2023-09-01,signup,
b,2023-12-02,login,
c,2023-12-22,signup,
c,2023-12-23,login,
d,2023-09-01,signup,
d,2023-10-03,login,
e,2023-09-01,signup,
e,2023-12-01,cancel,
d,2024-01-15,cancel,
CSV

$bin --events "$tmp/events.csv" --as-of 2024-01-01 --horizon 30 \
    --kpi-from 2023-10-01 --kpi-to 2024-01-01 -o "$tmp/seg.csv" \
    > "$tmp/out" 2> "$tmp/err" || fail "run failed: $(cat "$tmp/err")"
want='customer_id,recency_score,frequency_score,monetary_score,rfm_code'
want="$want,rfm_segment,lifecycle_stage,health_score,health_tier"
want="$want,health_activity,health_activity_trend,health_recency"
want="$want,health_tickets,health_satisfaction,health_satisfaction_trend"
want="$want,health_payment_recency,cancel_date,churned"
[ "$(head -n 1 "$tmp/seg.csv")" = "$want" ] ||
    fail "unexpected header: $(head -n 1 "$tmp/seg.csv")"
[ "$(wc -l < "$tmp/seg.csv")" -eq 6 ] || fail "expected 5 customers"
[ "$(grep '^e,' "$tmp/seg.csv")" = "e,,,,,,lost,,,,,,,,,,2023-12-01," ] ||
    fail "e: $(grep '^e,' "$tmp/seg.csv")"
[ "$(awk -F, 'NR > 1 && $1 != "e" { printf "%s", $17 }' "$tmp/seg.csv")" = "" ] ||
    fail "a cancel_date on a customer in the population"
stage() { awk -F, -v id="$1" '$1 == id { print $7 }' "$tmp/seg.csv"; }
[ "$(stage a)" = active ] || fail "a is $(stage a), not active"
[ "$(stage b)" = dormant ] || fail "b is $(stage b), not dormant"
[ "$(stage c)" = new ] || fail "c is $(stage c), not new"
[ "$(stage d)" = lost ] || fail "d is $(stage d), not lost"
# Recency 2 (a), 30 (b), 9 (c), 90 (d): mid-rank scores over 4 customers,
# 1 + floor(5 (r - 0.5) / 4): d r=1 -> 1, b 2 -> 2, c 3 -> 4, a 4 -> 5.
awk -F, 'NR > 1 { printf "%s%s ", $1, $2 }' "$tmp/seg.csv" |
    grep -q '^a5 b2 c4 d1 e $' ||
    fail "recency scores: $(cut -d, -f1,2 "$tmp/seg.csv")"
grep -q '^5 customers at 2024-01-01 (1 cancelled before it: lost, not scored)$' \
    "$tmp/out" || fail "no count line: $(cat "$tmp/out")"
# lost: d (health 27.5, churned) and e (no health, no label).
grep -q '^lost  *2  *40.0%  *27.5  *100.0%$' "$tmp/out" ||
    fail "stage table lacks d and e: $(cat "$tmp/out")"
# RFM and tier tables: the 4 scored customers, shares of them.
grep -q '^loyal  *2  *50.0% ' "$tmp/out" || fail "rfm shares: $(cat "$tmp/out")"
grep -q '^healthy  *1  *25.0% ' "$tmp/out" || fail "tier shares"
# KPIs over [2023-10-01, 2024-01-01): at start a, b, d (e too: it
# cancels only in December); at end a, b, c, d: retained 3, new 1,
# retention (4 - 1) / 4 = 75%.
grep -q '^  customers_start    4$' "$tmp/out" || fail "customers_start"
grep -q '^  retention_rate     75.0%$' "$tmp/out" ||
    fail "retention: $(cat "$tmp/out")"
grep -q '^2023-12 *1 *100% *$' "$tmp/out" ||
    fail "cohort table: $(cat "$tmp/out")"

# Synthetic data: every customer of the population, breakdown sums.
mkdir "$tmp/syn"
$build/bin/churn-synth -o "$tmp/syn" --customers 500 2> /dev/null ||
    fail "churn-synth failed"
$bin --events "$tmp/syn/events.csv" --customers "$tmp/syn/customers.csv" \
    --as-of 2025-01-01 --horizon 90 -o "$tmp/syn.csv" > "$tmp/syn.out" ||
    fail "synthetic run failed"
n=$(($(wc -l < "$tmp/syn.csv") - 1))
# From the log alone: customers with an event before the as-of, and those
# of them whose first cancel is before it, with that date.
awk -F, 'NR > 1 && $2 < "2025-01-01" { seen[$1] = 1 }
    NR > 1 && $2 < "2025-01-01" && $3 == "cancel" &&
        (!($1 in c) || $2 < c[$1]) { c[$1] = $2 }
    END { for (id in seen) print id "," (id in c ? substr(c[id], 1, 10) : "") }' \
    "$tmp/syn/events.csv" | sort > "$tmp/want_cancel"
awk -F, 'NR > 1 { print $1 "," $17 }' "$tmp/syn.csv" | sort > "$tmp/got_cancel"
cmp -s "$tmp/want_cancel" "$tmp/got_cancel" ||
    fail "customers or cancel dates differ from the log's"
k=$(grep -c ',2' "$tmp/want_cancel")
[ "$k" -gt 0 ] || fail "the synthetic log has no cancel before the as-of"
grep -q "^$n customers at 2025-01-01 ($k cancelled before it: lost, not scored)$" \
    "$tmp/syn.out" || fail "count $n, $k: $(head -n 1 "$tmp/syn.out")"
[ $((n - k)) -eq "$(($(wc -l < "$tmp/syn/truth.csv") - 1))" ] ||
    fail "segments and truth.csv disagree on the population"
# Every cancelled customer is lost, unscored and unlabelled; stage counts
# add up to every customer seen.
awk -F, 'NR > 1 && $17 != "" && ($7 != "lost" || $2 $8 $9 $18 != "") { bad++ }
    END { exit bad > 0 }' "$tmp/syn.csv" || fail "a cancelled row is scored"
awk '/^lifecycle_stage/ { on = 1; next } on && NF == 0 { on = 0 }
    on { s += $2 } END { print s }' "$tmp/syn.out" > "$tmp/stages"
[ "$(cat "$tmp/stages")" -eq "$n" ] || fail "stages add up to $(cat "$tmp/stages"), not $n"
awk -F, 'NR > 1 && $17 == "" { s = 0; for (i = 10; i <= 16; i++) s += $i;
    d = s - $8; if (d > 1e-9 || d < -1e-9 || $8 < 0 || $8 > 100) bad++ }
    END { exit bad > 0 }' "$tmp/syn.csv" || fail "breakdown does not sum"
# At-risk customers churn more often than healthy ones.
awk '$1 == "healthy" { h = $5 } $1 == "at_risk" { r = $5 }
    END { exit !(r + 0 > h + 0) }' "$tmp/syn.out" ||
    fail "at_risk should churn more than healthy: $(cat "$tmp/syn.out")"

# --fit-weights: weights printed, the breakdown still sums to the score.
$bin --events "$tmp/syn/events.csv" --as-of 2025-01-01 --horizon 90 \
    --fit-weights -o "$tmp/fit.csv" > "$tmp/fit.out" || fail "--fit-weights"
grep -q '^  tickets  *[0-9.]*$' "$tmp/fit.out" ||
    fail "no fitted weights: $(cat "$tmp/fit.out")"
awk -F, 'NR > 1 && $17 == "" { s = 0; for (i = 10; i <= 16; i++) s += $i;
    d = s - $8; if (d > 1e-9 || d < -1e-9) bad++ }
    END { exit bad > 0 }' "$tmp/fit.csv" || fail "fitted breakdown"

# A rules file of one's own.
printf 'segment,r,f,m\nrecent,4-5,*,*\n' > "$tmp/rules.csv"
$bin --events "$tmp/events.csv" --as-of 2024-01-01 --rules "$tmp/rules.csv" \
    -o "$tmp/r.csv" > /dev/null || fail "--rules run failed"
[ "$(cut -d, -f6 "$tmp/r.csv" | sort | uniq -c | tr -s ' ' | tr '\n' ';')" \
    = " 1 ; 2 other; 2 recent; 1 rfm_segment;" ] || fail "rules: $(cat "$tmp/r.csv")"
printf 'segment,r,f,m\nx,9,*,*\n' > "$tmp/bad.csv"
$bin --events "$tmp/events.csv" --as-of 2024-01-01 --rules "$tmp/bad.csv" \
    -o "$tmp/never.csv" > /dev/null 2> "$tmp/err"
[ $? -eq 14 ] || fail "a bad rules file should exit 14 (parse error)"
grep -q "bad.csv:2:3: bad score range '9'" "$tmp/err" ||
    fail "rules error: $(cat "$tmp/err")"
[ ! -e "$tmp/never.csv" ] || fail "output written despite the error"

$bin --help > "$tmp/help" || fail "--help exit status"
grep -q 'Example:' "$tmp/help" || fail "--help has no example"
$bin --version | grep -q '^churn-segment (churn) ' || fail "--version"
usage() {
    "$bin" "$@" > /dev/null 2> "$tmp/err"
    [ $? -eq 2 ] || fail "should exit 2: $*"
}
usage --bogus
usage --events "$tmp/events.csv" -o "$tmp/x.csv"
usage --events "$tmp/events.csv" --as-of 2024-01-01
usage --events "$tmp/events.csv" --as-of 2024-01-01 -o "$tmp/x.csv" \
    --kpi-from 2023-10-01
usage --events "$tmp/events.csv" --as-of 2024-01-01 -o "$tmp/x.csv" \
    --kpi-from 2024-01-01 --kpi-to 2023-10-01
usage --events "$tmp/events.csv" --as-of 2024-01-01 -o "$tmp/x.csv" \
    --dormant-days 90
usage --events "$tmp/events.csv" --as-of 2024-01-01 -o "$tmp/x.csv" \
    --fit-weights
grep -q 'needs labels' "$tmp/err" || fail "--fit-weights without labels"
usage --weight nope=3
usage --tiers 40
usage --events "$tmp/events.csv" --as-of 2024-01-01 -o "$tmp/x.csv" \
    --snapshots 2 --every 7
grep -q 'one as-of date' "$tmp/err" || fail "--snapshots message"
[ ! -e "$tmp/x.csv" ] || fail "usage errors wrote output"
exit 0
