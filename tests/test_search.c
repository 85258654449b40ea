/* test_search.c - the model search (--model auto, --search): the
 * leaderboard lists every candidate, the kept model is the best mean
 * cross-validated metric, the time budget ends the search and keeps the
 * best so far, a seed repeats it, large data is searched on a sample, and
 * the leaderboard survives the model file and reaches the reports. */
#include "testutil.h"

#include "churn.h"

#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* n customers: churn likelier with many tickets and a short tenure, and
 * on a ring of two inputs that no linear model can follow; a plan
 * (category) and some missing tenures. */
static churn_dataset *data(size_t n, uint64_t seed)
{
    churn_dataset *ds = churn_dataset_new(4);
    assert_non_null(ds);
    const char *cols[] = {"tickets", "tenure", "u", "plan"};
    for (size_t j = 0; j < 4; j++)
        assert_int_equal(churn_dataset_set_column(
                             ds, j, cols[j],
                             j == 3 ? CHURN_CATEGORICAL : CHURN_NUMERIC,
                             NULL), CHURN_OK);
    assert_int_equal(churn_dataset_set_label_name(ds, "churn", NULL),
                     CHURN_OK);
    double basic, pro;
    assert_int_equal(churn_dataset_level_code(ds, 3, "basic", &basic, NULL),
                     CHURN_OK);
    assert_int_equal(churn_dataset_level_code(ds, 3, "pro", &pro, NULL),
                     CHURN_OK);
    uint64_t s = seed;
    for (size_t i = 0; i < n; i++) {
        double u[5];
        for (int k = 0; k < 5; k++) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            u[k] = (double)(s >> 11) / 9007199254740992.0;
        }
        double row[4] = {floor(u[0] * 5), 1 + u[1] * 10, u[2] * 2 - 1,
                         u[3] < 0.5 ? basic : pro};
        double logit = -2 + 0.5 * row[0] - 0.1 * row[1] +
                       (fabs(row[2]) > 0.6 ? 1.5 : -0.5);
        if (i % 10 == 3)
            row[1] = NAN;
        double y = u[4] < 1 / (1 + exp(-logit));
        assert_int_equal(churn_dataset_add_row(ds, NULL, row, y, NULL),
                         CHURN_OK);
    }
    return ds;
}

static churn_train_opts *opts(const char *model)
{
    churn_train_opts *o = churn_train_opts_new();
    assert_non_null(o);
    assert_int_equal(churn_train_opts_set_model(o, model), CHURN_OK);
    assert_int_equal(churn_train_opts_set_validation(o, 0), CHURN_OK);
    return o;
}

static churn_model *train(const churn_dataset *ds, const churn_train_opts *o)
{
    churn_model *m = NULL;
    churn_error err;
    if (churn_train(ds, o, &m, &err) != CHURN_OK)
        fail_msg("train: %s", err.message);
    return m;
}

/* The candidate with the highest metric (the first of equal ones). */
static size_t best_of(const churn_model *m)
{
    size_t best = 0;
    double top = NAN;
    for (size_t i = 0; i < churn_model_n_candidates(m); i++) {
        double v;
        assert_int_equal(churn_model_candidate(m, i, NULL, NULL, NULL, &v,
                                               NULL, NULL), CHURN_OK);
        if (!isnan(v) && (isnan(top) || v > top)) {
            top = v;
            best = i;
        }
    }
    return best;
}

/* "auto" lists every candidate: 4 logistic C values, 4 x 5 rbf points
 * with both class weights, 3 x 3 gbdt points, in that order, each with
 * a mean and sd over the folds and its time; the kept one has the best
 * mean, and the model is its family with cv_metric its mean. */
static void test_leaderboard_has_every_candidate(void **state)
{
    (void)state;
    churn_dataset *ds = data(300, 7);
    churn_train_opts *o = opts("auto");
    churn_model *m = train(ds, o);
    size_t n = churn_model_n_candidates(m);
    assert_int_equal(n, 4 + 40 + 9);
    assert_string_equal(churn_model_search_metric(m), "auc");
    assert_int_equal(churn_model_search_rows(m), 300);
    size_t count[3] = {0, 0, 0}, balanced = 0;
    for (size_t i = 0; i < n; i++) {
        const char *family, *params, *weight;
        double v, sd, sec;
        assert_int_equal(churn_model_candidate(m, i, &family, &params,
                                               &weight, &v, &sd, &sec),
                         CHURN_OK);
        size_t k = strcmp(family, "logistic") == 0 ? 0
                   : strcmp(family, "svm") == 0    ? 1
                                                   : 2;
        assert_true(k < 2 || strcmp(family, "gbdt") == 0);
        /* Families in the registry's order. */
        assert_true(i < 4 ? k == 0 : i < 44 ? k == 1 : k == 2);
        count[k]++;
        balanced += strcmp(weight, "balanced") == 0;
        assert_true(v > 0.4 && v <= 1);
        assert_true(sd >= 0 && sd < 0.3);
        assert_true(sec >= 0);
        assert_true(k != 0 || strncmp(params, "C ", 2) == 0);
        assert_true(k != 1 || strstr(params, "gamma ") != NULL);
        assert_true(k != 2 || strstr(params, "depth ") != NULL);
    }
    assert_int_equal(count[0], 4);
    assert_int_equal(count[1], 40);
    assert_int_equal(count[2], 9);
    assert_int_equal(balanced, 20);
    size_t chosen = churn_model_search_chosen(m);
    assert_int_equal(chosen, best_of(m));
    const char *family;
    double v;
    churn_model_candidate(m, chosen, &family, NULL, NULL, &v, NULL, NULL);
    assert_string_equal(churn_model_family(m), family);
    assert_true(churn_model_metric(m, "cv_metric") == v);
    assert_int_equal(churn_model_candidate(m, n, NULL, NULL, NULL, NULL,
                                           NULL, NULL), CHURN_EINVAL);
    churn_model_free(m);
    churn_train_opts_free(o);
    churn_dataset_free(ds);
}

/* By log loss the kept candidate has the smallest mean; a model fitted
 * without a search has no leaderboard. */
static void test_logloss_keeps_the_smallest(void **state)
{
    (void)state;
    churn_dataset *ds = data(300, 8);
    churn_train_opts *o = opts("logistic");
    churn_model *plain = train(ds, o);
    assert_int_equal(churn_model_n_candidates(plain), 0);
    assert_null(churn_model_search_metric(plain));
    assert_int_equal(churn_train_opts_set_search(o, 1), CHURN_OK);
    assert_int_equal(churn_train_opts_set_metric(o, "logloss"), CHURN_OK);
    churn_model *m = train(ds, o);
    assert_int_equal(churn_model_n_candidates(m), 4);
    assert_string_equal(churn_model_search_metric(m), "logloss");
    size_t low = 0;
    double v[4];
    for (size_t i = 0; i < 4; i++) {
        churn_model_candidate(m, i, NULL, NULL, NULL, &v[i], NULL, NULL);
        assert_true(v[i] > 0 && v[i] < 1);
        if (v[i] < v[low])
            low = i;
    }
    assert_int_equal(churn_model_search_chosen(m), low);
    const double c[] = {0.01, 0.1, 1, 10};
    assert_true(churn_model_metric(m, "c") == c[low]);
    churn_model_free(plain);
    churn_model_free(m);
    churn_train_opts_free(o);
    churn_dataset_free(ds);
}

/* A budget that runs out at once: the first candidate is still measured
 * and kept (logistic, C 0.01), every other one is listed as skipped. */
static void test_budget_stops_and_keeps_the_best_so_far(void **state)
{
    (void)state;
    churn_dataset *ds = data(300, 9);
    churn_train_opts *o = opts("auto");
    assert_int_equal(churn_train_opts_set_time_budget(o, -1), CHURN_EINVAL);
    assert_int_equal(churn_train_opts_set_time_budget(o, 1e-9), CHURN_OK);
    churn_model *m = train(ds, o);
    size_t n = churn_model_n_candidates(m);
    assert_int_equal(n, 53);
    double v;
    churn_model_candidate(m, 0, NULL, NULL, NULL, &v, NULL, NULL);
    assert_false(isnan(v));
    for (size_t i = 1; i < n; i++) {
        double sd, sec;
        churn_model_candidate(m, i, NULL, NULL, NULL, &v, &sd, &sec);
        assert_true(isnan(v) && isnan(sd) && isnan(sec));
    }
    assert_int_equal(churn_model_search_chosen(m), 0);
    assert_string_equal(churn_model_family(m), "logistic");
    assert_true(churn_model_metric(m, "c") == 0.01);
    churn_model_free(m);
    churn_train_opts_free(o);
    churn_dataset_free(ds);
}

/* The same seed gives the same leaderboard (but the times); another seed
 * deals other folds. */
static void test_seed_repeats_the_search(void **state)
{
    (void)state;
    churn_dataset *ds = data(300, 10);
    churn_model *m[3];
    for (int k = 0; k < 3; k++) {
        churn_train_opts *o = opts("svm");
        assert_int_equal(churn_train_opts_set_search(o, 1), CHURN_OK);
        assert_int_equal(churn_train_opts_set_seed(o, k < 2 ? 5 : 6),
                         CHURN_OK);
        m[k] = train(ds, o);
        churn_train_opts_free(o);
    }
    size_t n = churn_model_n_candidates(m[0]), differ = 0;
    assert_int_equal(n, 40);
    for (size_t i = 0; i < n; i++) {
        const char *p0, *p1;
        double v[3], sd[2];
        churn_model_candidate(m[0], i, NULL, &p0, NULL, &v[0], &sd[0], NULL);
        churn_model_candidate(m[1], i, NULL, &p1, NULL, &v[1], &sd[1], NULL);
        churn_model_candidate(m[2], i, NULL, NULL, NULL, &v[2], NULL, NULL);
        assert_string_equal(p0, p1);
        assert_true(v[0] == v[1] && sd[0] == sd[1]);
        differ += v[2] != v[0];
    }
    assert_true(differ > n / 2);
    assert_int_equal(churn_model_search_chosen(m[0]),
                     churn_model_search_chosen(m[1]));
    for (int k = 0; k < 3; k++)
        churn_model_free(m[k]);
    churn_dataset_free(ds);
}

/* Above the search's row count the search runs on a stratified sample of
 * that many rows; the winner is refitted on all of them. */
static void test_search_on_a_sample(void **state)
{
    (void)state;
    churn_dataset *ds = data(400, 11);
    churn_train_opts *o = opts("logistic");
    assert_int_equal(churn_train_opts_set_search(o, 1), CHURN_OK);
    assert_int_equal(churn_train_opts_set_search_rows(o, 100), CHURN_OK);
    churn_model *m = train(ds, o);
    size_t rows = churn_model_search_rows(m);
    assert_true(rows >= 98 && rows <= 102);
    assert_true(churn_model_metric(m, "train_rows") == 400);
    churn_model_free(m);
    assert_int_equal(churn_train_opts_set_search_rows(o, 0), CHURN_OK);
    m = train(ds, o);
    assert_int_equal(churn_model_search_rows(m), 400);
    churn_model_free(m);
    churn_train_opts_free(o);
    churn_dataset_free(ds);
}

/* The leaderboard is saved with the model and read back the same (the
 * loaded model saves the same bytes); the JSON report of an evaluation
 * with the model lists it, the HTML report shows it. */
static void test_leaderboard_in_file_and_reports(void **state)
{
    (void)state;
    churn_dataset *ds = data(300, 12);
    churn_train_opts *o = opts("logistic");
    assert_int_equal(churn_train_opts_set_search(o, 1), CHURN_OK);
    assert_int_equal(churn_train_opts_set_time_budget(o, 1e-9), CHURN_OK);
    churn_model *m = train(ds, o);
    char path[512], again[512], json[512], html[512];
    snprintf(path, sizeof path, "%s/s.churn", tu_tmpdir());
    snprintf(again, sizeof again, "%s/s2.churn", tu_tmpdir());
    snprintf(json, sizeof json, "%s/s.json", tu_tmpdir());
    snprintf(html, sizeof html, "%s/s.html", tu_tmpdir());
    churn_error err;
    assert_int_equal(churn_model_save(m, path, &err), CHURN_OK);
    churn_model *l = NULL;
    if (churn_model_load(path, &l, &err) != CHURN_OK)
        fail_msg("load: %s", err.message);
    assert_int_equal(churn_model_n_candidates(l), 4);
    assert_int_equal(churn_model_search_rows(l), 300);
    for (size_t i = 0; i < 4; i++) {
        const char *f0, *f1, *p0, *p1, *w0, *w1;
        double v0, v1, s0, s1, t0, t1;
        churn_model_candidate(m, i, &f0, &p0, &w0, &v0, &s0, &t0);
        churn_model_candidate(l, i, &f1, &p1, &w1, &v1, &s1, &t1);
        assert_string_equal(f0, f1);
        assert_string_equal(p0, p1);
        assert_string_equal(w0, w1);
        assert_true((v0 == v1 || (isnan(v0) && isnan(v1))) &&
                    (s0 == s1 || (isnan(s0) && isnan(s1))) &&
                    (t0 == t1 || (isnan(t0) && isnan(t1))));
    }
    assert_int_equal(churn_model_save(l, again, &err), CHURN_OK);
    char *a = tu_read_file(path, NULL), *b = tu_read_file(again, NULL);
    assert_string_equal(a, b);
    assert_non_null(strstr(a, "\nsearch auc 300 0 4\ncandidate logistic "
                              "C%200.01 none "));
    free(a);
    free(b);

    churn_eval *e = NULL;
    assert_int_equal(churn_model_validation_eval(m, NULL, &e, &err),
                     CHURN_EEMPTY);
    double *prob = malloc(300 * sizeof *prob), *y = malloc(300 * sizeof *y);
    assert_int_equal(churn_model_predict_dataset(l, ds, prob, &err),
                     CHURN_OK);
    for (size_t i = 0; i < 300; i++)
        y[i] = churn_dataset_label(ds, i);
    assert_int_equal(churn_eval_compute(prob, y, 300, NULL, &e, &err),
                     CHURN_OK);
    assert_int_equal(churn_eval_set_model(e, l), CHURN_OK);
    assert_int_equal(churn_eval_write_json(e, json, &err), CHURN_OK);
    assert_int_equal(churn_eval_write_html(e, "t", html, &err), CHURN_OK);
    json_error_t jerr;
    json_t *root = json_load_file(json, 0, &jerr);
    assert_non_null(root);
    json_t *board = json_object_get(root, "leaderboard");
    assert_non_null(board);
    assert_string_equal(json_string_value(json_object_get(board, "metric")),
                        "auc");
    assert_int_equal(json_integer_value(json_object_get(board, "rows")), 300);
    json_t *cands = json_object_get(board, "candidates");
    assert_int_equal(json_array_size(cands), 4);
    json_t *first = json_array_get(cands, 0);
    assert_string_equal(json_string_value(json_object_get(first, "params")),
                        "C 0.01");
    assert_true(json_is_true(json_object_get(first, "chosen")));
    assert_true(json_is_real(json_object_get(first, "metric")));
    assert_true(json_is_null(json_object_get(json_array_get(cands, 1),
                                             "metric")));
    json_decref(root);
    char *page = tu_read_file(html, NULL);
    assert_non_null(strstr(page, "<h2>Model search</h2>"));
    assert_non_null(strstr(page, "3 skipped by the time budget"));
    free(page);
    churn_eval_free(e);
    free(prob);
    free(y);
    churn_model_free(l);
    churn_model_free(m);
    churn_train_opts_free(o);
    churn_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_leaderboard_has_every_candidate),
        cmocka_unit_test(test_logloss_keeps_the_smallest),
        cmocka_unit_test(test_budget_stops_and_keeps_the_best_so_far),
        cmocka_unit_test(test_seed_repeats_the_search),
        cmocka_unit_test(test_search_on_a_sample),
        cmocka_unit_test(test_leaderboard_in_file_and_reports),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
