/* modelfile_lines.c - lines of the model file that more than one family's
 * "classifier" section holds: "key <number>" and a linear part's
 * "coef <name> <weight>" lines, written and read in one place. Below the
 * families and the registry (family.c), calling neither. */
#include "models/family.h"

#include <string.h>

int churn__lines_number(churn__lines *r, const char *key, double *out,
                        churn_error *err)
{
    int rc = churn__lines_next(r, key, err);
    if (rc == CHURN_OK)
        rc = churn__lines_expect(r, key, err);
    if (rc == CHURN_OK)
        rc = churn__lines_finite(r, out, err);
    if (rc == CHURN_OK)
        rc = churn__lines_done(r, err);
    return rc;
}

void churn__coefs_write(const double *w, size_t dim,
                        const char *const *names, FILE *f)
{
    for (size_t k = 0; k < dim; k++) {
        fputs("coef ", f);
        churn__put_string(f, names[k]);
        fputc(' ', f);
        churn__put_double(f, w[k]);
        fputc('\n', f);
    }
}

int churn__coefs_read(churn__lines *r, double *w, size_t dim,
                      const char *const *names, churn_error *err)
{
    int rc = CHURN_OK;
    for (size_t k = 0; rc == CHURN_OK && k < dim; k++) {
        const char *name;
        rc = churn__lines_next(r, "coef", err);
        if (rc == CHURN_OK)
            rc = churn__lines_expect(r, "coef", err);
        if (rc == CHURN_OK)
            rc = churn__lines_string(r, &name, err);
        if (rc == CHURN_OK && strcmp(name, names[k]) != 0)
            return churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, 6,
                                  "coefficient %zu is for '%s', expected "
                                  "'%s'", k + 1, name, names[k]);
        if (rc == CHURN_OK)
            rc = churn__lines_finite(r, &w[k], err);
        if (rc == CHURN_OK)
            rc = churn__lines_done(r, err);
    }
    return rc;
}
