/* time.c - timestamps: ISO-8601 dates and date-times or Unix seconds, UTC. */
#include "ml/internal.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
 * days_from_civil), exact for every year we accept. */
int64_t churn__days_from_civil(int64_t y, int64_t m, int64_t d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static void civil_from_days(int64_t z, int *y, int *m, int *d)
{
    z += 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int days_in_month(int y, int m)
{
    static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 ? 28 + leap : days[m - 1];
}

/* Reads exactly n digits at *p; returns -1 if they are not all digits. */
static int digits(const char **p, const char *end, int n)
{
    int v = 0;
    for (int i = 0; i < n; i++, (*p)++) {
        if (*p >= end || !isdigit((unsigned char)**p))
            return -1;
        v = v * 10 + (**p - '0');
    }
    return v;
}

static int parse_iso(const char *p, const char *end, double *out)
{
    int y = digits(&p, end, 4);
    if (y < 1900 || y > 2200 || p >= end || *p++ != '-')
        return 0;
    int m = digits(&p, end, 2);
    if (m < 1 || m > 12 || p >= end || *p++ != '-')
        return 0;
    int d = digits(&p, end, 2);
    if (d < 1 || d > days_in_month(y, m))
        return 0;
    double t = (double)churn__days_from_civil(y, m, d) * 86400.0;
    if (p == end) {
        *out = t;
        return 1;
    }
    if (*p != 'T' && *p != ' ')
        return 0;
    p++;
    int hh = digits(&p, end, 2);
    if (hh < 0 || hh > 23 || p >= end || *p++ != ':')
        return 0;
    int mm = digits(&p, end, 2);
    if (mm < 0 || mm > 59)
        return 0;
    int ss = 0;
    double frac = 0;
    if (p < end && *p == ':') {
        p++;
        ss = digits(&p, end, 2);
        if (ss < 0 || ss > 60) /* 60: a leap second, read as the next one */
            return 0;
        if (p < end && *p == '.') {
            double scale = 0.1;
            for (p++; p < end && isdigit((unsigned char)*p); p++) {
                frac += (*p - '0') * scale;
                scale /= 10;
            }
        }
    }
    t += hh * 3600.0 + mm * 60.0 + ss + frac;
    if (p < end && (*p == 'Z' || *p == 'z')) {
        p++;
    } else if (p < end && (*p == '+' || *p == '-')) {
        int sign = *p++ == '+' ? 1 : -1;
        int oh = digits(&p, end, 2);
        if (p < end && *p == ':')
            p++;
        int om = digits(&p, end, 2);
        if (oh < 0 || oh > 23 || om < 0 || om > 59)
            return 0;
        t -= sign * (oh * 3600.0 + om * 60.0); /* local = UTC + offset */
    }
    if (p != end)
        return 0;
    *out = t;
    return 1;
}

/* Drops the spaces around text[0..*len). */
static const char *trim(const char *text, size_t *len)
{
    while (*len > 0 && isspace((unsigned char)*text)) {
        text++;
        (*len)--;
    }
    while (*len > 0 && isspace((unsigned char)text[*len - 1]))
        (*len)--;
    return text;
}

int churn_parse_date(const char *text, size_t len, double *out_unix)
{
    if (!text || !out_unix)
        return CHURN_EINVAL;
    text = trim(text, &len);
    /* Only the ISO form: a number such as 20250101 is not read as Unix
     * seconds here, since a date option that means 1970-08-23 is a typo. */
    if (len < 10 || text[4] != '-')
        return CHURN_EPARSE;
    return parse_iso(text, text + len, out_unix) ? CHURN_OK : CHURN_EPARSE;
}

int churn_parse_time(const char *text, size_t len, double *out_unix)
{
    text = trim(text, &len);
    if (len == 0)
        return CHURN_EPARSE;
    const char *end = text + len;
    /* A dash in place 5 means a date; otherwise Unix seconds. */
    if (len >= 10 && text[4] == '-')
        return parse_iso(text, end, out_unix) ? CHURN_OK : CHURN_EPARSE;
    double v;
    if (!churn__parse_double(text, len, &v))
        return CHURN_EPARSE;
    /* Years 1900-2200, as for dates: catches milliseconds and garbage. */
    if (v < -2208988800.0 || v > 7258118400.0)
        return CHURN_EPARSE;
    *out_unix = v;
    return CHURN_OK;
}

void churn_format_date(double unix_seconds, char *buf, size_t size)
{
    if (!isfinite(unix_seconds)) {
        snprintf(buf, size, "%s", "");
        return;
    }
    int y, m, d;
    civil_from_days((int64_t)floor(unix_seconds / 86400.0), &y, &m, &d);
    snprintf(buf, size, "%04d-%02d-%02d", y, m, d);
}
