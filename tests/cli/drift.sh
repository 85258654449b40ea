#!/bin/sh
# drift.sh - churn-score --drift / --max-psi and churn-eval's drift
# section: the PSI of each input and of the score against the model's
# training rows, checked against python3 computing the deciles, the counts
# and the index itself from the CSV files (skipped without python3).
set -u
BIN=${BUILD:-build}/bin
RUN=${TEST_WRAPPER:-}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/churn-cli-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "drift.sh: $*" >&2; exit 1; }
py=$(command -v python3 || true)

$RUN "$BIN/churn-score" --help > "$tmp/help.txt"
for s in '--drift FILE' '--max-psi X' 'share of 1e-4' 'deciles'; do
    grep -q -- "$s" "$tmp/help.txt" || fail "churn-score --help lacks '$s'"
done

# Training rows: 5 numeric inputs and a plan (a 50%, b 30%, c 20%).
"$BIN/churn-synth" --table 2000 --features 5 --seed 7 -q -o "$tmp/raw.csv"
awk -F, 'BEGIN { OFS = "," } NR == 1 { print $0, "plan"; next }
    { t = (NR - 2) % 10; print $0, (t < 5 ? "a" : t < 8 ? "b" : "c") }' \
    "$tmp/raw.csv" > "$tmp/train.csv"
$RUN "$BIN/churn-train" --data "$tmp/train.csv" --validation 0 -q \
    -o "$tmp/m.churn" || fail "training"
grep -q '^drift 6 2000$' "$tmp/m.churn" || fail "no drift section"

# The training rows again: no drift, the gate passes.
$RUN "$BIN/churn-score" --model "$tmp/m.churn" --data "$tmp/train.csv" \
    -o "$tmp/r0.csv" --drift "$tmp/d0.json" --max-psi 0.01 \
    2> "$tmp/err0.txt" || fail "training rows: status $? $(cat "$tmp/err0.txt")"
grep -q '^churn-score: drift (PSI against 2000 training rows): score 0' \
    "$tmp/err0.txt" || fail "summary: $(cat "$tmp/err0.txt")"

# x1 moved by one training standard deviation: x1 first, PSI >= 0.25;
# --max-psi 0.25 fails with status 3 once the ranking and the JSON are
# written.
awk -F, 'NR > 1 { n++; s += $2; q += $2 * $2 }
    END { printf "%.17g\n", sqrt(q / n - (s / n) ^ 2) }' "$tmp/train.csv" \
    > "$tmp/sd.txt"
awk -F, -v sd="$(cat "$tmp/sd.txt")" 'BEGIN { OFS = "," }
    NR > 1 { $2 = sprintf("%.6f", $2 + sd) } { print }' "$tmp/train.csv" \
    > "$tmp/shift.csv"
$RUN "$BIN/churn-score" --model "$tmp/m.churn" --data "$tmp/shift.csv" \
    -o "$tmp/r1.csv" --drift "$tmp/d1.json" --max-psi 0.25 2> "$tmp/err1.txt"
st=$?
[ "$st" -eq 3 ] || fail "shift: status $st, expected 3"
[ -s "$tmp/r1.csv" ] && [ -s "$tmp/d1.json" ] || fail "shift: outputs missing"
grep -q 'most drifted inputs: x1 ' "$tmp/err1.txt" ||
    fail "shift summary: $(cat "$tmp/err1.txt")"
grep -q '^churn-score: gate failed: PSI .*of x1 .*above --max-psi 0.25$' \
    "$tmp/err1.txt" || fail "gate message: $(cat "$tmp/err1.txt")"

# Plan shares a 20%, b 30%, c 50%; x2 missing in every fifth row.
awk -F, 'BEGIN { OFS = "," } NR == 1 { print; next }
    { t = (NR - 2) % 10; $8 = (t < 2 ? "a" : t < 5 ? "b" : "c") }
    (NR - 2) % 5 == 0 { $3 = "" } { print }' "$tmp/train.csv" \
    > "$tmp/mix.csv"
$RUN "$BIN/churn-score" --model "$tmp/m.churn" --data "$tmp/mix.csv" \
    -o "$tmp/r2.csv" --drift "$tmp/d2.json" 2> "$tmp/err2.txt" ||
    fail "mix: status $?"

# A model file from before (no drift section): loads, scores, says so;
# the gate cannot pass without references.
sed '/^drift /,/^end drift$/d; /^checksum /d' "$tmp/m.churn" > "$tmp/old.body"
if [ -n "$py" ]; then
    "$py" -c 'import sys, zlib; b = open(sys.argv[1], "rb").read()
sys.stdout.write(b.decode() + "checksum %08x\n" % (zlib.crc32(b) & 0xffffffff))' \
        "$tmp/old.body" > "$tmp/old.churn"
    $RUN "$BIN/churn-score" --model "$tmp/old.churn" --data "$tmp/train.csv" \
        -o "$tmp/r3.csv" --drift "$tmp/d3.json" 2> "$tmp/err3.txt" ||
        fail "old model: status $?"
    grep -q 'the model has no drift references' "$tmp/err3.txt" ||
        fail "old model: $(cat "$tmp/err3.txt")"
    [ -e "$tmp/d3.json" ] && fail "old model: a drift file written"
    cmp -s "$tmp/r0.csv" "$tmp/r3.csv" || fail "old model scores differ"
    $RUN "$BIN/churn-score" --model "$tmp/old.churn" --data "$tmp/train.csv" \
        -o "$tmp/r3.csv" --max-psi 1 2> /dev/null
    st=$?
    [ "$st" -eq 3 ] || fail "old model --max-psi: status $st, expected 3"
    $RUN "$BIN/churn-eval" --model "$tmp/old.churn" --data "$tmp/train.csv" \
        --bootstrap 0 --no-importance -q --json "$tmp/old.json" ||
        fail "churn-eval, old model: status $?"
    grep -q '"drift": "the model has no drift references"' "$tmp/old.json" ||
        fail "churn-eval, old model: the report does not say so"
fi

# churn-eval: a drift section in the text, JSON and HTML reports.
$RUN "$BIN/churn-eval" --model "$tmp/m.churn" --data "$tmp/shift.csv" \
    --bootstrap 0 --no-importance --json "$tmp/e.json" \
    --html "$tmp/e.html" > "$tmp/e.txt" || fail "churn-eval: status $?"
grep -q '^Drift (PSI against 2000 training rows' "$tmp/e.txt" ||
    fail "churn-eval text has no drift section"
sed -n '/^Drift/,$p' "$tmp/e.txt" | sed -n 3p | grep -q '^  x1 ' ||
    fail "churn-eval text: x1 is not first"
grep -q '<h2>Drift</h2>' "$tmp/e.html" || fail "HTML has no drift section"

# Above 5,000 training rows the score's reference is the probabilities of
# every k-th row (12,001 rows: k = 3, 4,001 rows), and a "rows" line under
# the score says so; the inputs keep every row. The training rows scored
# again do not drift: each column's shares are of its own total.
"$BIN/churn-synth" --table 12001 --features 3 --seed 11 -q -o "$tmp/big.csv"
$RUN "$BIN/churn-train" --data "$tmp/big.csv" --validation 0 -q \
    -o "$tmp/big.churn" || fail "training on 12001 rows"
grep -q '^drift 3 12001$' "$tmp/big.churn" || fail "big: drift rows"
sed -n '/^score /,/^counts/p' "$tmp/big.churn" | sed -n 2p |
    grep -q '^rows 4001$' || fail "big: no 'rows 4001' under the score"
[ "$(grep -c '^rows ' "$tmp/big.churn")" -eq 1 ] ||
    fail "big: a rows line elsewhere than the score"
$RUN "$BIN/churn-score" --model "$tmp/big.churn" --data "$tmp/big.csv" \
    -o "$tmp/rb.csv" --drift "$tmp/db.json" --max-psi 0.01 \
    2> "$tmp/errb.txt" || fail "big, training rows: $(cat "$tmp/errb.txt")"
grep -q '^churn-score: drift (PSI against 12001 training rows): score 0.00' \
    "$tmp/errb.txt" || fail "big summary: $(cat "$tmp/errb.txt")"
# Trained on fewer rows the file has no such line (as before the sample).
grep -q '^rows ' "$tmp/m.churn" && fail "2000 rows: a rows line"

[ -n "$py" ] || exit 0
"$py" - "$tmp" <<'PY' || fail "python3 check failed"
import csv, json, math, sys
tmp = sys.argv[1]
FLOOR = 1e-4

def rows(name):
    with open(f"{tmp}/{name}") as f:
        return list(csv.DictReader(f))

def psi(e, a):
    return sum((max(y, FLOOR) - max(x, FLOOR)) *
               math.log(max(y, FLOOR) / max(x, FLOOR)) for x, y in zip(e, a))

def numeric_bins(values, edges):
    """Shares of the ranges (-inf, e1], (e1, e2], ..., (ek, inf) and of
    the missing values, counted by comparison."""
    n = len(values)
    out = [0.0] * (len(edges) + 2)
    for v in values:
        if v == "":
            out[-1] += 1 / n
        else:
            out[sum(1 for e in edges if float(v) > e)] += 1 / n
    return out

def deciles(values):
    s = sorted(float(v) for v in values if v != "")
    edges = []
    for q in range(1, 10):
        v = s[math.ceil(q * len(s) / 10) - 1]
        if not edges or v > edges[-1]:
            edges.append(v)
    return edges

train = rows("train.csv")
def expected_psi(new, name):
    if name == "plan":
        levels = ["a", "b", "c"]
        share = lambda rs: [sum(r[name] == l for r in rs) / len(rs)
                            for l in levels] + [0, 0]
        return psi(share(train), share(new))
    edges = deciles([r[name] for r in train])
    return psi(numeric_bins([r[name] for r in train], edges),
               numeric_bins([r[name] for r in new], edges))

for data, js, moved in (("train.csv", "d0.json", None),
                        ("shift.csv", "d1.json", "x1"),
                        ("mix.csv", "d2.json", None)):
    new = rows(data)
    d = json.load(open(f"{tmp}/{js}"))
    assert d["rows"] == 2000 and d["reference_rows"] == 2000, d["rows"]
    assert d["floor"] == FLOOR
    got = {i["name"]: i["psi"] for i in d["inputs"]}
    assert sorted(got) == ["plan", "x1", "x2", "x3", "x4", "x5"], got
    psis = [i["psi"] for i in d["inputs"]]
    assert psis == sorted(psis, reverse=True), "not ranked"
    for name, v in got.items():
        want = expected_psi(new, name)
        assert abs(v - want) <= 1e-9 * max(1, want), (js, name, v, want)
        if data == "train.csv":
            assert v < 0.01, (name, v)
    if moved:
        assert d["inputs"][0]["name"] == moved and got[moved] >= 0.25, got
    for i in d["inputs"]:
        assert abs(sum(b["psi"] for b in i["bins"]) - i["psi"]) < 1e-12
    if data == "train.csv":
        assert d["score"]["psi"] < 0.01, d["score"]["psi"]
    if moved:  # the score moves with x1
        assert d["score"]["psi"] > 0.1, d["score"]["psi"]
mix = json.load(open(f"{tmp}/d2.json"))
names = [i["name"] for i in mix["inputs"]]
assert sorted(names[:2]) == ["plan", "x2"], names  # both moved, no other
x2 = next(i for i in mix["inputs"] if i["name"] == "x2")
miss = x2["bins"][-1]
assert miss["kind"] == "missing" and miss["expected"] == 0 and \
    miss["actual"] == 0.2, miss
e = json.load(open(f"{tmp}/e.json"))["drift"]
d1 = json.load(open(f"{tmp}/d1.json"))
assert e["inputs"] == [{"name": i["name"], "psi": i["psi"]}
                       for i in d1["inputs"]], e["inputs"]
assert e["score"]["psi"] == d1["score"]["psi"]
big = json.load(open(f"{tmp}/db.json"))
assert big["reference_rows"] == 12001, big["reference_rows"]
shares = [b["expected"] for b in big["score"]["bins"]]
assert abs(sum(shares) - 1) < 1e-12 and max(shares) < 0.11, shares
assert big["score"]["psi"] < 0.01, big["score"]["psi"]
PY
