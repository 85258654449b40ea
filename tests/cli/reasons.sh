#!/bin/sh
# reasons.sh - churn-score's reasons on a small synthetic history: by
# feature family in words (the default), largest first; per input with
# --reasons-by input; a bad --reasons-by is a usage error.
set -eu
BIN=${BUILD:-build}/bin
RUN=${TEST_WRAPPER:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "reasons.sh: $*" >&2; exit 1; }

$RUN "$BIN/churn-synth" -o "$tmp/syn" --customers 300 2>/dev/null
$RUN "$BIN/churn-features" --events "$tmp/syn/events.csv" \
    --customers "$tmp/syn/customers.csv" --as-of 2025-01-01 --horizon 90 \
    -o "$tmp/f.csv" 2>/dev/null
$RUN "$BIN/churn-train" --data "$tmp/f.csv" --label churned \
    -o "$tmp/m.churn" >/dev/null 2>&1
$RUN "$BIN/churn-score" --help | grep -q -- '--reasons-by KIND  *group (the default)' ||
    fail "--help has no --reasons-by"

$RUN "$BIN/churn-score" --model "$tmp/m.churn" --data "$tmp/f.csv" \
    -o "$tmp/g.csv" 2>/dev/null
# No built-in feature's name shows: their families speak in words.
grep -Eq '(activity|tickets|satisfaction|purchases|monetary|tenure|recency)_[a-z0-9_]*=' \
    "$tmp/g.csv" && fail "a built-in input by name: $(grep -m1 -E '_[a-z]*=' "$tmp/g.csv")"
grep -q 'unresolved ticket' "$tmp/g.csv" || fail "no ticket sentence"
grep -Eq 'no activity for [0-9]+ days|activity (down|up) [0-9]+ % on the month before' \
    "$tmp/g.csv" || fail "no activity sentence"
# Each row: three reasons, contributions never rising.
awk 'NR > 1 {
    t = $0; sub(/^[^,]*,[^,]*,[^,]*,[^,]*,/, "", t); gsub(/"/, "", t)
    n = split(t, r, "; ")
    if (n != 3) { print "reasons: " t; exit 1 }
    prev = 1e9
    for (k = 1; k <= n; k++) {
        c = r[k]; sub(/.*\(/, "", c); sub(/\)$/, "", c); c += 0
        if (c > prev) { print "order: " t; exit 1 }
        prev = c
    }
}' "$tmp/g.csv" || fail "reasons not three, largest first"

$RUN "$BIN/churn-score" --model "$tmp/m.churn" --data "$tmp/f.csv" \
    --reasons-by input --top 3 > "$tmp/i.csv" 2>/dev/null
sed -n 2p "$tmp/i.csv" | grep -Eq ',high,[a-z_]+=[^ ]* \([-+][0-9.]*\); ' ||
    fail "per input: $(sed -n 2p "$tmp/i.csv")"
# Declared categorical, the text columns let --top stream the file: the
# same first lines as the full ranking, per input too.
$RUN "$BIN/churn-score" --model "$tmp/m.churn" --data "$tmp/f.csv" \
    --reasons-by input > "$tmp/all.csv" 2>/dev/null
$RUN "$BIN/churn-score" --model "$tmp/m.churn" --data "$tmp/f.csv" \
    --reasons-by input --top 3 --categorical plan --categorical region \
    > "$tmp/s.csv" 2>/dev/null
head -n 4 "$tmp/all.csv" | cmp -s - "$tmp/s.csv" ||
    fail "streamed --top per input: $(sed -n 2p "$tmp/s.csv")"
set +e
$RUN "$BIN/churn-score" --model "$tmp/m.churn" --data "$tmp/f.csv" \
    --reasons-by family > /dev/null 2> "$tmp/err"
[ $? -eq 2 ] || fail "--reasons-by family should exit 2"
set -e
grep -q "'group' or 'input', not 'family'" "$tmp/err" || fail "message: $(cat "$tmp/err")"
echo "reasons.sh: ok"
