/* model.c - the model container: accessors and batch prediction. */
#include "models/model.h"
#include "models/drift.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const churn__metric_names[CHURN__M_COUNT] = {
    "train_rows",     "train_positives",     "validation_rows",
    "validation_auc", "validation_log_loss", "train_seconds",
    "cv_metric",
};

/* Rows bound from a dataset per call of churn_model_predict. */
#define PREDICT_BATCH 256

churn_model *churn__model_new(void)
{
    churn_model *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    for (size_t k = 0; k < CHURN__M_COUNT; k++)
        m->metrics[k] = NAN;
    return m;
}

void churn_model_free(churn_model *m)
{
    if (!m)
        return;
    churn__pipeline_free(m->pipe);
    churn__classifier_clear(&m->clf);
    churn__calibration_clear(&m->cal);
    free(m->label_name);
    free(m->label_positive);
    free(m->validation_prob);
    free(m->validation_label);
    churn__drift_ref_free(m->drift);
    churn__board_clear(&m->board);
    free(m);
}

const char *churn_model_family(const churn_model *m)
{
    return m->clf.family ? m->clf.family->name : "";
}

const char *churn_model_class_weight(const churn_model *m)
{
    return m->class_weight;
}

const char *churn_model_label_name(const churn_model *m)
{
    return m->label_name;
}

const char *churn_model_label_positive(const churn_model *m)
{
    return m->label_positive;
}

size_t churn_model_n_inputs(const churn_model *m)
{
    return churn__pipeline_n_inputs(m->pipe);
}

const char *churn_model_input_name(const churn_model *m, size_t j)
{
    return j < churn_model_n_inputs(m) ? churn__pipeline_input_name(m->pipe, j)
                                       : NULL;
}

churn_column_kind churn_model_input_kind(const churn_model *m, size_t j)
{
    return churn__pipeline_input_kind(m->pipe, j);
}

double churn_model_category_code(const churn_model *m, size_t j,
                                 const char *text)
{
    if (j >= churn_model_n_inputs(m) || !text ||
        churn__pipeline_input_kind(m->pipe, j) != CHURN_CATEGORICAL)
        return -1;
    size_t k = churn__pipeline_level_code(m->pipe, j, text);
    return k == (size_t)-1 ? -1.0 : (double)k;
}

/* Where the next part of a line of size bytes at buf goes after len
 * bytes, and the room left: none once it is full (snprintf counts on). */
static char *at(char *buf, size_t size, size_t len, size_t *room)
{
    *room = len < size ? size - len : 0;
    return *room ? buf + len : NULL;
}

size_t churn_model_describe(const churn_model *m, char *buf, size_t size)
{
    if (!m)
        return 0;
    size_t room;
    if (!buf)
        size = 0;
    int k = snprintf(buf, size, "%s", churn_model_family(m));
    size_t len = k > 0 ? (size_t)k : 0;
    for (size_t i = 0; i < m->n_figures; i++) {
        const churn__figure *f = m->figure[i];
        double v = m->figure_value[i];
        if (isnan(v))
            continue;
        char *p = at(buf, size, len, &room);
        /* digits 0: a count, written whole. */
        k = f->digits ? snprintf(p, room, ", %s%.*g%s", f->before, f->digits,
                                 v, f->after)
                      : snprintf(p, room, ", %s%.0f%s", f->before, v,
                                 f->after);
        len += k > 0 ? (size_t)k : 0;
    }
    return len;
}

size_t churn__model_n_figures(const churn_model *m)
{
    return CHURN__M_COUNT + m->n_figures;
}

double churn__model_figure_at(const churn_model *m, size_t k,
                              const char **name)
{
    /* cv_metric, the search's, stays last, where files always had it. */
    if (k < CHURN__M_CV_METRIC || k >= CHURN__M_CV_METRIC + m->n_figures) {
        size_t i = k < CHURN__M_CV_METRIC ? k : k - m->n_figures;
        *name = churn__metric_names[i];
        return m->metrics[i];
    }
    *name = m->figure[k - CHURN__M_CV_METRIC]->name;
    return m->figure_value[k - CHURN__M_CV_METRIC];
}

double churn_model_metric(const churn_model *m, const char *name)
{
    const char *at;
    for (size_t k = 0; name && k < churn__model_n_figures(m); k++) {
        double v = churn__model_figure_at(m, k, &at);
        if (strcmp(name, at) == 0)
            return v;
    }
    /* "iterations", of files before each figure had one meaning: the
     * family's count that stood under that name. */
    for (size_t k = 0; name && k < m->n_figures; k++)
        if (strcmp(name, "iterations") == 0 &&
            m->figure[k]->compat_iterations)
            return m->figure_value[k];
    return NAN;
}

double churn__model_decision(const churn_model *m, const double *raw,
                             double *scratch)
{
    churn__pipeline_transform(m->pipe, raw, scratch);
    return churn__classifier_decision(&m->clf, scratch);
}

const char **churn__model_output_names(const churn_model *m)
{
    const char **names = malloc((m->n_outputs ? m->n_outputs : 1) *
                                sizeof *names);
    for (size_t k = 0; names && k < m->n_outputs; k++)
        names[k] = churn__pipeline_output_name(m->pipe, k);
    return names;
}

/* Linear classifiers: the decision values of all rows, transform and dot
 * product fused (churn__pipeline_linear), then calibrated in place. */
static void predict_linear(const churn_model *m, const double *w, double b0,
                           const double *x, size_t n, double *prob_out)
{
    churn__pipeline_linear(m->pipe, x, churn_model_n_inputs(m), n, w, b0,
                           prob_out);
    for (size_t r = 0; r < n; r++)
        prob_out[r] = churn__calibrate(&m->cal, prob_out[r]);
}

/* Rows per call of a family's batch decisions: XGBoost's per-call cost
 * (a float copy, a prediction cache lookup) is paid once per block. */
#define DECISION_BLOCK 512

/* Other classifiers, DECISION_BLOCK rows at a time through the family's
 * batch decisions (XGBoost predicts a block in one call and says why a
 * row fails). The decision values are the per-row operation's bits
 * (churn-score's). */
static int predict_rows(const churn_model *m, const double *x, size_t n,
                        double *prob_out, churn_error *err)
{
    size_t d = churn_model_n_inputs(m), p = m->n_outputs;
    size_t block = n < DECISION_BLOCK ? n : DECISION_BLOCK;
    double *z = malloc((block * p + 1) * sizeof *z);
    int rc = z ? CHURN_OK : churn__fail_nomem(err);
    for (size_t start = 0; start < n && rc == CHURN_OK; start += block) {
        size_t b = n - start < block ? n - start : block;
        for (size_t r = 0; r < b; r++)
            churn__pipeline_transform(m->pipe, x + (start + r) * d,
                                      z + r * p);
        rc = churn__classifier_decisions(&m->clf, z, b, p, prob_out + start,
                                         err);
        for (size_t r = 0; rc == CHURN_OK && r < b; r++)
            prob_out[start + r] = churn__calibrate(&m->cal,
                                                   prob_out[start + r]);
    }
    free(z);
    return rc;
}

int churn_model_predict(const churn_model *m, const double *x, size_t n_rows,
                        double *prob_out, churn_error *err)
{
    if (!m || (!x && n_rows) || (!prob_out && n_rows))
        return churn__fail(err, CHURN_EINVAL, "predict: null argument");
    /* A fixed-order dot product per row, not one GEMV per batch: BLAS
     * kernels may sum the tail rows of a batch in another order, and a
     * row must score to the same bits whether it comes alone or in a
     * million-row file. */
    double b = 0;
    const double *w = churn__classifier_linear(&m->clf, &b);
    if (w) {
        predict_linear(m, w, b, x, n_rows, prob_out);
        return CHURN_OK;
    }
    return predict_rows(m, x, n_rows, prob_out, err);
}

int churn_model_predict_dataset(const churn_model *m, const churn_dataset *ds,
                                double *prob_out, churn_error *err)
{
    if (!m || !ds)
        return churn__fail(err, CHURN_EINVAL, "predict: null argument");
    churn__binding *bind;
    int rc = churn__pipeline_bind(m->pipe, ds, &bind, err);
    if (rc != CHURN_OK)
        return rc;
    size_t d = churn_model_n_inputs(m), n = churn_dataset_n_rows(ds);
    double *raw = malloc(PREDICT_BATCH * (d ? d : 1) * sizeof *raw);
    if (!raw) {
        churn__binding_free(bind);
        return churn__fail_nomem(err);
    }
    /* Same path as churn_model_predict, batch by batch, so the numbers
     * are the very same bits. */
    for (size_t start = 0; start < n && rc == CHURN_OK;
         start += PREDICT_BATCH) {
        size_t b = n - start < PREDICT_BATCH ? n - start : PREDICT_BATCH;
        for (size_t i = 0; i < b; i++)
            churn__binding_row(bind, ds, start + i, raw + i * d);
        rc = churn_model_predict(m, raw, b, prob_out + start, err);
    }
    free(raw);
    churn__binding_free(bind);
    return rc;
}

int churn__model_raw_rows(const churn_model *m, const churn_dataset *ds,
                          double **x, churn_error *err)
{
    churn__binding *bind;
    size_t n = churn_dataset_n_rows(ds), d = churn_model_n_inputs(m);
    int rc = churn__pipeline_bind(m->pipe, ds, &bind, err);
    if (rc != CHURN_OK)
        return rc;
    *x = malloc((n * d > 0 ? n * d : 1) * sizeof **x);
    if (!*x)
        rc = churn__fail_nomem(err);
    for (size_t i = 0; *x && i < n; i++)
        churn__binding_row(bind, ds, i, *x + i * d);
    churn__binding_free(bind);
    return rc;
}
