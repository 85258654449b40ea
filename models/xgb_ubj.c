/* xgb_ubj.c - a strict structural check of UBJSON bytes before XGBoost
 * reads them. XGBoost 1.7's UBJSON reader trusts its input: on truncated
 * bytes it reads past the end of its buffer (valgrind shows it), and a
 * huge count makes it allocate without bound. So the bytes must be one
 * whole object, in the subset of UBJSON that XGBoost reads, with every
 * length inside the buffer. This checks form, not meaning: a booster
 * with consistent lengths but nonsense trees is still XGBoost's to
 * refuse (the model file's checksum guards against damage). */
#include "models/xgb.h"

#define MAX_DEPTH 32 /* XGBoost's models nest about 8 deep */

typedef struct reader {
    const unsigned char *p;
    size_t len, pos;
    const char *why; /* the first problem, NULL while there is none */
    size_t at;       /* its byte offset */
} reader;

static int bad(reader *r, const char *why)
{
    if (!r->why) {
        r->why = why;
        r->at = r->pos;
    }
    return -1;
}

static int need(reader *r, size_t k)
{
    return r->len - r->pos < k ? bad(r, "truncated") : 0;
}

/* A count: 'L' and a big-endian int64 that must be >= 0. */
static int count(reader *r, size_t *n)
{
    if (need(r, 9))
        return -1;
    if (r->p[r->pos] != 'L')
        return bad(r, "expected a count ('L')");
    uint64_t v = 0;
    for (size_t i = 1; i <= 8; i++)
        v = v << 8 | r->p[r->pos + i];
    if (v >> 63)
        return bad(r, "negative count");
    r->pos += 9;
    *n = (size_t)v;
    return 0;
}

/* Skips k bytes of payload, which must be there. */
static int skip(reader *r, size_t k)
{
    if (need(r, k))
        return -1;
    r->pos += k;
    return 0;
}

/* A string as XGBoost writes one (key or value): a count, then bytes. */
static int string(reader *r)
{
    size_t n;
    return count(r, &n) ? -1 : skip(r, n);
}

static int value(reader *r, int depth);

static int object(reader *r, int depth)
{
    for (;;) {
        if (need(r, 1))
            return -1;
        if (r->p[r->pos] == '}') {
            r->pos++;
            return 0;
        }
        if (string(r) || value(r, depth + 1))
            return -1;
    }
}

/* Arrays: typed ('$' type '#' count, then packed big-endian items),
 * counted ('#' count, then values) or plain (values, then ']'). */
static int array(reader *r, int depth)
{
    if (need(r, 1))
        return -1;
    size_t n;
    if (r->p[r->pos] == '$') {
        r->pos++;
        if (need(r, 2))
            return -1;
        unsigned char type = r->p[r->pos];
        size_t size = type == 'U' ? 1 : type == 'd' || type == 'l' ? 4
                    : type == 'L' ? 8 : 0;
        if (size == 0)
            return bad(r, "unsupported typed array");
        if (r->p[r->pos + 1] != '#')
            return bad(r, "expected '#' in a typed array");
        r->pos += 2;
        if (count(r, &n))
            return -1;
        if (n > (r->len - r->pos) / size)
            return bad(r, "typed array longer than the bytes");
        r->pos += n * size;
        return 0;
    }
    if (r->p[r->pos] == '#') {
        r->pos++;
        if (count(r, &n))
            return -1;
        if (n > r->len - r->pos) /* every value takes a byte at least */
            return bad(r, "array longer than the bytes");
        for (size_t i = 0; i < n; i++)
            if (value(r, depth + 1))
                return -1;
        return 0;
    }
    for (;;) {
        if (need(r, 1))
            return -1;
        if (r->p[r->pos] == ']') {
            r->pos++;
            return 0;
        }
        if (value(r, depth + 1))
            return -1;
    }
}

static int value(reader *r, int depth)
{
    if (depth > MAX_DEPTH)
        return bad(r, "nested too deep");
    if (need(r, 1))
        return -1;
    unsigned char m = r->p[r->pos++];
    switch (m) {
    case '{': return object(r, depth);
    case '[': return array(r, depth);
    case 'S': return string(r);
    case 'Z': case 'T': case 'F': return 0;
    case 'i': case 'U': case 'C': return skip(r, 1);
    case 'I': return skip(r, 2);
    case 'l': case 'd': return skip(r, 4);
    case 'L': return skip(r, 8);
    default:
        r->pos--;
        return bad(r, "unknown marker");
    }
}

int churn__xgb_check_ubj(const void *bytes, size_t len, churn_error *err)
{
    reader r = {bytes, len, 0, NULL, 0};
    if (len == 0 || r.p[0] != '{')
        bad(&r, "not a UBJSON object");
    else if (value(&r, 0) == 0 && r.pos != len)
        bad(&r, "bytes after the end");
    if (!r.why)
        return CHURN_OK;
    return churn__fail(err, CHURN_EFORMAT, "xgboost: not a booster "
                       "(UBJSON byte %zu of %zu: %s)", r.at, len, r.why);
}
