#!/bin/sh
# report.sh - the HTML evaluation report: self-contained (no script, no
# network), well-formed (xmllint parses the whole page, SVG included), six
# charts with titles and axis labels; churn-train --report shows the same
# validation AUC as its summary; churn-eval --events adds the segment
# section (bar charts, cohort heat map) with the figures churn-segment
# prints; the summary header (title naming the model, figures rounded,
# one-line reading) and the training setup in HTML and JSON; no nan, inf
# or n/a; headless Chromium renders non-blank screenshots at 1280 and 400
# pixels, and at 400 the page is no wider than the window. Without
# chromium that last check is skipped with a line
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

# The summary header: the title names the model, not the data; the
# figures of the header are the JSON's, rounded (AUC and PR AUC with their
# intervals inline, churn rate, top-decile lift), and the one-line reading
# says what the figures say (wording rules: docs/REPORT_JSON.md).
$RUN "$BIN/churn-eval" -q --model "$tmp/m.churn" --bootstrap 100 \
    --data datasets/mlc_churn.csv --label churn --json "$tmp/r.json"
grep -q '^<h1>Churn model evaluation: logistic, C 1, class weight none</h1>$' \
    "$html" || fail "the title does not name the model"
grep -q '<title>Churn model: logistic' "$html" || fail "<title>"
# json KEY: the first number after "KEY": in the report JSON.
json() { sed -n "s/^ *\"$1\": \([-0-9.e]*\),*$/\1/p" "$tmp/r.json" | head -1; }
want=$(awk -v a="$(json auc)" -v l="$(json auc_ci_low)" \
    -v h="$(json auc_ci_high)" 'BEGIN { printf "%.3f (%.3f&#8211;%.3f)", a, l, h }')
grep -q "<th class=\"k\" scope=\"row\">ROC AUC</th><td class=\"k\">$want</td>" \
    "$html" || fail "header AUC is not '$want'"
want=$(awk -v a="$(json pr_auc)" -v l="$(json pr_auc_ci_low)" \
    -v h="$(json pr_auc_ci_high)" 'BEGIN { printf "%.3f (%.3f&#8211;%.3f)", a, l, h }')
grep -q "PR AUC</th><td class=\"k\">$want</td>" "$html" ||
    fail "header PR AUC is not '$want'"
grep -q '>churn rate</th><td class="k">14.1 % (707 of 5000 labeled rows)<' \
    "$html" || fail "header churn rate"
lift=$(json lift)
gain=$(json cumulative_gains)
want=$(awk -v l="$lift" -v g="$gain" \
    'BEGIN { printf "%.1f (%.0f %% of the churners)", l, 100 * g }')
grep -q ">lift, top 10 %</th><td class=\"k\">$want<" "$html" ||
    fail "header lift is not '$want'"
reading=$(awk -v a="$(json auc)" -v l="$lift" -v g="$gain" 'BEGIN {
    printf "Ranks churners well (AUC %.2f): the top 10 %% hold %.0f %% of them, %.1f times the average rate.", a, 100 * g, l }')
grep -q "<p class=\"reading\">$reading</p>" "$html" ||
    fail "reading is not '$reading'"
grep -q "\"reading\": \"$reading\"" "$tmp/r.json" || fail "JSON reading"
grep -q '"family": "logistic",' "$tmp/r.json" || fail "JSON training family"
grep -q '"class_weight": "none",' "$tmp/r.json" || fail "JSON class weight"
grep -q '"label": "churn"' "$tmp/r.json" || fail "JSON training label"
grep -q '<meta name="viewport" content="width=device-width, initial-scale=1"/>' \
    "$html" || fail "no viewport meta tag"

# Cross-validation: the setup that was trained, and no nan, inf or n/a
# figure anywhere (folds have no bootstrap interval of their own).
$RUN "$BIN/churn-eval" --cv 3 --bootstrap 50 --data datasets/mlc_churn.csv \
    --label churn --class-weight balanced --C 0.5 --html "$tmp/cv.html" \
    --json "$tmp/cv.json" > "$tmp/cv.txt"
xmllint --noout "$tmp/cv.html" || fail "the CV page is not well-formed"
for f in cv.html cv.json cv.txt r.html r.json; do
    grep -iwn 'nan\|-nan\|inf\|-inf\|infinity' "$tmp/$f" &&
        fail "$f shows nan or inf"
    grep -n 'n/a' "$tmp/$f" && fail "$f shows n/a"
done
grep -q '^<h1>Churn model evaluation: logistic, C 0.5, class weight balanced</h1>$' \
    "$tmp/cv.html" || fail "CV title"
grep -q '>training</th><td class="k">label churn, seed 42, folds 3, fold seed 42<' \
    "$tmp/cv.html" || fail "CV training setup in the header"
tr -d ' \n' < "$tmp/cv.json" | grep -q '"training":{"family":"logistic","c":0.5,"class_weight":"balanced","label":"churn","seed":42,"folds":3,"fold_seed":42}' ||
    fail "CV training setup in the JSON"

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

# The segment section: churn-eval on event histories (the rows are the
# features at --as-of, labelled by --horizon). Its tables must show what
# churn-segment prints for the same history (customers, share and churn
# rate per segment, stage and tier; cohort sizes), computed there by
# churn_segment_summary and churn_kpi_compute without the report.
mkdir "$tmp/syn"
"$BIN/churn-synth" -o "$tmp/syn" --customers 600 --seed 3 2> /dev/null ||
    fail "churn-synth failed"
hist="--events $tmp/syn/events.csv --customers $tmp/syn/customers.csv"
hist="$hist --as-of 2025-01-01"
kpi="--kpi-from 2024-07-01 --kpi-to 2025-01-01"
# shellcheck disable=SC2086
"$BIN/churn-features" $hist --horizon 90 -o "$tmp/f.csv" 2> /dev/null
"$BIN/churn-train" -q --data "$tmp/f.csv" -o "$tmp/s.churn"
# shellcheck disable=SC2086
$RUN "$BIN/churn-eval" -q --model "$tmp/s.churn" $hist --horizon 90 $kpi \
    --bootstrap 0 --no-importance --html "$tmp/s.html" ||
    fail "churn-eval --events failed"
# shellcheck disable=SC2086
"$BIN/churn-segment" $hist --horizon 90 $kpi -o "$tmp/seg.csv" \
    > "$tmp/seg.out" || fail "churn-segment failed"
xmllint --noout "$tmp/s.html" || fail "the segment page is not well-formed"
[ "$(grep -c '<svg ' "$tmp/s.html")" -eq 10 ] ||
    fail "six charts, three bar charts and a heat map"
for text in 'Segments' 'Customers and churn rate by RFM segment' \
    'Customers and churn rate by lifecycle stage' \
    'Customers and churn rate by health tier' 'Cohort retention' \
    'signup month' 'Retention KPIs, 2024-07-01 to 2025-01-01'; do
    grep -q ">$text<" "$tmp/s.html" || fail "segment page: no '$text'"
done
# Every customer seen before the as-of; those who cancelled before it
# (a cancel_date) have no evaluated row and no RFM segment.
n=$(($(wc -l < "$tmp/seg.csv") - 1))
k=$(awk -F, 'NR > 1 && $17 != ""' "$tmp/seg.csv" | wc -l)
[ "$k" -gt 0 ] || fail "no customer cancelled before the as-of"
grep -q "$((n - k)) of $n customers have an evaluated row" "$tmp/s.html" ||
    fail "segment page: label source"
grep -q "$k of them cancelled before it: they are in stage lost" \
    "$tmp/s.html" || fail "segment page: cancelled customers"
rows=0
# "champions 104 18.2% 87.4 4.8%" -> the HTML table row of champions.
while read -r level customers share health rate; do
    case $rate in *%) ;; *) continue ;; esac
    case $level in 20[0-9][0-9]-*) continue ;; esac # a cohort row
    grep -q "<td class=\"k\">$level</td><td>$customers</td><td>$share</td><td>[0-9]*</td><td>[0-9]*</td><td>$rate</td>" \
        "$tmp/s.html" || fail "segment page: $level differs from churn-segment"
    rows=$((rows + 1))
done < "$tmp/seg.out"
[ $rows -ge 10 ] || fail "only $rows segment rows compared"
# Cohort rows "2024-07    39   97%  ..." -> the size in the table, and
# the percentages in the heat map's cells, row by row.
grep '^20[0-9][0-9]-[0-9][0-9] ' "$tmp/seg.out" > "$tmp/cohorts"
[ -s "$tmp/cohorts" ] || fail "churn-segment printed no cohorts"
while read -r month size rest; do
    grep -q "<td class=\"k\">$month</td><td>$size</td>" "$tmp/s.html" ||
        fail "cohort $month differs from churn-segment"
done < "$tmp/cohorts"
want=$(awk '{ for (i = 3; i <= NF; i++) printf "%s ", $i }' "$tmp/cohorts")
got=$(sed -n '/<title>Cohort retention</,/<\/svg>/p' "$tmp/s.html" |
    grep -o 'fill="#[0-9a-f]*">[0-9]*%</text>' | sed 's/.*">//; s/<.*//' |
    tr '\n' ' ')
[ "$got" = "$want" ] || fail "heat map cells '$got', churn-segment '$want'"
# With --data the labels come from it, matched by customer id.
# shellcheck disable=SC2086
$RUN "$BIN/churn-eval" -q --model "$tmp/s.churn" --data "$tmp/f.csv" $hist \
    --bootstrap 0 --no-importance --json "$tmp/s.json" --html "$tmp/d.html" ||
    fail "churn-eval --data --events failed"
grep -q "$((n - k)) of $n customers have an evaluated row" "$tmp/d.html" ||
    fail "--data page: label source"
grep -q '"labels": "evaluated"' "$tmp/s.json" || fail "JSON segments"
# churn-train --events --report: the section of the whole history, churn
# rates from its horizon labels (the same as churn-segment's).
# shellcheck disable=SC2086
"$BIN/churn-train" -q $hist --horizon 90 -o "$tmp/t.churn" \
    --report "$tmp/t.html"
xmllint --noout "$tmp/t.html" || fail "--report segments not well-formed"
[ "$(grep -c '<svg ' "$tmp/t.html")" -eq 9 ] || fail "--report bar charts"
grep -q 'labels of the segmented history itself' "$tmp/t.html" ||
    fail "--report: label source"
grep health_tier -A 3 "$tmp/seg.out" | sed -n 's/^\(healthy\|watch\|at_risk\) .* \([0-9.]*%\)$/\1 \2/p' |
    while read -r tier rate; do
        grep -q "<td class=\"k\">$tier</td>.*<td>$rate</td></tr>" \
            "$tmp/t.html" || fail "--report: $tier churn rate"
    done
set +e
# shellcheck disable=SC2086
"$BIN/churn-eval" --model "$tmp/s.churn" --data "$tmp/f.csv" $hist \
    --horizon 90 2> /dev/null
[ $? -eq 2 ] || fail "--horizon with --data should exit 2"
"$BIN/churn-eval" --model "$tmp/s.churn" --data "$tmp/f.csv" $kpi \
    2> /dev/null
[ $? -eq 2 ] || fail "--kpi-from without --events should exit 2"
# shellcheck disable=SC2086
"$BIN/churn-eval" --model "$tmp/s.churn" $hist --horizon 90 --snapshots 2 \
    --every 30 2> /dev/null
[ $? -eq 2 ] || fail "--snapshots should exit 2"
set -e

# Rendering in headless Chromium: the telecom report's first screen, and
# the whole segment page.
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
    [ "${CHURN_BROWSER_TESTS:-0}" = 1 ] &&
        fail "chromium not installed (tools/install-deps --browser)"
    echo "report.sh: skipped: chromium not installed"
    exit 0
fi
# shot PAGE WIDTH HEIGHT BYTES: a screenshot WIDTH x HEIGHT pixels (kept
# in the temporary directory as PAGE-WIDTH.png); checks it is a PNG of
# that size and not blank (a blank page compresses to a few kilobytes, the
# charts and tables to far more).
shot() {
    profile=$(mktemp -d)
    rm -f "$tmp/shot.png"
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu \
        --disable-quic --no-first-run --disable-background-networking \
        --disable-component-update --disable-sync \
        --user-data-dir="$profile" --screenshot="$tmp/shot.png" \
        --window-size="$2,$3" "file://$(cd "$tmp" && pwd)/$1" \
        > /dev/null 2>&1 || true
    rm -rf "$profile"
    [ -f "$tmp/shot.png" ] || fail "$1: no screenshot"
    [ "$(head -c 8 "$tmp/shot.png" | od -An -tx1 | tr -d ' \n')" = \
        89504e470d0a1a0a ] || fail "$1: screenshot is not a PNG"
    dims=$(od -An -tu1 -j16 -N8 "$tmp/shot.png" |
        awk '{ print $1*16777216 + $2*65536 + $3*256 + $4 "x" \
                     $5*16777216 + $6*65536 + $7*256 + $8 }')
    [ "$dims" = "${2}x$3" ] || fail "$1: screenshot is $dims, not ${2}x$3"
    size=$(wc -c < "$tmp/shot.png")
    [ "$size" -gt "$4" ] || fail "$1: screenshot looks blank ($size bytes)"
    cp "$tmp/shot.png" "$tmp/${1%.html}-$2.png"
}
# page_width PAGE WIDTH: "SCROLL CLIENT", the page's laid-out width (its
# scrollWidth) and the width it is shown in (clientWidth, the window less
# its scroll bar) when framed WIDTH pixels wide. The page has no script,
# and Chromium's windows are at least 500 pixels wide, so a 400-pixel
# frame in a page of the test's measures it.
page_width() {
    profile=$(mktemp -d)
    printf '%s\n' '<!DOCTYPE html><html><body style="margin:0">' \
        "<iframe src=\"$1\" style=\"width:${2}px;height:900px;border:0\"" \
        'onload="var d = this.contentDocument.documentElement;' \
        "document.body.setAttribute('data-width', d.scrollWidth + ' ' +" \
        'd.clientWidth)"></iframe></body></html>' > "$tmp/frame.html"
    timeout 120 "$browser" --headless --no-sandbox --disable-gpu \
        --disable-quic --no-first-run --disable-background-networking \
        --disable-component-update --disable-sync \
        --allow-file-access-from-files --virtual-time-budget=5000 \
        --user-data-dir="$profile" --window-size=800,1000 --dump-dom \
        "file://$(cd "$tmp" && pwd)/frame.html" 2> /dev/null |
        sed -n 's/.*<body[^>]* data-width="\([0-9]* [0-9]*\)".*/\1/p'
    rm -rf "$profile"
}
shot r.html 1280 2000 60000
shot r.html 400 2000 40000
shot cv.html 400 2000 40000
shot s.html 1200 6000 150000
# Responsive: at 400 pixels nothing is wider than the window (charts
# scale down, tables scroll inside themselves), so the body never
# scrolls sideways.
for page in r.html cv.html s.html; do
    w=$(page_width "$page" 400)
    [ -n "$w" ] || fail "$page: no width measured"
    [ "${w% *}" -le "${w#* }" ] ||
        fail "$page: ${w% *} pixels wide, shown in ${w#* } (400-pixel frame)"
done
exit 0
