/* error.c - status code names and filling of the caller's churn_error. */
#include "ml/internal.h"

#include <stdio.h>
#include <string.h>

const char *churn_version(void) { return CHURN_VERSION_STRING; }

const char *churn_strerror(int code)
{
    switch (code) {
    case CHURN_OK: return "success";
    case CHURN_ENOMEM: return "out of memory";
    case CHURN_EINVAL: return "invalid argument";
    case CHURN_EIO: return "input/output error";
    case CHURN_EPARSE: return "parse error";
    case CHURN_EFORMAT: return "format error";
    case CHURN_ENUMERIC: return "numerical error";
    case CHURN_EVERSION: return "unsupported version";
    case CHURN_ECHECKSUM: return "checksum mismatch";
    case CHURN_EEMPTY: return "no data";
    default: return "unknown error";
    }
}

void churn_error_clear(churn_error *err)
{
    if (!err)
        return;
    err->code = CHURN_OK;
    err->line = 0;
    err->column = 0;
    err->file[0] = '\0';
    err->message[0] = '\0';
}

static void fill(churn_error *err, int code, const char *file, size_t line,
                 size_t column, const char *fmt, va_list ap)
{
    size_t size = sizeof err->message;
    int n = 0;
    err->code = code;
    err->line = line;
    err->column = column;
    snprintf(err->file, sizeof err->file, "%s", file ? file : "");
    /* The place first, then the reason; a too-long message is cut. */
    if (file && line && column)
        n = snprintf(err->message, size, "%s:%zu:%zu: ", file, line, column);
    else if (file && line)
        n = snprintf(err->message, size, "%s:%zu: ", file, line);
    else if (file)
        n = snprintf(err->message, size, "%s: ", file);
    if (n < 0 || (size_t)n >= size)
        n = 0;
    vsnprintf(err->message + n, size - (size_t)n, fmt, ap);
}

int churn__fail(churn_error *err, int code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        fill(err, code, NULL, 0, 0, fmt, ap);
        va_end(ap);
    }
    return code;
}

int churn__fail_at(churn_error *err, int code, const char *file, size_t line,
                   size_t column, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        fill(err, code, file, line, column, fmt, ap);
        va_end(ap);
    }
    return code;
}

int churn__fail_nomem(churn_error *err)
{
    return churn__fail(err, CHURN_ENOMEM, "out of memory");
}
