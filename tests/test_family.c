/* test_family.c - the table of model families: the registry, each
 * family's named figures (churn_model_metric, the model file, the
 * summary line), the old "iterations" figure, and the distributed-fit
 * flag. */
#include "testutil.h"
#include "tu_dataset.h"

#include "models/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

/* Every family is found by its name, once; an unknown name is not; the
 * family that stores its state as another's has only a fit. */
static void test_registry(void **state)
{
    (void)state;
    const churn__family *const all[] = {&churn__family_logistic,
                                        &churn__family_svm,
                                        &churn__family_rbf_approx};
    const char *const names[] = {"logistic", "svm", "rbf-approx"};
    for (size_t i = 0; i < 3; i++) {
        assert_ptr_equal(churn__family_find(names[i]), all[i]);
        assert_string_equal(all[i]->name, names[i]);
        assert_non_null(all[i]->fit);
        assert_true(all[i]->n_figures <= CHURN__MAX_FIGURES);
        assert_true(all[i]->n_c_grid > 0 || all[i]->grid);
        const churn__family *s = churn__family_stored(all[i]);
        assert_null(s->stored_as);
        assert_non_null(s->decision);
        assert_non_null(s->contrib);
        assert_non_null(s->linear);
        assert_non_null(s->write);
        assert_non_null(s->read);
        assert_non_null(s->free);
        /* Today's families impute and standardize, as before. */
        assert_int_equal(all[i]->prep.keep_missing, 0);
        assert_int_equal(all[i]->prep.standardize, 1);
        /* A figure name means one thing: the same descriptor wherever it
         * is recorded. */
        for (size_t k = 0; k < all[i]->n_figures; k++)
            assert_ptr_equal(churn__figure_find(all[i]->figures[k]->name),
                             all[i]->figures[k]);
    }
    assert_null(churn__family_find("tree"));
    assert_null(churn__family_find("auto"));
    assert_null(churn__family_find(NULL));
    assert_ptr_equal(churn__family_stored(&churn__family_rbf_approx),
                     &churn__family_svm);
    assert_ptr_equal(churn__family_for(&churn__family_svm,
                                       CHURN__K_RBF_APPROX),
                     &churn__family_rbf_approx);
    assert_ptr_equal(churn__family_for(&churn__family_svm, CHURN__K_POLY),
                     &churn__family_svm);
    assert_ptr_equal(churn__family_for(&churn__family_logistic,
                                       CHURN__K_RBF_APPROX),
                     &churn__family_logistic);
    assert_null(churn__figure_find("no_such_figure"));
}

/* Two numeric inputs; churn when their sum is large, with noise. */
static churn_dataset *make_data(size_t n)
{
    churn_dataset *ds = churn_dataset_new(2);
    assert_non_null(ds);
    assert_int_equal(churn_dataset_set_column(ds, 0, "a", CHURN_NUMERIC,
                                              NULL), CHURN_OK);
    assert_int_equal(churn_dataset_set_column(ds, 1, "b", CHURN_NUMERIC,
                                              NULL), CHURN_OK);
    assert_int_equal(churn_dataset_set_label_name(ds, "churned", NULL),
                     CHURN_OK);
    uint64_t s = 7;
    for (size_t i = 0; i < n; i++) {
        double u[3];
        for (int k = 0; k < 3; k++) {
            s = s * 6364136223846793005ull + 1442695040888963407ull;
            u[k] = (double)(s >> 11) / 9007199254740992.0;
        }
        double row[2] = {u[0] * 4 - 2, u[1] * 4 - 2};
        double y = row[0] + row[1] + (u[2] - 0.5) * 3 > 0;
        char id[32];
        snprintf(id, sizeof id, "c%zu", i);
        assert_int_equal(churn_dataset_add_row(ds, id, row, y, NULL),
                         CHURN_OK);
    }
    return ds;
}

static churn_model *train(const churn_dataset *ds, const char *model,
                          const char *kernel)
{
    churn_train_opts *o = churn_train_opts_new();
    assert_int_equal(churn_train_opts_set_model(o, model), CHURN_OK);
    assert_int_equal(churn_train_opts_set_kernel(o, kernel), CHURN_OK);
    assert_int_equal(churn_train_opts_set_validation(o, 0), CHURN_OK);
    assert_int_equal(churn_train_opts_set_components(o, 30), CHURN_OK);
    churn_model *m = NULL;
    churn_error err;
    if (churn_train(ds, o, &m, &err) != CHURN_OK)
        fail_msg("train: %s", err.message);
    churn_train_opts_free(o);
    return m;
}

/* Each figure has one name: a logistic model records Newton iterations
 * and no support vectors, an svm the support vectors (its state's count)
 * and no Newton iterations; "iterations" still reads the one of the two
 * the family records. The summary line comes from the same figures. */
static void test_figures_have_one_meaning(void **state)
{
    (void)state;
    churn_dataset *ds = make_data(300);
    churn_model *lr = train(ds, "logistic", "rbf");
    double it = churn_model_metric(lr, "newton_iterations");
    assert_true(it >= 2 && it < 30 && it == floor(it));
    assert_true(isnan(churn_model_metric(lr, "support_vectors")));
    assert_true(isnan(churn_model_metric(lr, "gamma")));
    assert_true(churn_model_metric(lr, "iterations") == it);
    assert_true(churn_model_metric(lr, "c") == 1);
    char line[128], want[128];
    snprintf(want, sizeof want, "logistic, C 1, %.0f Newton iterations", it);
    assert_int_equal(churn_model_describe(lr, line, sizeof line),
                     strlen(want));
    assert_string_equal(line, want);
    /* Cut short as snprintf cuts, the whole length returned. */
    assert_int_equal(churn_model_describe(lr, line, 5), strlen(want));
    assert_string_equal(line, "logi");
    assert_int_equal(churn_model_describe(lr, NULL, 0), strlen(want));

    churn_model *svm = train(ds, "svm", "linear");
    const churn__kernel_model *k = svm->clf.state;
    assert_string_equal(churn_model_family(svm), "svm");
    assert_true(churn_model_metric(svm, "support_vectors") ==
                (double)k->n_sv);
    assert_true(churn_model_metric(svm, "iterations") == (double)k->n_sv);
    assert_true(isnan(churn_model_metric(svm, "newton_iterations")));
    assert_true(isnan(churn_model_metric(svm, "gamma"))); /* linear */
    snprintf(want, sizeof want, "svm, C 1, %zu support vectors", k->n_sv);
    churn_model_describe(svm, line, sizeof line);
    assert_string_equal(line, want);
    churn_model_free(svm);
    churn_model_free(lr);
    churn_dataset_free(ds);
}

/* "--model svm --kernel rbf-approx" is the rbf-approx family: an svm
 * over its landmarks (its state's family and churn_model_family say so),
 * recording the Newton iterations of its logistic fit and the gamma it
 * used, not support vectors. The family is not asked for by its own
 * name. */
static void test_rbf_approx_is_svm_kernel(void **state)
{
    (void)state;
    churn_dataset *ds = make_data(300);
    churn_model *a = train(ds, "svm", "rbf-approx");
    assert_string_equal(churn_model_family(a), "svm");
    assert_ptr_equal(a->clf.family, &churn__family_svm);
    const churn__kernel_model *k = a->clf.state;
    assert_int_equal(k->n_sv, 30);
    assert_int_equal(k->kernel, CHURN__K_RBF);
    double it = churn_model_metric(a, "newton_iterations");
    assert_true(it >= 1);
    assert_true(churn_model_metric(a, "iterations") == it);
    assert_true(isnan(churn_model_metric(a, "support_vectors")));
    assert_true(churn_model_metric(a, "gamma") == 0.5); /* 1 / inputs */
    churn_train_opts *o = churn_train_opts_new();
    assert_int_equal(churn_train_opts_set_model(o, "rbf-approx"),
                     CHURN_EINVAL);
    churn_train_opts_free(o);
    churn_model_free(a);
    churn_dataset_free(ds);
}

/* text (NUL-terminated, on the heap, freed here) with its first "from"
 * replaced by "to" and the checksum line redone, in new memory. */
static char *edit_model_text(char *text, const char *from, const char *to)
{
    char *at = strstr(text, from);
    assert_non_null(at);
    size_t head = (size_t)(at - text), lf = strlen(from), lt = strlen(to);
    size_t tail = strlen(at + lf);
    char *out = malloc(head + lt + tail + 1);
    assert_non_null(out);
    memcpy(out, text, head);
    memcpy(out + head, to, lt);
    memcpy(out + head + lt, at + lf, tail + 1);
    free(text);
    char *line = strstr(out, "checksum ");
    assert_non_null(line);
    unsigned long crc = crc32(0L, (const unsigned char *)out,
                              (unsigned)(line - out));
    snprintf(line, 19, "checksum %08lx\n", crc);
    return out;
}

/* A file from before figures had one meaning names Newton iterations
 * "iterations": it loads, scores to the same bits, and keeps the figure
 * under its old name (not guessed into a new one); saved again, the
 * name stays. */
static void test_old_iterations_figure_loads(void **state)
{
    (void)state;
    churn_dataset *ds = make_data(200);
    churn_model *m = train(ds, "logistic", "rbf");
    const char *path = tu_write_text(0, "old.churn", "");
    assert_int_equal(churn_model_save(m, path, NULL), CHURN_OK);
    char *text = tu_read_file(path, NULL);
    assert_non_null(text);
    char from[64], to[64];
    double it = churn_model_metric(m, "newton_iterations");
    snprintf(from, sizeof from, "metric newton_iterations %.0f\n", it);
    snprintf(to, sizeof to, "metric iterations %.0f\n", it);
    text = edit_model_text(text, from, to);
    const char *old = tu_write_text(1, "old2.churn", text);
    churn_model *back = NULL;
    churn_error err;
    if (churn_model_load(old, &back, &err) != CHURN_OK)
        fail_msg("load: %s", err.message);
    assert_true(churn_model_metric(back, "iterations") == it);
    assert_true(isnan(churn_model_metric(back, "newton_iterations")));
    assert_true(churn_model_metric(back, "c") == 1);
    size_t n = churn_dataset_n_rows(ds);
    double *p = malloc(n * sizeof *p), *q = malloc(n * sizeof *q);
    assert_int_equal(churn_model_predict_dataset(m, ds, p, NULL), CHURN_OK);
    assert_int_equal(churn_model_predict_dataset(back, ds, q, NULL),
                     CHURN_OK);
    assert_memory_equal(p, q, n * sizeof *p);
    const char *again = tu_write_text(2, "again.churn", "");
    assert_int_equal(churn_model_save(back, again, NULL), CHURN_OK);
    char *text2 = tu_read_file(again, NULL);
    assert_non_null(strstr(text2, to));
    free(text2);
    free(text);
    free(p);
    free(q);
    churn_model_free(back);
    churn_model_free(m);
    churn_dataset_free(ds);
}

/* A file whose family line names a family that stores no state of its
 * own is refused as an unknown family. */
static void test_stored_as_family_is_not_a_file_family(void **state)
{
    (void)state;
    churn_dataset *ds = make_data(200);
    churn_model *m = train(ds, "logistic", "rbf");
    const char *path = tu_write_text(0, "fam.churn", "");
    assert_int_equal(churn_model_save(m, path, NULL), CHURN_OK);
    char *text = tu_read_file(path, NULL);
    text = edit_model_text(text, "family logistic\n", "family svm\n");
    churn_model *back = NULL;
    churn_error err;
    assert_int_equal(churn_model_load(tu_write_text(1, "f2.churn", text),
                                      &back, &err), CHURN_EFORMAT);
    assert_non_null(strstr(err.message, "not a svm model"));
    free(text);
    text = tu_read_file(path, NULL);
    text = edit_model_text(text, "family logistic\n", "family rbf-approx\n");
    assert_int_equal(churn_model_load(tu_write_text(1, "f3.churn", text),
                                      &back, &err), CHURN_EFORMAT);
    assert_non_null(strstr(err.message, "unknown model family "
                                        "'rbf-approx'"));
    free(text);
    churn_model_free(m);
    churn_dataset_free(ds);
}

/* A communicator that fails every exchange: the refusal must come
 * first. */
static int no_allreduce(void *user, double *v, size_t n, churn_reduce_op op)
{
    (void)user, (void)v, (void)n, (void)op;
    return 1;
}

static int no_gather(void *user, const void *mine, size_t len, int to_all,
                     void **out, size_t *lens)
{
    (void)user, (void)mine, (void)len, (void)to_all, (void)lens;
    *out = NULL;
    return 1;
}

/* The table says which families fit across ranks: logistic and
 * rbf-approx do, svm and "auto" do not, and training one across ranks
 * fails with CHURN_EINVAL and a sentence, before any collective call. */
static void test_distributed_flag(void **state)
{
    (void)state;
    churn_train_opts *o = churn_train_opts_new();
    assert_int_equal(churn_train_opts_distributed(o), 1); /* logistic */
    assert_int_equal(churn_train_opts_set_model(o, "svm"), CHURN_OK);
    assert_int_equal(churn_train_opts_distributed(o), 0);
    assert_int_equal(churn_train_opts_set_kernel(o, "rbf-approx"), CHURN_OK);
    assert_int_equal(churn_train_opts_distributed(o), 1);
    assert_int_equal(churn_train_opts_set_model(o, "auto"), CHURN_OK);
    assert_int_equal(churn_train_opts_distributed(o), 0);
    assert_int_equal(churn_train_opts_distributed(NULL), 0);
    assert_int_equal(churn_train_opts_set_model(o, "tree"), CHURN_EINVAL);
    assert_int_equal(churn_train_opts_set_model(o, "svm"), CHURN_OK);
    assert_int_equal(churn_train_opts_set_kernel(o, "rbf"), CHURN_OK);
    churn_comm comm = {.rank = 0, .size = 2, .allreduce = no_allreduce,
                       .gather = no_gather};
    assert_int_equal(churn_train_opts_set_comm(o, &comm), CHURN_OK);
    assert_int_equal(churn_train_opts_set_validation(o, 0), CHURN_OK);
    churn_dataset *ds = make_data(50);
    churn_model *m = NULL;
    churn_error err;
    assert_int_equal(churn_train(ds, o, &m, &err), CHURN_EINVAL);
    assert_null(m);
    assert_string_equal(err.message, "training across 2 ranks needs a "
                                     "family with a distributed fit; svm "
                                     "has none");
    churn_dataset_free(ds);
    churn_train_opts_free(o);
}

/* churn_train_opts_check_distributed says, before any data, what a fit
 * across ranks lacks: the same list churn_train applies to a comm. */
static void test_check_distributed(void **state)
{
    (void)state;
    churn_train_opts *o = churn_train_opts_new();
    churn_error err;
    /* The defaults hold out 20%. */
    assert_int_equal(churn_train_opts_check_distributed(o, &err),
                     CHURN_EINVAL);
    assert_string_equal(err.message, "training across ranks does not "
                                     "support a validation hold-out");
    assert_int_equal(churn_train_opts_set_validation(o, 0), CHURN_OK);
    assert_int_equal(churn_train_opts_check_distributed(o, &err), CHURN_OK);
    assert_int_equal(churn_train_opts_set_search(o, 1), CHURN_OK);
    assert_int_equal(churn_train_opts_check_distributed(o, &err),
                     CHURN_EINVAL);
    assert_string_equal(err.message, "training across ranks does not "
                                     "support a grid search");
    assert_int_equal(churn_train_opts_set_search(o, 0), CHURN_OK);
    assert_int_equal(churn_train_opts_set_calibration(o, "platt"), CHURN_OK);
    assert_int_equal(churn_train_opts_check_distributed(o, &err),
                     CHURN_EINVAL);
    assert_string_equal(err.message, "training across ranks does not "
                                     "support calibration");
    assert_int_equal(churn_train_opts_set_calibration(o, "none"), CHURN_OK);
    assert_int_equal(churn_train_opts_check_distributed(o, &err), CHURN_OK);
    assert_int_equal(churn_train_opts_set_max_rows(o, 100), CHURN_OK);
    assert_int_equal(churn_train_opts_check_distributed(o, &err),
                     CHURN_EINVAL);
    assert_string_equal(err.message, "training across ranks does not "
                                     "support a row cap");
    assert_int_equal(churn_train_opts_set_max_rows(o, 0), CHURN_OK);
    assert_int_equal(churn_train_opts_set_model(o, "svm"), CHURN_OK);
    assert_int_equal(churn_train_opts_check_distributed(o, &err),
                     CHURN_EINVAL);
    assert_string_equal(err.message, "training across ranks needs a family "
                                     "with a distributed fit; svm has none");
    assert_int_equal(churn_train_opts_check_distributed(NULL, NULL),
                     CHURN_EINVAL);
    churn_train_opts_free(o);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_registry),
        cmocka_unit_test(test_figures_have_one_meaning),
        cmocka_unit_test(test_rbf_approx_is_svm_kernel),
        cmocka_unit_test(test_old_iterations_figure_loads),
        cmocka_unit_test(test_stored_as_family_is_not_a_file_family),
        cmocka_unit_test(test_distributed_flag),
        cmocka_unit_test(test_check_distributed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
