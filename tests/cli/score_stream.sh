#!/bin/sh
# score_stream.sh - churn-score scores a table as it reads it (numbers:
# one part of the file per thread; with a categorical input, a block at
# a time): the full ranking is the one the whole-file path writes (a
# quoted id sends the file there), byte for byte; --top N is its head,
# and its peak memory stays near a part's buffers however long the file
# (the whole-file path held every row: about 80 MB here); ids come from
# the id column or from row numbers.
set -eu
BIN=${BUILD:-build}/bin
RUN=${TEST_WRAPPER:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "score_stream.sh: $*" >&2; exit 1; }

# 150,000 rows x 40 (46 MB): six blocks of the reader.
"$BIN/churn-synth" --table 150000 --features 40 --seed 5 -q -o "$tmp/t.csv"
head -n 3001 "$tmp/t.csv" > "$tmp/head.csv"
$RUN "$BIN/churn-train" --data "$tmp/head.csv" --validation 0 \
    -o "$tmp/m.churn" > /dev/null
cut -d, -f2- "$tmp/t.csv" > "$tmp/noid.csv" # ids are row numbers
sed 's/^\([^,]*\),/"\1",/' "$tmp/t.csv" > "$tmp/quoted.csv" # read whole

$RUN "$BIN/churn-score" --model "$tmp/m.churn" --data "$tmp/quoted.csv" \
    -o "$tmp/whole.csv" 2> /dev/null
$RUN "$BIN/churn-score" --model "$tmp/m.churn" --data "$tmp/t.csv" \
    -o "$tmp/streamed.csv" 2> /dev/null
cmp -s "$tmp/whole.csv" "$tmp/streamed.csv" ||
    fail "the streamed full ranking differs from the whole file's"

# A categorical input (a plan) streams too, a block at a time: the model
# says which columns are categorical, so the read never starts over.
plans() { awk -F, 'BEGIN { OFS = "," } NR == 1 { print $0, "plan"; next }
    { print $0, (NR % 3 ? (NR % 3 == 1 ? "pro" : "team") : "basic") }' "$1"; }
plans "$tmp/head.csv" > "$tmp/plan-head.csv"
plans "$tmp/t.csv" > "$tmp/plan.csv"
plans "$tmp/quoted.csv" > "$tmp/plan-quoted.csv"
$RUN "$BIN/churn-train" --data "$tmp/plan-head.csv" --validation 0 \
    -o "$tmp/plan.churn" > /dev/null
grep -q '^categorical plan ' "$tmp/plan.churn" ||
    fail "the model has no categorical plan input"
$RUN "$BIN/churn-score" --model "$tmp/plan.churn" \
    --data "$tmp/plan-quoted.csv" -o "$tmp/plan-whole.csv" 2> /dev/null
$RUN "$BIN/churn-score" --model "$tmp/plan.churn" --data "$tmp/plan.csv" \
    -o "$tmp/plan-streamed.csv" 2> /dev/null
cmp -s "$tmp/plan-whole.csv" "$tmp/plan-streamed.csv" ||
    fail "with a categorical input, the streamed ranking differs"

for data in "$tmp/t.csv" "$tmp/noid.csv"; do
    $RUN "$BIN/churn-score" --model "$tmp/m.churn" --data "$data" \
        -o "$tmp/full.csv" 2> "$tmp/full.err"
    for n in 1 50 149999; do
        $RUN "$BIN/churn-score" --model "$tmp/m.churn" --data "$data" \
            --top $n -o "$tmp/top.csv" 2> "$tmp/top.err"
        head -n $((n + 1)) "$tmp/full.csv" | cmp -s - "$tmp/top.csv" ||
            fail "$data: --top $n is not the head of the full ranking"
        sed 's/top\.csv/full.csv/' "$tmp/top.err" |
            cmp -s - "$tmp/full.err" || fail "$data: --top $n summary"
    done
done

# Peak memory (not under a wrapper such as valgrind, nor under the
# sanitizers: both add memory of their own).
if [ -z "${TEST_WRAPPER:-}" ] && [ -z "${SAN_FLAGS:-}" ] &&
    [ -x /usr/bin/time ]; then
    /usr/bin/time -f %M -o "$tmp/rss" "$BIN/churn-score" \
        --model "$tmp/m.churn" --data "$tmp/t.csv" --top 10 > /dev/null
    kb=$(tail -n 1 "$tmp/rss")
    [ "$kb" -lt 50000 ] ||
        fail "--top 10 on a 46 MB file peaked at $kb KB (bound 50000)"
    # The full ranking with a categorical input, streamed: every row's
    # line but none of its values (about 38 MB here; whole, about 83 MB).
    /usr/bin/time -f %M -o "$tmp/rss" "$BIN/churn-score" \
        --model "$tmp/plan.churn" --data "$tmp/plan.csv" > /dev/null
    kb=$(tail -n 1 "$tmp/rss")
    [ "$kb" -lt 60000 ] ||
        fail "the full ranking with a plan peaked at $kb KB (bound 60000)"
fi
echo "score_stream.sh: ok"
