/* rng.h - GSL random number generators that never reach GSL's error
 * handler (see rng.c). Not installed; names are churn__*. */
#ifndef CHURN_ML_RNG_H
#define CHURN_ML_RNG_H

#include <gsl/gsl_rng.h>

/* What gsl_rng_alloc(gsl_rng_mt19937) returns, seeded with GSL's default
 * seed (callers set their own), but allocated here: out of memory is NULL,
 * never a call of the host's GSL error handler (which by default aborts).
 * Free it with gsl_rng_free, which frees the state and the struct with
 * free(), as they were allocated. */
gsl_rng *churn__rng_alloc(void);

#endif
