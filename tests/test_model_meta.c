/* test_model_meta.c - what a model remembers of its training besides the
 * fit: its label (name and positive value) and the class weight it used,
 * with the default rule "auto" and the search over weights. */
#include "testutil.h"

#include "churn.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* n customers, about 10 % churned (a rare class, as churn is), labelled
 * in a column called "churn"; churn is likelier with more tickets and a
 * shorter tenure. Deterministic (an LCG). */
static churn_dataset *rare_churn(size_t n)
{
    churn_dataset *ds = churn_dataset_new(2);
    assert_non_null(ds);
    assert_int_equal(churn_dataset_set_column(ds, 0, "tickets", CHURN_NUMERIC,
                                              NULL), CHURN_OK);
    assert_int_equal(churn_dataset_set_column(ds, 1, "tenure", CHURN_NUMERIC,
                                              NULL), CHURN_OK);
    assert_int_equal(churn_dataset_set_label_name(ds, "churn", NULL),
                     CHURN_OK);
    uint64_t s = 777;
    for (size_t i = 0; i < n; i++) {
        double u[3];
        for (int k = 0; k < 3; k++) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            u[k] = (double)(s >> 11) / 9007199254740992.0;
        }
        double row[2] = {floor(u[0] * 5), 1 + u[1] * 10};
        double logit = -3.2 + 0.7 * row[0] - 0.15 * row[1];
        double y = u[2] < 1 / (1 + exp(-logit));
        assert_int_equal(churn_dataset_add_row(ds, NULL, row, y, NULL),
                         CHURN_OK);
    }
    return ds;
}

/* Trains on ds with family, kernel, calibration and class weight (NULL:
 * the option's default) and no validation. */
static churn_model *train(const churn_dataset *ds, const char *family,
                          const char *kernel, const char *calibration,
                          const char *weight)
{
    churn_train_opts *o = churn_train_opts_new();
    assert_int_equal(churn_train_opts_set_validation(o, 0), CHURN_OK);
    assert_int_equal(churn_train_opts_set_model(o, family), CHURN_OK);
    if (kernel)
        assert_int_equal(churn_train_opts_set_kernel(o, kernel), CHURN_OK);
    if (calibration)
        assert_int_equal(churn_train_opts_set_calibration(o, calibration),
                         CHURN_OK);
    if (weight)
        assert_int_equal(churn_train_opts_set_class_weight(o, weight),
                         CHURN_OK);
    churn_model *m = NULL;
    churn_error err;
    if (churn_train(ds, o, &m, &err) != CHURN_OK)
        fail_msg("train: %s", err.message);
    churn_train_opts_free(o);
    return m;
}

/* The class weight "auto" (the default) is balanced exactly when a
 * calibration follows the fit: svm with its default Platt scaling, or
 * logistic with --calibration platt; none for logistic, rbf-approx and
 * an svm left uncalibrated. The model says which weight it used, and an
 * auto-balanced SVM is the very model that "balanced" fits. */
static void test_auto_class_weight_rule(void **state)
{
    (void)state;
    churn_dataset *ds = rare_churn(400);
    churn_train_opts *o = churn_train_opts_new();
    assert_int_equal(churn_train_opts_set_class_weight(o, "auto"), CHURN_OK);
    assert_int_equal(churn_train_opts_set_class_weight(o, "heavy"),
                     CHURN_EINVAL);
    churn_train_opts_free(o);
    static const struct {
        const char *family, *kernel, *calibration, *weight, *used;
    } cases[] = {
        {"svm", "linear", NULL, NULL, "balanced"},
        {"svm", "rbf", NULL, "auto", "balanced"},
        {"svm", "linear", "isotonic", NULL, "balanced"},
        {"svm", "linear", "none", NULL, "none"},
        {"svm", "rbf-approx", NULL, NULL, "none"},
        {"svm", "linear", NULL, "none", "none"},
        {"logistic", NULL, NULL, NULL, "none"},
        {"logistic", NULL, "platt", NULL, "balanced"},
        {"logistic", NULL, NULL, "balanced", "balanced"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        churn_model *m = train(ds, cases[k].family, cases[k].kernel,
                               cases[k].calibration, cases[k].weight);
        if (strcmp(churn_model_class_weight(m), cases[k].used) != 0)
            fail_msg("case %zu: class weight %s, expected %s", k,
                     churn_model_class_weight(m), cases[k].used);
        churn_model_free(m);
    }
    size_t n = churn_dataset_n_rows(ds);
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    churn_model *dflt = train(ds, "svm", "linear", NULL, NULL);
    churn_model *bal = train(ds, "svm", "linear", NULL, "balanced");
    assert_int_equal(churn_model_predict_dataset(dflt, ds, a, NULL), 0);
    assert_int_equal(churn_model_predict_dataset(bal, ds, b, NULL), 0);
    assert_memory_equal(a, b, n * sizeof *a);
    free(a);
    free(b);
    churn_model_free(dflt);
    churn_model_free(bal);
    churn_dataset_free(ds);
}

typedef struct weight_log {
    size_t points, balanced;
    double best;
    char best_weight[16], best_family[16];
} weight_log;

static void log_point(void *user, const char *family, const char *kernel,
                      const char *class_weight, double c, double gamma,
                      double metric)
{
    (void)kernel;
    (void)gamma;
    weight_log *g = user;
    assert_true(c > 0);
    assert_true(strcmp(class_weight, "none") == 0 ||
                strcmp(class_weight, "balanced") == 0);
    g->points++;
    g->balanced += strcmp(class_weight, "balanced") == 0;
    /* The search keeps the first of equal points. */
    if (g->points == 1 || metric > g->best) {
        g->best = metric;
        snprintf(g->best_weight, sizeof g->best_weight, "%s", class_weight);
        snprintf(g->best_family, sizeof g->best_family, "%s", family);
    }
}

/* Under "auto" the search of the model "auto" tries both weights for the
 * (Platt-calibrated) svm grid, none only for logistic and gbdt: 4 +
 * 4 x 5 x 2 + 3 x 3 points; the model keeps the weight of the best
 * point. A weight given explicitly is the only one tried. */
static void test_search_tries_both_weights(void **state)
{
    (void)state;
    churn_dataset *ds = rare_churn(300);
    for (int explicit_none = 0; explicit_none < 2; explicit_none++) {
        churn_train_opts *o = churn_train_opts_new();
        weight_log g = {0, 0, NAN, "", ""};
        assert_int_equal(churn_train_opts_set_model(o, "auto"), CHURN_OK);
        assert_int_equal(churn_train_opts_set_validation(o, 0), CHURN_OK);
        if (explicit_none)
            assert_int_equal(churn_train_opts_set_class_weight(o, "none"),
                             CHURN_OK);
        assert_int_equal(churn_train_opts_set_search_weight_report(
                             o, log_point, &g), CHURN_OK);
        churn_model *m = NULL;
        churn_error err;
        if (churn_train(ds, o, &m, &err) != CHURN_OK)
            fail_msg("train: %s", err.message);
        assert_int_equal(g.points, explicit_none ? 33 : 53);
        assert_int_equal(g.balanced, explicit_none ? 0 : 20);
        assert_string_equal(churn_model_family(m), g.best_family);
        assert_string_equal(churn_model_class_weight(m), g.best_weight);
        assert_true(churn_model_metric(m, "cv_metric") == g.best);
        churn_model_free(m);
        churn_train_opts_free(o);
    }
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

/* Removes the line that starts with prefix (it must be there). */
static void cut_line(char *text, const char *prefix)
{
    char *at = strstr(text, prefix);
    assert_non_null(at);
    char *next = strchr(at, '\n') + 1;
    memmove(at, next, strlen(next) + 1);
}

/* The model keeps the label name of its training data and the positive
 * value it was read with, through a save and a load; the file says them
 * in two lines of its metadata, and saving the loaded model writes the
 * same bytes. */
static void test_label_round_trip(void **state)
{
    (void)state;
    churn_dataset *ds = rare_churn(300);
    churn_train_opts *o = churn_train_opts_new();
    assert_int_equal(churn_train_opts_set_label_positive(o, ""),
                     CHURN_EINVAL);
    assert_int_equal(churn_train_opts_set_label_positive(o, "Yes please"),
                     CHURN_OK);
    assert_int_equal(churn_train_opts_set_validation(o, 0), CHURN_OK);
    churn_model *m = NULL;
    assert_int_equal(churn_train(ds, o, &m, NULL), CHURN_OK);
    churn_train_opts_free(o);
    assert_string_equal(churn_model_label_name(m), "churn");
    assert_string_equal(churn_model_label_positive(m), "Yes please");
    const char *path = tu_write_text(0, "m.churn", "");
    assert_int_equal(churn_model_save(m, path, NULL), CHURN_OK);
    char *text = tu_read_file(path, NULL);
    assert_non_null(strstr(text, "\nclass_weight none\nlabel churn\n"
                                 "label_positive Yes%20please\npipeline "));
    churn_model *back = NULL;
    churn_error err;
    if (churn_model_load(path, &back, &err) != CHURN_OK)
        fail_msg("load: %s", err.message);
    assert_string_equal(churn_model_label_name(back), "churn");
    assert_string_equal(churn_model_label_positive(back), "Yes please");
    const char *path2 = tu_write_text(1, "m2.churn", "");
    assert_int_equal(churn_model_save(back, path2, NULL), CHURN_OK);
    char *text2 = tu_read_file(path2, NULL);
    assert_string_equal(text, text2);
    churn_model_free(back);

    /* Without a positive value only the label line is written. */
    o = churn_train_opts_new();
    assert_int_equal(churn_train_opts_set_validation(o, 0), CHURN_OK);
    churn_model *plain = NULL;
    assert_int_equal(churn_train(ds, o, &plain, NULL), CHURN_OK);
    churn_train_opts_free(o);
    assert_string_equal(churn_model_label_name(plain), "churn");
    assert_null(churn_model_label_positive(plain));
    assert_int_equal(churn_model_save(plain, path2, NULL), CHURN_OK);
    free(text2);
    text2 = tu_read_file(path2, NULL);
    assert_non_null(strstr(text2, "\nlabel churn\npipeline "));
    assert_null(strstr(text2, "label_positive"));
    free(text2);
    free(text);
    churn_model_free(plain);
    churn_model_free(m);
    churn_dataset_free(ds);
}

/* A model file written before the label lines existed still loads: no
 * label (NULL), the same scores, and it saves back to the same bytes;
 * so does the older fixture of the fuzz corpus. An empty label is an
 * error at its line. */
static void test_file_without_label_lines_loads(void **state)
{
    (void)state;
    churn_dataset *ds = rare_churn(300);
    churn_model *m = train(ds, "logistic", NULL, NULL, NULL);
    const char *path = tu_write_text(0, "new.churn", "");
    assert_int_equal(churn_model_save(m, path, NULL), CHURN_OK);
    char *old = tu_read_file(path, NULL);
    cut_line(old, "label churn\n");
    reseal(old);
    path = tu_write_text(0, "old.churn", old);
    churn_model *back = NULL;
    churn_error err;
    if (churn_model_load(path, &back, &err) != CHURN_OK)
        fail_msg("load: %s", err.message);
    assert_null(churn_model_label_name(back));
    assert_null(churn_model_label_positive(back));
    size_t n = churn_dataset_n_rows(ds);
    double *a = malloc(n * sizeof *a), *b = malloc(n * sizeof *b);
    assert_int_equal(churn_model_predict_dataset(m, ds, a, NULL), 0);
    assert_int_equal(churn_model_predict_dataset(back, ds, b, NULL), 0);
    assert_memory_equal(a, b, n * sizeof *a);
    const char *path2 = tu_write_text(1, "again.churn", "");
    assert_int_equal(churn_model_save(back, path2, NULL), CHURN_OK);
    char *again = tu_read_file(path2, NULL);
    assert_string_equal(again, old);
    churn_model_free(back);

    back = NULL;
    if (churn_model_load("tests/fuzz/seeds/fuzz_model/logistic.churn", &back,
                         &err) != CHURN_OK)
        fail_msg("load the old fixture: %s", err.message);
    assert_null(churn_model_label_name(back));
    assert_string_equal(churn_model_class_weight(back), "none");
    churn_model_free(back);

    /* "label %" (the empty string) before the pipeline: line 6. */
    char *bad = tu_read_file(path2, NULL);
    char *bad2 = malloc(strlen(bad) + 16);
    size_t head = (size_t)(strstr(bad, "\npipeline ") - bad) + 1;
    memcpy(bad2, bad, head);
    memcpy(bad2 + head, "label %\n", 8);
    memcpy(bad2 + head + 8, bad + head, strlen(bad + head) + 1);
    reseal(bad2);
    back = NULL;
    assert_int_equal(churn_model_load(tu_write_text(1, "bad.churn", bad2),
                                      &back, &err),
                     CHURN_EFORMAT);
    assert_null(back);
    assert_int_equal(err.line, 6);
    assert_non_null(strstr(err.message, "empty label"));
    free(bad);
    free(bad2);
    free(again);
    free(a);
    free(b);
    free(old);
    churn_model_free(m);
    churn_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auto_class_weight_rule),
        cmocka_unit_test(test_search_tries_both_weights),
        cmocka_unit_test(test_label_round_trip),
        cmocka_unit_test(test_file_without_label_lines_loads),
    };
    return cmocka_run_group_tests_name("model_meta", tests, NULL, NULL);
}
