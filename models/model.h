/* model.h - the model container shared by the files of models/: what a
 * trained model holds, and the calls between training, the model file and
 * scoring. Not installed. */
#ifndef CHURN_MODELS_MODEL_H
#define CHURN_MODELS_MODEL_H

#include "internal.h"
#include "classifier.h"
#include "pipeline.h"

/* The training figures a model keeps, by index into churn_model.metrics. */
enum churn__metric {
    CHURN__M_TRAIN_ROWS,
    CHURN__M_TRAIN_POSITIVES,
    CHURN__M_VALIDATION_ROWS,
    CHURN__M_VALIDATION_AUC,
    CHURN__M_VALIDATION_LOG_LOSS,
    CHURN__M_TRAIN_SECONDS,
    CHURN__M_ITERATIONS,
    CHURN__M_C,
    CHURN__M_GAMMA,
    CHURN__M_CV_METRIC,
    CHURN__M_COUNT
};

/* The names of the metrics, in enum order, as the model file and
 * churn_model_metric spell them. */
extern const char *const churn__metric_names[CHURN__M_COUNT];

struct churn_model {
    char family[16];          /* "logistic" or "svm" */
    churn__pipeline *pipe;    /* raw inputs -> standardized outputs */
    size_t n_outputs;         /* = churn__pipeline_n_outputs(pipe) */
    churn__classifier clf;    /* on the n_outputs standardized outputs */
    churn__calibration cal;   /* decision value -> probability */
    char class_weight[16];    /* "none" or "balanced" */
    /* The training data's label column and the value that meant churned
     * (owned; NULL when the file predates them, or none was given). */
    char *label_name, *label_positive;
    char created[32];         /* ISO date-time of training, UTC */
    char library[32];         /* churn version that trained it */
    double metrics[CHURN__M_COUNT]; /* NaN = not measured */
    /* The validation rows' probabilities and labels, kept by churn_train
     * for churn_model_validation_eval; not saved (NULL when loaded). */
    double *validation_prob, *validation_label;
    size_t n_validation;
};

/* Allocates an empty model (metrics NaN); NULL when out of memory. */
churn_model *churn__model_new(void);

/* The classifier's decision value for one raw row; scratch holds
 * n_outputs doubles and gets the standardized row. */
double churn__model_decision(const churn_model *m, const double *raw,
                             double *scratch);

/* The names of the pipeline's outputs, for the classifier section; NULL
 * when out of memory. Free with free(). */
const char **churn__model_output_names(const churn_model *m);

/* The logistic function, written so that neither branch overflows. */
double churn__sigmoid(double t);

#endif
