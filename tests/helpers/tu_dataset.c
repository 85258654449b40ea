/* tu_dataset.c - in-memory datasets from text cells, for the unit tests. */
#include "testutil.h"
#include "tu_dataset.h"

#include <math.h>
#include <stdlib.h>

churn_dataset *tu_dataset(size_t n_cols, const char *const *cols)
{
    churn_dataset *ds = churn_dataset_new(n_cols);
    assert_non_null(ds);
    for (size_t j = 0; j < n_cols; j++) {
        int cat = cols[j][0] == '@';
        assert_int_equal(churn_dataset_set_column(
                             ds, j, cols[j] + cat,
                             cat ? CHURN_CATEGORICAL : CHURN_NUMERIC, NULL),
                         CHURN_OK);
    }
    return ds;
}

void tu_add_rows(churn_dataset *ds, size_t n_rows, const char *const *cells)
{
    size_t n_cols = churn_dataset_n_cols(ds);
    double *row = malloc((n_cols ? n_cols : 1) * sizeof *row);
    assert_non_null(row);
    for (size_t i = 0; i < n_rows; i++) {
        for (size_t j = 0; j < n_cols; j++) {
            const char *cell = cells[i * n_cols + j];
            if (!cell)
                row[j] = NAN;
            else if (churn_dataset_column_kind(ds, j) == CHURN_CATEGORICAL)
                assert_int_equal(
                    churn_dataset_level_code(ds, j, cell, &row[j], NULL),
                    CHURN_OK);
            else
                row[j] = strtod(cell, NULL);
        }
        assert_int_equal(churn_dataset_add_row(ds, NULL, row, NAN, NULL),
                         CHURN_OK);
    }
    free(row);
}

churn_dataset *tu_dataset_rows(size_t n_cols, const char *const *cols,
                               size_t n_rows, const char *const *cells)
{
    churn_dataset *ds = tu_dataset(n_cols, cols);
    tu_add_rows(ds, n_rows, cells);
    return ds;
}

void tu_add_levels(churn_dataset *ds, size_t j, const char *const *texts,
                   size_t n)
{
    for (size_t k = 0; k < n; k++) {
        double code;
        assert_int_equal(
            churn_dataset_level_code(ds, j, texts[k], &code, NULL), CHURN_OK);
        assert_true(code == (double)k);
    }
}
