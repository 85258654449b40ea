/* csv_dataset.c - what both CSV readers (the two passes of csv_read.c
 * and the one-pass fast path of csv_fast.c) make of the header and of a
 * label cell: the empty dataset with the reader's columns, kinds and
 * names, and a label text's value. Kept apart from both readers so that
 * each depends on it and neither on the other's helpers. */
#include "datasets/csv_reader.h"

#include <ctype.h>
#include <math.h>

void churn__csv_trim(const char **text, size_t *len)
{
    while (*len > 0 && isspace((unsigned char)(*text)[0])) {
        (*text)++;
        (*len)--;
    }
    while (*len > 0 && isspace((unsigned char)(*text)[*len - 1]))
        (*len)--;
}

int churn__csv_label_value(const reader *r, const char *text, size_t len,
                           double *out)
{
    static const char *const yes[] = {"yes", "true", "churned", "y"};
    static const char *const no[] = {"no", "false", "retained", "n"};
    if (len == 1 && (text[0] == '0' || text[0] == '1') && !r->positive) {
        *out = text[0] == '1'; /* the common case, quickly */
        return 1;
    }
    churn__csv_trim(&text, &len);
    *out = NAN;
    if (churn__is_missing(text, len))
        return 1;
    if (r->positive) {
        *out = churn__equal_nocase(text, len, r->positive) ? 1.0 : 0.0;
        return 1;
    }
    for (size_t k = 0; k < sizeof yes / sizeof yes[0]; k++) {
        if (churn__equal_nocase(text, len, yes[k]))
            *out = 1.0;
        else if (churn__equal_nocase(text, len, no[k]))
            *out = 0.0;
    }
    double v;
    if (isnan(*out) && churn__parse_double(text, len, &v) &&
        (v == 0.0 || v == 1.0))
        *out = v;
    return !isnan(*out);
}

int churn__csv_create_dataset(const reader *r, churn_dataset **out,
                              churn_error *err)
{
    churn_dataset *ds = churn_dataset_new(r->n_cols);
    if (!ds)
        return churn__fail_nomem(err);
    int rc = CHURN_OK;
    for (size_t j = 0; j < r->n_cols && rc == CHURN_OK; j++)
        rc = churn_dataset_set_column(
            ds, j, churn__strmap_key(r->header, r->col_field[j]),
            r->is_categorical[j] ? CHURN_CATEGORICAL : CHURN_NUMERIC, err);
    if (rc == CHURN_OK && r->label_field != NO_FIELD)
        rc = churn_dataset_set_label_name(ds, r->label_column, err);
    if (rc == CHURN_OK && r->id_field != NO_FIELD)
        rc = churn_dataset_set_id_name(ds, r->id_column, err);
    if (rc == CHURN_OK)
        rc = churn_dataset_reserve(ds, r->n_rows, err);
    if (rc != CHURN_OK) {
        churn_dataset_free(ds);
        return rc;
    }
    *out = ds;
    return CHURN_OK;
}
