/* reasons.c - reasons retention teams can act on: the inputs'
 * contributions summed by feature family (correlated counts tell one
 * story, not three), ranked, and said in words with the customer's own
 * values ("activity down 73 % on the month before"). */
#include "models/reasons.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif

static const char *const group_names[CHURN__N_GROUPS] = {
    "activity", "purchases", "tickets", "satisfaction", "tenure"};

/* The built-in features (features/catalog.c) and their families. */
static const struct {
    const char *name;
    churn__group group;
} families[] = {
    {"tenure_days", CHURN__GROUP_TENURE},
    {"recency_activity_days", CHURN__GROUP_ACTIVITY},
    {"recency_purchase_days", CHURN__GROUP_PURCHASES},
    {"recency_ticket_days", CHURN__GROUP_TICKETS},
    {"activity_7d", CHURN__GROUP_ACTIVITY},
    {"activity_30d", CHURN__GROUP_ACTIVITY},
    {"activity_90d", CHURN__GROUP_ACTIVITY},
    {"activity_trend", CHURN__GROUP_ACTIVITY},
    {"purchases_90d", CHURN__GROUP_PURCHASES},
    {"monetary_90d", CHURN__GROUP_PURCHASES},
    {"monetary_total", CHURN__GROUP_PURCHASES},
    {"purchases_total", CHURN__GROUP_PURCHASES},
    {"tickets_30d", CHURN__GROUP_TICKETS},
    {"tickets_90d", CHURN__GROUP_TICKETS},
    {"tickets_unresolved", CHURN__GROUP_TICKETS},
    {"ticket_resolution_days_mean", CHURN__GROUP_TICKETS},
    {"satisfaction_last", CHURN__GROUP_SATISFACTION},
    {"satisfaction_mean", CHURN__GROUP_SATISFACTION},
    {"satisfaction_count", CHURN__GROUP_SATISFACTION},
    {"satisfaction_trend", CHURN__GROUP_SATISFACTION},
};

churn__group churn__group_of(const char *name)
{
    for (size_t k = 0; k < sizeof families / sizeof *families; k++)
        if (strcmp(name, families[k].name) == 0)
            return families[k].group;
    size_t len = strlen(name);
    if (len > 11 && strncmp(name, "events_", 7) == 0 &&
        strcmp(name + len - 4, "_30d") == 0)
        return CHURN__GROUP_ACTIVITY;
    return CHURN__GROUP_NONE;
}

const char *churn__group_name(churn__group g)
{
    return g < CHURN__N_GROUPS ? group_names[g] : NULL;
}

/* The values the sentences say, in the order of plan->said. */
enum {
    SAID_ACTIVITY_30D,
    SAID_RECENCY_ACTIVITY,
    SAID_ACTIVITY_TREND,
    SAID_PURCHASES_90D,
    SAID_MONETARY_90D,
    SAID_RECENCY_PURCHASE,
    SAID_TICKETS_UNRESOLVED,
    SAID_TICKETS_30D,
    SAID_TICKETS_90D,
    SAID_SATISFACTION_LAST,
    SAID_SATISFACTION_TREND,
    SAID_TENURE
};

static const char *const said_names[CHURN__N_SAID] = {
    "activity_30d",       "recency_activity_days", "activity_trend",
    "purchases_90d",      "monetary_90d",          "recency_purchase_days",
    "tickets_unresolved", "tickets_30d",           "tickets_90d",
    "satisfaction_last",  "satisfaction_trend",    "tenure_days"};

int churn__reasons_plan_init(churn__reasons_plan *p, const churn_model *m,
                             const churn_dataset *ds)
{
    size_t d = churn__pipeline_n_inputs(m->pipe);
    *p = (churn__reasons_plan){m, ds, NULL, 0, NULL, {0}};
    p->group = malloc(d ? d : 1);
    p->col = malloc((d ? d : 1) * sizeof *p->col);
    if (!p->group || !p->col)
        return CHURN_ENOMEM;
    for (size_t j = 0; j < d; j++) {
        const char *name = churn__pipeline_input_name(m->pipe, j);
        p->group[j] = (unsigned char)churn__group_of(name);
        p->any_group |= p->group[j] != CHURN__GROUP_NONE;
        p->col[j] = churn_dataset_column_index(ds, name);
    }
    for (size_t k = 0; k < CHURN__N_SAID; k++)
        p->said[k] = churn_dataset_column_index(ds, said_names[k]);
    return CHURN_OK;
}

void churn__reasons_plan_clear(churn__reasons_plan *p)
{
    free(p->group);
    free(p->col);
    p->group = NULL;
    p->col = NULL;
}

/* Inserts c into the ranked list out (*n of n_max): larger contribution
 * first; candidates come in order of their first input, so an equal one
 * goes after those already there. Most candidates of a wide model are
 * below the last of a full list: that test comes first. */
static void insert_ranked(churn__reason *out, size_t *n, size_t n_max,
                          churn__reason c)
{
    if (*n == n_max && !(c.contrib > out[n_max - 1].contrib))
        return;
    size_t at = *n;
    while (at > 0 && c.contrib > out[at - 1].contrib)
        at--;
    if (*n < n_max)
        (*n)++;
    for (size_t k = *n - 1; k > at; k--)
        out[k] = out[k - 1];
    out[at] = c;
}

/* The longest list of reasons ranked without insertion. */
#define FEW_REASONS 4

/* Written so that compilers make them one max or min instruction each. */
static inline double larger(double a, double b) { return a > b ? a : b; }
static inline double smaller(double a, double b) { return a < b ? a : b; }

/* Keeps the 4 largest of the values seen in t0 >= t1 >= t2 >= t3 as c
 * comes: one max and one min each, no branch. */
#define KEEP_FOUR(t0, t1, t2, t3, value)                                      \
    do {                                                                      \
        double c_ = (value), lo_ = smaller(c_, t0);                           \
        t0 = larger(c_, t0);                                                  \
        c_ = lo_;                                                             \
        lo_ = smaller(c_, t1);                                                \
        t1 = larger(c_, t1);                                                  \
        c_ = lo_;                                                             \
        lo_ = smaller(c_, t2);                                                \
        t2 = larger(c_, t2);                                                  \
        t3 = larger(lo_, t3);                                                 \
    } while (0)

/* The inputs, in order, whose contribution is above least, then those
 * equal to it, k in all at most (fewer only when d < k); d <= 64, one
 * bit each in a mask, so no value waits for the one before. */
static size_t take_inputs(const double *contrib, size_t d, size_t k,
                          double least, size_t input[FEW_REASONS])
{
    uint64_t over = 0, tie = 0;
    size_t j = 0, above = 0;
#if defined(__SSE2__)
    __m128d bar = _mm_set1_pd(least);
    for (; j + 1 < d; j += 2) { /* a pair's two bits at once */
        __m128d c = _mm_loadu_pd(contrib + j);
        over |= (uint64_t)_mm_movemask_pd(_mm_cmpgt_pd(c, bar)) << j;
        tie |= (uint64_t)_mm_movemask_pd(_mm_cmpeq_pd(c, bar)) << j;
    }
#endif
    for (; j < d; j++) {
        over |= (uint64_t)(contrib[j] > least) << j;
        tie |= (uint64_t)(contrib[j] == least) << j;
    }
    for (; over; over &= over - 1)
        input[above++] = (size_t)__builtin_ctzll(over);
    for (; above < k && tie; tie &= tie - 1)
        input[above++] = (size_t)__builtin_ctzll(tie);
    return above;
}

/* churn__reasons_rank_inputs for k <= FEW_REASONS of at most 64 inputs
 * and no NaN, with few branches to guess: insertion mispredicts at each
 * of the ~3 ln(d/3) inputs that enter a list of 3, which was most of its
 * time. Pass 1 keeps the 4 largest values through a network of max and
 * min, pass 2 takes in input order those above the k-th value and, of
 * those equal to it, the first ones; they are then put in order, larger
 * first and equals by input: what insertion gives. Returns (size_t)-1,
 * having done nothing, for more inputs or a NaN (insertion then). */
static size_t rank_few(const double *contrib, size_t d, size_t k,
                       churn__reason *out)
{
    if (d > 64)
        return (size_t)-1;
    /* Always FEW_REASONS of them, in registers; the even and the odd
     * inputs in two lists, since each max waits for the one before it
     * in its list, and two lists take half as long. */
    double a0 = -INFINITY, a1 = -INFINITY, a2 = -INFINITY, a3 = -INFINITY;
    double b0 = -INFINITY, b1 = -INFINITY, b2 = -INFINITY, b3 = -INFINITY;
    int nan = 0;
    size_t j = 0;
#if defined(__SSE2__)
    /* The two lists as the two lanes of one register: the same max and
     * min, a pair of inputs per instruction (x86-64 always has SSE2;
     * _mm_max_pd and _mm_min_pd are larger and smaller lane by lane). */
    __m128d v0 = _mm_set1_pd(-INFINITY), v1 = v0, v2 = v0, v3 = v0;
    __m128d unordered = _mm_setzero_pd();
    for (; j + 1 < d; j += 2) {
        __m128d c = _mm_loadu_pd(contrib + j), lo = _mm_min_pd(c, v0);
        unordered = _mm_or_pd(unordered, _mm_cmpunord_pd(c, c));
        v0 = _mm_max_pd(c, v0);
        c = lo;
        lo = _mm_min_pd(c, v1);
        v1 = _mm_max_pd(c, v1);
        c = lo;
        lo = _mm_min_pd(c, v2);
        v2 = _mm_max_pd(c, v2);
        v3 = _mm_max_pd(lo, v3);
    }
    nan = _mm_movemask_pd(unordered) != 0;
    a0 = _mm_cvtsd_f64(v0);
    b0 = _mm_cvtsd_f64(_mm_unpackhi_pd(v0, v0));
    a1 = _mm_cvtsd_f64(v1);
    b1 = _mm_cvtsd_f64(_mm_unpackhi_pd(v1, v1));
    a2 = _mm_cvtsd_f64(v2);
    b2 = _mm_cvtsd_f64(_mm_unpackhi_pd(v2, v2));
    a3 = _mm_cvtsd_f64(v3);
    b3 = _mm_cvtsd_f64(_mm_unpackhi_pd(v3, v3));
#else
    for (; j + 1 < d; j += 2) {
        nan |= (contrib[j] != contrib[j]) | (contrib[j + 1] != contrib[j + 1]);
        KEEP_FOUR(a0, a1, a2, a3, contrib[j]);
        KEEP_FOUR(b0, b1, b2, b3, contrib[j + 1]);
    }
#endif
    if (j < d) {
        nan |= contrib[j] != contrib[j];
        KEEP_FOUR(a0, a1, a2, a3, contrib[j]);
    }
    if (nan)
        return (size_t)-1;
    KEEP_FOUR(a0, a1, a2, a3, b0);
    KEEP_FOUR(a0, a1, a2, a3, b1);
    KEEP_FOUR(a0, a1, a2, a3, b2);
    KEEP_FOUR(a0, a1, a2, a3, b3);
    double least = k == 1 ? a0 : k == 2 ? a1 : k == 3 ? a2 : a3;
    size_t input[FEW_REASONS];
    size_t above = take_inputs(contrib, d, k, least, input);
    /* Larger first; equals keep their input order (insertion sort is
     * stable). */
    for (size_t a = 1; a < above; a++)
        for (size_t b = a; b > 0 && contrib[input[b]] > contrib[input[b - 1]];
             b--) {
            size_t t = input[b];
            input[b] = input[b - 1];
            input[b - 1] = t;
        }
    for (size_t a = 0; a < above; a++)
        out[a] = (churn__reason){CHURN__GROUP_NONE, input[a], contrib[input[a]]};
    return above;
}

/* The n_max largest of the d contributions, one reason per input: what
 * insert_ranked makes of the inputs one by one, on plain arrays (the
 * value to beat in a register, not in a list of structures). */
size_t churn__reasons_rank_inputs(const double *contrib, size_t d,
                                  size_t n_max, churn__reason *out)
{
    if (n_max > CHURN__MAX_REASONS)
        n_max = CHURN__MAX_REASONS;
    size_t k = n_max < d ? n_max : d;
    if (k >= 1 && k <= FEW_REASONS) {
        size_t n = rank_few(contrib, d, k, out);
        if (n != (size_t)-1)
            return n;
    }
    double v[CHURN__MAX_REASONS];
    size_t input[CHURN__MAX_REASONS], n = 0;
    for (size_t j = 0; j < d; j++) {
        double c = contrib[j];
        if (n == n_max && !(c > v[n_max - 1]))
            continue;
        size_t at = n;
        while (at > 0 && c > v[at - 1])
            at--;
        if (n < n_max)
            n++;
        for (size_t k = n - 1; k > at; k--) {
            v[k] = v[k - 1];
            input[k] = input[k - 1];
        }
        v[at] = c;
        input[at] = j;
    }
    for (size_t k = 0; k < n; k++)
        out[k] = (churn__reason){CHURN__GROUP_NONE, input[k], v[k]};
    return n;
}

size_t churn__reasons_rank(const churn__reasons_plan *p,
                           const double *contrib, int by_group, size_t n_max,
                           churn__reason *out)
{
    size_t d = churn__pipeline_n_inputs(p->m->pipe), n = 0;
    double sum[CHURN__N_GROUPS] = {0};
    size_t first[CHURN__N_GROUPS], top[CHURN__N_GROUPS];
    for (size_t g = 0; g < CHURN__N_GROUPS; g++)
        first[g] = top[g] = (size_t)-1;
    if (n_max > CHURN__MAX_REASONS)
        n_max = CHURN__MAX_REASONS;
    if (n_max == 0) /* contrib was not computed */
        return 0;
    if (!by_group || !p->any_group) /* one reason per input */
        return churn__reasons_rank_inputs(contrib, d, n_max, out);
    /* Pass 1: the families' sums, first inputs and largest inputs. */
    for (size_t j = 0; j < d; j++) {
        churn__group g = (churn__group)p->group[j];
        if (g == CHURN__GROUP_NONE)
            continue;
        sum[g] += contrib[j];
        if (first[g] == (size_t)-1)
            first[g] = j;
        if (top[g] == (size_t)-1 || fabs(contrib[j]) > fabs(contrib[top[g]]))
            top[g] = j;
    }
    /* Pass 2: candidates in order of their first input. */
    for (size_t j = 0; j < d; j++) {
        churn__group g = (churn__group)p->group[j];
        churn__reason c = {CHURN__GROUP_NONE, j, contrib[j]};
        if (g != CHURN__GROUP_NONE) {
            if (first[g] != j)
                continue;
            c = (churn__reason){g, top[g], sum[g]};
        }
        insert_ranked(out, &n, n_max, c);
    }
    return n;
}

/* ------------------------------------------------------------- words */

/* A sentence being written into a caller's buffer, cut to fit. */
typedef struct words {
    char *buf;
    size_t size, len;
} words;

/* Appends the n bytes of text, cut to fit. */
static inline void say_n(words *w, const char *text, size_t n)
{
    size_t room = w->size - 1 - w->len; /* len < size always */
    if (n > room)
        n = room;
    memcpy(w->buf + w->len, text, n);
    w->len += n;
    w->buf[w->len] = '\0';
}

/* Inline, so that the length of a literal is known when compiled. */
static inline void say(words *w, const char *text)
{
    say_n(w, text, strlen(text));
}

/* A number formatted into num (n bytes): copied as a whole buffer when
 * there is room, one fixed-size copy instead of a call for n bytes. */
static inline void say_number(words *w, const char num[CHURN__NUM_BUF],
                              size_t n)
{
    if (w->size - w->len > CHURN__NUM_BUF) {
        memcpy(w->buf + w->len, num, CHURN__NUM_BUF);
        w->len += n;
        w->buf[w->len] = '\0';
    } else {
        say_n(w, num, n);
    }
}

/* x with the given decimals, as "%.<decimals>f" prints it. */
static void say_fixed(words *w, double x, int decimals)
{
    char num[CHURN__NUM_BUF];
    say_number(w, num, churn__format_fixed(x, decimals, 0, num));
}

/* "3 unresolved tickets", "1 unresolved ticket": a count and its noun. */
static void say_count(words *w, double n, const char *singular,
                      const char *plural)
{
    say_fixed(w, n, 0);
    say(w, " ");
    say(w, n == 1 ? singular : plural);
}

/* The raw value of the said value k (SAID_...) in row i; NaN when
 * missing or when the dataset has no such column. */
static double value(const churn__reasons_plan *p, size_t i, size_t k)
{
    size_t col = p->said[k];
    return col == (size_t)-1 ? NAN : churn_dataset_value(p->ds, i, col);
}

/* "name=value": the form of an input without a sentence of its own. */
static void say_input(words *w, const churn__reasons_plan *p, size_t i,
                      size_t input)
{
    const churn_dataset *ds = p->ds;
    const char *name = churn__pipeline_input_name(p->m->pipe, input);
    size_t col = p->col[input];
    double v = col == (size_t)-1 ? NAN : churn_dataset_value(ds, i, col);
    say(w, name);
    say(w, "=");
    if (isnan(v)) {
        say(w, "missing");
    } else if (churn_dataset_column_kind(ds, col) == CHURN_CATEGORICAL) {
        say(w, churn_dataset_level(ds, col, (size_t)v));
    } else {
        char num[CHURN__NUM_BUF];
        say_number(w, num, churn__format_g(v, 4, num));
    }
}

/* Activity: silence first, then the change on the month before (from
 * activity_trend t = (a-b)/(a+b): (a-b)/b = 2t/(1-t)), then the count.
 * Returns 0 when the values to say it are missing. */
static int say_activity(words *w, const churn__reasons_plan *p, size_t i)
{
    double a30 = value(p, i, SAID_ACTIVITY_30D);
    double recency = value(p, i, SAID_RECENCY_ACTIVITY);
    double trend = value(p, i, SAID_ACTIVITY_TREND);
    if (a30 == 0 && !isnan(recency)) {
        say(w, "no activity for ");
        say_count(w, recency, "day", "days");
    } else if (a30 == 0) {
        say(w, "no activity yet");
    } else if (trend == 1) {
        say(w, "activity this month, none the month before");
    } else if (trend == 0) {
        say(w, "activity steady on the month before");
    } else if (!isnan(trend)) {
        say(w, trend < 0 ? "activity down " : "activity up ");
        say_fixed(w, fabs(200 * trend / (1 - trend)), 0);
        say(w, " % on the month before");
    } else if (!isnan(a30)) {
        say_count(w, a30, "activity", "activities");
        say(w, " in 30 days");
    } else {
        return 0;
    }
    return 1;
}

static int say_purchases(words *w, const churn__reasons_plan *p, size_t i)
{
    double p90 = value(p, i, SAID_PURCHASES_90D);
    double spend = value(p, i, SAID_MONETARY_90D);
    double recency = value(p, i, SAID_RECENCY_PURCHASE);
    if (p90 == 0 && !isnan(recency)) {
        say(w, "no purchase for ");
        say_count(w, recency, "day", "days");
    } else if (p90 == 0) {
        say(w, "no purchase yet");
    } else if (!isnan(p90)) {
        say_count(w, p90, "purchase", "purchases");
        say(w, " in 90 days");
        if (!isnan(spend)) {
            say(w, ", spend ");
            say_fixed(w, spend, 2);
        }
    } else if (!isnan(spend)) {
        say(w, "spend ");
        say_fixed(w, spend, 2);
        say(w, " in 90 days");
    } else {
        return 0;
    }
    return 1;
}

static int say_tickets(words *w, const churn__reasons_plan *p, size_t i)
{
    double open = value(p, i, SAID_TICKETS_UNRESOLVED);
    double t30 = value(p, i, SAID_TICKETS_30D);
    double t90 = value(p, i, SAID_TICKETS_90D);
    if (open > 0) {
        say_count(w, open, "unresolved ticket", "unresolved tickets");
        if (t30 > 0)
            say(w, ", ");
    }
    if (t30 > 0) {
        say_count(w, t30, "ticket", "tickets");
        say(w, " in 30 days");
    }
    if (open > 0 || t30 > 0)
        return 1;
    if (isnan(t90))
        return 0;
    if (t90 > 0) {
        say_count(w, t90, "ticket", "tickets");
        say(w, " in 90 days");
    } else {
        say(w, "no tickets in 90 days");
    }
    return 1;
}

static int say_satisfaction(words *w, const churn__reasons_plan *p, size_t i)
{
    double last = value(p, i, SAID_SATISFACTION_LAST);
    double trend = value(p, i, SAID_SATISFACTION_TREND);
    if (isnan(last)) { /* the catalog: empty when there is none */
        say(w, "no satisfaction score");
        return 1;
    }
    char num[CHURN__NUM_BUF];
    churn__format_g(last, 4, num); /* the score as the customer gave it */
    say(w, "satisfaction ");
    say(w, num);
    if (trend < 0)
        say(w, ", falling");
    else if (trend > 0)
        say(w, ", rising");
    else if (trend == 0)
        say(w, ", steady");
    return 1;
}

static int say_tenure(words *w, const churn__reasons_plan *p, size_t i)
{
    double days = value(p, i, SAID_TENURE);
    if (isnan(days))
        return 0;
    say(w, "customer for ");
    say_count(w, days, "day", "days");
    return 1;
}

size_t churn__reason_words(const churn__reason *r,
                           const churn__reasons_plan *p, size_t i, char *buf,
                           size_t size)
{
    words w = {buf, size, 0};
    int said = 0;
    buf[0] = '\0';
    switch (r->group) {
    case CHURN__GROUP_ACTIVITY:
        said = say_activity(&w, p, i);
        break;
    case CHURN__GROUP_PURCHASES:
        said = say_purchases(&w, p, i);
        break;
    case CHURN__GROUP_TICKETS:
        said = say_tickets(&w, p, i);
        break;
    case CHURN__GROUP_SATISFACTION:
        said = say_satisfaction(&w, p, i);
        break;
    case CHURN__GROUP_TENURE:
        said = say_tenure(&w, p, i);
        break;
    default:
        break;
    }
    /* A family whose telling values are not in the data (a model trained
     * on a few of them) shows its largest input as it is. */
    if (!said) {
        w.len = 0;
        say_input(&w, p, i, r->input);
    }
    return w.len;
}

size_t churn__reasons_format(const churn__reasons_plan *p, size_t i,
                             const double *contrib, size_t n_reasons,
                             char *buf)
{
    churn__reason r[CHURN__MAX_REASONS];
    size_t n = churn__reasons_rank(p, contrib, 1, n_reasons, r);
    words w = {buf, CHURN__REASONS_TEXT, 0};
    buf[0] = '\0';
    for (size_t k = 0; k < n; k++) {
        char num[CHURN__NUM_BUF];
        if (k)
            say(&w, "; ");
        /* The words in place, cut as a 512-byte buffer of their own
         * would cut them, and then as the rest of buf does. */
        size_t room = w.size - w.len;
        w.len += churn__reason_words(&r[k], p, i, buf + w.len,
                                     room < 512 ? room : 512);
        size_t n_num = churn__format_fixed(r[k].contrib, 2, 1, num);
        say(&w, " (");
        say_number(&w, num, n_num);
        say(&w, ")");
    }
    return w.len;
}
