/* metrics.c - model-quality metrics: ROC AUC (Mann-Whitney, ties as 1/2),
 * average precision, log loss and Brier score. */
#include "ml/metrics.h"

#include <math.h>
#include <stdlib.h>

/* The element qsort sorts: a score and whether its row is positive. */
struct scored {
    double score;
    int positive;
};

/* A total order on scores, NaN first, so qsort's contract holds. */
static int by_score(const void *a, const void *b)
{
    double x = ((const struct scored *)a)->score;
    double y = ((const struct scored *)b)->score;
    if (isnan(x) || isnan(y))
        return isnan(y) - isnan(x);
    return (x > y) - (x < y);
}

/* Equal scores, NaN equal to NaN. */
static int same_score(double x, double y)
{
    return x == y || (isnan(x) && isnan(y));
}

/* The AUC of n rows, with s (n elements) as scratch. */
static double auc_in(struct scored *s, const double *score,
                    const double *label, size_t n)
{
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(label[i]))
            continue;
        s[m].score = score[i];
        s[m].positive = label[i] > 0;
        m++;
    }
    qsort(s, m, sizeof *s, by_score);
    /* Walk groups of equal scores upwards: each positive in a group beats
     * every negative below the group and ties with those inside it. */
    double wins = 0, n_neg_below = 0, n_pos = 0;
    for (size_t i = 0; i < m;) {
        size_t end = i;
        double pos = 0, neg = 0;
        for (; end < m && same_score(s[end].score, s[i].score); end++) {
            if (s[end].positive)
                pos++;
            else
                neg++;
        }
        wins += pos * n_neg_below + 0.5 * pos * neg;
        n_neg_below += neg;
        n_pos += pos;
        i = end;
    }
    if (n_pos == 0 || n_neg_below == 0)
        return NAN;
    return wins / (n_pos * n_neg_below);
}

/* The average precision of n rows, with s (n elements) as scratch. */
static double pr_auc_in(struct scored *s, const double *score,
                    const double *label, size_t n)
{
    size_t m = 0;
    double n_pos = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(label[i]))
            continue;
        s[m].score = score[i];
        s[m].positive = label[i] > 0;
        n_pos += s[m].positive;
        m++;
    }
    qsort(s, m, sizeof *s, by_score);
    /* From the highest score down; equal scores are one threshold. */
    double tp = 0, fp = 0, ap = 0;
    for (size_t i = m; i > 0;) {
        size_t j = i;
        double pos = 0;
        for (; j > 0 && same_score(s[j - 1].score, s[i - 1].score); j--) {
            pos += s[j - 1].positive;
            fp += !s[j - 1].positive;
        }
        tp += pos;
        ap += pos / n_pos * tp / (tp + fp);
        i = j;
    }
    return n_pos > 0 && n_pos < (double)m ? ap : NAN;
}

/* The scratch both rank metrics sort; NULL when memory runs out. */
static struct scored *scratch(size_t n)
{
    return malloc((n ? n : 1) * sizeof(struct scored));
}

int churn__auc(const double *score, const double *label, size_t n,
               double *out)
{
    struct scored *s = scratch(n);
    int rc = s ? CHURN_OK : CHURN_ENOMEM;
    *out = s ? auc_in(s, score, label, n) : NAN;
    free(s);
    return rc;
}

int churn__pr_auc(const double *score, const double *label, size_t n,
                  double *out)
{
    struct scored *s = scratch(n);
    int rc = s ? CHURN_OK : CHURN_ENOMEM;
    *out = s ? pr_auc_in(s, score, label, n) : NAN;
    free(s);
    return rc;
}

double churn__log_loss(const double *prob, const double *label, size_t n)
{
    const double eps = 1e-15;
    double sum = 0;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(label[i]))
            continue;
        double p = prob[i] < eps ? eps : prob[i] > 1 - eps ? 1 - eps : prob[i];
        /* log1p keeps precision for ln(1 - p) when p is small. */
        sum -= label[i] > 0 ? log(p) : log1p(-p);
        m++;
    }
    return m ? sum / (double)m : NAN;
}

double churn__brier(const double *prob, const double *label, size_t n)
{
    double sum = 0;
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (isnan(label[i]))
            continue;
        double d = prob[i] - (label[i] > 0 ? 1.0 : 0.0);
        sum += d * d;
        m++;
    }
    return m ? sum / (double)m : NAN;
}
