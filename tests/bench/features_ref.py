#!/usr/bin/python3
"""features_ref.py - churn-features' features computed with pandas, as a
data scientist would write them: read the log, map event names to roles,
then group by customer and aggregate, vectorised. The benchmark's peer for
`churn-features`, and an independent check of its numbers (tests/bench/run
compares the two outputs).

    features_ref.py EVENTS.csv AS_OF HORIZON_DAYS OUT.csv

One snapshot at AS_OF (YYYY-MM-DD, UTC), labels over [AS_OF, AS_OF +
HORIZON_DAYS), default role names, active window 90 days, no customers
file. The definitions are those of README.md's feature table and
features/README.md.
"""
import re
import sys

import numpy as np
import pandas as pd

DAY = 86400.0
ACTIVE_WINDOW_DAYS = 90
MAX_UNKNOWN = 64
ROLE_NAMES = {
    "activity": ["login", "usage", "activity", "session", "page_view"],
    "purchase": ["purchase", "payment", "order", "invoice"],
    "ticket_open": ["ticket", "ticket_opened", "complaint"],
    "ticket_close": ["ticket_closed", "ticket_resolved"],
    "satisfaction": ["survey", "csat", "nps", "satisfaction"],
    "cancel": ["cancel", "churn", "unsubscribe", "terminate"],
    "signup": ["signup", "subscribe", "start"],
}
NAME_TO_ROLE = {n: r for r, names in ROLE_NAMES.items() for n in names}


def read_events(path, t0):
    ev = pd.read_csv(path, dtype={"customer_id": str, "event": "category"},
                     keep_default_na=False,
                     na_values=["", "NA", "N/A", "NaN", "null"])
    ts = pd.to_datetime(ev["timestamp"], utc=True)
    ev["ts"] = ts.astype("int64") / 1e9
    ev["age"] = t0 - ev["ts"]
    # Roles and unknown-name columns per distinct name, then per row.
    names = ev["event"].cat.categories.str.strip().str.lower()
    role = [NAME_TO_ROLE.get(n, "activity") for n in names]
    unknown = [None if n in NAME_TO_ROLE else re.sub(r"[^a-z0-9_]", "_", n)
               for n in names]
    codes = ev["event"].cat.codes.to_numpy()
    ev["role"] = np.array(role, dtype=object)[codes]
    ev["unknown"] = np.array(unknown, dtype=object)[codes]
    return ev


def window_sum(df, column, max_days, min_days=0.0):
    """Per customer sum of column over events aged (min_days, max_days]."""
    age = df["age"]
    rows = df[(age <= max_days * DAY) & (age > min_days * DAY)]
    return rows.groupby("customer_id")[column].sum()


def resolution_days(opens, closes):
    """Mean open-to-close days, closes paired with opens first in first out:
    the closed tickets are the earliest opens."""
    n_open = opens.groupby("customer_id").size()
    n_close = closes.groupby("customer_id").size()
    opens = opens.sort_values(["customer_id", "ts"], kind="mergesort")
    opens = opens.assign(k=opens.groupby("customer_id").cumcount())
    opens = opens.join(n_close.rename("n_close"), on="customer_id")
    paired = opens[opens["k"] < opens["n_close"]]
    open_sum = paired.groupby("customer_id")["ts"].sum()
    close_sum = closes.groupby("customer_id")["ts"].sum()
    both = pd.DataFrame({"n_open": n_open, "n_close": n_close}).dropna()
    fifo = (close_sum - open_sum) / both["n_close"]
    # More closes than opens (opened before the log began): mean - mean.
    means = (closes.groupby("customer_id")["ts"].mean()
             - opens.groupby("customer_id")["ts"].mean())
    mean = fifo.where(both["n_close"] <= both["n_open"], means)
    mean = mean.reindex(both.index)
    return mean.clip(lower=0) / DAY


def satisfaction_trend(scores):
    """Least-squares slope of score per 30 days over the last 180 days."""
    recent = scores[scores["age"] <= 180 * DAY]
    x = -recent["age"] / (30 * DAY)
    g = recent.assign(x=x).groupby("customer_id")
    xc = recent.assign(x=x)["x"] - g["x"].transform("mean")
    yc = recent["value"] - g["value"].transform("mean")
    sums = pd.DataFrame({"sxy": xc * yc, "sxx": xc * xc, "x2": x * x,
                         "customer_id": recent["customer_id"]})
    s = sums.groupby("customer_id").sum()
    n = g.size()
    ok = (n >= 2) & (s["sxx"] > 1e-10 * s["x2"])
    return (s["sxy"] / s["sxx"]).where(ok)


def features(ev, t0, horizon_days):
    by_customer = ev.groupby("customer_id", sort=False)
    first_event = by_customer["ts"].min()
    cancels = ev[ev["role"] == "cancel"]
    any_cancel = len(cancels) > 0
    first_cancel = cancels.groupby("customer_id")["ts"].min()
    first_cancel = first_cancel.reindex(first_event.index)
    before = ev[ev["ts"] < t0]
    act = before[before["role"] == "activity"].assign(
        v=lambda d: d["value"].fillna(1.0))
    last_activity = act.groupby("customer_id")["ts"].max()

    population = (first_event < t0) & ~(first_cancel < t0)
    if not any_cancel:
        # Customers with no activity in the window (or none at all) are
        # gone, not at risk.
        since = t0 - last_activity.reindex(first_event.index)
        population &= since <= ACTIVE_WINDOW_DAYS * DAY
    ids = first_event.index[population]
    out = pd.DataFrame(index=ids)

    signups = before[before["role"] == "signup"].groupby("customer_id")["ts"]
    start = signups.min().reindex(ids).fillna(first_event.reindex(ids))
    out["tenure_days"] = (t0 - start) / DAY
    purchases = before[before["role"] == "purchase"].assign(
        m=lambda d: d["value"].fillna(0.0), one=1)
    opens = before[before["role"] == "ticket_open"].assign(one=1)
    closes = before[before["role"] == "ticket_close"]
    out["recency_activity_days"] = (t0 - last_activity) / DAY
    out["recency_purchase_days"] = (
        t0 - purchases.groupby("customer_id")["ts"].max()) / DAY
    out["recency_ticket_days"] = (
        t0 - opens.groupby("customer_id")["ts"].max()) / DAY
    counts = {
        "activity_7d": window_sum(act, "v", 7),
        "activity_30d": window_sum(act, "v", 30),
        "activity_90d": window_sum(act, "v", 90),
        "activity_30_60": window_sum(act, "v", 60, 30),
        "purchases_90d": window_sum(purchases, "one", 90),
        "monetary_90d": window_sum(purchases, "m", 90),
        "monetary_total": purchases.groupby("customer_id")["m"].sum(),
        "purchases_total": purchases.groupby("customer_id").size(),
        "tickets_30d": window_sum(opens, "one", 30),
        "tickets_90d": window_sum(opens, "one", 90),
        "tickets_open": opens.groupby("customer_id").size(),
        "tickets_closed": closes.groupby("customer_id").size(),
    }
    for name, series in counts.items():
        out[name] = series.reindex(ids).fillna(0.0)
    a, b = out["activity_30d"], out.pop("activity_30_60")
    out["activity_trend"] = ((a - b) / (a + b)).where(a + b != 0)
    opened, closed = out.pop("tickets_open"), out.pop("tickets_closed")
    out["tickets_unresolved"] = (opened - closed).clip(lower=0)
    out["ticket_resolution_days_mean"] = resolution_days(opens, closes)

    scores = before[(before["role"] == "satisfaction")
                    & before["value"].notna()]
    ordered = scores.sort_values(["customer_id", "ts"], kind="mergesort")
    g = scores.groupby("customer_id")["value"]
    out["satisfaction_last"] = ordered.groupby("customer_id")["value"].last()
    out["satisfaction_mean"] = g.mean()
    out["satisfaction_count"] = g.size().reindex(ids).fillna(0.0)
    out["satisfaction_trend"] = satisfaction_trend(scores)

    # Unknown names: a column each, in order of first appearance in the
    # file, for names seen before t0, at most 64.
    names = ev["unknown"].dropna().drop_duplicates()
    seen = set(before["unknown"].dropna())
    names = [n for n in names if n in seen][:MAX_UNKNOWN]
    recent = before[before["age"] <= 30 * DAY]
    per_name = recent.groupby(["customer_id", "unknown"]).size().unstack()
    for n in names:
        col = per_name[n] if n in per_name else pd.Series(dtype=float)
        out[f"events_{n}_30d"] = col.reindex(ids).fillna(0.0)

    order = ["tenure_days", "recency_activity_days", "recency_purchase_days",
             "recency_ticket_days", "activity_7d", "activity_30d",
             "activity_90d", "activity_trend", "purchases_90d",
             "monetary_90d", "monetary_total", "purchases_total",
             "tickets_30d", "tickets_90d", "tickets_unresolved",
             "ticket_resolution_days_mean", "satisfaction_last",
             "satisfaction_mean", "satisfaction_count", "satisfaction_trend"]
    out = out[order + [c for c in out.columns if c not in order]]
    if horizon_days > 0:
        after = ev[(ev["ts"] >= t0) & (ev["ts"] - t0 < horizon_days * DAY)]
        role = "cancel" if any_cancel else "activity"
        hit = set(after.loc[after["role"] == role, "customer_id"])
        flag = ids.isin(list(hit)).astype(int)
        out["churned"] = flag if any_cancel else 1 - flag
        # Days from AS_OF to the churn, for churners only: to the first
        # cancel in the window, or (activity labels) to the day the
        # customer had been quiet for the whole horizon, at least 0.
        if any_cancel:
            first = after[after["role"] == "cancel"].groupby(
                "customer_id")["ts"].min().reindex(ids)
            days = (first - t0) / DAY
        else:
            quiet = last_activity.reindex(ids) + horizon_days * DAY - t0
            days = quiet.clip(lower=0.0) / DAY
        out["days_to_churn"] = days.where(out["churned"].to_numpy() == 1)
    return out


def main():
    if len(sys.argv) != 5:
        sys.exit("usage: features_ref.py EVENTS.csv AS_OF HORIZON_DAYS "
                 "OUT.csv")
    path, as_of, horizon, out_path = sys.argv[1:]
    t0 = pd.Timestamp(as_of, tz="UTC").value / 1e9
    ev = read_events(path, t0)
    out = features(ev, t0, float(horizon))
    out.index.name = "customer_id"
    out.to_csv(out_path, float_format="%.17g")


if __name__ == "__main__":
    main()
