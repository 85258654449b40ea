/* eval_html.c - the evaluation report as a self-contained HTML page. */
#include "eval.h"

int churn_eval_write_html(const churn_eval *e, const char *title,
                          const char *path, churn_error *err)
{
    (void)e; (void)title; (void)path;
    return churn__fail(err, CHURN_EINVAL, "HTML reports are not written yet");
}
