#!/bin/sh
# install.sh - installs libchurn into a temporary prefix, builds the README's
# example against it with pkg-config, and checks its probabilities equal
# churn-score's to the last bit; the man pages go to share/man (DESTDIR
# honoured) and uninstall removes them.
set -eu
BUILD=${BUILD:-build}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "install.sh: $*" >&2; exit 1; }

# The example in README.md is this file, from its first #include on.
awk '/^```c$/ { on = 1; next } /^```$/ { on = 0 } on' README.md > "$tmp/readme.c"
sed -n '/^#include <churn.h>/,$p' tests/example/score_example.c |
    cmp -s - "$tmp/readme.c" || fail "README.md's example differs from tests/example/score_example.c"

make -s install BUILD="$BUILD" PREFIX="$tmp/prefix" >/dev/null
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"
# shellcheck disable=SC2046
${CC:-cc} -std=c11 -Wall -Wextra -Werror ${SAN_FLAGS:-} \
    -o "$tmp/example" tests/example/score_example.c \
    $(pkg-config --cflags --libs churn) || fail "example does not build"
nm -D "$tmp/prefix/lib/libchurn.so" >/dev/null || fail "no shared library"

# The same for a logistic model and a gbdt model (XGBoost's predictions
# in batches in the library, row by row in churn-score).
for model in logistic gbdt; do
    "$BUILD/bin/churn-train" --quiet --data datasets/mlc_churn.csv --label churn \
        --model $model -o "$tmp/m.churn"
    LD_LIBRARY_PATH="$tmp/prefix/lib" "$tmp/example" "$tmp/m.churn" \
        datasets/mlc_churn.csv > "$tmp/lib.csv"
    "$BUILD/bin/churn-score" --model "$tmp/m.churn" \
        --data datasets/mlc_churn.csv > "$tmp/tool.csv"
    # Both print numbers that read back to the exact double (%.17g and the
    # shortest round-trip form); awk reads both with strtod, so == compares
    # the doubles bit for bit.
    awk -F, 'NR == FNR { lib[$1] = $2; n++; next }
             FNR > 1 { seen++; if (!($1 in lib) || lib[$1] + 0 != $2 + 0) bad++ }
             END { if (n != 5000 || seen != 5000 || bad) {
                       printf "%d of %d differ\n", bad, seen; exit 1 } }' \
        "$tmp/lib.csv" "$tmp/tool.csv" || fail "$model: probabilities differ"
done
# The man pages: each tool's in man1, the library's in man3.
for page in docs/man/*.1; do
    cmp -s "$page" "$tmp/prefix/share/man/man1/$(basename "$page")" ||
        fail "$page not installed in share/man/man1"
done
cmp -s docs/man/churn.3 "$tmp/prefix/share/man/man3/churn.3" ||
    fail "churn.3 not installed in share/man/man3"
make -s uninstall BUILD="$BUILD" PREFIX="$tmp/prefix" >/dev/null
[ ! -e "$tmp/prefix/include/churn.h" ] || fail "uninstall left churn.h"
left=$(find "$tmp/prefix/share/man" -type f)
[ -z "$left" ] || fail "uninstall left $left"

# DESTDIR stages the same tree under another root.
make -s install BUILD="$BUILD" PREFIX=/usr/local DESTDIR="$tmp/stage" >/dev/null
[ -f "$tmp/stage/usr/local/share/man/man1/churn-train.1" ] &&
    [ -f "$tmp/stage/usr/local/share/man/man3/churn.3" ] ||
    fail "DESTDIR install lacks the man pages"
make -s uninstall BUILD="$BUILD" PREFIX=/usr/local DESTDIR="$tmp/stage" >/dev/null
[ ! -e "$tmp/stage/usr/local/share/man/man1/churn-train.1" ] ||
    fail "DESTDIR uninstall left churn-train.1"
exit 0
