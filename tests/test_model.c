/* test_model.c - training, the model file, prediction and scoring. */
#include "testutil.h"

#include "models/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* The weights and intercept of a linear model, through its family. */
static const double *weights(const churn_model *m)
{
    double b;
    return churn__classifier_linear(&m->clf, &b);
}

static double intercept(const churn_model *m)
{
    double b = NAN;
    churn__classifier_linear(&m->clf, &b);
    return b;
}

/* A small data set with a known signal: churn is likelier with more
 * tickets and on the "basic" plan, less likely with longer tenure; tenure
 * is missing for every 7th customer. Deterministic (an LCG, no RNG state). */
static churn_dataset *make_data(size_t n, int repeat_ids)
{
    churn_dataset *ds = churn_dataset_new(3);
    assert_non_null(ds);
    assert_int_equal(churn_dataset_set_column(ds, 0, "tickets", CHURN_NUMERIC,
                                              NULL), CHURN_OK);
    assert_int_equal(churn_dataset_set_column(ds, 1, "tenure_days",
                                              CHURN_NUMERIC, NULL), CHURN_OK);
    assert_int_equal(churn_dataset_set_column(ds, 2, "plan",
                                              CHURN_CATEGORICAL, NULL),
                     CHURN_OK);
    assert_int_equal(churn_dataset_set_label_name(ds, "churned", NULL),
                     CHURN_OK);
    static const char *plans[] = {"basic", "plus", "pro"};
    uint64_t state = 12345;
    for (size_t i = 0; i < n; i++) {
        double u[4];
        for (int k = 0; k < 4; k++) {
            state = state * 6364136223846793005ull + 1442695040888963407ull;
            u[k] = (double)(state >> 11) / 9007199254740992.0;
        }
        double row[3];
        row[0] = floor(u[0] * 5);
        row[1] = i % 7 == 3 ? NAN : 30 + u[1] * 700;
        assert_int_equal(churn_dataset_level_code(ds, 2, plans[i % 3],
                                                  &row[2], NULL), CHURN_OK);
        double tenure = isnan(row[1]) ? 365 : row[1];
        double logit = -1.0 + 0.8 * row[0] - 0.004 * tenure +
                       (i % 3 == 0 ? 0.7 : 0.0);
        double y = u[3] < 1.0 / (1.0 + exp(-logit)) ? 1 : 0;
        char id[32];
        snprintf(id, sizeof id, "c%zu", repeat_ids ? i / 2 : i);
        assert_int_equal(churn_dataset_add_row(ds, id, row, y, NULL),
                         CHURN_OK);
    }
    return ds;
}

static churn_model *train(const churn_dataset *ds, double validation)
{
    churn_train_opts *o = churn_train_opts_new();
    assert_int_equal(churn_train_opts_set_validation(o, validation), CHURN_OK);
    churn_model *m = NULL;
    churn_error err;
    int rc = churn_train(ds, o, &m, &err);
    if (rc != CHURN_OK)
        fail_msg("train: %s", err.message);
    churn_train_opts_free(o);
    return m;
}

/* Raw rows of ds in the model's input order with the model's codes. */
static double *raw_rows(const churn_model *m, const churn_dataset *ds)
{
    size_t n = churn_dataset_n_rows(ds), d = churn_model_n_inputs(m);
    double *x = malloc(n * d * sizeof *x);
    for (size_t j = 0; j < d; j++) {
        size_t col = churn_dataset_column_index(ds, churn_model_input_name(m, j));
        assert_true(col != (size_t)-1);
        for (size_t i = 0; i < n; i++) {
            double v = churn_dataset_value(ds, i, col);
            if (churn_model_input_kind(m, j) == CHURN_CATEGORICAL && !isnan(v))
                v = churn_model_category_code(
                    m, j, churn_dataset_level(ds, col, (size_t)v));
            x[i * d + j] = v;
        }
    }
    return x;
}

static void test_learns_the_signal_and_probabilities_are_sane(void **state)
{
    (void)state;
    churn_dataset *ds = make_data(3000, 0);
    churn_model *m = train(ds, 0.25);
    assert_string_equal(churn_model_family(m), "logistic");
    assert_int_equal(churn_model_n_inputs(m), 3);
    /* The generating model's own AUC on such data is about 0.78; a
     * model that learned nothing scores 0.5. */
    double auc = churn_model_metric(m, "validation_auc");
    assert_true(auc > 0.70 && auc < 0.90);
    assert_true(churn_model_metric(m, "validation_rows") == 750);
    assert_true(churn_model_metric(m, "train_rows") == 3000);
    /* tickets pushes up, tenure down, basic plan up: the signs. */
    const churn__pipeline *p = m->pipe;
    for (size_t k = 0; k < m->n_outputs; k++) {
        const char *name = churn__pipeline_output_name(p, k);
        if (strcmp(name, "tickets") == 0)
            assert_true(weights(m)[k] > 0.5);
        if (strcmp(name, "tenure_days") == 0)
            assert_true(weights(m)[k] < -0.3);
        if (strcmp(name, "plan=basic") == 0)
            assert_true(weights(m)[k] > 0.1);
    }
    size_t n = churn_dataset_n_rows(ds);
    double *prob = malloc(n * sizeof *prob);
    assert_int_equal(churn_model_predict_dataset(m, ds, prob, NULL), CHURN_OK);
    for (size_t i = 0; i < n; i++)
        assert_true(prob[i] > 0 && prob[i] < 1);
    free(prob);
    churn_model_free(m);
    churn_dataset_free(ds);
}

static void test_save_load_scores_bit_identical(void **state)
{
    (void)state;
    churn_dataset *ds = make_data(500, 0);
    churn_model *m = train(ds, 0.2);
    const char *path = tu_write_text(0, "m.churn", "old contents\n");
    churn_error err;
    assert_int_equal(churn_model_save(m, path, &err), CHURN_OK);
    churn_model *back = NULL;
    assert_int_equal(churn_model_load(path, &back, &err), CHURN_OK);
    size_t n = churn_dataset_n_rows(ds);
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    double *x = raw_rows(m, ds);
    assert_int_equal(churn_model_predict(m, x, n, a, NULL), CHURN_OK);
    assert_int_equal(churn_model_predict(back, x, n, b, NULL), CHURN_OK);
    assert_memory_equal(a, b, n * sizeof *a);
    /* One row at a time gives the same bits as the whole batch, and the
     * dataset path the same as the raw path. */
    for (size_t i = 0; i < n; i += 37) {
        double one;
        assert_int_equal(churn_model_predict(back, x + i * 3, 1, &one, NULL),
                         CHURN_OK);
        assert_memory_equal(&one, &a[i], sizeof one);
    }
    assert_int_equal(churn_model_predict_dataset(back, ds, b, NULL), CHURN_OK);
    assert_memory_equal(a, b, n * sizeof *a);
    /* Saving the loaded model writes the same bytes. */
    const char *path2 = tu_write_text(1, "m2.churn", "");
    assert_int_equal(churn_model_save(back, path2, NULL), CHURN_OK);
    char *t1 = tu_read_file(path, NULL), *t2 = tu_read_file(path2, NULL);
    assert_string_equal(t1, t2);
    assert_non_null(strstr(t1, "churn-model 1\n"));
    assert_true(churn_model_metric(back, "validation_auc") ==
                churn_model_metric(m, "validation_auc"));
    free(t1);
    free(t2);
    free(a);
    free(b);
    free(x);
    churn_model_free(back);
    churn_model_free(m);
    churn_dataset_free(ds);
}

/* Rewrites the checksum line of text so that it matches again. */
static void reseal(char *text)
{
    char *line = strstr(text, "checksum ");
    assert_non_null(line);
    unsigned long crc = crc32(0L, (const unsigned char *)text,
                              (unsigned)(line - text));
    snprintf(line, 19, "checksum %08lx\n", crc);
}

static int load_text(const char *text, churn_error *err)
{
    const char *path = tu_write_text(2, "edited.churn", text);
    churn_model *m = NULL;
    int rc = churn_model_load(path, &m, err);
    assert_true(rc != CHURN_OK || m != NULL);
    churn_model_free(m);
    return rc;
}

static void test_load_says_what_is_wrong(void **state)
{
    (void)state;
    churn_dataset *ds = make_data(300, 0);
    churn_model *m = train(ds, 0);
    const char *path = tu_write_text(0, "good.churn", "");
    assert_int_equal(churn_model_save(m, path, NULL), CHURN_OK);
    churn_model_free(m);
    char *good = tu_read_file(path, NULL);
    char *t = malloc(strlen(good) + 64);
    churn_error err;

    memcpy(t, good, strlen(good) + 1);
    char *coef = strstr(t, "\ncoef tickets ");
    coef[15] = coef[15] == '1' ? '2' : '1';
    assert_int_equal(load_text(t, &err), CHURN_ECHECKSUM);
    assert_non_null(strstr(err.message, "edited or damaged"));

    memcpy(t, good, strlen(good) + 1);
    t[12] = '2';
    reseal(t);
    assert_int_equal(load_text(t, &err), CHURN_EVERSION);
    assert_non_null(strstr(err.message, "model format 2 is newer"));
    assert_int_equal(err.line, 1);

    memcpy(t, good, strlen(good) + 1);
    char *cls = strstr(t, "classifier logistic ");
    size_t line = 1;
    for (char *p = t; p < cls; p++)
        line += *p == '\n';
    cls[20] = '9';
    reseal(t);
    assert_int_equal(load_text(t, &err), CHURN_EFORMAT);
    assert_int_equal(err.line, line);
    assert_non_null(strstr(err.message, "coefficients but the pipeline"));

    memcpy(t, good, strlen(good) + 1);
    t[strlen(t) / 2] = '\0'; /* truncated */
    assert_int_equal(load_text(t, &err), CHURN_EFORMAT);
    assert_non_null(strstr(err.message, "missing checksum line"));

    assert_int_equal(load_text("hello\n", &err), CHURN_EFORMAT);
    assert_non_null(strstr(err.message, "not a churn model file"));
    assert_int_equal(churn_model_load("/nonexistent.churn", &m, &err),
                     CHURN_EIO);
    assert_null(m);
    free(t);
    free(good);
    churn_dataset_free(ds);
}

static void test_unknown_category_scores_as_all_zero_indicators(void **state)
{
    (void)state;
    churn_dataset *ds = make_data(400, 0);
    churn_model *m = train(ds, 0);
    size_t plan = 2;
    assert_int_equal(churn_model_input_kind(m, plan), CHURN_CATEGORICAL);
    assert_true(churn_model_category_code(m, plan, "enterprise") == -1);
    assert_true(churn_model_category_code(m, plan, "plus") >= 0);
    double x_unknown[3] = {2, 100, -1}, x_missing[3] = {2, 100, NAN};
    double p1, p2;
    assert_int_equal(churn_model_predict(m, x_unknown, 1, &p1, NULL), CHURN_OK);
    assert_int_equal(churn_model_predict(m, x_missing, 1, &p2, NULL), CHURN_OK);
    assert_true(p1 == p2);
    /* By hand: the logit of an all-zero one-hot is the intercept plus the
     * numeric terms plus, per plan output, w * (0 - center) / scale. */
    double z[16], logit = intercept(m);
    double raw[3] = {2, 100, -1};
    churn__pipeline_transform(m->pipe, raw, z);
    for (size_t k = 0; k < m->n_outputs; k++) {
        double center, scale;
        churn__pipeline_output_scaling(m->pipe, k, &center, &scale);
        if (churn__pipeline_output_input(m->pipe, k) == plan)
            assert_true(fabs(z[k] - (0 - center) / scale) < 1e-15);
        logit += weights(m)[k] * z[k];
    }
    assert_true(fabs(p1 - 1 / (1 + exp(-logit))) < 1e-15);
    churn_model_free(m);
    churn_dataset_free(ds);
}

static void test_scoring_ranks_tiers_and_reasons(void **state)
{
    (void)state;
    churn_dataset *ds = make_data(600, 0);
    churn_model *m = train(ds, 0);
    churn_score_opts *o = churn_score_opts_new();
    assert_int_equal(churn_score_opts_set_tiers(o, 0.6, 0.3), CHURN_OK);
    assert_int_equal(churn_score_opts_set_tiers(o, 0.2, 0.3), CHURN_EINVAL);
    churn_scores *s = NULL;
    assert_int_equal(churn_score_dataset(m, ds, o, &s, NULL), CHURN_OK);
    size_t n = churn_scores_n(s);
    assert_int_equal(n, 600);
    double *prob = malloc(n * sizeof *prob);
    assert_int_equal(churn_model_predict_dataset(m, ds, prob, NULL), CHURN_OK);
    for (size_t r = 0; r < n; r++) {
        double p = churn_scores_probability(s, r);
        size_t row = churn_scores_row(s, r);
        assert_memory_equal(&p, &prob[row], sizeof p);
        assert_string_equal(churn_scores_id(s, r), churn_dataset_id(ds, row));
        if (r > 0)
            assert_true(p <= churn_scores_probability(s, r - 1));
        assert_string_equal(churn_scores_tier(s, r),
                            p >= 0.6 ? "high" : p >= 0.3 ? "medium" : "low");
    }
    /* The reasons of the top customer, recomputed: per input, the sum of
     * coefficient times standardized value; the largest first. */
    size_t row = churn_scores_row(s, 0);
    double raw[3], z[16], contrib[3] = {0, 0, 0};
    double *x = raw_rows(m, ds);
    memcpy(raw, x + row * 3, sizeof raw);
    churn__pipeline_transform(m->pipe, raw, z);
    for (size_t k = 0; k < m->n_outputs; k++)
        contrib[churn__pipeline_output_input(m->pipe, k)] +=
            weights(m)[k] * z[k];
    size_t top = 0;
    for (size_t j = 1; j < 3; j++)
        if (contrib[j] > contrib[top])
            top = j;
    char want[128];
    snprintf(want, sizeof want, "%s=", churn_model_input_name(m, top));
    const char *reasons = churn_scores_reasons(s, 0);
    assert_true(strncmp(reasons, want, strlen(want)) == 0);
    assert_non_null(strstr(reasons, "; "));
    const char *out = tu_write_text(3, "ranked.csv", "");
    assert_int_equal(churn_scores_write_csv(s, out, 5, NULL), CHURN_OK);
    char *text = tu_read_file(out, NULL);
    size_t lines = 0;
    for (char *p = text; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 6);
    assert_true(strncmp(text, "customer_id,probability,rank,tier,reasons\n",
                        42) == 0);
    free(text);
    free(x);
    free(prob);
    churn_scores_free(s);
    churn_score_opts_free(o);
    churn_model_free(m);
    churn_dataset_free(ds);
}

/* With an unregularized intercept the optimum has sum(p - y) = 0 over the
 * training rows: the mean probability is the churn rate. With balanced
 * class weights each class's weighted residuals cancel instead, so the
 * positives' mean probability rises and the sum no longer matches. */
static void test_intercept_calibrates_mean_and_balanced_weights(void **state)
{
    (void)state;
    churn_dataset *ds = make_data(2000, 0);
    size_t n = churn_dataset_n_rows(ds);
    double *plain = malloc(n * sizeof *plain), *bal = malloc(n * sizeof *bal);
    churn_model *m = train(ds, 0);
    assert_int_equal(churn_model_predict_dataset(m, ds, plain, NULL), 0);
    churn_model_free(m);
    churn_train_opts *o = churn_train_opts_new();
    churn_train_opts_set_validation(o, 0);
    assert_int_equal(churn_train_opts_set_class_weight(o, "balanced"), 0);
    assert_int_equal(churn_train_opts_set_class_weight(o, "heavy"),
                     CHURN_EINVAL);
    assert_int_equal(churn_train(ds, o, &m, NULL), CHURN_OK);
    assert_int_equal(churn_model_predict_dataset(m, ds, bal, NULL), 0);
    double sum_p = 0, sum_y = 0, pos = 0, w_res = 0;
    for (size_t i = 0; i < n; i++) {
        double y = churn_dataset_label(ds, i);
        sum_p += plain[i];
        sum_y += y;
        pos += y;
    }
    for (size_t i = 0; i < n; i++) {
        double y = churn_dataset_label(ds, i);
        double w = (double)n / (2.0 * (y > 0 ? pos : (double)n - pos));
        w_res += w * (bal[i] - y);
    }
    assert_near(sum_p / (double)n, sum_y / (double)n, 1e-9);
    assert_near(w_res / (double)n, 0, 1e-9);
    double mean_bal = 0;
    for (size_t i = 0; i < n; i++)
        mean_bal += bal[i] / (double)n;
    assert_true(sum_y / (double)n < 0.45 && mean_bal > sum_y / (double)n + 0.05);
    free(plain);
    free(bal);
    churn_model_free(m);
    churn_train_opts_free(o);
    churn_dataset_free(ds);
}

/* The early-warning list: a customer whose tier rose since the previous
 * run is flagged; one whose tier stayed or fell is not; one who is new has
 * no previous values. */
static void test_compare_with_previous_run(void **state)
{
    (void)state;
    churn_dataset *ds = make_data(300, 0);
    churn_model *m = train(ds, 0);
    churn_score_opts *o = churn_score_opts_new();
    churn_scores *s = NULL;
    assert_int_equal(churn_score_dataset(m, ds, o, &s, NULL), CHURN_OK);
    /* Rank 0 is the riskiest; the last rank the safest. */
    size_t last = churn_scores_n(s) - 1;
    assert_string_equal(churn_scores_tier(s, last), "low");
    char prev[1024];
    snprintf(prev, sizeof prev,
             "customer_id,probability,rank,tier,reasons\n"
             "%s,0.05,9,low,x=1 (+0.1)\n"
             "%s,0.9,1,high,\n",
             churn_scores_id(s, 0), churn_scores_id(s, last));
    const char *path = tu_write_text(4, "previous.csv", prev);
    assert_int_equal(churn_scores_compare(s, path, NULL), CHURN_OK);
    int top_up = strcmp(churn_scores_tier(s, 0), "low") != 0;
    assert_int_equal(churn_scores_escalated(s, 0), top_up);
    assert_true(churn_scores_previous_probability(s, 0) == 0.05);
    assert_string_equal(churn_scores_previous_tier(s, 0), "low");
    assert_int_equal(churn_scores_escalated(s, last), 0); /* high -> low */
    assert_string_equal(churn_scores_previous_tier(s, last), "high");
    assert_true(isnan(churn_scores_previous_probability(s, 1)));
    assert_null(churn_scores_previous_tier(s, 1));
    assert_int_equal(churn_scores_n_escalated(s), (size_t)top_up);
    /* Only the escalated ones are written when asked. */
    churn_scores_only_escalated(s, 1);
    const char *out = tu_write_text(5, "warn.csv", "");
    assert_int_equal(churn_scores_write_csv(s, out, 0, NULL), CHURN_OK);
    char *text = tu_read_file(out, NULL);
    assert_non_null(strstr(text, ",previous_probability,change,"
                                 "previous_tier,escalated\n"));
    size_t lines = 0;
    for (char *p = text; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 1 + (size_t)top_up);
    free(text);
    churn_error err;
    path = tu_write_text(4, "previous.csv", "customer_id,score\na,1\n");
    assert_int_equal(churn_scores_compare(s, path, &err), CHURN_EFORMAT);
    assert_non_null(strstr(err.message, "no numeric 'probability' column"));
    churn_scores_free(s);
    churn_score_opts_free(o);
    churn_model_free(m);
    churn_dataset_free(ds);
}

static void test_training_errors_and_grouped_split(void **state)
{
    (void)state;
    churn_dataset *ds = churn_dataset_new(1);
    churn_dataset_set_column(ds, 0, "x", CHURN_NUMERIC, NULL);
    double v = 1;
    churn_dataset_add_row(ds, "a", &v, NAN, NULL);
    churn_model *m = NULL;
    churn_train_opts *o = churn_train_opts_new();
    churn_error err;
    assert_int_equal(churn_train(ds, o, &m, &err), CHURN_EINVAL);
    assert_non_null(strstr(err.message, "no label column"));
    churn_dataset_set_label_name(ds, "churned", NULL);
    churn_dataset_add_row(ds, "b", &v, 1, NULL);
    assert_int_equal(churn_train(ds, o, &m, &err), CHURN_EEMPTY);
    assert_non_null(strstr(err.message, "single class"));
    assert_null(m);
    assert_int_equal(churn_train_opts_set_c(o, 0), CHURN_EINVAL);
    assert_int_equal(churn_train_opts_set_model(o, "forest"), CHURN_EINVAL);
    churn_dataset_free(ds);
    churn_train_opts_free(o);

    /* Two rows per customer: the held-out count is even, since customers,
     * not rows, are held out. */
    ds = make_data(1000, 1);
    m = train(ds, 0.3);
    double held = churn_model_metric(m, "validation_rows");
    assert_true(fmod(held, 2) == 0 && held >= 280 && held <= 320);
    churn_model_free(m);
    churn_dataset_free(ds);
}

/* NULL options are the defaults, as in the other calls: the same ranking,
 * tiers (0.5, 0.2) and reasons (three) as churn_score_opts_new's. */
static void test_scoring_null_options_are_the_defaults(void **state)
{
    (void)state;
    churn_dataset *ds = make_data(300, 0);
    churn_model *m = train(ds, 0);
    churn_score_opts *o = churn_score_opts_new();
    churn_scores *a = NULL, *b = NULL;
    assert_int_equal(churn_score_dataset(m, ds, NULL, &a, NULL), CHURN_OK);
    assert_int_equal(churn_score_dataset(m, ds, o, &b, NULL), CHURN_OK);
    assert_int_equal(churn_scores_n(a), churn_scores_n(b));
    for (size_t r = 0; r < churn_scores_n(a); r++) {
        double p = churn_scores_probability(a, r);
        assert_int_equal(churn_scores_row(a, r), churn_scores_row(b, r));
        assert_string_equal(churn_scores_tier(a, r),
                            p >= 0.5 ? "high" : p >= 0.2 ? "medium" : "low");
        assert_string_equal(churn_scores_reasons(a, r),
                            churn_scores_reasons(b, r));
    }
    churn_scores_free(a);
    churn_scores_free(b);
    churn_score_opts_free(o);
    churn_model_free(m);
    churn_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_learns_the_signal_and_probabilities_are_sane),
        cmocka_unit_test(test_save_load_scores_bit_identical),
        cmocka_unit_test(test_load_says_what_is_wrong),
        cmocka_unit_test(test_unknown_category_scores_as_all_zero_indicators),
        cmocka_unit_test(test_scoring_ranks_tiers_and_reasons),
        cmocka_unit_test(test_scoring_null_options_are_the_defaults),
        cmocka_unit_test(test_intercept_calibrates_mean_and_balanced_weights),
        cmocka_unit_test(test_compare_with_previous_run),
        cmocka_unit_test(test_training_errors_and_grouped_split),
    };
    return cmocka_run_group_tests_name("model", tests, NULL, NULL);
}
