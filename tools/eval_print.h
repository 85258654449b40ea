/* eval_print.h - churn-eval's terminal report (eval_print.c), apart from
 * the evaluation it prints: what churn-eval shows on stdout unless -q. */
#ifndef CHURN_TOOLS_EVAL_PRINT_H
#define CHURN_TOOLS_EVAL_PRINT_H

#include "cli.h"

/* The report of e: "Evaluation of SOURCE", the rows, then each section
 * the report has. ids: the column the table's ids came from (NULL: the
 * rows are not a table's). */
void eval_print_report(const churn_eval *e, const char *source,
                       const char *ids);
/* The drift section: the score and the inputs that moved most. */
void eval_print_drift(const churn_drift *d);
/* How the event log was read: the customers file's matches, the most
 * frequent event names and their roles. */
void eval_print_history(const cli_history *h);

#endif
