#!/bin/sh
# delimiter.sh - tables delimited by ';', tabs or '|' (--delimiter, or
# read off the header): the telecom table rewritten with each trains the
# comma version's model and scores to its output byte for byte, through
# the whole-file reader (quoted: the two passes; plain: the fast path)
# and the streaming one (churn-score --top); the note on stderr; quoted
# fields holding the delimiter; decimal commas refused; a delimiter set
# wrong; event logs the same way (the fast parser and the general
# reader, a pipe, a log and a customers file with two delimiters); a bad
# --delimiter value.
set -u
BIN=${BUILD:-build}/bin
RUN=${TEST_WRAPPER:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/churn-delim-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "delimiter.sh: $*" >&2; failures=$((failures + 1)); }
tab=$(printf '\t')

# The values hold no comma, so tr rewrites the file faithfully; without
# quotes the fast path reads it, with them the two passes.
cp datasets/mlc_churn.csv "$tmp/quoted.csv"
tr ',' ';' < "$tmp/quoted.csv" > "$tmp/quoted_semi.csv"
tr -d '"' < "$tmp/quoted.csv" > "$tmp/plain.csv"
tr ',' ';' < "$tmp/plain.csv" > "$tmp/semi.csv"
tr ',' '\t' < "$tmp/plain.csv" > "$tmp/tab.csv"
tr ',' '|' < "$tmp/plain.csv" > "$tmp/bar.csv"

# The model file less its creation time, training time and checksum.
model_text() {
    grep -v '^created \|^metric train_seconds \|^checksum ' "$1"
}

train() { # NAME [options]: trains on $tmp/NAME.csv into $tmp/NAME.churn
    name=$1
    shift
    $RUN "$BIN/churn-train" --data "$tmp/$name.csv" --label churn "$@" \
        -o "$tmp/$name.churn" > "$tmp/$name.out" 2> "$tmp/$name.err" ||
        fail "$name: churn-train failed: $(cat "$tmp/$name.err")"
}

train quoted
model_text "$tmp/quoted.churn" > "$tmp/want.model"
[ -s "$tmp/quoted.err" ] && fail "comma file: something on stderr"
for name in plain quoted_semi semi tab bar; do
    train $name
    model_text "$tmp/$name.churn" | cmp -s - "$tmp/want.model" ||
        fail "$name: not the comma file's model"
done
for sep in ';' tab "$tab"; do
    case $sep in ';') name=semi ;; *) name=tab ;; esac
    train $name --delimiter "$sep"
    model_text "$tmp/$name.churn" | cmp -s - "$tmp/want.model" ||
        fail "--delimiter '$sep': not the comma file's model"
    [ -s "$tmp/$name.err" ] && fail "--delimiter '$sep': a note on stderr"
done

# What the tool says when it reads the delimiter off the header.
train semi
[ "$(cat "$tmp/semi.err")" = "churn-train: delimiter ';' detected from the header of $tmp/semi.csv (--delimiter to set it)" ] ||
    fail "note for ';': $(cat "$tmp/semi.err")"
train tab
[ "$(cat "$tmp/tab.err")" = "churn-train: delimiter tab detected from the header of $tmp/tab.csv (--delimiter to set it)" ] ||
    fail "note for tabs: $(cat "$tmp/tab.err")"
# Two kinds in the header: the most frequent, and the tool says so.
{ printf 'id;x;y|z;churned\n'; printf 'a;1;2;0\nb;2;3;1\nc;3;1;0\nd;0;0;1\n'; } \
    > "$tmp/mixed.csv"
train mixed --label churned --validation 0
[ "$(cat "$tmp/mixed.err")" = "churn-train: delimiter ';' detected from the header of $tmp/mixed.csv (the most frequent; it also holds '|'; --delimiter to set it)" ] ||
    fail "note for two kinds: $(cat "$tmp/mixed.err")"

# Scoring: the whole file and the streaming --top, each as with commas.
M=$tmp/quoted.churn
for name in quoted plain quoted_semi semi tab bar; do
    for top in "" 100; do
        $RUN "$BIN/churn-score" --model "$M" --data "$tmp/$name.csv" \
            ${top:+--top $top} -o "$tmp/$name.scores$top" \
            2> "$tmp/score.err" || fail "$name --top '$top': churn-score failed"
        cmp -s "$tmp/quoted.scores$top" "$tmp/$name.scores$top" ||
            fail "$name --top '$top': not the comma file's scores"
    done
done
$RUN "$BIN/churn-eval" --model "$M" --data "$tmp/quoted.csv" --label churn \
    --bootstrap 0 --no-importance > "$tmp/want.eval" 2>&1
$RUN "$BIN/churn-eval" --model "$M" --data "$tmp/bar.csv" --label churn \
    --bootstrap 0 --no-importance --delimiter '|' > "$tmp/bar.eval" 2>&1
sed "s|$tmp/bar.csv|$tmp/quoted.csv|g" "$tmp/bar.eval" |
    cmp -s - "$tmp/want.eval" || fail "churn-eval: not the comma file's report"

# A customers file with ';' and quoted fields holding ';', line breaks and
# quotes joins as the same file with commas does.
C=tests/data/bad/customers
printf '\357\273\277customer_id;plan;monthly_fee\r\na;"team; large";9.99\r\n"b";"pro ""plus""";NA\r\n"c";"multi\r\nline";29\r\n' \
    > "$tmp/customers.csv"
sed 's/"team, large"/team; large/' $C/quoted_bom_crlf_ok.expected > "$tmp/want.csv"
$RUN "$BIN/churn-features" --events $C/_events.csv --customers \
    "$tmp/customers.csv" --as-of 2025-01-01 -o "$tmp/features.csv" \
    2> "$tmp/features.err" || fail "churn-features: $(cat "$tmp/features.err")"
cmp -s "$tmp/features.csv" "$tmp/want.csv" ||
    fail "customers with ';': not the comma file's features"

# Decimal commas in a ';' file: the formatted-number error, not a text.
printf 'id;fee;churned\na;12,5;1\nb;3;0\nc;4,75;0\n' > "$tmp/decimal.csv"
$RUN "$BIN/churn-train" --data "$tmp/decimal.csv" -o "$tmp/d.churn" \
    > /dev/null 2> "$tmp/err"
rc=$?
[ $rc -eq 14 ] || fail "decimal commas: exit $rc, not 14"
grep -qxF "churn-train: $tmp/decimal.csv:2:3: '12,5' in column 'fee' is a formatted number (2 bad cells, 1 number): write plain numbers (no currency sign, thousands separator, decimal comma or %), leave them empty or NA, or declare the column with --categorical fee" "$tmp/err" ||
    fail "decimal commas: $(cat "$tmp/err")"

# The comma set on a ';' file: the header is one column, and the message
# names the file's delimiter.
$RUN "$BIN/churn-train" --data "$tmp/semi.csv" --label churn \
    --delimiter , -o "$tmp/x.churn" > /dev/null 2> "$tmp/err"
rc=$?
[ $rc -eq 15 ] || fail "--delimiter , on ';': exit $rc, not 15"
[ "$(cat "$tmp/err")" = "churn-train: $tmp/semi.csv:1: the header has no comma but 19 semicolons: is the delimiter ';'? (--delimiter ';' or auto reads it)" ] ||
    fail "--delimiter , on ';': $(cat "$tmp/err")"

# Event logs: a synthetic log rewritten with ';' and with tabs gives the
# comma log's features byte for byte, plain (the fast parser) and with
# its event names quoted (a quote sends the whole file to the general
# reader), with the delimiter read off the header (and said) or set.
$RUN "$BIN/churn-synth" -o "$tmp/synth" -n 300 -s 5 > /dev/null 2>&1 ||
    fail "churn-synth failed"
L=$tmp/synth/events.csv
sed 's/^\([^,]*,[^,]*,\)\([^,]*\)/\1"\2"/' "$L" > "$tmp/log_quoted.csv"
grep -q '"login"' "$tmp/log_quoted.csv" || fail "quoting the event names"
features() { # LOG OUT [options]: churn-features on LOG into $tmp/OUT.csv
    log=$1 out=$2
    shift 2
    $RUN "$BIN/churn-features" --events "$log" --as-of 2025-01-01 \
        --horizon 30 -o "$tmp/$out.csv" "$@" > /dev/null 2> "$tmp/$out.err" ||
        fail "churn-features $log $*: $(cat "$tmp/$out.err")"
}
features "$L" want
grep -q 'delimiter' "$tmp/want.err" && fail "comma log: a delimiter note"
for form in plain quoted; do
    case $form in plain) src=$L ;; *) src=$tmp/log_quoted.csv ;; esac
    for sep in ';' tab; do
        case $sep in ';') ch=';' ;; *) ch=$tab ;; esac
        tr ',' "$ch" < "$src" > "$tmp/log_$form.$sep"
        features "$tmp/log_$form.$sep" auto
        cmp -s "$tmp/auto.csv" "$tmp/want.csv" ||
            fail "$form log with $sep: not the comma log's features"
        case $sep in ';') shown="';'" ;; *) shown=tab ;; esac
        grep -qxF "churn-features: delimiter $shown detected from the header of $tmp/log_$form.$sep (--delimiter to set it)" \
            "$tmp/auto.err" || fail "$form log with $sep: note: $(cat "$tmp/auto.err")"
        features "$tmp/log_$form.$sep" set --delimiter "$sep" --threads 2
        cmp -s "$tmp/set.csv" "$tmp/want.csv" ||
            fail "$form log, --delimiter $sep: not the comma log's features"
        grep -q 'delimiter' "$tmp/set.err" &&
            fail "$form log, --delimiter $sep: a note on stderr"
    done
done
# Through a pipe (not a regular file): the library reads the header once,
# from the stream; the tool says nothing rather than take the header.
mkfifo "$tmp/fifo"
cat "$tmp/log_plain.;" > "$tmp/fifo" &
features "$tmp/fifo" piped
wait
cmp -s "$tmp/piped.csv" "$tmp/want.csv" || fail "';' log through a pipe"
# The comma set on a ';' log: the header is one column, and the message
# names the log's delimiter, as for tables.
$RUN "$BIN/churn-features" --events "$tmp/log_plain.;" --delimiter , \
    --as-of 2025-01-01 -o "$tmp/x.csv" > /dev/null 2> "$tmp/err"
rc=$?
[ $rc -eq 15 ] || fail "--delimiter , on a ';' log: exit $rc, not 15"
[ "$(cat "$tmp/err")" = "churn-features: $tmp/log_plain.;:1: the header has no comma but 3 semicolons: is the delimiter ';'? (--delimiter ';' or auto reads it)" ] ||
    fail "--delimiter , on a ';' log: $(cat "$tmp/err")"
# One tool, two files: --events and --customers are each read off their
# own header (a ';' log, a tab customers file), and each is said; the
# same features as with commas.
C=$tmp/synth/customers.csv
tr ',' '\t' < "$C" > "$tmp/customers.tab"
features "$L" want_joined --customers "$C"
features "$tmp/log_plain.;" joined --customers "$tmp/customers.tab"
cmp -s "$tmp/joined.csv" "$tmp/want_joined.csv" ||
    fail "';' log and tab customers: not the comma files' features"
grep -qxF "churn-features: delimiter tab detected from the header of $tmp/customers.tab (--delimiter to set it)" "$tmp/joined.err" &&
grep -qxF "churn-features: delimiter ';' detected from the header of $tmp/log_plain.; (--delimiter to set it)" "$tmp/joined.err" ||
    fail "two files: notes: $(cat "$tmp/joined.err")"
# churn-train, churn-eval (which reads the log twice: for the model and
# for its segments) and churn-segment (with the KPIs, a third reader of
# the log) read the same log through --events, and say so once.
for tool in churn-train churn-eval churn-segment; do
    case $tool in
    churn-train) args="-o $tmp/ev.churn --validation 0" ;;
    churn-eval) args="--cv 2 --bootstrap 0 --no-importance --model logistic" ;;
    *) args="-o $tmp/seg.csv --kpi-from 2024-07-01 --kpi-to 2025-01-01" ;;
    esac
    # shellcheck disable=SC2086
    $RUN "$BIN/$tool" --events "$tmp/log_plain.;" --as-of 2025-01-01 \
        --horizon 30 $args > /dev/null 2> "$tmp/err" ||
        fail "$tool --events with ';': $(cat "$tmp/err")"
    [ "$(grep -cxF "$tool: delimiter ';' detected from the header of $tmp/log_plain.; (--delimiter to set it)" "$tmp/err")" = 1 ] ||
        fail "$tool --events with ';': note: $(cat "$tmp/err")"
done

# A value that is none of the choices: a usage error listing them, in
# every tool that reads a table.
for tool in churn-train churn-score churn-eval churn-features churn-segment; do
    $RUN "$BIN/$tool" --delimiter ':' > /dev/null 2> "$tmp/err"
    rc=$?
    [ $rc -eq 2 ] || fail "$tool --delimiter ':': exit $rc, not 2"
    [ "$(head -n 1 "$tmp/err")" = "$tool: --delimiter: ',', ';', tab or '|' (or auto, the default), not ':'" ] ||
        fail "$tool --delimiter ':': $(head -n 1 "$tmp/err")"
done

[ "$failures" -eq 0 ] || exit 1
echo "delimiter.sh: ok"
