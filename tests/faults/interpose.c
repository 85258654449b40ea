/* interpose.c - allocation failure for the whole process: this program
 * defines malloc, calloc, realloc, free and the aligned allocators, so by
 * ELF interposition every allocation of every library goes through them
 * (GSL, jansson, zlib, the C library's own fopen, strdup, getline), each
 * one counted and able to fail but those listed below. Built without
 * sanitizers (ASan defines malloc itself); leaks are found by counting
 * live blocks against the count after a clean run.
 *
 * Not failed, only counted apart (the sweep prints how many each made):
 * allocations made by code whose failure churn cannot turn into a status,
 * because the library itself then ends the process or crashes:
 *   - libsvm: svm_train uses malloc without checking it, and C++ new
 *     throws through C code, which ends in std::terminate;
 *   - XGBoost (its malloc and its C++ new): its C API catches
 *     std::bad_alloc and returns an error (models/xgb.c makes that
 *     CHURN_ENOMEM), but not everywhere. Failing its allocations found:
 *     common::GetCfsCPUCount (the cgroup CPU quota, read by std::ifstream
 *     when a DMatrix is made) is noexcept, so std::terminate; so is
 *     HostDeviceVector's move while boosting; GBTree::InitUpdater splits
 *     the updater list with std::getline, whose stream swallows the
 *     exception, and XGBoost then boosts with no updater and crashes;
 *   - libgomp (XGBoost's OpenMP runtime): gomp_malloc exits the process;
 *   - XGBoost's start-up, its C++ static constructors, which run when
 *     models/xgb_lib.c first opens it: faults.c opens it before any
 *     sweep, as linking it did at the program's start;
 *   - the dynamic loader (ld.so): thread-local storage of new threads.
 * C++ new is attributed to the code that called it (by unwinding the
 * stack past the C++ runtime). Failing these would test those libraries,
 * not churn; the allocations churn itself makes around them still fail.
 * OpenBLAS takes its work buffers from mmap at its start (models/blas.c
 * opens it when a fit first needs it; faults.c before any sweep), not
 * from malloc during a run: out of reach here. */
#define _GNU_SOURCE
#include "faults.h"

#include <errno.h>
#include <execinfo.h>
#include <link.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unwind.h>

void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t size);
void *__libc_realloc(void *p, size_t n);
void __libc_free(void *p);
void *__libc_memalign(size_t align, size_t n);

const char faults_reach[] = "every allocation of the process "
                            "(interposed malloc)";

/* ------------------------------------------------- who made an allocation */

enum kind { OTHER, OURS, CXX_RUNTIME, EXEMPT };

static const struct {
    const char *name; /* part of the object's file name */
    enum kind kind;
} objects[] = {
    {"", OURS}, /* the program, libchurn linked in */
    {"libstdc++.so", CXX_RUNTIME},
    {"libgcc_s.so", CXX_RUNTIME},
    {"libsvm.so", EXEMPT},
    {"libxgboost.so", EXEMPT},
    {"libgomp.so", EXEMPT},
    {"ld-linux", EXEMPT},
};
#define N_OBJECTS (sizeof objects / sizeof objects[0])

/* The executable segments of those objects, found once at start. */
static struct range {
    uintptr_t lo, hi;
    size_t object;
} ranges[64];
static size_t n_ranges;
static unsigned long exempt_count[N_OBJECTS];

static int add_ranges(struct dl_phdr_info *info, size_t size, void *data)
{
    (void)size;
    (void)data;
    const char *name = info->dlpi_name ? info->dlpi_name : "";
    for (size_t o = 0; o < N_OBJECTS; o++) {
        /* The program itself (libchurn is linked in) has no name. */
        if (objects[o].name[0] ? !strstr(name, objects[o].name) : !!name[0])
            continue;
        for (int i = 0; i < info->dlpi_phnum; i++) {
            const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
            if (ph->p_type != PT_LOAD || !(ph->p_flags & PF_X) ||
                n_ranges == sizeof ranges / sizeof ranges[0])
                continue;
            uintptr_t lo = info->dlpi_addr + ph->p_vaddr;
            ranges[n_ranges++] = (struct range){lo, lo + ph->p_memsz, o};
        }
    }
    return 0;
}

/* The entry of objects[] that address pc is in, or -1 (GSL, libc, ...). */
static int object_of(uintptr_t pc)
{
    for (size_t i = 0; i < n_ranges; i++)
        if (pc >= ranges[i].lo && pc < ranges[i].hi)
            return (int)ranges[i].object;
    return -1;
}

static enum kind kind_of(int object)
{
    return object < 0 ? OTHER : objects[object].kind;
}

/* The first caller outside the C++ runtime, found by unwinding: whose
 * operator new it was. */
struct walk {
    int depth, seen_cxx, object;
};

static _Unwind_Reason_Code step(struct _Unwind_Context *ctx, void *arg)
{
    struct walk *w = arg;
    int object = object_of(_Unwind_GetIP(ctx));
    if (kind_of(object) == CXX_RUNTIME)
        w->seen_cxx = 1;
    else if (w->seen_cxx) {
        w->object = object;
        return _URC_END_OF_STACK;
    }
    return ++w->depth < 32 ? _URC_NO_REASON : _URC_END_OF_STACK;
}

static _Thread_local int busy; /* inside the classification itself */
static int ready;              /* ranges found */
static int failed_in_ours;     /* the failed allocation was libchurn's */

/* 1 when the allocation whose malloc was called from pc is to fail. */
static int fail_here(void *pc)
{
    if (!ready || busy)
        return 0;
    int object = object_of((uintptr_t)pc);
    if (kind_of(object) == CXX_RUNTIME) {
        struct walk w = {0, 0, -1};
        busy = 1;
        _Unwind_Backtrace(step, &w);
        busy = 0;
        object = w.object;
    }
    if (kind_of(object) == EXEMPT) {
        if (faults_fail_at)
            __atomic_add_fetch(&exempt_count[object], 1, __ATOMIC_RELAXED);
        return 0;
    }
    if (!faults_should_fail())
        return 0;
    failed_in_ours = kind_of(object) == OURS;
    return 1;
}

/* -------------------------------------------------------- the allocators */

/* Exported (the build hides symbols by default): the shared libraries'
 * calls bind to these only if they are in the dynamic symbol table. */
#define EXPORT __attribute__((visibility("default")))

static long live; /* blocks allocated and not freed */

static void *counted(void *p)
{
    if (p)
        __atomic_add_fetch(&live, 1, __ATOMIC_RELAXED);
    return p;
}

EXPORT void *malloc(size_t n)
{
    if (fail_here(__builtin_return_address(0))) {
        errno = ENOMEM;
        return NULL;
    }
    return counted(__libc_malloc(n));
}

EXPORT void *calloc(size_t n, size_t size)
{
    if (fail_here(__builtin_return_address(0))) {
        errno = ENOMEM;
        return NULL;
    }
    return counted(__libc_calloc(n, size));
}

EXPORT void *realloc(void *p, size_t n)
{
    if (fail_here(__builtin_return_address(0))) {
        errno = ENOMEM;
        return NULL;
    }
    void *q = __libc_realloc(p, n);
    if (!p)
        counted(q);
    else if (n == 0) /* glibc: realloc(p, 0) frees p */
        __atomic_sub_fetch(&live, 1, __ATOMIC_RELAXED);
    return q;
}

EXPORT void *reallocarray(void *p, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) {
        errno = ENOMEM;
        return NULL;
    }
    return realloc(p, n * size);
}

EXPORT void free(void *p)
{
    if (p)
        __atomic_sub_fetch(&live, 1, __ATOMIC_RELAXED);
    __libc_free(p);
}

static void *aligned(void *pc, size_t align, size_t n)
{
    if (fail_here(pc)) {
        errno = ENOMEM;
        return NULL;
    }
    return counted(__libc_memalign(align, n));
}

EXPORT int posix_memalign(void **out, size_t align, size_t n)
{
    void *p = aligned(__builtin_return_address(0), align, n);
    if (!p)
        return ENOMEM;
    *out = p;
    return 0;
}

EXPORT void *aligned_alloc(size_t align, size_t n)
{
    return aligned(__builtin_return_address(0), align, n);
}

EXPORT void *memalign(size_t align, size_t n)
{
    return aligned(__builtin_return_address(0), align, n);
}

/* ------------------------------------------------------ the sweep's side */

void faults_print_trace(void)
{
    void *pcs[32];
    busy = 1;
    backtrace_symbols_fd(pcs, backtrace(pcs, 32), 2);
    busy = 0;
}

static long live_before;

void faults_sweep_begins(void)
{
    if (!ready) {
        dl_iterate_phdr(add_ranges, NULL);
        ready = 1;
    }
    live_before = __atomic_load_n(&live, __ATOMIC_RELAXED);
}

/* Blocks live now beyond those at the start of the sweep. XGBoost keeps
 * per-thread maps keyed by a booster's address, which a failure can leave
 * an entry in until a booster at that address is freed: the sweep asks
 * again after a clean run before it calls anything a leak. */
int faults_run_leaked(char *why, size_t size)
{
    long now = __atomic_load_n(&live, __ATOMIC_RELAXED);
    if (now == live_before)
        return 0;
    snprintf(why, size, "%ld blocks more live than before the sweep",
             now - live_before);
    return 1;
}

/* fopen and friends out of memory: the library says it cannot open the
 * file (CHURN_EIO) with the system's reason. Success: another library
 * absorbed its own failed allocation (glibc's stdio then works unbuffered,
 * open_memstream keeps its larger buffer when fclose cannot shrink it). */
int faults_also_ok(int status, const char *message)
{
    if (status == 0)
        return !failed_in_ours;
    return status == 3 /* CHURN_EIO */ && strstr(message, strerror(ENOMEM));
}

/* The allocations never failed, per object (a line each), to stdout. */
void faults_print_exempt(void)
{
    for (size_t o = 0; o < N_OBJECTS; o++)
        if (objects[o].kind == EXEMPT)
            printf("faults: not failed: %lu allocations made by %s\n",
                   exempt_count[o], objects[o].name);

}
