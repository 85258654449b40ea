#!/bin/sh
# features.sh - churn-features end to end: output header and values,
# --list, --help, usage errors (exit 2), bad input (exit 10 + status, FILE:LINE:COL,
# no output file left behind).
set -u
bin=${BUILD:-build}/bin/churn-features
tmp=$(mktemp -d "${TMPDIR:-/tmp}/churn-cli-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "features.sh: $*" >&2; exit 1; }

# a: logins 1 and 8 days before 2024-01-01, a purchase of 12.5; cancels
# within the horizon. b: one login 3 days before, a plan in customers.csv.
cat > "$tmp/events.csv" <<'CSV'
customer_id,timestamp,event,value
a,2023-12-31,login,
a,2023-12-24,login,
a,2023-12-11,purchase,12.5
b,2023-12-29T00:00:00Z,login,
a,2024-01-10,cancel,
CSV
printf 'customer_id,plan\na,basic\nb,pro\n' > "$tmp/customers.csv"

$bin --events "$tmp/events.csv" --customers "$tmp/customers.csv" \
    --as-of 2024-01-01 --horizon 30 -o "$tmp/out.csv" 2> "$tmp/err" ||
    fail "run failed: $(cat "$tmp/err")"
header=$(head -n 1 "$tmp/out.csv")
case $header in
customer_id,tenure_days,recency_activity_days,*,plan,churned,days_to_churn) ;;
*) fail "unexpected header: $header" ;;
esac
# Row a: tenure 21 days (first event 12-11), recency 1 day, purchase 21
# days ago, label 1 (cancel within 30 days), 9 days to it; b censored.
row=$(grep '^a,' "$tmp/out.csv")
case $row in
a,21,1,21,*,basic,1,9) ;;
*) fail "unexpected row a: $row" ;;
esac
grep -q '^b,3,3,,.*,pro,0,$' "$tmp/out.csv" ||
    fail "unexpected row b: $(grep '^b,' "$tmp/out.csv")"
grep -q '2 customers at 2024-01-01, 2 rows, churn rate 50.0%' "$tmp/err" ||
    fail "unexpected summary: $(cat "$tmp/err")"

# Snapshots add the as_of column.
$bin --events "$tmp/events.csv" --as-of 2024-01-01 --snapshots 2 \
    --every 7 -o "$tmp/snap.csv" 2> /dev/null || fail "snapshots run failed"
head -n 1 "$tmp/snap.csv" | grep -q '^customer_id,as_of,tenure_days,' ||
    fail "no as_of column with --snapshots"

$bin --list > "$tmp/list" || fail "--list failed"
grep -q '^satisfaction_trend  *score/30 days  *least-squares' "$tmp/list" ||
    fail "--list lacks satisfaction_trend"
$bin --help > "$tmp/help" || fail "--help exit status"
grep -qE 'Examples?:' "$tmp/help" || fail "--help has no example"
$bin --version | grep -q '^churn-features (churn) ' || fail "--version"

$bin --bogus 2> "$tmp/err"
[ $? -eq 2 ] || fail "bad flag should exit 2"
grep -q "^churn-features: unknown option .--bogus.$" "$tmp/err" || fail "usage error does not name the option"
$bin --events "$tmp/events.csv" -o "$tmp/x.csv" 2> /dev/null
[ $? -eq 2 ] || fail "missing --as-of should exit 2"
$bin --events "$tmp/events.csv" --as-of 2024-13-01 -o "$tmp/x.csv" \
    2> /dev/null
[ $? -eq 2 ] || fail "bad --as-of should exit 2"
$bin --events "$tmp/events.csv" --as-of 2024-01-01 --role nope=x \
    -o "$tmp/x.csv" 2> /dev/null
[ $? -eq 2 ] || fail "unknown role should exit 2"

# --threads: the same bytes for any number of threads, on a log of
# several read blocks (1 MiB each), so that the threads share the work.
synth=${BUILD:-build}/bin/churn-synth
$synth -o "$tmp/hist" --customers 500 --seed 3 -q || fail "churn-synth failed"
[ "$(wc -c < "$tmp/hist/events.csv")" -gt 2200000 ] ||
    fail "synthetic log too small to span several blocks"
for n in 1 2 3; do
    $bin --events "$tmp/hist/events.csv" --as-of 2025-01-01 --horizon 90 \
        --threads $n -o "$tmp/threads-$n.csv" 2> /dev/null ||
        fail "--threads $n run failed"
done
cmp -s "$tmp/threads-1.csv" "$tmp/threads-2.csv" &&
    cmp -s "$tmp/threads-1.csv" "$tmp/threads-3.csv" ||
    fail "--threads changes the output"
$bin --events "$tmp/events.csv" --as-of 2024-01-01 --threads 0 \
    -o "$tmp/x.csv" 2> /dev/null
[ $? -eq 2 ] || fail "--threads 0 should exit 2"
$bin --help | grep -q -- '--threads N' || fail "--help lacks --threads"

# Bad input: exit 14 (parse error), the place in the message, no output file.
printf 'customer_id,timestamp,event\na,2023-12-01,login\nb,2023-02-29,login\n' \
    > "$tmp/bad.csv"
$bin --events "$tmp/bad.csv" --as-of 2024-01-01 -o "$tmp/bad-out.csv" \
    2> "$tmp/err"
[ $? -eq 14 ] || fail "bad input should exit 14"
grep -q "^churn-features: $tmp/bad.csv:3:3: bad timestamp '2023-02-29'\$" \
    "$tmp/err" || fail "unexpected error: $(cat "$tmp/err")"
[ ! -e "$tmp/bad-out.csv" ] || fail "output file left behind"
[ -z "$(ls "$tmp" | grep 'bad-out')" ] || fail "temporary file left behind"
exit 0
