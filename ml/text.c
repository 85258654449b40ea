/* text.c - locale-free number formatting and parsing, small string helpers. */
#include "internal.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Writes the whole number x (|x| < 10^15, not -0) as its digits. */
static char *format_whole(double x, char *buf)
{
    char digits[24];
    int n = 0;
    uint64_t u = x < 0 ? (uint64_t)-(int64_t)x : (uint64_t)x;
    do {
        digits[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    char *p = buf;
    if (x < 0)
        *p++ = '-';
    while (n > 0)
        *p++ = digits[--n];
    *p = '\0';
    return buf;
}

char *churn__format_double(double x, char *buf)
{
    /* Whole numbers below 10^15 (counts, mostly) print as their digits
     * under %.15g, and those read back exactly: written directly they
     * skip snprintf and strtod, most of the cost of a feature file. */
    if (x > -1e15 && x < 1e15 && x == (double)(int64_t)x &&
        !(x == 0 && signbit(x)))
        return format_whole(x, buf);
    if (isnan(x)) {
        buf[0] = '\0';
        return buf;
    }
    if (isinf(x)) {
        snprintf(buf, CHURN__NUM_BUF, "%s", x > 0 ? "inf" : "-inf");
        return buf;
    }
    /* 15 significant digits cover most values exactly; 17 always do. */
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, CHURN__NUM_BUF, "%.*g", prec, x);
        if (prec == 17 || strtod(buf, NULL) == x)
            break;
    }
    return buf;
}

/* Plain decimals of at most 15 digits ("-12.50", "1709251200"), the
 * common case in event logs, without strtod: the digits form an integer
 * m < 10^15 and the divisor 10^f (f <= 15) is exact too, so the one
 * division is correctly rounded, the same double strtod returns (Clinger's
 * fast path). Anything else returns 0 and takes the general path. */
static int parse_simple_decimal(const char *text, size_t len, double *out)
{
    static const double pow10[] = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7,
                                   1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14,
                                   1e15};
    size_t i = 0;
    int negative = len > 0 && text[0] == '-';
    if (len > 0 && (text[0] == '-' || text[0] == '+'))
        i++;
    uint64_t m = 0;
    int n_digits = 0, n_frac = 0, dot = 0;
    for (; i < len; i++) {
        char ch = text[i];
        if (ch >= '0' && ch <= '9') {
            if (++n_digits > 15)
                return 0;
            m = m * 10 + (uint64_t)(ch - '0');
            n_frac += dot;
        } else if (ch == '.' && !dot) {
            dot = 1;
        } else {
            return 0;
        }
    }
    if (n_digits == 0)
        return 0;
    double v = (double)m / pow10[n_frac];
    *out = negative ? -v : v;
    return 1;
}

int churn__parse_double(const char *text, size_t len, double *out)
{
    if (parse_simple_decimal(text, len, out))
        return 1;
    char tmp[64];
    while (len > 0 && isspace((unsigned char)text[0])) {
        text++;
        len--;
    }
    while (len > 0 && isspace((unsigned char)text[len - 1]))
        len--;
    if (len == 0 || len >= sizeof tmp)
        return 0;
    /* Only plain decimal numbers: strtod would also take "nan", "inf" and
     * hexadecimal, which no churn export means as a number. */
    for (size_t i = 0; i < len; i++) {
        char ch = text[i];
        if (!(isdigit((unsigned char)ch) || ch == '.' || ch == '-' ||
              ch == '+' || ch == 'e' || ch == 'E'))
            return 0;
    }
    memcpy(tmp, text, len);
    tmp[len] = '\0';
    char *end;
    errno = 0;
    double v = strtod(tmp, &end);
    if (end != tmp + len || errno == ERANGE || !isfinite(v))
        return 0;
    *out = v;
    return 1;
}

int churn__equal_nocase(const char *text, size_t len, const char *word)
{
    size_t n = strlen(word);
    if (n != len)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (tolower((unsigned char)text[i]) != tolower((unsigned char)word[i]))
            return 0;
    return 1;
}

int churn__is_missing(const char *text, size_t len)
{
    while (len > 0 && isspace((unsigned char)text[0])) {
        text++;
        len--;
    }
    while (len > 0 && isspace((unsigned char)text[len - 1]))
        len--;
    return len == 0 || churn__equal_nocase(text, len, "na") ||
           churn__equal_nocase(text, len, "n/a") ||
           churn__equal_nocase(text, len, "nan") ||
           churn__equal_nocase(text, len, "null");
}

char *churn__strdup(const char *s)
{
    if (!s)
        return NULL;
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}
