/* test_numerics.c - awkward data for every model family: constant and
 * all-missing columns, perfectly separable classes, a single class,
 * extreme magnitudes. Each either trains a sensible model (finite
 * parameters, probabilities in [0, 1], the right ranking where the classes
 * separate) or fails with a clear message and status; no NaN or Inf ever
 * reaches a model or scores file. */
#include "testutil.h"

#include "churn.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define N 60

/* The families (and kernels) every case runs with. */
static const struct family {
    const char *model, *kernel;
} families[] = {
    {"logistic", NULL}, {"svm", "linear"}, {"svm", "rbf"},
    {"svm", "rbf-approx"}};
#define N_FAMILIES (sizeof families / sizeof families[0])

/* Fills row (3 values) and *label for row i of a case. */
typedef void (*row_fn)(size_t i, double *row, double *label);

/* A fixed pseudo-random number in [0, 1) for row i, column j. */
static double noise(size_t i, size_t j)
{
    uint64_t x = (i + 1) * 0x9e3779b97f4a7c15ull ^ (j + 1) * 0xbf58476d1ce4e5b9ull;
    x ^= x >> 31;
    x *= 0x94d049bb133111ebull;
    x ^= x >> 29;
    return (double)(x >> 11) / 9007199254740992.0;
}

static churn_dataset *dataset(row_fn fill)
{
    static const char *const cols[] = {"a", "b", "c"};
    churn_dataset *ds = churn_dataset_new(3);
    assert_non_null(ds);
    for (size_t j = 0; j < 3; j++)
        assert_int_equal(churn_dataset_set_column(ds, j, cols[j],
                                                  CHURN_NUMERIC, NULL), 0);
    assert_int_equal(churn_dataset_set_label_name(ds, "churned", NULL), 0);
    for (size_t i = 0; i < N; i++) {
        double row[3], y;
        char id[16];
        fill(i, row, &y);
        snprintf(id, sizeof id, "c%zu", i);
        assert_int_equal(churn_dataset_add_row(ds, id, row, y, NULL), 0);
    }
    return ds;
}

/* 1 when text[0..n) spells a non-finite number as printf or strtod would. */
static int nonfinite_token(const char *text, size_t n)
{
    if (n && (*text == '-' || *text == '+')) {
        text++;
        n--;
    }
    return (n == 3 && (strncasecmp(text, "nan", 3) == 0 ||
                       strncasecmp(text, "inf", 3) == 0)) ||
           (n == 8 && strncasecmp(text, "infinity", 8) == 0);
}

/* Fails when any token of the file is NaN or infinite: tokens are cut at
 * the separators of CSV, the reasons ("b=0.9 (+5.2); "), JSON and HTML. */
static void assert_all_finite(const char *path)
{
    size_t len;
    char *text = tu_read_file(path, &len);
    assert_non_null(text);
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, " ,\n\r\t=();:\"<>[]{}");
        if (nonfinite_token(p, n))
            fail_msg("%s holds a non-finite number: %.*s", path, (int)n, p);
        p += n;
        if (*p)
            p++;
    }
    free(text);
}

/* Checks a trained model: its file and its scores file hold only finite
 * numbers, it reloads to the same probabilities, each in [0, 1]. Returns
 * the probabilities of ds's rows (the caller frees them). */
static double *check_sensible(const churn_model *m, const churn_dataset *ds,
                              const char *what)
{
    char model_path[512], scores_path[512];
    snprintf(model_path, sizeof model_path, "%s/num.churn", tu_tmpdir());
    snprintf(scores_path, sizeof scores_path, "%s/num.csv", tu_tmpdir());
    churn_error err;
    if (churn_model_save(m, model_path, &err) != CHURN_OK)
        fail_msg("%s: save: %s", what, err.message);
    assert_all_finite(model_path);
    churn_model *loaded = NULL;
    if (churn_model_load(model_path, &loaded, &err) != CHURN_OK)
        fail_msg("%s: load: %s", what, err.message);
    double *prob = malloc(N * sizeof *prob), *again = malloc(N * sizeof *again);
    assert_non_null(prob);
    assert_non_null(again);
    assert_int_equal(churn_model_predict_dataset(m, ds, prob, &err), 0);
    assert_int_equal(churn_model_predict_dataset(loaded, ds, again, &err), 0);
    for (size_t i = 0; i < N; i++) {
        if (!(prob[i] >= 0 && prob[i] <= 1))
            fail_msg("%s: row %zu has probability %g", what, i, prob[i]);
        assert_memory_equal(&prob[i], &again[i], sizeof prob[i]);
    }
    churn_scores *s = NULL;
    churn_score_opts *o = churn_score_opts_new();
    assert_non_null(o);
    assert_int_equal(churn_score_dataset(loaded, ds, o, &s, &err), 0);
    assert_int_equal(churn_scores_write_csv(s, scores_path, 0, &err), 0);
    assert_all_finite(scores_path);
    churn_scores_free(s);
    churn_score_opts_free(o);
    churn_model_free(loaded);
    free(again);
    return prob;
}

/* Trains family f on ds; returns the status, *out the model on success. */
static int train(const churn_dataset *ds, const struct family *f,
                 churn_model **out, churn_error *err)
{
    churn_train_opts *o = churn_train_opts_new();
    assert_non_null(o);
    assert_int_equal(churn_train_opts_set_model(o, f->model), 0);
    if (f->kernel)
        assert_int_equal(churn_train_opts_set_kernel(o, f->kernel), 0);
    *out = NULL;
    int rc = churn_train(ds, o, out, err);
    churn_train_opts_free(o);
    return rc;
}

/* Every family must train on fill's data, sensibly. When separable, the
 * classes must also rank apart: no negative above a positive. */
static void expect_sensible(row_fn fill, const char *name, int separable)
{
    churn_dataset *ds = dataset(fill);
    for (size_t k = 0; k < N_FAMILIES; k++) {
        char what[128];
        snprintf(what, sizeof what, "%s, %s %s", name, families[k].model,
                 families[k].kernel ? families[k].kernel : "");
        churn_model *m = NULL;
        churn_error err;
        if (train(ds, &families[k], &m, &err) != CHURN_OK)
            fail_msg("%s: %s", what, err.message);
        double *prob = check_sensible(m, ds, what);
        if (separable) {
            double min_pos = INFINITY, max_neg = -INFINITY;
            for (size_t i = 0; i < N; i++) {
                if (churn_dataset_label(ds, i) > 0.5)
                    min_pos = fmin(min_pos, prob[i]);
                else
                    max_neg = fmax(max_neg, prob[i]);
            }
            if (!(min_pos >= max_neg))
                fail_msg("%s: a retained customer (%g) ranks above a "
                         "churned one (%g)", what, max_neg, min_pos);
        }
        free(prob);
        churn_model_free(m);
    }
    churn_dataset_free(ds);
}

/* b carries the signal in every case below that does not say otherwise:
 * churn is likely when b is high, with some overlap. */
static double signal_label(size_t i) { return noise(i, 1) + 0.4 * noise(i, 9) > 0.7; }

static void constant_rows(size_t i, double *row, double *label)
{
    row[0] = 5; /* the same for every customer */
    row[1] = noise(i, 1);
    row[2] = noise(i, 2);
    *label = signal_label(i);
}

static void test_constant_column(void **state)
{
    (void)state;
    expect_sensible(constant_rows, "constant column", 0);
}

static void all_missing_rows(size_t i, double *row, double *label)
{
    row[0] = NAN; /* no customer has a value */
    row[1] = noise(i, 1);
    row[2] = noise(i, 2);
    *label = signal_label(i);
}

static void test_all_missing_column(void **state)
{
    (void)state;
    expect_sensible(all_missing_rows, "all-missing column", 0);
}

static void separable_rows(size_t i, double *row, double *label)
{
    /* Only a varies: noise columns would blur an rbf kernel's distances
     * and a soft margin may then rank a few rows out of order. */
    row[0] = (double)i;
    row[1] = 1;
    row[2] = -1;
    *label = i >= N / 2 + 3; /* a gap of one row step at 32.5 */
}

static void test_separable(void **state)
{
    (void)state;
    expect_sensible(separable_rows, "separable classes", 1);
}

static void extreme_rows(size_t i, double *row, double *label)
{
    static const double huge[] = {1e300, -1e300, 1e-300, -1e-300, 0};
    row[0] = huge[i % 5];
    row[1] = noise(i, 1);
    row[2] = i % 7 == 0 ? 1e300 : noise(i, 2);
    *label = signal_label(i);
}

static void test_extreme_values(void **state)
{
    (void)state;
    expect_sensible(extreme_rows, "extreme values", 0);
}

static void single_class_rows(size_t i, double *row, double *label)
{
    row[0] = noise(i, 0);
    row[1] = noise(i, 1);
    row[2] = noise(i, 2);
    *label = 0; /* nobody churned */
}

/* Nothing to learn: every family refuses, saying why. */
static void test_single_class(void **state)
{
    (void)state;
    churn_dataset *ds = dataset(single_class_rows);
    for (size_t k = 0; k < N_FAMILIES; k++) {
        churn_model *m = NULL;
        churn_error err;
        assert_int_equal(train(ds, &families[k], &m, &err), CHURN_EEMPTY);
        assert_null(m);
        assert_non_null(strstr(err.message, "single class"));
    }
    churn_dataset_free(ds);
}

/* Reports of degenerate data: figures that do not exist (an AUC without
 * positives, a log loss of probabilities 0 and 1) are written as null or a
 * dash, never as nan or inf. */
static void test_reports_finite(void **state)
{
    (void)state;
    double prob[N], label[N];
    for (size_t i = 0; i < N; i++) {
        prob[i] = i % 2 ? 1.0 : 0.0; /* certain, so log loss is extreme */
        label[i] = i % 3 == 0;
    }
    char json[512], html[512];
    snprintf(json, sizeof json, "%s/num.json", tu_tmpdir());
    snprintf(html, sizeof html, "%s/num.html", tu_tmpdir());
    for (int one_class = 0; one_class < 2; one_class++) {
        if (one_class)
            for (size_t i = 0; i < N; i++)
                label[i] = 0;
        churn_eval *e = NULL;
        churn_error err;
        int rc = churn_eval_compute(prob, label, N, NULL, &e, &err);
        if (rc != CHURN_OK) {
            /* Refusing is fine, with a reason. */
            assert_true(strlen(err.message) > 0);
            continue;
        }
        assert_int_equal(churn_eval_write_json(e, json, &err), 0);
        assert_int_equal(churn_eval_write_html(e, "degenerate", html, &err),
                         0);
        assert_all_finite(json);
        assert_all_finite(html);
        churn_eval_free(e);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_constant_column),
        cmocka_unit_test(test_all_missing_column),
        cmocka_unit_test(test_separable),
        cmocka_unit_test(test_extreme_values),
        cmocka_unit_test(test_single_class),
        cmocka_unit_test(test_reports_finite),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
