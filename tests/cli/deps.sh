#!/bin/sh
# deps.sh - plain `make` needs only the build dependencies; `make check`
# adds the test tools (cmocka and the rest), through tools/install-deps.
set -eu
fail() { echo "deps.sh: $*" >&2; exit 1; }

build=$(tools/install-deps --list --build)
full=$(tools/install-deps --list)
echo "$build" | grep -qx libgsl-dev || fail "--build lacks GSL"
echo "$build" | grep -qx libxgboost-dev || fail "--build lacks XGBoost"
echo "$build" | grep -qx libcmocka-dev && fail "--build lists cmocka"
echo "$full" | grep -qx libcmocka-dev || fail "the full set lacks cmocka"

# What make would run, without running it: the build asks for the build
# set only, check for the full set.
make -n all BUILD="$(mktemp -u)" | grep -q 'install-deps --ensure --build$' ||
    fail "make does not ask for the build set only"
make -n all BUILD="$(mktemp -u)" | grep -q 'install-deps --ensure$' &&
    fail "make asks for the test tools"
make -n check BUILD="$(mktemp -u)" | grep -q 'install-deps --ensure$' ||
    fail "make check does not ask for the test tools"
exit 0
