/* testutil.h - small helpers shared by the unit tests. */
#ifndef CHURN_TESTUTIL_H
#define CHURN_TESTUTIL_H

#include <stddef.h>

/* cmocka's headers need these first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdint.h>
#include <cmocka.h>

/* Writes len bytes of text to a new file in a per-process temporary folder
 * and returns its path (static storage, valid until the next call with the
 * same slot). slot picks one of a few buffers so a test can hold several. */
const char *tu_write_file(int slot, const char *name, const char *text,
                          size_t len);
/* The same for a NUL-terminated text. */
const char *tu_write_text(int slot, const char *name, const char *text);
/* The per-process temporary folder (created on first use). */
const char *tu_tmpdir(void);

/* churn__auc / churn__pr_auc (ml/metrics.h) for tests, which never run
 * out of memory: asserts CHURN_OK and returns the figure (NaN when a
 * class is absent). */
double tu_auc(const double *score, const double *label, size_t n);
double tu_pr_auc(const double *score, const double *label, size_t n);
/* Reads a whole file into a new buffer (NUL-terminated); NULL if absent. */
char *tu_read_file(const char *path, size_t *len);

/* Fails the test unless |a - b| <= tol, printing both with 17 digits
 * (cmocka 1.1 has no assert for doubles). */
#define assert_near(a, b, tol)                                             \
    do {                                                                   \
        double tu_a_ = (a), tu_b_ = (b);                                   \
        if (!(tu_a_ - tu_b_ <= (tol) && tu_b_ - tu_a_ <= (tol)))           \
            fail_msg("%.17g != %.17g (tolerance %g)", tu_a_, tu_b_,        \
                     (double)(tol));                                       \
    } while (0)

/* printf's text as churn writes numbers for people: a zero never has a
 * minus sign ("-0.00" is "0.00", "+0.00" with a plus flag). In place. */
void tu_unsign_printf_zero(char *text, int plus);

#endif
