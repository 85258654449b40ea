/* pipeline_lanes.h - pipeline_linear.c's kernel for one vector width.
 * Only pipeline_linear.c includes it, once per width, with these defined:
 * LANES (rows side by side), LANES_T and MASK_T (vectors of LANES doubles
 * and of LANES int64_t), COLUMN(row, j) (element j of the rows at
 * row[0..LANES)), KERNEL (the function's name) and KERNEL_TARGET (its
 * target attribute, or nothing); it undefines them at its end. */

/* The decision values of rows 0..n_rows-1 at x, LANES rows at a time: per
 * row, from b over the outputs k in order, sum += w[k] * ((v - center[k])
 * / scale[k]), where v is the output's value before standardization
 * (churn__pipeline_values': the imputed number, the 0/1 missing
 * indicator, the 0/1 one-hot value): churn__pipeline_transform's
 * operations and then a dot product over its row, in the same order, so
 * the same bits in every lane and at every width. */
KERNEL_TARGET static void KERNEL(const churn__pipeline *p, const double *x,
                                 size_t d, size_t n_rows,
                                 const double *restrict w, double b,
                                 double *restrict out)
{
    const double *center = p->center, *scale = p->scale;
    const double *row[LANES];
    for (size_t r0 = 0; r0 < n_rows; r0 += LANES) {
        /* The last row fills the lanes past the end (their sums are not
         * written). */
        size_t last = n_rows - 1 - r0;
        for (size_t l = 0; l < LANES; l++)
            row[l] = x + (r0 + (l < last ? l : last)) * d;
        prefetch_ahead(x, d, n_rows, r0, LANES);
        LANES_T sum = SPLAT(b);
        size_t k = 0;
        for (size_t j = 0; j < p->n_inputs; j++) {
            const struct churn__pipeline_input *in = &p->inputs[j];
            LANES_T v = COLUMN(row, j);
            if (in->kind == CHURN_CATEGORICAL) {
                /* v == c only for an integer code c in 0..n_out-1: an
                 * unknown, fractional or missing code matches no level. */
                for (size_t c = 0; c < in->n_out; c++, k++) {
                    LANES_T one = PICK(v == (double)c, SPLAT(1.0),
                                       SPLAT(0.0));
                    sum += w[k] * ((one - center[k]) / scale[k]);
                }
                continue;
            }
            MASK_T missing = v != v; /* NaN */
            if (in->missing == CHURN__MISSING_ALL) {
                v = SPLAT(in->impute);
                missing = (MASK_T){0} - 1;
            } else if (in->missing != CHURN__MISSING_KEPT) {
                v = PICK(missing, SPLAT(in->impute), v);
            }
            sum += w[k] * ((v - center[k]) / scale[k]);
            k++;
            if (churn__has_indicator(in)) {
                LANES_T flag = PICK(missing, SPLAT(1.0), SPLAT(0.0));
                sum += w[k] * ((flag - center[k]) / scale[k]);
                k++;
            }
        }
        for (size_t l = 0; l < LANES && l <= last; l++)
            out[r0 + l] = sum[l];
    }
}

/* The parameters are this width's only: the next width defines its own. */
#undef LANES
#undef LANES_T
#undef MASK_T
#undef COLUMN
#undef KERNEL
#undef KERNEL_TARGET
