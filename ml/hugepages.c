/* hugepages.c - large buffers on transparent huge pages, for the buffers
 * written once and read by many passes (training rows) or filled row by
 * row (a full ranking's texts and per-rank arrays). A fresh 64 MB of
 * 4 KB pages costs 16,000 page faults when it is first written, 2 MB
 * pages 32; on a virtual machine a fault can cost more than writing its
 * page. */
#define _DEFAULT_SOURCE /* madvise and MADV_HUGEPAGE, where there are */
#include "ml/internal.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

void churn__advise_huge_pages(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    if (!p || bytes < 2 * CHURN__HUGE_PAGE)
        return;
    /* The whole huge pages inside [p, p + bytes): the advice takes page
     * boundaries, and the kernel maps huge pages at their own. */
    uintptr_t start = (uintptr_t)p, end = start + bytes;
    uintptr_t first = (start + CHURN__HUGE_PAGE - 1) / CHURN__HUGE_PAGE *
                      CHURN__HUGE_PAGE;
    uintptr_t last = end / CHURN__HUGE_PAGE * CHURN__HUGE_PAGE;
    if (last > first) /* advice only: a refusal leaves the usual pages */
        (void)madvise((void *)first, last - first, MADV_HUGEPAGE);
#else
    (void)p;
    (void)bytes;
#endif
}

void *churn__huge_alloc(size_t bytes)
{
    if (bytes < CHURN__HUGE_PAGE / 4)
        return malloc(bytes ? bytes : 1);
    /* Whole huge pages from a huge page boundary: none of it is left on
     * small pages. */
    size_t whole = (bytes + CHURN__HUGE_PAGE - 1) / CHURN__HUGE_PAGE *
                   CHURN__HUGE_PAGE;
    if (whole < bytes) /* overflow */
        return NULL;
    void *p = aligned_alloc(CHURN__HUGE_PAGE, whole);
#ifdef MADV_HUGEPAGE
    if (p)
        (void)madvise(p, whole, MADV_HUGEPAGE);
#endif
    return p;
}

void *churn__huge_grow(void *p, size_t used, size_t bytes)
{
    if (bytes < CHURN__HUGE_PAGE / 4)
        return realloc(p, bytes ? bytes : 1);
    void *q = churn__huge_alloc(bytes);
    if (q) {
        if (used)
            memcpy(q, p, used);
        free(p);
    }
    return q;
}

void *churn__huge_calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    void *p = churn__huge_alloc(count * size);
    if (p) /* fresh pages are zero, but memory reused from the heap not */
        memset(p, 0, count * size);
    return p;
}
