/* csv_hints.c - what a message about a header says to show what was
 * meant: the closest column name to one that is missing ("did you mean
 * 'churn'?") and the header's names listed. (The delimiter a one-column
 * header seems to use is ml/csv_sep.c's churn__csv_delimiter_hint, which
 * the event-log reader shares.) */
#include "datasets/csv_reader.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

/* Names longer than this are not compared (no name is that long in
 * practice; the cap keeps the distance's row on the stack). */
#define NAME_MAX_COMPARED 128

/* The case-insensitive edit distance (insert, delete, substitute) of a
 * and b, or SIZE_MAX when either is longer than NAME_MAX_COMPARED. */
static size_t edit_distance(const char *a, const char *b)
{
    size_t na = strlen(a), nb = strlen(b);
    size_t row[NAME_MAX_COMPARED + 1];
    if (na > NAME_MAX_COMPARED || nb > NAME_MAX_COMPARED)
        return (size_t)-1;
    for (size_t j = 0; j <= nb; j++)
        row[j] = j;
    for (size_t i = 1; i <= na; i++) {
        size_t diagonal = row[0];
        row[0] = i;
        for (size_t j = 1; j <= nb; j++) {
            size_t above = row[j];
            int same = tolower((unsigned char)a[i - 1]) ==
                       tolower((unsigned char)b[j - 1]);
            size_t best = diagonal + (same ? 0 : 1);
            if (above + 1 < best)
                best = above + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            diagonal = above;
            row[j] = best;
        }
    }
    return row[nb];
}

const char *churn__csv_closest_name(const reader *r, const char *name)
{
    /* Close enough to be a slip: a third of the name's letters (at least
     * one), so 'churned' finds 'churn' but 'x' does not find 'plan'. */
    size_t limit = strlen(name) / 3 ? strlen(name) / 3 : 1;
    const char *best = NULL;
    size_t best_distance = limit + 1;
    for (size_t i = 0; i < r->n_fields; i++) {
        const char *key = churn__strmap_key(r->header, i);
        size_t d = edit_distance(name, key);
        if (d < best_distance) {
            best = key;
            best_distance = d;
        }
    }
    return best;
}

const char *churn__csv_header_list(const reader *r, char *buf, size_t size)
{
    size_t n = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < r->n_fields; i++) {
        const char *name = churn__strmap_key(r->header, i);
        /* Room for ", name" and still for ", and NNNNN more". */
        if (n + strlen(name) + 24 >= size) {
            snprintf(buf + n, size - n, ", and %zu more", r->n_fields - i);
            break;
        }
        n += (size_t)snprintf(buf + n, size - n, "%s%s", i ? ", " : "", name);
    }
    return buf;
}
