/* drift_json.c - a churn_drift as JSON (docs/DRIFT.md), written
 * atomically, every number the shortest that reads back. */
#include "models/drift_measure.h"
#include "ml/eval.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>

/* Sets key to value (taken) in o; nonzero when either is missing. */
static int put(json_t *o, const char *key, json_t *value)
{
    return value ? json_object_set_new(o, key, value) : -1;
}

/* One bin: its kind and what names it, the training (expected) and new
 * (actual) shares, the new rows in it and its term of the PSI. */
static json_t *bin_json(const churn_drift *d, const churn__drift_item *it,
                        size_t b)
{
    const churn__drift_col *c = &it->col;
    /* Each reference's shares of its own total: the score's is a
     * sample of the training rows. */
    double e = it->expected_total > 0 ? it->expected[b] / it->expected_total
                                      : 0;
    double a = d->rows > 0 ? it->actual[b] / (double)d->rows : 0;
    json_t *o = json_object();
    int bad = !o;
    if (b == c->n_bins + 1) {
        bad |= put(o, "kind", json_string("missing"));
    } else if (b == c->n_bins) {
        bad |= put(o, "kind", json_string("unknown"));
    } else if (c->categorical) {
        bad |= put(o, "kind", json_string("level"));
        bad |= put(o, "level", json_string(it->levels[b]));
    } else {
        bad |= put(o, "kind", json_string("range"));
        bad |= put(o, "above", b > 0 ? json_real(c->edges[b - 1])
                                     : json_null());
        bad |= put(o, "up_to", b < c->n_edges ? json_real(c->edges[b])
                                              : json_null());
    }
    bad |= put(o, "expected", json_real(e));
    bad |= put(o, "actual", json_real(a));
    bad |= put(o, "rows", json_integer((json_int_t)it->actual[b]));
    bad |= put(o, "psi", json_real(churn__psi_term(e, a,
                                                   CHURN__DRIFT_FLOOR)));
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* An input (name, kind, psi, bins) or the score (psi, bins). The bins:
 * ranges or levels, then unknown levels (categorical inputs only) and
 * missing values (inputs only). */
static json_t *item_json(const churn_drift *d, const churn__drift_item *it,
                         int is_input)
{
    const churn__drift_col *c = &it->col;
    json_t *o = json_object(), *bins = json_array();
    int bad = !o || !bins;
    if (is_input) {
        bad |= put(o, "name", json_string(it->name));
        bad |= put(o, "kind", json_string(c->categorical ? "categorical"
                                                         : "numeric"));
    }
    bad |= put(o, "psi", json_real(it->psi));
    for (size_t b = 0; !bad && b < c->n_bins + 2; b++) {
        if ((b == c->n_bins && !(is_input && c->categorical)) ||
            (b == c->n_bins + 1 && !is_input))
            continue;
        bad |= json_array_append_new(bins, bin_json(d, it, b));
    }
    bad |= put(o, "bins", bins);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

static json_t *drift_json(const churn_drift *d)
{
    json_t *inputs = json_array();
    int bad = !inputs;
    for (size_t r = 0; !bad && r < d->n_inputs; r++)
        bad |= json_array_append_new(
            inputs, item_json(d, &d->item[d->order[r]], 1));
    json_t *score = bad ? NULL : item_json(d, &d->item[d->n_inputs], 0);
    if (bad || !score) {
        json_decref(inputs);
        return NULL;
    }
    return json_pack("{s:I, s:I, s:f, s:o, s:o}", "rows",
                     (json_int_t)d->rows, "reference_rows",
                     (json_int_t)d->reference_rows, "floor",
                     CHURN__DRIFT_FLOOR, "inputs", inputs, "score", score);
}

int churn_drift_write_json(const churn_drift *d, const char *path,
                           churn_error *err)
{
    if (!d || !path)
        return churn__fail(err, CHURN_EINVAL, "drift: null argument");
    return churn__json_write_file(drift_json(d), JSON_PRESERVE_ORDER, path,
                                  err);
}
