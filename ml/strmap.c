/* strmap.c - string -> dense index map (open addressing, keys in an arena). */
#include "ml/internal.h"

#include <stdlib.h>
#include <string.h>

/* A slot keeps the hash beside the index, so a probe that misses touches
 * one cache line, not the index arrays and the key text too. */
typedef struct slot {
    uint64_t hash;
    size_t index1;      /* index + 1; 0 = empty */
} slot;

struct churn__strmap {
    slot *slots;
    size_t n_slots;     /* a power of two */
    size_t *offsets;    /* per index: where its key starts in arena */
    uint64_t *hashes;   /* per index: the key's hash, to rehash cheaply */
    size_t count, cap;
    char *arena;
    size_t arena_len, arena_cap;
};

/* FNV-1a: short keys (ids, event names), no need for anything stronger. */
static uint64_t hash_key(const char *key, size_t len)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)key[i];
        h *= 1099511628211ull;
    }
    return h;
}

churn__strmap *churn__strmap_new(void)
{
    churn__strmap *m = calloc(1, sizeof *m);
    if (!m)
        return NULL;
    m->n_slots = 16;
    m->slots = calloc(m->n_slots, sizeof *m->slots);
    if (!m->slots) {
        free(m);
        return NULL;
    }
    return m;
}

void churn__strmap_free(churn__strmap *m)
{
    if (!m)
        return;
    free(m->slots);
    free(m->offsets);
    free(m->hashes);
    free(m->arena);
    free(m);
}

static size_t probe(const churn__strmap *m, const char *key, size_t len,
                    uint64_t h)
{
    size_t mask = m->n_slots - 1;
    for (size_t s = (size_t)h & mask;; s = (s + 1) & mask) {
        const slot *sl = &m->slots[s];
        if (sl->index1 == 0)
            return s;
        if (sl->hash == h) {
            const char *k = m->arena + m->offsets[sl->index1 - 1];
            if (strncmp(k, key, len) == 0 && k[len] == '\0')
                return s;
        }
    }
}

static int grow_slots(churn__strmap *m)
{
    size_t n = m->n_slots * 2;
    slot *slots = calloc(n, sizeof *slots);
    if (!slots)
        return CHURN_ENOMEM;
    for (size_t i = 0; i < m->count; i++) {
        size_t s = (size_t)m->hashes[i] & (n - 1);
        while (slots[s].index1)
            s = (s + 1) & (n - 1);
        slots[s].hash = m->hashes[i];
        slots[s].index1 = i + 1;
    }
    free(m->slots);
    m->slots = slots;
    m->n_slots = n;
    return CHURN_OK;
}

static int append_key(churn__strmap *m, const char *key, size_t len,
                      uint64_t h)
{
    if (m->count == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 16;
        size_t *off = realloc(m->offsets, cap * sizeof *off);
        if (!off)
            return CHURN_ENOMEM;
        m->offsets = off;
        uint64_t *hs = realloc(m->hashes, cap * sizeof *hs);
        if (!hs)
            return CHURN_ENOMEM;
        m->hashes = hs;
        m->cap = cap;
    }
    if (m->arena_len + len + 1 > m->arena_cap) {
        size_t cap = m->arena_cap ? m->arena_cap : 256;
        while (cap < m->arena_len + len + 1)
            cap *= 2;
        char *a = realloc(m->arena, cap);
        if (!a)
            return CHURN_ENOMEM;
        m->arena = a;
        m->arena_cap = cap;
    }
    memcpy(m->arena + m->arena_len, key, len);
    m->arena[m->arena_len + len] = '\0';
    m->offsets[m->count] = m->arena_len;
    m->hashes[m->count] = h;
    m->arena_len += len + 1;
    m->count++;
    return CHURN_OK;
}

int churn__strmap_intern(churn__strmap *m, const char *key, size_t len,
                         size_t *index, int *added)
{
    uint64_t h = hash_key(key, len);
    size_t s = probe(m, key, len, h);
    if (m->slots[s].index1) {
        *index = m->slots[s].index1 - 1;
        if (added)
            *added = 0;
        return CHURN_OK;
    }
    /* Keep the load factor under 1/2 so probes stay short. */
    if (2 * (m->count + 1) > m->n_slots) {
        if (grow_slots(m) != CHURN_OK)
            return CHURN_ENOMEM;
        s = probe(m, key, len, h);
    }
    if (append_key(m, key, len, h) != CHURN_OK)
        return CHURN_ENOMEM;
    m->slots[s].hash = h;
    m->slots[s].index1 = m->count;
    *index = m->count - 1;
    if (added)
        *added = 1;
    return CHURN_OK;
}

size_t churn__strmap_find(const churn__strmap *m, const char *key, size_t len)
{
    size_t s = probe(m, key, len, hash_key(key, len));
    return m->slots[s].index1 ? m->slots[s].index1 - 1 : (size_t)-1;
}

const char *churn__strmap_key(const churn__strmap *m, size_t i)
{
    return i < m->count ? m->arena + m->offsets[i] : NULL;
}

size_t churn__strmap_count(const churn__strmap *m) { return m->count; }

size_t churn__strmap_bytes(const churn__strmap *m)
{
    return sizeof *m + m->n_slots * sizeof *m->slots +
           m->cap * (sizeof *m->offsets + sizeof *m->hashes) + m->arena_cap;
}
