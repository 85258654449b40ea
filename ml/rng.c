/* rng.c - the library's one way to make a GSL generator. gsl_rng_alloc
 * reports out of memory through GSL_ERROR, i.e. the process-wide handler,
 * which by default calls abort(), and a library must not change that
 * handler behind its host's back. The gsl_rng struct is public (type +
 * state), so the allocation is done here and only the seeding is GSL's. */
#include "ml/rng.h"

#include <stdlib.h>

gsl_rng *churn__rng_alloc(void)
{
    const gsl_rng_type *t = gsl_rng_mt19937;
    gsl_rng *r = malloc(sizeof *r);
    if (!r)
        return NULL;
    /* Zeroed, as gsl_rng_alloc's calloc leaves it before seeding. */
    r->state = calloc(1, t->size);
    if (!r->state) {
        free(r);
        return NULL;
    }
    r->type = t;
    gsl_rng_set(r, gsl_rng_default_seed);
    return r;
}
