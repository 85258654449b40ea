#!/bin/sh
# install.sh - installs libchurn into a temporary prefix, builds the README's
# example against it with pkg-config, and checks its probabilities equal
# churn-score's to the last bit.
set -eu
BUILD=${BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "install.sh: $*" >&2; exit 1; }

make -s install BUILD="$BUILD" PREFIX="$tmp/prefix" >/dev/null
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"
# shellcheck disable=SC2046
${CC:-cc} -std=c11 -Wall -Wextra -Werror ${SAN_FLAGS:-} \
    -o "$tmp/example" tests/example/score_example.c \
    $(pkg-config --cflags --libs churn) || fail "example does not build"
nm -D "$tmp/prefix/lib/libchurn.so" >/dev/null || fail "no shared library"

"$BUILD/bin/churn-train" --quiet --data datasets/mlc_churn.csv --label churn \
    -o "$tmp/m.churn"
LD_LIBRARY_PATH="$tmp/prefix/lib" "$tmp/example" "$tmp/m.churn" \
    datasets/mlc_churn.csv > "$tmp/lib.csv"
"$BUILD/bin/churn-score" --model "$tmp/m.churn" \
    --data datasets/mlc_churn.csv > "$tmp/tool.csv"
# Both print numbers that read back to the exact double (%.17g and the
# shortest round-trip form): compare them as doubles, row by row.
awk -F, 'NR > 1 { print $1 "," $2 }' "$tmp/tool.csv" | sort > "$tmp/a"
sort "$tmp/lib.csv" > "$tmp/b"
python3 - "$tmp/a" "$tmp/b" <<'PY' || fail "probabilities differ"
import sys
a = dict(l.strip().split(",") for l in open(sys.argv[1]))
b = dict(l.strip().split(",") for l in open(sys.argv[2]))
assert a.keys() == b.keys() and len(a) == 5000, "different customers"
bad = [k for k in a if float(a[k]) != float(b[k])]
assert not bad, "%d differ, e.g. %s: %s vs %s" % (len(bad), bad[0], a[bad[0]], b[bad[0]])
PY
make -s uninstall BUILD="$BUILD" PREFIX="$tmp/prefix" >/dev/null
[ ! -e "$tmp/prefix/include/churn.h" ] || fail "uninstall left churn.h"
exit 0
