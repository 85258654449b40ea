#!/bin/sh
# man.sh - the reference stays true: every man page in docs/man passes
# `groff -man -ww -z` silently and uses man(7) macros only; every tool has
# a page, and every option a tool's --help lists has its own entry (a .TP
# tag) in that page, every function
# libchurn.so exports one in churn(3); no document holds a path of a build machine.
set -eu
BUILD=${BUILD:-build}
fail=0
bad() { echo "man.sh: $*" >&2; fail=1; }

command -v groff >/dev/null ||
    { echo "man.sh: groff is missing (tools/install-deps installs groff-base)" >&2; exit 1; }

for page in docs/man/*.1 docs/man/*.3; do
    out=$(groff -man -ww -z "$page" 2>&1) || bad "$page: groff failed"
    [ -z "$out" ] || bad "$page: groff warns: $out"
    # man(7) macros and the two fill requests; no tbl, no mdoc, no .TQ.
    awk -v p="$page" '/^[.'"'"']/ {
            m = $1; sub(/^[.'"'"']/, "", m)
            if (m !~ /^(TH|SH|SS|TP|IP|PP|B|I|BR|BI|IR|RB|EX|EE|nf|fi|\\")$/) {
                printf "man.sh: %s:%d: macro .%s is not man(7)\n", p, NR, m; bad = 1 } }
         END { exit bad }' "$page" || fail=1
done

for tool in "$BUILD"/bin/churn-*; do
    name=$(basename "$tool")
    page=docs/man/$name.1
    [ -f "$page" ] || { bad "$name has no man page ($page)"; continue; }
    # The option tags of the page, as plain text: the line after each .TP.
    tags=$(awk '/^\.TP/ { getline; print }' "$page" |
        sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g')
    # The options --help lists: those that start an entry of its table.
    opts=$("$tool" --help | sed -n 's/^ \{1,8\}\(-[A-Za-z], \)\{0,1\}\(--[a-z][a-z0-9-]*\).*/\2/p' |
        sort -u)
    for opt in $opts; do
        printf '%s\n' "$tags" | grep -q -E -- "(^|[ ,])$opt([ ,=]|\$)" ||
            bad "$page: option $opt of '$name --help' has no entry (.TP) in the page"
    done
done

# Every function the library exports has its entry in churn(3).
for f in $(nm -D --defined-only "$BUILD/libchurn.so" | awk '$2 == "T" { print $3 }'); do
    grep -q "^\\\\fB.*[ *]$f(" docs/man/churn.3 ||
        bad "docs/man/churn.3: function $f of ml/churn.h has no entry in FUNCTIONS"
done

# No absolute path of a build machine in the documents.
if grep -rn -E '(^|[^A-Za-z0-9_.$}])/(work|root|home|tmp)/' README.md docs \
        features/README.md datasets/README.md; then
    bad "the lines above hold a path of a build machine"
fi
exit $fail
