/* model.h - the model container shared by the files of models/: what a
 * trained model holds, and the calls between training, the model file and
 * scoring. Not installed. */
#ifndef CHURN_MODELS_MODEL_H
#define CHURN_MODELS_MODEL_H

#include "ml/internal.h"
#include "models/classifier.h"
#include "models/family.h"
#include "ml/pipeline.h"
#include "models/train.h"

/* The training figures every model keeps, by index into
 * churn_model.metrics; the family's own follow in churn_model.figure. */
enum churn__metric {
    CHURN__M_TRAIN_ROWS,
    CHURN__M_TRAIN_POSITIVES,
    CHURN__M_VALIDATION_ROWS,
    CHURN__M_VALIDATION_AUC,
    CHURN__M_VALIDATION_LOG_LOSS,
    CHURN__M_TRAIN_SECONDS,
    CHURN__M_CV_METRIC,
    CHURN__M_COUNT
};

/* The names of the metrics, in enum order, as the model file and
 * churn_model_metric spell them. */
extern const char *const churn__metric_names[CHURN__M_COUNT];

struct churn_model {
    churn__pipeline *pipe;    /* raw inputs -> standardized outputs */
    size_t n_outputs;         /* = churn__pipeline_n_outputs(pipe) */
    churn__classifier clf;    /* on the n_outputs pipeline outputs; its
                               * family names the model */
    churn__calibration cal;   /* decision value -> probability */
    char class_weight[16];    /* "none" or "balanced" */
    /* The training data's label column and the value that meant churned
     * (owned; NULL when the file predates them, or none was given). */
    char *label_name, *label_positive;
    char created[32];         /* ISO date-time of training, UTC */
    char library[32];         /* churn version that trained it */
    double metrics[CHURN__M_COUNT]; /* NaN = not measured */
    /* The figures of the family that fitted the model (or those a model
     * file holds), in its order; NaN = not recorded. */
    const churn__figure *figure[CHURN__MAX_FIGURES];
    double figure_value[CHURN__MAX_FIGURES];
    size_t n_figures;
    /* The validation rows' probabilities and labels, kept by churn_train
     * for churn_model_validation_eval; not saved (NULL when loaded). */
    double *validation_prob, *validation_label;
    size_t n_validation;
    /* The training rows' reference distributions (drift.h); NULL when
     * the model file has none. */
    struct churn__drift_ref *drift;
    churn__board board;       /* the search's leaderboard; n 0: none */
};

/* The model file's optional "search" section (the leaderboard), after
 * the metrics: written when m has one; read when the text at r is one. */
void churn__board_write(const churn__board *b, FILE *f);
int churn__board_read(churn__lines *r, churn__board *b, churn_error *err);

/* Allocates an empty model (metrics NaN); NULL when out of memory. */
churn_model *churn__model_new(void);

/* Every training figure in the model file's order: the metrics up to
 * train_seconds, the family's figures, cv_metric. Index k <
 * churn__model_n_figures(m); *name gets the name; NaN = none. */
size_t churn__model_n_figures(const churn_model *m);
double churn__model_figure_at(const churn_model *m, size_t k,
                              const char **name);

/* The classifier's decision value for one raw row; scratch holds
 * n_outputs doubles and gets the standardized row. */
double churn__model_decision(const churn_model *m, const double *raw,
                             double *scratch);

/* The names of the pipeline's outputs, for the classifier section; NULL
 * when out of memory. Free with free(). */
const char **churn__model_output_names(const churn_model *m);

/* The raw rows of ds in m's input order into *x (n_rows x n_inputs,
 * row-major, a new array the caller frees), inputs found by name. */
int churn__model_raw_rows(const churn_model *m, const churn_dataset *ds,
                          double **x, churn_error *err);

#endif
