/* reasons.h - a customer's reasons grouped by feature family and said in
 * words (reasons.c), for score.c and churn_reasons_explain. */
#ifndef CHURN_MODELS_REASONS_H
#define CHURN_MODELS_REASONS_H

#include "models/model.h"

/* At most this many reasons per customer (churn_score_opts_set_reasons). */
#define CHURN__MAX_REASONS 10

/* The feature families; CHURN__GROUP_NONE: an input that is its own
 * group (a customer column, a column of a tabular dataset). */
typedef enum churn__group {
    CHURN__GROUP_ACTIVITY,
    CHURN__GROUP_PURCHASES,
    CHURN__GROUP_TICKETS,
    CHURN__GROUP_SATISFACTION,
    CHURN__GROUP_TENURE,
    CHURN__N_GROUPS,
    CHURN__GROUP_NONE = CHURN__N_GROUPS
} churn__group;

/* The family of an input called name: the built-in features by name
 * (features/catalog.c) and the per-event-name counts events_<name>_30d,
 * which are activity. Anything else is CHURN__GROUP_NONE. */
churn__group churn__group_of(const char *name);
/* "activity", "purchases", ...; NULL for CHURN__GROUP_NONE. */
const char *churn__group_name(churn__group g);

/* The values the family sentences say (reasons.c), by name. */
#define CHURN__N_SAID 12

/* What the reasons of one model on one dataset look up by name once, not
 * for every row: each input's family and column, and the columns of the
 * values the sentences say. */
typedef struct churn__reasons_plan {
    const churn_model *m;
    const churn_dataset *ds;
    unsigned char *group; /* per input: its churn__group */
    int any_group;        /* some input is in a family */
    size_t *col;          /* per input: ds's column; (size_t)-1 none */
    size_t said[CHURN__N_SAID]; /* ds's columns; (size_t)-1 none */
} churn__reasons_plan;

/* Sets p up for model m and dataset ds. CHURN_OK or CHURN_ENOMEM (clear
 * p all the same). */
int churn__reasons_plan_init(churn__reasons_plan *p, const churn_model *m,
                             const churn_dataset *ds);
void churn__reasons_plan_clear(churn__reasons_plan *p);

/* One reason: a family's summed contribution, or one input's. */
typedef struct churn__reason {
    churn__group group;
    size_t input;   /* the family's largest input, or the input itself */
    double contrib; /* the sum of the inputs' contributions */
} churn__reason;

/* Ranks the contributions of the model's d inputs (contrib[j] of input
 * j) as reasons: by family when by_group (each family's contribution is
 * the sum of its inputs'; other inputs stand alone), else one per input.
 * Largest first; ties keep the order of the first input. Writes at most
 * n_max (<= CHURN__MAX_REASONS) to out; returns how many. */
size_t churn__reasons_rank(const churn__reasons_plan *p,
                           const double *contrib, int by_group, size_t n_max,
                           churn__reason *out);
/* The same one per input, for any d contributions (no model needed). */
size_t churn__reasons_rank_inputs(const double *contrib, size_t d,
                                  size_t n_max, churn__reason *out);

/* Writes the words of reason r for row i of p's dataset (its raw values),
 * NUL-terminated, into buf (size bytes, cut to fit). Returns the length. */
size_t churn__reason_words(const churn__reason *r,
                           const churn__reasons_plan *p, size_t i, char *buf,
                           size_t size);

/* Bytes that hold the text churn__reasons_format writes. */
#define CHURN__REASONS_TEXT 4096

/* Writes the top n_reasons family reasons of row i of p's dataset, given
 * its inputs' contributions, as "words (+0.12); words (-0.03)", into buf
 * (CHURN__REASONS_TEXT bytes). Returns the length. */
size_t churn__reasons_format(const churn__reasons_plan *p, size_t i,
                             const double *contrib, size_t n_reasons,
                             char *buf);

#endif
