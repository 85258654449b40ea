/* csv_write.c - writes a dataset as CSV, atomically (temp file + rename). */
#include "ml/internal.h"

#include <math.h>
#include <string.h>

static int any_as_of(const churn_dataset *ds)
{
    for (size_t i = 0; i < churn_dataset_n_rows(ds); i++)
        if (!isnan(churn_dataset_as_of(ds, i)))
            return 1;
    return 0;
}

static void put_header(FILE *f, const churn_dataset *ds, const char *id_name,
                       int with_as_of)
{
    churn__csv_put_field(f, id_name);
    if (with_as_of)
        fputs(",as_of", f);
    for (size_t j = 0; j < churn_dataset_n_cols(ds); j++) {
        fputc(',', f);
        churn__csv_put_field(f, churn_dataset_column_name(ds, j));
    }
    if (churn_dataset_has_labels(ds)) {
        fputc(',', f);
        churn__csv_put_field(f, churn_dataset_label_name(ds));
    }
    if (churn_dataset_has_days_to_churn(ds))
        fputs(",days_to_churn", f);
    fputc('\n', f);
}

static void put_row(FILE *f, const churn_dataset *ds, size_t i,
                    int with_as_of)
{
    char num[CHURN__NUM_BUF];
    churn__csv_put_field(f, churn_dataset_id(ds, i));
    if (with_as_of) {
        char date[16];
        churn_format_date(churn_dataset_as_of(ds, i), date, sizeof date);
        fputc(',', f);
        fputs(date, f);
    }
    for (size_t j = 0; j < churn_dataset_n_cols(ds); j++) {
        double v = churn_dataset_value(ds, i, j);
        fputc(',', f);
        if (isnan(v))
            continue;
        if (churn_dataset_column_kind(ds, j) == CHURN_CATEGORICAL)
            churn__csv_put_field(f, churn_dataset_level(ds, j, (size_t)v));
        else
            fputs(churn__format_double(v, num), f);
    }
    if (churn_dataset_has_labels(ds)) {
        double y = churn_dataset_label(ds, i);
        fputc(',', f);
        if (!isnan(y))
            fputs(y > 0.5 ? "1" : "0", f);
    }
    if (churn_dataset_has_days_to_churn(ds)) { /* empty: censored */
        double d = churn_dataset_days_to_churn(ds, i);
        fputc(',', f);
        if (!isnan(d))
            fputs(churn__format_double(d, num), f);
    }
    fputc('\n', f);
}

int churn_dataset_write_csv(const churn_dataset *ds, const char *path,
                            const char *id_name, churn_error *err)
{
    if (!ds || !path)
        return churn__fail(err, CHURN_EINVAL, "no dataset or no path");
    churn__afile *af;
    int rc = churn__afile_open(path, &af, err);
    if (rc != CHURN_OK)
        return rc;
    FILE *f = churn__afile_stream(af);
    int with_as_of = any_as_of(ds);
    put_header(f, ds, id_name && *id_name ? id_name : "customer_id",
               with_as_of);
    for (size_t i = 0; i < churn_dataset_n_rows(ds); i++)
        put_row(f, ds, i, with_as_of);
    return churn__afile_commit(af, err);
}
