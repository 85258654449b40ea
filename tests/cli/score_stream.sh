#!/bin/sh
# score_stream.sh - churn-score --top N reads a numeric table block by
# block: its peak memory stays near one block however long the file (the
# whole-file path held every row: about 80 MB here, against about 32 MB),
# and its output is the head of the full ranking, with ids from the id
# column or from row numbers, across several blocks.
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

# Peak memory (not under a wrapper such as valgrind, which has its own).
if [ -z "${TEST_WRAPPER:-}" ] && [ -x /usr/bin/time ]; then
    /usr/bin/time -f %M -o "$tmp/rss" "$BIN/churn-score" \
        --model "$tmp/m.churn" --data "$tmp/t.csv" --top 10 > /dev/null
    kb=$(tail -n 1 "$tmp/rss")
    [ "$kb" -lt 50000 ] ||
        fail "--top 10 on a 46 MB file peaked at $kb KB (bound 50000)"
fi
echo "score_stream.sh: ok"
