#!/bin/sh
# numbers.sh - every number written for people is the shortest decimal
# that reads back to the same double (as Python's repr), with no "-0",
# "nan" or "inf": feature files (whose sums of amounts are the exact
# decimal sums, checked against python3's decimal module), rankings,
# segments and the evaluation report as text, JSON and HTML.
# Without python3 the independent checks are skipped.
set -u
b=${BUILD:-build}/bin
tmp=$(mktemp -d "${TMPDIR:-/tmp}/churn-cli-XXXXXX")
trap 'rm -rf "$tmp"' EXIT
fail() { echo "numbers.sh: $*" >&2; exit 1; }
py=$(command -v python3 || true)

$b/churn-synth -o "$tmp/h" --customers 400 --seed 9 2> /dev/null ||
    fail "churn-synth failed"
$b/churn-features --events "$tmp/h/events.csv" \
    --customers "$tmp/h/customers.csv" --as-of 2025-01-01 --horizon 90 \
    -o "$tmp/f.csv" 2> /dev/null || fail "churn-features failed"
$b/churn-train --data "$tmp/f.csv" -o "$tmp/m.churn" -q ||
    fail "churn-train failed"
$b/churn-score -m "$tmp/m.churn" -d "$tmp/f.csv" -o "$tmp/s.csv" \
    2> /dev/null || fail "churn-score failed"
$b/churn-eval -m "$tmp/m.churn" -d "$tmp/f.csv" --json "$tmp/e.json" \
    --html "$tmp/e.html" > "$tmp/e.txt" 2>&1 || fail "churn-eval failed"
$b/churn-eval -m "$tmp/m.churn" --events "$tmp/h/events.csv" \
    --customers "$tmp/h/customers.csv" --as-of 2025-01-01 --horizon 90 \
    --kpi-from 2024-07-01 --kpi-to 2025-01-01 --json "$tmp/k.json" -q \
    2> /dev/null || fail "churn-eval --kpi-from failed"
$b/churn-segment --events "$tmp/h/events.csv" --as-of 2025-01-01 \
    --horizon 90 --kpi-from 2024-07-01 --kpi-to 2025-01-01 \
    -o "$tmp/seg.csv" > "$tmp/seg.txt" 2>&1 || fail "churn-segment failed"

# Figures for reading may be rounded, but never show a negative zero or
# a word for a number that is not one.
for f in e.txt seg.txt e.html; do
    if grep -En -- '(^|[^0-9.a-z])-0(\.0+)?([^0-9.]|$)|\bnan\b|\binf\b' \
        "$tmp/$f" | grep -v 'href' | head -3 | grep .; then
        fail "$f shows a negative zero, nan or inf"
    fi
done
grep -Eq '[=(]-0(\.0+)?[ )]' "$tmp/s.csv" && fail "reasons show -0"

[ -n "$py" ] || exit 0
"$py" - "$tmp" <<'PY' || fail "python3 check failed"
import csv, json, re, sys
from datetime import datetime, timezone
from decimal import Decimal

tmp = sys.argv[1]
bad = []

def sig(text):
    """significant digits of a decimal text"""
    m = text.lstrip('-').split('e')[0].replace('.', '').lstrip('0')
    return len(m.rstrip('0')) or 1

def shortest(text, where):
    """text reads back to a double and has no more digits than repr's"""
    if text in ('', 'NA'):
        return
    x = float(text)
    if text.startswith('-') and x == 0:
        bad.append('%s: %s is a negative zero' % (where, text))
    elif sig(text) > sig(repr(x)):
        bad.append('%s: %s is longer than %r' % (where, text, x))

def numeric_cells(path, skip):
    for i, row in enumerate(csv.DictReader(open(path))):
        for k, v in row.items():
            if k not in skip and re.fullmatch(r'-?[0-9.]+(e[-+][0-9]+)?', v):
                shortest(v, '%s:%d:%s' % (path.split('/')[-1], i + 2, k))

numeric_cells(tmp + '/f.csv', {'customer_id'})
numeric_cells(tmp + '/s.csv', {'customer_id', 'reasons'})
numeric_cells(tmp + '/seg.csv', {'customer_id'})

# The purchase sums, independently: decimal sums of the amounts as
# written, rounded once to a double.
t0 = datetime(2025, 1, 1, tzinfo=timezone.utc).timestamp()
total, recent = {}, {}
for r in csv.DictReader(open(tmp + '/h/events.csv')):
    if r['event'] != 'purchase' or not r['value']:
        continue
    ts = datetime.fromisoformat(r['timestamp'].replace('Z', '+00:00'))
    age = t0 - ts.timestamp()
    if age <= 0:
        continue
    c = r['customer_id']
    total[c] = total.get(c, 0) + Decimal(r['value'])
    if age <= 90 * 86400:
        recent[c] = recent.get(c, 0) + Decimal(r['value'])
checked = 0
for row in csv.DictReader(open(tmp + '/f.csv')):
    for col, sums in (('monetary_total', total), ('monetary_90d', recent)):
        want = float(sums.get(row['customer_id'], 0))
        if float(row[col]) != want:
            bad.append('%s %s: %s, decimal sum %r' % (row['customer_id'], col,
                                                      row[col], want))
        checked += 1
if checked < 200:
    bad.append('only %d monetary cells checked' % checked)

# JSON: every number token outside strings in its shortest form.
for name in ('e.json', 'k.json'):
    text = open(tmp + '/' + name).read()
    json.loads(text)
    for tok in re.findall(r'(?<=[:\[,\s])-?[0-9][0-9.eE+-]*(?=[,\s\]}])',
                          text):
        shortest(tok, name)
# Revenue sums amounts of 2 decimals: it has at most 2 decimals itself.
kpi = json.load(open(tmp + '/k.json'))['kpi']
for key in ('revenue_start', 'revenue_end'):
    text = repr(float(kpi[key]))
    if len(text.split('.')[-1]) > 2 or kpi[key] <= 0:
        bad.append('k.json: %s is %s' % (key, text))
for line in bad[:5]:
    print(line, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
exit 0
