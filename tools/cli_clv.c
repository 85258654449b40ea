/* cli_clv.c - --margin COLUMN|VALUE, the margin per month of the
 * lifetime value that churn-score and churn-segment add. */
#include "cli.h"

#include <math.h>
#include <stdlib.h>

const char *cli_margin(const char *arg, double *value)
{
    /* A number is a value, anything else a column. */
    char *end;
    *value = strtod(arg, &end);
    if (end != arg && *end == '\0' && isfinite(*value))
        return NULL;
    *value = NAN;
    return arg;
}
