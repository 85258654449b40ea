/* fuzz_csv.c - libFuzzer target: the bytes as a tabular CSV, read with
 * the default options and as labeled data (label "churned", id "id"),
 * then scored by a small fixed model, which binds the file's columns to
 * the model's inputs. */
#include "fuzz_util.h"

/* Trains the fixed model once: two inputs, one numeric, one category. */
static churn_model *fixed_model(void)
{
    churn_dataset *ds = churn_dataset_new(2);
    churn_model *m = NULL;
    churn_error err;
    if (!ds ||
        churn_dataset_set_column(ds, 0, "x", CHURN_NUMERIC, &err) ||
        churn_dataset_set_column(ds, 1, "plan", CHURN_CATEGORICAL, &err) ||
        churn_dataset_set_label_name(ds, "churned", &err))
        abort();
    static const char *const plans[] = {"basic", "pro", "team"};
    for (int i = 0; i < 40; i++) {
        double row[2], code;
        if (churn_dataset_level_code(ds, 1, plans[i % 3], &code, &err))
            abort();
        row[0] = i % 7 == 0 ? NAN : (double)(i % 10);
        row[1] = code;
        if (churn_dataset_add_row(ds, NULL, row, (i * 7) % 10 < 4, &err))
            abort();
    }
    churn_train_opts *o = churn_train_opts_new();
    if (!o || churn_train_opts_set_validation(o, 0) ||
        churn_train(ds, o, &m, &err))
        abort();
    churn_train_opts_free(o);
    churn_dataset_free(ds);
    return m;
}

static void score(const churn_model *m, const churn_dataset *ds)
{
    churn_error err;
    size_t n = churn_dataset_n_rows(ds);
    double *prob = malloc((n ? n : 1) * sizeof *prob);
    if (!prob)
        abort();
    int rc = churn_model_predict_dataset(m, ds, prob, &err);
    fuzz_check_error(rc, &err);
    for (size_t i = 0; rc == CHURN_OK && i < n; i++)
        if (!(prob[i] >= 0 && prob[i] <= 1))
            abort();
    free(prob);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fuzz_file file;
    static churn_csv_opts *labeled;
    static churn_model *model;
    if (!labeled) {
        fuzz_file_init(&file, "data.csv");
        labeled = churn_csv_opts_new();
        if (!labeled ||
            churn_csv_opts_set_label_column(labeled, "churned") ||
            churn_csv_opts_set_id_column(labeled, "id"))
            abort();
        model = fixed_model();
    }
    fuzz_file_set(&file, data, size);
    churn_error err;
    churn_dataset *ds = NULL;
    int rc = churn_dataset_read_csv(file.path, NULL, &ds, &err);
    fuzz_check_place(rc, &err, file.path);
    if (rc == CHURN_OK)
        score(model, ds);
    churn_dataset_free(ds);
    ds = NULL;
    rc = churn_dataset_read_csv(file.path, labeled, &ds, &err);
    fuzz_check_place(rc, &err, file.path);
    churn_dataset_free(ds);
    return 0;
}
