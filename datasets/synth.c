/* synth.c - seeded synthetic customer histories whose churn odds are known.
 *
 * The generator writes events.csv, customers.csv and truth.csv for n
 * customers; docs/SYNTH.md describes the files for users. The model:
 *
 * Time. t0 is the as-of date; the files cover [t0 - history, t0 + horizon).
 * Simulated days are aligned on t0 (day k is [t0 + k days, t0 + k + 1)).
 *
 * Customers. Half sign up in the two years before the window (their
 * signup is not in the file, as in a real export that starts late); half
 * sign up uniformly inside [t0 - history, t0). A customer who signed up
 * before the window is simulated from WARMUP_DAYS before it, so that its
 * state is settled when the file starts; warm-up events are not written
 * and nobody cancels during warm-up.
 *
 * Latent traits, drawn once per customer:
 *   engagement     log-normal, mean 1: multiplies the activity rate;
 *   price_sens     uniform 0..1: how much the monthly fee pushes to leave;
 *   support        log-normal: how often tickets are opened;
 *   sat_base       normal around 7: the satisfaction level;
 *   sat_drift      normal around 0: survey points gained per 30 days;
 *   frailty        normal around 0: an unobserved push to leave;
 *   power user     30 %: uses feature_export, and stays longer;
 *   disengagement  an onset time (exponential after the start) and a decay
 *                  time: after onset the activity rate decays as
 *                  exp(-(t - onset) / decay); tickets get likelier and
 *                  surveys worse. This is what "heading to churn" looks like.
 *
 * Each day the customer is active: logins (Poisson, rate activity_rate x
 * engagement x decay; value = sessions, sometimes empty), invite_sent and
 * feature_export (Poisson, smaller rates; unknown names to the feature
 * extractor), a payment "purchase" of the monthly fee every 30 days from
 * signup, add-on purchases, tickets (opened with a severity value, closed
 * after an exponential resolution time, some stuck for weeks) and surveys
 * (score 1..10 from base, drift, decline and open tickets).
 *
 * Cancelling. A daily hazard (rate per day) is computed from the observed
 * state, the quantities the feature extractor measures. Activity means
 * login, invite_sent and feature_export rows; "earlier 30 d" is the mean
 * per 30 days over days 31..90 back (used once there are 45 days of
 * history); the survey slope is the least-squares slope of the last 6
 * surveys.
 *   log hazard = HZ_BASE + HZ_RECENCY log(1 + days since last activity)
 *              + HZ_DECLINE max(0, -log((last 30 d + 1) / (earlier 30 d + 1)))
 *              + HZ_TICKETS min(open tickets, 3)
 *              + HZ_SAT_TREND clamp(-survey slope per 30 days, -1, 2)
 *              + HZ_SAT_LOW max(0, 6 - last score) / 4
 *              + HZ_PRICE price_sens log(fee / 20) + HZ_NEW exp(-tenure / 60)
 *              - HZ_POWER [power user] + frailty.
 * Inside the window and before t0 a customer cancels on a day with
 * probability 1 - exp(-hazard). At t0 the hazard h of the state at t0 gives
 * the truth: p = 1 - exp(-h x horizon) is the churn probability written to
 * truth.csv, and exactly that p decides whether a cancel falls in
 * [t0, t0 + horizon) (at a time drawn from the exponential law truncated to
 * the horizon). Behaviour after t0 keeps evolving; the cancel draw does not
 * look at it. A cancelled customer writes nothing after the cancel.
 *
 * With the defaults about 57 % of the customers are active at t0, 13-14 %
 * of those churn in the horizon, and the AUC of the true probabilities is
 * about 0.84 (20000 customers, seeds 1 and 2).
 *
 * Determinism: two gsl_rng_mt19937 streams seeded from the seed, one for
 * who the customers are, one for what they do; customers generated in
 * order; numbers formatted without the locale. The same options and seed
 * give the same bytes, and the customers (customers.csv) do not depend on
 * the activity rate or the horizon.
 */
#include "datasets/synth.h"

#include <gsl/gsl_randist.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define DAY CHURN__SYNTH_DAY

/* Population. */
#define PRE_WINDOW_SHARE 0.5   /* customers who signed up before the window */
#define PRE_WINDOW_DAYS 730.0  /* how far before it they may have */
#define WARMUP_DAYS 90.0       /* simulated, not written, before the window */
#define ANNUAL_SHARE 0.35      /* customers with a yearly contract */

/* Traits. */
#define ENGAGEMENT_SD 0.7      /* sd of log engagement */
#define SUPPORT_SD 0.7         /* sd of log support-proneness */
#define SAT_BASE_MEAN 7.2
#define SAT_BASE_SD 1.2
#define SAT_DRIFT_SD 0.15      /* points per 30 days */
#define FRAILTY_SD 0.4
#define POWER_SHARE 0.3
#define ONSET_MEAN_DAYS 300.0  /* mean wait until disengagement starts */
#define DECAY_MIN_DAYS 15.0
#define DECAY_MAX_DAYS 60.0
#define DECAY_FLOOR 0.03       /* activity never falls quite to zero */

/* Behaviour per day. */
#define INVITE_SHARE 0.05      /* invite_sent rate relative to logins */
#define EXPORT_SHARE 0.25      /* feature_export rate of power users */
#define SESSIONS_EXTRA 1.2     /* sessions per login = 1 + Poisson(this) */
#define SESSIONS_MISSING 0.15  /* logins exported without a value */
#define BILLING_DAYS 30.0
#define ADDON_RATE 0.01        /* add-on purchases per day at engagement 1 */
#define ADDON_LOG_MEAN 3.2     /* log of a typical add-on amount (~25) */
#define ADDON_LOG_SD 0.6
#define TICKET_RATE 0.008      /* tickets per day at support-proneness 1 */
#define TICKET_DECLINE 4.0     /* rate x (1 + this) fully disengaged */
#define RESOLVE_MEAN_DAYS 1.5  /* per severity level */
#define STUCK_SHARE 0.1        /* tickets that take STUCK_FACTOR longer */
#define STUCK_FACTOR 10.0
#define MAX_OPEN 8
#define SURVEY_RATE (1.0 / 30)
#define SURVEY_NOISE_SD 0.8
#define SAT_DECLINE 2.0        /* points lost when fully disengaged */
#define SAT_PER_TICKET 0.7     /* points lost per open ticket */
#define SURVEY_KEEP 6          /* surveys behind the satisfaction trend */

/* Daily cancel hazard (see the top of the file). */
#define HZ_BASE (-8.4)         /* log daily hazard: p(90 days) ~ 2 % */
#define HZ_RECENCY 0.7
#define HZ_DECLINE 0.9
#define HZ_TICKETS 0.9
#define HZ_SAT_TREND 0.6
#define HZ_SAT_LOW 0.8
#define HZ_PRICE 0.6
#define HZ_NEW 0.7
#define HZ_POWER 0.4
#define HZ_MAX 1.0             /* per day; keeps exp() tame */

static const char *const plan_names[] = {"basic", "standard", "premium"};
static const double plan_fees[] = {9.99, 19.99, 39.99};
static const char *const region_names[] = {"north", "south", "east", "west"};

/* ------------------------------------------------------------ output */

static char *put_text(char *p, const char *s)
{
    size_t n = strlen(s);
    memcpy(p, s, n);
    return p + n;
}

/* Decimal digits of v, at least width of them (zero-padded). */
static char *put_uint(char *p, uint64_t v, int width)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n < width)
        tmp[n++] = '0';
    while (n)
        *p++ = tmp[--n];
    return p;
}

/* An amount of money as "12.34". */
static char *put_cents(char *p, uint64_t cents)
{
    p = put_uint(p, cents / 100, 1);
    *p++ = '.';
    return put_uint(p, cents % 100, 2);
}

/* Writes "YYYY-MM-DDTHH:MM:SSZ" for an integral time inside the window. */
static char *put_time(char *p, const churn__synth *s, double t)
{
    double day = floor(t / DAY);
    unsigned sec = (unsigned)(t - day * DAY);
    memcpy(p, s->dates + ((int64_t)day - s->first_day) * 10, 10);
    p[10] = 'T';
    p = put_uint(p + 11, sec / 3600, 2);
    *p++ = ':';
    p = put_uint(p, sec / 60 % 60, 2);
    *p++ = ':';
    p = put_uint(p, sec % 60, 2);
    *p++ = 'Z';
    return p;
}

/* ------------------------------------------------------------ a customer */

struct customer {
    /* traits */
    double engagement, price_sens, support, sat_base, sat_drift, frailty;
    int power_user, plan, region, annual;
    double fee;
    double signup, sim_start, onset, decay_days;
    /* state: times are Unix seconds; activity counts per day in a ring */
    double cancel;         /* INFINITY while active */
    double last_activity;  /* -INFINITY until the first one */
    double next_bill;
    unsigned day_counts[90];
    unsigned recent30, prev60;
    double ticket_close[MAX_OPEN];
    int n_open;
    double survey_t[SURVEY_KEEP], survey_score[SURVEY_KEEP];
    int n_surveys;
    double sat_slope; /* points per 30 days over the kept surveys */
};

/* One events.csv row; value may be NULL (empty cell). Times before the
 * window (warm-up) are only simulated, not written. */
static void emit(churn__synth *s, double t, const char *event,
                 const char *value)
{
    if (t < s->ws)
        return;
    char *start = churn__synth_row(&s->events), *p = start;
    memcpy(p, s->id, s->id_len);
    p += s->id_len;
    *p++ = ',';
    p = put_time(p, s, t);
    *p++ = ',';
    p = put_text(p, event);
    *p++ = ',';
    if (value)
        p = put_text(p, value);
    *p++ = '\n';
    s->events.len += (size_t)(p - start);
    if (++s->n_events >= s->next_progress && s->o->progress) {
        s->o->progress(s->o->progress_user, "generating events", s->n_events,
                       0);
        s->next_progress += CHURN__SYNTH_PROGRESS_EVERY;
    }
}

static void emit_uint(churn__synth *s, double t, const char *event,
                      uint64_t v)
{
    char num[24];
    *put_uint(num, v, 1) = '\0';
    emit(s, t, event, num);
}

static void emit_cents(churn__synth *s, double t, const char *event,
                       uint64_t cents)
{
    char num[32];
    *put_cents(num, cents) = '\0';
    emit(s, t, event, num);
}

static double uniform(churn__synth *s) { return gsl_rng_uniform(s->rng); }

/* An integral time uniformly in [lo, hi), hi > lo. */
static double time_in(churn__synth *s, double lo, double hi)
{
    double t = lo + floor(uniform(s) * (hi - lo));
    return t < hi ? t : lo;
}

/* How much of its normal activity the customer still has at time t. */
static double vigour(const struct customer *c, double t)
{
    if (t < c->onset)
        return 1.0;
    double w = exp(-(t - c->onset) / (c->decay_days * DAY));
    return w > DECAY_FLOOR ? w : DECAY_FLOOR;
}

/* Plan, region, contract and fee; engaged customers tend to buy the
 * bigger plans. */
static void draw_account(gsl_rng *r, struct customer *c)
{
    double taste = log(c->engagement) + gsl_ran_gaussian_ziggurat(r, 0.7);
    c->plan = taste < -0.4 ? 0 : taste < 0.5 ? 1 : 2;
    c->region = (int)gsl_rng_uniform_int(r, 4);
    c->annual = gsl_rng_uniform(r) < ANNUAL_SHARE;
    double u = gsl_rng_uniform(r);
    double discount = u < 0.1 ? 0.25 : u < 0.25 ? 0.1 : 0;
    c->fee = round(plan_fees[c->plan] * (1 - discount) * 100) / 100;
}

/* Draws who the customer is from the traits stream, which nothing else
 * uses: customer i is the same person whatever the activity rate or the
 * horizon, only his behaviour differs. */
static void draw_traits(churn__synth *s, struct customer *c)
{
    gsl_rng *r = s->traits_rng;
    memset(c, 0, sizeof *c);
    double half_var = ENGAGEMENT_SD * ENGAGEMENT_SD / 2;
    c->engagement = gsl_ran_lognormal(r, -half_var, ENGAGEMENT_SD);
    c->price_sens = gsl_rng_uniform(r);
    c->support = gsl_ran_lognormal(r, 0, SUPPORT_SD);
    c->sat_base = SAT_BASE_MEAN + gsl_ran_gaussian_ziggurat(r, SAT_BASE_SD);
    c->sat_drift = gsl_ran_gaussian_ziggurat(r, SAT_DRIFT_SD);
    c->frailty = gsl_ran_gaussian_ziggurat(r, FRAILTY_SD);
    c->power_user = gsl_rng_uniform(r) < POWER_SHARE;
    draw_account(r, c);
    double before = gsl_rng_uniform(r), when = gsl_rng_uniform(r);
    if (before < PRE_WINDOW_SHARE)
        c->signup = s->ws - ceil(when * PRE_WINDOW_DAYS * DAY);
    else
        c->signup = s->ws + floor(when * (s->t0 - s->ws));
    double warm_start = s->ws - WARMUP_DAYS * DAY;
    c->sim_start = c->signup > warm_start ? c->signup : warm_start;
    c->onset = c->sim_start + gsl_ran_exponential(r, ONSET_MEAN_DAYS * DAY);
    c->decay_days = DECAY_MIN_DAYS +
                    gsl_rng_uniform(r) * (DECAY_MAX_DAYS - DECAY_MIN_DAYS);
    c->cancel = INFINITY;
    c->last_activity = -INFINITY;
    /* Billing every 30 days from signup: the first bill not before start. */
    double periods = ceil((c->sim_start - c->signup) / (BILLING_DAYS * DAY));
    c->next_bill = c->signup + periods * BILLING_DAYS * DAY;
}

/* ------------------------------------------------------------ state */

/* Least-squares slope of the kept surveys, in points per 30 days. */
static double survey_slope(const struct customer *c)
{
    int n = c->n_surveys;
    if (n < 3)
        return 0;
    double mx = 0, my = 0;
    for (int i = 0; i < n; i++) {
        mx += (c->survey_t[i] - c->survey_t[0]) / (30 * DAY);
        my += c->survey_score[i];
    }
    mx /= n;
    my /= n;
    double sxy = 0, sxx = 0;
    for (int i = 0; i < n; i++) {
        double dx = (c->survey_t[i] - c->survey_t[0]) / (30 * DAY) - mx;
        sxy += dx * (c->survey_score[i] - my);
        sxx += dx * dx;
    }
    return sxx > 0 ? sxy / sxx : 0;
}

static void add_survey(struct customer *c, double t, double score)
{
    if (c->n_surveys == SURVEY_KEEP) {
        memmove(c->survey_t, c->survey_t + 1,
                (SURVEY_KEEP - 1) * sizeof c->survey_t[0]);
        memmove(c->survey_score, c->survey_score + 1,
                (SURVEY_KEEP - 1) * sizeof c->survey_score[0]);
        c->n_surveys--;
    }
    c->survey_t[c->n_surveys] = t;
    c->survey_score[c->n_surveys++] = score;
    c->sat_slope = survey_slope(c);
}

/* Moves the activity windows on by one day: `count` events on day d
 * (counted from the start of the simulation). recent30 then covers the
 * last 30 days, prev60 the 60 before them. */
static void end_day(struct customer *c, size_t d, unsigned count)
{
    unsigned day_minus_30 = c->day_counts[(d + 60) % 90];
    unsigned day_minus_90 = c->day_counts[d % 90];
    c->recent30 = c->recent30 + count - day_minus_30;
    c->prev60 = c->prev60 + day_minus_30 - day_minus_90;
    c->day_counts[d % 90] = count;
}

/* The daily cancel hazard of the state at time now (see the file top). */
static double hazard(const struct customer *c, double now)
{
    double since = c->last_activity > c->sim_start ? c->last_activity
                                                   : c->sim_start;
    double recency_days = (now - since) / DAY;
    /* The activity trend needs some history before "earlier" means much. */
    double age_days = (now - c->sim_start) / DAY;
    double earlier_days = fmin(fmax(age_days - 30, 0), 60);
    double decline = 0;
    if (earlier_days >= 15) {
        double earlier30 = c->prev60 * 30.0 / earlier_days;
        decline = fmax(0, -log((c->recent30 + 1.0) / (earlier30 + 1.0)));
    }
    double z = HZ_BASE + HZ_RECENCY * log1p(recency_days) +
               HZ_DECLINE * decline +
               HZ_TICKETS * (c->n_open < 3 ? c->n_open : 3) +
               HZ_SAT_TREND * fmin(fmax(-c->sat_slope, -1), 2);
    if (c->n_surveys > 0)
        z += HZ_SAT_LOW * fmax(0, 6 - c->survey_score[c->n_surveys - 1]) / 4;
    z += HZ_PRICE * c->price_sens * log(c->fee / 20) +
         HZ_NEW * exp(-(now - c->signup) / DAY / 60) -
         (c->power_user ? HZ_POWER : 0) + c->frailty;
    double h = exp(z);
    return h < HZ_MAX ? h : HZ_MAX;
}

/* ------------------------------------------------------------ one day */

/* Poisson(mean) events called name at random times in [lo, hi), with a
 * sessions count as value when asked. Returns how many; keeps the last
 * activity time. */
static unsigned activity_burst(churn__synth *s, struct customer *c,
                               const char *name, int with_sessions,
                               double mean, double lo, double hi)
{
    unsigned n = gsl_ran_poisson(s->rng, mean);
    for (unsigned i = 0; i < n; i++) {
        double t = time_in(s, lo, hi);
        if (t > c->last_activity)
            c->last_activity = t;
        if (!with_sessions || uniform(s) < SESSIONS_MISSING)
            emit(s, t, name, NULL);
        else
            emit_uint(s, t, name, 1 + gsl_ran_poisson(s->rng, SESSIONS_EXTRA));
    }
    return n;
}

static void day_purchases(churn__synth *s, struct customer *c, double lo,
                          double hi, double w)
{
    for (; c->next_bill < hi; c->next_bill += BILLING_DAYS * DAY)
        emit_cents(s, c->next_bill, "purchase",
                   (uint64_t)llround(c->fee * 100));
    double p = ADDON_RATE * c->engagement * w * (hi - lo) / DAY;
    if (uniform(s) < p) {
        double t = time_in(s, lo, hi);
        double amount = gsl_ran_lognormal(s->rng, ADDON_LOG_MEAN,
                                          ADDON_LOG_SD);
        emit_cents(s, t, "purchase", (uint64_t)llround(amount * 100) + 100);
    }
}

/* Opens a ticket now and then; closes those resolved before hi. */
static void day_tickets(churn__synth *s, struct customer *c, double lo,
                        double hi, double w)
{
    double p = TICKET_RATE * c->support * (1 + TICKET_DECLINE * (1 - w)) *
               (hi - lo) / DAY;
    if (uniform(s) < p && c->n_open < MAX_OPEN) {
        double t = time_in(s, lo, hi);
        unsigned severity = 1 + (uniform(s) < 0.3) + (uniform(s) < 0.1);
        double mean = RESOLVE_MEAN_DAYS * severity;
        if (uniform(s) < STUCK_SHARE)
            mean *= STUCK_FACTOR;
        double took = ceil(gsl_ran_exponential(s->rng, mean * DAY));
        c->ticket_close[c->n_open++] = t + took;
        emit_uint(s, t, "ticket_opened", severity);
    }
    for (int i = 0; i < c->n_open;) {
        if (c->ticket_close[i] < hi) {
            emit(s, c->ticket_close[i], "ticket_closed", NULL);
            c->ticket_close[i] = c->ticket_close[--c->n_open];
        } else {
            i++;
        }
    }
}

static void day_survey(churn__synth *s, struct customer *c, double lo,
                       double hi, double w)
{
    if (uniform(s) >= SURVEY_RATE * (hi - lo) / DAY)
        return;
    double t = time_in(s, lo, hi);
    double months = (t - c->sim_start) / (30 * DAY);
    double score = c->sat_base + c->sat_drift * months -
                   SAT_DECLINE * (1 - w) - SAT_PER_TICKET * c->n_open +
                   gsl_ran_gaussian_ziggurat(s->rng, SURVEY_NOISE_SD);
    score = fmin(fmax(round(score), 1), 10);
    emit_uint(s, t, "survey", (uint64_t)score);
    add_survey(c, t, score);
}

/* Everything the customer does in [lo, hi); returns the activity count. */
static unsigned simulate_day(churn__synth *s, struct customer *c, double lo,
                             double hi)
{
    double w = vigour(c, (lo + hi) / 2);
    double mean = s->o->activity_rate * c->engagement * w * (hi - lo) / DAY;
    unsigned n = activity_burst(s, c, "login", 1, mean, lo, hi);
    n += activity_burst(s, c, "invite_sent", 0, mean * INVITE_SHARE, lo, hi);
    if (c->power_user)
        n += activity_burst(s, c, "feature_export", 0, mean * EXPORT_SHARE,
                            lo, hi);
    day_purchases(s, c, lo, hi, w);
    day_tickets(s, c, lo, hi, w);
    day_survey(s, c, lo, hi, w);
    return n;
}

/* ------------------------------------------------------------ cancels */

/* Before t0: cancels during [lo, hi) with probability 1 - exp(-hazard). */
static void daily_cancel(churn__synth *s, struct customer *c, double lo,
                         double hi)
{
    double h = hazard(c, lo);
    if (uniform(s) < -expm1(-h * (hi - lo) / DAY)) {
        c->cancel = time_in(s, lo, hi);
        emit(s, c->cancel, "cancel", NULL);
    }
}

static void put_truth(churn__synth *s, double p, int churned)
{
    char num[CHURN__NUM_BUF];
    char *start = churn__synth_row(&s->truth), *p_out = start;
    memcpy(p_out, s->id, s->id_len);
    p_out += s->id_len;
    *p_out++ = ',';
    p_out = put_text(p_out, churn__format_double(p, num));
    *p_out++ = ',';
    *p_out++ = churned ? '1' : '0';
    *p_out++ = '\n';
    s->truth.len += (size_t)(p_out - start);
}

/* At t0, for a customer still active: p = 1 - exp(-h horizon) from the
 * state at t0 is the truth, and the very draw that decides the cancel. */
static void decide_horizon(churn__synth *s, struct customer *c)
{
    double h = hazard(c, s->t0);
    double p = -expm1(-h * s->o->horizon_days);
    int churned = uniform(s) < p;
    if (churned) {
        /* The exponential law truncated to the horizon: F^-1(u p). */
        double days = -log1p(-uniform(s) * p) / h;
        double t = s->t0 + floor(days * DAY);
        c->cancel = t < s->te ? t : s->te - 1;
        emit(s, c->cancel, "cancel", NULL);
    }
    put_truth(s, p, churned);
    s->n_active++;
    s->n_churned += (size_t)churned;
}

/* ------------------------------------------------------------ customers */

static void put_customer(churn__synth *s, const struct customer *c)
{
    char *start = churn__synth_row(&s->customers), *p = start;
    memcpy(p, s->id, s->id_len);
    p += s->id_len;
    *p++ = ',';
    p = put_text(p, plan_names[c->plan]);
    *p++ = ',';
    p = put_text(p, region_names[c->region]);
    *p++ = ',';
    p = put_cents(p, (uint64_t)llround(c->fee * 100));
    *p++ = ',';
    if (c->annual) {
        /* The end of the contract year that runs at t0. */
        double years = ceil((s->t0 - c->signup) / (365 * DAY));
        char date[16];
        churn_format_date(c->signup + years * 365 * DAY, date, sizeof date);
        p = put_text(p, date);
    }
    *p++ = '\n';
    s->customers.len += (size_t)(p - start);
}

void churn__synth_customer(churn__synth *s, size_t index)
{
    struct customer c;
    char *p = s->id;
    *p++ = 'C';
    p = put_uint(p, (uint64_t)index + 1, s->id_width);
    s->id_len = (size_t)(p - s->id);
    draw_traits(s, &c);
    put_customer(s, &c);
    emit(s, c.signup, "signup", NULL);
    int64_t k_first = (int64_t)floor((c.sim_start - s->t0) / DAY);
    int64_t k_end = (int64_t)ceil((s->te - s->t0) / DAY);
    for (int64_t k = k_first; k < k_end; k++) {
        double day = s->t0 + (double)k * DAY, day_end = day + DAY;
        if (day >= c.cancel)
            break;
        double lo = fmax(day, c.sim_start);
        if (k == 0)
            decide_horizon(s, &c);
        else if (k < 0 && day_end > s->ws)
            daily_cancel(s, &c, fmax(lo, s->ws), day_end);
        double hi = fmin(fmin(day_end, c.cancel), s->te);
        unsigned n = hi > lo ? simulate_day(s, &c, lo, hi) : 0;
        end_day(&c, (size_t)(k - k_first), n);
    }
}
