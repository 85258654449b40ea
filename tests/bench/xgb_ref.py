#!/usr/bin/python3
"""xgb_ref.py - python3-xgboost (Debian's 1.7) on a tabular CSV, as a
reference for the XGBoost wrapper (tests/bench/bench_xgb.c): even rows
train, odd rows test; prints the test AUC and the fit time.

    xgb_ref.py CSV LABEL [--native] [--trees N] [--threads N]
               [--early-stopping N [--seed S]]

Categorical columns (any column with a non-number) are one-hot encoded
with the training rows' levels, as bench_xgb does, or with --native
passed as XGBoost's own categories (feature type "c", codes in order of
first appearance). --early-stopping holds out a stratified fifth of the
training rows (numpy's shuffle, seeded), stops when their log loss has
not improved for N rounds and KEEPS that booster at its best round (the
alternative to the wrapper's refit on all rows). Needs only numpy.
"""
import csv
import sys
import time

import numpy as np
import xgboost as xgb


def auc(y, s):
    """Mann-Whitney AUC, ties counting 1/2."""
    order = np.argsort(s, kind="mergesort")
    ranks = np.empty(len(s))
    ranks[order] = np.arange(1, len(s) + 1)
    _, inv, counts = np.unique(s, return_inverse=True, return_counts=True)
    sums = np.bincount(inv, weights=ranks)
    ranks = (sums / counts)[inv]
    pos = y > 0.5
    n1, n0 = pos.sum(), (~pos).sum()
    return (ranks[pos].sum() - n1 * (n1 + 1) / 2) / (n1 * n0)


def number(text):
    try:
        return float(text) if text not in ("", "NA") else float("nan")
    except ValueError:
        return None


def matrix(rows, names, native):
    cols, types = [], []
    for c in names:
        values = [number(r[c]) for r in rows]
        if all(v is not None for v in values):
            cols.append(values)
            types.append("q")
        elif native:
            codes = {l: i for i, l in enumerate(dict.fromkeys(r[c] for r in rows))}
            cols.append([float(codes[r[c]]) for r in rows])
            types.append("c")
        else:
            for level in dict.fromkeys(r[c] for r in rows[0::2]):
                cols.append([float(r[c] == level) for r in rows])
                types.append("q")
    return np.array(cols).T, types


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        sys.exit(__doc__)
    path, label = args[0], args[1]
    opts = {"--trees": 100, "--threads": 1, "--early-stopping": 0, "--seed": 0}
    native = "--native" in args
    rest = [a for a in args[2:] if a != "--native"]
    for k, v in zip(rest[0::2], rest[1::2]):
        opts[k] = int(v)
    t0 = time.perf_counter()
    rows = list(csv.DictReader(open(path)))
    names = [c for c in rows[0] if c != label]
    y = np.array([r[label].lower() in ("yes", "1", "true") for r in rows], float)
    x, types = matrix(rows, names, native)
    params = dict(objective="binary:logistic", tree_method="hist",
                  nthread=opts["--threads"], seed=0, verbosity=0)
    ft = types if native else None
    xtr, ytr, xte, yte = x[0::2], y[0::2], x[1::2], y[1::2]
    t1 = time.perf_counter()
    if opts["--early-stopping"]:
        rng = np.random.RandomState(opts["--seed"])
        held = np.zeros(len(ytr), bool)
        for cls in (0, 1):
            idx = np.flatnonzero(ytr == cls)
            rng.shuffle(idx)
            held[idx[: int(round(0.2 * len(idx)))]] = True
        dfit = xgb.DMatrix(xtr[~held], ytr[~held], feature_types=ft, enable_categorical=native)
        dheld = xgb.DMatrix(xtr[held], ytr[held], feature_types=ft, enable_categorical=native)
        params["eval_metric"] = "logloss"
        b = xgb.train(params, dfit, 1000, evals=[(dheld, "held")],
                      early_stopping_rounds=opts["--early-stopping"], verbose_eval=False)
        rounds = b.best_iteration + 1
        b = b[:rounds]
    else:
        dtr = xgb.DMatrix(xtr, ytr, feature_types=ft, enable_categorical=native)
        b = xgb.train(params, dtr, opts["--trees"])
        rounds = opts["--trees"]
    fit_s = time.perf_counter() - t1
    dte = xgb.DMatrix(xte, feature_types=ft, enable_categorical=native)
    m = b.predict(dte, output_margin=True)
    print("inputs=%d rounds=%d fit_s=%.3f total_s=%.3f auc=%.4f" % (
        x.shape[1], rounds, fit_s, time.perf_counter() - t0, auc(yte, m)))


if __name__ == "__main__":
    main()
