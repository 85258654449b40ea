/* bench_xgb.c - the XGBoost wrapper (models/xgb.c) on a tabular CSV:
 * even rows train, odd rows test; prints the test AUC, the rounds and
 * the fit time. Built by `make build/bench/bench_xgb` (not by make check).
 *
 *   build/bench/bench_xgb CSV LABEL [options]
 *     --trees N --depth N --eta X --subsample X --colsample X --seed N
 *     --threads N --early-stopping N (0 = off) --holdout X
 *     --libsvm TRAIN TEST   also write the one-hot rows in libsvm format,
 *                           every value explicit (XGBoost's CLI reads an
 *                           absent entry as missing, not 0)
 *     --save FILE           also write the booster's UBJSON bytes
 *     --margins FILE        also write the test rows' margins, one a line
 *
 * Categorical columns are one-hot encoded with the training rows' levels
 * (a level seen only in test rows gets all zeros); numbers pass as they
 * are (trees need no scaling); NaN stays missing. */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */

#include "churn.h"
#include "models/xgb.h"
#include "ml/metrics.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double seconds(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* One-hot width of the dataset: a numeric column is one input, a
 * categorical one as many as it has levels. */
static size_t encoded_width(const churn_dataset *ds)
{
    size_t w = 0;
    for (size_t j = 0; j < churn_dataset_n_cols(ds); j++)
        w += churn_dataset_column_kind(ds, j) == CHURN_CATEGORICAL
                 ? churn_dataset_n_levels(ds, j)
                 : 1;
    return w;
}

static void encode_row(const churn_dataset *ds, size_t i, double *out)
{
    size_t k = 0;
    for (size_t j = 0; j < churn_dataset_n_cols(ds); j++) {
        double v = churn_dataset_value(ds, i, j);
        if (churn_dataset_column_kind(ds, j) != CHURN_CATEGORICAL) {
            out[k++] = v;
            continue;
        }
        size_t levels = churn_dataset_n_levels(ds, j);
        for (size_t l = 0; l < levels; l++)
            out[k + l] = v == v ? (double)(v == (double)l) : 0;
        k += levels;
    }
}

static void write_libsvm(const char *path, const double *x, const double *y,
                         size_t n, size_t d)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "%d", (int)y[i]);
        for (size_t j = 0; j < d; j++)
            if (x[i * d + j] == x[i * d + j])
                fprintf(f, " %zu:%.9g", j, x[i * d + j]);
        fputc('\n', f);
    }
    fclose(f);
}

static double arg_num(int argc, char **argv, int *i)
{
    if (*i + 1 >= argc) {
        fprintf(stderr, "bench_xgb: %s needs a value\n", argv[*i]);
        exit(2);
    }
    char *end;
    double v = strtod(argv[++*i], &end);
    if (*end) {
        fprintf(stderr, "bench_xgb: bad number '%s'\n", argv[*i]);
        exit(2);
    }
    return v;
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: bench_xgb CSV LABEL [options]\n");
        return 2;
    }
    churn__xgb_params p;
    churn__xgb_params_default(&p);
    const char *svm_train = NULL, *svm_test = NULL, *save = NULL;
    const char *margins = NULL;
    for (int i = 3; i < argc; i++) {
        const char *a = argv[i];
        if (!strcmp(a, "--trees")) p.max_rounds = (size_t)arg_num(argc, argv, &i);
        else if (!strcmp(a, "--depth")) p.depth = (size_t)arg_num(argc, argv, &i);
        else if (!strcmp(a, "--eta")) p.learning_rate = arg_num(argc, argv, &i);
        else if (!strcmp(a, "--subsample")) p.subsample = arg_num(argc, argv, &i);
        else if (!strcmp(a, "--colsample")) p.colsample = arg_num(argc, argv, &i);
        else if (!strcmp(a, "--seed")) p.seed = (uint64_t)arg_num(argc, argv, &i);
        else if (!strcmp(a, "--threads")) p.threads = (size_t)arg_num(argc, argv, &i);
        else if (!strcmp(a, "--early-stopping"))
            p.early_stopping_rounds = (size_t)arg_num(argc, argv, &i);
        else if (!strcmp(a, "--holdout")) p.holdout = arg_num(argc, argv, &i);
        else if (!strcmp(a, "--save") && i + 1 < argc) save = argv[++i];
        else if (!strcmp(a, "--margins") && i + 1 < argc)
            margins = argv[++i];
        else if (!strcmp(a, "--libsvm") && i + 2 < argc) {
            svm_train = argv[++i];
            svm_test = argv[++i];
        } else {
            fprintf(stderr, "bench_xgb: unknown option '%s'\n", a);
            return 2;
        }
    }
    churn_error err = {0};
    churn_csv_opts *o = churn_csv_opts_new();
    churn_dataset *ds = NULL;
    if (churn_csv_opts_set_label_column(o, argv[2]) ||
        churn_dataset_read_csv(argv[1], o, &ds, &err)) {
        fprintf(stderr, "bench_xgb: %s\n", err.message);
        return 1;
    }
    churn_csv_opts_free(o);
    size_t n = churn_dataset_n_rows(ds), d = encoded_width(ds);
    size_t ntr = (n + 1) / 2, nte = n / 2;
    double *xtr = malloc(ntr * d * sizeof *xtr), *ytr = malloc(ntr * 8);
    double *xte = malloc(nte * d * sizeof *xte), *yte = malloc(nte * 8);
    double *m = malloc(nte * sizeof *m);
    for (size_t i = 0; i < n; i++) {
        double *x = i % 2 ? xte + i / 2 * d : xtr + i / 2 * d;
        encode_row(ds, i, x);
        (i % 2 ? yte : ytr)[i / 2] = churn_dataset_label(ds, i);
    }
    if (svm_train) {
        write_libsvm(svm_train, xtr, ytr, ntr, d);
        write_libsvm(svm_test, xte, yte, nte, d);
    }
    churn__xgb *b = NULL;
    churn__xgb_info info;
    double t0 = seconds();
    if (churn__xgb_fit(&p, xtr, ytr, ntr, d, &b, &info, &err)) {
        fprintf(stderr, "bench_xgb: %s\n", err.message);
        return 1;
    }
    double fit_s = seconds() - t0;
    if (churn__xgb_margins(b, xte, nte, m, &err)) {
        fprintf(stderr, "bench_xgb: %s\n", err.message);
        return 1;
    }
    double auc;
    churn__auc(m, yte, nte, &auc);
    FILE *f;
    if (save && (f = fopen(save, "wb"))) {
        size_t len;
        const unsigned char *bytes = churn__xgb_bytes(b, &len);
        fwrite(bytes, 1, len, f);
        fclose(f);
    }
    if (margins && (f = fopen(margins, "w"))) {
        for (size_t i = 0; i < nte; i++)
            fprintf(f, "%.9g\n", m[i]);
        fclose(f);
    }
    printf("rows=%zu+%zu inputs=%zu rounds=%zu held=%zu held_logloss=%.4f "
           "fit_s=%.3f auc=%.4f\n", ntr, nte, d, info.rounds,
           info.holdout_rows, info.holdout_logloss, fit_s, auc);
    churn__xgb_free(b);
    churn_dataset_free(ds);
    free(xtr);
    free(ytr);
    free(xte);
    free(yte);
    free(m);
    return 0;
}
