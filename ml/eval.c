/* eval.c - the evaluation report: every figure of a model's quality from
 * probabilities and 0/1 labels (ranking, threshold, profit, top-k, deciles,
 * calibration, bootstrap intervals) and the accessors. */
#include "ml/eval.h"
#include "ml/metrics.h"
#include "ml/rng.h"

#include <gsl/gsl_rng.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

const char *const churn__eval_names[CHURN__E_COUNT] = {
    "rows", "positives", "auc", "auc_ci_low", "auc_ci_high", "pr_auc",
    "pr_auc_ci_low", "pr_auc_ci_high", "log_loss", "brier", "ece",
    "threshold", "accuracy", "precision", "recall", "f1", "tp", "fp", "tn",
    "fn", "offer_cost", "customer_value", "best_threshold", "best_profit",
    "best_targeted", "precision_at_1pct", "recall_at_1pct",
    "precision_at_5pct", "recall_at_5pct", "precision_at_10pct",
    "recall_at_10pct", "precision_at_20pct", "recall_at_20pct",
    "top_decile_lift", "c_index",
};

const signed char churn__eval_direction[CHURN__E_COUNT] = {
    [CHURN__E_AUC] = 1, [CHURN__E_PR_AUC] = 1, [CHURN__E_LOG_LOSS] = -1,
    [CHURN__E_BRIER] = -1, [CHURN__E_ECE] = -1, [CHURN__E_ACCURACY] = 1,
    [CHURN__E_PRECISION] = 1, [CHURN__E_RECALL] = 1, [CHURN__E_F1] = 1,
    [CHURN__E_BEST_PROFIT] = 1, [CHURN__E_PRECISION_AT_1] = 1,
    [CHURN__E_RECALL_AT_1] = 1, [CHURN__E_PRECISION_AT_5] = 1,
    [CHURN__E_RECALL_AT_5] = 1, [CHURN__E_PRECISION_AT_10] = 1,
    [CHURN__E_RECALL_AT_10] = 1, [CHURN__E_PRECISION_AT_20] = 1,
    [CHURN__E_RECALL_AT_20] = 1, [CHURN__E_TOP_DECILE_LIFT] = 1,
    [CHURN__E_C_INDEX] = 1,
};

const double churn__eval_top_percents[CHURN__EVAL_TOPS] = {1, 5, 10, 20};

const churn_eval_opts churn__eval_defaults = {
    .threshold = 0.5, .offer_cost = 1, .customer_value = 10,
    .resamples = 1000, .seed = 42,
};

churn_eval_opts *churn_eval_opts_new(void)
{
    churn_eval_opts *o = malloc(sizeof *o);
    if (o)
        *o = churn__eval_defaults;
    return o;
}

void churn_eval_opts_free(churn_eval_opts *o) { free(o); }

int churn_eval_opts_set_threshold(churn_eval_opts *o, double p)
{
    if (!o || !(p >= 0 && p <= 1))
        return CHURN_EINVAL;
    o->threshold = p;
    return CHURN_OK;
}

int churn_eval_opts_set_profit(churn_eval_opts *o, double offer_cost,
                               double customer_value)
{
    if (!o || !(offer_cost >= 0) || !(customer_value >= 0) ||
        !isfinite(offer_cost) || !isfinite(customer_value))
        return CHURN_EINVAL;
    o->offer_cost = offer_cost;
    o->customer_value = customer_value;
    return CHURN_OK;
}

int churn_eval_opts_set_bootstrap(churn_eval_opts *o, size_t resamples,
                                  uint64_t seed)
{
    if (!o || resamples > 1000000)
        return CHURN_EINVAL;
    o->resamples = resamples;
    o->seed = seed;
    return CHURN_OK;
}

/* A labeled row while sorting: its probability and its input position. */
struct ranked {
    double score;
    size_t pos;
    unsigned char label;
};

/* Highest score first; equal scores keep input order (a stable ranking,
 * so top-k and deciles are reproducible). */
static int by_score_desc(const void *a, const void *b)
{
    const struct ranked *x = a, *y = b;
    if (x->score != y->score)
        return x->score < y->score ? 1 : -1;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

/* ROC AUC and average precision over score[0..n) (highest first) with
 * row weights w (NULL = 1 each), walking groups of equal scores: each
 * group is one threshold, as in scikit-learn. AUC counts a positive above
 * a negative as 1 and a tie as 1/2; AP = sum over thresholds of
 * (recall gained) x (precision there). NaN when a class is absent. */
static void rank_metrics(const double *score, const unsigned char *label,
                         const double *w, size_t n, double *auc, double *ap)
{
    double pos_total = 0, neg_total = 0;
    for (size_t i = 0; i < n; i++) {
        double wi = w ? w[i] : 1;
        if (label[i])
            pos_total += wi;
        else
            neg_total += wi;
    }
    double tp = 0, fp = 0, wins = 0, ap_sum = 0;
    for (size_t i = 0; i < n;) {
        double pos = 0, neg = 0;
        size_t end = i;
        for (; end < n && score[end] == score[i]; end++) {
            double wi = w ? w[end] : 1;
            if (label[end])
                pos += wi;
            else
                neg += wi;
        }
        wins += neg * tp + 0.5 * pos * neg;
        tp += pos;
        fp += neg;
        if (pos > 0)
            ap_sum += pos / pos_total * (tp / (tp + fp));
        i = end;
    }
    int ok = pos_total > 0 && neg_total > 0;
    *auc = ok ? wins / (pos_total * neg_total) : NAN;
    *ap = pos_total > 0 ? ap_sum : NAN;
}

/* Percentile bootstrap intervals for AUC and AP: each resample draws n
 * rows with replacement (GSL mt19937 seeded by seed) as counts over the
 * ranked rows, so no resample needs sorting. Resamples that miss a class
 * are skipped. */
static int bootstrap(churn_eval *e, size_t resamples, uint64_t seed,
                     churn_error *err)
{
    int rc = CHURN_OK;
    size_t n = e->n;
    double *w = malloc(n * sizeof *w);
    double *aucs = malloc(resamples * sizeof *aucs);
    double *aps = malloc(resamples * sizeof *aps);
    gsl_rng *rng = churn__rng_alloc();
    if (!w || !aucs || !aps || !rng) {
        rc = churn__fail_nomem(err);
        goto done;
    }
    gsl_rng_set(rng, (unsigned long)seed);
    /* Beyond the generator's range gsl_rng_uniform_int would call GSL's
     * error handler (by default abort()). */
    if (n > gsl_rng_max(rng) - gsl_rng_min(rng)) {
        rc = churn__fail(err, CHURN_EINVAL, "bootstrap intervals: more "
                         "than %lu rows", gsl_rng_max(rng));
        goto done;
    }
    size_t valid = 0;
    for (size_t r = 0; r < resamples; r++) {
        memset(w, 0, n * sizeof *w);
        for (size_t i = 0; i < n; i++)
            w[gsl_rng_uniform_int(rng, (unsigned long)n)] += 1;
        double auc, ap;
        rank_metrics(e->score, e->label, w, n, &auc, &ap);
        if (isnan(auc))
            continue;
        aucs[valid] = auc;
        aps[valid] = ap;
        valid++;
    }
    e->boot_resamples = valid;
    if (valid > 0) {
        double tail = (1 - e->ci_level) / 2;
        gsl_sort(aucs, 1, valid);
        gsl_sort(aps, 1, valid);
        e->metrics[CHURN__E_AUC_LOW] =
            gsl_stats_quantile_from_sorted_data(aucs, 1, valid, tail);
        e->metrics[CHURN__E_AUC_HIGH] =
            gsl_stats_quantile_from_sorted_data(aucs, 1, valid, 1 - tail);
        e->metrics[CHURN__E_PR_AUC_LOW] =
            gsl_stats_quantile_from_sorted_data(aps, 1, valid, tail);
        e->metrics[CHURN__E_PR_AUC_HIGH] =
            gsl_stats_quantile_from_sorted_data(aps, 1, valid, 1 - tail);
    }
done:
    free(w);
    free(aucs);
    free(aps);
    gsl_rng_free(rng);
    return rc;
}

static double ratio(double a, double b) { return b > 0 ? a / b : 0; }

/* Accuracy, precision, recall, F1 and the confusion matrix when rows with
 * probability >= t are called churners. Precision (recall) is 0 when
 * nothing is predicted (nothing is) positive, as scikit-learn's default. */
static void at_threshold(churn_eval *e, double t)
{
    double tp = 0, fp = 0, tn = 0, fn = 0;
    for (size_t i = 0; i < e->n; i++) {
        int predicted = e->score[i] >= t;
        tp += predicted && e->label[i];
        fp += predicted && !e->label[i];
        tn += !predicted && !e->label[i];
        fn += !predicted && e->label[i];
    }
    double *m = e->metrics;
    double precision = ratio(tp, tp + fp), recall = ratio(tp, tp + fn);
    m[CHURN__E_THRESHOLD] = t;
    m[CHURN__E_TP] = tp;
    m[CHURN__E_FP] = fp;
    m[CHURN__E_TN] = tn;
    m[CHURN__E_FN] = fn;
    m[CHURN__E_ACCURACY] = (tp + tn) / (double)e->n;
    m[CHURN__E_PRECISION] = precision;
    m[CHURN__E_RECALL] = recall;
    m[CHURN__E_F1] = ratio(2 * tp, 2 * tp + fp + fn);
}

/* The threshold of most profit: offering the retention deal to every row
 * with probability >= t costs offer_cost each and keeps each churner among
 * them, worth customer_value: profit(t) = value * TP(t) - cost * (TP(t) +
 * FP(t)). Candidates are the distinct scores (and "nobody", profit 0, at
 * a threshold above the highest score); the highest threshold wins ties. */
static void best_profit(churn_eval *e, double cost, double value)
{
    double tp = 0, fp = 0, best = 0, best_t = NAN, best_n = 0;
    for (size_t i = 0; i < e->n;) {
        size_t end = i;
        for (; end < e->n && e->score[end] == e->score[i]; end++) {
            tp += e->label[end];
            fp += !e->label[end];
        }
        double profit = value * tp - cost * (tp + fp);
        if (profit > best) {
            best = profit;
            best_t = e->score[i];
            best_n = tp + fp;
        }
        i = end;
    }
    if (isnan(best_t))
        best_t = e->n ? nextafter(e->score[0], INFINITY) : 1;
    e->metrics[CHURN__E_OFFER_COST] = cost;
    e->metrics[CHURN__E_CUSTOMER_VALUE] = value;
    e->metrics[CHURN__E_BEST_THRESHOLD] = best_t;
    e->metrics[CHURN__E_BEST_PROFIT] = best;
    e->metrics[CHURN__E_BEST_TARGETED] = best_n;
}

/* Top k% (k = ceil(n * percent / 100) ranked rows), deciles (decile d
 * holds ranks [floor(d n / 10), floor((d + 1) n / 10))) and calibration
 * bins of width 0.1 (bin b holds (b/10, (b+1)/10], the first also 0, as
 * scikit-learn's calibration_curve). */
static void tables(churn_eval *e)
{
    size_t n = e->n, pos = (size_t)e->metrics[CHURN__E_POSITIVES];
    for (int k = 0; k < CHURN__EVAL_TOPS; k++) {
        size_t top = (size_t)ceil((double)n * churn__eval_top_percents[k] /
                                  100.0);
        double hit = 0;
        for (size_t i = 0; i < top; i++)
            hit += e->label[i];
        e->metrics[CHURN__E_PRECISION_AT_1 + 2 * k] = ratio(hit, (double)top);
        e->metrics[CHURN__E_RECALL_AT_1 + 2 * k] = ratio(hit, (double)pos);
    }
    for (size_t d = 0; d < CHURN__EVAL_BINS; d++) {
        size_t lo = d * n / CHURN__EVAL_BINS;
        size_t hi = (d + 1) * n / CHURN__EVAL_BINS;
        e->decile_rows[d] = hi - lo;
        e->decile_pos[d] = 0;
        for (size_t i = lo; i < hi; i++)
            e->decile_pos[d] += e->label[i];
    }
    double rate = ratio((double)pos, (double)n);
    e->metrics[CHURN__E_TOP_DECILE_LIFT] =
        rate > 0 ? ratio((double)e->decile_pos[0],
                         (double)e->decile_rows[0]) / rate : NAN;
    double ece = 0;
    for (size_t i = 0; i < n; i++) {
        size_t b = 0;
        while (b + 1 < CHURN__EVAL_BINS && e->score[i] > (double)(b + 1) / 10)
            b++;
        e->cal_rows[b]++;
        e->cal_prob_sum[b] += e->score[i];
        e->cal_pos[b] += e->label[i];
    }
    for (size_t b = 0; b < CHURN__EVAL_BINS; b++)
        if (e->cal_rows[b])
            ece += fabs(e->cal_prob_sum[b] - e->cal_pos[b]) / (double)n;
    e->metrics[CHURN__E_ECE] = ece;
}

/* Copies the labeled rows, ranked; fails on a NaN probability. */
static int rank_rows(churn_eval *e, const double *prob, const double *label,
                     size_t n, churn_error *err)
{
    struct ranked *r = malloc((n ? n : 1) * sizeof *r);
    if (!r)
        return churn__fail_nomem(err);
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(label[i]))
            continue;
        if (isnan(prob[i])) {
            free(r);
            return churn__fail(err, CHURN_EINVAL,
                               "probability of row %zu is NaN", i + 1);
        }
        r[m].score = prob[i];
        r[m].pos = i;
        r[m].label = label[i] > 0;
        m++;
    }
    qsort(r, m, sizeof *r, by_score_desc);
    e->score = malloc((m ? m : 1) * sizeof *e->score);
    e->label = malloc(m ? m : 1);
    if (!e->score || !e->label) {
        free(r);
        return churn__fail_nomem(err);
    }
    for (size_t i = 0; i < m; i++) {
        e->score[i] = r[i].score;
        e->label[i] = r[i].label;
    }
    e->n = m;
    free(r);
    return CHURN_OK;
}

static churn_eval *eval_new(void)
{
    churn_eval *e = calloc(1, sizeof *e);
    if (!e)
        return NULL;
    for (size_t k = 0; k < CHURN__E_COUNT; k++)
        e->metrics[k] = e->fold_mean[k] = e->fold_sd[k] = NAN;
    e->ci_level = 0.95;
    return e;
}

int churn_eval_compute(const double *prob, const double *label, size_t n,
                       const churn_eval_opts *o, churn_eval **out,
                       churn_error *err)
{
    if (!out || (n && (!prob || !label)))
        return churn__fail(err, CHURN_EINVAL, "churn_eval_compute: null "
                           "argument");
    *out = NULL;
    if (!o)
        o = &churn__eval_defaults;
    churn_eval *e = eval_new();
    if (!e)
        return churn__fail_nomem(err);
    int rc = rank_rows(e, prob, label, n, err);
    if (rc != CHURN_OK)
        goto done;
    size_t pos = 0;
    for (size_t i = 0; i < e->n; i++)
        pos += e->label[i];
    if (pos == 0 || pos == e->n) {
        rc = churn__fail(err, CHURN_EEMPTY, "evaluation needs both classes "
                         "(%zu labeled rows, %zu churned)", e->n, pos);
        goto done;
    }
    e->metrics[CHURN__E_ROWS] = (double)e->n;
    e->metrics[CHURN__E_POSITIVES] = (double)pos;
    double auc, ap;
    rank_metrics(e->score, e->label, NULL, e->n, &auc, &ap);
    e->metrics[CHURN__E_AUC] = auc;
    e->metrics[CHURN__E_PR_AUC] = ap;
    double *y = malloc(e->n * sizeof *y);
    if (!y) {
        rc = churn__fail_nomem(err);
        goto done;
    }
    for (size_t i = 0; i < e->n; i++)
        y[i] = e->label[i];
    e->metrics[CHURN__E_LOG_LOSS] = churn__log_loss(e->score, y, e->n);
    e->metrics[CHURN__E_BRIER] = churn__brier(e->score, y, e->n);
    free(y);
    at_threshold(e, o->threshold);
    best_profit(e, o->offer_cost, o->customer_value);
    tables(e);
    e->boot_seed = o->seed;
    if (o->resamples > 0)
        rc = bootstrap(e, o->resamples, o->seed, err);
done:
    if (rc != CHURN_OK)
        churn_eval_free(e);
    else
        *out = e;
    return rc;
}

void churn_eval_free(churn_eval *e)
{
    if (!e)
        return;
    free(e->score);
    free(e->label);
    for (size_t i = 0; i < 2 * e->n_info; i++)
        free(e->info[i]);
    free(e->info);
    for (size_t i = 0; i < e->n_features; i++)
        free(e->features[i]);
    free(e->features);
    for (size_t i = 0; i < e->n_imp; i++)
        free(e->imp_names[i]);
    free(e->imp_names);
    free(e->imp_coef);
    free(e->imp_perm);
    free(e->imp_shap);
    churn__eval_segments_free(e->segments);
    churn__eval_cohorts_free(e->cohorts);
    churn__eval_drift_free(e->drift);
    churn_survival_eval_free(e->survival);
    churn__board_clear(&e->board);
    for (size_t i = 0; i < 2 * e->n_train; i++)
        free(e->train[i]);
    free(e->train);
    free(e->train_num);
    free(e->train_setting);
    free(e);
}

const char *const churn__eval_kpi_names[CHURN__EVAL_KPIS] = {
    "start", "end", "customers_start", "customers_end", "new", "retained",
    "retention_rate", "churn_rate", "revenue_start", "revenue_end",
    "revenue_retention"};

void churn__eval_segments_free(churn__eval_segments *s)
{
    if (!s)
        return;
    for (size_t g = 0; g < s->n_groups; g++) {
        churn__eval_group *u = &s->group[g];
        for (size_t k = 0; k < u->n; k++)
            free(u->level[k]);
        free(u->column);
        free(u->level);
        free(u->customers);
        free(u->labelled);
        free(u->churned);
    }
    free(s);
}

void churn__eval_cohorts_free(churn__eval_cohorts *c)
{
    if (!c)
        return;
    free(c->cohort);
    free(c->size);
    free(c->retention);
    free(c);
}

int churn__eval_index(const char *name)
{
    for (int k = 0; name && k < CHURN__E_COUNT; k++)
        if (strcmp(name, churn__eval_names[k]) == 0)
            return k;
    return -1;
}

size_t churn_eval_n_metrics(void) { return CHURN__E_COUNT; }

const char *churn_eval_metric_name(size_t i)
{
    return i < CHURN__E_COUNT ? churn__eval_names[i] : NULL;
}

double churn_eval_metric(const churn_eval *e, const char *name)
{
    int k = churn__eval_index(name);
    return e && k >= 0 ? e->metrics[k] : NAN;
}

double churn_eval_fold_mean(const churn_eval *e, const char *name)
{
    int k = churn__eval_index(name);
    return e && k >= 0 ? e->fold_mean[k] : NAN;
}

double churn_eval_fold_sd(const churn_eval *e, const char *name)
{
    int k = churn__eval_index(name);
    return e && k >= 0 ? e->fold_sd[k] : NAN;
}

size_t churn_eval_n_folds(const churn_eval *e) { return e ? e->n_folds : 0; }

int churn_eval_decile(const churn_eval *e, size_t d, size_t *rows,
                      size_t *positives, double *lift, double *cum_gain)
{
    if (!e || d >= CHURN__EVAL_BINS)
        return CHURN_EINVAL;
    double rate = e->metrics[CHURN__E_POSITIVES] / (double)e->n, cum = 0;
    for (size_t k = 0; k <= d; k++)
        cum += (double)e->decile_pos[k];
    *rows = e->decile_rows[d];
    *positives = e->decile_pos[d];
    *lift = ratio((double)e->decile_pos[d], (double)e->decile_rows[d]) / rate;
    *cum_gain = cum / e->metrics[CHURN__E_POSITIVES];
    return CHURN_OK;
}

int churn_eval_calibration(const churn_eval *e, size_t b, size_t *rows,
                           double *mean_predicted, double *observed)
{
    if (!e || b >= CHURN__EVAL_BINS)
        return CHURN_EINVAL;
    size_t r = e->cal_rows[b];
    *rows = r;
    *mean_predicted = r ? e->cal_prob_sum[b] / (double)r : NAN;
    *observed = r ? e->cal_pos[b] / (double)r : NAN;
    return CHURN_OK;
}

/* Appends a copy of each string to the array *arr of *n (n_per each). */
static int append_strings(char ***arr, size_t *n, size_t n_per,
                          const char *a, const char *b)
{
    char **grown = realloc(*arr, (*n + 1) * n_per * sizeof *grown);
    if (!grown)
        return CHURN_ENOMEM;
    *arr = grown;
    char *ca = churn__strdup(a), *cb = n_per > 1 ? churn__strdup(b) : NULL;
    if (!ca || (n_per > 1 && !cb)) {
        free(ca);
        free(cb);
        return CHURN_ENOMEM;
    }
    grown[*n * n_per] = ca;
    if (n_per > 1)
        grown[*n * n_per + 1] = cb;
    (*n)++;
    return CHURN_OK;
}

int churn_eval_add_info(churn_eval *e, const char *key, const char *value)
{
    if (!e || !key || !value)
        return CHURN_EINVAL;
    return append_strings(&e->info, &e->n_info, 2, key, value);
}

int churn__eval_add_training(churn_eval *e, const char *key,
                             const char *text, double num, int setting)
{
    char buf[CHURN__NUM_BUF];
    const char *value = text ? text : churn__format_double(num, buf);
    for (size_t i = 0; i < e->n_train; i++)
        if (strcmp(e->train[2 * i], key) == 0) { /* replaced */
            char *copy = churn__strdup(value);
            if (!copy)
                return CHURN_ENOMEM;
            free(e->train[2 * i + 1]);
            e->train[2 * i + 1] = copy;
            e->train_num[i] = text ? NAN : num;
            e->train_setting[i] = (unsigned char)setting;
            return CHURN_OK;
        }
    double *nums = realloc(e->train_num, (e->n_train + 1) * sizeof *nums);
    if (!nums)
        return CHURN_ENOMEM;
    e->train_num = nums;
    unsigned char *set = realloc(e->train_setting, e->n_train + 1);
    if (!set)
        return CHURN_ENOMEM;
    e->train_setting = set;
    nums[e->n_train] = text ? NAN : num;
    set[e->n_train] = (unsigned char)setting;
    return append_strings(&e->train, &e->n_train, 2, key, value);
}

int churn_eval_add_feature(churn_eval *e, const char *name)
{
    if (!e || !name)
        return CHURN_EINVAL;
    return append_strings(&e->features, &e->n_features, 1, name, NULL);
}

int churn_eval_importance(const churn_eval *e, size_t j, const char **name,
                          double *coef, double *perm)
{
    if (!e || j >= e->n_imp)
        return CHURN_EINVAL;
    *name = e->imp_names[j];
    *coef = e->imp_coef[j];
    *perm = e->imp_perm[j];
    return CHURN_OK;
}

size_t churn_eval_n_importance(const churn_eval *e) { return e ? e->n_imp : 0; }

double churn_eval_importance_shap(const churn_eval *e, size_t j)
{
    return e && e->imp_shap && j < e->n_imp ? e->imp_shap[j] : NAN;
}
