/* synth.h - internals shared by the synthesizer's model (synth.c), its
 * options and run (synth_files.c), its buffered output files
 * (synth_out.c) and the table generator (synth_table.c). Not installed;
 * names are churn__*. */
#ifndef CHURN_DATASETS_SYNTH_H
#define CHURN_DATASETS_SYNTH_H

#include "ml/internal.h"

#include <gsl/gsl_rng.h>

#define CHURN__SYNTH_DAY 86400.0
/* Output buffers: rows are formatted straight into them; a row is never
 * longer than ROW_MAX bytes. */
#define CHURN__SYNTH_OUT_CAP (1u << 20)
#define CHURN__SYNTH_ROW_MAX 160
#define CHURN__SYNTH_PROGRESS_EVERY 100000

struct churn_synth_opts {
    size_t customers;
    uint64_t seed;
    int64_t t0;
    double history_days;
    double horizon_days;
    double activity_rate;
    churn_progress_fn progress;
    void *progress_user;
};

/* A big buffer in front of an atomic file. */
typedef struct churn__synth_out {
    churn__afile *file;
    char *path;
    char *buf;
    size_t len;
    int failed; /* a write failed; reported when the run ends */
} churn__synth_out;

/* ------------------------------------------------------- synth_out.c */

/* Writes out what the buffer holds. */
void churn__synth_flush(churn__synth_out *o);
/* Opens path (malloc'ed; o takes it) for atomic writing, its buffer
 * holding the header line; churn__synth_commit renames it into place,
 * churn__synth_abort drops it and frees what o holds (always call it). */
int churn__synth_open(churn__synth_out *o, char *path, const char *header,
                      churn_error *err);
int churn__synth_commit(churn__synth_out *o, churn_error *err);
void churn__synth_abort(churn__synth_out *o);
/* A 32-bit mt19937 seed from all 64 bits of a user's seed. */
unsigned long churn__synth_fold_seed(uint64_t seed);

/* Room for one row at o->buf + o->len; the caller advances o->len. */
static inline char *churn__synth_row(churn__synth_out *o)
{
    if (o->len + CHURN__SYNTH_ROW_MAX > CHURN__SYNTH_OUT_CAP)
        churn__synth_flush(o);
    return o->buf + o->len;
}

/* One generator run: the options, the random stream, the window, the
 * three files and the running counts. */
typedef struct churn__synth {
    const churn_synth_opts *o;
    gsl_rng *rng;        /* behaviour */
    gsl_rng *traits_rng; /* who the customers are (see draw_traits) */
    double t0, ws, te;   /* as-of, window start, window end (Unix s) */
    int64_t first_day;   /* Unix day number of ws */
    char *dates;         /* "YYYY-MM-DD" (10 bytes) per day from first_day */
    churn__synth_out events, customers, truth;
    char id[24];         /* the current customer's id */
    size_t id_len;
    int id_width;        /* digits in every id */
    uint64_t n_events, next_progress;
    size_t n_active, n_churned;
} churn__synth;

/* Simulates customer number index (from 0) and writes its rows. */
void churn__synth_customer(churn__synth *s, size_t index);

#endif /* CHURN_DATASETS_SYNTH_H */
