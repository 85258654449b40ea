/* test_distributed.c - fitting across ranks (threads standing in for MPI
 * processes, tests/helpers/thread_comm.c) gives what one process fits on
 * all the rows: the same pipeline (medians bit for bit), the same
 * logistic coefficients to 1e-8, for 1 to 4 ranks, shards of any size
 * (one empty), categories first met in different shards; and one rank's
 * bad row fails every rank with that rank's message. The cmocka asserts
 * run on the main thread, after the ranks have finished. */
#include "testutil.h"
#include "thread_comm.h"

#include "models/classifier.h"
#include "models/drift.h"
#include "models/model.h"
#include "models/logistic.h"
#include "ml/pipeline.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_ROWS 600
#define MAX_RANKS 4
enum { TENURE, SPEND, PLAN, FLAT, REGION, N_COLS };

/* A reproducible stream of numbers in [0, 1). */
static double uniform(uint64_t *s)
{
    *s = *s * 6364136223846793005u + 1442695040888963407u;
    return (double)(*s >> 11) / 9007199254740992.0;
}

/* Rows lo..hi-1 of the full data: integer tenure (many ties, so medians
 * fall on repeated values), spend with negative values and 10 % missing,
 * a plan whose "enterprise" level only occurs after row 450, a constant
 * column, a region; about one row in 20 unlabeled. */
static churn_dataset *make_rows(size_t lo, size_t hi)
{
    static const char *plans[] = {"basic", "plus", "pro", "enterprise"};
    static const char *regions[] = {"north", "south", "east"};
    churn_dataset *ds = churn_dataset_new(N_COLS);
    const char *names[] = {"tenure", "spend", "plan", "flat", "region"};
    for (int j = 0; j < N_COLS; j++)
        churn_dataset_set_column(ds, (size_t)j, names[j],
                                 j == PLAN || j == REGION ? CHURN_CATEGORICAL
                                                          : CHURN_NUMERIC,
                                 NULL);
    churn_dataset_set_label_name(ds, "churned", NULL);
    uint64_t s = 7;
    for (size_t i = 0; i < hi; i++) {
        double u[6];
        for (int k = 0; k < 6; k++)
            u[k] = uniform(&s);
        if (i < lo)
            continue;
        double v[N_COLS], code;
        int plan = i > 450 && u[2] < 0.3 ? 3 : (int)(u[2] * 3);
        v[TENURE] = floor(u[0] * 24);
        v[SPEND] = u[1] < 0.1 ? NAN : (u[1] - 0.3) * 200;
        churn_dataset_level_code(ds, PLAN, plans[plan], &code, NULL);
        v[PLAN] = code;
        v[FLAT] = 5;
        churn_dataset_level_code(ds, REGION, regions[(int)(u[3] * 3)],
                                 &code, NULL);
        v[REGION] = code;
        double t = 1.5 - 0.12 * v[TENURE] + (plan == 0 ? 0.8 : 0) +
                   (isnan(v[SPEND]) ? 0 : 0.004 * v[SPEND]);
        double label = u[5] < 0.05 ? NAN : u[4] < 1 / (1 + exp(-t));
        char id[32];
        snprintf(id, sizeof id, "c%zu", i);
        churn_dataset_add_row(ds, id, v, label, NULL);
    }
    return ds;
}

/* What each rank does and gets. */
typedef struct rank_job {
    churn_dataset *ds;
    int what; /* 0: train, 1: pipeline only, 4: the raw pipeline a tree
               * family asks for; 2, 3: see check_model_equality */
    int rc;
    churn_error err;
    churn_model *model;
    churn__pipeline *pipe;
} rank_job;

static void rank_body(const churn_comm *comm, void *arg)
{
    rank_job *j = arg;
    churn_error_clear(&j->err);
    if (j->what == 1 || j->what == 4) {
        const churn__pipeline_opts raw = {.keep_missing = 1,
                                          .standardize = 0};
        j->rc = churn__pipeline_fit_opts(j->ds, NULL, 0, comm,
                                         j->what == 4 ? &raw : NULL,
                                         &j->pipe, &j->err);
        return;
    }
    churn_train_opts *o = churn_train_opts_new();
    churn_train_opts_set_validation(o, 0);
    churn_train_opts_set_class_weight(o, j->what == 2 ? "balanced" : "none");
    if (j->what == 3) {
        churn_train_opts_set_model(o, "svm");
        churn_train_opts_set_kernel(o, "rbf-approx");
        churn_train_opts_set_components(o, 40);
    }
    churn_train_opts_set_comm(o, comm);
    j->rc = churn_train(j->ds, o, &j->model, &j->err);
    churn_train_opts_free(o);
}

/* Splits rows 0..N_ROWS into n_ranks shards at the cut points and runs
 * body on them; cut[r] is where rank r's rows start. */
static void run_ranks(int n_ranks, const size_t *cut, int what,
                      rank_job *jobs)
{
    void *args[MAX_RANKS];
    for (int r = 0; r < n_ranks; r++) {
        memset(&jobs[r], 0, sizeof jobs[r]);
        size_t hi = r + 1 < n_ranks ? cut[r + 1] : N_ROWS;
        jobs[r].ds = make_rows(cut[r], hi);
        jobs[r].what = what;
        args[r] = &jobs[r];
    }
    tc_run(n_ranks, rank_body, args);
}

static void free_jobs(int n_ranks, rank_job *jobs)
{
    for (int r = 0; r < n_ranks; r++) {
        churn_dataset_free(jobs[r].ds);
        churn_model_free(jobs[r].model);
        churn__pipeline_free(jobs[r].pipe);
    }
}

/* The shard layouts tried: even, uneven, and one with an empty rank. */
static const size_t cuts[][MAX_RANKS] = {
    {0}, {0, 300}, {0, 17, 401}, {0, 150, 150, 520}};

static void assert_same_pipeline(const churn__pipeline *a,
                                 const churn__pipeline *b, double tol)
{
    size_t n = churn__pipeline_n_outputs(a);
    assert_int_equal(churn__pipeline_n_outputs(b), n);
    for (size_t k = 0; k < n; k++) {
        assert_string_equal(churn__pipeline_output_name(a, k),
                            churn__pipeline_output_name(b, k));
        double ca, sa, cb, sb;
        churn__pipeline_output_scaling(a, k, &ca, &sa);
        churn__pipeline_output_scaling(b, k, &cb, &sb);
        assert_near(ca, cb, tol * (1 + fabs(ca)));
        assert_near(sa, sb, tol * sa);
    }
}

static void test_pipeline_equals_one_process(void **state)
{
    (void)state;
    churn_dataset *all = make_rows(0, N_ROWS);
    churn__pipeline *one = NULL;
    assert_int_equal(churn__pipeline_fit(all, NULL, 0, &one, NULL),
                     CHURN_OK);
    /* Both medians by hand-checkable means: the imputed value of a row
     * with missing spend is the same number whatever the ranks. */
    double raw[N_COLS] = {NAN, NAN, NAN, NAN, NAN}, out1[16], out2[16];
    churn__pipeline_transform(one, raw, out1);
    for (int n_ranks = 1; n_ranks <= MAX_RANKS; n_ranks++) {
        rank_job jobs[MAX_RANKS];
        run_ranks(n_ranks, cuts[n_ranks - 1], 1, jobs);
        for (int r = 0; r < n_ranks; r++) {
            if (jobs[r].rc != CHURN_OK)
                fail_msg("%d ranks, rank %d: %s", n_ranks, r,
                         jobs[r].err.message);
            assert_same_pipeline(one, jobs[r].pipe, 1e-13);
            churn__pipeline_transform(jobs[r].pipe, raw, out2);
            /* Medians are exact: the imputed rows agree to rounding of
             * the standardization alone. */
            for (size_t k = 0; k < churn__pipeline_n_outputs(one); k++)
                assert_near(out1[k], out2[k], 1e-12);
        }
        free_jobs(n_ranks, jobs);
    }
    churn__pipeline_free(one);
    churn_dataset_free(all);
}


/* A linear model's weights (d of them) and intercept within 1e-8 of the
 * one process's. */
static void assert_same_linear(const churn_model *m, const churn_model *one,
                               size_t d)
{
    double b, b_one;
    const double *w = churn__classifier_linear(&m->clf, &b);
    const double *w_one = churn__classifier_linear(&one->clf, &b_one);
    assert_non_null(w);
    assert_non_null(w_one);
    for (size_t k = 0; k < d; k++)
        assert_near(w[k], w_one[k], 1e-8);
    assert_near(b, b_one, 1e-8);
}

/* rbf-approx: the same landmarks, the same weights on them. */
static void assert_same_expansion(const churn__kernel_model *m,
                                  const churn__kernel_model *one)
{
    assert_int_equal(m->dim, one->dim);
    assert_int_equal(m->n_sv, one->n_sv);
    for (size_t k = 0; k < m->n_sv * m->dim; k++)
        assert_near(m->sv[k], one->sv[k], 1e-12);
    for (size_t k = 0; k < m->n_sv; k++)
        assert_near(m->sv_coef[k], one->sv_coef[k], 1e-8);
    assert_near(m->b, one->b, 1e-8);
}
/* Exact medians: values with ties, negatives and -0, split every way. */
/* The raw pipeline (missing values kept, nothing standardized) across
 * ranks: the outputs of one process, no indicator, every center 0 and
 * scale 1, NaN passed on. */
static void test_raw_pipeline_equals_one_process(void **state)
{
    (void)state;
    churn_dataset *all = make_rows(0, N_ROWS);
    const churn__pipeline_opts raw = {.keep_missing = 1, .standardize = 0};
    churn__pipeline *one = NULL;
    assert_int_equal(churn__pipeline_fit_opts(all, NULL, 0, NULL, &raw, &one,
                                              NULL), CHURN_OK);
    size_t n = churn__pipeline_n_outputs(one);
    for (size_t k = 0; k < n; k++)
        assert_null(strstr(churn__pipeline_output_name(one, k), "_missing"));
    double row[N_COLS] = {NAN, NAN, NAN, NAN, NAN}, out[16];
    for (int n_ranks = 1; n_ranks <= MAX_RANKS; n_ranks++) {
        rank_job jobs[MAX_RANKS];
        run_ranks(n_ranks, cuts[n_ranks - 1], 4, jobs);
        for (int r = 0; r < n_ranks; r++) {
            if (jobs[r].rc != CHURN_OK)
                fail_msg("%d ranks, rank %d: %s", n_ranks, r,
                         jobs[r].err.message);
            assert_same_pipeline(one, jobs[r].pipe, 0);
            for (size_t k = 0; k < n; k++) {
                double c, s;
                churn__pipeline_output_scaling(jobs[r].pipe, k, &c, &s);
                assert_true(c == 0 && s == 1);
            }
            churn__pipeline_transform(jobs[r].pipe, row, out);
            /* tenure and spend, the first two outputs */
            assert_true(isnan(out[0]) && isnan(out[1]));
        }
        free_jobs(n_ranks, jobs);
    }
    churn__pipeline_free(one);
    churn_dataset_free(all);
}

static void test_median_is_exact(void **state)
{
    (void)state;
    static const char *vals[] = {"3", "-1", "0", "-0", "3", "7.25", "3",
                                 "-1e-300", "2", "1e300", "3", "-5"};
    size_t n = sizeof vals / sizeof *vals;
    for (size_t m = 1; m <= n; m++) { /* the first m values */
        churn_dataset *all = churn_dataset_new(1);
        churn_dataset_set_column(all, 0, "x", CHURN_NUMERIC, NULL);
        for (size_t i = 0; i < m; i++) {
            double v = strtod(vals[i], NULL);
            churn_dataset_add_row(all, NULL, &v, NAN, NULL);
        }
        churn__pipeline *one = NULL;
        assert_int_equal(churn__pipeline_fit(all, NULL, 0, &one, NULL),
                         CHURN_OK);
        double raw = NAN, want, got;
        churn__pipeline_values(one, &raw, 1, 1, &want, 1);
        for (int n_ranks = 2; n_ranks <= MAX_RANKS; n_ranks++) {
            rank_job jobs[MAX_RANKS];
            void *args[MAX_RANKS];
            for (int r = 0; r < n_ranks; r++) {
                memset(&jobs[r], 0, sizeof jobs[r]);
                jobs[r].ds = churn_dataset_new(1);
                churn_dataset_set_column(jobs[r].ds, 0, "x", CHURN_NUMERIC,
                                         NULL);
                jobs[r].what = 1;
                args[r] = &jobs[r];
            }
            for (size_t i = 0; i < m; i++) { /* dealt round the ranks */
                double v = strtod(vals[i], NULL);
                churn_dataset_add_row(jobs[(i * 7 + 3) % (size_t)n_ranks].ds,
                                      NULL, &v, NAN, NULL);
            }
            tc_run(n_ranks, rank_body, args);
            for (int r = 0; r < n_ranks; r++) {
                assert_int_equal(jobs[r].rc, CHURN_OK);
                churn__pipeline_values(jobs[r].pipe, &raw, 1, 1, &got, 1);
                if (memcmp(&got, &want, sizeof got) != 0 && got != want)
                    fail_msg("%zu values on %d ranks: median %.17g, one "
                             "process %.17g", m, n_ranks, got, want);
            }
            free_jobs(n_ranks, jobs);
        }
        churn__pipeline_free(one);
        churn_dataset_free(all);
    }
}

static void check_model_equality(int what)
{
    churn_dataset *all = make_rows(0, N_ROWS);
    churn_train_opts *o = churn_train_opts_new();
    churn_train_opts_set_validation(o, 0);
    churn_train_opts_set_class_weight(o, what == 2 ? "balanced" : "none");
    if (what == 3) {
        churn_train_opts_set_model(o, "svm");
        churn_train_opts_set_kernel(o, "rbf-approx");
        churn_train_opts_set_components(o, 40);
    }
    churn_model *one = NULL;
    churn_error err;
    if (churn_train(all, o, &one, &err) != CHURN_OK)
        fail_msg("one process: %s", err.message);
    for (int n_ranks = 1; n_ranks <= MAX_RANKS; n_ranks++) {
        rank_job jobs[MAX_RANKS];
        run_ranks(n_ranks, cuts[n_ranks - 1], what, jobs);
        for (int r = 0; r < n_ranks; r++) {
            const churn_model *m = jobs[r].model;
            if (jobs[r].rc != CHURN_OK)
                fail_msg("%d ranks, rank %d: %s", n_ranks, r,
                         jobs[r].err.message);
            assert_same_pipeline(one->pipe, m->pipe, 1e-13);
            assert_ptr_equal(m->clf.family, one->clf.family);
            if (what != 3)
                assert_same_linear(m, one, m->n_outputs);
            else
                assert_same_expansion(m->clf.state, one->clf.state);
            assert_near(m->metrics[CHURN__M_TRAIN_ROWS],
                        one->metrics[CHURN__M_TRAIN_ROWS], 0);
            assert_near(m->metrics[CHURN__M_TRAIN_POSITIVES],
                        one->metrics[CHURN__M_TRAIN_POSITIVES], 0);
        }
        free_jobs(n_ranks, jobs);
    }
    /* The fit is not trivial: tenure lowers the churn log-odds. */
    double b;
    if (what == 3)
        assert_int_equal(((churn__kernel_model *)one->clf.state)->n_sv, 40);
    else
        assert_true(churn__classifier_linear(&one->clf, &b)[0] < -0.5);
    churn_model_free(one);
    churn_train_opts_free(o);
    churn_dataset_free(all);
}

static void test_model_equals_one_process(void **state)
{
    (void)state;
    check_model_equality(0);
}

static void test_balanced_model_equals_one_process(void **state)
{
    (void)state;
    check_model_equality(2);
}

static void test_rbf_approx_equals_one_process(void **state)
{
    (void)state;
    check_model_equality(3);
}

/* The solvers called directly: rank r fits rows [lo, hi) of a matrix
 * (rows of MAX_D doubles at most) held in static storage. */
#define MAX_D 6
typedef struct split_fit {
    size_t lo, hi;
    double w[MAX_D], b;
    int rc;
} split_fit;

/* Fits all n rows in one process and then split at cut on two ranks, or
 * at cut and cut2 (> cut) on three; every rank's weights must equal the
 * one process's to 1e-8. Returns the one process's fit. */
static split_fit check_split(tc_body body, size_t n, size_t d, size_t cut,
                             size_t cut2)
{
    split_fit one = {0, n, {0}, 0, 0};
    body(NULL, &one);
    assert_int_equal(one.rc, CHURN_OK);
    int n_ranks = cut2 ? 3 : 2;
    split_fit parts[3] = {{0, cut, {0}, 0, 0},
                          {cut, cut2 ? cut2 : n, {0}, 0, 0},
                          {cut2, n, {0}, 0, 0}};
    void *args[3] = {&parts[0], &parts[1], &parts[2]};
    tc_run(n_ranks, body, args);
    for (int r = 0; r < n_ranks; r++) {
        assert_int_equal(parts[r].rc, CHURN_OK);
        for (size_t j = 0; j < d; j++)
            assert_near(parts[r].w[j], one.w[j], 1e-8);
        assert_near(parts[r].b, one.b, 1e-8);
    }
    return one;
}

/* The blockwise fit on more rows than its Hessian samples (every
 * stride-th row of the job, wherever it lives), identity features. */
enum { BW_N = 120001, BW_D = 3 };
static double bw_z[BW_N * BW_D], bw_y[BW_N];

static void identity(const void *ctx, const double *z, size_t n, double *phi)
{
    (void)ctx;
    memcpy(phi, z, n * BW_D * sizeof *phi);
}

static void bw_body(const churn_comm *comm, void *arg)
{
    split_fit *pt = arg;
    churn__fit_params fp = {.family = &churn__family_rbf_approx, .c = 0.5,
                            .kernel = CHURN__K_RBF_APPROX, .comm = comm};
    pt->rc = churn__features_logistic_fit(
        &fp, identity, NULL, bw_z + pt->lo * BW_D, bw_y + pt->lo,
        pt->hi - pt->lo, BW_D, BW_D, pt->w, &pt->b, NULL, NULL);
}

static void test_sampled_hessian_equals_one_process(void **state)
{
    (void)state;
    uint64_t s = 5;
    for (size_t i = 0; i < BW_N; i++) {
        double t = -0.5;
        for (size_t j = 0; j < BW_D; j++) {
            bw_z[i * BW_D + j] = uniform(&s) * 2 - 1;
            t += (double)(j + 1) * bw_z[i * BW_D + j];
        }
        bw_y[i] = uniform(&s) < 1 / (1 + exp(-t));
    }
    split_fit one = check_split(bw_body, BW_N, BW_D, 70001, 0);
    assert_true(one.w[2] > 2); /* the fit learned the third weight */
}

/* The logistic solver's other path (truncated Newton-CG). */
enum { CG_N = 400, CG_D = 6 };
static double cg_x[CG_N * CG_D], cg_y[CG_N];

static void cg_body(const churn_comm *comm, void *arg)
{
    split_fit *pt = arg;
    churn__logistic_params p;
    churn__logistic_params_default(&p);
    p.wide_threshold = 2; /* CG_D > 2: CG */
    p.comm = comm;
    pt->rc = churn__logistic_fit(cg_x + pt->lo * CG_D, pt->hi - pt->lo, CG_D,
                                 cg_y + pt->lo, NULL, &p, pt->w, &pt->b,
                                 NULL, NULL);
}

static void test_cg_path_equals_one_process(void **state)
{
    (void)state;
    uint64_t s = 11;
    for (size_t i = 0; i < CG_N; i++) {
        double t = 0;
        for (size_t j = 0; j < CG_D; j++) {
            cg_x[i * CG_D + j] = uniform(&s) * 4 - 2 + (double)j;
            t += (j % 2 ? 0.7 : -0.4) * cg_x[i * CG_D + j];
        }
        cg_y[i] = uniform(&s) < 1 / (1 + exp(-t + 1));
    }
    /* Three ranks, the middle one without rows. */
    split_fit one = check_split(cg_body, CG_N, CG_D, 100, 100);
    assert_true(fabs(one.w[1]) > 0.1);
}

/* One rank's bad value fails every rank, each with that rank's message;
 * so do shards whose columns differ. */
static void test_one_rank_fails_all(void **state)
{
    (void)state;
    rank_job jobs[3];
    void *args[3];
    for (int r = 0; r < 3; r++) {
        memset(&jobs[r], 0, sizeof jobs[r]);
        jobs[r].ds = make_rows((size_t)r * 200, (size_t)r * 200 + 200);
        args[r] = &jobs[r];
    }
    double v[N_COLS] = {INFINITY, 1, 0, 5, 0};
    churn_dataset_add_row(jobs[1].ds, "bad", v, 1, NULL);
    tc_run(3, rank_body, args);
    for (int r = 0; r < 3; r++) {
        assert_int_equal(jobs[r].rc, CHURN_EINVAL);
        assert_null(jobs[r].model);
        assert_string_equal(jobs[r].err.message,
                            "rank 1: column 'tenure', row 'bad': infinite "
                            "value");
    }
    free_jobs(3, jobs);

    for (int r = 0; r < 2; r++) {
        memset(&jobs[r], 0, sizeof jobs[r]);
        jobs[r].ds = make_rows((size_t)r * 300, (size_t)r * 300 + 300);
        args[r] = &jobs[r];
    }
    churn_dataset_free(jobs[1].ds); /* rank 1: "spend" named "amount" */
    jobs[1].ds = churn_dataset_new(N_COLS);
    const char *names[] = {"tenure", "amount", "plan", "flat", "region"};
    for (int j = 0; j < N_COLS; j++)
        churn_dataset_set_column(jobs[1].ds, (size_t)j, names[j],
                                 j == PLAN || j == REGION ? CHURN_CATEGORICAL
                                                          : CHURN_NUMERIC,
                                 NULL);
    churn_dataset_set_label_name(jobs[1].ds, "churned", NULL);
    double w[N_COLS] = {1, 1, NAN, 5, NAN};
    churn_dataset_add_row(jobs[1].ds, "x", w, 1, NULL);
    tc_run(2, rank_body, args);
    for (int r = 0; r < 2; r++) {
        assert_int_equal(jobs[r].rc, CHURN_EFORMAT);
        assert_non_null(strstr(jobs[r].err.message, "feature column 2"));
    }
    free_jobs(2, jobs);
}

/* A job whose labels, all shards together, hold one class. */
static void test_single_class_across_ranks(void **state)
{
    (void)state;
    rank_job jobs[2];
    void *args[2];
    for (int r = 0; r < 2; r++) {
        memset(&jobs[r], 0, sizeof jobs[r]);
        jobs[r].ds = churn_dataset_new(1);
        churn_dataset_set_column(jobs[r].ds, 0, "x", CHURN_NUMERIC, NULL);
        churn_dataset_set_label_name(jobs[r].ds, "churned", NULL);
        for (int i = 0; i < 5; i++) {
            double v = i;
            churn_dataset_add_row(jobs[r].ds, NULL, &v, 0, NULL);
        }
        args[r] = &jobs[r];
    }
    /* Rank 1 alone would have both classes; rank 0 alone only one. */
    double v = 9;
    churn_dataset_add_row(jobs[1].ds, NULL, &v, 1, NULL);
    tc_run(2, rank_body, args);
    for (int r = 0; r < 2; r++)
        assert_int_equal(jobs[r].rc, CHURN_OK);
    free_jobs(2, jobs);
    for (int r = 0; r < 2; r++) {
        jobs[r].ds = churn_dataset_new(1);
        jobs[r].model = NULL;
        churn_dataset_set_column(jobs[r].ds, 0, "x", CHURN_NUMERIC, NULL);
        churn_dataset_set_label_name(jobs[r].ds, "churned", NULL);
        churn_dataset_add_row(jobs[r].ds, NULL, &v, 0, NULL);
    }
    tc_run(2, rank_body, args);
    for (int r = 0; r < 2; r++) {
        assert_int_equal(jobs[r].rc, CHURN_EEMPTY);
        assert_string_equal(jobs[r].err.message,
                            "the training labels hold a single class (2 "
                            "rows, 0 churned): nothing to learn");
    }
    free_jobs(2, jobs);
}

/* The labeled rows of ds, and of them those the drift's score samples:
 * every k-th, k = ceil(n / CHURN__DRIFT_SCORE_ROWS). */
static size_t labeled(const churn_dataset *ds, size_t *sampled)
{
    size_t n = 0;
    for (size_t i = 0; i < churn_dataset_n_rows(ds); i++)
        n += !isnan(churn_dataset_label(ds, i));
    size_t k = (n + CHURN__DRIFT_SCORE_ROWS - 1) / CHURN__DRIFT_SCORE_ROWS;
    *sampled = (n + k - 1) / k;
    return n;
}

/* The drift references across ranks: the inputs' are one process's on
 * all the rows (every training row counted), the score's is each rank's
 * own sample gathered: about 5,700 and 6,650 labeled rows, k = 2 on
 * both, so about 6,200 scored rows, where one process on them all scores
 * about 4,100 (k = 3). */
static void test_drift_sample_per_rank(void **state)
{
    (void)state;
    rank_job jobs[2];
    void *args[2];
    const size_t cut[3] = {0, 6000, 13000};
    for (int r = 0; r < 2; r++) {
        memset(&jobs[r], 0, sizeof jobs[r]);
        jobs[r].ds = make_rows(cut[r], cut[r + 1]);
        args[r] = &jobs[r];
    }
    tc_run(2, rank_body, args);
    churn_dataset *all = make_rows(0, 13000);
    churn_train_opts *o = churn_train_opts_new();
    churn_train_opts_set_validation(o, 0);
    churn_model *one = NULL;
    churn_error err;
    if (churn_train(all, o, &one, &err) != CHURN_OK)
        fail_msg("one process: %s", err.message);
    size_t s0, s1, s_all, n = labeled(jobs[0].ds, &s0) +
                                 labeled(jobs[1].ds, &s1);
    assert_int_equal(labeled(all, &s_all), n);
    assert_true(s0 < 5000 && s1 < 5000 && s_all < 5000 && s0 + s1 > 5000);
    assert_true(one->drift->rows == (double)n &&
                one->drift->score_rows == (double)s_all);
    for (int r = 0; r < 2; r++) {
        assert_int_equal(jobs[r].rc, CHURN_OK);
        const churn__drift_ref *d = jobs[r].model->drift;
        assert_true(d->rows == (double)n &&
                    d->score_rows == (double)(s0 + s1));
        double sum = 0;
        for (size_t b = 0; b < d->score.n_bins + 2; b++)
            sum += d->score.count[b];
        assert_true(sum == (double)(s0 + s1));
        assert_int_equal(d->n_inputs, one->drift->n_inputs);
        for (size_t j = 0; j < d->n_inputs; j++) {
            const churn__drift_col *a = &d->input[j];
            const churn__drift_col *b = &one->drift->input[j];
            assert_int_equal(a->n_bins, b->n_bins);
            assert_int_equal(a->n_edges, b->n_edges);
            for (size_t k = 0; k < a->n_edges; k++)
                assert_true(a->edges[k] == b->edges[k]);
            for (size_t k = 0; k < a->n_bins + 2; k++)
                assert_true(a->count[k] == b->count[k]);
        }
    }
    free_jobs(2, jobs);
    churn_model_free(one);
    churn_train_opts_free(o);
    churn_dataset_free(all);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pipeline_equals_one_process),
        cmocka_unit_test(test_raw_pipeline_equals_one_process),
        cmocka_unit_test(test_median_is_exact),
        cmocka_unit_test(test_model_equals_one_process),
        cmocka_unit_test(test_balanced_model_equals_one_process),
        cmocka_unit_test(test_cg_path_equals_one_process),
        cmocka_unit_test(test_rbf_approx_equals_one_process),
        cmocka_unit_test(test_sampled_hessian_equals_one_process),
        cmocka_unit_test(test_one_rank_fails_all),
        cmocka_unit_test(test_single_class_across_ranks),
        cmocka_unit_test(test_drift_sample_per_rank),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
