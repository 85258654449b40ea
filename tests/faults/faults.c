/* faults.c - allocation-failure injection: makes allocation N fail, for
 * every N along a training run and a scoring run through the public API,
 * and checks each run ends in CHURN_ENOMEM with nothing leaked, no output
 * file, or partial file, left behind, and GSL's error handler (which by
 * default aborts the host) never called.
 *
 * Built twice (see `make faults`): with wrap.c under ASan, where only
 * libchurn's own allocations fail, and with interpose.c without
 * sanitizers, where every allocation of the process can fail (GSL,
 * OpenBLAS, XGBoost, the C library); interpose.c lists what it still
 * cannot fail. A crash or an exit inside a run is reported with its N. */
#include "churn.h"
#include "faults.h"
#include "thread_comm.h"
#include "xgb.h"
#include "xgb_lib.h"
#include "blas.h"

#include <dirent.h>
#include <errno.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

/* ------------------------------------------------------------ counting */

static unsigned long n_allocs;  /* allocations seen since the run began */
unsigned long faults_fail_at;
unsigned long faults_trace_at;
int faults_failed;

void faults_reset(void)
{
    n_allocs = 0;
    faults_failed = 0;
}

int faults_should_fail(void)
{
    /* Atomic: the distributed sweep allocates from several threads. */
    if (__atomic_add_fetch(&n_allocs, 1, __ATOMIC_RELAXED) == faults_fail_at) {
        faults_failed = 1;
        if (faults_fail_at == faults_trace_at)
            faults_print_trace();
        return 1;
    }
    return 0;
}

/* GSL's handler, as a host would install it: the library must never call
 * it (it cannot know what the host's handler does; GSL's own aborts). */
static int gsl_calls;
static char gsl_reason[300];

static void gsl_handler(const char *reason, const char *file, int line,
                        int gsl_errno)
{
    if (gsl_calls++ == 0)
        snprintf(gsl_reason, sizeof gsl_reason, "%s:%d: %s (GSL error %d)",
                 file, line, reason, gsl_errno);
}

/* What is running, for a crash or an exit in the middle of it. */
static const char *volatile current_sweep;

static void say(const char *s) { (void)!write(2, s, strlen(s)); }

static void say_where(const char *what)
{
    char n[24];
    int k = sizeof n;
    unsigned long v = faults_fail_at;
    n[--k] = 0;
    do
        n[--k] = (char)('0' + v % 10);
    while ((v /= 10) > 0);
    say("faults: ");
    say(current_sweep ? current_sweep : "?");
    say(": allocation ");
    say(n + k);
    say(" failed: ");
    say(what);
    say("\n");
}

#if !defined(__SANITIZE_ADDRESS__)
static void on_signal(int sig)
{
    say_where(sig == SIGABRT ? "the process aborted"
                             : "the process crashed (signal)");
    _exit(1);
}
#endif

static void on_exit_in_run(void)
{
    if (current_sweep && faults_fail_at) {
        say_where("a library exited the process");
        _exit(1);
    }
}

static void watch_process(void)
{
    /* Under ASan, its own report of a crash says more. */
#if !defined(__SANITIZE_ADDRESS__)
    signal(SIGSEGV, on_signal);
    signal(SIGBUS, on_signal);
    signal(SIGFPE, on_signal);
    signal(SIGILL, on_signal);
    signal(SIGABRT, on_signal);
#endif
    atexit(on_exit_in_run);
    gsl_set_error_handler(gsl_handler);
}

/* ------------------------------------------------------------- the runs */

static char dir[256];
static char csv_path[300], svm_path[300], model_path[300], scores_path[300];
static char svm_model_path[300], report_path[300], json_path[300];
static char events_path[300], features_path[300], previous_path[300];

/* A small labeled table with what the pipeline handles: a customer id,
 * numbers with missing cells, a category; labels yes/no. Made by a fixed
 * rule so both classes overlap and every fit has work to do. */
static void write_inputs(void)
{
    FILE *f = fopen(csv_path, "w");
    if (!f) {
        perror(csv_path);
        exit(2);
    }
    static const char *const plans[] = {"basic", "plus", "pro"};
    fprintf(f, "customer_id,usage,tickets,plan,churned\n");
    for (int i = 0; i < 40; i++) {
        int usage = (i * 37) % 23, tickets = (i * 11) % 5;
        int churned = (tickets * 5 - usage + (i % 7)) > 4;
        fprintf(f, "c%d,", i);
        if (i % 9 != 3)
            fprintf(f, "%d", usage);
        fprintf(f, ",%d,%s,%s\n", tickets, plans[i % 3],
                churned ? "yes" : "no");
    }
    fclose(f);
    f = fopen(svm_path, "w");
    if (!f) {
        perror(svm_path);
        exit(2);
    }
    for (int i = 0; i < 12; i++)
        fprintf(f, "%d 1:%d 3:%g\n", i % 2, i % 5, 0.5 * i);
    fclose(f);
    /* An event log of every role over 2024, some customers cancelling. */
    f = fopen(events_path, "w");
    if (!f) {
        perror(events_path);
        exit(2);
    }
    static const char *const events[] = {"login", "purchase", "ticket",
                                         "ticket_closed", "survey", "signup",
                                         "webinar"};
    fprintf(f, "customer_id,timestamp,event,value\n");
    for (int i = 0; i < 120; i++)
        fprintf(f, "u%d,2024-%02d-%02dT10:00:00Z,%s,%d\n", i % 15,
                1 + i % 11, 1 + i % 27, events[i % 7], i % 10);
    for (int c = 0; c < 15; c += 4)
        fprintf(f, "u%d,2024-12-10,cancel,\n", c);
    fclose(f);
}

static int read_table(churn_dataset **ds, churn_error *err)
{
    churn_csv_opts *o = churn_csv_opts_new();
    if (!o)
        return CHURN_ENOMEM;
    int rc = churn_csv_opts_set_label_column(o, "churned");
    if (rc == CHURN_OK)
        rc = churn_dataset_read_csv(csv_path, o, ds, err);
    churn_csv_opts_free(o);
    return rc;
}

/* Trains one model (model "logistic" or "svm" with kernel; calibration
 * NULL for the default) on ds and saves it at path; *out receives it. */
static int train_one(const churn_dataset *ds, const char *model,
                     const char *kernel, const char *calibration, int search,
                     const char *path, churn_model **out, churn_error *err)
{
    churn_train_opts *o = churn_train_opts_new();
    if (!o)
        return CHURN_ENOMEM;
    int rc = churn_train_opts_set_model(o, model);
    if (rc == CHURN_OK && kernel)
        rc = churn_train_opts_set_kernel(o, kernel);
    if (rc == CHURN_OK && calibration)
        rc = churn_train_opts_set_calibration(o, calibration);
    if (rc == CHURN_OK)
        rc = churn_train_opts_set_search(o, search);
    if (rc == CHURN_OK)
        rc = churn_train(ds, o, out, err);
    if (rc == CHURN_OK)
        rc = churn_model_save(*out, path, err);
    churn_train_opts_free(o);
    return rc;
}

/* churn-train's path: read, fit (pipeline + classifier + calibration),
 * save; a grid-searched logistic model, an rbf SVM, an rbf-approx one with
 * isotonic calibration, a gbdt model, the libsvm reader, and last the
 * gbdt and logistic models' importance and the logistic model's reports
 * (as churn-train --report and churn-eval --json). */
static int train_run(churn_error *err)
{
    churn_dataset *ds = NULL, *sparse = NULL;
    churn_model *logistic = NULL, *svm = NULL, *approx = NULL, *gbdt = NULL;
    churn_eval *e = NULL;
    int rc = read_table(&ds, err);
    if (rc == CHURN_OK)
        rc = train_one(ds, "logistic", NULL, NULL, 1, model_path, &logistic,
                       err);
    if (rc == CHURN_OK)
        rc = train_one(ds, "svm", "rbf", NULL, 0, svm_model_path, &svm, err);
    if (rc == CHURN_OK)
        rc = train_one(ds, "svm", "rbf-approx", "isotonic", 0,
                       svm_model_path, &approx, err);
    if (rc == CHURN_OK) /* XGBoost's own allocations are not counted */
        rc = train_one(ds, "gbdt", NULL, NULL, 0, svm_model_path, &gbdt,
                       err);
    if (rc == CHURN_OK)
        rc = churn_dataset_read_libsvm(svm_path, &sparse, err);
    if (rc == CHURN_OK)
        rc = churn_model_validation_eval(logistic, NULL, &e, err);
    if (rc == CHURN_OK) /* gbdt's mean |SHAP| beside the AUC lost */
        rc = churn_eval_add_importance(e, gbdt, ds, 7, err);
    if (rc == CHURN_OK)
        rc = churn_eval_add_importance(e, logistic, ds, 7, err);
    if (rc == CHURN_OK)
        rc = churn_eval_write_json(e, json_path, err);
    if (rc == CHURN_OK)
        rc = churn_eval_write_html(e, "faults", report_path, err);
    churn_eval_free(e);
    churn_model_free(gbdt);
    churn_model_free(approx);
    churn_model_free(svm);
    churn_model_free(logistic);
    churn_dataset_free(sparse);
    churn_dataset_free(ds);
    return rc;
}

/* churn-score's path: load the model, read, score, compare with the
 * previous ranking (once there is one), write the ranking. */
static int score_run(churn_error *err)
{
    churn_model *m = NULL;
    churn_dataset *ds = NULL;
    churn_scores *s = NULL;
    churn_score_opts *o = churn_score_opts_new();
    if (!o)
        return CHURN_ENOMEM;
    int rc = churn_model_load(model_path, &m, err);
    if (rc == CHURN_OK)
        rc = read_table(&ds, err);
    if (rc == CHURN_OK)
        rc = churn_score_dataset(m, ds, o, &s, err);
    if (rc == CHURN_OK && previous_path[0])
        rc = churn_scores_compare(s, previous_path, err);
    if (rc == CHURN_OK)
        rc = churn_scores_write_csv(s, scores_path, 0, err);
    churn_scores_free(s);
    churn_dataset_free(ds);
    churn_model_free(m);
    churn_score_opts_free(o);
    return rc;
}

/* churn-score --top's path: the file read block by block, the top rows
 * kept, the ranking written. */
static int score_top_run(churn_error *err)
{
    churn_model *m = NULL;
    churn_dataset *ds = NULL;
    churn_scores *s = NULL;
    churn_score_opts *o = churn_score_opts_new();
    churn_csv_opts *co = churn_csv_opts_new();
    int rc = o && co ? CHURN_OK : CHURN_ENOMEM;
    if (rc == CHURN_OK)
        rc = churn_score_opts_set_top(o, 5);
    if (rc == CHURN_OK)
        rc = churn_csv_opts_set_label_column(co, "churned");
    if (rc == CHURN_OK) /* declared: a category does not stop the stream */
        rc = churn_csv_opts_add_categorical(co, "plan");
    if (rc == CHURN_OK)
        rc = churn_model_load(model_path, &m, err);
    if (rc == CHURN_OK)
        rc = churn_score_csv(m, csv_path, co, o, &ds, &s, err);
    if (rc == CHURN_OK && !s) {
        fprintf(stderr, "faults: the table was not streamed\n");
        rc = CHURN_EINVAL;
    }
    if (rc == CHURN_OK)
        rc = churn_scores_write_csv(s, scores_path, 0, err);
    churn_scores_free(s);
    churn_dataset_free(ds);
    churn_model_free(m);
    churn_score_opts_free(o);
    churn_csv_opts_free(co);
    return rc;
}

/* churn-features' and churn-segment's path: the event log to features
 * with labels, segments, a summary and the retention KPIs; the feature
 * file last. */
static int features_run(churn_error *err)
{
    churn_dataset *ds = NULL, *seg = NULL, *summary = NULL;
    churn_kpi *kpi = NULL;
    churn_segment_opts *so = churn_segment_opts_new();
    churn_feature_opts *o = churn_feature_opts_new();
    if (!o || !so) {
        churn_feature_opts_free(o);
        churn_segment_opts_free(so);
        return CHURN_ENOMEM;
    }
    double t0;
    int rc = churn_parse_time("2024-12-01", 10, &t0);
    if (rc == CHURN_OK)
        rc = churn_feature_opts_set_as_of(o, (int64_t)t0);
    if (rc == CHURN_OK)
        rc = churn_feature_opts_set_horizon(o, 30);
    if (rc == CHURN_OK)
        rc = churn_feature_opts_set_snapshots(o, 2, 60);
    if (rc == CHURN_OK)
        rc = churn_features_extract(events_path, NULL, o, &ds, err);
    if (rc == CHURN_OK)
        rc = churn_segment(ds, so, &seg, err);
    if (rc == CHURN_OK)
        rc = churn_segment_summary(seg, "rfm_segment", &summary, err);
    if (rc == CHURN_OK)
        rc = churn_kpi_compute(events_path, o, (int64_t)t0 - 180 * 86400,
                               (int64_t)t0, &kpi, err);
    if (rc == CHURN_OK)
        rc = churn_dataset_write_csv(ds, features_path, "customer_id", err);
    churn_kpi_free(kpi);
    churn_dataset_free(summary);
    churn_dataset_free(seg);
    churn_dataset_free(ds);
    churn_segment_opts_free(so);
    churn_feature_opts_free(o);
    return rc;
}

/* The XGBoost wrapper (models/xgb.c; not yet a family of churn_train)
 * on the scoring side: a booster's bytes loaded, margins and TreeSHAP
 * contributions of a fixed table of 60 rows. The booster is trained once
 * before the sweep: XGBoost's training cannot survive every failed
 * allocation (see interpose.c). */
enum { XGB_N = 60, XGB_D = 3 };
static double xgb_x[XGB_N * XGB_D];
static churn__xgb *xgb_trained;

static int xgb_train(void)
{
    double y[XGB_N];
    for (int i = 0; i < XGB_N; i++) {
        double *x = xgb_x + i * XGB_D;
        x[0] = (i * 37) % 23;
        x[1] = i % 9 == 3 ? NAN : (i * 11) % 5;
        x[2] = i % 3;
        y[i] = ((i * 11) % 5 * 5 - x[0] + i % 7) > 4;
    }
    churn__xgb_params p;
    churn__xgb_params_default(&p);
    p.max_rounds = 8;
    churn_error err;
    return churn__xgb_fit(&p, xgb_x, y, XGB_N, XGB_D, &xgb_trained, NULL,
                          &err);
}

static int xgb_run(churn_error *err)
{
    double out[XGB_N * (XGB_D + 1)];
    churn__xgb *b = NULL;
    size_t len = 0;
    const unsigned char *bytes = churn__xgb_bytes(xgb_trained, &len);
    int rc = churn__xgb_load(bytes, len, XGB_D, &b, err);
    if (rc == CHURN_OK)
        rc = churn__xgb_margins(b, xgb_x, XGB_N, out, err);
    if (rc == CHURN_OK)
        rc = churn__xgb_contributions(b, xgb_x, XGB_N, out, err);
    churn__xgb_free(b);
    return rc;
}

/* What a failed run may leave in dir: no temporary file, not the run's
 * last output (its appearing would mean the run succeeded), and a model
 * only when it is complete (it loads, checksum and all). */
static int bad_leftovers(const char *last, char *why, size_t size)
{
    DIR *d = opendir(dir);
    struct dirent *de;
    int n = 0;
    while (d && (de = readdir(d))) {
        const char *s = de->d_name;
        if (strstr(s, ".tmp.") || strcmp(s, last) == 0) {
            snprintf(why, size, "left file %s", s);
            n++;
        }
    }
    if (d)
        closedir(d);
    const char *models[] = {model_path, svm_model_path};
    for (size_t i = 0; i < 2; i++) {
        churn_model *m = NULL;
        churn_error err;
        if (access(models[i], F_OK) == 0 &&
            churn_model_load(models[i], &m, &err) != CHURN_OK) {
            snprintf(why, size, "left a model that does not load: %s",
                     err.message);
            n++;
        }
        churn_model_free(m);
    }
    return n;
}

static void remove_outputs(int keep_models)
{
    if (!keep_models) {
        unlink(model_path);
        unlink(svm_model_path);
    }
    unlink(scores_path);
    unlink(report_path);
    unlink(json_path);
    unlink(features_path);
}

/* ------------------------------------------------ training across ranks */

#define DIST_RANKS 3
static churn_dataset *shard[DIST_RANKS];

/* What one thread rank trains and gets. */
typedef struct dist_rank {
    churn_dataset *ds;
    int rc;
    churn_error err;
} dist_rank;

/* The options are made before the sweep: a rank that could not make
 * them would never reach the collectives the others wait in (the tools
 * exit there, and the message layer ends the job). */
static churn_train_opts *dist_opts[DIST_RANKS];

static void dist_body(const churn_comm *comm, void *arg)
{
    dist_rank *r = arg;
    churn_train_opts *o = dist_opts[comm->rank];
    churn_model *m = NULL;
    churn_train_opts_set_model(o, "logistic");
    churn_train_opts_set_comm(o, comm);
    r->rc = churn_train(r->ds, o, &m, &r->err);
    churn_model_free(m);
    m = NULL;
    churn_train_opts_set_model(o, "svm");
    churn_train_opts_set_kernel(o, "rbf-approx");
    if (r->rc == CHURN_OK)
        r->rc = churn_train(r->ds, o, &m, &r->err);
    churn_model_free(m);
}

/* Rows i with i % DIST_RANKS == r of the table, as rank r's shard. */
static int make_shards(void)
{
    churn_dataset *all = NULL;
    churn_error err;
    if (read_table(&all, &err) != CHURN_OK)
        return 1;
    size_t d = churn_dataset_n_cols(all), n = churn_dataset_n_rows(all);
    double *row = malloc((d ? d : 1) * sizeof *row);
    for (int r = 0; r < DIST_RANKS; r++) {
        shard[r] = churn_dataset_new(d);
        for (size_t j = 0; j < d; j++)
            churn_dataset_set_column(shard[r], j,
                                     churn_dataset_column_name(all, j),
                                     churn_dataset_column_kind(all, j),
                                     NULL);
        churn_dataset_set_label_name(shard[r], "churned", NULL);
        dist_opts[r] = churn_train_opts_new();
        churn_train_opts_set_validation(dist_opts[r], 0);
    }
    for (size_t i = 0; i < n; i++) {
        churn_dataset *to = shard[i % DIST_RANKS];
        for (size_t j = 0; j < d; j++) {
            row[j] = churn_dataset_value(all, i, j);
            if (churn_dataset_column_kind(all, j) == CHURN_CATEGORICAL &&
                !isnan(row[j]))
                churn_dataset_level_code(
                    to, j, churn_dataset_level(all, j, (size_t)row[j]),
                    &row[j], NULL);
        }
        churn_dataset_add_row(to, churn_dataset_id(all, i), row,
                              churn_dataset_label(all, i), NULL);
    }
    free(row);
    churn_dataset_free(all);
    return 0;
}

/* Trains logistic then rbf-approx models on DIST_RANKS thread ranks. The
 * ranks must agree: the same status everywhere, none left waiting. An
 * allocation of the thread comm itself fails the exchange (CHURN_EIO),
 * as a message layer out of memory would. */
static int dist_run(churn_error *err)
{
    dist_rank ranks[DIST_RANKS];
    void *args[DIST_RANKS];
    for (int r = 0; r < DIST_RANKS; r++) {
        memset(&ranks[r], 0, sizeof ranks[r]);
        ranks[r].ds = shard[r];
        args[r] = &ranks[r];
    }
    /* A rank that left the others waiting hangs the run: the alarm ends
     * the program (and make) instead of the CI job's clock. */
    alarm(120);
    tc_run(DIST_RANKS, dist_body, args);
    alarm(0);
    *err = ranks[0].err;
    for (int r = 1; r < DIST_RANKS; r++)
        if (ranks[r].rc != ranks[0].rc) {
            snprintf(err->message, sizeof err->message,
                     "ranks disagree: rank 0 status %d, rank %d status %d "
                     "(%s)", ranks[0].rc, r, ranks[r].rc,
                     ranks[r].err.message);
            return -1;
        }
    /* A failed exchange is the message layer's out-of-memory. */
    return ranks[0].rc == CHURN_EIO ? CHURN_ENOMEM : ranks[0].rc;
}

/* A survival evaluation on arrays (ties, censoring, tiers, two horizons)
 * into a report, written as JSON and HTML. */
static int survival_eval_run(churn_error *err)
{
    enum { N = 40 };
    double t[N], e[N], p[2 * N], label[N];
    const char *tier[N];
    const double h[2] = {5, 10};
    for (size_t i = 0; i < N; i++) {
        t[i] = (double)(1 + (i * 7) % 13);
        e[i] = i % 3 != 0;
        p[2 * i] = (double)((i * 5) % 11) / 20;
        p[2 * i + 1] = p[2 * i] * 1.5;
        label[i] = e[i] == 1 && t[i] <= 10;
        tier[i] = i % 4 == 0 ? NULL : i % 4 == 1 ? "high" : "low";
    }
    churn_eval *rep = NULL;
    int rc = churn_eval_compute(p, label, N, NULL, &rep, err);
    if (rc == CHURN_OK)
        rc = churn_eval_add_survival(rep, t, e, N, p, p, h, 2, tier, err);
    if (rc == CHURN_OK)
        rc = churn_eval_write_json(rep, json_path, err);
    if (rc == CHURN_OK)
        rc = churn_eval_write_html(rep, "faults", report_path, err);
    churn_eval_free(rep);
    return rc;
}

/* Runs run with allocation 1, 2, ... failing until a run succeeds with
 * no failure left to inject. Returns the number of defects found. */
static const char *only; /* FAULTS_ONLY: the one sweep to run */

static int sweep(const char *key, const char *what,
                 int (*run)(churn_error *), const char *last,
                 int keep_models)
{
    int defects = 0;
    unsigned long n, absorbed = 0;
    churn_error err;
    if (only && strcmp(only, key) != 0) /* once, for what it leaves */
        return run(&err) == CHURN_OK ? 0 : 1;
    current_sweep = what;
    /* A clean run first: what libraries set up once (thread pools,
     * caches) is then in place, and not counted as a leak of run 1. */
    int rc = run(&err);
    if (rc != CHURN_OK) {
        fprintf(stderr, "%s: clean run failed (%d): %s\n", what, rc,
                err.message);
        return 1;
    }
    remove_outputs(keep_models);
    faults_sweep_begins();
    for (n = 1;; n++) {
        faults_reset();
        faults_fail_at = n;
        rc = run(&err);
        faults_fail_at = 0;
        char why[600];
        if (gsl_calls) {
            fprintf(stderr, "%s: allocation %lu failed: GSL's error handler "
                    "was called %d times, first: %s\n", what, n, gsl_calls,
                    gsl_reason);
            gsl_calls = 0;
            defects++;
        }
        if (!faults_failed) {
            if (rc != CHURN_OK) {
                fprintf(stderr, "%s: clean run failed (%d): %s\n", what, rc,
                        err.message);
                defects++;
            }
            break;
        }
        if (rc != CHURN_ENOMEM && !faults_also_ok(rc, err.message)) {
            fprintf(stderr, "%s: allocation %lu failed, status %d (%s): %s\n",
                    what, n, rc, churn_strerror(rc),
                    rc ? err.message : "success reported");
            defects++;
        } else if (rc == CHURN_OK) {
            absorbed++;
        } else if (bad_leftovers(last, why, sizeof why)) {
            fprintf(stderr, "%s: allocation %lu failed, %s\n", what, n, why);
            defects++;
        }
        remove_outputs(keep_models);
        /* Still there after a clean run: a leak, not a cache. */
        if (faults_run_leaked(why, sizeof why) &&
            (run(&err), remove_outputs(keep_models),
             faults_run_leaked(why, sizeof why))) {
            fprintf(stderr, "%s: allocation %lu failed: %s\n", what, n, why);
            defects++;
            faults_sweep_begins(); /* report the next one afresh */
        }
        if (defects > 20)
            break;
        if (n % 500 == 0)
            fprintf(stderr, "faults: %s: %lu allocations so far\n", what, n);
    }
    current_sweep = NULL;
    printf("faults: %s: %lu allocations, each failed once: %s", what,
           n - 1, defects ? "DEFECTS" : "all ENOMEM, nothing leaked");
    if (absorbed)
        printf(" (%lu absorbed by another library: success)", absorbed);
    printf("\n");
    return defects;
}

/* FAULTS_TRACE=N prints where allocation N is made, in each sweep. */
int main(void)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    printf("faults: failing %s\n", faults_reach);
    watch_process();
    const char *trace = getenv("FAULTS_TRACE");
    if (trace)
        faults_trace_at = strtoul(trace, NULL, 10);
    const char *base = getenv("TMPDIR");
    snprintf(dir, sizeof dir, "%s/churn-faults-XXXXXX", base ? base : "/tmp");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 2;
    }
    snprintf(csv_path, sizeof csv_path, "%s/in.csv", dir);
    snprintf(svm_path, sizeof svm_path, "%s/in.svm", dir);
    snprintf(model_path, sizeof model_path, "%s/m.churn", dir);
    snprintf(svm_model_path, sizeof svm_model_path, "%s/svm.churn", dir);
    snprintf(scores_path, sizeof scores_path, "%s/scores.csv", dir);
    snprintf(report_path, sizeof report_path, "%s/report.html", dir);
    snprintf(json_path, sizeof json_path, "%s/eval.json", dir);
    snprintf(events_path, sizeof events_path, "%s/events.csv", dir);
    snprintf(features_path, sizeof features_path, "%s/features.csv", dir);
    write_inputs();

    /* XGBoost is opened before any allocation fails, as linking it did
     * at start-up: its C++ static constructors end the process
     * (std::terminate) when an allocation fails inside them, which no
     * caller can catch (models/xgb_lib.h). */
    const churn__xgb_lib *xgb = churn__xgb_lib_open(NULL);
    if (!xgb) {
        fprintf(stderr, "faults: cannot load XGBoost's library\n");
        return 1;
    }
    /* OpenBLAS too: its start (threads, buffers) is not churn's. */
    if (churn__blas_open(NULL) != CHURN_OK) {
        fprintf(stderr, "faults: cannot load OpenBLAS\n");
        return 1;
    }
    /* FAULTS_ONLY=survival|train|score|features|gbdt|ranks: that sweep
     * alone (the others run once, cleanly). */
    only = getenv("FAULTS_ONLY");
    int defects = 0;
    defects += sweep("survival", "survival evaluation", survival_eval_run,
                     "report.html", 0);
    unlink(report_path);
    unlink(json_path);
    defects += sweep("train", "train", train_run, "report.html", 0);
    /* The last, clean training run left the model that scoring loads. */
    unlink(report_path);
    unlink(json_path);
    /* A clean scoring makes the previous ranking the sweep compares with. */
    churn_error err;
    if (score_run(&err) != CHURN_OK) {
        fprintf(stderr, "faults: scoring failed: %s\n", err.message);
        return 1;
    }
    snprintf(previous_path, sizeof previous_path, "%s/previous.csv", dir);
    rename(scores_path, previous_path);
    defects += sweep("score", "score", score_run, "scores.csv", 1);
    unlink(scores_path); /* the last, clean scoring run's */
    defects += sweep("score-top", "score --top", score_top_run, "scores.csv",
                     1);
    defects += sweep("features", "features", features_run, "features.csv", 0);
    /* XGBoost allocates its per-thread last-error message at its first
     * error: made to happen here, it is not a leak of the first failure. */
    xgb->XGDMatrixFree(NULL);
    if (xgb_train() != CHURN_OK) {
        fprintf(stderr, "faults: cannot train the booster\n");
        return 1;
    }
    defects += sweep("gbdt", "gbdt (XGBoost) load and predict", xgb_run, "",
                     0);
    churn__xgb_free(xgb_trained);
    if (make_shards() != 0) {
        fprintf(stderr, "faults: cannot make the shards\n");
        return 1;
    }
    defects += sweep("ranks", "train across 3 ranks", dist_run, "m.churn", 0);
    for (int r = 0; r < DIST_RANKS; r++) {
        churn_dataset_free(shard[r]);
        churn_train_opts_free(dist_opts[r]);
    }
    remove_outputs(0);
    unlink(csv_path);
    unlink(svm_path);
    unlink(events_path);
    unlink(previous_path);
    rmdir(dir);
    faults_print_exempt();
    return defects ? 1 : 0;
}
