/* csv_columns.c - the tabular reader's data contract for columns: which
 * column holds the ids (by name), and whether a column whose cells are
 * not all numbers is categorical or an error (a few bad cells among
 * numbers, or numbers written with currency signs, thousands separators,
 * decimal commas or percent signs). Both readers (csv_read.c, csv_fast.c) decide by
 * these rules, so they agree. */
#include "datasets/csv_reader.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------- ids */

/* Header names that mean "the customer's id", normalized (lowercase,
 * without '_', '-', '.' and spaces); documented in churn.h. */
static const char *const id_names[] = {
    "customerid", "customer", "custid", "clientid", "client", "userid",
    "accountid", "subscriberid", "memberid", "id"};

/* Writes name normalized into buf (size bytes); 0 when it does not fit. */
static int normalize(const char *name, char *buf, size_t size)
{
    size_t n = 0;
    for (const char *c = name; *c; c++) {
        if (*c == '_' || *c == '-' || *c == '.' || *c == ' ')
            continue;
        if (n + 1 >= size)
            return 0;
        buf[n++] = (char)tolower((unsigned char)*c);
    }
    buf[n] = '\0';
    return 1;
}

size_t churn__csv_detect_id(const reader *r, const unsigned char *skip)
{
    for (size_t i = 0; i < r->n_fields; i++) {
        char norm[32];
        if (i == r->label_field || skip[i] ||
            !normalize(churn__strmap_key(r->header, i), norm, sizeof norm))
            continue;
        for (size_t k = 0; k < sizeof id_names / sizeof id_names[0]; k++)
            if (strcmp(norm, id_names[k]) == 0)
                return i;
    }
    return NO_FIELD;
}

/* -------------------------------------------------------------- cells */

/* Bytes of a currency sign at s ($, €, £, ¥ in UTF-8), or 0. */
static size_t currency(const char *s, size_t n)
{
    if (n >= 1 && s[0] == '$')
        return 1;
    if (n >= 3 && memcmp(s, "\xE2\x82\xAC", 3) == 0)
        return 3;
    if (n >= 2 && (memcmp(s, "\xC2\xA3", 2) == 0 ||
                   memcmp(s, "\xC2\xA5", 2) == 0))
        return 2;
    return 0;
}

static size_t skip_spaces(const char *s, size_t n, size_t i)
{
    while (i < n && s[i] == ' ')
        i++;
    return i;
}

/* Digits with optional thousands separators (groups of three after the
 * first), then an optional fraction, from s[i]; returns the end, or 0
 * when there is no such number. *grouped = a separator was seen. */
static size_t grouped_digits(const char *s, size_t n, size_t i, int *grouped)
{
    size_t digits = 0, group = 0;
    *grouped = 0;
    for (; i < n && (isdigit((unsigned char)s[i]) || s[i] == ','); i++) {
        if (s[i] != ',') {
            digits++;
            group++;
        } else if (group == 0 || group > 3 || (*grouped && group != 3)) {
            return 0;
        } else {
            *grouped = 1;
            group = 0;
        }
    }
    if (digits == 0 || (*grouped && group != 3))
        return 0;
    if (i < n && s[i] == '.')
        for (i++; i < n && isdigit((unsigned char)s[i]); i++)
            ;
    return i;
}

/* Digits, a decimal comma, digits from s[i] (12,5 and 0,25: numbers
 * written where the comma is the decimal mark, as in a file delimited
 * by ';'); returns the end, or 0. */
static size_t decimal_comma(const char *s, size_t n, size_t i)
{
    size_t start = i;
    while (i < n && isdigit((unsigned char)s[i]))
        i++;
    if (i == start || i == n || s[i] != ',')
        return 0;
    start = ++i;
    while (i < n && isdigit((unsigned char)s[i]))
        i++;
    return i > start ? i : 0;
}

/* 1 when s is a number written for people: [sign][currency][sign]
 * digits with thousands separators [.digits], or with a decimal comma
 * when comma_decimals, [% or a currency sign when none leads], with at
 * least one of the currency sign, a separator, the decimal comma or the
 * percent sign. */
static int is_formatted(const char *s, size_t n, int comma_decimals)
{
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    size_t i = 0, c;
    int marked = 0, leading = 0, grouped;
    while (i < n && isspace((unsigned char)s[i]))
        i++;
    if (i < n && (s[i] == '+' || s[i] == '-'))
        i++;
    if ((c = currency(s + i, n - i)) > 0) {
        marked = leading = 1;
        i = skip_spaces(s, n, i + c);
        if (i < n && (s[i] == '+' || s[i] == '-'))
            i++;
    }
    size_t end = grouped_digits(s, n, i, &grouped);
    if (end == 0 && comma_decimals && (end = decimal_comma(s, n, i)) > 0)
        grouped = 1; /* marked as a separator is */
    if ((i = end) == 0)
        return 0;
    i = skip_spaces(s, n, i);
    if (i < n && s[i] == '%') {
        i++;
        marked = 1;
    } else if (!leading && (c = currency(s + i, n - i)) > 0) {
        i += c;
        marked = 1;
    }
    return i == n && (marked || grouped);
}

int churn__csv_cell_class(const char *text, size_t len, char sep)
{
    double v;
    if (churn__parse_double(text, len, &v))
        return CHURN__CELL_NUMBER;
    /* In a file delimited by ';', tabs or '|', 12,5 is a number with a
     * decimal comma; in a comma-delimited one it had to be quoted and may
     * as well be a list ("1,2"), so it stays a text there. */
    return is_formatted(text, len, sep != ',') ? CHURN__CELL_FORMATTED
                                               : CHURN__CELL_TEXT;
}

void churn__csv_tally_bad(churn__csv_tally *t, int cls, const char *text,
                          size_t len, size_t line, size_t column)
{
    t->bad++;
    t->formatted += cls == CHURN__CELL_FORMATTED;
    if (t->bad > 1)
        return;
    t->line = line;
    t->column = column;
    t->first_formatted = cls == CHURN__CELL_FORMATTED;
    snprintf(t->text, sizeof t->text, "%.*s%s",
             (int)(len < CHURN__CSV_QUOTE_MAX ? len : CHURN__CSV_QUOTE_MAX),
             text, len > CHURN__CSV_QUOTE_MAX ? "..." : "");
}

/* ------------------------------------------------------------- kinds */

int churn__csv_kind_error(const churn__csv_tally *t, int must_be_numeric)
{
    if (t->bad == 0)
        return 0;
    if (must_be_numeric)
        return 1;
    /* "Mostly numbers": at least half of the non-missing cells. */
    return (t->numbers + t->formatted) * 2 >= t->numbers + t->bad;
}

int churn__csv_kind_fail(const reader *r, size_t j, const churn__csv_tally *t,
                         churn_error *err)
{
    const char *name = churn__strmap_key(r->header, r->col_field[j]);
    int forced = r->must_be_numeric[j], one = t->bad == 1;
    const char *them = one ? "it" : "them";
    char counts[80], way_out[200] = "";
    snprintf(counts, sizeof counts, "%zu bad cell%s, %zu number%s", t->bad,
             one ? "" : "s", t->numbers, t->numbers == 1 ? "" : "s");
    if (!forced)
        snprintf(way_out, sizeof way_out,
                 ", or declare the column with --categorical %s", name);
    if (t->first_formatted)
        return churn__fail_at(
            err, CHURN_EPARSE, r->path, t->line, t->column,
            "'%s' in %scolumn '%s' is a formatted number (%s): write plain "
            "numbers (no currency sign, thousands separator%s or %%), leave "
            "%s empty or NA%s", t->text, forced ? "numeric " : "", name,
            counts, r->sep != ',' ? ", decimal comma" : "", them, way_out);
    if (forced)
        return churn__fail_at(err, CHURN_EPARSE, r->path, t->line, t->column,
                              "'%s' in numeric column '%s' is not a finite "
                              "number (%s); fix %s or leave %s empty or NA",
                              t->text, name, counts, them, them);
    return churn__fail_at(err, CHURN_EPARSE, r->path, t->line, t->column,
                          "'%s' in column '%s' is not a number (%s); fix %s, "
                          "leave %s empty or NA%s", t->text, name, counts,
                          them, them, way_out);
}

/* The tally of categorical column j of ds, counted from its levels, in
 * a file delimited by sep. */
static int level_tally(const churn_dataset *ds, size_t j, char sep,
                       churn__csv_tally *t)
{
    size_t n_levels = churn_dataset_n_levels(ds, j);
    size_t n_rows = churn_dataset_n_rows(ds), n_cols = churn_dataset_n_cols(ds);
    size_t *count = calloc(n_levels ? n_levels : 1, sizeof *count);
    if (!count)
        return 0;
    const double *v = churn_dataset_values(ds);
    for (size_t i = 0; i < n_rows; i++) {
        double code = v[i * n_cols + j];
        if (code == code) /* not missing */
            count[(size_t)code]++;
    }
    memset(t, 0, sizeof *t);
    for (size_t k = 0; k < n_levels; k++) {
        const char *text = churn_dataset_level(ds, j, k);
        int cls = churn__csv_cell_class(text, strlen(text), sep);
        if (cls == CHURN__CELL_NUMBER)
            t->numbers += count[k];
        t->bad += cls == CHURN__CELL_NUMBER ? 0 : count[k];
        t->formatted += cls == CHURN__CELL_FORMATTED ? count[k] : 0;
    }
    free(count);
    return 1;
}

int churn__csv_kinds_ok(const reader *r, const churn_dataset *ds)
{
    for (size_t j = 0; j < r->n_cols; j++) {
        churn__csv_tally t;
        if (r->is_categorical[j] ||
            churn_dataset_column_kind(ds, j) != CHURN_CATEGORICAL)
            continue;
        if (!level_tally(ds, j, r->sep, &t))
            return CHURN_ENOMEM;
        if (churn__csv_kind_error(&t, 0))
            return CHURN_EFORMAT;
    }
    return CHURN_OK;
}
