#!/bin/sh
# synth.sh - churn-synth from the command line: help, version, a small run
# (files, summary, determinism), usage errors (exit 2), runtime errors (1).
set -u
bin=${BUILD:-build}/bin/churn-synth
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() {
    echo "synth.sh: $*" >&2
    exit 1
}
run() { ${TEST_WRAPPER:-} "$bin" "$@"; }

# Runs the tool expecting exit status $1; keeps stdout and stderr.
expect() {
    want=$1
    shift
    run "$@" >"$tmp/out" 2>"$tmp/err"
    got=$?
    [ "$got" -eq "$want" ] ||
        fail "'$*' exited $got, not $want: $(cat "$tmp/err")"
}

expect 0 --help
grep -q '^Usage: churn-synth -o DIR' "$tmp/out" ||
    fail "--help has no usage line"
for f in events.csv customers.csv truth.csv; do
    grep -q "$f" "$tmp/out" || fail "--help does not describe $f"
done
[ -s "$tmp/err" ] && fail "--help wrote to stderr"

expect 0 --version
grep -qE '^churn-synth \(churn\) [0-9]+\.[0-9]+\.[0-9]+$' "$tmp/out" || fail "--version"

# A small run into a folder that does not exist yet.
expect 0 -o "$tmp/a" --customers 40 --seed 3 --as-of 2024-07-01 \
    --history-days 120 --horizon 30 --activity-rate 0.5
head -n 1 "$tmp/a/events.csv" | grep -qx 'customer_id,timestamp,event,value' ||
    fail "events.csv header"
head -n 1 "$tmp/a/customers.csv" |
    grep -qx 'customer_id,plan,region,monthly_fee,contract_end' ||
    fail "customers.csv header"
head -n 1 "$tmp/a/truth.csv" |
    grep -qx 'customer_id,churn_probability,churned' || fail "truth.csv header"
[ "$(wc -l <"$tmp/a/customers.csv")" -eq 41 ] || fail "customers.csv rows"
summary='^churn-synth: 40 customers, [0-9]* events, [0-9]* active at as-of,'
summary="$summary churn rate [0-9.]* % in the horizon, [0-9.]* s\$"
grep -q "$summary" "$tmp/err" || fail "summary line: $(cat "$tmp/err")"
# Every timestamp lies in [2024-03-03, 2024-07-31): 120 days before and
# 30 after the as-of date.
awk -F, 'NR > 1 && ($2 < "2024-03-03" || $2 >= "2024-07-31") { bad = 1 }
    END { exit bad }' "$tmp/a/events.csv" || fail "timestamp outside the window"
ls "$tmp/a" | grep -q tmp && fail "temporary files left behind"

# The same options give the same bytes, into an existing folder too.
mkdir "$tmp/b"
expect 0 -q -o "$tmp/b" -n 40 -s 3 --as-of 2024-07-01 --history-days 120 \
    --horizon 30 --activity-rate 0.5
[ -s "$tmp/err" ] && fail "-q still printed: $(cat "$tmp/err")"
for f in events.csv customers.csv truth.csv; do
    cmp -s "$tmp/a/$f" "$tmp/b/$f" || fail "$f differs between equal runs"
done

# Usage errors: exit 2 with a hint.
expect 2 --customers 10
grep -q 'no output folder' "$tmp/err" || fail "missing -o not explained"
for args in "--customers 0" "--customers abc" "--customers -5" \
    "--seed x" "--as-of 2024-13-01" "--as-of yesterday" \
    "--history-days 0" "--horizon -1" "--activity-rate nan" "--bogus" \
    "extra"; do
    # shellcheck disable=SC2086
    expect 2 -o "$tmp/c" $args
    grep -q 'churn-synth' "$tmp/err" || fail "'$args' gave no message"
done
[ -e "$tmp/c" ] && fail "a usage error still created the folder"

# Runtime errors: exit 1 (the tool's own) or 10 + the library's status
# (13: I/O error) with "churn-synth: <message>".
expect 1 -o "$tmp/no/such/parent" -n 5
grep -q "^churn-synth: $tmp/no/such/parent: cannot create folder" "$tmp/err" ||
    fail "missing parent: $(cat "$tmp/err")"
: >"$tmp/file"
expect 13 -o "$tmp/file" -n 5
grep -q "^churn-synth: $tmp/file: cannot use output folder: not a folder" \
    "$tmp/err" || fail "file as folder: $(cat "$tmp/err")"
exit 0
