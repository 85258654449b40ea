/* roles.c - event roles: their names, the default event names of each, and
 * the map from an event name to its role. */
#include "features/history.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static const char *const role_names[CHURN_ROLE_COUNT] = {
    "activity", "purchase", "ticket_open", "ticket_close",
    "satisfaction", "cancel", "signup",
};

/* DESIGN.md, "Input: customer histories". */
static const char *const default_event_names[CHURN_ROLE_COUNT] = {
    "login,usage,activity,session,page_view",
    "purchase,payment,order,invoice",
    "ticket,ticket_opened,complaint",
    "ticket_closed,ticket_resolved",
    "survey,csat,nps,satisfaction",
    "cancel,churn,unsubscribe,terminate",
    "signup,subscribe,start",
};

struct churn__roles {
    churn__strmap *names;       /* lowercase event name -> index */
    unsigned char *role_of;     /* per index */
    size_t cap;
    int unknown_role;           /* of a name not in the map */
};

const char *churn__role_label(int role)
{
    if (role == CHURN__ROLE_IGNORE)
        return "ignore";
    if (role == CHURN__ROLE_NONE)
        return "none";
    return churn_role_name((churn_role)role);
}

const char *churn_role_name(churn_role role)
{
    return (unsigned)role < CHURN_ROLE_COUNT ? role_names[role] : NULL;
}

int churn_role_from_name(const char *name)
{
    if (!name)
        return -1;
    for (int r = 0; r < CHURN_ROLE_COUNT; r++)
        if (churn__equal_nocase(name, strlen(name), role_names[r]))
            return r;
    return -1;
}

size_t churn__lower_name(const char *text, size_t len, char *buf)
{
    while (len > 0 && isspace((unsigned char)*text)) {
        text++;
        len--;
    }
    while (len > 0 && isspace((unsigned char)text[len - 1]))
        len--;
    if (len > CHURN__NAME_MAX)
        return (size_t)-1;
    for (size_t i = 0; i < len; i++)
        buf[i] = (char)tolower((unsigned char)text[i]);
    buf[len] = '\0';
    return len;
}

void churn__sanitize_name(char *name, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        char ch = name[i];
        if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9')))
            name[i] = '_';
    }
}

void churn__roles_free(churn__roles *r)
{
    if (!r)
        return;
    churn__strmap_free(r->names);
    free(r->role_of);
    free(r);
}

/* Adds one name for role. explicit: the caller gave it, so it must not
 * belong to another explicitly given role; a default name that is taken
 * already is left to its owner. */
static int add_name(churn__roles *r, const char *lower, size_t len, int role,
                    int explicit, const int *explicit_role,
                    churn_error *err)
{
    size_t idx;
    int added;
    if (churn__strmap_intern(r->names, lower, len, &idx, &added) != CHURN_OK)
        return churn__fail_nomem(err);
    if (!added) {
        int owner = r->role_of[idx];
        if (explicit && owner != role && explicit_role[owner])
            return churn__fail(err, CHURN_EINVAL,
                               "event name '%s' is given to two roles, %s "
                               "and %s", lower, churn__role_label(owner),
                               churn__role_label(role));
        return CHURN_OK;
    }
    if (idx >= r->cap) {
        size_t cap = r->cap ? r->cap * 2 : 32;
        unsigned char *p = realloc(r->role_of, cap);
        if (!p)
            return churn__fail_nomem(err);
        r->role_of = p;
        r->cap = cap;
    }
    r->role_of[idx] = (unsigned char)role;
    return CHURN_OK;
}

/* Adds each name of the comma-separated list for role. */
static int add_list(churn__roles *r, const char *list, int role,
                    int explicit, const int *explicit_role,
                    churn_error *err)
{
    char lower[CHURN__NAME_MAX + 1];
    const char *p = list;
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        size_t n = churn__lower_name(p, len, lower);
        if (n == (size_t)-1)
            return churn__fail(err, CHURN_EINVAL,
                               "event name for role %s longer than %d "
                               "bytes", churn__role_label(role),
                               CHURN__NAME_MAX);
        if (n > 0) {
            int rc = add_name(r, lower, n, role, explicit, explicit_role,
                              err);
            if (rc != CHURN_OK)
                return rc;
        }
        if (!comma)
            return CHURN_OK;
        p = comma + 1;
    }
}

int churn__roles_build(const churn_feature_opts *o, churn__roles **out,
                       churn_error *err)
{
    *out = NULL;
    churn__roles *r = calloc(1, sizeof *r);
    if (!r || !(r->names = churn__strmap_new())) {
        churn__roles_free(r);
        return churn__fail_nomem(err);
    }
    int explicit_role[CHURN__N_ROLES] = {0};
    for (int role = 0; role < CHURN_ROLE_COUNT; role++)
        explicit_role[role] = o->role_names[role] != NULL;
    explicit_role[CHURN__ROLE_IGNORE] = o->ignore_names != NULL;
    /* DESIGN.md: unknown names are activity only while the user has not
     * said which names are; then exactly those are. */
    r->unknown_role = explicit_role[CHURN_ROLE_ACTIVITY] ? CHURN__ROLE_NONE
                                                       : CHURN_ROLE_ACTIVITY;
    int rc = CHURN_OK;
    /* The caller's names first, so that they win over any default. */
    for (int role = 0; role < CHURN_ROLE_COUNT && rc == CHURN_OK; role++)
        if (explicit_role[role])
            rc = add_list(r, o->role_names[role], role, 1, explicit_role,
                          err);
    if (rc == CHURN_OK && o->ignore_names)
        rc = add_list(r, o->ignore_names, CHURN__ROLE_IGNORE, 1,
                      explicit_role, err);
    for (int role = 0; role < CHURN_ROLE_COUNT && rc == CHURN_OK; role++)
        if (!explicit_role[role])
            rc = add_list(r, default_event_names[role], role, 0,
                          explicit_role, err);
    if (rc != CHURN_OK) {
        churn__roles_free(r);
        return rc;
    }
    *out = r;
    return CHURN_OK;
}

int churn__roles_unknown(const churn__roles *r) { return r->unknown_role; }

int churn__roles_find(const churn__roles *r, const char *lower, size_t len)
{
    size_t idx = churn__strmap_find(r->names, lower, len);
    return idx == (size_t)-1 ? -1 : r->role_of[idx];
}
