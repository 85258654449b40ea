#!/usr/bin/python3
"""survival_eval_ref.py - reference figures for tests/test_survival_eval.c,
written from the textbook formulas independently of ml/survival_eval.c
(plain Python, no packages). Not part of the build.

    /usr/bin/python3 tests/ref/survival_eval_ref.py

The data: 30 rows with distinct times (so no tie convention matters and
the figures are scikit-survival's too: concordance_index_censored,
cumulative_dynamic_auc and brier_score with the test data as training
data), about a third censored, risk and P(churn within h) per row.
Prints the C-index, and per horizon the IPCW time-dependent AUC, the IPCW
Brier score and 1 - Kaplan-Meier S(h), each as repr (17 digits).
"""

N = 30
HORIZONS = (7.5, 15.5)


def data():
    """Deterministic rows: a small linear congruential generator."""
    state = 12345
    rows = []
    for i in range(N):
        state = (state * 1103515245 + 12345) % 2**31
        time = (i * 37) % 101 * 0.25 + 0.01 * (i % 7)
        event = 0 if state % 3 == 0 else 1
        risk = ((state >> 8) % 1000) / 1000
        rows.append((time, event, risk))
    return rows


def censoring_survival(rows, t):
    """G(t) = P(C > t): Kaplan-Meier of the censoring times."""
    g = 1.0
    for (s, e, _) in sorted(rows):
        if s > t:
            break
        if e == 0:
            at_risk = sum(1 for (u, _, _) in rows if u >= s)
            g *= 1 - 1 / at_risk
    return g


def km_survival(rows, t):
    s_t = 1.0
    for (s, e, _) in sorted(rows):
        if s > t:
            break
        if e == 1:
            at_risk = sum(1 for (u, _, _) in rows if u >= s)
            s_t *= 1 - 1 / at_risk
    return s_t


def c_index(rows):
    num = den = 0.0
    for (ti, ei, ri) in rows:
        for (tj, _, rj) in rows:
            if ei == 1 and ti < tj:
                den += 1
                num += 1.0 if ri > rj else 0.5 if ri == rj else 0.0
    return num / den


def p_within(risk, h):
    """The test's P(churn within h): any value in [0, 1] will do."""
    return min(1.0, risk * h / 16)


def td_auc(rows, h):
    num = den = 0.0
    controls = [p_within(r, h) for (t, _, r) in rows if t > h]
    for (t, e, r) in rows:
        if e == 1 and t <= h:
            w = 1 / censoring_survival(rows, t)
            p = p_within(r, h)
            num += w * sum(1.0 if p > q else 0.5 if p == q else 0.0
                           for q in controls)
            den += w * len(controls)
    return num / den


def brier(rows, h):
    total = 0.0
    for (t, e, r) in rows:
        p = p_within(r, h)
        if t <= h and e == 1:
            total += (1 - p) ** 2 / censoring_survival(rows, t)
        elif t > h:
            total += p ** 2 / censoring_survival(rows, h)
    return total / len(rows)


def main():
    rows = data()
    print("c_index", repr(c_index(rows)))
    for h in HORIZONS:
        print(h, "td_auc", repr(td_auc(rows, h)), "brier",
              repr(brier(rows, h)), "km_churn", repr(1 - km_survival(rows, h)))


main()
