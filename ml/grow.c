/* grow.c - resizing an array that must not be lost when realloc fails,
 * for the places that grow several arrays together. */
#include "ml/internal.h"

#include <stdlib.h>

void *churn__grown(void *p, size_t n, size_t size, int *ok)
{
    void *q = realloc(p, (n ? n : 1) * size);
    if (!q)
        *ok = 0;
    return q ? q : p;
}
