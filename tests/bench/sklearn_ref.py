#!/usr/bin/python3
"""sklearn_ref.py - the scikit-learn reference of the training benchmarks:
what a notebook would do with the same CSV files. Timed as a whole process
by tests/bench/run (reading, standardizing, fitting, scoring).

    sklearn_ref.py logistic|svm TRAIN.csv TEST.csv C GAMMA OUT.txt

Reads customer_id, x1..xD, churned; standardizes with the training rows'
mean and population standard deviation (as churn's pipeline does); fits
LogisticRegression(C) or SVC(kernel="rbf", C, gamma) (GAMMA is ignored for
logistic); writes one decision value per TEST row to OUT.txt, in order.
"""
import sys

import numpy as np
import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVC


def xy(path):
    df = pd.read_csv(path)
    y = df.pop("churned").to_numpy()
    df.pop("customer_id")
    return df.to_numpy(dtype=float), y


def main():
    if len(sys.argv) != 7:
        sys.exit(__doc__)
    kind, train, test, c, gamma, out = sys.argv[1:]
    x, y = xy(train)
    x_test, _ = xy(test)
    scaler = StandardScaler().fit(x)
    if kind == "logistic":
        model = LogisticRegression(C=float(c), max_iter=1000)
    else:
        model = SVC(kernel="rbf", C=float(c), gamma=float(gamma))
    model.fit(scaler.transform(x), y)
    np.savetxt(out, model.decision_function(scaler.transform(x_test)),
               fmt="%.17g")


if __name__ == "__main__":
    main()
