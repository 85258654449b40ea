"""rows.py - one function per row of issue 7's target table: makes (or
reuses) the data, times churn and its peers, measures held-out AUCs.
Each returns a plain dict that report.py turns into tables."""
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PY = sys.executable or "/usr/bin/python3"
AS_OF, HORIZON = "2025-01-01", "90"
# churn-synth's events per customer: about BASE + PER_RATE x the activity
# rate (measured, 20000 customers: 4,748,855 events at rate 1.0,
# 5,016,265 at 1.06).
BASE_EVENTS_PER_CUSTOMER = 14.6
EVENTS_PER_CUSTOMER_AND_RATE = 222.8
SVM_CACHE_MB = "200"  # churn's libsvm cache (models/svm.c)
# DuckDB for node, installed by tools/install-deps --bench
DUCKDB_MODULE = os.path.join(HERE, "node_modules", "@duckdb", "node-api")


def find_peers(no_peers):
    """Which peers are installed: a set of names."""
    found = set()
    if no_peers:
        return found
    for module in ("numpy", "pandas", "sklearn"):
        try:
            __import__(module)
            found.add(module)
        except ImportError:
            pass
    for tool in ("liblinear-train", "liblinear-predict", "svm-train",
                 "xgboost"):
        if shutil.which(tool):
            found.add(tool)
    if shutil.which("node") and os.path.isdir(DUCKDB_MODULE):
        found.add("duckdb")
    return found


class Context:
    def __init__(self, a, runner, bin_dir, peers):
        self.a, self.run, self.peers = a, runner, peers
        self.bin_dir, self.cache = bin_dir, {}

    def tool(self, name):
        return os.path.join(self.bin_dir, name)

    def path(self, name):
        return os.path.join(self.a.work, name)

    def has(self, *names):
        return all(n in self.peers for n in names)


def call(cmd):
    """An untimed step (data preparation); its failure stops the suite."""
    p = subprocess.run(cmd, stdout=subprocess.DEVNULL,
                       stderr=subprocess.PIPE, text=True)
    if p.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(cmd), p.stderr.strip()))


def sizes(ctx, full):
    return [max(1, round(f * full)) for f in ctx.a.scaling]


def reps(ctx, full):
    """--reps at the full size; the smaller sizes of the scaling tables
    run once (they show growth, not the target figure)."""
    return ctx.a.reps if full else 1


def churn_specs(ctx, what, cmd, full):
    """The churn command on 1 core, and at the full size on 2 cores too,
    as specs for Runner.interleaved."""
    return [("churn%d" % c, "%s, %d core" % (what, c), cmd, c)
            for c in ((1, 2) if full else (1,))]


def median(xs):
    s = sorted(xs)
    n = len(s)
    return float("nan") if n == 0 else (s[n // 2] if n % 2 else
                                        (s[n // 2 - 1] + s[n // 2]) / 2)


# ---------------------------------------------------------------- the data

def synth_events(ctx, events):
    """An event log of about `events` rows (within 3 %) for --customers
    customers; the activity rate sets the count. Returns its path and its
    row count."""
    folder = ctx.path("events-%d" % events)
    # Events grow linearly with the rate over a base of purchases,
    # tickets and surveys: one guess from the fit, one secant correction.
    base = BASE_EVENTS_PER_CUSTOMER * ctx.a.customers
    rate = max(0.01, (events - base) / (ctx.a.customers *
                                        EVENTS_PER_CUSTOMER_AND_RATE))
    for attempt in range(3):
        cmd = [ctx.tool("churn-synth"), "-o", folder, "-q", "--customers",
               str(ctx.a.customers), "--activity-rate", "%.6g" % rate]
        call(cmd)
        path = os.path.join(folder, "events.csv")
        with open(path, "rb") as f:
            n = sum(1 for _ in f) - 1
        if abs(n - events) <= 0.03 * events or n <= base:
            break
        rate *= max(events - base, 1) / (n - base)
    ctx.cache.setdefault("synth_commands", []).append(" ".join(cmd))
    return path, n


def synth_table(ctx, name, rows, features, seed):
    """rows training rows and --test-rows held-out rows of one table (one
    churn-synth run, the last rows split off); cached by name."""
    if name in ctx.cache:
        return ctx.cache[name]
    whole = ctx.path(name + "-all.csv")
    cmd = [ctx.tool("churn-synth"), "--table", str(rows + ctx.a.test_rows),
           "--features", str(features), "--seed", str(seed), "-q",
           "-o", whole]
    ctx.cache.setdefault("synth_commands", []).append(" ".join(cmd))
    call(cmd)
    train, test = ctx.path(name + ".csv"), ctx.path(name + "-test.csv")
    with open(whole) as f, open(train, "w") as tr, open(test, "w") as te:
        header = f.readline()
        tr.write(header)
        te.write(header)
        for i, line in enumerate(f):
            (tr if i < rows else te).write(line)
    os.remove(whole)
    ctx.cache[name] = (train, test)
    return train, test


def table40(ctx):
    a = ctx.a
    return synth_table(ctx, "table%d" % a.features,
                       max(a.rows, a.logistic_rows, a.subsample),
                       a.features, 1)


def head_rows(ctx, src, rows, name):
    """The header and the first rows of a CSV file, as a new file."""
    dst = ctx.path(name)
    with open(src) as f, open(dst, "w") as out:
        for i, line in enumerate(f):
            if i > rows:
                break
            out.write(line)
    return dst


# ------------------------------------------------------------- AUC helpers

def auc(scores, labels):
    """ROC AUC by the rank sum (ties get their mean rank)."""
    pairs = sorted(zip(scores, labels))
    rank_sum, i, n = 0.0, 0, len(pairs)
    while i < n:
        j = i
        while j < n and pairs[j][0] == pairs[i][0]:
            j += 1
        mean_rank = (i + 1 + j) / 2
        rank_sum += mean_rank * sum(1 for k in range(i, j) if pairs[k][1])
        i = j
    pos = sum(1 for _, y in pairs if y)
    neg = n - pos
    if pos == 0 or neg == 0:
        return float("nan")
    return (rank_sum - pos * (pos + 1) / 2) / (pos * neg)


def read_labels(csv_path):
    """ids and 0/1 labels (last column) of a table file, in order."""
    ids, labels = [], []
    with open(csv_path) as f:
        f.readline()
        for line in f:
            fields = line.rstrip("\n").split(",")
            ids.append(fields[0])
            labels.append(int(fields[-1]))
    return ids, labels


def churn_auc(ctx, model, test):
    """AUC of a churn model on the held-out table (churn-score)."""
    out = model + ".scores.csv"
    call([ctx.tool("churn-score"), "--model", model, "--data", test,
          "--reasons", "0", "-o", out])
    prob = {}
    with open(out) as f:
        f.readline()
        for line in f:
            fields = line.split(",")
            prob[fields[0]] = float(fields[1])
    ids, labels = read_labels(test)
    return auc([prob[i] for i in ids], labels)


def values_auc(path, test):
    """AUC of one decision value per line of path for the rows of test."""
    with open(path) as f:
        scores = [float(line) for line in f if line.strip()]
    return auc(scores, read_labels(test)[1])


# ------------------------------------------------- libsvm-format peers

def standardized_libsvm(ctx, train, test, tag):
    """train and test as libsvm files, standardized with the training
    rows' mean and population sd (churn's pipeline does the same)."""
    import numpy as np
    key = "libsvm:" + train
    if key in ctx.cache:
        return ctx.cache[key]

    def load(path):
        m = _load_table(path)
        return m[:, :-1], m[:, -1]

    x, y = load(train)
    xt, yt = load(test)
    mean, sd = x.mean(axis=0), x.std(axis=0)
    sd[sd == 0] = 1
    files = []
    for xs, ys, name in ((x, y, tag + ".svm"), (xt, yt, tag + "-test.svm")):
        z = (xs - mean) / sd
        fmt = "%d " + " ".join("%d:%%.10g" % (j + 1)
                               for j in range(z.shape[1]))
        path = ctx.path(name)
        np.savetxt(path, np.column_stack([ys, z]), fmt=fmt)
        files.append(path)
    ctx.cache[key] = (files[0], files[1], (xt - mean) / sd)
    return ctx.cache[key]


def _load_table(path):
    """The numeric columns (all but the id) of a table file."""
    try:
        import pandas as pd
        return pd.read_csv(path).iloc[:, 1:].to_numpy(dtype=float)
    except ImportError:
        import numpy as np
        with open(path) as f:
            ncol = len(f.readline().split(","))
        return np.loadtxt(path, delimiter=",", skiprows=1,
                          usecols=range(1, ncol), ndmin=2)


def liblinear_auc(ctx, model, test_svm, test_csv):
    out = model + ".pred"
    call(["liblinear-predict", "-b", "1", test_svm, model, out])
    with open(out) as f:
        labels = f.readline().split()[1:]
        col = 1 + labels.index("1")
        scores = [float(line.split()[col]) for line in f]
    return auc(scores, read_labels(test_csv)[1])


def svm_model_auc(model, z_test, test_csv):
    """AUC of an svm-train model's decision values on standardized rows,
    computed from its model file: sum coef K(sv, x) - rho."""
    import numpy as np
    head, coef, svs = {}, [], []
    with open(model) as f:
        for line in f:
            if line.strip() == "SV":
                break
            key, *vals = line.split()
            head[key] = vals
        for line in f:
            fields = line.split()
            coef.append(float(fields[0]))
            row = np.zeros(z_test.shape[1])
            for item in fields[1:]:
                j, v = item.split(":")
                row[int(j) - 1] = float(v)
            svs.append(row)
    gamma, rho = float(head["gamma"][0]), float(head["rho"][0])
    coef, svs = np.array(coef), np.array(svs)
    sv_sq = (svs * svs).sum(axis=1)
    f = np.empty(len(z_test))
    for s in range(0, len(z_test), 1000):
        x = z_test[s:s + 1000]
        d2 = (x * x).sum(axis=1)[:, None] + sv_sq[None, :] - 2 * x @ svs.T
        f[s:s + 1000] = np.exp(-gamma * np.maximum(d2, 0)) @ coef - rho
    if head["label"][0] != "1":  # positive values mean the first label
        f = -f
    return auc(list(f), read_labels(test_csv)[1])


# ------------------------------------------------------------------ rows

def features(ctx):
    """churn-features against the pandas reference and DuckDB (as many
    threads as cores: 1 at the smaller sizes, 2 at the full one, as
    churn); outputs compared."""
    import compare
    a, r = ctx.a, {"sizes": []}
    for n in sizes(ctx, a.events):
        events, n_events = synth_events(ctx, n)
        full = n == a.events
        size = {"events": n_events, "customers": a.customers,
                "bytes": os.path.getsize(events)}
        out, ref = ctx.path("features-%d.csv" % n), ctx.path("ref-%d.csv" % n)
        duck = ctx.path("duckdb-%d.csv" % n)
        cmd = [ctx.tool("churn-features"), "--events", events, "--as-of",
               AS_OF, "--horizon", HORIZON, "-o", out]
        specs = churn_specs(ctx, "churn-features %d events" % n_events,
                            cmd, full)
        if ctx.has("pandas", "numpy"):
            specs.append(("pandas", "pandas reference %d events" % n_events,
                          [PY, os.path.join(HERE, "features_ref.py"),
                           events, AS_OF, HORIZON, ref], 1))
        if ctx.has("duckdb"):
            cores = 2 if full else 1
            specs.append(("duckdb", "DuckDB %d events, %d threads" % (
                n_events, cores), ["node", os.path.join(
                    HERE, "features_duckdb.mjs"), events, AS_OF, HORIZON,
                    duck, str(cores)], cores))
        size.update(ctx.run.interleaved(specs, reps(ctx, full)))
        if full and "error" not in size.get("pandas", {"error": 1}) and \
                os.path.exists(out):
            r["check"] = compare.feature_files(out, ref)
        if full and "error" not in size.get("duckdb", {"error": 1}) and \
                os.path.exists(out):
            r["check_duckdb"] = compare.feature_files(out, duck)
        r["sizes"].append(size)
    r["mawk"] = score_mawk(ctx)
    return r


def train_cmd(ctx, data, model, *extra):
    return [ctx.tool("churn-train"), "--data", data, "--C", str(ctx.a.C),
            "--validation", "0", "-q", "-o", model] + list(extra)


def logistic(ctx):
    """churn-train --model logistic against liblinear-train -s 0 (and
    scikit-learn's LogisticRegression, once, for its AUC)."""
    a, r = ctx.a, {"sizes": []}
    big, test = table40(ctx)
    for n in sizes(ctx, a.logistic_rows):
        full = n == a.logistic_rows
        data = head_rows(ctx, big, n, "logistic-%d.csv" % n)
        model = ctx.path("logistic-%d.churn" % n)
        size = {"rows": n, "bytes": os.path.getsize(data)}
        cmd = train_cmd(ctx, data, model, "--model", "logistic")
        specs = churn_specs(ctx, "churn-train logistic %d rows" % n, cmd,
                            full)
        peer = ctx.has("liblinear-train", "numpy")
        if peer:
            train_svm, test_svm, _ = standardized_libsvm(
                ctx, data, test, "logistic-%d" % n)
            ll_model = ctx.path("logistic-%d.liblinear" % n)
            specs.append(("liblinear", "liblinear-train -s 0 %d rows" % n,
                          ["liblinear-train", "-s", "0", "-c", str(a.C),
                           "-B", "1", "-q", train_svm, ll_model], 1))
        size.update(ctx.run.interleaved(specs, reps(ctx, full)))
        if full and os.path.exists(model):
            size["churn_auc"] = churn_auc(ctx, model, test)
            ctx.cache["logistic_model"] = model
        if full and peer and ctx.has("liblinear-predict") and \
                "error" not in size["liblinear"]:
            size["liblinear_auc"] = liblinear_auc(ctx, ll_model, test_svm,
                                                  test)
        if full and ctx.has("sklearn", "pandas"):
            size["sklearn"], size["sklearn_auc"] = sklearn(
                ctx, "logistic", data, test, 0)
        r["sizes"].append(size)
    r["mawk"] = score_mawk(ctx)
    return r


def sklearn(ctx, kind, data, test, gamma):
    """One timed run of sklearn_ref.py; (runs, held-out AUC)."""
    out = ctx.path("sklearn-%s.txt" % kind)
    runs = ctx.run.timed(
        "scikit-learn %s" % kind,
        [PY, os.path.join(HERE, "sklearn_ref.py"), kind, data, test,
         str(ctx.a.C), repr(gamma), out], 1, reps=1)
    return runs, (values_auc(out, test) if "error" not in runs else None)


def svm(ctx):
    """churn-train --model svm --kernel rbf against svm-train (same C,
    gamma, cache; no probability estimates on either side)."""
    a, r = ctx.a, {"sizes": []}
    big, test = synth_table(ctx, "table%d" % a.svm_features, a.svm_rows,
                            a.svm_features, 2)
    gamma = 1.0 / a.svm_features
    r["gamma"] = gamma
    for n in sizes(ctx, a.svm_rows):
        full = n == a.svm_rows
        data = head_rows(ctx, big, n, "svm-%d.csv" % n)
        model = ctx.path("svm-%d.churn" % n)
        size = {"rows": n}
        cmd = train_cmd(ctx, data, model, "--model", "svm", "--kernel",
                        "rbf", "--gamma", repr(gamma), "--calibration",
                        "none")
        specs = churn_specs(ctx, "churn-train svm rbf %d rows" % n, cmd,
                            full)
        peer = ctx.has("svm-train", "numpy")
        if peer:
            train_svm, _, z_test = standardized_libsvm(ctx, data, test,
                                                       "svm-%d" % n)
            peer_model = ctx.path("svm-%d.libsvm" % n)
            specs.append(("libsvm", "svm-train rbf %d rows" % n,
                          ["svm-train", "-s", "0", "-t", "2", "-c",
                           str(a.C), "-g", repr(gamma), "-m", SVM_CACHE_MB,
                           "-q", train_svm, peer_model], 1))
        size.update(ctx.run.interleaved(specs, reps(ctx, full)))
        if full and os.path.exists(model):
            size["churn_auc"] = churn_auc(ctx, model, test)
        if full and peer and "error" not in size["libsvm"]:
            size["libsvm_auc"] = svm_model_auc(peer_model, z_test, test)
        if full and ctx.has("sklearn", "pandas"):
            size["sklearn"], size["sklearn_auc"] = sklearn(
                ctx, "svm", data, test, gamma)
        r["sizes"].append(size)
    r["mawk"] = score_mawk(ctx)
    return r


def rbf_approx(ctx):
    """--kernel rbf-approx on all rows, held to an exact rbf fit on a
    subsample (both churn, both scored on the same held-out rows)."""
    a = ctx.a
    r = {"rows": a.rows, "subsample": a.subsample}
    big, test = table40(ctx)
    data = big if a.rows >= a.logistic_rows and a.rows >= a.subsample \
        else head_rows(ctx, big, a.rows, "approx-%d.csv" % a.rows)
    model = ctx.path("approx.churn")
    cmd = train_cmd(ctx, data, model, "--model", "svm", "--kernel",
                    "rbf-approx", "--calibration", "none")
    r.update(ctx.run.interleaved(churn_specs(
        ctx, "churn-train rbf-approx %d rows" % a.rows, cmd, True)))
    if os.path.exists(model):
        r["churn_auc"] = churn_auc(ctx, model, test)
    sub = head_rows(ctx, big, a.subsample, "exact-%d.csv" % a.subsample)
    exact = ctx.path("exact.churn")
    r["exact"] = ctx.run.timed(
        "churn-train svm rbf %d-row subsample" % a.subsample,
        train_cmd(ctx, sub, exact, "--model", "svm", "--kernel", "rbf",
                  "--calibration", "none"), 1, reps=1)
    if "error" not in r["exact"]:
        r["exact_auc"] = churn_auc(ctx, exact, test)
    return r


def raw_libsvm(src, dst):
    """A table file as libsvm (0-based indices, the label last in the CSV
    first here), every value explicit and as written: XGBoost's CLI reads
    an absent entry as missing, and the same text parses to the same
    float on both sides."""
    with open(src) as f, open(dst, "w") as out:
        f.readline()
        for line in f:
            v = line.rstrip("\n").split(",")
            out.write(v[-1] + "".join(
                " %d:%s" % (j, x) for j, x in enumerate(v[1:-1]) if x))
            out.write("\n")


GBDT_PARAMS = {"num_round": 100, "max_depth": 6, "eta": 0.3, "seed": 42}


def gbdt(ctx):
    """churn-train --model gbdt against XGBoost's own command-line tool on
    the same rows and parameters (100 rounds, depth 6, eta 0.3, hist, one
    thread, no early stopping, no validation split), then
    churn_model_predict's rows per second with that gbdt model."""
    a, p = ctx.a, GBDT_PARAMS
    big, test = table40(ctx)
    data = head_rows(ctx, big, a.gbdt_rows, "gbdt-%d.csv" % a.gbdt_rows)
    model = ctx.path("gbdt.churn")
    r = {"rows": a.gbdt_rows}
    cmd = [ctx.tool("churn-train"), "--data", data, "--model", "gbdt",
           "--validation", "0", "--early-stopping", "0", "--trees",
           str(p["num_round"]), "--depth", str(p["max_depth"]),
           "--learning-rate", str(p["eta"]), "--seed", str(p["seed"]),
           "--threads", "1", "-q", "-o", model]
    specs = [("churn1", "churn-train gbdt %d rows, 1 core" % a.gbdt_rows,
              cmd, 1)]
    if ctx.has("xgboost"):
        svm, svm_test = ctx.path("gbdt.svm"), ctx.path("gbdt-test.svm")
        raw_libsvm(data, svm)
        raw_libsvm(test, svm_test)
        conf = ctx.path("gbdt.conf")
        with open(conf, "w") as f:
            f.write("booster = gbtree\nobjective = binary:logistic\n"
                    "tree_method = hist\nnthread = 1\nsilent = 1\n"
                    "eta = %(eta)s\nmax_depth = %(max_depth)d\n"
                    "seed = %(seed)d\nnum_round = %(num_round)d\n" % p +
                    "data = \"%s?format=libsvm\"\n" % svm +
                    "model_out = \"%s\"\n" % ctx.path("gbdt.xgb"))
        specs.append(("xgboost", "xgboost CLI %d rows" % a.gbdt_rows,
                      ["xgboost", conf], 1))
    r.update(ctx.run.interleaved(specs))
    if os.path.exists(model):
        r["churn_auc"] = churn_auc(ctx, model, test)
    if ctx.has("xgboost") and "error" not in r["xgboost"]:
        pred = ctx.path("gbdt-xgb.pred")
        call(["xgboost", conf, "task=pred", "model_in=" +
              ctx.path("gbdt.xgb"), "test:data=%s?format=libsvm" % svm_test,
              "name_pred=" + pred])
        r["xgboost_auc"] = values_auc(pred, test)
    prog = os.path.join(a.build, "bench", "bench_predict")
    if os.access(prog, os.X_OK) and os.path.exists(model):
        runs = ctx.run.timed("churn_model_predict gbdt %d rows, 1 core"
                             % a.gbdt_predict_rows,
                             [prog, model, str(a.gbdt_predict_rows),
                              str(a.reps)], 1, reps=1)
        rates = [float(w.split("=")[1]) for line in
                 runs.get("stdout", "").splitlines() for w in line.split()
                 if w.startswith("rows_per_s=")]
        runs["rows_per_s"] = median(rates)
        r["predict1"] = runs
    return r


def logistic_model(ctx):
    """The logistic model of the logistic row (trained here when that row
    did not run)."""
    if "logistic_model" not in ctx.cache:
        big, _ = table40(ctx)
        data = head_rows(ctx, big, ctx.a.logistic_rows, "logistic-full.csv")
        model = ctx.path("logistic-full.churn")
        call(train_cmd(ctx, data, model, "--model", "logistic"))
        ctx.cache["logistic_model"] = model
    return ctx.cache["logistic_model"]


def predict(ctx):
    """churn_model_predict in memory (tests/bench/bench_predict.c)."""
    a = ctx.a
    r = {"rows": a.rows}
    prog = os.path.join(a.build, "bench", "bench_predict")
    if not os.access(prog, os.X_OK):
        r["error"] = "%s not built (make bench builds it)" % prog
        return r
    model = logistic_model(ctx)
    for cores in (1, 2):
        runs = ctx.run.timed(
            "churn_model_predict %d rows, %d core" % (a.rows, cores),
            [prog, model, str(a.rows), str(a.reps)], cores, reps=1)
        rates = [float(w.split("=")[1]) for line in
                 runs.get("stdout", "").splitlines() for w in line.split()
                 if w.startswith("rows_per_s=")]
        runs["rows_per_s"] = median(rates)
        r["churn%d" % cores] = runs
    return r


def parse(ctx):
    """Decimal parsing: churn__parse_double against strtod on the same
    texts, in one process (tests/bench/bench_parse.c)."""
    a = ctx.a
    prog = os.path.join(a.build, "bench", "bench_parse")
    r = {"texts": a.parse_texts}
    if not os.access(prog, os.X_OK):
        r["error"] = "%s not built (make bench builds it)" % prog
        return r
    runs = ctx.run.timed("number parsing, %d texts of each kind" %
                         a.parse_texts, [prog, str(a.parse_texts),
                                         str(a.reps)], 1, reps=1)
    r["runs"] = runs
    kinds = []
    for line in runs.get("stdout", "").splitlines():
        words = dict(w.split("=", 1) for w in line.split()[1:] if "=" in w)
        if "kind" in words:
            kinds.append({"kind": words["kind"],
                          "churn_ns": float(words["churn_ns"]),
                          "strtod_ns": float(words["strtod_ns"]),
                          "same": words["same"] == "1"})
    r["kinds"] = kinds
    return r


def score(ctx):
    """churn-score from CSV: input megabytes per second."""
    a, r = ctx.a, {"sizes": []}
    big, _ = table40(ctx)
    model = logistic_model(ctx)
    for n in sizes(ctx, a.rows):
        full = n == a.rows
        data = big if n == max(a.rows, a.logistic_rows, a.subsample) \
            else head_rows(ctx, big, n, "score-%d.csv" % n)
        size = {"rows": n, "bytes": os.path.getsize(data)}
        cmd = [ctx.tool("churn-score"), "--model", model, "--data", data,
               "-o", ctx.path("ranked.csv")]
        size.update(ctx.run.interleaved(
            churn_specs(ctx, "churn-score %d rows" % n, cmd, full),
            reps(ctx, full)))
        r["sizes"].append(size)
    r["mawk"] = score_mawk(ctx)
    return r


def score_mawk(ctx):
    """churn-score --top 100 and the full ranking (3 reasons) against the
    cost of merely reading the file: a one-pass mawk field count over the
    same --score-rows x --features table, interleaved in the same run,
    all on 2 cores (mawk uses one), --score-reps runs each."""
    a = ctx.a
    r = {"rows": a.score_rows}
    mawk = shutil.which("mawk")
    if not mawk:
        r["error"] = "mawk not installed (tools/install-deps --bench)"
        return r
    big, _ = table40(ctx)
    data = head_rows(ctx, big, a.score_rows, "score-mawk.csv")
    r["bytes"] = os.path.getsize(data)
    model = logistic_model(ctx)
    score = [ctx.tool("churn-score"), "--model", model, "--data", data]
    r.update(ctx.run.interleaved([
        ("mawk", "mawk field count, %d rows" % a.score_rows,
         [mawk, "-F,", "{n+=NF}", data], 2),
        ("top", "churn-score --top 100, %d rows" % a.score_rows,
         score + ["--top", "100", "-o", ctx.path("top100.csv")], 2),
        ("full", "churn-score full ranking, %d rows" % a.score_rows,
         score + ["-o", ctx.path("ranked-full.csv")], 2)], a.score_reps))
    return r
