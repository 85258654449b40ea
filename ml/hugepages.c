/* hugepages.c - advice that a large buffer be backed by transparent huge
 * pages, for the buffers of training rows written once and read by many
 * passes: a fresh 64 MB of 4 KB pages costs 16,000 page faults when it
 * is first written, 2 MB pages 32. */
#define _DEFAULT_SOURCE /* madvise and MADV_HUGEPAGE, where there are */
#include "ml/internal.h"

#include <stdint.h>
#include <sys/mman.h>

void churn__advise_huge_pages(void *p, size_t bytes)
{
#ifdef MADV_HUGEPAGE
    if (!p || bytes < 4 * CHURN__HUGE_PAGE)
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
