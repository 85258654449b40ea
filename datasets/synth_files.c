/* synth_files.c - the synthesizer's options and its run: the three
 * output files (buffered by synth_out.c) opened, every customer
 * simulated (synth.c), the files committed. */
#include "datasets/synth.h"
#include "ml/rng.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Limits of the options: beyond them the files make no sense. */
#define MAX_CUSTOMERS 1000000000u
#define MAX_HISTORY_DAYS 36500.0
#define MAX_HORIZON_DAYS 3650.0
#define MAX_ACTIVITY_RATE 1000.0
#define MIN_TIME (-2208988800LL) /* 1900-01-01, as churn_parse_time */
#define MAX_TIME 7258118400LL    /* 2200-01-01 */

/* Mixed into the seed of the traits stream, so it differs from the
 * behaviour stream of the same seed. */
#define TRAITS_STREAM 0x5452414954530000ull

churn_synth_opts *churn_synth_opts_new(void)
{
    churn_synth_opts *o = calloc(1, sizeof *o);
    if (!o)
        return NULL;
    o->customers = 1000;
    o->seed = 1;
    o->t0 = 1735689600; /* 2025-01-01T00:00:00Z */
    o->history_days = 365;
    o->horizon_days = 90;
    o->activity_rate = 0.7;
    return o;
}

void churn_synth_opts_free(churn_synth_opts *o) { free(o); }

int churn_synth_opts_set_customers(churn_synth_opts *o, size_t n)
{
    if (!o || n == 0 || n > MAX_CUSTOMERS)
        return CHURN_EINVAL;
    o->customers = n;
    return CHURN_OK;
}

int churn_synth_opts_set_seed(churn_synth_opts *o, uint64_t seed)
{
    if (!o)
        return CHURN_EINVAL;
    o->seed = seed;
    return CHURN_OK;
}

int churn_synth_opts_set_as_of(churn_synth_opts *o, int64_t t0_unix)
{
    if (!o || t0_unix < MIN_TIME || t0_unix > MAX_TIME)
        return CHURN_EINVAL;
    o->t0 = t0_unix;
    return CHURN_OK;
}

/* !(x > 0) also refuses NaN. */
static int bad_amount(double x, double max) { return !(x > 0) || x > max; }

int churn_synth_opts_set_history_days(churn_synth_opts *o, double days)
{
    if (!o || bad_amount(days, MAX_HISTORY_DAYS))
        return CHURN_EINVAL;
    o->history_days = days;
    return CHURN_OK;
}

int churn_synth_opts_set_horizon(churn_synth_opts *o, double days)
{
    if (!o || bad_amount(days, MAX_HORIZON_DAYS))
        return CHURN_EINVAL;
    o->horizon_days = days;
    return CHURN_OK;
}

int churn_synth_opts_set_activity_rate(churn_synth_opts *o,
                                       double events_per_day)
{
    if (!o || bad_amount(events_per_day, MAX_ACTIVITY_RATE))
        return CHURN_EINVAL;
    o->activity_rate = events_per_day;
    return CHURN_OK;
}

int churn_synth_opts_set_progress(churn_synth_opts *o, churn_progress_fn fn,
                                  void *user)
{
    if (!o)
        return CHURN_EINVAL;
    o->progress = fn;
    o->progress_user = user;
    return CHURN_OK;
}

/* ------------------------------------------------------------ files */

/* Opens dir/name as churn__synth_open does. */
static int open_out(churn__synth_out *o, const char *dir, const char *name,
                    const char *header, churn_error *err)
{
    size_t n = strlen(dir);
    int slash = n > 0 && dir[n - 1] != '/';
    char *path = malloc(n + (size_t)slash + strlen(name) + 1);
    if (!path)
        return churn__fail_nomem(err);
    memcpy(path, dir, n);
    path[n] = '/';
    memcpy(path + n + (size_t)slash, name, strlen(name) + 1);
    return churn__synth_open(o, path, header, err);
}

/* "YYYY-MM-DD" for every day the events may fall on, so that formatting
 * a timestamp is a copy and a few digits. */
static int make_dates(churn__synth *s)
{
    int64_t last_day = (int64_t)floor((s->te - 1) / CHURN__SYNTH_DAY);
    s->first_day = (int64_t)floor(s->ws / CHURN__SYNTH_DAY);
    size_t n = (size_t)(last_day - s->first_day + 1);
    s->dates = malloc(n * 10);
    if (!s->dates)
        return CHURN_ENOMEM;
    for (size_t i = 0; i < n; i++) {
        char date[16];
        churn_format_date(((double)s->first_day + (double)i) *
                              CHURN__SYNTH_DAY,
                          date, sizeof date);
        memcpy(s->dates + i * 10, date, 10);
    }
    return CHURN_OK;
}

/* A 32-bit mt19937 seed from all 64 bits of the user's seed (splitmix64),
 * so that seeds differing only in their high bits differ. */
unsigned long churn__synth_fold_seed(uint64_t seed)
{
    uint64_t z = seed + 0x9E3779B97F4A7C15ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    z ^= z >> 31;
    return (unsigned long)((z ^ (z >> 32)) & 0xFFFFFFFFu);
}

static int digits_of(size_t n)
{
    int d = 1;
    while (n >= 10) {
        n /= 10;
        d++;
    }
    return d;
}

/* Sets up s: window, dates, random stream, the three open files. */
static int start_run(churn__synth *s, const churn_synth_opts *o,
                     double ws, double te, const char *dir, churn_error *err)
{
    s->o = o;
    s->t0 = (double)o->t0;
    s->ws = ws;
    s->te = te;
    s->id_width = digits_of(o->customers) > 6 ? digits_of(o->customers) : 6;
    s->next_progress = CHURN__SYNTH_PROGRESS_EVERY;
    if (make_dates(s) != CHURN_OK ||
        !(s->rng = churn__rng_alloc()) ||
        !(s->traits_rng = churn__rng_alloc()))
        return churn__fail_nomem(err);
    gsl_rng_set(s->rng, churn__synth_fold_seed(o->seed));
    gsl_rng_set(s->traits_rng,
                churn__synth_fold_seed(o->seed ^ TRAITS_STREAM));
    int rc = open_out(&s->events, dir, "events.csv",
                      "customer_id,timestamp,event,value\n", err);
    if (rc == CHURN_OK)
        rc = open_out(&s->customers, dir, "customers.csv",
                      "customer_id,plan,region,monthly_fee,contract_end\n",
                      err);
    if (rc == CHURN_OK)
        rc = open_out(&s->truth, dir, "truth.csv",
                      "customer_id,churn_probability,churned\n", err);
    return rc;
}

int churn_synth_generate(const churn_synth_opts *o, const char *dir,
                         churn_error *err)
{
    if (!o || !dir || !*dir)
        return churn__fail(err, CHURN_EINVAL,
                           "no options or no output folder given");
    struct stat st;
    if (stat(dir, &st) != 0)
        return churn__fail_at(err, CHURN_EIO, dir, 0, 0,
                              "cannot use output folder: %s",
                              strerror(errno));
    if (!S_ISDIR(st.st_mode))
        return churn__fail_at(err, CHURN_EIO, dir, 0, 0,
                              "cannot use output folder: not a folder");
    /* Readers (churn_parse_time) take the years 1900-2200 only. */
    double ws = (double)o->t0 - floor(o->history_days * CHURN__SYNTH_DAY);
    double te = (double)o->t0 + floor(o->horizon_days * CHURN__SYNTH_DAY);
    if (ws < (double)MIN_TIME || te > (double)MAX_TIME)
        return churn__fail(err, CHURN_EINVAL,
                           "history or horizon reach outside the years "
                           "1900-2200");
    churn__synth s = {0};
    int rc = start_run(&s, o, ws, te, dir, err);
    if (rc != CHURN_OK)
        goto done;
    for (size_t i = 0; i < o->customers; i++)
        churn__synth_customer(&s, i);
    if (o->progress)
        o->progress(o->progress_user, "generating events", s.n_events,
                    s.n_events);
    /* Renamed into place only once every row is written, so a failure
     * while generating leaves the folder as it was. */
    rc = churn__synth_commit(&s.events, err);
    if (rc == CHURN_OK)
        rc = churn__synth_commit(&s.customers, err);
    if (rc == CHURN_OK)
        rc = churn__synth_commit(&s.truth, err);
done:
    churn__synth_abort(&s.events);
    churn__synth_abort(&s.customers);
    churn__synth_abort(&s.truth);
    gsl_rng_free(s.rng);
    gsl_rng_free(s.traits_rng);
    free(s.dates);
    return rc;
}
