/* wrap.c - allocation failure for `make faults` under ASan: linked with
 * -Wl,--wrap=malloc,... so the wrappers see every allocation made by code
 * of ours that the linker puts in the program (libchurn's objects, which
 * also make the GSL generators and workspaces, see ml/rng.c). Allocations
 * made inside the shared libraries (GSL, OpenBLAS, libsvm, XGBoost, the C
 * library's own fopen) are interpose.c's. Leaks: LeakSanitizer. */
#include "faults.h"

#include <errno.h>
#include <sanitizer/common_interface_defs.h>
#include <sanitizer/lsan_interface.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

const char faults_reach[] = "libchurn's own allocations (-Wl,--wrap)";

void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
void *__real_aligned_alloc(size_t align, size_t n);
char *__real_strdup(const char *s);
ssize_t __real_getline(char **line, size_t *cap, FILE *f);
FILE *__real_open_memstream(char **buf, size_t *len);

void *__wrap_malloc(size_t n)
{
    return faults_should_fail() ? NULL : __real_malloc(n);
}

void *__wrap_calloc(size_t n, size_t size)
{
    return faults_should_fail() ? NULL : __real_calloc(n, size);
}

void *__wrap_realloc(void *p, size_t n)
{
    return faults_should_fail() ? NULL : __real_realloc(p, n);
}

void *__wrap_aligned_alloc(size_t align, size_t n)
{
    return faults_should_fail() ? NULL : __real_aligned_alloc(align, n);
}

char *__wrap_strdup(const char *s)
{
    return faults_should_fail() ? NULL : __real_strdup(s);
}

ssize_t __wrap_getline(char **line, size_t *cap, FILE *f)
{
    if (faults_should_fail()) {
        errno = ENOMEM;
        return -1;
    }
    return __real_getline(line, cap, f);
}

FILE *__wrap_open_memstream(char **buf, size_t *len)
{
    if (faults_should_fail()) {
        errno = ENOMEM;
        return NULL;
    }
    return __real_open_memstream(buf, len);
}

void faults_print_trace(void) { __sanitizer_print_stack_trace(); }

void faults_sweep_begins(void) {}

int faults_run_leaked(char *why, size_t size)
{
    if (!__lsan_do_recoverable_leak_check())
        return 0;
    snprintf(why, size, "leak above");
    return 1;
}

int faults_also_ok(int status, const char *message)
{
    (void)status;
    (void)message;
    return 0;
}

void faults_print_exempt(void) {}
