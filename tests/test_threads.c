/* test_threads.c - one loaded model scored from 8 threads at once gives,
 * bit for bit, what one thread gives (DESIGN.md: a loaded model is
 * immutable, scoring reentrant). `make tsan` runs this under
 * ThreadSanitizer, which also sees races that happen not to change a
 * result. */
#include "testutil.h"

#include "churn.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define N_THREADS 8
#define N_ROUNDS 4
#define N_ROWS 300

static uint64_t lcg_state;

/* Uniform in [0, 1) from a fixed LCG: the same data on every machine. */
static double uniform(void)
{
    lcg_state = lcg_state * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(lcg_state >> 11) / 9007199254740992.0;
}

/* Rows with a signal in usage and tickets, a missing value now and then
 * (so imputation runs) and a plan category (so encoding runs). */
static churn_dataset *make_data(void)
{
    static const char *const plans[] = {"basic", "plus", "pro"};
    churn_dataset *ds = churn_dataset_new(4);
    assert_non_null(ds);
    assert_int_equal(churn_dataset_set_column(ds, 0, "usage", CHURN_NUMERIC,
                                              NULL), 0);
    assert_int_equal(churn_dataset_set_column(ds, 1, "tickets",
                                              CHURN_NUMERIC, NULL), 0);
    assert_int_equal(churn_dataset_set_column(ds, 2, "spend", CHURN_NUMERIC,
                                              NULL), 0);
    assert_int_equal(churn_dataset_set_column(ds, 3, "plan",
                                              CHURN_CATEGORICAL, NULL), 0);
    assert_int_equal(churn_dataset_set_label_name(ds, "churned", NULL), 0);
    lcg_state = 11;
    for (size_t i = 0; i < N_ROWS; i++) {
        double code;
        assert_int_equal(churn_dataset_level_code(ds, 3, plans[i % 3], &code,
                                                  NULL), 0);
        double row[4] = {uniform() * 10, (double)(int)(uniform() * 5),
                         uniform() < 0.1 ? NAN : uniform() * 100, code};
        double y = 2 - 0.4 * row[0] + row[1] + 0.5 * (i % 3) + uniform() * 3 >
                   3;
        char id[32];
        snprintf(id, sizeof id, "c%zu", i);
        assert_int_equal(churn_dataset_add_row(ds, id, row, y, NULL), 0);
    }
    return ds;
}

/* Trains a model, saves it and loads it back: threads share what a
 * production service would, a loaded model. */
static churn_model *trained_loaded(const churn_dataset *ds, const char *model,
                                   const char *kernel)
{
    churn_train_opts *o = churn_train_opts_new();
    assert_non_null(o);
    assert_int_equal(churn_train_opts_set_model(o, model), 0);
    if (kernel)
        assert_int_equal(churn_train_opts_set_kernel(o, kernel), 0);
    churn_model *m = NULL, *loaded = NULL;
    churn_error err;
    assert_int_equal(churn_train(ds, o, &m, &err), 0);
    char path[512];
    snprintf(path, sizeof path, "%s/threads-%s.churn", tu_tmpdir(),
             kernel ? kernel : model);
    assert_int_equal(churn_model_save(m, path, &err), 0);
    assert_int_equal(churn_model_load(path, &loaded, &err), 0);
    churn_model_free(m);
    churn_train_opts_free(o);
    return loaded;
}

/* The model's inputs as predict wants them: row-major, in its order. */
static double *input_matrix(const churn_model *m, const churn_dataset *ds)
{
    size_t d = churn_model_n_inputs(m);
    double *x = malloc(N_ROWS * d * sizeof *x);
    assert_non_null(x);
    for (size_t j = 0; j < d; j++) {
        size_t c = churn_dataset_column_index(ds, churn_model_input_name(m, j));
        assert_true(c < churn_dataset_n_cols(ds));
        for (size_t i = 0; i < N_ROWS; i++)
            x[i * d + j] = churn_dataset_value(ds, i, c);
    }
    return x;
}

/* What one thread computes, and what it is compared with. */
typedef struct job job;
struct job {
    const churn_model *m;
    const churn_dataset *ds;
    const churn_score_opts *opts;
    const double *x;
    const job *ref; /* the single-threaded answer */
    double prob[N_ROWS];
    churn_scores *scores;
    int failed;
};

/* 1 when two rankings agree in every field, bit for bit. */
static int same_scores(const churn_scores *a, const churn_scores *b)
{
    if (churn_scores_n(a) != churn_scores_n(b))
        return 0;
    for (size_t r = 0; r < churn_scores_n(a); r++) {
        double pa = churn_scores_probability(a, r);
        double pb = churn_scores_probability(b, r);
        if (memcmp(&pa, &pb, sizeof pa) != 0 ||
            churn_scores_row(a, r) != churn_scores_row(b, r) ||
            strcmp(churn_scores_id(a, r), churn_scores_id(b, r)) != 0 ||
            strcmp(churn_scores_tier(a, r), churn_scores_tier(b, r)) != 0 ||
            strcmp(churn_scores_reasons(a, r), churn_scores_reasons(b, r)))
            return 0;
    }
    return 1;
}

/* Scores one batch: raw matrix and the full ranking with reasons. */
static int score(job *j, double *prob, churn_scores **scores)
{
    churn_error err;
    if (churn_model_predict(j->m, j->x, N_ROWS, prob, &err) != CHURN_OK)
        return 1;
    return churn_score_dataset(j->m, j->ds, j->opts, scores, &err) !=
           CHURN_OK;
}

static void *worker(void *arg)
{
    job *j = arg;
    const job *ref = j->ref;
    for (int round = 0; round < N_ROUNDS && !j->failed; round++) {
        churn_scores *s = NULL;
        j->failed = score(j, j->prob, &s) ||
                    memcmp(j->prob, ref->prob, sizeof j->prob) != 0 ||
                    !same_scores(s, ref->scores);
        churn_scores_free(s);
    }
    return NULL;
}

static void check_model(const char *model, const char *kernel)
{
    churn_dataset *ds = make_data();
    churn_model *m = trained_loaded(ds, model, kernel);
    churn_score_opts *opts = churn_score_opts_new();
    assert_non_null(opts);
    double *x = input_matrix(m, ds);
    job *ref = calloc(1, sizeof *ref);
    job *jobs = calloc(N_THREADS, sizeof *jobs);
    assert_non_null(ref);
    assert_non_null(jobs);
    *ref = (job){.m = m, .ds = ds, .opts = opts, .x = x};
    assert_int_equal(score(ref, ref->prob, &ref->scores), 0);
    for (size_t i = 0; i < N_ROWS; i++)
        assert_true(ref->prob[i] >= 0 && ref->prob[i] <= 1);
    /* churn_model_predict (gbdt: XGBoost's batch prediction) and the
     * ranking (one row at a time) give the same bits. */
    for (size_t r = 0; r < N_ROWS; r++) {
        double p = churn_scores_probability(ref->scores, r);
        assert_memory_equal(&p, &ref->prob[churn_scores_row(ref->scores, r)],
                            sizeof p);
    }
    for (size_t t = 0; t < N_THREADS; t++)
        jobs[t] = (job){.m = m, .ds = ds, .opts = opts, .x = x, .ref = ref};
    pthread_t tid[N_THREADS];
    for (size_t t = 0; t < N_THREADS; t++)
        assert_int_equal(pthread_create(&tid[t], NULL, worker, &jobs[t]), 0);
    for (size_t t = 0; t < N_THREADS; t++)
        assert_int_equal(pthread_join(tid[t], NULL), 0);
    for (size_t t = 0; t < N_THREADS; t++)
        if (jobs[t].failed)
            fail_msg("%s %s: thread %zu scored differently from one thread",
                     model, kernel ? kernel : "", t);
    churn_scores_free(ref->scores);
    free(ref);
    free(jobs);
    free(x);
    churn_score_opts_free(opts);
    churn_model_free(m);
    churn_dataset_free(ds);
}

static void test_logistic_threads(void **state)
{
    (void)state;
    check_model("logistic", NULL);
}

static void test_svm_rbf_threads(void **state)
{
    (void)state;
    check_model("svm", "rbf");
}

static void test_svm_rbf_approx_threads(void **state)
{
    (void)state;
    check_model("svm", "rbf-approx");
}

/* XGBoost's trees: predictions from many threads on one booster. */
static void test_gbdt_threads(void **state)
{
    (void)state;
    check_model("gbdt", NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_logistic_threads),
        cmocka_unit_test(test_svm_rbf_threads),
        cmocka_unit_test(test_svm_rbf_approx_threads),
        cmocka_unit_test(test_gbdt_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
