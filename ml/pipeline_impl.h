/* pipeline_impl.h - the pipeline's representation, shared by pipeline.c
 * (fitting, transform) and pipeline_io.c (model-file section) only; every
 * other file goes through pipeline.h. */
#ifndef CHURN_ML_PIPELINE_IMPL_H
#define CHURN_ML_PIPELINE_IMPL_H

#include "pipeline.h"

/* How often a numeric input was missing in the training rows. */
enum churn__missing_state {
    CHURN__MISSING_NONE = 0, /* never: no indicator output */
    CHURN__MISSING_SOME = 1, /* sometimes: an indicator follows the value */
    CHURN__MISSING_ALL = 2   /* always: the input carries no information,
                                so every row is treated as missing, even
                                one with a value */
};

struct churn__pipeline_input {
    char *name;
    churn_column_kind kind;
    size_t first_out;          /* index of its first output */
    size_t n_out;
    double impute;             /* numeric: training median, 0 if none */
    enum churn__missing_state missing;
    churn__strmap *levels;     /* categorical: kept levels, index = code */
};

struct churn__pipeline {
    size_t n_inputs;
    struct churn__pipeline_input *inputs; /* zeroed until filled */
    size_t n_outputs, cap_outputs;
    char **out_names;
    size_t *out_input;
    double *center, *scale;
};

/* A pipeline with n_inputs zeroed inputs and no outputs, or NULL. */
churn__pipeline *churn__pipeline_new(size_t n_inputs);
/* Allocates room for cap outputs; called once, before adding outputs.
 * Returns CHURN_OK or CHURN_ENOMEM. */
int churn__pipeline_reserve_outputs(churn__pipeline *p, size_t cap);
/* The number of outputs an input makes, from its kind, missing state and
 * levels: the one rule both fitting and reading follow. */
size_t churn__pipeline_outputs_of(const struct churn__pipeline_input *in);
/* Appends the named outputs of input j (center 0, scale 1 until set) into
 * the reserved room. Returns CHURN_OK or CHURN_ENOMEM. */
int churn__pipeline_add_outputs(churn__pipeline *p, size_t j);

#endif /* CHURN_ML_PIPELINE_IMPL_H */
