#!/usr/bin/python3
"""cox_ref.py - Cox proportional hazards with a Breslow baseline, the
alternative to the survival family's discrete-time hazard model, measured
on the same features (docs/SURVIVAL.md). Not part of the build.

    /usr/bin/python3 tests/ref/cox_ref.py TRAIN.csv TEST.csv HORIZON

TRAIN and TEST are churn-features outputs with churned and days_to_churn
(rows not churned are censored at HORIZON). The inputs are prepared as
churn-train's pipeline does: median imputation with a missing indicator
for numeric columns missing in training, one-hot encoding of text
columns, standardization on the training rows. The fit maximizes the
Breslow partial log-likelihood minus 0.5 ||beta||^2 (the L2 strength of
--C 1) by Newton's method; P(churn within t | z) = 1 - exp(-H0(t)
exp(beta.z)), H0 the Breslow baseline. Prints the AUC of P(churn within
HORIZON) and HORIZON/2 and their mean against the observed rates.
numpy only (Debian's python3-numpy 1.24.2).
"""
import csv
import sys

import numpy as np


def read(path):
    rows = list(csv.DictReader(open(path, newline="")))
    return rows


def is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


def design(train, test):
    skip = {"customer_id", "as_of", "churned", "days_to_churn"}
    names = [c for c in train[0] if c not in skip]
    cols_tr, cols_te = [], []
    for c in names:
        cells = [r[c] for r in train]
        if all(v == "" or is_number(v) for v in cells):
            x = np.array([float(v) if v != "" else np.nan for v in cells])
            y = np.array([float(r[c]) if r[c] != "" else np.nan
                          for r in test])
            med = np.nanmedian(x)
            if np.isnan(x).any():
                cols_tr.append(np.isnan(x).astype(float))
                cols_te.append(np.isnan(y).astype(float))
            cols_tr.append(np.where(np.isnan(x), med, x))
            cols_te.append(np.where(np.isnan(y), med, y))
        else:
            for level in sorted(set(cells)):
                cols_tr.append(np.array([float(v == level) for v in cells]))
                cols_te.append(np.array([float(r[c] == level)
                                         for r in test]))
    xtr, xte = np.column_stack(cols_tr), np.column_stack(cols_te)
    mu, sd = xtr.mean(axis=0), xtr.std(axis=0)
    sd[sd == 0] = 1
    return (xtr - mu) / sd, (xte - mu) / sd


def times(rows, horizon):
    t = np.array([float(r["days_to_churn"]) if r["churned"] == "1"
                  else horizon for r in rows])
    e = np.array([1.0 if r["churned"] == "1" else 0.0 for r in rows])
    return t, e


def objective(x, e, group_end, beta):
    eta = x @ beta
    top = eta.max()
    log_s0 = np.log(np.cumsum(np.exp(eta - top))) + top
    ev = e == 1
    return (eta[ev] - log_s0[group_end[ev]]).sum() - 0.5 * beta @ beta


def fit(x, t, e, iters=50):
    """Newton on the penalized Breslow partial likelihood, halving steps
    that do not raise it."""
    n, p = x.shape
    beta = np.zeros(p)
    order = np.argsort(-t, kind="stable")  # longest first: risk sets grow
    x, t, e = x[order], t[order], e[order]
    last = np.r_[np.nonzero(np.diff(t))[0], n - 1]
    groups = np.repeat(last, np.diff(np.r_[-1, last]))
    for _ in range(iters):
        eta = x @ beta
        w = np.exp(eta - eta.max())
        s0 = np.cumsum(w)
        s1 = np.cumsum(w[:, None] * x, axis=0)
        grad = -beta.copy()
        hess = -np.eye(p)
        # Rows with equal times share the risk set of the last of them.
        last = np.r_[np.nonzero(np.diff(t))[0], n - 1]
        group_end = np.repeat(last, np.diff(np.r_[-1, last]))
        for i in np.nonzero(e)[0]:
            k = group_end[i]
            m = s1[k] / s0[k]
            grad += x[i] - m
        # Hessian: sum over events of -(S2/S0 - m m^T)
        ev = np.nonzero(e)[0]
        ks = group_end[ev]
        uniq, counts = np.unique(ks, return_counts=True)
        s2 = np.zeros((p, p))
        j = 0
        for k, c in zip(uniq, counts):
            while j <= k:
                s2 += w[j] * np.outer(x[j], x[j])
                j += 1
            m = s1[k] / s0[k]
            hess -= c * (s2 / s0[k] - np.outer(m, m))
        if np.abs(grad).max() < 1e-8:
            break
        step = np.linalg.solve(hess, grad)
        before = objective(x, e, groups, beta)
        scale = 1.0
        while objective(x, e, groups, beta - scale * step) < before and \
                scale > 1e-10:
            scale /= 2
        beta -= scale * step
    return beta


def baseline(x, t, e, beta, at):
    """Breslow cumulative baseline hazard at time at."""
    r = np.exp(x @ beta)
    h = 0.0
    for u in np.unique(t[(e == 1) & (t < at)]):
        d = ((t == u) & (e == 1)).sum()
        h += d / r[t >= u].sum()
    return h


def auc(score, label):
    order = np.argsort(score, kind="stable")
    s, y = score[order], label[order]
    ranks = np.empty(len(s))
    i = 0
    while i < len(s):
        j = i
        while j + 1 < len(s) and s[j + 1] == s[i]:
            j += 1
        ranks[i:j + 1] = (i + j) / 2 + 1
        i = j + 1
    pos = y.sum()
    return (ranks[y == 1].sum() - pos * (pos + 1) / 2) / (pos * (len(y) - pos))


def main():
    train, test, horizon = read(sys.argv[1]), read(sys.argv[2]), \
        float(sys.argv[3])
    xtr, xte = design(train, test)
    t, e = times(train, horizon)
    beta = fit(xtr, t, e)
    tt, et = times(test, horizon)
    for h in (horizon, horizon / 2):
        p = 1 - np.exp(-baseline(xtr, t, e, beta, h) * np.exp(xte @ beta))
        y = ((et == 1) & (tt < h)).astype(float)
        print("cox: AUC of P(churn within %g) %.4f; mean %.4f, observed "
              "%.4f" % (h, auc(p, y), p.mean(), y.mean()))


if __name__ == "__main__":
    main()
