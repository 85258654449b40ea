/* dynlib.c - a shared library opened the first time it is needed rather
 * than linked: a large library costs every start of every program that
 * links it (relocations, static constructors, a thread pool), most of
 * which never call it. See ml/internal.h. */
#include "ml/internal.h"

#include <dlfcn.h>
#include <stdio.h>

int churn__dynlib_open(churn__dynlib *lib, const char *soname,
                       const char *(*find)(void *handle), char *why,
                       size_t size)
{
    if (atomic_load_explicit(&lib->ok, memory_order_acquire))
        return 1;
    pthread_mutex_lock(&lib->opening);
    int ok = atomic_load_explicit(&lib->ok, memory_order_relaxed);
    if (!ok) {
        /* RTLD_NODELETE: the functions found stay valid for the life of
         * the process, whoever else closes the library. RTLD_LOCAL: its
         * names do not take the place of others' (GSL's CBLAS). */
        void *h = dlopen(soname, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE);
        const char *missing = NULL;
        if (!h) {
            const char *e = dlerror();
            snprintf(why, size, "%s", e ? e : soname);
        } else if ((missing = find(h)) != NULL) {
            snprintf(why, size, "%s has no %s", soname, missing);
        } else {
            ok = 1;
        }
    }
    if (ok)
        atomic_store_explicit(&lib->ok, 1, memory_order_release);
    pthread_mutex_unlock(&lib->opening);
    return ok;
}
