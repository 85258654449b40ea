/* scores.h - the ranked scoring result, shared by score.c (ranking, tiers,
 * reasons, output) and score_change.c (comparison with a previous run). */
#ifndef CHURN_MODELS_SCORES_H
#define CHURN_MODELS_SCORES_H

#include "models/model.h"
#include "models/reasons.h"

typedef struct ranked {
    size_t row;
    double prob;
} ranked;

struct churn_scores {
    size_t n;
    ranked *order;          /* by probability, highest first */
    const char **tiers;     /* per rank; static strings */
    char **ids;             /* per rank, into id_text or a block */
    char *id_text;          /* the ids, NUL-terminated */
    const char **reasons;   /* per rank, into text or a block */
    char *text;             /* the reasons, NUL-terminated */
    size_t text_len, text_cap;
    /* More texts the ids and reasons point into, owned: a streamed
     * ranking's, one per part of the file, never copied into one. */
    char **blocks;
    size_t n_blocks;
    /* After churn_scores_compare; NULL before. Per rank: */
    double *prev_prob;      /* NaN = not in the previous run */
    const char **prev_tier; /* static strings; NULL = not there */
    int only_escalated;     /* write only customers who moved up a tier */
    size_t n_threads;       /* for formatting the file; at least 1 */
    /* Rows scored to make s (more than n with a top), and those of them
     * in the high tier. */
    size_t n_scored, n_high;
    /* churn_scores_add_column: more columns, written after reasons. */
    size_t n_columns;
    char **column_name;     /* n_columns, owned */
    double *column;         /* n_columns x n, per rank; NaN = empty */
};

/* score_columns.c: frees the added columns; writes their header fields
 * (",name...") and rank r's cells (",value..."). */
void churn__scores_free_columns(churn_scores *s);
void churn__scores_columns_header(const churn_scores *s, FILE *f);
void churn__scores_columns_row(const churn_scores *s, FILE *f, size_t r);

struct churn_score_opts {
    double high, medium;
    size_t n_reasons;
    size_t n_threads; /* 0 = the online cores */
    size_t top;       /* rows ranked; 0 = all */
    int by_input;     /* reasons per input, not by family (reasons.c) */
};

/* Writes the reasons of rows of one dataset: what one thread needs. */
typedef struct churn__reasoner {
    const churn_model *m;
    const churn_dataset *ds;
    const churn__binding *bind; /* of ds to m's inputs */
    const size_t *cols;         /* ds's column of each input */
    size_t n_reasons;
    int by_input; /* reasons per input, not by family */
    double *raw, *z, *contrib;
    size_t *out_input;
    churn__reasons_plan plan; /* names looked up once */
} churn__reasoner;

/* Sets w up; CHURN_ENOMEM when out of memory (clear it all the same). */
int churn__reasoner_init(churn__reasoner *w, const churn_model *m,
                         const churn_dataset *ds, const churn__binding *bind,
                         const size_t *cols, size_t n_reasons, int by_input);
void churn__reasoner_clear(churn__reasoner *w);
/* Appends the reasons of row i of w's dataset, NUL-terminated, to
 * part->text. CHURN_OK or CHURN_ENOMEM. */
int churn__reasoner_write(churn__reasoner *w, size_t i, churn_scores *part);

/* score_reasons.c: the reasons of the s->n ranked rows (s->order), in
 * s->n_threads threads, into s->text at s->reason_off[rank]. CHURN_OK or
 * CHURN_ENOMEM. */
int churn__score_reasons_ranked(churn_scores *s, const churn_model *m,
                                const churn_dataset *ds,
                                const churn__binding *bind,
                                const size_t *cols, size_t n_reasons,
                                int by_input);
/* score_reasons.c: for a full ranking, every row's probability (all[i] =
 * {row0 + i, p}, as churn__score_probabilities gives it) and reasons
 * (into s->text, empty before, at off[i]) in one pass in row order, in
 * s->n_threads threads. CHURN_OK, a model's error (err says why) or
 * CHURN_ENOMEM (err not set). */
int churn__score_rows(churn_scores *s, const churn_model *m,
                      const churn_dataset *ds, const churn__binding *bind,
                      const size_t *cols, size_t n_reasons, int by_input,
                      size_t row0, ranked *all, size_t *off,
                      churn_error *err);

/* score_reasons.c: makes room for `more` bytes after s->text_len in
 * s->text (the text grows by doubling). CHURN_OK or CHURN_ENOMEM. */
int churn__reserve_text(churn_scores *s, size_t more);

/* score_reasons.c: rows lo..hi-1 of w's dataset in one pass, the calling
 * thread's: all[i - lo] = {row0 + i, the probability of row i} (as
 * churn__score_probabilities gives it) and the row's reasons appended to
 * part->text, off[i - lo] their offset there; raw is scratch for
 * CHURN__SCORE_BATCH rows of the model's inputs. Returns CHURN_OK or a
 * model's error (err says why); *reasons_rc, unless already failed,
 * becomes CHURN_ENOMEM when the reasons ran out of memory (the
 * probabilities go on, so that a model's error is still the one
 * reported). */
int churn__explain_rows(churn__reasoner *w, size_t lo, size_t hi,
                        size_t row0, double *raw, ranked *all, size_t *off,
                        churn_scores *part, int *reasons_rc,
                        churn_error *err);

/* score_rank.c: the tier of probability p under o's thresholds (a static
 * string). */
const char *churn__tier(const churn_score_opts *o, double p);

/* score.c: allocates the per-rank arrays of s for n ranks: order (unless
 * set), tiers, ids (all NULL), reasons; the last three are one block,
 * owned through tiers. CHURN_OK or CHURN_ENOMEM (free s as usual). */
int churn__scores_alloc(churn_scores *s, size_t n);

/* Highest probability first; equal ones keep input order (a total order:
 * row numbers differ). */
int churn__by_risk(const void *a, const void *b);

/* Rows bound and scored per call of churn__score_batch. */
#define CHURN__SCORE_BATCH 256

/* score_rank.c: rows first..first+n-1 of ds (n <= CHURN__SCORE_BATCH)
 * bound into raw (n rows of the model's inputs) and their probabilities
 * into prob by churn_model_predict: the very bits a library user gets
 * for the same row, and its batch path for linear models. */
int churn__score_batch(const churn_model *m, const churn__binding *bind,
                       const churn_dataset *ds, size_t first, size_t n,
                       double *raw, double *prob, churn_error *err);

/* all[i] = {i, the probability of row i of ds}, as churn_model_predict
 * gives it, for every row, in n_threads threads. On error (its, or out
 * of memory) err says why. */
int churn__score_probabilities(const churn_model *m, const churn_dataset *ds,
                               const churn__binding *bind, size_t n_threads,
                               ranked *all, churn_error *err);

/* Puts the rows of all (n of them) in risk order, or, when top is not 0
 * and below n, only the top highest-risk ones at its start, in that
 * order; the others follow in no order. scratch: NULL, or room for n
 * more ranked for the sort to use (saves allocating it). Returns how
 * many are ranked: n or top. */
size_t churn__rank_rows(ranked *all, size_t n, size_t top, size_t n_threads,
                        void *scratch);

#endif
