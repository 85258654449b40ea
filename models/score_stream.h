/* score_stream.h - what the streamed ranking's files share:
 * score_stream.c reads the file in parts, one per thread, and hands each
 * piece to the top N (score_stream_top.c) or to the full ranking
 * (score_stream_all.c), which, once the file is read, rank the parts'
 * rows together. Private to models/score_stream*.c. */
#ifndef CHURN_MODELS_SCORE_STREAM_H
#define CHURN_MODELS_SCORE_STREAM_H

#include "models/scores.h"

/* A row among a part's best so far, with what its line needs. */
typedef struct kept {
    ranked key; /* row: its number in the part, then in the file */
    char *id;   /* NULL: the file has no ids (the row number is its id) */
    char *why;
} kept;

/* What one part of the file has kept. Only its own thread touches it
 * until the read ends. */
typedef struct part {
    size_t n_rows, n_high;
    double *raw; /* scratch: CHURN__SCORE_BATCH rows of inputs */
    size_t *cols;
    churn_scores text; /* a full ranking: the reasons; a top: one row's */
    /* A top: the best rows so far, the lowest-risk at the root; the
     * probabilities of a piece. */
    kept *heap;
    size_t n_kept;
    ranked *probs;
    size_t cap_probs;
    /* A full ranking, per row: the probability, the offset of the reasons
     * in text and of the id in ids (one block, owned through all). */
    ranked *all;
    size_t *why_off, *id_off, cap_all;
    churn_scores ids; /* a full ranking: the ids, NUL-terminated */
    int rc;
} part;

typedef struct stream_job {
    const churn_model *m;
    const churn_score_opts *o;
    size_t n_threads;
    part *parts; /* CHURN__CSV_MAX_THREADS of them */
} stream_job;

/* score_stream_top.c: a top's piece (rows first..first+n-1 of the part,
 * in ds, bound in w): the probabilities, in n_threads threads (0: the
 * job's), then the part's heap of its best rows. A status. */
int churn__stream_keep_piece(stream_job *j, part *p, churn__reasoner *w,
                             const churn_dataset *ds, size_t n, size_t first,
                             size_t n_threads);
/* score_stream_top.c: the top ranking into s from the parts' heaps (base:
 * the rows before each part's; n_parts of them). A status. */
int churn__stream_build_top(stream_job *j, const size_t *base, size_t n_parts,
                            churn_scores *s);

/* score_stream_all.c: a full ranking's piece: every row's probability,
 * reasons and id into the part, in n_threads threads (0: the job's);
 * part_rows foretells the part's rows (0: not known). */
int churn__stream_explain_all(stream_job *j, part *p, churn__reasoner *w,
                              const churn_dataset *ds, size_t n, size_t first,
                              size_t n_threads, size_t part_rows);
/* score_stream_all.c: the full ranking into s from the parts' rows, s
 * then owning their texts. A status. */
int churn__stream_build_full(stream_job *j, const size_t *base, size_t n_parts,
                             churn_scores *s);

#endif
