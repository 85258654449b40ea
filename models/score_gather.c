/* score_gather.c - the global ranking of a distributed scoring run. */
#include "scores.h"

int churn_scores_gather(const churn_scores *local, const churn_comm *comm,
                        size_t top_n, churn_scores **merged, churn_error *err)
{
    (void)local; (void)comm; (void)top_n;
    *merged = NULL;
    return churn__fail(err, CHURN_EINVAL, "churn_scores_gather: not yet");
}
