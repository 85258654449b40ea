#!/bin/sh
# mpi.sh - the tools' --mpi mode under mpirun on this machine: a model
# trained on shards equals the single-process model on their union (every
# number of the model file to 1e-8), a distributed ranking is the
# single-process file byte for byte, features per rank equal the single
# run's rows, and a bad shard fails the whole job with its file:line:column
# and leaves no model. Skipped when the tools are built without MPI.
set -eu
BIN=${BUILD:-build}/bin
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "mpi.sh: $*" >&2; exit 1; }

if [ "$(id -u)" -eq 0 ]; then
    OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
    export OMPI_ALLOW_RUN_AS_ROOT OMPI_ALLOW_RUN_AS_ROOT_CONFIRM
fi
# make check says how the tools were built; run alone, the tools say.
built=${CHURN_MPI_BUILT:-}
if [ -z "$built" ]; then
    built=1
    "$BIN/churn-train" --mpi --version 2>&1 | grep -q 'built without MPI' &&
        built=0
fi
if [ "$built" = 0 ]; then
    echo "mpi.sh: skipped: the tools are built without MPI" \
         "(tools/install-deps --mpi, then rebuild)"
    exit 0
fi
command -v mpirun >/dev/null || fail "built with MPI but no mpirun on PATH"
# Under valgrind each rank would be a valgrind of its own: too slow here.
if [ -n "${TEST_WRAPPER:-}" ]; then
    echo "mpi.sh: skipped under TEST_WRAPPER"
    exit 0
fi
# Open MPI's own allocations at exit are not ours: under the sanitizers
# leaks are not checked here (the same tools' leaks are, in the other
# tests, without --mpi).
if [ -n "${SAN_FLAGS:-}" ]; then
    ASAN_OPTIONS="detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
    export ASAN_OPTIONS
fi
# One OpenBLAS thread per rank: four ranks share two cores.
OPENBLAS_NUM_THREADS=1
export OPENBLAS_NUM_THREADS
run() { np=$1; shift; mpirun --oversubscribe -np "$np" "$@"; }

# Two model files hold the same model: the same lines, matched by what
# they name (a shard's columns and levels may come in another order), every
# number equal to 1e-8 and every word equal. The creation time, the
# training time and the checksum may differ.
same_model() {
    awk -v tol=1e-8 '
        function key(   k) {
            if ($1 == "categorical") cat = $2
            if ($1 == "level") return "level " cat " " $2
            # the drift section: the bins of an input or of the score
            if ($1 == "input") { col = $3; return "input " $3 }
            if ($1 == "score") col = "score"
            if ($1 ~ /^(edges|counts|missing)$/) return $1 " " col
            if ($1 == "count") return "count " col " " $2
            if ($1 ~ /^(numeric|categorical|output|coef|metric|end)$/)
                return $1 " " $2
            return $1
        }
        $1 == "created" || $1 == "checksum" || $2 == "train_seconds" { next }
        {
            k = key()
            f = FNR == NR ? 1 : 2
            if ((f, k) in seen) { print "twice: " k; bad = 1 }
            seen[f, k] = 1
        }
        FNR == NR { line[k] = $0; n++; seen_in_a[k] = 1; next }
        {
            m++
            delete seen_in_a[k]
            if (!(k in line)) { print "only in " FILENAME ": " $0; bad = 1; next }
            na = split(line[k], a, " "); nb = split($0, b, " ")
            differs = na != nb
            for (i = 1; i <= na && !differs; i++)
                differs = a[i] != b[i] &&
                    !(a[i] ~ /^[-+0-9.eE]+$/ && b[i] ~ /^[-+0-9.eE]+$/ &&
                      a[i] - b[i] <= tol && b[i] - a[i] <= tol)
            if (differs) { print line[k] " | " $0; bad = 1 }
        }
        END {
            for (k in seen_in_a) { print "missing: " line[k]; bad = 1 }
            exit bad
        }
    ' "$1" "$2" >&2
}

# Two model files line by line (an rbf-approx model's landmarks repeat
# their keys; the job's rows come in the single run's order): every number
# equal to 1e-8, every word equal.
same_lines() {
    grep -v '^created \|^checksum \|^metric train_seconds ' "$1" > "$tmp/a.txt"
    grep -v '^created \|^checksum \|^metric train_seconds ' "$2" > "$tmp/b.txt"
    [ "$(wc -l < "$tmp/a.txt")" -eq "$(wc -l < "$tmp/b.txt")" ] || return 1
    paste -d '|' "$tmp/a.txt" "$tmp/b.txt" | awk -F'|' -v tol=1e-8 '{
        na = split($1, a, " "); nb = split($2, b, " ")
        differs = na != nb
        for (i = 1; i <= na && !differs; i++)
            differs = a[i] != b[i] &&
                !(a[i] ~ /^[-+0-9.eE]+$/ && b[i] ~ /^[-+0-9.eE]+$/ &&
                  a[i] - b[i] <= tol && b[i] - a[i] <= tol)
        if (differs) { print $1 " | " $2; bad = 1 }
    } END { exit bad }' >&2
}

# --- data: a table of 3000 customers in 4 shards; histories in 4 shards
"$BIN/churn-synth" --table 3000 --features 12 --seed 5 -q -o "$tmp/all.csv"
awk -v dir="$tmp" 'NR == 1 { for (i = 0; i < 4; i++) print > (dir "/t-" i ".csv"); next }
    { print > (dir "/t-" int((NR - 2) / 750) ".csv") }' "$tmp/all.csv"
"$BIN/churn-synth" -o "$tmp/h" -n 600 --seed 3 -q
# By customer: all events of a customer in one shard, its row of
# customers.csv in the shard of the same number.
for f in events customers; do
    awk -F, -v out="$tmp/h/$f" 'NR == 1 { for (i = 0; i < 4; i++) print > (out "-" i ".csv"); next }
        { print > (out "-" (substr($1, 2) % 4) ".csv") }' "$tmp/h/$f.csv"
done
history="--as-of 2025-01-01 --horizon 90"

# --- (a) training on shards = training on the union (logistic; svm with
# rbf-approx)
"$BIN/churn-train" --data "$tmp/all.csv" --validation 0 -q -o "$tmp/one.churn"
for np in 4 1 2 3; do
    run $np "$BIN/churn-train" --mpi --data "$tmp/t-*.csv" -q \
        -o "$tmp/np$np.churn"
    same_model "$tmp/one.churn" "$tmp/np$np.churn" ||
        fail "-np $np: the model differs from the single-process one"
done
grep -qx 'metric train_rows 3000' "$tmp/np4.churn" || fail "train_rows"
# More ranks than shards: two ranks with nothing still take part.
run 6 "$BIN/churn-train" --mpi --data "$tmp/t-*.csv" -o "$tmp/np6.churn" \
    > "$tmp/summary.txt"
same_model "$tmp/one.churn" "$tmp/np6.churn" || fail "-np 6 model differs"
grep -q '^rows  *3000 (3000 labeled), 12 input columns, on 6 ranks' \
    "$tmp/summary.txt" || fail "summary of the distributed run"
[ "$(grep -c '^rows' "$tmp/summary.txt")" -eq 1 ] || fail "only rank 0 prints"

# svm with the rbf-approx kernel: landmarks drawn from the job's rows.
"$BIN/churn-train" --data "$tmp/all.csv" --model svm --kernel rbf-approx \
    --components 40 --validation 0 -q -o "$tmp/ra-one.churn"
run 4 "$BIN/churn-train" --mpi --data "$tmp/t-*.csv" --model svm \
    --kernel rbf-approx --components 40 -q -o "$tmp/ra-np4.churn"
same_lines "$tmp/ra-one.churn" "$tmp/ra-np4.churn" ||
    fail "rbf-approx: the model differs from the single-process one"

# From histories: categories, missing values, medians across ranks.
"$BIN/churn-train" --events "$tmp/h/events.csv" \
    --customers "$tmp/h/customers.csv" $history --validation 0 -q \
    -o "$tmp/h-one.churn"
run 4 "$BIN/churn-train" --mpi --events "$tmp/h/events-*.csv" \
    --customers "$tmp/h/customers-*.csv" $history -q -o "$tmp/h-np4.churn"
same_model "$tmp/h-one.churn" "$tmp/h-np4.churn" ||
    fail "histories: the model differs from the single-process one"

# --- (b) scoring: one ranking, the same bytes as scoring the union
"$BIN/churn-score" --model "$tmp/one.churn" --data "$tmp/all.csv" \
    -o "$tmp/one.csv" 2>/dev/null
run 4 "$BIN/churn-score" --mpi --model "$tmp/one.churn" \
    --data "$tmp/t-*.csv" -o "$tmp/np4.csv" 2> "$tmp/err.txt"
cmp -s "$tmp/one.csv" "$tmp/np4.csv" || fail "-np 4 ranking differs"
grep -q 'churn-score: 3000 customers scored.*(4 ranks)' "$tmp/err.txt" ||
    fail "scoring summary"
# Each rank's own file by {rank}, as on storage local to each node.
run 4 "$BIN/churn-score" --mpi --model "$tmp/one.churn" \
    --data "$tmp/t-{rank}.csv" -o "$tmp/np4-rank.csv" 2>/dev/null
cmp -s "$tmp/one.csv" "$tmp/np4-rank.csv" || fail "{rank} ranking differs"
# 3 ranks: rank 0 reads shards 0 and 3, so the union is 0, 3, 1, 2.
(cat "$tmp/t-0.csv"; for s in 3 1 2; do tail -n +2 "$tmp/t-$s.csv"; done) \
    > "$tmp/order3.csv"
"$BIN/churn-score" --model "$tmp/one.churn" --data "$tmp/order3.csv" \
    --top 40 > "$tmp/one-top.csv"
run 3 "$BIN/churn-score" --mpi --model "$tmp/one.churn" \
    --data "$tmp/t-*.csv" --top 40 > "$tmp/np3-top.csv"
cmp -s "$tmp/one-top.csv" "$tmp/np3-top.csv" || fail "-np 3 --top 40 differs"
run 6 "$BIN/churn-score" --mpi --model "$tmp/one.churn" \
    --data "$tmp/t-*.csv" -o "$tmp/np6.csv" 2>/dev/null
cmp -s "$tmp/one.csv" "$tmp/np6.csv" || fail "-np 6 (two empty ranks) differs"
# Drift: every rank's rows counted together, the same file as one process
# (shards 0-2, so that they differ from the training rows: PSI > 0); the
# gate fails on every rank (status 3, as mpirun reports it).
(cat "$tmp/t-0.csv"; for s in 1 2; do tail -n +2 "$tmp/t-$s.csv"; done) \
    > "$tmp/part.csv"
"$BIN/churn-score" --model "$tmp/one.churn" --data "$tmp/part.csv" \
    -o "$tmp/part.csv.out" --drift "$tmp/one-drift.json" 2>/dev/null
st=0
run 4 "$BIN/churn-score" --mpi --model "$tmp/one.churn" \
    --data "$tmp/t-[012].csv" -o "$tmp/np4-part.csv" \
    --drift "$tmp/np4-drift.json" --max-psi 0 2> "$tmp/err.txt" || st=$?
[ "$st" -eq 3 ] || fail "-np 4 --max-psi 0: status $st, expected 3"
cmp -s "$tmp/one-drift.json" "$tmp/np4-drift.json" || fail "-np 4 drift differs"
[ "$(grep -c '^churn-score: drift' "$tmp/err.txt")" -eq 1 ] ||
    fail "drift summary: $(cat "$tmp/err.txt")"

# --- features: one file per rank, together the single run's rows
"$BIN/churn-features" --events "$tmp/h/events.csv" \
    --customers "$tmp/h/customers.csv" $history -o "$tmp/f.csv" 2>/dev/null
run 4 "$BIN/churn-features" --mpi --events "$tmp/h/events-*.csv" \
    --customers "$tmp/h/customers-*.csv" $history -o "$tmp/f-{rank}.csv" \
    2>/dev/null
# Each rank's columns may come in another order (per-event-name counts
# are added as the shards meet them): the cells in f.csv's order.
in_order() {
    awk -F, 'NR == FNR { if (FNR == 1) for (i = 1; i <= NF; i++) want[i] = $i; n = NF; next }
        FNR == 1 { for (i = 1; i <= NF; i++) at[$i] = i; next }
        { line = $at[want[1]]
          for (i = 2; i <= n; i++) line = line "," (want[i] in at ? $at[want[i]] : "?")
          print line }' "$tmp/f.csv" "$@"
}
for r in 0 1 2 3; do
    [ -s "$tmp/f-$r.csv" ] || fail "no features file of rank $r"
    [ "$(head -1 "$tmp/f-$r.csv" | tr , '\n' | sort)" = \
      "$(head -1 "$tmp/f.csv" | tr , '\n' | sort)" ] || fail "rank $r: other columns"
    in_order "$tmp/f-$r.csv"
done | sort > "$tmp/f-ranks.txt"
in_order "$tmp/f.csv" | sort > "$tmp/f-one.txt"
cmp -s "$tmp/f-ranks.txt" "$tmp/f-one.txt" || fail "features differ"

# --- (c) a bad shard fails the job with its place, and writes nothing
cp "$tmp/h/events-"[0-3].csv "$tmp/h/customers-"[0-3].csv "$tmp/"
sed -i '5s/,20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]T/,2024-13-45T/' "$tmp/events-2.csv"
set +e
run 4 "$BIN/churn-train" --mpi --events "$tmp/events-*.csv" \
    --customers "$tmp/customers-*.csv" $history -o "$tmp/bad.churn" \
    > /dev/null 2> "$tmp/err.txt"
rc=$?
set -e
[ $rc -ne 0 ] || fail "a bad shard should fail the job"
grep -q "^churn-train: rank 2: $tmp/events-2.csv:5:9: bad timestamp" \
    "$tmp/err.txt" || { cat "$tmp/err.txt" >&2; fail "message of the bad shard"; }
[ "$(grep -c '^churn-train:' "$tmp/err.txt")" -eq 1 ] ||
    fail "only rank 0 should print the error"
[ ! -e "$tmp/bad.churn" ] || fail "a model was written"
# Scoring: text where the model reads a number, in rank 1's shard.
sed '3s/^\([^,]*\),[^,]*,/\1,oops,/' "$tmp/t-1.csv" > "$tmp/u-1.csv"
cp "$tmp/t-0.csv" "$tmp/u-0.csv"
set +e
run 2 "$BIN/churn-score" --mpi --model "$tmp/one.churn" \
    --data "$tmp/u-*.csv" -o "$tmp/bad.csv" 2> "$tmp/err.txt"
rc=$?
set -e
[ $rc -ne 0 ] || fail "a bad scoring shard should fail the job"
grep -q "rank 1: $tmp/u-1.csv:3:" "$tmp/err.txt" || fail "scoring message"
[ ! -e "$tmp/bad.csv" ] || fail "a ranking was written"

# Shards with other columns: a format error naming the first difference.
awk -F, 'BEGIN { OFS = "," } { t = $2; $2 = $3; $3 = t; print }' \
    "$tmp/t-1.csv" > "$tmp/v-1.csv"
cp "$tmp/t-0.csv" "$tmp/v-0.csv"
set +e
run 2 "$BIN/churn-train" --mpi --data "$tmp/v-*.csv" -o "$tmp/bad.churn" \
    2> "$tmp/err.txt"
rc=$?
set -e
[ $rc -eq 15 ] || fail "shards with other columns should exit 15, got $rc"
grep -q "the shards of ranks 0 and 1 differ: append: column 1 is 'x1' here but 'x2'" \
    "$tmp/err.txt" || { cat "$tmp/err.txt" >&2; fail "other columns message"; }
[ ! -e "$tmp/bad.churn" ] || fail "a model was written"

# --- what the distributed fit does not do is a usage error (exit 2)
expect_usage() {
    set +e
    run 2 "$@" > /dev/null 2> "$tmp/err.txt"
    rc=$?
    set -e
    [ $rc -eq 2 ] || fail "$* should exit 2, got $rc"
}
expect_usage "$BIN/churn-train" --mpi --data "$tmp/t-*.csv" \
    --validation 0.2 -o "$tmp/x.churn"
grep -q 'no validation hold-out' "$tmp/err.txt" || fail "--validation message"
expect_usage "$BIN/churn-train" --mpi --data "$tmp/t-*.csv" --model svm \
    -o "$tmp/x.churn"
grep -q -- '--mpi: --model svm has no distributed fit' \
    "$tmp/err.txt" || fail "--model message"
expect_usage "$BIN/churn-train" --mpi --data "$tmp/t-*.csv" --search \
    -o "$tmp/x.churn"
expect_usage "$BIN/churn-features" --mpi --events "$tmp/h/events-*.csv" \
    $history -o "$tmp/f.csv"
grep -q '{rank}' "$tmp/err.txt" || fail "-o without {rank} message"
# No file matches: a runtime error, the same on every rank.
set +e
run 2 "$BIN/churn-score" --mpi --model "$tmp/one.churn" \
    --data "$tmp/nothing-*.csv" > /dev/null 2> "$tmp/err.txt"
rc=$?
set -e
[ $rc -eq 13 ] || fail "no shard should exit 13, got $rc"
grep -q "no file matches '$tmp/nothing-\*.csv'" "$tmp/err.txt" ||
    fail "no-match message"
exit 0
