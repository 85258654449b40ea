/* fast.h - private to the fast event-log reader (events_fast.c): the rows
 * a thread parses from its part of a block (fast_parse.c) and the index
 * of customer ids it looks them up in (ids.c). */
#ifndef CHURN_FEATURES_FAST_H
#define CHURN_FEATURES_FAST_H

#include "features/history.h"

/* Bytes that may be read past the data in a buffer handed to the parser
 * or the id index (they read 16 or 64 bytes at a time); never used. */
#define CHURN__PAD 64

/* Distinct raw event names per part; a log with more (free text) is left
 * to the general reader, whose memory for names is bounded. */
#define CHURN__NAMES_MAX 4096
/* Direct-mapped cache of short raw names in front of each part's table. */
#define CHURN__NAME_SLOTS 256

/* One parsed event, waiting to be applied. */
typedef struct churn__row {
    double ts;
    churn__decimal value;     /* churn__decimal_of the value; NaN: none */
    uint64_t hash;            /* of the customer id, churn__id_hash */
    uint32_t id_off, id_len;  /* the customer id in the round's buffer */
    uint32_t name;            /* in the parsing part's name table */
    uint32_t c;               /* customer index, set in file order */
} churn__row;

typedef struct churn__name_slot {
    uint64_t k0, k1;          /* the name's bytes, churn__key16 */
    uint32_t len, index1;     /* index1 = name index + 1; 0 = empty */
} churn__name_slot;

/* What one thread parses in a round, and its names across rounds. */
typedef struct churn__part {
    const char *begin, *end;  /* whole lines, each ending in '\n' */
    churn__row *rows;
    size_t n_rows, cap_rows;
    size_t *starts, *ends;    /* per header field, of the current line */
    churn__strmap *names;     /* raw event names this part has seen */
    churn__event_kind *kinds; /* per name, once classified */
    uint8_t *classified;
    uint32_t *name_rows;      /* per name, rows of this round */
    uint8_t *name_early;      /* per name, 1: one of them before t_first */
    size_t kinds_cap;
    churn__name_slot slots[CHURN__NAME_SLOTS];
    int status;               /* CHURN_OK, CHURN__FALLBACK, CHURN_ENOMEM */
} churn__part;

/* What the parser needs to know of the file. */
typedef struct churn__parse_ctx {
    const char *buf;          /* the round's buffer, CHURN__PAD readable
                                 bytes past its end */
    const churn__events_header *hd;
    const int32_t *month_start; /* churn__month_table */
    double t_first;           /* the latest snapshot time (name_early) */
} churn__parse_ctx;

/* Days since 1970 of the first of each month of 1900-2200 and of the
 * month after; NULL when out of memory. The caller frees it. */
int32_t *churn__month_table(void);

/* Parses the part's lines into its rows and sets p->status: CHURN_OK,
 * CHURN__FALLBACK when a line needs the general reader, or ENOMEM. */
void churn__parse_part(const churn__parse_ctx *ctx, churn__part *p);

/* The bytes s[0..len) (len <= 16) as two words, zero past len, for
 * comparing short keys without memcmp. s must have 16 readable bytes. */
void churn__key16(const char *s, size_t len, uint64_t *k0, uint64_t *k1);

/* A 64-bit hash of a customer id (16 readable bytes at s). */
uint64_t churn__id_hash(const char *s, size_t len);

/* Customer id -> customer index of a history, for the fast reader: the
 * hash and (for ids up to 16 bytes) the id itself in one slot, so that a
 * lookup touches one cache line, which can be fetched ahead. */
typedef struct churn__ids churn__ids;

churn__ids *churn__ids_new(void);
void churn__ids_free(churn__ids *x);
/* Asks the processor to fetch the slot where a lookup of hash starts. */
void churn__ids_prefetch(const churn__ids *x, uint64_t hash);
/* The index of customer id[0..len) (hash = churn__id_hash of it, 16
 * readable bytes at id) in h; a new customer is added to h->ids and h. */
int churn__ids_find(churn__ids *x, churn__history *h, const char *id,
                    size_t len, uint64_t hash, size_t *c, churn_error *err);
/* The same lookup without adding: 1 and *c when id is known, else 0.
 * Only reads x and h, so threads may look up at once while no one adds
 * (the fast reader's parallel step). */
int churn__ids_lookup(const churn__ids *x, const churn__history *h,
                      const char *id, size_t len, uint64_t hash, size_t *c);

#endif
