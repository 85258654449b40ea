/* test_metrics.c - AUC, log loss and Brier score: hand-computed cases, an
 * O(n^2) pair count, and figures from scikit-learn. */
#include "testutil.h"

#include "ml/metrics.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

/* scikit-learn 1.2.1 reference figures, computed once with:
 *   /usr/bin/python3 -c 'from sklearn.metrics import roc_auc_score, \
 *     log_loss, brier_score_loss
 *   s = [0.3,0.3,0.7,0.1,0.7,0.7,0.2,0.9,0.3,0.5]
 *   y = [1,0,1,0,0,1,0,1,1,0]
 *   print(repr(roc_auc_score(y, s)), repr(log_loss(y, s)),
 *         repr(brier_score_loss(y, s)))'
 * -> 0.76 0.5808955007983813 0.205 */
static const double ref_score[] = {0.3, 0.3, 0.7, 0.1, 0.7,
                                   0.7, 0.2, 0.9, 0.3, 0.5};
static const double ref_label[] = {1, 0, 1, 0, 0, 1, 0, 1, 1, 0};

static void test_auc_perfect_reversed_tied(void **state)
{
    (void)state;
    const double score[] = {0.1, 0.2, 0.8, 0.9};
    const double label[] = {0, 0, 1, 1};
    const double reversed[] = {1, 1, 0, 0};
    const double tied[] = {0.4, 0.4, 0.4, 0.4};
    assert_true(tu_auc(score, label, 4) == 1.0);
    assert_true(tu_auc(score, reversed, 4) == 0.0);
    assert_true(tu_auc(tied, label, 4) == 0.5);
}

static void test_auc_ties_by_pair_count(void **state)
{
    (void)state;
    /* Positives score 0.5, 0.5, 0.9; negatives 0.2, 0.5, 0.1. Pairs:
     * each positive 0.5 beats 0.2 and 0.1 and ties 0.5: 2.5, twice = 5;
     * 0.9 beats all three = 3. AUC = 8 / 9. The last row has no label
     * and a score that would beat everything: it must be skipped. */
    const double score[] = {0.2, 0.5, 0.5, 0.5, 0.9, 0.1, 100};
    const double label[] = {0, 1, 0, 1, 1, 0, NAN};
    assert_near(tu_auc(score, label, 7), 8.0 / 9.0, 1e-15);
    /* The ten-row case: 5 + 9 + 5 = 19 wins of 25 pairs, as sklearn. */
    assert_near(tu_auc(ref_score, ref_label, 10), 0.76, 1e-15);
}

static void test_auc_undefined_and_nan_scores(void **state)
{
    (void)state;
    const double score[] = {0.1, 0.7, 0.3};
    const double ones[] = {1, 1, 1};
    const double zeros[] = {0, 0, NAN};
    assert_true(isnan(tu_auc(score, ones, 3)));
    assert_true(isnan(tu_auc(score, zeros, 3)));
    assert_true(isnan(tu_auc(score, ones, 0)));
    /* NaN scores rank below every number and tie with each other: the
     * positive NaN loses to the negative 0.2 and ties the negative NaN;
     * the positive 0.9 beats both. (0 + 0.5 + 2) / 4. */
    const double s2[] = {NAN, NAN, 0.2, 0.9};
    const double l2[] = {1, 0, 0, 1};
    assert_near(tu_auc(s2, l2, 4), 2.5 / 4, 1e-15);
}

/* A small deterministic generator (64-bit LCG, top bits). */
static uint32_t next_random(uint64_t *s)
{
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t)(*s >> 33);
}

static void test_auc_matches_pair_count_on_random_ties(void **state)
{
    (void)state;
    enum { N = 600 };
    static double score[N], label[N];
    uint64_t seed = 42;
    for (int round = 0; round < 5; round++) {
        for (size_t i = 0; i < N; i++) {
            /* Only 7 distinct scores: most pairs are ties. */
            score[i] = (double)(next_random(&seed) % 7) / 7.0;
            uint32_t u = next_random(&seed) % 10;
            label[i] = u == 0 ? NAN : (u < 4 ? 1 : 0);
        }
        double wins = 0, pairs = 0;
        for (size_t i = 0; i < N; i++) {
            if (isnan(label[i]) || label[i] != 1)
                continue;
            for (size_t k = 0; k < N; k++) {
                if (isnan(label[k]) || label[k] != 0)
                    continue;
                pairs++;
                wins += score[i] > score[k] ? 1 : score[i] == score[k] ? 0.5
                                                                        : 0;
            }
        }
        assert_near(tu_auc(score, label, N), wins / pairs,
                            1e-12);
    }
}

static void test_log_loss_known_answers(void **state)
{
    (void)state;
    /* -(ln 0.9 + ln 0.8 + ln 0.4) / 3 = 0.414931599615397 (sklearn). */
    const double p[] = {0.9, 0.2, 0.6, 0.5};
    const double y[] = {1, 0, 0, NAN};
    assert_near(churn__log_loss(p, y, 4), 0.414931599615397, 1e-14);
    assert_near(churn__log_loss(ref_score, ref_label, 10),
                        0.5808955007983813, 1e-14);
    /* Clipping: p = 0 for a positive costs -ln(1e-15) = 34.538776394910684;
     * p = 1 for a positive costs about 1e-15, not 0 and not NaN. */
    const double hard[] = {0, 1};
    const double pos[] = {1, 1};
    assert_near(churn__log_loss(hard, pos, 1), 34.538776394910684,
                        1e-12);
    double tiny = churn__log_loss(hard + 1, pos, 1);
    assert_true(tiny > 0 && tiny < 2e-15);
    const double none[] = {NAN};
    assert_true(isnan(churn__log_loss(p, none, 1)));
}

static void test_brier_known_answers(void **state)
{
    (void)state;
    /* (0.1^2 + 0.2^2 + 0.6^2) / 3 = 0.41 / 3. */
    const double p[] = {0.9, 0.2, 0.6, 0.5};
    const double y[] = {1, 0, 0, NAN};
    assert_near(churn__brier(p, y, 4), 0.41 / 3, 1e-15);
    /* 2.05 / 10 by hand; sklearn says 0.205. */
    assert_near(churn__brier(ref_score, ref_label, 10), 0.205,
                        1e-15);
    assert_true(isnan(churn__brier(p, y, 0)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_auc_perfect_reversed_tied),
        cmocka_unit_test(test_auc_ties_by_pair_count),
        cmocka_unit_test(test_auc_undefined_and_nan_scores),
        cmocka_unit_test(test_auc_matches_pair_count_on_random_ties),
        cmocka_unit_test(test_log_loss_known_answers),
        cmocka_unit_test(test_brier_known_answers),
    };
    return cmocka_run_group_tests_name("metrics", tests, NULL, NULL);
}
