/* test_bad_input.c - the bad-input corpus (tests/data/bad/): each file goes
 * to its reader through the library, which must return the status and
 * the exact message tests/data/bad/EXPECTED lists, or, for the valid but
 * odd files, succeed with the dataset in the listed .expected file (the
 * dataset as churn_dataset_write_csv writes it, checked by hand). The
 * command-line side of the same list is tests/cli/bad_input.sh. */
#include "testutil.h"

#include "churn.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CORPUS "tests/data/bad/"
#define AS_OF "2025-01-01"

static const char *const status_names[] = {
    "OK",      "ENOMEM",  "EINVAL",    "EIO",    "EPARSE",
    "EFORMAT", "ENUMERIC", "EVERSION", "ECHECKSUM", "EEMPTY"};

/* What the readers share across cases: options and the fixed model and
 * report that scoring and the gate compare against. */
typedef struct fixture {
    churn_feature_opts *events_opts;    /* as of 2025-01-01, horizon 30 */
    churn_feature_opts *customers_opts; /* as of 2025-01-01 */
    churn_model *model;                 /* trained on CORPUS "_train.csv" */
    churn_eval *report;
} fixture;

static churn_feature_opts *feature_opts(double horizon)
{
    double t;
    churn_feature_opts *o = churn_feature_opts_new();
    assert_non_null(o);
    assert_int_equal(churn_parse_time(AS_OF, strlen(AS_OF), &t), CHURN_OK);
    churn_feature_opts_set_as_of(o, (int64_t)t);
    if (horizon > 0)
        churn_feature_opts_set_horizon(o, horizon);
    return o;
}

static void fixture_init(fixture *f)
{
    churn_error err;
    churn_dataset *train = NULL;
    churn_csv_opts *co = churn_csv_opts_new();
    churn_train_opts *to = churn_train_opts_new();
    assert_non_null(co);
    assert_non_null(to);
    assert_int_equal(churn_csv_opts_set_label_column(co, "churned"), 0);
    assert_int_equal(churn_dataset_read_csv(CORPUS "_train.csv", co, &train,
                                            &err), CHURN_OK);
    churn_train_opts_set_validation(to, 0);
    assert_int_equal(churn_train(train, to, &f->model, &err), CHURN_OK);
    churn_dataset_free(train);
    churn_csv_opts_free(co);
    churn_train_opts_free(to);

    static const double prob[] = {0.9, 0.8, 0.3, 0.6, 0.2, 0.1};
    static const double label[] = {1, 1, 0, 1, 0, 0};
    churn_eval_opts *eo = churn_eval_opts_new();
    assert_non_null(eo);
    churn_eval_opts_set_bootstrap(eo, 0, 1);
    assert_int_equal(churn_eval_compute(prob, label, 6, eo, &f->report,
                                        &err), CHURN_OK);
    churn_eval_opts_free(eo);
    f->events_opts = feature_opts(30);
    f->customers_opts = feature_opts(0);
}

static void fixture_free(fixture *f)
{
    churn_feature_opts_free(f->events_opts);
    churn_feature_opts_free(f->customers_opts);
    churn_model_free(f->model);
    churn_eval_free(f->report);
}

/* Reads path as a customers file, as churn-features does, and joins it
 * to the corpus's fixed event log. */
static int read_customers(const fixture *f, const char *path,
                          churn_dataset **out, churn_error *err)
{
    churn_dataset *cu = NULL;
    churn_csv_opts *o = churn_csv_opts_new();
    assert_non_null(o);
    churn_csv_opts_set_id_column(o, "customer_id");
    churn_csv_opts_set_unique_ids(o, 1);
    int rc = churn_dataset_read_csv(path, o, &cu, err);
    if (rc == CHURN_OK) /* as the tools do, for the no-match message */
        rc = churn_dataset_set_source(cu, path);
    if (rc == CHURN_OK)
        rc = churn_features_extract(CORPUS "customers/_events.csv", cu,
                                    f->customers_opts, out, err);
    churn_dataset_free(cu);
    churn_csv_opts_free(o);
    return rc;
}

/* Reads path as data to score, as churn-score does: the model's numeric
 * inputs must hold numbers; then scores it. *out keeps the data read. */
static int read_scoring(const fixture *f, const char *path,
                        churn_dataset **out, churn_error *err)
{
    churn_csv_opts *o = churn_csv_opts_new();
    churn_score_opts *so = churn_score_opts_new();
    churn_scores *s = NULL;
    assert_non_null(o);
    assert_non_null(so);
    for (size_t j = 0; j < churn_model_n_inputs(f->model); j++)
        if (churn_model_input_kind(f->model, j) == CHURN_NUMERIC)
            churn_csv_opts_add_numeric(o, churn_model_input_name(f->model, j));
    int rc = churn_dataset_read_csv(path, o, out, err);
    if (rc == CHURN_OK)
        rc = churn_score_dataset(f->model, *out, so, &s, err);
    churn_scores_free(s);
    churn_score_opts_free(so);
    churn_csv_opts_free(o);
    return rc;
}

static int read_labeled(const char *path, churn_dataset **out,
                        churn_error *err)
{
    churn_csv_opts *o = churn_csv_opts_new();
    assert_non_null(o);
    churn_csv_opts_set_label_column(o, "churned");
    int rc = churn_dataset_read_csv(path, o, out, err);
    churn_csv_opts_free(o);
    return rc;
}

/* Reads path as labeled data and trains on it, as churn-train
 * --validation 0 does: the errors of fitting (categorical inputs that
 * look like ids). */
static int read_training(const char *path, churn_dataset **out,
                         churn_error *err)
{
    int rc = read_labeled(path, out, err);
    churn_train_opts *to = churn_train_opts_new();
    churn_model *m = NULL;
    assert_non_null(to);
    churn_train_opts_set_validation(to, 0);
    if (rc == CHURN_OK)
        rc = churn_train(*out, to, &m, err);
    churn_model_free(m);
    churn_train_opts_free(to);
    return rc;
}

/* Scores the corpus's _train.csv and compares with the ranking at path,
 * as churn-score --previous does. */
static int read_previous(const fixture *f, const char *path,
                         churn_error *err)
{
    churn_dataset *data = NULL;
    churn_scores *s = NULL;
    churn_score_opts *so = churn_score_opts_new();
    assert_non_null(so);
    int rc = read_scoring(f, CORPUS "_train.csv", &data, err);
    assert_int_equal(rc, CHURN_OK);
    assert_int_equal(churn_score_dataset(f->model, data, so, &s, err),
                     CHURN_OK);
    rc = churn_scores_compare(s, path, err);
    churn_scores_free(s);
    churn_score_opts_free(so);
    churn_dataset_free(data);
    return rc;
}

/* Gives path to reader; *ds receives the dataset a data reader made. */
static int run_reader(const fixture *f, const char *reader, const char *path,
                      churn_dataset **ds, churn_error *err)
{
    churn_error_clear(err);
    if (strcmp(reader, "events") == 0)
        return churn_features_extract(path, NULL, f->events_opts, ds, err);
    if (strcmp(reader, "customers") == 0)
        return read_customers(f, path, ds, err);
    if (strcmp(reader, "csv") == 0)
        return read_scoring(f, path, ds, err);
    if (strcmp(reader, "labeled") == 0)
        return read_labeled(path, ds, err);
    if (strcmp(reader, "training") == 0)
        return read_training(path, ds, err);
    if (strcmp(reader, "libsvm") == 0)
        return churn_dataset_read_libsvm(path, ds, err);
    if (strcmp(reader, "model") == 0) {
        churn_model *m = NULL;
        int rc = churn_model_load(path, &m, err);
        churn_model_free(m);
        return rc;
    }
    if (strcmp(reader, "previous") == 0)
        return read_previous(f, path, err);
    if (strcmp(reader, "baseline") == 0) {
        size_t failed;
        return churn_eval_gate(f->report, path, "auc", 0.01, &failed, NULL,
                               0, err);
    }
    fail_msg("EXPECTED: unknown reader '%s'", reader);
    return -1;
}

/* Replaces every "$F" in pattern with path, "$V" with the version. */
static void expand(const char *pattern, const char *path, char *out,
                   size_t size)
{
    size_t n = 0;
    for (const char *p = pattern; *p && n + 1 < size; p++) {
        if (p[0] == '$' && (p[1] == 'F' || p[1] == 'V')) {
            n += (size_t)snprintf(out + n, size - n, "%s",
                                  p[1] == 'F' ? path : churn_version());
            p++;
        } else {
            out[n++] = *p;
        }
    }
    out[n < size ? n : size - 1] = '\0';
}

/* Checks a valid case: ds written as CSV equals the expected file. */
static int same_as_expected(const churn_dataset *ds, const char *expected)
{
    char want_path[512], got_path[512];
    snprintf(want_path, sizeof want_path, CORPUS "%s", expected);
    snprintf(got_path, sizeof got_path, "%s/got.csv", tu_tmpdir());
    churn_error err;
    if (churn_dataset_write_csv(ds, got_path, "customer_id", &err)) {
        print_error("write: %s\n", err.message);
        return 0;
    }
    size_t want_len, got_len;
    char *want = tu_read_file(want_path, &want_len);
    char *got = tu_read_file(got_path, &got_len);
    int same = want && got && want_len == got_len &&
               memcmp(want, got, want_len) == 0;
    if (!same)
        print_error("%s differs from the data read:\n%s\n", want_path,
                    got ? got : "(nothing)");
    free(want);
    free(got);
    return same;
}

/* One line of EXPECTED: "reader file STATUS message-or-expected-file".
 * Returns 1 when the case behaves as listed. */
static int check_case(const fixture *f, char *line)
{
    char reader[32], file[256], status[32];
    int used = 0;
    if (sscanf(line, "%31s %255s %31s %n", reader, file, status, &used) < 3) {
        print_error("EXPECTED: bad line '%s'\n", line);
        return 0;
    }
    const char *rest = line + used;
    char path[512], want[600];
    snprintf(path, sizeof path, CORPUS "%s", file);
    churn_dataset *ds = NULL;
    churn_error err;
    int rc = run_reader(f, reader, path, &ds, &err);
    int ok;
    if (strcmp(status, "OK") == 0) {
        ok = rc == CHURN_OK;
        if (!ok)
            print_error("%s: expected success, got %s\n", path, err.message);
        else if (*rest && strcmp(rest, "-") != 0)
            ok = ds && same_as_expected(ds, rest);
    } else {
        expand(rest, path, want, sizeof want);
        ok = rc > 0 && rc <= CHURN_EEMPTY &&
             strcmp(status_names[rc], status) == 0 &&
             strcmp(err.message, want) == 0 && err.code == rc;
        if (!ok)
            print_error("%s: expected %s '%s'\n    got %s '%s'\n", path,
                        status, want,
                        rc >= 0 && rc <= CHURN_EEMPTY ? status_names[rc]
                                                      : "?",
                        err.message);
    }
    churn_dataset_free(ds);
    return ok;
}

static void test_corpus(void **state)
{
    (void)state;
    fixture f = {0};
    fixture_init(&f);
    FILE *list = fopen(CORPUS "EXPECTED", "r");
    assert_non_null(list);
    char line[1024];
    size_t n_cases = 0, n_failed = 0;
    while (fgets(line, sizeof line, list)) {
        line[strcspn(line, "\n")] = '\0';
        if (line[0] == '#' || line[0] == '\0')
            continue;
        n_cases++;
        n_failed += !check_case(&f, line);
    }
    fclose(list);
    fixture_free(&f);
    assert_true(n_cases > 50);
    if (n_failed)
        fail_msg("%zu of %zu corpus cases failed", n_failed, n_cases);
}

/* The statuses are distinct, and their names in EXPECTED are the enum's
 * in order (a renumbering would make the list lie). */
static void test_status_names(void **state)
{
    (void)state;
    assert_int_equal(CHURN_EPARSE, 4);
    assert_int_equal(CHURN_EEMPTY, 9);
    assert_int_equal(sizeof status_names / sizeof status_names[0],
                     CHURN_EEMPTY + 1);
    assert_string_equal(churn_strerror(CHURN_ECHECKSUM), "checksum mismatch");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_names),
        cmocka_unit_test(test_corpus),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
