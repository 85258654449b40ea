/* csv_delimiter.c - which delimiter a table uses when the options leave
 * it to the file: the one set, else the one its header line shows, by
 * the rules of ml/csv_sep.c (csv_read.c opens the file with the answer;
 * the event-log reader shares the rules). */
#include "datasets/csv_reader.h"

int churn_csv_detect_delimiter(const char *path, const churn_csv_opts *o,
                               char *sep, char *also, churn_error *err)
{
    if (!sep)
        return churn__fail(err, CHURN_EINVAL, "no place for the delimiter");
    if (also)
        *also = 0;
    *sep = churn_csv_opts_delimiter(o);
    if (*sep)
        return CHURN_OK;
    if (!path)
        return churn__fail(err, CHURN_EINVAL, "no path");
    return churn__csv_detect_sep(path, sep, also, err);
}
