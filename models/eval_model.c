/* eval_model.c - evaluation reports of models: a model's metadata in a
 * report, the report of training's held-out rows, and cross-validation. */
#include "ml/eval.h"
#include "ml/cv.h"
#include "models/model.h"
#include "models/train.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The training setup that m tells: family, its figures (all of them, or
 * with settings_only those that are settings, such as C, and not what one
 * fit counted, such as Newton iterations), class weight, label. */
static int add_training(churn_eval *e, const churn_model *m,
                        int settings_only)
{
    int rc = churn__eval_add_training(e, "family", churn_model_family(m),
                                      NAN, 1);
    int settings = 0;
    for (size_t k = 0; rc == CHURN_OK && k < m->n_figures; k++) {
        /* digits 0: a count (iterations, trees, support vectors). */
        int setting = m->figure[k]->digits != 0;
        settings |= setting && !isnan(m->figure_value[k]);
        if (!isnan(m->figure_value[k]) && (setting || !settings_only))
            rc = churn__eval_add_training(e, m->figure[k]->name, NULL,
                                          m->figure_value[k], setting);
    }
    /* A family whose settings are no figures (gbdt: depth, learning
     * rate): the search's words for the candidate it kept. */
    if (rc == CHURN_OK && !settings && m->board.chosen < m->board.n)
        rc = churn__eval_add_training(
            e, "params", m->board.cand[m->board.chosen].params, NAN, 1);
    if (rc == CHURN_OK && m->class_weight[0])
        rc = churn__eval_add_training(e, "class_weight", m->class_weight,
                                      NAN, 1);
    if (rc == CHURN_OK && m->label_name)
        rc = churn__eval_add_training(e, "label", m->label_name, NAN, 0);
    if (rc == CHURN_OK && m->label_positive)
        rc = churn__eval_add_training(e, "label_positive", m->label_positive,
                                      NAN, 0);
    if (rc == CHURN_OK && m->board.n)
        rc = churn__eval_add_training(e, "search", m->board.metric, NAN, 0);
    return rc;
}

int churn_eval_set_model(churn_eval *e, const churn_model *m)
{
    if (!e || !m)
        return CHURN_EINVAL;
    int rc = add_training(e, m, 0);
    if (rc == CHURN_OK)
        rc = churn_eval_add_info(e, "model_family", churn_model_family(m));
    if (rc == CHURN_OK && m->created[0])
        rc = churn_eval_add_info(e, "model_created", m->created);
    if (rc == CHURN_OK && m->library[0])
        rc = churn_eval_add_info(e, "model_library", m->library);
    if (rc == CHURN_OK && m->class_weight[0])
        rc = churn_eval_add_info(e, "class_weight", m->class_weight);
    for (size_t k = 0; rc == CHURN_OK && k < churn__model_n_figures(m);
         k++) {
        char buf[CHURN__NUM_BUF];
        const char *name;
        double v = churn__model_figure_at(m, k, &name);
        if (!isnan(v))
            rc = churn_eval_add_info(e, name, churn__format_double(v, buf));
    }
    for (size_t j = 0; rc == CHURN_OK && j < churn_model_n_inputs(m); j++)
        rc = churn_eval_add_feature(e, churn_model_input_name(m, j));
    if (rc == CHURN_OK) { /* a model set before is replaced */
        churn__board_clear(&e->board);
        rc = churn__board_copy(&e->board, &m->board);
    }
    return rc;
}

int churn_model_validation_eval(const churn_model *m,
                                const churn_eval_opts *o, churn_eval **out,
                                churn_error *err)
{
    if (!m || !out)
        return churn__fail(err, CHURN_EINVAL, "churn_model_validation_eval: "
                           "null argument");
    *out = NULL;
    if (!m->validation_prob || m->n_validation == 0)
        return churn__fail(err, CHURN_EEMPTY, "the model has no validation "
                           "rows (trained with validation 0, or loaded)");
    int rc = churn_eval_compute(m->validation_prob, m->validation_label,
                                m->n_validation, o, out, err);
    if (rc == CHURN_OK && (rc = churn_eval_set_model(*out, m)) == CHURN_OK)
        rc = churn_eval_add_info(*out, "evaluated_on", "validation split");
    if (rc != CHURN_OK && *out) {
        churn_eval_free(*out);
        *out = NULL;
        if (rc == CHURN_ENOMEM)
            churn__fail_nomem(err);
    }
    return rc;
}

/* A copy of ds (same columns, levels in the same order, ids, as-of) in
 * which the labels of rows whose fold is `fold` are NaN, so that
 * churn_train leaves them out. */
static int copy_without_fold(const churn_dataset *ds, const size_t *fold_of,
                             size_t fold, churn_dataset **out,
                             churn_error *err)
{
    size_t n = churn_dataset_n_rows(ds), d = churn_dataset_n_cols(ds);
    churn_dataset *c = churn_dataset_new(d);
    int rc = c ? CHURN_OK : churn__fail_nomem(err);
    for (size_t j = 0; rc == CHURN_OK && j < d; j++) {
        rc = churn_dataset_set_column(c, j, churn_dataset_column_name(ds, j),
                                      churn_dataset_column_kind(ds, j), err);
        for (size_t k = 0; rc == CHURN_OK &&
                           k < churn_dataset_n_levels(ds, j); k++) {
            double code;
            rc = churn_dataset_level_code(c, j, churn_dataset_level(ds, j, k),
                                          &code, err);
        }
    }
    if (rc == CHURN_OK && churn_dataset_label_name(ds))
        rc = churn_dataset_set_label_name(c, churn_dataset_label_name(ds),
                                          err);
    if (rc == CHURN_OK)
        rc = churn_dataset_reserve(c, n, err);
    const double *values = churn_dataset_values(ds);
    for (size_t i = 0; rc == CHURN_OK && i < n; i++) {
        double y = fold_of[i] == fold ? NAN : churn_dataset_label(ds, i);
        rc = churn_dataset_add_row(c, churn_dataset_id(ds, i), values + i * d,
                                   y, err);
        if (rc == CHURN_OK && !isnan(churn_dataset_as_of(ds, i)))
            rc = churn_dataset_set_as_of(c, i, churn_dataset_as_of(ds, i),
                                         err);
        if (rc == CHURN_OK && churn_dataset_has_days_to_churn(ds))
            rc = churn_dataset_set_days_to_churn(
                c, i, churn_dataset_days_to_churn(ds, i), err);
    }
    if (rc != CHURN_OK) {
        churn_dataset_free(c);
        return rc;
    }
    *out = c;
    return CHURN_OK;
}

/* Mean and sample standard deviation of each figure over the folds. */
static void fold_stats(churn_eval *pooled, churn_eval **folds, size_t k)
{
    for (int m = 0; m < CHURN__E_COUNT; m++) {
        double sum = 0, sq = 0;
        for (size_t f = 0; f < k; f++)
            sum += folds[f]->metrics[m];
        double mean = sum / (double)k;
        for (size_t f = 0; f < k; f++)
            sq += (folds[f]->metrics[m] - mean) * (folds[f]->metrics[m] - mean);
        pooled->fold_mean[m] = mean;
        pooled->fold_sd[m] = sqrt(sq / (double)(k - 1));
    }
    pooled->n_folds = k;
}

/* Trains on every fold but f and scores fold f into oof (out of fold). */
static int run_fold(const churn_dataset *ds, const churn_train_opts *to,
                    const size_t *fold_of, size_t f, double *prob,
                    double *oof, churn_model **keep, churn_error *err)
{
    churn_dataset *train = NULL;
    churn_model *m = NULL;
    int rc = copy_without_fold(ds, fold_of, f, &train, err);
    if (rc == CHURN_OK)
        rc = churn_train(train, to, &m, err);
    if (rc == CHURN_OK)
        rc = churn_model_predict_dataset(m, ds, prob, err);
    for (size_t i = 0; rc == CHURN_OK && i < churn_dataset_n_rows(ds); i++)
        if (fold_of[i] == f)
            oof[i] = prob[i];
    if (rc == CHURN_OK && keep) { /* the caller owns it now */
        *keep = m;
        m = NULL;
    }
    churn_model_free(m);
    churn_dataset_free(train);
    return rc;
}

/* Folds of the labeled rows of ds in fold_of (n rows; k for unlabeled). */
static int deal_folds(const churn_dataset *ds, size_t k, uint64_t seed,
                      size_t *fold_of, churn_error *err)
{
    size_t n = churn_dataset_n_rows(ds), m = 0;
    size_t *rows = malloc((n + 1) * sizeof *rows);
    size_t *dealt = malloc((n + 1) * sizeof *dealt);
    int rc = rows && dealt ? CHURN_OK : churn__fail_nomem(err);
    if (rc == CHURN_OK && !churn_dataset_has_labels(ds))
        rc = churn__fail(err, CHURN_EINVAL, "cross-validation needs labels");
    for (size_t i = 0; rc == CHURN_OK && i < n; i++) {
        fold_of[i] = k;
        if (!isnan(churn_dataset_label(ds, i)))
            rows[m++] = i;
    }
    if (rc == CHURN_OK)
        rc = churn__cv_folds(ds, rows, m, k, seed, dealt, err);
    for (size_t r = 0; rc == CHURN_OK && r < m; r++)
        fold_of[rows[r]] = dealt[r];
    free(rows);
    free(dealt);
    return rc;
}

/* The report of fold f's rows alone (no bootstrap). */
static int eval_fold(const churn_dataset *ds, const double *oof,
                     const size_t *fold_of, size_t f,
                     const churn_eval_opts *o, double *y, churn_eval **out,
                     churn_error *err)
{
    size_t n = churn_dataset_n_rows(ds);
    for (size_t i = 0; i < n; i++)
        y[i] = fold_of[i] == f ? churn_dataset_label(ds, i) : NAN;
    return churn_eval_compute(oof, y, n, o, out, err);
}

/* The training setup of a cross-validation: what fold 1's model tells
 * (its settings; every fold trains with the same options), the training
 * seed, the folds and their seed. */
static int cv_training(churn_eval *e, const churn_model *first,
                       const churn_train_opts *to, size_t k, uint64_t seed)
{
    int rc = add_training(e, first, 1);
    if (rc == CHURN_OK)
        rc = churn__eval_add_training(
            e, "seed", NULL, (double)churn__train_opts_seed(to), 0);
    if (rc == CHURN_OK)
        rc = churn__eval_add_training(e, "folds", NULL, (double)k, 0);
    if (rc == CHURN_OK)
        rc = churn__eval_add_training(e, "fold_seed", NULL, (double)seed, 0);
    return rc;
}

int churn_eval_cv(const churn_dataset *ds, const churn_train_opts *to,
                  size_t k, const churn_eval_opts *o, churn_eval **out,
                  churn_error *err)
{
    if (out)
        *out = NULL;
    if (!ds || !to || !out || k < 2 || k > 100)
        return churn__fail(err, CHURN_EINVAL, "churn_eval_cv: bad argument "
                           "(k must be 2 to 100)");
    if (!o)
        o = &churn__eval_defaults;
    churn_eval_opts per_fold = *o;
    per_fold.resamples = 0; /* intervals only for the pooled figures */
    size_t n = churn_dataset_n_rows(ds);
    size_t *fold_of = malloc((n + 1) * sizeof *fold_of);
    double *prob = malloc((n + 1) * sizeof *prob);
    double *oof = malloc((n + 1) * sizeof *oof);
    double *y = malloc((n + 1) * sizeof *y);
    churn_eval **folds = calloc(k, sizeof *folds), *pooled = NULL;
    churn_model *first = NULL; /* fold 1's: what the folds trained */
    int rc = fold_of && prob && oof && y && folds ? CHURN_OK
                                                  : churn__fail_nomem(err);
    if (rc == CHURN_OK)
        rc = deal_folds(ds, k, o->seed, fold_of, err);
    for (size_t i = 0; rc == CHURN_OK && i < n; i++)
        oof[i] = fold_of[i] < k ? NAN : 0; /* unlabeled rows: not scored */
    for (size_t f = 0; rc == CHURN_OK && f < k; f++)
        rc = run_fold(ds, to, fold_of, f, prob, oof, f == 0 ? &first : NULL,
                      err);
    for (size_t f = 0; rc == CHURN_OK && f < k; f++)
        rc = eval_fold(ds, oof, fold_of, f, &per_fold, y, &folds[f], err);
    for (size_t i = 0; rc == CHURN_OK && i < n; i++)
        y[i] = fold_of[i] < k ? churn_dataset_label(ds, i) : NAN;
    if (rc == CHURN_OK)
        rc = churn_eval_compute(oof, y, n, o, &pooled, err);
    if (rc == CHURN_OK) {
        fold_stats(pooled, folds, k);
        char buf[64];
        snprintf(buf, sizeof buf, "%zu-fold cross-validation", k);
        rc = churn_eval_add_info(pooled, "evaluated_on", buf);
        if (rc == CHURN_OK)
            rc = cv_training(pooled, first, to, k, o->seed);
        for (size_t j = 0; rc == CHURN_OK && j < churn_dataset_n_cols(ds); j++)
            rc = churn_eval_add_feature(pooled,
                                        churn_dataset_column_name(ds, j));
        if (rc == CHURN_ENOMEM)
            churn__fail_nomem(err);
    }
    if (rc == CHURN_OK) {
        *out = pooled;
        pooled = NULL;
    }
    churn_eval_free(pooled);
    churn_model_free(first);
    for (size_t f = 0; folds && f < k; f++)
        churn_eval_free(folds[f]);
    free(folds);
    free(fold_of);
    free(prob);
    free(oof);
    free(y);
    return rc;
}
