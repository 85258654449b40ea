#!/bin/sh
# dates.sh - every date option of every tool takes an ISO date or
# date-time and nothing else: 20250101 (once read as Unix seconds, i.e.
# 1970-08-23) and Unix seconds are usage errors (exit 2) that show the
# format; an ISO date-time is accepted. Event logs keep Unix seconds.
set -u
BIN=${BUILD:-build}/bin
RUN=${TEST_WRAPPER:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/churn-dates-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "dates.sh: $*" >&2; failures=$((failures + 1)); }

# Runs "$@" and checks exit 2 and the exact first line "TOOL: OPT: ...".
refused() {
    opt=$1 value=$2 tool=$3
    shift 3
    $RUN "$BIN/$tool" "$@" > "$tmp/out" 2> "$tmp/err"
    status=$?
    want="$tool: $opt: '$value' is not a date: use YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS[Z], e.g. 2025-01-01"
    [ "$status" -eq 2 ] || fail "$tool $opt $value: exit $status, not 2"
    [ "$(head -n 1 "$tmp/err")" = "$want" ] ||
        fail "$tool $opt $value: said '$(head -n 1 "$tmp/err")'"
}

# An event log in Unix seconds (2024-12-01 and 2024-12-20 UTC): still read.
cat > "$tmp/events.csv" <<'CSV'
customer_id,timestamp,event,value
a,1733011200,signup,
a,1734652800,login,
b,1733011200,signup,
b,2024-12-21T08:00:00Z,login,
CSV
ev="--events $tmp/events.csv"
for bad in 20250101 1735689600; do
    refused --as-of $bad churn-features $ev --as-of $bad -o "$tmp/f.csv"
    refused --as-of $bad churn-train $ev --as-of $bad --horizon 30 \
        -o "$tmp/m.churn"
    refused --as-of $bad churn-segment $ev --as-of $bad -o "$tmp/s.csv"
    refused --kpi-from $bad churn-segment $ev --as-of 2025-01-01 \
        --kpi-from $bad --kpi-to 2025-01-01 -o "$tmp/s.csv"
    refused --kpi-to $bad churn-segment $ev --as-of 2025-01-01 \
        --kpi-from 2024-12-01 --kpi-to $bad -o "$tmp/s.csv"
    refused --as-of $bad churn-eval --model "$tmp/m.churn" $ev --as-of $bad
    refused --kpi-from $bad churn-eval --model "$tmp/m.churn" $ev \
        --as-of 2025-01-01 --kpi-from $bad --kpi-to 2025-01-01
    refused --kpi-to $bad churn-eval --model "$tmp/m.churn" $ev \
        --as-of 2025-01-01 --kpi-from 2024-12-01 --kpi-to $bad
    refused --as-of $bad churn-synth -o "$tmp/synth" --as-of $bad
done
refused --as-of 2025-1-1 churn-features $ev --as-of 2025-1-1 -o "$tmp/f.csv"
refused --as-of 01/01/2025 churn-features $ev --as-of 01/01/2025 \
    -o "$tmp/f.csv"
[ ! -e "$tmp/f.csv" ] && [ ! -e "$tmp/s.csv" ] && [ ! -e "$tmp/synth" ] ||
    fail "a refused run wrote an output"

# The rule is in every tool's --help.
for tool in churn-features churn-train churn-eval churn-segment churn-synth; do
    "$BIN/$tool" --help | grep -q 'never numbers such as 20250101' ||
        fail "$tool --help does not state the date rule"
done

# ISO dates and date-times are accepted; the log's Unix seconds are read:
# both customers are in the population at 2025-01-01.
$RUN "$BIN/churn-features" $ev --as-of 2025-01-01T00:00:00Z \
    -o "$tmp/f.csv" 2> /dev/null || fail "an ISO date-time was refused"
[ "$(tail -n +2 "$tmp/f.csv" | cut -d, -f1 | tr '\n' ' ')" = "a b " ] ||
    fail "features at 2025-01-01: $(cut -d, -f1 "$tmp/f.csv" | tr '\n' ' ')"
$RUN "$BIN/churn-features" $ev --as-of 2025-01-01 -o "$tmp/g.csv" \
    2> /dev/null && cmp -s "$tmp/f.csv" "$tmp/g.csv" ||
    fail "2025-01-01 and 2025-01-01T00:00:00Z differ"

[ "$failures" -eq 0 ] || exit 1
