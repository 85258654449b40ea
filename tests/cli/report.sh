#!/bin/sh
# report.sh - the HTML evaluation report: self-contained (no script, no
# network), well-formed (xmllint parses the whole page, SVG included), six
# charts with titles and axis labels; churn-train --report shows the same
# validation AUC as its summary; headless Chromium renders a non-blank
# screenshot. Without chromium that last check is skipped with a line
# saying so, unless CHURN_BROWSER_TESTS=1 (CI sets it), which makes a
# missing chromium a failure.
set -eu
BIN=${BUILD:-build}/bin
RUN=${TEST_WRAPPER:-}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "report.sh: $*" >&2; exit 1; }

"$BIN/churn-train" -q --data datasets/mlc_churn.csv --label churn \
    -o "$tmp/m.churn"
$RUN "$BIN/churn-eval" -q --model "$tmp/m.churn" --bootstrap 100 \
    --data datasets/mlc_churn.csv --label churn --html "$tmp/r.html"
html=$tmp/r.html
command -v xmllint >/dev/null || fail "xmllint missing (tools/install-deps)"
xmllint --noout "$html" || fail "the page is not well-formed"
grep -qi '<script' "$html" && fail "the page has a script"
grep -o '\(src\|href\)="[^"]*"' "$html" | grep -q . && fail "external reference"
grep -o 'http[s]*://[^"]*' "$html" | grep -v '^http://www.w3.org/' |
    grep -q . &&
    fail "a network address"
[ "$(grep -c '<svg ' "$html")" -eq 6 ] || fail "six charts"
for text in 'ROC curve' 'Precision-recall curve' 'Cumulative gains' \
    'Lift by decile' 'Calibration (reliability)' 'Probabilities by class' \
    'false positive rate' 'true positive rate' 'recall' 'precision' \
    'perfectly calibrated' 'churned' 'stayed' 'model_family' \
    'Feature importance' 'number_customer_service_calls'; do
    grep -q ">$text<\|>$text (" "$html" || fail "no text '$text'"
done

grep -q 'total_day_minutes, ' "$html" || fail "input names"

# churn-train --report: the report's AUC is the summary's validation AUC.
$RUN "$BIN/churn-train" --data datasets/mlc_churn.csv --label churn \
    -o "$tmp/v.churn" --report "$tmp/v.html" > "$tmp/summary.txt"
xmllint --noout "$tmp/v.html" || fail "--report page not well-formed"
auc=$(sed -n 's/^validation  *AUC \([0-9.]*\).*/\1/p' "$tmp/summary.txt")
grep -q "<td class=\"k\">ROC AUC</td><td>$auc</td>" "$tmp/v.html" ||
    fail "--report AUC differs from the summary's $auc"
grep -q '>1000 labeled rows' "$tmp/v.html" || fail "--report rows"
set +e
"$BIN/churn-train" --data datasets/mlc_churn.csv --label churn \
    --validation 0 -o "$tmp/x.churn" --report "$tmp/x.html" 2>/dev/null
rc=$?
set -e
[ $rc -eq 2 ] || fail "--report without validation should exit 2"

# Rendering in headless Chromium.
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    [ "${CHURN_BROWSER_TESTS:-0}" = 1 ] &&
        fail "chromium not installed (tools/install-deps --browser)"
    echo "report.sh: skipped: chromium not installed"
    exit 0
fi
profile=$(mktemp -d)
timeout 120 "$browser" --headless --no-sandbox --disable-gpu --disable-quic \
    --no-first-run --disable-background-networking \
    --disable-component-update --disable-sync --user-data-dir="$profile" \
    --screenshot="$tmp/shot.png" --window-size=1200,2000 \
    "file://$(cd "$tmp" && pwd)/r.html" > /dev/null 2>&1 || true
rm -rf "$profile"
[ -f "$tmp/shot.png" ] || fail "no screenshot"
# A PNG of the asked size; a blank page compresses to a few kilobytes,
# the charts and tables to far more.
[ "$(head -c 8 "$tmp/shot.png" | od -An -tx1 | tr -d ' \n')" = \
    89504e470d0a1a0a ] || fail "screenshot is not a PNG"
dims=$(od -An -tu1 -j16 -N8 "$tmp/shot.png" |
    awk '{ print $1*16777216 + $2*65536 + $3*256 + $4 "x" \
                 $5*16777216 + $6*65536 + $7*256 + $8 }')
[ "$dims" = 1200x2000 ] || fail "screenshot is $dims, not 1200x2000"
size=$(wc -c < "$tmp/shot.png")
[ "$size" -gt 60000 ] || fail "screenshot looks blank ($size bytes)"
exit 0
