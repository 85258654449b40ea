#!/bin/sh
# bad_input.sh - the bad-input corpus through the tools: every case of
# tests/data/bad/EXPECTED with a tool exits 10 + its status code and
# prints exactly "TOOL: message" (the valid cases exit 0, and
# churn-features writes the expected dataset); every corpus file is
# listed; and cases too large to commit (lines of megabytes) are made
# here. tests/test_bad_input.c checks the same list through the library.
set -u
BIN=${BUILD:-build}/bin
RUN=${TEST_WRAPPER:-}
D=tests/data/bad
tmp=$(mktemp -d "${TMPDIR:-/tmp}/churn-bad-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "bad_input.sh: $*" >&2; failures=$((failures + 1)); }

version=$("$BIN/churn-score" --version | sed 's/^churn-score (churn) //')
$RUN "$BIN/churn-train" --data $D/_train.csv --label churned --validation 0 \
    -o "$tmp/model.churn" > /dev/null || { fail "training the fixture"; exit 1; }

# Runs reader's tool on file F; stdout goes to $tmp/stdout, stderr to
# $tmp/err, the dataset churn-features writes to $tmp/out.csv.
run() {
    reader=$1 F=$2
    rm -f "$tmp/out.csv"
    case $reader in
    events) set -- churn-features --events "$F" --as-of 2025-01-01 \
                --horizon 30 -o "$tmp/out.csv" ;;
    customers) set -- churn-features --events $D/customers/_events.csv \
                   --customers "$F" --as-of 2025-01-01 -o "$tmp/out.csv" ;;
    csv) set -- churn-score --model "$tmp/model.churn" --data "$F" \
             -o "$tmp/ranked.csv" ;;
    labeled | training) set -- churn-train --data "$F" --label churned --validation 0 \
                 -o "$tmp/m.churn" ;;
    model) set -- churn-score --model "$F" --data $D/_train.csv \
               -o "$tmp/ranked.csv" ;;
    previous) set -- churn-score --model "$tmp/model.churn" \
                  --data $D/_train.csv --previous "$F" -o "$tmp/ranked.csv" ;;
    baseline) set -- churn-eval --model "$tmp/model.churn" \
                  --data $D/_train.csv --label churned --bootstrap 0 -q \
                  --no-importance --baseline "$F" ;;
    *) return 200 ;;
    esac
    tool=$1
    shift
    $RUN "$BIN/$tool" "$@" > "$tmp/stdout" 2> "$tmp/err"
}

status_code() {
    case $1 in
    OK) echo 0 ;; ENOMEM) echo 1 ;; EINVAL) echo 2 ;; EIO) echo 3 ;;
    EPARSE) echo 4 ;; EFORMAT) echo 5 ;; ENUMERIC) echo 6 ;;
    EVERSION) echo 7 ;; ECHECKSUM) echo 8 ;; EEMPTY) echo 9 ;;
    *) echo 99 ;;
    esac
}

# Checks that the last run exited want and said "$tool: message".
expect() {
    want=$1 msg=$2 what=$3
    # The note naming a delimiter read off a header is not the message.
    got_err=$(grep -v ': delimiter .* detected from the header of ' \
              "$tmp/err" | head -n 1)
    [ "$rc" -eq "$want" ] || { fail "$what: exit $rc, not $want: $got_err"; return; }
    [ "$want" -eq 0 ] && return
    [ "$got_err" = "$tool: $msg" ] ||
        fail "$what: expected '$tool: $msg', got '$got_err'"
}

grep -v '^#' $D/EXPECTED > "$tmp/cases"
: > "$tmp/listed"
while read -r reader file status rest; do
    [ -n "$reader" ] || continue
    echo "$file" >> "$tmp/listed"
    F=$D/$file
    run "$reader" "$F"
    rc=$?
    [ "$rc" -eq 200 ] && continue     # a reader no tool has (libsvm)
    if [ "$status" = OK ]; then
        expect 0 "" "$file"
        case $reader:$rest in
        events:*.expected | customers:*.expected)
            cmp -s "$tmp/out.csv" "$D/$rest" ||
                fail "$file: output differs from $rest" ;;
        esac
    else
        code=$(status_code "$status")
        msg=$(printf '%s\n' "$rest" | sed -e "s|\\\$F|$F|g" \
                                         -e "s|\\\$V|$version|g")
        expect $((10 + code)) "$msg" "$file"
    fi
    # No output file is left behind by a failure.
    [ "$status" = OK ] || [ ! -e "$tmp/out.csv" ] ||
        fail "$file: output written despite the error"
done < "$tmp/cases"

# Every file of the corpus is listed (fixtures start with '_').
find $D -type f ! -name EXPECTED ! -name '_*' ! -name '*.expected' |
    sed "s|^$D/||" | sort > "$tmp/files"
sort "$tmp/listed" > "$tmp/listed.sorted"
missing=$(comm -23 "$tmp/files" "$tmp/listed.sorted")
[ -z "$missing" ] || fail "not in EXPECTED: $missing"

# Lines of megabytes, made here rather than committed.
big=$tmp/big
mkdir -p "$big"
mb=$(awk 'BEGIN { s = "9999999999"; while (length(s) < 3145728) s = s s;
                 printf "%s", substr(s, 1, 3145728) }')
h='customer_id,timestamp,event,value'
# A value of 3 MiB of digits: a bad value, quoted back cut short.
printf '%s\na,2024-12-01,purchase,%s\n' "$h" "$mb" > "$big/long_value.csv"
run events "$big/long_value.csv"; rc=$?
expect 14 "$big/long_value.csv:2:23: bad value '$(printf '%.64s' "$mb")...'" \
    "3 MiB value"
# A 3 MiB customer id is valid: the rows after it still count.
printf '%s\n%s,2024-12-01,login,\nb,2024-12-02,login,\n' "$h" "$mb" \
    > "$big/long_id.csv"
run events "$big/long_id.csv"; rc=$?
expect 0 "" "3 MiB id"
[ "$(tail -n 1 "$tmp/out.csv" | cut -d, -f1-2)" = "b,30" ] ||
    fail "3 MiB id: row after it"
# An unterminated quote followed by 3 MiB of rows fails at the quote.
{ printf '%s\na,2024-12-01,"login,\n' "$h"
  awk 'BEGIN { for (i = 0; i < 100000; i++) print "b,2024-12-02,login,1234567890123456" }'
} > "$big/open_quote.csv"
run events "$big/open_quote.csv"; rc=$?
expect 14 "$big/open_quote.csv:2:14: unterminated quoted field" \
    "open quote before 3 MiB"
# A quoted field of 3 MiB with line breaks inside is read as one field:
# the next row keeps its line number.
{ printf '%s\n"' "$h"; printf '%s\n' "$mb" "$mb"
  printf '",2024-12-01,login,\nb,2024-13-01,login,\n'; } > "$big/quoted_lines.csv"
run events "$big/quoted_lines.csv"; rc=$?
expect 14 "$big/quoted_lines.csv:5:3: bad timestamp '2024-13-01'" \
    "3 MiB quoted field"

[ "$failures" -eq 0 ] || exit 1
exit 0
