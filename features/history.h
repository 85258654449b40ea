/* history.h - features/'s internals: options, event roles, per-customer
 * accumulators, the event-log reader and the feature catalog. (Not named
 * features.h: glibc has a header of that name.) */
#ifndef CHURN_FEATURES_HISTORY_H
#define CHURN_FEATURES_HISTORY_H

#include "ml/internal.h"

#define CHURN__DAY 86400.0

/* At most this many unknown event names get their own events_<name>_30d
 * column; later ones keep their role (activity or none) without one. */
#define CHURN__UNKNOWN_MAX 64

/* Distinct event names whose rows are counted one by one for
 * churn_feature_stats; rows of later names are counted together. */
#define CHURN__NAMES_LISTED 4096

/* Roles past the public ones: a name the caller ignores (its rows are
 * dropped), and a name no role claims once the caller has named the
 * activity events (it keeps its per-name column, nothing else). */
#define CHURN__ROLE_IGNORE CHURN_ROLE_COUNT
#define CHURN__ROLE_NONE (CHURN_ROLE_COUNT + 1)
#define CHURN__N_ROLES (CHURN_ROLE_COUNT + 2)

/* Latest ticket-open times kept per customer and snapshot: the mean
 * resolution time is exact while at most this many tickets are open. */
#define CHURN__OPEN_KEEP 8

/* Longest event name, in bytes, that the reader accepts. */
#define CHURN__NAME_MAX 255

/* ----------------------------------------------------------------- options */

/* The input columns an event log must (or may, for value) have. */
enum churn__column {
    CHURN__COL_ID,
    CHURN__COL_TIME,
    CHURN__COL_EVENT,
    CHURN__COL_VALUE,
    CHURN__N_COLUMNS
};

struct churn_feature_opts {
    int64_t as_of;              /* t0, Unix seconds */
    int has_as_of;
    double horizon_days;        /* 0 = no labels */
    size_t snapshots;           /* k >= 1 */
    double every_days;          /* between snapshots */
    double active_window_days;
    char *role_names[CHURN_ROLE_COUNT]; /* NULL = the defaults */
    char *ignore_names;         /* NULL = none */
    churn_feature_stats *stats; /* filled by an extraction; may be NULL */
    char *columns[CHURN__N_COLUMNS];    /* header names */
    int value_column_set;       /* the value column was named explicitly */
    churn_progress_fn progress;
    void *progress_user;
    size_t threads;             /* 0 = the number of online cores */
    int include_cancelled;      /* also rows for customers who cancelled
                                   before the snapshot, with cancel_date */
    char delimiter;             /* of the event log; 0 = its header's */
};

/* ------------------------------------------------------------------- roles */

/* What an event name means: its role (a churn_role, CHURN__ROLE_IGNORE
 * or CHURN__ROLE_NONE), for a name no role claims the index of its
 * events_<name>_30d column (-1 = none: a known name, or an unknown one
 * past CHURN__UNKNOWN_MAX), and its index in the history's list of names
 * (-1 = past CHURN__NAMES_LISTED). */
typedef struct churn__event_kind {
    int role;
    int unknown;
    int name;
} churn__event_kind;

/* Lowercase event name -> role, built from the options. */
typedef struct churn__roles churn__roles;

/* Builds the map: names the caller gave a role (or ignores) first, then
 * the defaults of the roles the caller left alone (a default name already
 * given to another role is skipped). A name given to two roles by the
 * caller is EINVAL. */
int churn__roles_build(const churn_feature_opts *o, churn__roles **out,
                       churn_error *err);
void churn__roles_free(churn__roles *r);
/* The role of lower[0..len) (already lowercase), or -1. */
int churn__roles_find(const churn__roles *r, const char *lower, size_t len);
/* The role of a name the map lacks: activity while the activity role
 * keeps its defaults, CHURN__ROLE_NONE once the caller named it. */
int churn__roles_unknown(const churn__roles *r);
/* The name of any role of a churn__event_kind ("ignore", "none"). */
const char *churn__role_label(int role);
/* Copies text lowercased and trimmed of surrounding spaces into buf
 * (CHURN__NAME_MAX + 1 bytes); returns the length, or (size_t)-1 when the
 * name is longer than CHURN__NAME_MAX. */
size_t churn__lower_name(const char *text, size_t len, char *buf);
/* Rewrites a lowercase name in place so that it holds only [a-z0-9_]. */
void churn__sanitize_name(char *name, size_t len);

/* ------------------------------------------------------------ accumulators */

/* Running sums for one customer at one snapshot time t, over the events
 * seen so far. Times are kept as ages (t - timestamp, seconds), which are
 * small and positive, so sums of them lose no precision. */
typedef struct churn__acc {
    double last_activity;       /* latest timestamp, -INFINITY = none */
    double last_purchase;
    double last_ticket;
    /* Sums of values as written (counts, amounts): exact decimal sums,
     * so that 0.1 + 0.2 comes out as 0.3. */
    churn__decsum activity_7, activity_30, activity_30_60, activity_90;
    churn__decsum monetary_90, monetary_total;
    double open_age_sum, close_age_sum;
    double open_ages[CHURN__OPEN_KEEP]; /* smallest ages, ascending */
    double satisfaction_time;   /* timestamp of the latest score */
    double satisfaction_last;
    churn__decsum satisfaction_sum;
    /* least-squares sums over scores of the last 180 days, x = time in
     * 30-day units relative to t (negative), y = score */
    double trend_sx, trend_sy, trend_sxx, trend_sxy;
    uint32_t purchases_90, purchases_total;
    uint32_t tickets_30, tickets_90, tickets_opened, tickets_closed;
    uint32_t satisfaction_count, trend_n;
    uint8_t n_open_ages;
    uint8_t cancel_after;       /* a cancel in [t, t + horizon) */
    double cancel_time;         /* the first such cancel, INFINITY = none */
    uint8_t active_after;       /* an activity event in [t, t + horizon) */
} churn__acc;

/* One customer: what does not depend on the snapshot, then the
 * accumulators of each snapshot, side by side so that an event touches
 * one small block of memory. */
typedef struct churn__customer {
    double first_event, first_signup, first_cancel; /* INFINITY = none */
    churn__acc acc[];           /* n_snaps of them */
} churn__customer;

/* Every customer's state at every snapshot. */
typedef struct churn__history {
    size_t n_snaps;
    double *snap_times;         /* [0] = t0, then older */
    double horizon;             /* seconds; 0 = no labels */
    churn__strmap *ids;         /* customer id -> customer index */
    size_t n_customers, cap;
    size_t stride;              /* bytes per customer block */
    unsigned char *customers;   /* cap blocks of stride bytes */
    churn__strmap *unknown;     /* sanitized unknown name -> column */
    uint32_t *unknown_30[CHURN__UNKNOWN_MAX]; /* cap x n_snaps each */
    /* The name occurs before the newest snapshot: only then does it get a
     * column, so events after t0 cannot change the columns. */
    uint8_t unknown_before[CHURN__UNKNOWN_MAX];
    int any_cancel;             /* the file has a cancel event */
    uint64_t n_events;          /* rows read, ignored ones included */
    /* Each lowercase event name (the first CHURN__NAMES_LISTED): its
     * kind and its rows; rows of later names go to names_other. */
    churn__strmap *names;
    churn__event_kind *name_kind;
    uint64_t *name_count;
    size_t names_cap;
    uint64_t names_other;
} churn__history;

/* Customer c's block. */
static inline churn__customer *churn__customer_at(const churn__history *h,
                                                  size_t c)
{
    return (churn__customer *)(void *)(h->customers + c * h->stride);
}

/* Creates the history for snapshot times snap_times[0..n_snaps) (copied)
 * and a label horizon in seconds (0 = none). NULL when out of memory. */
churn__history *churn__history_new(const double *snap_times, size_t n_snaps,
                                   double horizon_seconds);
void churn__history_free(churn__history *h);
/* Makes room for customer index n_customers (the one just interned). */
int churn__history_add_customer(churn__history *h, churn_error *err);
/* The column of unknown sanitized name[0..len), added if there is room;
 * -1 when CHURN__UNKNOWN_MAX names are taken. */
int churn__history_unknown(churn__history *h, const char *name, size_t len,
                           int *column, churn_error *err);
/* Sets kind->name to the place of lowercase name[0..len) in h's list of
 * names (added with kind when new; -1 when the list is full). */
int churn__history_name(churn__history *h, const char *lower, size_t len,
                        churn__event_kind *kind, churn_error *err);
/* Adds one event of customer c; value is NaN when missing. The same as
 * churn__history_note then churn__history_apply. */
void churn__history_event(churn__history *h, size_t c, churn__event_kind kind,
                          double ts, double value);
/* The part of an event that concerns the whole log (the event counts,
 * the cancel flag, which unknown names occur before t0); order-free. The
 * only part of an ignored event. */
void churn__history_note(churn__history *h, churn__event_kind kind,
                         double ts);
/* The same for n events of one kind at once; early: one of them is
 * before snap_times[0]. */
void churn__history_note_rows(churn__history *h, churn__event_kind kind,
                              uint64_t n, int early);
/* The part that concerns customer c only: its block and its cells of
 * unknown_30. Threads may apply events of different customers at once,
 * as long as no customer is added meanwhile. The value comes as
 * churn__decimal_of(value) (NaN when missing), which a reader may find
 * while parsing (the fast reader does, in its parallel step). */
void churn__history_apply(churn__history *h, size_t c, churn__event_kind kind,
                          double ts, const churn__decimal *value);

/* ------------------------------------------------------------------- stats */

/* Adds what h holds to s (NULL: nothing to do): its rows, customers and
 * event names, and with customers (NULL: none joined) that dataset's rows
 * and the matched customers of h that have one. */
int churn__stats_add(churn_feature_stats *s, const churn__history *h,
                     const churn_dataset *customers, size_t matched,
                     churn_error *err);

/* ---------------------------------------------------------------- snapshot */

/* 1 when customer c belongs to the population of snapshot s. */
int churn__snapshot_in_population(const churn__history *h, size_t c,
                                  size_t s, double active_window_seconds);
/* When customer c, seen before snapshot s, first cancelled before it: the
 * time of that cancel (such a customer is not in the population); else
 * NaN. */
double churn__snapshot_cancel_time(const churn__history *h, size_t c,
                                   size_t s);
/* The label of customer c at snapshot s: 0, 1, or NaN without a horizon. */
double churn__snapshot_label(const churn__history *h, size_t c, size_t s);
/* Days from snapshot s to customer c's churn event when its label is 1,
 * else NaN (censored at the horizon, or no horizon). With cancel events:
 * the first cancel in [t, t + horizon). Without: the day the customer's
 * silence reached the horizon, last activity before t + horizon - t,
 * and 0 when it had already (the active window is longer than the
 * horizon); so days_to_churn < horizon exactly when the label is 1. */
double churn__snapshot_days_to_churn(const churn__history *h, size_t c,
                                     size_t s);
/* Writes the CHURN__N_BUILTIN built-in features of customer c at
 * snapshot s to out. */
void churn__snapshot_features(const churn__history *h, size_t c, size_t s,
                              double *out);

/* ------------------------------------------------------------------ reader */

/* Returned by the fast reader when the file needs the general one. */
#define CHURN__FALLBACK (-2)

/* Reads the event log at path in one pass into h, with the general CSV
 * record reader (quotes, exact error places), fields split at
 * o->delimiter or, when 0, at the one its header shows
 * (churn__csv_detect, the tables' rules). */
int churn__events_read(const char *path, const churn_feature_opts *o,
                       const churn__roles *roles, churn__history *h,
                       churn_error *err);

/* Where the input columns are in an event log's header. */
typedef struct churn__events_header {
    size_t field[CHURN__N_COLUMNS]; /* field index, (size_t)-1 = absent */
    size_t n_fields;
    uint64_t data_offset;           /* byte where the first record starts */
    char sep;                       /* the delimiter, set or detected */
} churn__events_header;

/* Reads the header of the event log at path (errors as churn__events_read
 * gives them). */
int churn__events_read_header(const char *path, const churn_feature_opts *o,
                              churn__events_header *hd, churn_error *err);

/* The event time of text[0..len) as Unix seconds: churn_parse_time, less
 * the small numbers that are spreadsheet serial days. Returns CHURN_EPARSE
 * with *why set to the reason (err is not touched), for both readers. */
int churn__event_time(const char *text, size_t len, double *ts,
                      const char **why);

/* The kind of the raw event name raw[0..len): its role, for a name no
 * role claims its events_<name>_30d column (added to h if there is room)
 * unless it is ignored, and its place in h's list of names. CHURN_EPARSE
 * (err not set) for an empty or too long name. */
int churn__event_classify(const churn__roles *roles, churn__history *h,
                          const char *raw, size_t len,
                          churn__event_kind *kind, churn_error *err);

/* The fast reader (events_fast.c) of plain logs: no quote in the data
 * part of the file; fields split at the delimiter churn__events_read
 * would use. threads 0 = the number of online cores; block_bytes 0
 * = the default, smaller only in tests. Returns CHURN__FALLBACK, with h
 * possibly half-filled, when the file needs churn__events_read: a quote,
 * a bad field, anything unusual; the general reader then says where. */
int churn__events_read_fast(const char *path, const churn_feature_opts *o,
                            const churn__roles *roles, churn__history *h,
                            size_t threads, size_t block_bytes,
                            churn_error *err);

/* ----------------------------------------------------------------- catalog */

/* The built-in features, in output order (see catalog.c). */
enum churn__feature {
    CHURN__F_TENURE_DAYS,
    CHURN__F_RECENCY_ACTIVITY_DAYS,
    CHURN__F_RECENCY_PURCHASE_DAYS,
    CHURN__F_RECENCY_TICKET_DAYS,
    CHURN__F_ACTIVITY_7D,
    CHURN__F_ACTIVITY_30D,
    CHURN__F_ACTIVITY_90D,
    CHURN__F_ACTIVITY_TREND,
    CHURN__F_PURCHASES_90D,
    CHURN__F_MONETARY_90D,
    CHURN__F_MONETARY_TOTAL,
    CHURN__F_PURCHASES_TOTAL,
    CHURN__F_TICKETS_30D,
    CHURN__F_TICKETS_90D,
    CHURN__F_TICKETS_UNRESOLVED,
    CHURN__F_TICKET_RESOLUTION_DAYS_MEAN,
    CHURN__F_SATISFACTION_LAST,
    CHURN__F_SATISFACTION_MEAN,
    CHURN__F_SATISFACTION_COUNT,
    CHURN__F_SATISFACTION_TREND,
    CHURN__N_BUILTIN
};

#endif /* CHURN_FEATURES_HISTORY_H */
