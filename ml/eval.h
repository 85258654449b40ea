/* eval.h - the evaluation report's internals shared by ml/eval*.c and
 * models/eval_model.c: the scalar metrics by index and the report struct. */
#ifndef CHURN_ML_EVAL_H
#define CHURN_ML_EVAL_H

#include "ml/internal.h"

/* Scalar figures of a report, by index into churn_eval.metrics; the names
 * (churn__eval_names) are the keys of the JSON "metrics" object. */
enum churn__eval_metric {
    CHURN__E_ROWS,
    CHURN__E_POSITIVES,
    CHURN__E_AUC,
    CHURN__E_AUC_LOW,
    CHURN__E_AUC_HIGH,
    CHURN__E_PR_AUC,
    CHURN__E_PR_AUC_LOW,
    CHURN__E_PR_AUC_HIGH,
    CHURN__E_LOG_LOSS,
    CHURN__E_BRIER,
    CHURN__E_ECE,
    CHURN__E_THRESHOLD,
    CHURN__E_ACCURACY,
    CHURN__E_PRECISION,
    CHURN__E_RECALL,
    CHURN__E_F1,
    CHURN__E_TP,
    CHURN__E_FP,
    CHURN__E_TN,
    CHURN__E_FN,
    CHURN__E_OFFER_COST,
    CHURN__E_CUSTOMER_VALUE,
    CHURN__E_BEST_THRESHOLD,
    CHURN__E_BEST_PROFIT,
    CHURN__E_BEST_TARGETED,
    CHURN__E_PRECISION_AT_1,
    CHURN__E_RECALL_AT_1,
    CHURN__E_PRECISION_AT_5,
    CHURN__E_RECALL_AT_5,
    CHURN__E_PRECISION_AT_10,
    CHURN__E_RECALL_AT_10,
    CHURN__E_PRECISION_AT_20,
    CHURN__E_RECALL_AT_20,
    CHURN__E_TOP_DECILE_LIFT,
    CHURN__E_C_INDEX,          /* survival models (churn_eval_add_survival) */
    CHURN__E_COUNT
};

extern const char *const churn__eval_names[CHURN__E_COUNT];

/* +1 when a larger value is better, -1 when smaller is, 0 when the figure
 * is a count or a setting that a gate must not compare. */
extern const signed char churn__eval_direction[CHURN__E_COUNT];

#define CHURN__EVAL_BINS 10
#define CHURN__EVAL_TOPS 4
extern const double churn__eval_top_percents[CHURN__EVAL_TOPS];

/* The segment section (churn_eval_add_segments, features/segment_eval.c):
 * per level of one categorical column of the segments, in level order,
 * only levels that occur: customers, those with a label, churned. */
typedef struct churn__eval_group {
    char *column;              /* "rfm_segment", ... */
    const char *title;         /* a reader's name for it, "RFM segment";
                                * static, set by the caller */
    size_t n;
    char **level;
    double *customers, *labelled, *churned;
} churn__eval_group;

#define CHURN__EVAL_GROUPS 3

/* Where the segment section's churn rates come from. */
enum { CHURN__SEG_NO_LABELS, CHURN__SEG_EVALUATED, CHURN__SEG_HISTORY };

typedef struct churn__eval_segments {
    churn__eval_group group[CHURN__EVAL_GROUPS];
    size_t n_groups;
    size_t customers;          /* rows of the segments */
    size_t matched;            /* of them, with an evaluated row */
    int labels;                /* CHURN__SEG_* */
    /* The caller's words (static strings; NULL: left out): what the
     * groups are, and what the rows outside group 0 are. */
    const char *groups_text;   /* "RFM segment (...), lifecycle stage" */
    const char *outside_text;  /* "they are in stage lost ..." */
} churn__eval_segments;

/* The KPIs and monthly cohort table of churn_eval_add_kpi. */
#define CHURN__EVAL_KPIS 11
extern const char *const churn__eval_kpi_names[CHURN__EVAL_KPIS];

typedef struct churn__eval_cohorts {
    double kpi[CHURN__EVAL_KPIS];  /* by churn__eval_kpi_names */
    size_t n_cohorts, n_months;
    char (*cohort)[16];        /* "YYYY-MM" */
    size_t *size;
    double *retention;         /* n_cohorts x n_months, month 1 first */
} churn__eval_cohorts;

void churn__eval_segments_free(churn__eval_segments *s);
void churn__eval_cohorts_free(churn__eval_cohorts *c);

/* The segment section of the HTML page (eval_html_segments.c); writes
 * nothing when the report has neither segments nor cohorts. */
void churn__eval_html_segments(FILE *f, const churn_eval *e);

/* What the HTML page's sections are made with (eval_html_parts.c, which
 * calls nothing of the report). */
/* Writes text with the characters HTML and XML treat specially escaped. */
void churn__html_text(FILE *f, const char *s);
/* The viridis colour scale (perceptually uniform, readable with colour-
 * blindness and in grey) at v in [0, 1], linear between nine stops. */
void churn__viridis(double v, int rgb[3]);

/* The drift section (churn_eval_add_drift, models/drift_measure.c): the
 * inputs ranked by PSI, largest first, and the score's PSI. */
typedef struct churn__eval_drift {
    size_t rows, reference_rows, n;
    char **name;
    double *psi;
    double score_psi;
} churn__eval_drift;

void churn__eval_drift_free(churn__eval_drift *d);
/* The drift section of the HTML page (eval_drift.c); nothing without. */
void churn__eval_html_drift(FILE *f, const churn_eval *e);
/* One row of the leaderboard: a candidate of the search. */
typedef struct churn__candidate {
    char family[16];     /* the family that stores it (rbf-approx: svm) */
    char params[80];     /* "C 1", "rbf, C 3, gamma 0.0034", ... */
    char weight[12];     /* class weight: "none" or "balanced" */
    double metric, sd;   /* mean and sd (n - 1) of the metric over the
                          * folds, as shown (log loss: smaller is
                          * better); NaN: skipped by the time budget */
    double seconds;      /* fitting and scoring its folds */
} churn__candidate;

/* Every candidate in the order tried, and the one kept. */
typedef struct churn__board {
    churn__candidate *cand; /* owned */
    size_t n, chosen;
    char metric[8];         /* "auc", "pr_auc" or "logloss" */
    size_t rows;            /* rows the search ran on */
} churn__board;

/* Frees what b owns and empties it. */
void churn__board_clear(churn__board *b);
/* *dst becomes a copy of src (dst's old contents are not freed). */
int churn__board_copy(churn__board *dst, const churn__board *src);
/* Candidate i's place, 0 = best (by metric, larger better unless the
 * metric is logloss; ties in the order tried; skipped ones last): how
 * many candidates go before it. Allocates nothing. */
size_t churn__board_rank(const churn__board *b, size_t i);

struct churn_eval {
    size_t n;                  /* labeled rows */
    double *score;             /* n probabilities, highest first (stable) */
    unsigned char *label;      /* their labels, 0/1 */
    double metrics[CHURN__E_COUNT];
    double fold_mean[CHURN__E_COUNT], fold_sd[CHURN__E_COUNT];
    size_t n_folds;            /* 0 unless cross-validated */
    size_t boot_resamples;     /* bootstrap resamples used; 0 = none */
    uint64_t boot_seed;
    double ci_level;
    size_t decile_rows[CHURN__EVAL_BINS], decile_pos[CHURN__EVAL_BINS];
    size_t cal_rows[CHURN__EVAL_BINS];
    double cal_prob_sum[CHURN__EVAL_BINS], cal_pos[CHURN__EVAL_BINS];
    char **info;               /* n_info key, value pairs: 2 * n_info */
    size_t n_info;
    char **features;
    size_t n_features;
    /* Feature importance (churn_eval_add_importance), per model input. */
    char **imp_names;
    double *imp_coef;          /* largest |standardized coefficient| */
    double *imp_perm;          /* AUC lost when the input is shuffled */
    double *imp_shap;          /* mean |SHAP value|; NULL: not made */
    size_t n_imp;
    churn__eval_segments *segments;  /* NULL unless added */
    churn__eval_cohorts *cohorts;    /* NULL unless added */
    churn__eval_drift *drift;        /* NULL unless added */
    churn_survival_eval *survival;   /* NULL unless added */
    churn__board board;        /* the model's search; n 0: none */
    /* The training setup (churn_eval_set_model, churn_eval_cv): n_train
     * key, text pairs in train (2 * n_train); train_num[i] is the value
     * when it is a number (NaN: text); train_setting[i] says whether it
     * names the model in the report's title (C, gamma, class weight; not
     * counts such as Newton iterations). */
    char **train;
    double *train_num;
    unsigned char *train_setting;
    size_t n_train;
};

/* Adds a training-setup entry: text, or when text is NULL the number num
 * (written shortest). A key added before is replaced. CHURN_ENOMEM. */
int churn__eval_add_training(churn_eval *e, const char *key,
                             const char *text, double num, int setting);
/* The report in words, for the HTML page and the JSON (eval_words.c). */
/* The title naming the model ("logistic, C 1, class weight none") from
 * the training setup, or fallback when there is none. */
void churn__eval_model_title(const churn_eval *e, const char *fallback,
                             char *buf, size_t size);
/* Entry i of the training setup for people: "C 1", "class weight none",
 * "horizon 90 days"; numbers to 4 significant digits. */
void churn__eval_setting_text(const churn_eval *e, size_t i, char *buf,
                              size_t size);
/* The one-line reading of the figures (the wording rules are in
 * docs/REPORT_JSON.md, "reading"). */
void churn__eval_reading(const churn_eval *e, char *buf, size_t size);

/* The summary header at the top of the HTML page (eval_html_summary.c). */
void churn__eval_html_summary(FILE *f, const churn_eval *e);

/* The leaderboard section of the HTML page, and its JSON object (a
 * json_t *, which only eval_json.c's callers know; NULL when out of
 * memory): eval_board.c. Only for a report with a leaderboard. */
void churn__eval_html_board(FILE *f, const churn_eval *e);
struct json_t;
struct json_t *churn__eval_json_board(const churn_eval *e);

struct churn_eval_opts {
    double threshold;
    double offer_cost, customer_value;
    size_t resamples;
    uint64_t seed;
};

/* The defaults of churn_eval_opts_new (churn.h), for callers given NULL. */
extern const churn_eval_opts churn__eval_defaults;

/* Writes JSON text jansson made with %.17g reals, each real in its
 * shortest round-trip form (eval_json.c); returns 0, or -1 when writing
 * fails. */
int churn__json_put_shortest(FILE *f, const char *text);
/* Writes root (taken: decref'd here) as indented JSON to path, atomically,
 * every real in its shortest form; flags are jansson's beyond the indent
 * (e.g. JSON_PRESERVE_ORDER). */
int churn__json_write_file(struct json_t *root, size_t flags,
                           const char *path, churn_error *err);

/* Index of a metric name, or -1. */
int churn__eval_index(const char *name);

#endif
