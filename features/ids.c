/* ids.c - customer id -> customer index for the fast reader: open
 * addressing with the hash and short ids kept in the slot, so a lookup
 * touches one cache line, which the reader fetches a few rows ahead. The
 * ids themselves live in the history's map (h->ids), which keeps order. */
#include "features/fast.h"

#include <stdlib.h>
#include <string.h>

typedef struct id_slot {
    uint64_t hash;
    uint64_t k0, k1;          /* an id of up to 16 bytes, churn__key16 */
    uint32_t len;
    uint32_t c1;              /* customer index + 1; 0 = empty */
} id_slot;

struct churn__ids {
    id_slot *slots;
    size_t mask;              /* slots - 1, a power of two minus one */
    size_t count;
};

churn__ids *churn__ids_new(void)
{
    churn__ids *x = calloc(1, sizeof *x);
    if (!x)
        return NULL;
    x->slots = calloc(1024, sizeof *x->slots);
    if (!x->slots) {
        free(x);
        return NULL;
    }
    x->mask = 1023;
    return x;
}

void churn__ids_free(churn__ids *x)
{
    if (!x)
        return;
    free(x->slots);
    free(x);
}

void churn__ids_prefetch(const churn__ids *x, uint64_t hash)
{
#if defined(__GNUC__)
    __builtin_prefetch(&x->slots[hash & x->mask]);
#else
    (void)x;
    (void)hash;
#endif
}

/* Keeps the load under one half, so probes stay short. */
static int grow(churn__ids *x)
{
    size_t n = 2 * (x->mask + 1);
    id_slot *slots = calloc(n, sizeof *slots);
    if (!slots)
        return CHURN_ENOMEM;
    for (size_t i = 0; i <= x->mask; i++) {
        if (!x->slots[i].c1)
            continue;
        size_t s = x->slots[i].hash & (n - 1);
        while (slots[s].c1)
            s = (s + 1) & (n - 1);
        slots[s] = x->slots[i];
    }
    free(x->slots);
    x->slots = slots;
    x->mask = n - 1;
    return CHURN_OK;
}

static int same_id(const churn__history *h, const id_slot *sl,
                   const char *id, size_t len, uint64_t k0, uint64_t k1)
{
    if (len <= 16)
        return sl->k0 == k0 && sl->k1 == k1;
    const char *key = churn__strmap_key(h->ids, sl->c1 - 1);
    return memcmp(key, id, len) == 0;
}

/* Probes for id from its home slot: 1 and *c when found, else 0 and *s
 * the free slot where the probe ended. */
static int probe(const churn__ids *x, const churn__history *h,
                 const char *id, size_t len, uint64_t hash, uint64_t k0,
                 uint64_t k1, size_t *c, size_t *s)
{
    size_t i = hash & x->mask;
    for (;; i = (i + 1) & x->mask) {
        const id_slot *sl = &x->slots[i];
        if (!sl->c1)
            break;
        if (sl->hash == hash && sl->len == len &&
            same_id(h, sl, id, len, k0, k1)) {
            *c = sl->c1 - 1;
            return 1;
        }
    }
    *s = i;
    return 0;
}

int churn__ids_lookup(const churn__ids *x, const churn__history *h,
                      const char *id, size_t len, uint64_t hash, size_t *c)
{
    uint64_t k0 = 0, k1 = 0;
    size_t s;
    if (len <= 16)
        churn__key16(id, len, &k0, &k1);
    return probe(x, h, id, len, hash, k0, k1, c, &s);
}

int churn__ids_find(churn__ids *x, churn__history *h, const char *id,
                    size_t len, uint64_t hash, size_t *c, churn_error *err)
{
    uint64_t k0 = 0, k1 = 0;
    if (len <= 16)
        churn__key16(id, len, &k0, &k1);
    size_t s;
    if (probe(x, h, id, len, hash, k0, k1, c, &s))
        return CHURN_OK;
    /* A new customer: into the history, then into a free slot. */
    int added;
    if (churn__strmap_intern(h->ids, id, len, c, &added) != CHURN_OK)
        return churn__fail_nomem(err);
    /* (the top three indices mark rows in events_fast.c) */
    if (!added || *c >= UINT32_MAX - 2) /* cannot be: ids agree */
        return CHURN__FALLBACK;
    if (churn__history_add_customer(h, err) != CHURN_OK)
        return CHURN_ENOMEM;
    if (2 * (x->count + 1) > x->mask + 1) {
        if (grow(x) != CHURN_OK)
            return churn__fail_nomem(err);
        s = hash & x->mask;
        while (x->slots[s].c1)
            s = (s + 1) & x->mask;
    }
    x->slots[s] = (id_slot){.hash = hash, .k0 = k0, .k1 = k1,
                            .len = (uint32_t)len, .c1 = (uint32_t)*c + 1};
    x->count++;
    return CHURN_OK;
}
