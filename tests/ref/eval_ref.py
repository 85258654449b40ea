#!/usr/bin/python3
"""eval_ref.py - reference figures for tests/test_eval.c.

Run once with Debian's interpreter (it has scikit-learn):

    /usr/bin/python3 tests/ref/eval_ref.py

It prints C literals: 200 probabilities with one decimal (so ties are
heavy: 9 distinct values, and some sit exactly on calibration bin edges)
and 0/1 labels, then every figure churn_eval_compute reports, computed
here by scikit-learn where it has the metric and by numpy otherwise.
Written with scikit-learn 1.2.1 and numpy 1.24.2 (Debian bookworm).
"""
import math

import numpy as np
from sklearn.calibration import calibration_curve
from sklearn.metrics import (accuracy_score, average_precision_score,
                             brier_score_loss, confusion_matrix, f1_score,
                             log_loss, precision_score, recall_score,
                             roc_auc_score)


def data():
    rs = np.random.RandomState(5)
    s = np.round(rs.uniform(0.05, 0.95, 200), 1)
    y = (rs.uniform(0, 1, 200) < s * 0.8).astype(int)
    return s, y


def main():
    s, y = data()
    n = len(s)
    print("static const double ref_prob[%d] = {" % n)
    print(",".join(repr(float(v)) for v in s) + "};")
    print("static const double ref_label[%d] = {" % n)
    print(",".join(str(int(v)) for v in y) + "};")
    fig = {}
    fig["auc"] = roc_auc_score(y, s)
    fig["pr_auc"] = average_precision_score(y, s)
    fig["log_loss"] = log_loss(y, s)
    fig["brier"] = brier_score_loss(y, s)
    pred = (s >= 0.5).astype(int)
    fig["accuracy"] = accuracy_score(y, pred)
    fig["precision"] = precision_score(y, pred)
    fig["recall"] = recall_score(y, pred)
    fig["f1"] = f1_score(y, pred)
    tn, fp, fn, tp = confusion_matrix(y, pred).ravel()
    fig.update(tp=tp, fp=fp, tn=tn, fn=fn)
    # ECE over scikit-learn's uniform bins (its own bin assignment).
    prob_true, prob_pred = calibration_curve(y, s, n_bins=10,
                                             strategy="uniform")
    bins = np.linspace(0.0, 1.0, 11)
    counts = np.bincount(np.searchsorted(bins[1:-1], s), minlength=10)
    counts = counts[counts > 0]
    fig["ece"] = float(np.sum(counts / n * np.abs(prob_true - prob_pred)))
    order = np.argsort(-s, kind="stable")
    ranked = y[order]
    for pct in (1, 5, 10, 20):
        k = math.ceil(n * pct / 100)
        fig["precision_at_%dpct" % pct] = ranked[:k].sum() / k
        fig["recall_at_%dpct" % pct] = ranked[:k].sum() / y.sum()
    lo, hi = 0, n // 10
    fig["top_decile_lift"] = ranked[lo:hi].mean() / y.mean()
    # Profit with offer cost 3, customer value 10; the highest threshold
    # wins ties; "nobody" (profit 0) when nothing beats it.
    best, best_t, best_n = 0.0, None, 0
    for t in sorted(set(s), reverse=True):
        tp_t = int(((s >= t) & (y == 1)).sum())
        n_t = int((s >= t).sum())
        profit = 10 * tp_t - 3 * n_t
        if profit > best:
            best, best_t, best_n = profit, t, n_t
    fig.update(best_profit=best, best_threshold=best_t, best_targeted=best_n)
    print("/* name, scikit-learn / numpy figure */")
    for k, v in fig.items():
        print('    {"%s", %r},' % (k, float(v)))
    gains = np.cumsum([ranked[d * n // 10:(d + 1) * n // 10].sum()
                       for d in range(10)]) / y.sum()
    print("static const double ref_gains[10] = {%s};"
          % ", ".join(repr(float(g)) for g in gains))


main()
