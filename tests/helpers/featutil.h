/* featutil.h - helpers for the feature-extraction tests: run an
 * extraction on an event log given as text, look values up by id and
 * column name. */
#ifndef CHURN_FEATUTIL_H
#define CHURN_FEATUTIL_H

#include "testutil.h"

#include "churn.h"

#define T0 1704067200 /* 2024-01-01T00:00:00Z */
#define DAY 86400.0

/* New options with the as-of time set; the caller frees them. */
churn_feature_opts *fu_opts_at(int64_t t0);
/* Extracts from events (written to a temporary file) and fails the test
 * on error. The caller frees the dataset. */
churn_dataset *fu_extract(const char *events, const churn_feature_opts *o,
                          const churn_dataset *customers);
/* Runs an extraction that must fail and returns its code; err is filled
 * and no dataset is returned. */
int fu_extract_fails(const char *events, const churn_feature_opts *o,
                     const churn_dataset *customers, churn_error *err);
/* The first row with this id, or (size_t)-1. */
size_t fu_row_of(const churn_dataset *ds, const char *id);
/* The value of column col in the first row with this id (fails the test
 * when either is missing). */
double fu_get(const churn_dataset *ds, const char *id, const char *col);
/* Fails unless the value equals expect within 1e-9 (NaN equals NaN). */
void fu_assert_feature(const churn_dataset *ds, const char *id,
                       const char *col, double expect);

#endif
