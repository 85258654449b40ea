"""report.py - the machine description and docs/BENCHMARKS.md, from the
results bench.py and rows.py collect. Targets are those of issue 7."""
import datetime
import json
import math
import os
import platform
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGES = ["libopenblas0-pthread", "libopenblas-dev", "libgsl-dev",
            "libsvm-dev", "libsvm-tools", "liblinear-tools", "python3",
            "python3-pandas", "python3-numpy", "python3-sklearn", "time"]


def _out(cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True,
                              check=False).stdout.strip()
    except OSError:
        return ""


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in
                _out(["lscpu"]).splitlines()
                if line.startswith("Model name")), platform.processor())
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            kb = int(f.readline().split()[1])
            mem = "%.1f GB" % (kb / 1024 / 1024)
    except OSError:
        pass
    osname = platform.system()
    try:
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    osname = line.split("=", 1)[1].strip().strip('"')
    except OSError:
        pass
    versions = []
    for pkg in PACKAGES:
        v = _out(["dpkg-query", "-W", "-f", "${Version}", pkg])
        versions.append("%s %s" % (pkg, v if v else "(not installed)"))
    versions.append("node %s, @duckdb/node-api %s" % (
        _out(["node", "--version"]) or "(not installed)", duckdb_version()))
    return {"cpu": cpu, "cores": os.cpu_count(), "ram": mem,
            "os": "%s, Linux %s" % (osname, platform.release()),
            "compiler": _out(["cc", "--version"]).split("\n")[0],
            "packages": versions,
            "date": datetime.datetime.now(datetime.timezone.utc)
            .strftime("%Y-%m-%d %H:%M UTC")}


def duckdb_version():
    path = os.path.join(HERE, "node_modules", "@duckdb", "node-api",
                        "package.json")
    try:
        with open(path) as f:
            return json.load(f).get("version", "?")
    except (OSError, ValueError):
        return "(not installed)"


def load():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


# ------------------------------------------------------------ formatting

def med(runs):
    """Median seconds of a timed run, or None (missing or failed)."""
    if not runs or "error" in runs or not runs["seconds"]:
        return None
    s = sorted(runs["seconds"])
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def secs(runs):
    if runs is None:
        return "-"
    if "error" in runs:
        return "failed"
    m = med(runs)
    return "%.3f s" % m if m < 10 else "%.1f s" % m


def mb(runs):
    if not runs or "error" in runs or math.isnan(runs.get("rss", math.nan)):
        return "-"
    return "%.0f MB" % runs["rss"]


def ratio(a, b):
    return a / b if a is not None and b else None


def fx(x, fmt="%.2f"):
    return "-" if x is None or (isinstance(x, float) and math.isnan(x)) \
        else fmt % x


def rate(n, runs, unit):
    m = med(runs)
    if not m:
        return "-"
    r = n / m
    return "%.2f M%s/s" % (r / 1e6, unit) if r >= 1e5 else \
        "%.0f %s/s" % (r, unit)


def met(ok):
    return "n/a" if ok is None else ("**met**" if ok else "not met")


def table(header, rows):
    lines = ["| " + " | ".join(header) + " |",
             "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def full(r):
    return r["sizes"][-1] if r and r.get("sizes") else {}


def errors(runs_list):
    return [r["error"] for r in runs_list if r and "error" in r]


# --------------------------------------------------------------- targets

def target_rows(res):
    out = []
    f = full(res.get("features"))
    if f:
        t1 = med(f.get("churn1"))
        speed = ratio(med(f.get("pandas")), t1)
        grow = memory_growth(res["features"])
        rate_ok = t1 is not None and f["events"] / t1 >= 10e6
        ok = None if t1 is None else (
            rate_ok and speed is not None and speed >= 30 and
            grow is not None and grow <= 0.2)
        out.append(["`churn-features`", "%.2f M events, %d customers" % (
            f["events"] / 1e6, f["customers"]),
            "%s (%s), %s" % (secs(f.get("churn1")),
                             rate(f["events"], f.get("churn1"), "events"),
                             mb(f.get("churn1"))),
            "%s (%s)" % (secs(f.get("churn2")),
                         rate(f["events"], f.get("churn2"), "events")),
            "pandas %s, %s" % (secs(f.get("pandas")), mb(f.get("pandas"))),
            "pandas/churn %sx; %s" % (fx(speed, "%.1f"), (
                "peak memory +%.0f %% for %.1fx events" % (
                    grow * 100, events_growth(res)) if grow is not None
                else "memory growth needs 2 sizes")),
            ">= 10 M events/s on 1 core (<= 0.5 s), >= 30x pandas, memory "
            "O(customers)", met(ok)])
    if f and f.get("duckdb"):
        t2 = med(f.get("churn2"))
        speed = ratio(med(f.get("duckdb")), t2)
        grow = memory_growth(res["features"])
        ok = None if speed is None else (
            speed >= 5 and (grow is None or grow <= 0.2))
        out.append(["`churn-features` against DuckDB", "%.2f M events" % (
            f["events"] / 1e6),
            "", "%s, %s" % (secs(f.get("churn2")), mb(f.get("churn2"))),
            "DuckDB, 2 threads on 2 cores: %s, %s" % (
                secs(f.get("duckdb")), mb(f.get("duckdb"))),
            "DuckDB/churn %sx (2 cores each)" % fx(speed, "%.1f"),
            ">= 5x DuckDB, memory O(customers)", met(ok)])
    pa = res.get("parse")
    if pa:
        k = pa.get("kinds") or []
        speeds = [x["strtod_ns"] / x["churn_ns"] for x in k]
        same = all(x["same"] for x in k)
        out.append(["number parsing (`churn__parse_double`)",
                    "%d texts x %d kinds" % (pa["texts"], len(k)),
                    ", ".join("%s %.1f ns" % (x["kind"], x["churn_ns"])
                              for x in k) or pa.get("error", "-"), "",
                    "strtod: " + (", ".join("%.1f ns" % x["strtod_ns"]
                                            for x in k) or "-"),
                    "strtod/churn %s; %s" % (
                        ", ".join("%.1fx" % v for v in speeds),
                        "same bits" if same else "**bits differ**")
                    if k else "-",
                    "faster than strtod on every kind, strtod's bits",
                    met(same and min(speeds) > 1 if k else None)])
    lg = full(res.get("logistic"))
    if lg:
        r1 = ratio(med(lg.get("churn1")), med(lg.get("liblinear")))
        d = auc_diff(lg.get("churn_auc"), lg.get("liblinear_auc"))
        out.append(["`churn-train --model logistic`", "%d rows x %d" % (
            lg["rows"], res["args"]["features"]),
            "%s, %s" % (secs(lg.get("churn1")), mb(lg.get("churn1"))),
            secs(lg.get("churn2")),
            "liblinear %s" % secs(lg.get("liblinear")),
            "%s; AUC %s vs %s" % (fx(r1), fx(lg.get("churn_auc"), "%.4f"),
                                  fx(lg.get("liblinear_auc"), "%.4f")),
            "<= 0.3x liblinear, AUC within 0.001",
            met(None if r1 is None or d is None else r1 <= 0.3 and
                d <= 0.001)])
    sv = full(res.get("svm"))
    if sv:
        r1 = ratio(med(sv.get("churn1")), med(sv.get("libsvm")))
        d = auc_diff(sv.get("churn_auc"), sv.get("libsvm_auc"))
        out.append(["`churn-train --model svm --kernel rbf`",
                    "%d rows x %d" % (sv["rows"],
                                      res["args"]["svm_features"]),
                    "%s, %s" % (secs(sv.get("churn1")), mb(sv.get("churn1"))),
                    secs(sv.get("churn2")),
                    "svm-train %s" % secs(sv.get("libsvm")),
                    "%s; AUC %s vs %s" % (
                        fx(r1), fx(sv.get("churn_auc"), "%.4f"),
                        fx(sv.get("libsvm_auc"), "%.4f")),
                    "<= 1.1x svm-train, AUC within 0.005",
                    met(None if r1 is None or d is None else
                        r1 <= 1.1 and d <= 0.005)])
    ra = res.get("rbf-approx")
    if ra:
        t1 = med(ra.get("churn1"))
        a1, a0 = ra.get("churn_auc"), ra.get("exact_auc")
        ok = None if t1 is None or a1 is None or a0 is None else (
            t1 <= 15 and a1 >= a0 - 0.01)
        out.append(["`--kernel rbf-approx`", "%d rows x %d" % (
            ra["rows"], res["args"]["features"]),
            "%s, %s" % (secs(ra.get("churn1")), mb(ra.get("churn1"))),
            secs(ra.get("churn2")),
            "exact rbf on %d rows %s" % (ra["subsample"],
                                         secs(ra.get("exact"))),
            "AUC %s vs exact %s" % (fx(a1, "%.4f"), fx(a0, "%.4f")),
            "<= 15 s, AUC within 0.01 of exact rbf on a %d-row subsample"
            % ra["subsample"], met(ok)])
    pr = res.get("predict")
    if pr:
        p1 = (pr.get("churn1") or {}).get("rows_per_s")
        p2 = (pr.get("churn2") or {}).get("rows_per_s")
        out.append(["`churn_model_predict` in memory",
                    "%d rows x %d" % (pr["rows"], res["args"]["features"]),
                    "%s M rows/s" % fx(None if p1 is None else p1 / 1e6),
                    "%s M rows/s" % fx(None if p2 is None else p2 / 1e6),
                    "-", "-", ">= 20 M rows/s per core",
                    met(None if p1 is None or math.isnan(p1)
                        else p1 >= 20e6)])
    gb = res.get("gbdt")
    if gb:
        r1 = ratio(med(gb.get("churn1")), med(gb.get("xgboost")))
        p1 = (gb.get("predict1") or {}).get("rows_per_s")
        out.append(["`churn-train --model gbdt`", "%d rows x %d" % (
            gb["rows"], res["args"]["features"]),
            "%s, %s" % (secs(gb.get("churn1")), mb(gb.get("churn1"))), "-",
            "xgboost CLI %s, %s" % (secs(gb.get("xgboost")),
                                    mb(gb.get("xgboost"))),
            "%s; AUC %s vs %s; scoring %s M rows/s in memory" % (
                fx(r1), fx(gb.get("churn_auc"), "%.4f"),
                fx(gb.get("xgboost_auc"), "%.4f"),
                fx(None if p1 is None or math.isnan(p1) else p1 / 1e6)),
            "<= 1.1x the xgboost CLI", met(None if r1 is None else
                                           r1 <= 1.1)])
    sc = full(res.get("score"))
    if sc:
        t1 = med(sc.get("churn1"))
        out.append(["`churn-score` from CSV", "%d rows x %d (%.0f MB)" % (
            sc["rows"], res["args"]["features"], sc["bytes"] / 1e6),
            "%s (%s), %s" % (secs(sc.get("churn1")),
                             rate(sc["bytes"], sc.get("churn1"), "B"),
                             mb(sc.get("churn1"))),
            "%s (%s)" % (secs(sc.get("churn2")),
                         rate(sc["bytes"], sc.get("churn2"), "B")),
            "-", "-", ">= 200 MB/s of input",
            met(None if t1 is None else sc["bytes"] / t1 >= 200e6)])
    out += mawk_rows(res)
    return out


def mawk_rows(res):
    """churn-score against a mawk field count of the same file, run in
    turn in the same rounds: the ratios of the medians."""
    sm = (res.get("score") or {}).get("mawk")
    if not sm or "bytes" not in sm:
        return []
    out = []
    size = "%d rows x %d (%.0f MB)" % (sm["rows"], res["args"]["features"],
                                       sm["bytes"] / 1e6)
    for key, what, target in (("top", "`churn-score --top 100`", 0.6),
                              ("full", "`churn-score`, full ranking with "
                               "3 reasons", 1.2)):
        r = ratio(med(sm.get(key)), med(sm.get("mawk")))
        out.append([what, size, "-", "%s (%s), %s" % (
            secs(sm.get(key)), spread(sm.get(key)), mb(sm.get(key))),
            "mawk %s (%s)" % (secs(sm.get("mawk")), spread(sm.get("mawk"))),
            "%sx mawk" % fx(r), "<= %.1fx mawk (median of %d, same run)" % (
                target, len((sm.get(key) or {}).get("seconds", []))),
            met(None if r is None else r <= target)])
    return out


def spread(runs):
    """The range of a run's times: the machine is shared."""
    s = (runs or {}).get("seconds") or []
    return "%.3f-%.3f s" % (min(s), max(s)) if s else "-"


def auc_diff(a, b):
    return None if a is None or b is None else abs(a - b)


def memory_growth(r):
    s = r["sizes"]
    if len(s) < 2:
        return None
    lo, hi = s[0].get("churn1", {}).get("rss"), s[-1].get("churn1",
                                                           {}).get("rss")
    if not lo or not hi or math.isnan(lo) or math.isnan(hi):
        return None
    return hi / lo - 1


def events_growth(res):
    s = res["features"]["sizes"]
    return s[-1]["events"] / s[0]["events"] if len(s) > 1 else None


# ------------------------------------------------------------ the sections

def features_section(r):
    rows = []
    for s in r["sizes"]:
        speed = ratio(med(s.get("pandas")), med(s.get("churn1")))
        duck = s.get("duckdb")
        same = s.get("churn%d" % duck.get("cores", 1)) if duck else None
        rows.append(["%.2f M" % (s["events"] / 1e6), "%.0f MB" % (
            s["bytes"] / 1e6), secs(s.get("churn1")),
            rate(s["events"], s.get("churn1"), "events"), mb(s.get("churn1")),
            secs(s.get("churn2")), secs(s.get("pandas")), mb(s.get("pandas")),
            fx(speed, "%.1fx"),
            "%s (%d core%s)" % (secs(duck), duck["cores"],
                                "s" if duck["cores"] > 1 else "")
            if duck else "-",
            mb(duck), fx(ratio(med(duck), med(same)), "%.1fx")])
    text = table(["events", "file", "churn 1 core", "events/s",
                  "churn peak", "churn 2 cores", "pandas", "pandas peak",
                  "pandas/churn", "DuckDB", "DuckDB peak",
                  "DuckDB/churn (same cores)"], rows)
    for key, peer, script in (("check", "the pandas reference",
                               "features_ref.py"),
                              ("check_duckdb", "the DuckDB query",
                               "features_duckdb.mjs")):
        c = r.get(key)
        if not c:
            continue
        if c["ok"]:
            text += ("\nSame output: churn-features and %s agree on all "
                     "%d rows and %d columns of the largest log (largest "
                     "relative difference %.1e, in %s; tolerance 1e-9).\n"
                     % (peer, c["rows"], c["columns"], c["worst"],
                        c["worst_column"]))
        else:
            text += ("\n**Outputs differ** (churn-features against "
                     "tests/bench/%s):\n\n" % script +
                     "".join("- %s\n" % p for p in c["problems"]))
    return text


def train_section(r, peer, peer_name, extra):
    rows = []
    for s in r["sizes"]:
        rows.append([s["rows"], secs(s.get("churn1")), mb(s.get("churn1")),
                     secs(s.get("churn2")), secs(s.get(peer)),
                     mb(s.get(peer)),
                     fx(ratio(med(s.get("churn1")), med(s.get(peer))))])
    text = table(["rows", "churn 1 core", "churn peak", "churn 2 cores",
                  peer_name, "peer peak", "churn/peer (1 core)"], rows)
    f = full(r)
    text += "\nHeld-out AUC (%s rows): churn %s, %s %s, scikit-learn %s " \
        "(scikit-learn's whole process: %s, %s).%s\n" % (
            extra["test_rows"], fx(f.get("churn_auc"), "%.4f"), peer_name,
            fx(f.get(peer + "_auc"), "%.4f"), fx(f.get("sklearn_auc"),
                                                 "%.4f"),
            secs(f.get("sklearn")), mb(f.get("sklearn")), extra["note"])
    return text


def markdown(res):
    m, a = res["machine"], res["args"]
    parts = ["# Benchmarks\n", INTRO % {"date": m["date"]},
             "## Machine\n", table(["", ""], [
                 ["CPU", m["cpu"]], ["cores", m["cores"]], ["RAM", m["ram"]],
                 ["OS", m["os"]], ["compiler", m["compiler"]],
                 ["packages", "; ".join(m["packages"])],
                 ["load average (1, 5, 15 min)", "%s at the start, %s at "
                  "the end" % (res["load_start"], res["load_end"])]]),
             "\n## Targets (issue 7)\n", HOW % a,
             table(["work", "size", "churn, 1 core", "churn, 2 cores",
                    "peer, 1 core", "ratio / accuracy", "target", "met"],
                   target_rows(res))]
    missing = [r for r in ("features", "parse", "logistic", "svm",
                           "rbf-approx", "predict", "score", "gbdt")
               if r in a["only"] and r not in res]
    if missing:
        parts += ["\n**Not measured in this run** (still running or cut "
                  "short): %s.\n" % ", ".join(missing)]
    if "features" in res:
        parts += ["\n## churn-features: scaling with events (%d customers)\n"
                  % a["customers"], features_section(res["features"])]
    extra = {"test_rows": a["test_rows"]}
    if "logistic" in res:
        extra["note"] = (" liblinear regularizes its bias term (-B 1) and "
                         "stops at its default tolerance, so its AUC may "
                         "differ slightly.")
        parts += ["\n## churn-train --model logistic: scaling with rows\n",
                  train_section(res["logistic"], "liblinear",
                                "liblinear-train", extra)]
    if "svm" in res:
        extra["note"] = (" svm-train's AUC is computed from its model file "
                         "(decision values), since it gives no scores "
                         "without -b 1.")
        parts += ["\n## churn-train --model svm --kernel rbf: scaling with "
                  "rows (gamma %g)\n" % res["svm"]["gamma"],
                  train_section(res["svm"], "libsvm", "svm-train", extra)]
    if "rbf-approx" in res:
        r = res["rbf-approx"]
        parts += ["\n## --kernel rbf-approx\n", table(
            ["run", "time", "peak", "held-out AUC"],
            [["rbf-approx, %d rows, 1 core" % r["rows"],
              secs(r.get("churn1")), mb(r.get("churn1")),
              fx(r.get("churn_auc"), "%.4f")],
             ["rbf-approx, %d rows, 2 cores" % r["rows"],
              secs(r.get("churn2")), mb(r.get("churn2")), ""],
             ["exact rbf, first %d rows, 1 core (1 run)" % r["subsample"],
              secs(r.get("exact")), mb(r.get("exact")),
              fx(r.get("exact_auc"), "%.4f")]])]
    if "score" in res:
        rows = [[s["rows"], "%.0f MB" % (s["bytes"] / 1e6),
                 secs(s.get("churn1")), rate(s["bytes"], s.get("churn1"),
                                             "B"),
                 mb(s.get("churn1")), secs(s.get("churn2")),
                 rate(s["bytes"], s.get("churn2"), "B")]
                for s in res["score"]["sizes"]]
        parts += ["\n## churn-score from CSV: scaling with rows\n",
                  "The logistic model of the logistic row; default "
                  "options (3 reasons per customer), output to a file.\n\n",
                  table(["rows", "input", "1 core", "input/s", "peak",
                         "2 cores", "input/s"], rows)]
    failures = []
    for key in ("features", "parse", "logistic", "svm", "rbf-approx",
                "predict", "score", "gbdt"):
        failures += [str(v["error"]) for v in walk(res.get(key))]
    if failures:
        parts += ["\n## Failed runs\n\n" + "".join(
            "- %s\n" % f for f in failures)]
    parts += ["\n## Commands\n\nData (churn-synth):\n\n```\n" +
              "\n".join(res.get("synth_commands", [])) +
              "\n```\n\nTimed (each under `/usr/bin/time -f %M`; 2-core "
              "runs use `taskset -c 0,1` and 2 threads):\n\n```\n" +
              "\n".join(dict.fromkeys(c for label, c in res["commands"]
                                      if "taskset -c 0 " in c or
                                      "taskset" not in c or
                                      label.startswith("DuckDB")))
              + "\n```\n"]
    notes = os.path.join(HERE, "notes.md")
    if os.path.exists(notes):
        with open(notes) as f:
            parts += ["\n" + f.read()]
    return "\n".join(p.rstrip("\n") + "\n" for p in parts)


def walk(r):
    """Every timed run with an error inside a row's result."""
    if isinstance(r, dict):
        if "error" in r and "seconds" in r:
            yield r
        for v in r.values():
            yield from walk(v)
    elif isinstance(r, list):
        for v in r:
            yield from walk(v)


INTRO = """Written by `make bench` (`tests/bench/run`) on %(date)s; do not
edit by hand: run it again (the closing notes come from
`tests/bench/notes.md`). Every figure below was measured in this one run,
churn and its peers on the same generated data. The machine is shared with
other jobs, so single figures are noisy; ratios from the same run are the
steadier figures.
"""

HOW = """Each timed command ran %(reps)d time(s) at the target size (the
median is shown; the smaller sizes of the scaling tables ran once) as a
whole process, pinned with `taskset -c 0` and `OPENBLAS_NUM_THREADS=1`
("1 core") or `taskset -c 0,1` and 2 threads ("2 cores"); peers ran on one
core, but DuckDB, which ran with as many threads as churn's cores
(`tests/bench/features_duckdb.mjs`: 2 at the full size, 1 below). Peak
memory is the largest maximum resident set size of the runs
(`/usr/bin/time -f %%M`). Training runs use `--validation 0` (one fit, as
the peers do), C = %(C)g, the same gamma, no probability calibration; all
inputs are standardized the same way (mean and population standard
deviation of the training rows; for the peers in the libsvm file). AUCs
are measured on the same %(test_rows)d held-out rows generated with the
training rows. `churn_model_predict` runs in one process that times
%(reps)d calls over all rows (`tests/bench/bench_predict.c`), with the
logistic model of the logistic row. The gbdt row trains with XGBoost's
parameters on both sides (100 rounds, depth 6, eta 0.3, hist, one
thread, `--early-stopping 0`; the `xgboost` tool reads the same rows as
libsvm text, every value explicit) and scores %(gbdt_predict_rows)d rows
in memory with its model.

"""
