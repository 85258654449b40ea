#!/bin/sh
# file_cycles.sh - no two source files of datasets/ use each other's
# functions (nm: what one object leaves undefined against what the other
# defines), so each reads one way: the readers use their helpers
# (csv_dataset.c, csv_columns.c, ...), never the other way round.
set -eu
BUILD=${BUILD:-build}
command -v nm >/dev/null || { echo "file_cycles.sh: nm is missing" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
for dir in datasets; do
    for o in "$BUILD"/obj/$dir/*.o; do
        b=$(basename "$o" .o)
        nm -u "$o" | awk '{print $2}' | sort -u >"$tmp/$b.uses"
        nm --defined-only "$o" | awk '$2 ~ /[TDBR]/ {print $3}' | sort -u \
            >"$tmp/$b.defines"
    done
    for a in "$tmp"/*.uses; do
        a=$(basename "$a" .uses)
        for b in "$tmp"/*.uses; do
            b=$(basename "$b" .uses)
            [ "$a" \< "$b" ] || continue
            ab=$(comm -12 "$tmp/$a.uses" "$tmp/$b.defines" | head -3 | tr '\n' ' ')
            ba=$(comm -12 "$tmp/$b.uses" "$tmp/$a.defines" | head -3 | tr '\n' ' ')
            if [ -n "$ab" ] && [ -n "$ba" ]; then
                echo "file_cycles.sh: $dir/$a.c uses $ab of $dir/$b.c, which uses $ba of it" >&2
                fail=1
            fi
        done
    done
    rm -f "$tmp"/*
done
exit $fail
