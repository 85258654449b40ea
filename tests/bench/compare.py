"""compare.py - checks that churn-features and a peer (features_ref.py
with pandas, features_duckdb.mjs with DuckDB) wrote the same features for the same event log."""
import math

TOLERANCE = 1e-9  # relative to max(1, |value|)


def _read(path):
    with open(path) as f:
        header = f.readline().rstrip("\n").split(",")
        rows = {}
        for line in f:
            fields = line.rstrip("\n").split(",")
            rows[fields[0]] = [float(v) if v else math.nan
                               for v in fields[1:]]
    return header, rows


def feature_files(churn_path, ref_path):
    """A dict: ok, rows, columns, the largest relative difference, and
    what differs (columns, customers, missingness, values). Columns are
    matched by name: a peer may order the per-name columns its own way
    (features_duckdb.mjs sorts them by name)."""
    h1, r1 = _read(churn_path)
    h2, r2 = _read(ref_path)
    problems, worst, worst_col = [], 0.0, None
    same_columns = h1[:1] == h2[:1] and sorted(h1) == sorted(h2) and \
        len(set(h1)) == len(h1)
    if not same_columns:
        problems.append("columns differ: %s vs %s" % (h1, h2))
    if set(r1) != set(r2):
        problems.append("customers differ: %d only in churn, %d only in "
                        "the reference" % (len(set(r1) - set(r2)),
                                           len(set(r2) - set(r1))))
    bad = {}
    if same_columns:
        # where each of churn's columns is in the reference's rows
        at = [h2.index(name) - 1 for name in h1[1:]]
        for cid in set(r1) & set(r2):
            ref_row = r2[cid]
            for j, x in enumerate(r1[cid]):
                y = ref_row[at[j]]
                if math.isnan(x) or math.isnan(y):
                    same = math.isnan(x) and math.isnan(y)
                    diff = 0.0 if same else math.inf
                else:
                    diff = abs(x - y) / max(1.0, abs(x), abs(y))
                if diff > worst:
                    worst, worst_col = diff, h1[j + 1]
                if diff > TOLERANCE:
                    bad.setdefault(h1[j + 1], []).append(cid)
    for col, ids in bad.items():
        problems.append("%s: %d customers differ (e.g. %s)" % (
            col, len(ids), ids[0]))
    return {"ok": not problems, "rows": len(r1), "columns": len(h1) - 1,
            "worst": worst, "worst_column": worst_col,
            "problems": problems}
