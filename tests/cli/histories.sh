#!/bin/sh
# histories.sh - how the tools read a history: --role activity=... makes
# exactly those names activity, --role ignore=... drops names, the summary
# and --list-events show each name with rows and role, and a customers
# file that matches nobody is an error (under half: a warning) in
# churn-features, churn-segment, churn-eval and churn-train.
set -u
BIN=${BUILD:-build}/bin
RUN=${TEST_WRAPPER:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/churn-hist-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "histories.sh: $*" >&2; exit 1; }

# a: login 10 days before the as-of date, export_report 2 days before.
cat > "$tmp/events.csv" <<'CSV'
customer_id,timestamp,event
a,2023-12-22,login
a,2023-12-30,export_report
b,2023-12-31,login
b,2023-12-31,heartbeat
c,2023-12-31,heartbeat
CSV
f() { $RUN "$BIN/churn-features" --events "$tmp/events.csv" \
        --as-of 2024-01-01 -o "$tmp/out.csv" "$@"; }
col() { # the value of column $1 in row $2 of $tmp/out.csv
    awk -F, -v name="$1" -v id="$2" 'NR == 1 { for (i = 1; i <= NF; i++)
        if ($i == name) c = i } $1 == id { print $c }' "$tmp/out.csv"; }

# Default roles: the unknown export_report is activity.
f 2> "$tmp/err" || fail "default run: $(cat "$tmp/err")"
[ "$(col recency_activity_days a)" = 2 ] ||
    fail "default recency: $(col recency_activity_days a)"
# --role activity=login: only logins; export_report keeps its column.
f --role activity=login 2> "$tmp/err" || fail "login run: $(cat "$tmp/err")"
[ "$(col recency_activity_days a)" = 10 ] ||
    fail "recency with activity=login: $(col recency_activity_days a)"
[ "$(col events_export_report_30d a)" = 1 ] || fail "export_report column"
grep -q '^churn-features: events: login 2 activity, heartbeat 2 none, export_report 1 none$' "$tmp/err" ||
    fail "events line: $(cat "$tmp/err")"
# --role ignore=heartbeat: no column, and c (only heartbeats) is gone.
f --role ignore=heartbeat 2> "$tmp/err" || fail "ignore run: $(cat "$tmp/err")"
head -n 1 "$tmp/out.csv" | grep -q heartbeat && fail "ignored name has a column"
grep -q '^c,' "$tmp/out.csv" && fail "customer of ignored rows only"
grep -q 'heartbeat 2 ignore' "$tmp/err" || fail "ignore in summary"
f --role activity=heartbeat --role ignore=heartbeat 2> "$tmp/err"
[ $? -eq 12 ] || fail "a name ignored and given a role should exit 12"
grep -q "^churn-features: event name 'heartbeat' is given to two roles, activity and ignore$" \
    "$tmp/err" || fail "two roles: $(cat "$tmp/err")"

# --list-events: every name, rows, role, column; no output file, no as-of.
rm -f "$tmp/out.csv"
$RUN "$BIN/churn-features" --events "$tmp/events.csv" --list-events \
    --role activity=login > "$tmp/list" || fail "--list-events failed"
[ ! -e "$tmp/out.csv" ] || fail "--list-events wrote features"
grep -q '^export_report  *1  *none  *events_export_report_30d$' "$tmp/list" ||
    fail "--list-events: $(cat "$tmp/list")"
grep -q '^login  *2  *activity  *-$' "$tmp/list" || fail "--list-events login"
grep -q '^5 rows (0 ignored), 3 customers$' "$tmp/list" ||
    fail "--list-events totals: $(cat "$tmp/list")"
$RUN "$BIN/churn-features" --list-events 2> /dev/null
[ $? -eq 2 ] || fail "--list-events without --events should exit 2"
"$BIN/churn-features" --help | grep -q -- '--role ignore=' ||
    fail "--help lacks --role ignore"
"$BIN/churn-features" --help | grep -q 'once' ||
    fail "--help lacks the activity rule"

# A customers file that matches nobody: an error naming both files.
printf 'customer_id,plan\nA,basic\nB,pro\n' > "$tmp/none.csv"
msg="$tmp/events.csv: none of the 3 customers of the log has a row in $tmp/none.csv (ids such as 'a' in the log, 'A' in $tmp/none.csv)"
f --customers "$tmp/none.csv" 2> "$tmp/err"
[ $? -eq 15 ] || fail "no match should exit 15"
[ "$(cat "$tmp/err")" = "churn-features: $msg" ] ||
    fail "no match message: $(cat "$tmp/err")"
[ ! -e "$tmp/out.csv" ] || fail "output written despite no match"
h="--events $tmp/events.csv --customers $tmp/none.csv --as-of 2024-01-01"
$RUN "$BIN/churn-segment" $h -o "$tmp/seg.csv" > /dev/null 2> "$tmp/err"
[ $? -eq 15 ] && [ "$(cat "$tmp/err")" = "churn-segment: $msg" ] ||
    fail "churn-segment no match: $(cat "$tmp/err")"
$RUN "$BIN/churn-train" $h --horizon 30 -o "$tmp/m.churn" > /dev/null \
    2> "$tmp/err"
[ $? -eq 15 ] && [ "$(cat "$tmp/err")" = "churn-train: $msg" ] ||
    fail "churn-train no match: $(cat "$tmp/err")"

# One of three: a warning on stderr; the summary says how many.
printf 'customer_id,plan\nb,pro\nX,basic\n' > "$tmp/few.csv"
f --customers "$tmp/few.csv" 2> "$tmp/err" || fail "few: $(cat "$tmp/err")"
grep -q "^churn-features: warning: $tmp/few.csv has a row for only 1 of the 3 customers in $tmp/events.csv; the others get empty customers columns$" \
    "$tmp/err" || fail "no warning: $(cat "$tmp/err")"
grep -q "^churn-features: $tmp/few.csv has a row for 1 of the 3 customers in $tmp/events.csv$" \
    "$tmp/err" || fail "no join line: $(cat "$tmp/err")"
h="--events $tmp/events.csv --customers $tmp/few.csv --as-of 2024-01-01"
$RUN "$BIN/churn-segment" $h -o "$tmp/seg.csv" > "$tmp/out" 2> "$tmp/err" ||
    fail "segment few: $(cat "$tmp/err")"
grep -q "^churn-segment: warning: $tmp/few.csv has a row for only 1 " \
    "$tmp/err" || fail "segment warning: $(cat "$tmp/err")"
grep -q "^$tmp/few.csv has a row for 1 of the 3 customers" "$tmp/out" ||
    fail "segment join line: $(cat "$tmp/out")"
# Two of three: no warning.
printf 'customer_id,plan\na,basic\nb,pro\n' > "$tmp/most.csv"
f --customers "$tmp/most.csv" 2> "$tmp/err" || fail "most: $(cat "$tmp/err")"
grep -q warning "$tmp/err" && fail "warning for 2 of 3: $(cat "$tmp/err")"

# churn-train and churn-eval on a generated history: join and event lines.
$RUN "$BIN/churn-synth" -q -o "$tmp/syn" --customers 200 --seed 4 ||
    fail "churn-synth"
head -n 41 "$tmp/syn/customers.csv" > "$tmp/syn/some.csv"
h="--events $tmp/syn/events.csv --customers $tmp/syn/some.csv --as-of 2025-01-01 --horizon 90"
$RUN "$BIN/churn-train" $h -o "$tmp/m.churn" > "$tmp/out" 2> "$tmp/err" ||
    fail "train: $(cat "$tmp/err")"
grep -q "^churn-train: warning: $tmp/syn/some.csv has a row for only 40 of the 200 customers" \
    "$tmp/err" || fail "train warning: $(cat "$tmp/err")"
grep -q "^customers      $tmp/syn/some.csv has a row for 40 of the 200 customers" \
    "$tmp/out" || fail "train join line: $(cat "$tmp/out")"
grep -q '^events         login [0-9]* activity, ' "$tmp/out" ||
    fail "train events line: $(cat "$tmp/out")"
$RUN "$BIN/churn-eval" --model "$tmp/m.churn" $h --bootstrap 0 \
    > "$tmp/out" 2> "$tmp/err" || fail "eval: $(cat "$tmp/err")"
grep -q "^churn-eval: warning: $tmp/syn/some.csv has a row for only 40 " \
    "$tmp/err" || fail "eval warning: $(cat "$tmp/err")"
grep -q "^  customers file  *$tmp/syn/some.csv has a row for 40 of the 200" \
    "$tmp/out" || fail "eval join line: $(cat "$tmp/out")"
exit 0
