#!/bin/sh
# house.sh - the house test (issue 18 §7): a newcomer finds any behaviour
# within two hops of churn.h, and no folder has a cycle of files.
#
# 1. Cycles. In each folder (ml, models, datasets, features, tools) file A
#    uses file B when A's object needs (nm -u) a symbol B's object defines
#    (nm --defined-only); a strongly connected component of two or more
#    files is a cycle. For every edge inside a component one cycle through
#    it is printed (the edge, then the shortest way back), each edge with
#    the symbols that make it, so every edge that a split could remove is
#    shown once at least:
#      models: family.c -> family_svm.c (churn__family_svm) -> family.c (churn__coefs_read)
# 2. Two hops. Each group of declarations in ml/churn.h is preceded by a
#    comment "/* Implemented in DIR/FILE.c, DIR/FILE.c. */" (it may wrap);
#    it covers the CHURN_API functions after it up to the next such
#    comment or section heading ("/* ---- name */"), so each section
#    needs its own. Every function must be covered and defined (nm) in
#    one of the files its comment names, and every file named must define
#    one of the group's functions (no stale names).
# Reads the objects of BUILD (default build): run it after `make`, from
# the top folder (sh tests/cli/house.sh); `make check` runs it with the
# other command-line tests.
set -eu
BUILD=${BUILD:-build}
OBJ=$BUILD/obj
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
say() { echo "house.sh: $*" >&2; }

[ -d "$OBJ" ] || { say "no $OBJ: run make first"; exit 1; }

# "D file symbol" for each global symbol a file defines and "U file
# symbol" for each it needs, from the objects whose source is in the
# folder (a stale object of a removed file is left out). The library's
# folders must have every object; tools/ has objects for mpi.c only.
symbols() { # folder
    for src in "$1"/*.c; do
        [ -f "$src" ] || continue
        o=$OBJ/${src%.c}.o
        if [ ! -f "$o" ]; then
            [ "$1" = tools ] && continue
            say "$o is missing: run make first"
            return 1
        fi
        f=${src#"$1"/}
        nm --defined-only "$o" | awk -v f="$f" \
            'NF == 3 && $2 ~ /^[A-Z]$/ { print "D", f, $3 }'
        nm -u "$o" | awk -v f="$f" 'NF >= 1 { print "U", f, $NF }'
    done
}

for folder in ml models datasets features tools; do
    [ -d "$folder" ] || continue
    symbols "$folder" > "$tmp/syms" || exit 1
    # Edges "user used symbol", sorted so that the output is stable.
    awk '$1 == "D" { def[$3] = def[$3] " " $2; next }
         $1 == "U" { need[++n] = $2 " " $3 }
         END {
             for (i = 1; i <= n; i++) {
                 split(need[i], a, " ")
                 m = split(def[a[2]], by, " ")
                 for (k = 1; k <= m; k++)
                     if (by[k] != a[1]) print a[1], by[k], a[2]
             }
         }' "$tmp/syms" | sort -u > "$tmp/edges"
    awk -v folder="$folder" -f - "$tmp/edges" > "$tmp/cycles" <<'AWK'
# Tarjan's strongly connected components, then one cycle per edge.
$1 != prev1 || $2 != prev2 {
    adj[$1] = adj[$1] " " $2
    if (!($1 in seen)) { seen[$1] = 1; node[++nn] = $1 }
    if (!($2 in seen)) { seen[$2] = 1; node[++nn] = $2 }
}
{
    # (Tested before the assignment: a reference creates the element.)
    sep = (($1, $2) in syms) ? ", " : ""
    syms[$1, $2] = syms[$1, $2] sep $3
    prev1 = $1; prev2 = $2
}
function strong(v,   ws, n, i, w) {
    num[v] = low[v] = counter++
    stack[++sp] = v; onstack[v] = 1
    n = split(adj[v], ws, " ")
    for (i = 1; i <= n; i++) {
        w = ws[i]
        if (!(w in num)) {
            strong(w)
            if (low[w] < low[v]) low[v] = low[w]
        } else if (onstack[w] && num[w] < low[v])
            low[v] = num[w]
    }
    if (low[v] == num[v]) {
        ncomp++; size = 0
        do { w = stack[sp--]; onstack[w] = 0; comp[w] = ncomp; size++ }
        while (w != v)
        csize[ncomp] = size
    }
}
# The shortest way from a to b inside a's component, breadth first:
# the files after a, space separated, ending with b.
function way(a, b,   q, head, tail, prevn, x, n, i, ws, w, out) {
    q[tail = 1] = a; prevn[a] = ""; head = 1
    while (head <= tail && !(b in prevn)) {
        x = q[head++]
        n = split(adj[x], ws, " ")
        for (i = 1; i <= n; i++) {
            w = ws[i]
            if (comp[w] == comp[a] && !(w in prevn)) {
                prevn[w] = x; q[++tail] = w
            }
        }
    }
    out = b
    for (x = prevn[b]; x != a; x = prevn[x]) out = x " " out
    return out
}
END {
    for (i = 1; i <= nn; i++) if (!(node[i] in num)) strong(node[i])
    for (i = 1; i <= nn; i++) {
        u = node[i]
        if (csize[comp[u]] < 2) continue
        n = split(adj[u], ws, " ")
        for (k = 1; k <= n; k++) {
            v = ws[k]
            if (comp[v] != comp[u]) continue
            # The cycle u v ... u, started at its smallest file, so that
            # the same cycle found from two of its edges prints once.
            m = split(u " " v " " way(v, u), c, " ")
            m--
            s = 1
            for (j = 2; j <= m; j++) if (c[j] < c[s]) s = j
            line = folder ": " c[s]
            for (j = 1; j <= m; j++) {
                a = c[(s + j - 2) % m + 1]; b = c[(s + j - 1) % m + 1]
                line = line " -> " b " (" syms[a, b] ")"
            }
            if (!(line in printed)) { printed[line] = 1; print line }
        }
    }
}
AWK
    if [ -s "$tmp/cycles" ]; then
        cat "$tmp/cycles" >&2
        fail=1
    fi
done

# Two hops: the functions churn.h declares, by their "Implemented in".
awk '/^\/\* -+ [^ ].* \*\/$/ { current = 0; next }  # a section heading
     /^\/\* Implemented in / {
         text = ""; incomment = 1; current = ++group; start = FNR
     }
     incomment {
         text = text " " $0
         if ($0 ~ /\*\//) {
             incomment = 0
             sub(/^ *\/\* Implemented in /, "", text)
             sub(/\. *\*\/.*$/, "", text)
             gsub(/ *\* */, " ", text)
             gsub(/,/, " ", text)
             n = split(text, files, " ")
             for (i = 1; i <= n; i++) print "F", group, files[i], start
         }
         next
     }
     /^CHURN_API/ && /\(/ {
         s = $0; sub(/\(.*/, "", s)
         n = split(s, w, /[ *]+/)
         print "A", current + 0, w[n], FNR
     }' ml/churn.h > "$tmp/groups"

# "file function" for every exported function of the library's objects.
for o in "$OBJ"/ml/*.o "$OBJ"/models/*.o "$OBJ"/datasets/*.o \
         "$OBJ"/features/*.o; do
    src=${o#"$OBJ"/}
    src=${src%.o}.c
    [ -f "$src" ] || continue
    nm --defined-only "$o" | awk -v f="$src" \
        '$2 == "T" && $3 ~ /^churn_[a-z]/ { print "T", f, $3 }'
done > "$tmp/defs"

awk '$1 == "T" { where[$3] = where[$3] " " $2; next }
     $1 == "F" { named[$2] = named[$2] " " $3; fline[$2] = $4
                 sep = ($2 in list) ? ", " : ""  # (before: a reference
                 list[$2] = list[$2] sep $3     # creates the element)
                 if (!(($2, $3) in used)) used[$2, $3] = 0; nf++
                 fg[nf] = $2; ff[nf] = $3; next }
     $1 == "A" {
         if ($2 == 0) {
             printf "house.sh: ml/churn.h:%d: %s is in no group: no " \
                 "\"Implemented in\" comment before it\n", $4, $3
             bad = 1; next
         }
         n = split(where[$3], at, " "); found = 0
         for (i = 1; i <= n; i++)
             if ((" " named[$2] " ") ~ (" " at[i] " ")) {
                 found = 1; used[$2, at[i]] = 1
             }
         if (!found) {
             printf "house.sh: ml/churn.h:%d: %s is defined in %s, not " \
                 "in the files its group names (%s)\n", $4, $3,
                 (n ? substr(where[$3], 2) : "no object"),
                 list[$2]
             bad = 1
         }
     }
     END {
         for (i = 1; i <= nf; i++)
             if (!used[fg[i], ff[i]]) {
                 printf "house.sh: ml/churn.h:%d: %s is named but defines " \
                     "none of its group'"'"'s functions\n", fline[fg[i]], ff[i]
                 bad = 1
             }
         exit bad
     }' "$tmp/defs" "$tmp/groups" >&2 || fail=1

exit $fail
