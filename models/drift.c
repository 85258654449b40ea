/* drift.c - a model's drift reference itself: the bin of a value and the
 * reference's lifetime. Calls nothing of the model (model.c frees a
 * model's reference through it); fitting one from the training rows is
 * drift_fit.c, its model-file section drift_io.c. */
#include "models/drift.h"

#include <math.h>
#include <stdlib.h>

void churn__drift_ref_free(churn__drift_ref *r)
{
    if (!r)
        return;
    for (size_t j = 0; r->input && j < r->n_inputs; j++)
        free(r->input[j].count);
    free(r->input);
    free(r->score.count);
    free(r);
}

size_t churn__drift_bin(const churn__drift_col *c, double x)
{
    if (isnan(x))
        return c->n_bins + 1;
    if (c->categorical)
        return x >= 0 && x < (double)c->n_bins && x == floor(x)
                   ? (size_t)x : c->n_bins;
    return churn__edge_bin(c->edges, c->n_edges, x);
}
