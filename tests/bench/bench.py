#!/usr/bin/python3
"""bench.py - the benchmark suite behind `make bench` (tests/bench/run).

Generates its data with churn-synth, runs churn and each peer on the same
data in the same invocation, --reps times each, pinned to one core
(taskset -c 0, OPENBLAS_NUM_THREADS=1) and to two (taskset -c 0,1,
OPENBLAS_NUM_THREADS=2), and writes docs/BENCHMARKS.md (report.py): medians,
ratios churn/peer, peak memory, held-out AUC of each side, scaling over
sizes. Timing never fails anything; a command that fails is reported.

    tests/bench/run BUILD [--reps N] [--events N] ... [--smoke]   (--help)
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402  (after the path tweak)
import rows as bench_rows  # noqa: E402



def parse_args(argv):
    p = argparse.ArgumentParser(
        prog="tests/bench/run",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        description=__doc__.split("\n\n")[0])
    p.add_argument("build", help="build folder (bin/, bench/)")
    p.add_argument("--reps", type=int, default=3,
                   help="repetitions of each timed command (median kept)")
    p.add_argument("--events", type=int, default=5000000,
                   help="events in the churn-features log (approximate)")
    p.add_argument("--customers", type=int, default=20000,
                   help="customers in the event log")
    p.add_argument("--logistic-rows", type=int, default=200000,
                   help="training rows of the logistic run")
    p.add_argument("--svm-rows", type=int, default=20000,
                   help="training rows of the svm rbf run")
    p.add_argument("--svm-features", type=int, default=20,
                   help="columns of the svm rbf run")
    p.add_argument("--gbdt-rows", type=int, default=50000,
                   help="training rows of the gbdt run")
    p.add_argument("--gbdt-predict-rows", type=int, default=200000,
                   help="rows of the gbdt in-memory scoring run")
    p.add_argument("--rows", type=int, default=1000000,
                   help="rows of the rbf-approx, predict and score runs")
    p.add_argument("--score-rows", type=int, default=200000,
                   help="rows of the score row's run against mawk")
    p.add_argument("--score-reps", type=int, default=5,
                   help="repetitions of the score row's run against mawk")
    p.add_argument("--features", type=int, default=40,
                   help="columns of the tabular data but the svm's")
    p.add_argument("--test-rows", type=int, default=20000,
                   help="held-out rows every AUC is measured on")
    p.add_argument("--subsample", type=int, default=20000,
                   help="rows of the exact rbf fit rbf-approx is held to")
    p.add_argument("--C", type=float, default=1.0,
                   help="C of every training run, churn's and the peers'")
    p.add_argument("--scaling", default="0.25,0.5,1",
                   help="size fractions of the scaling tables")
    p.add_argument("--parse-texts", type=int, default=1000000,
                   help="texts of each kind in the number parsing row")
    p.add_argument("--only", default="features,parse,logistic,svm,"
                   "rbf-approx,predict,score,gbdt", help="which rows to run; with a saved "
                   "results.json the other rows keep their saved figures")
    p.add_argument("--work", help="data folder (default BUILD/bench-data)")
    p.add_argument("--out", default="docs/BENCHMARKS.md")
    p.add_argument("--no-peers", action="store_true",
                   help="skip pandas, scikit-learn, liblinear, libsvm and "
                   "DuckDB")
    p.add_argument("--peers", help="use only these peers (comma list of "
                   "numpy, pandas, sklearn, liblinear-train, "
                   "liblinear-predict, svm-train, duckdb)")
    p.add_argument("--report-only", action="store_true",
                   help="rewrite the report from the work folder's "
                   "results.json (after editing report.py or notes.md)")
    p.add_argument("--smoke", action="store_true",
                   help="tiny sizes, one repetition, report in the work "
                   "folder: what `make check` runs")
    a = p.parse_args(argv)
    if a.smoke:
        a.reps, a.events, a.customers = 1, 20000, 200
        a.score_rows, a.score_reps = 3000, 1
        a.logistic_rows, a.svm_rows, a.svm_features = 2000, 400, 5
        a.gbdt_rows, a.gbdt_predict_rows = 2000, 2000
        a.rows, a.features, a.test_rows, a.subsample = 3000, 8, 500, 400
        a.scaling = "1"
        a.parse_texts = 10000
        if a.out == "docs/BENCHMARKS.md":
            a.out = None
    a.work = a.work or os.path.join(a.build, "bench-data")
    a.only = set(a.only.split(","))
    a.scaling = [float(f) for f in a.scaling.split(",")]
    return a


# ----------------------------------------------------------- running things

class Runner:
    """Runs commands pinned to 1 or 2 cores and records wall time and peak
    memory (max RSS, from /usr/bin/time when installed, else wait4)."""

    def __init__(self, work, reps):
        self.work, self.reps = work, reps
        self.time_bin = "/usr/bin/time" if os.access("/usr/bin/time",
                                                     os.X_OK) else None
        self.taskset = shutil.which("taskset")
        self.commands = []  # (label, command line) as shown in the report

    def _env(self, cores):
        env = dict(os.environ)
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS"):
            env[var] = str(cores)
        return env

    def pinned(self, cmd, cores):
        if not self.taskset:
            return list(cmd)
        cpus = ",".join(str(c) for c in range(min(cores, os.cpu_count())))
        return [self.taskset, "-c", cpus] + list(cmd)

    def once(self, cmd, cores=1, stdout=None):
        """One run: (seconds, max RSS in MB, stdout text); raises on
        failure with the command's error output."""
        full = self.pinned(cmd, cores)
        rss_file = os.path.join(self.work, "rss.txt")
        if self.time_bin:
            full = [self.time_bin, "-f", "%M", "-o", rss_file] + full
        t0 = time.perf_counter()
        proc = subprocess.Popen(full, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, env=self._env(cores))
        out, err = proc.communicate()
        seconds = time.perf_counter() - t0
        if proc.returncode != 0:
            raise RuntimeError("%s: exit %d: %s" % (
                os.path.basename(cmd[0]), proc.returncode,
                err.decode(errors="replace").strip()[-400:]))
        rss = float("nan")
        if self.time_bin:
            with open(rss_file) as f:
                rss = int(f.read().split()[-1]) / 1024.0
        return seconds, rss, out.decode(errors="replace")

    def timed(self, label, cmd, cores=1, reps=None):
        """reps runs; a dict with the list of seconds and the peak RSS,
        or the error of the first failing run."""
        return self.interleaved([("runs", label, cmd, cores)],
                                reps)["runs"]

    def interleaved(self, specs, reps=None):
        """Runs each (key, label, command, cores) of specs once per round,
        reps rounds, so that a change in the machine's load hits churn and
        its peer alike. A dict key -> runs (as timed returns)."""
        result = {}
        for key, label, cmd, cores in specs:
            self.commands.append((label, cmd_line(self.pinned(cmd, cores),
                                                  cores)))
            result[key] = {"seconds": [], "rss": float("nan"),
                           "cores": cores}
        for _ in range(reps or self.reps):
            for key, label, cmd, cores in specs:
                runs = result[key]
                if "error" in runs:
                    continue
                try:
                    s, rss, out = self.once(cmd, cores)
                except RuntimeError as e:
                    runs["error"] = str(e)
                    print("bench: %s failed: %s" % (label, e),
                          file=sys.stderr)
                    continue
                runs["seconds"].append(s)
                runs["rss"] = rss if runs["rss"] != runs["rss"] else max(
                    runs["rss"], rss)
                runs["stdout"] = out
        for key, label, _, _ in specs:
            progress(label, result[key])
        return result


def cmd_line(cmd, cores):
    """The command as the report shows it: paths inside the checkout
    relative to it (no path of this machine in the report)."""
    env = "OPENBLAS_NUM_THREADS=%d " % cores
    top = os.getcwd() + os.sep
    return env + " ".join(c[len(top):] if c.startswith(top) else c
                          for c in cmd)


def progress(label, runs):
    if "error" in runs:
        return
    print("bench: %-40s median %8.3f s  (%d runs)  %7.1f MB" % (
        label, report.med(runs), len(runs["seconds"]), runs["rss"]),
        file=sys.stderr)


# Cheap rows first, so that a run cut short still reports most of them;
# the report is rewritten after each row.
ALL_ROWS = ["features", "parse", "logistic", "predict", "score", "gbdt", "svm",
            "rbf-approx"]


def main(argv):
    a = parse_args(argv)
    os.makedirs(a.work, exist_ok=True)
    saved = os.path.join(a.work, "results.json")
    out = a.out or os.path.join(a.work, "BENCHMARKS.md")
    if a.report_only:
        with open(saved) as f:
            res = json.load(f)
        res["args"]["only"] = set(res["args"]["only"])
        with open(out, "w") as f:
            f.write(report.markdown(res))
        return 0
    peers = bench_rows.find_peers(a.no_peers)
    if a.peers:
        peers &= set(a.peers.split(","))
    runner = Runner(a.work, a.reps)
    res = {"args": vars(a), "peers": peers, "machine": report.machine(),
           "load_start": report.load()}
    # --only re-runs some rows: the others keep their saved figures and
    # commands (a command run again shows once), so the report still
    # shows every row.
    run_rows = set(a.only)
    if run_rows != set(ALL_ROWS) and os.path.exists(saved):
        with open(saved) as f:
            old = json.load(f)
        for row in ALL_ROWS:
            if row not in run_rows and row in old:
                res[row] = old[row]
        runner.commands = [tuple(c) for c in old.get("commands", [])]
        res["synth_commands_saved"] = old.get("synth_commands", [])
        a.only = set(ALL_ROWS) & (run_rows | set(old["args"]["only"]))
    bin_dir = os.path.join(a.build, "bin")
    ctx = bench_rows.Context(a, runner, bin_dir, peers)
    for row in ALL_ROWS:
        if row not in run_rows:
            continue
        print("bench: --- %s" % row, file=sys.stderr)
        res[row] = getattr(bench_rows, row.replace("-", "_"))(ctx)
        res["load_end"] = report.load()
        res["commands"] = runner.commands
        res["synth_commands"] = list(dict.fromkeys(
            res.get("synth_commands_saved", []) +
            ctx.cache.get("synth_commands", [])))
        with open(out, "w") as f:
            f.write(report.markdown(res))
        with open(saved, "w") as f:
            json.dump(res, f, default=sorted, indent=1)
    print("bench: wrote %s" % out, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
