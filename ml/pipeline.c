/* pipeline.c - the preprocessing pipeline: fitted on training rows only
 * (median imputation with missing indicators, one-hot encoding,
 * standardization: pipeline_fit.c), then applied per row. Its file
 * section: pipeline_io.c. */
#include "ml/pipeline_impl.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------ building */

churn__pipeline *churn__pipeline_new(size_t n_inputs)
{
    churn__pipeline *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->inputs = calloc(n_inputs ? n_inputs : 1, sizeof *p->inputs);
    if (!p->inputs) {
        free(p);
        return NULL;
    }
    p->n_inputs = n_inputs;
    return p;
}

void churn__pipeline_free(churn__pipeline *p)
{
    if (!p)
        return;
    for (size_t j = 0; j < p->n_inputs; j++) {
        free(p->inputs[j].name);
        churn__strmap_free(p->inputs[j].levels);
    }
    for (size_t k = 0; k < p->n_outputs; k++)
        free(p->out_names[k]);
    free(p->inputs);
    free(p->out_names);
    free(p->out_input);
    free(p->center);
    free(p->scale);
    free(p);
}

int churn__pipeline_reserve_outputs(churn__pipeline *p, size_t cap)
{
    size_t n = cap ? cap : 1;
    p->out_names = calloc(n, sizeof *p->out_names);
    p->out_input = calloc(n, sizeof *p->out_input);
    p->center = calloc(n, sizeof *p->center);
    p->scale = calloc(n, sizeof *p->scale);
    if (!p->out_names || !p->out_input || !p->center || !p->scale)
        return CHURN_ENOMEM;
    p->cap_outputs = cap;
    return CHURN_OK;
}

/* "<a><sep><b>" in new memory, or NULL. */
static char *join(const char *a, const char *sep, const char *b)
{
    size_t na = strlen(a), ns = strlen(sep), nb = strlen(b);
    char *s = malloc(na + ns + nb + 1);
    if (s) {
        memcpy(s, a, na);
        memcpy(s + na, sep, ns);
        memcpy(s + na + ns, b, nb + 1);
    }
    return s;
}

size_t churn__pipeline_outputs_of(const struct churn__pipeline_input *in)
{
    if (in->kind == CHURN_CATEGORICAL)
        return in->levels ? churn__strmap_count(in->levels) : 0;
    return churn__has_indicator(in) ? 2 : 1;
}

int churn__pipeline_add_outputs(churn__pipeline *p, size_t j)
{
    struct churn__pipeline_input *in = &p->inputs[j];
    in->first_out = p->n_outputs;
    in->n_out = churn__pipeline_outputs_of(in);
    for (size_t k = 0; k < in->n_out; k++) {
        const char *name = in->name;
        char *s;
        if (in->kind == CHURN_CATEGORICAL)
            s = join(name, "=", churn__strmap_key(in->levels, k));
        else
            s = k == 0 ? churn__strdup(name) : join(name, "_missing", "");
        if (!s)
            return CHURN_ENOMEM;
        size_t o = p->n_outputs++;
        p->out_names[o] = s;
        p->out_input[o] = j;
        p->center[o] = 0;
        p->scale[o] = 1;
    }
    return CHURN_OK;
}

/* ------------------------------------------------------------ accessors */

size_t churn__pipeline_n_inputs(const churn__pipeline *p)
{
    return p->n_inputs;
}

const char *churn__pipeline_input_name(const churn__pipeline *p, size_t j)
{
    return j < p->n_inputs ? p->inputs[j].name : NULL;
}

churn_column_kind churn__pipeline_input_kind(const churn__pipeline *p,
                                             size_t j)
{
    return j < p->n_inputs ? p->inputs[j].kind : CHURN_NUMERIC;
}

size_t churn__pipeline_n_levels(const churn__pipeline *p, size_t j)
{
    return (j < p->n_inputs && p->inputs[j].levels)
               ? churn__strmap_count(p->inputs[j].levels)
               : 0;
}

const char *churn__pipeline_level(const churn__pipeline *p, size_t j,
                                  size_t k)
{
    if (k >= churn__pipeline_n_levels(p, j))
        return NULL;
    return churn__strmap_key(p->inputs[j].levels, k);
}

size_t churn__pipeline_level_code(const churn__pipeline *p, size_t j,
                                  const char *text)
{
    if (j >= p->n_inputs || !p->inputs[j].levels || !text)
        return (size_t)-1;
    return churn__strmap_find(p->inputs[j].levels, text, strlen(text));
}

size_t churn__pipeline_n_outputs(const churn__pipeline *p)
{
    return p->n_outputs;
}

const char *churn__pipeline_output_name(const churn__pipeline *p, size_t k)
{
    return k < p->n_outputs ? p->out_names[k] : NULL;
}

size_t churn__pipeline_output_input(const churn__pipeline *p, size_t k)
{
    return k < p->n_outputs ? p->out_input[k] : (size_t)-1;
}

void churn__pipeline_output_scaling(const churn__pipeline *p, size_t k,
                                    double *center, double *scale)
{
    *center = k < p->n_outputs ? p->center[k] : 0;
    *scale = k < p->n_outputs ? p->scale[k] : 1;
}

/* ------------------------------------------------------------ transform */

/* out[k] = (out[k] - center[k]) / scale[k] for k < n: the same IEEE
 * operations lane by lane whatever the vector width, so AVX2 where the
 * processor has it (chosen once, at load time) gives the very bits of
 * the plain loop. */
CHURN__CLONES("avx512f", "avx2", "default")
static void standardize_row(double *restrict out,
                            const double *restrict center,
                            const double *restrict scale, size_t n)
{
    for (size_t k = 0; k < n; k++)
        out[k] = (out[k] - center[k]) / scale[k];
}

void churn__pipeline_values(const churn__pipeline *p, const double *x,
                            size_t d, size_t n_rows, double *out,
                            size_t stride)
{
    /* Input by input, all rows at once: the input's description is read
     * once per block of rows, not once per value. */
    for (size_t j = 0; j < p->n_inputs; j++) {
        const struct churn__pipeline_input *in = &p->inputs[j];
        double *o = out + in->first_out * stride;
        const double *v = x + j;
        if (in->kind == CHURN_CATEGORICAL) {
            size_t n_out = in->n_out;
            for (size_t r = 0; r < n_rows; r++) {
                double code = v[r * d];
                for (size_t c = 0; c < n_out; c++)
                    o[c * stride + r] = 0.0;
                if (code >= 0 && code < (double)n_out && code == floor(code))
                    o[(size_t)code * stride + r] = 1.0;
            }
            continue;
        }
        double impute = in->impute;
        if (in->missing == CHURN__MISSING_ALL) {
            for (size_t r = 0; r < n_rows; r++) {
                o[r] = impute;
                o[stride + r] = 1.0;
            }
        } else if (in->missing == CHURN__MISSING_KEPT) {
            for (size_t r = 0; r < n_rows; r++)
                o[r] = v[r * d];
        } else if (in->missing == CHURN__MISSING_SOME) {
            for (size_t r = 0; r < n_rows; r++) {
                double value = v[r * d];
                int missing = isnan(value);
                o[r] = missing ? impute : value;
                o[stride + r] = missing ? 1.0 : 0.0;
            }
        } else {
            for (size_t r = 0; r < n_rows; r++) {
                double value = v[r * d];
                o[r] = isnan(value) ? impute : value;
            }
        }
    }
}

/* Two steps: each output's value before standardization (the imputed
 * number, the 0/1 indicator or one-hot value), then one loop that
 * standardizes them all, which vectorizes. */
void churn__pipeline_transform(const churn__pipeline *p, const double *raw,
                               double *out)
{
    churn__pipeline_values(p, raw, 0, 1, out, 1);
    standardize_row(out, p->center, p->scale, p->n_outputs);
}
