/* test_cv.c - folds and hold-outs: grouped by customer, stratified by label,
 * deterministic. */
#include "testutil.h"

#include "ml/cv.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

/* 300 customers with 2 rows each (snapshots); every 4th customer churned. */
static churn_dataset *make_rows(void)
{
    churn_dataset *ds = churn_dataset_new(1);
    churn_dataset_set_column(ds, 0, "x", CHURN_NUMERIC, NULL);
    churn_dataset_set_label_name(ds, "churned", NULL);
    for (size_t c = 0; c < 300; c++)
        for (int s = 0; s < 2; s++) {
            char id[16];
            double x = (double)c;
            snprintf(id, sizeof id, "c%zu", c);
            churn_dataset_add_row(ds, id, &x, c % 4 == 0, NULL);
        }
    return ds;
}

static void test_folds(void **state)
{
    (void)state;
    churn_dataset *ds = make_rows();
    size_t n = churn_dataset_n_rows(ds), rows[600], fold[600], again[600];
    for (size_t i = 0; i < n; i++)
        rows[i] = i;
    assert_int_equal(churn__cv_folds(ds, rows, n, 5, 7, fold, NULL), 0);
    size_t size[5] = {0}, pos[5] = {0};
    for (size_t i = 0; i < n; i += 2) {
        assert_int_equal(fold[i], fold[i + 1]); /* one customer, one fold */
        size[fold[i]]++;
        pos[fold[i]] += churn_dataset_label(ds, i) > 0;
    }
    /* 300 customers, 75 churned: 60 per fold, 15 churned per fold. */
    for (int f = 0; f < 5; f++) {
        assert_int_equal(size[f], 60);
        assert_int_equal(pos[f], 15);
    }
    assert_int_equal(churn__cv_folds(ds, rows, n, 5, 7, again, NULL), 0);
    assert_memory_equal(fold, again, sizeof fold);
    assert_int_equal(churn__cv_folds(ds, rows, n, 5, 8, again, NULL), 0);
    assert_memory_not_equal(fold, again, sizeof fold);
    churn_error err;
    assert_int_equal(churn__cv_folds(ds, rows, n, 1, 7, fold, &err),
                     CHURN_EINVAL);
    churn_dataset_free(ds);
}

static void test_holdout(void **state)
{
    (void)state;
    churn_dataset *ds = make_rows();
    size_t n = churn_dataset_n_rows(ds), rows[600];
    unsigned char held[600];
    for (size_t i = 0; i < n; i++)
        rows[i] = i;
    assert_int_equal(churn__cv_holdout(ds, rows, n, 0.2, 42, held, NULL), 0);
    size_t customers = 0, churned = 0;
    for (size_t i = 0; i < n; i += 2) {
        assert_int_equal(held[i], held[i + 1]);
        customers += held[i];
        churned += held[i] && churn_dataset_label(ds, i) > 0;
    }
    /* round(0.2 * 225) = 45 retained and round(0.2 * 75) = 15 churned. */
    assert_int_equal(customers, 60);
    assert_int_equal(churned, 15);
    assert_int_equal(churn__cv_holdout(ds, rows, n, 1.0, 42, held, NULL),
                     CHURN_EINVAL);
    churn_dataset_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_folds),
        cmocka_unit_test(test_holdout),
    };
    return cmocka_run_group_tests_name("cv", tests, NULL, NULL);
}
