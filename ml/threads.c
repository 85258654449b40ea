/* threads.c - the core count and a fork-join of a few tasks, for the
 * readers and scoring that split their rows between the cores. */
#include "ml/internal.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

size_t churn__online_cores(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (size_t)n : 1;
}

typedef struct task {
    void (*fn)(void *ctx, size_t t);
    void *ctx;
    size_t t;
} task;

static void *run_task(void *arg)
{
    task *k = arg;
    k->fn(k->ctx, k->t);
    return NULL;
}

void churn__run_tasks(size_t n_tasks, void (*fn)(void *ctx, size_t t),
                      void *ctx)
{
    if (n_tasks <= 1) {
        if (n_tasks == 1)
            fn(ctx, 0);
        return;
    }
    task *tasks = malloc(n_tasks * sizeof *tasks);
    pthread_t *ids = malloc(n_tasks * sizeof *ids);
    unsigned char *started = calloc(n_tasks, 1);
    if (!tasks || !ids || !started) { /* no memory: one after another */
        for (size_t t = 0; t < n_tasks; t++)
            fn(ctx, t);
    } else {
        for (size_t t = 1; t < n_tasks; t++) {
            tasks[t] = (task){fn, ctx, t};
            started[t] = pthread_create(&ids[t], NULL, run_task,
                                        &tasks[t]) == 0;
        }
        fn(ctx, 0);
        for (size_t t = 1; t < n_tasks; t++) {
            if (started[t])
                pthread_join(ids[t], NULL);
            else
                fn(ctx, t);
        }
    }
    free(tasks);
    free(ids);
    free(started);
}
