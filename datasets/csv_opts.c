/* csv_opts.c - the options of the tabular CSV reader and the reader
 * state they start (csv_read.c reads with it). */
#include "datasets/csv_reader.h"

#include <stdlib.h>
#include <string.h>

struct churn_csv_opts {
    char *id_column;    /* NULL = row numbers (or detected) */
    int id_explicit;    /* set by the caller, so its absence is an error */
    char *label_column; /* NULL = no labels */
    char *positive;     /* NULL = the built-in spellings */
    char **categorical; /* names forced to be categorical */
    size_t n_categorical;
    size_t n_threads;   /* 0 = the online cores */
    int unique_ids;     /* a repeated id is an error */
    char **numeric;     /* names whose values must be numbers */
    size_t n_numeric;
    char **drop;        /* names left out */
    size_t n_drop;
    char sep;           /* the delimiter; 0 = detected from the header */
};

/* ------------------------------------------------------------- options */

churn_csv_opts *churn_csv_opts_new(void)
{
    return calloc(1, sizeof(churn_csv_opts)); /* the id detected */
}

void churn_csv_opts_free(churn_csv_opts *o)
{
    if (!o)
        return;
    free(o->id_column);
    free(o->label_column);
    free(o->positive);
    for (size_t i = 0; i < o->n_categorical; i++)
        free(o->categorical[i]);
    free(o->categorical);
    for (size_t i = 0; i < o->n_numeric; i++)
        free(o->numeric[i]);
    free(o->numeric);
    for (size_t i = 0; i < o->n_drop; i++)
        free(o->drop[i]);
    free(o->drop);
    free(o);
}

/* Replaces *slot with a copy of text; NULL or "" leaves it NULL. */
static int set_text(char **slot, const char *text)
{
    char *copy = NULL;
    if (text && *text && !(copy = churn__strdup(text)))
        return CHURN_ENOMEM;
    free(*slot);
    *slot = copy;
    return CHURN_OK;
}

int churn_csv_opts_set_id_column(churn_csv_opts *o, const char *name)
{
    if (!o)
        return CHURN_EINVAL;
    int rc = set_text(&o->id_column, name);
    if (rc == CHURN_OK)
        o->id_explicit = 1;
    return rc;
}

int churn_csv_opts_set_label_column(churn_csv_opts *o, const char *name)
{
    return o ? set_text(&o->label_column, name) : CHURN_EINVAL;
}

int churn_csv_opts_set_positive(churn_csv_opts *o, const char *value)
{
    return o ? set_text(&o->positive, value) : CHURN_EINVAL;
}

int churn_csv_opts_set_unique_ids(churn_csv_opts *o, int unique)
{
    if (!o)
        return CHURN_EINVAL;
    o->unique_ids = unique != 0;
    return CHURN_OK;
}

int churn_csv_opts_set_delimiter(churn_csv_opts *o, char sep)
{
    if (!o || (sep != 0 && sep != ',' && sep != ';' && sep != '\t' &&
               sep != '|'))
        return CHURN_EINVAL;
    o->sep = sep;
    return CHURN_OK;
}

char churn_csv_opts_delimiter(const churn_csv_opts *o)
{
    return o ? o->sep : 0;
}

/* Appends a copy of name to the list *items of *n names. */
static int add_name(char ***items, size_t *n, const char *name)
{
    if (!name || !*name)
        return CHURN_EINVAL;
    char **list = realloc(*items, (*n + 1) * sizeof *list);
    if (!list)
        return CHURN_ENOMEM;
    *items = list;
    if (!(list[*n] = churn__strdup(name)))
        return CHURN_ENOMEM;
    (*n)++;
    return CHURN_OK;
}

int churn_csv_opts_set_threads(churn_csv_opts *o, size_t n)
{
    if (!o || n > CHURN__CSV_MAX_THREADS)
        return CHURN_EINVAL;
    o->n_threads = n;
    return CHURN_OK;
}

int churn_csv_opts_add_categorical(churn_csv_opts *o, const char *name)
{
    return o ? add_name(&o->categorical, &o->n_categorical, name)
             : CHURN_EINVAL;
}

int churn_csv_opts_add_numeric(churn_csv_opts *o, const char *name)
{
    return o ? add_name(&o->numeric, &o->n_numeric, name) : CHURN_EINVAL;
}

int churn_csv_opts_add_drop(churn_csv_opts *o, const char *name)
{
    return o ? add_name(&o->drop, &o->n_drop, name) : CHURN_EINVAL;
}

/* -------------------------------------------------------------- reader */

void churn__csv_reader_init(reader *r, const char *path, const churn_csv_opts *o)
{
    memset(r, 0, sizeof *r);
    r->path = path;
    r->id_column = o ? o->id_column : NULL;
    r->id_explicit = o ? o->id_explicit : 0;
    r->id_detect = !r->id_explicit;
    if (o) {
        r->sep = o->sep;
        r->unique = o->unique_ids;
        r->label_column = o->label_column;
        r->positive = o->positive;
        r->categorical = o->categorical;
        r->n_categorical = o->n_categorical;
        r->n_threads = o->n_threads;
        r->numeric = o->numeric;
        r->n_numeric = o->n_numeric;
        r->drop = o->drop;
        r->n_drop = o->n_drop;
    }
}
