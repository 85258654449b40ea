/* test_xgb.c - the XGBoost wrapper (models/xgb.c): learning a known
 * structure, determinism, byte and text round trips, TreeSHAP sums,
 * missing values, strict errors, and sharing a booster between threads. */
#include "testutil.h"

#include "models/xgb.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define D 5

static uint64_t lcg_state;

/* Uniform in [0, 1) from a fixed LCG: the same data on every machine. */
static double uniform(void)
{
    lcg_state = lcg_state * 6364136223846793005ull + 1442695040888963407ull;
    return (double)(lcg_state >> 11) / 9007199254740992.0;
}

/* n rows of a structure no linear model sees: churn is likely when x0
 * and x1 lie on the same side of 0 (an XOR) and when x2 > 0.5; x3 is
 * noise; x4 is missing on a fifth of the rows and carries nothing.
 * Labels are drawn from the logistic of that score. */
static void make_rows(size_t n, uint64_t seed, double *x, double *y)
{
    lcg_state = seed;
    for (size_t i = 0; i < n; i++) {
        double *r = x + i * D;
        for (size_t j = 0; j < D; j++)
            r[j] = uniform() * 2 - 1;
        if (uniform() < 0.2)
            r[4] = NAN;
        double s = 3 * ((r[0] > 0) == (r[1] > 0)) - 1.5 +
                   2 * (r[2] > 0.5) - 1;
        y[i] = uniform() < 1 / (1 + exp(-2 * s));
    }
}

typedef struct fixture {
    double xtr[2000 * D], ytr[2000];
    double xte[1000 * D], yte[1000];
} fixture;

static fixture *data(void)
{
    static fixture f;
    static int made;
    if (!made) {
        make_rows(2000, 11, f.xtr, f.ytr);
        make_rows(1000, 12, f.xte, f.yte);
        made = 1;
    }
    return &f;
}

static churn__xgb *fit(const churn__xgb_params *p, churn__xgb_info *info)
{
    fixture *f = data();
    churn__xgb *b = NULL;
    churn_error err = {0};
    int rc = churn__xgb_fit(p, f->xtr, f->ytr, 2000, D, &b, info, &err);
    if (rc)
        fail_msg("fit: %s", err.message);
    return b;
}

static void test_learns_known_structure(void **state)
{
    (void)state;
    fixture *f = data();
    churn__xgb_info info;
    churn__xgb *b = fit(NULL, &info);
    double m[1000];
    assert_int_equal(churn__xgb_margins(b, f->xte, 1000, m, NULL), 0);
    double auc = tu_auc(m, f->yte, 1000);
    /* The Bayes AUC of this problem is about 0.87 (its score has four
     * levels); chance is 0.5, a linear model about 0.65. */
    if (auc < 0.83)
        fail_msg("held-out AUC %.4f", auc);
    assert_int_equal(churn__xgb_n_features(b), D);
    assert_int_equal(churn__xgb_rounds(b), info.rounds);
    assert_true(info.rounds >= 1 && info.rounds < 100);
    assert_int_equal(info.holdout_rows, 400);
    assert_true(isfinite(info.holdout_logloss));
    churn__xgb_free(b);
}

static void test_same_inputs_same_bytes(void **state)
{
    (void)state;
    churn__xgb_params p;
    churn__xgb_params_default(&p);
    p.subsample = 0.7;
    p.colsample = 0.8;
    p.seed = 42;
    churn__xgb *a = fit(&p, NULL), *b = fit(&p, NULL);
    size_t la, lb;
    const unsigned char *ba = churn__xgb_bytes(a, &la);
    const unsigned char *bb = churn__xgb_bytes(b, &lb);
    assert_int_equal(la, lb);
    assert_memory_equal(ba, bb, la);
    /* The seed reaches XGBoost's row sampling. */
    p.seed = 43;
    churn__xgb *c = fit(&p, NULL);
    size_t lc;
    const unsigned char *bc = churn__xgb_bytes(c, &lc);
    assert_true(lc != la || memcmp(ba, bc, la) != 0);
    churn__xgb_free(a);
    churn__xgb_free(b);
    churn__xgb_free(c);
}

/* The documented choice: after early stopping at R rounds the booster
 * is refitted on all rows, so it is the very booster that R rounds
 * without early stopping give. */
static void test_early_stopping_refits_on_all_rows(void **state)
{
    (void)state;
    churn__xgb_params p;
    churn__xgb_params_default(&p);
    p.early_stopping_rounds = 5;
    churn__xgb_info info;
    churn__xgb *es = fit(&p, &info);
    assert_true(info.rounds >= 1 && info.rounds < p.max_rounds);
    p.early_stopping_rounds = 0;
    p.max_rounds = info.rounds;
    churn__xgb_info plain;
    churn__xgb *fixed = fit(&p, &plain);
    assert_int_equal(plain.rounds, info.rounds);
    assert_int_equal(plain.holdout_rows, 0);
    assert_true(isnan(plain.holdout_logloss));
    size_t l1, l2;
    const unsigned char *b1 = churn__xgb_bytes(es, &l1);
    const unsigned char *b2 = churn__xgb_bytes(fixed, &l2);
    assert_int_equal(l1, l2);
    assert_memory_equal(b1, b2, l1);
    churn__xgb_free(es);
    churn__xgb_free(fixed);
}

static void assert_same_margins(const churn__xgb *a, const churn__xgb *b)
{
    fixture *f = data();
    static double ma[1000], mb[1000];
    assert_int_equal(churn__xgb_margins(a, f->xte, 1000, ma, NULL), 0);
    assert_int_equal(churn__xgb_margins(b, f->xte, 1000, mb, NULL), 0);
    assert_memory_equal(ma, mb, sizeof ma);
}

static void test_bytes_round_trip(void **state)
{
    (void)state;
    churn__xgb *a = fit(NULL, NULL), *b = NULL;
    size_t len, len2;
    const unsigned char *bytes = churn__xgb_bytes(a, &len);
    assert_int_equal(churn__xgb_load(bytes, len, D, &b, NULL), 0);
    assert_int_equal(churn__xgb_rounds(b), churn__xgb_rounds(a));
    const unsigned char *bytes2 = churn__xgb_bytes(b, &len2);
    assert_int_equal(len2, len);
    assert_memory_equal(bytes2, bytes, len);
    assert_same_margins(a, b);
    churn__xgb_free(a);
    churn__xgb_free(b);
}

/* Reads text (as written into a file) back through churn__xgb_read_text. */
static int read_text(char *text, size_t len, size_t d, churn__xgb **out,
                     churn_error *err)
{
    churn__lines r = {.path = "m.txt", .buf = text, .len = len};
    return churn__xgb_read_text(&r, d, out, err);
}

static char *write_text(const churn__xgb *b, size_t *len)
{
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    churn__xgb_write_text(f, b);
    fclose(f);
    return text;
}

static void test_text_round_trip(void **state)
{
    (void)state;
    churn__xgb *a = fit(NULL, NULL), *b = NULL;
    size_t len, n_bytes;
    char *text = write_text(a, &len);
    const unsigned char *bytes = churn__xgb_bytes(a, &n_bytes);
    char head[64];
    snprintf(head, sizeof head, "xgboost-ubj %zu %zu\n", n_bytes,
             ((n_bytes + 2) / 3 * 4 + 75) / 76);
    assert_memory_equal(text, head, strlen(head));
    churn_error err = {0};
    if (read_text(text, len, D, &b, &err))
        fail_msg("%s", err.message);
    size_t n2;
    const unsigned char *bytes2 = churn__xgb_bytes(b, &n2);
    assert_int_equal(n2, n_bytes);
    assert_memory_equal(bytes2, bytes, n_bytes);
    assert_same_margins(a, b);
    free(text);
    churn__xgb_free(a);
    churn__xgb_free(b);
}

static void test_contributions_sum_to_margin(void **state)
{
    (void)state;
    fixture *f = data();
    churn__xgb *b = fit(NULL, NULL);
    static double c[1000 * (D + 1)];
    double m[1000], mean_abs[D + 1] = {0};
    assert_int_equal(churn__xgb_contributions(b, f->xte, 1000, c, NULL), 0);
    assert_int_equal(churn__xgb_margins(b, f->xte, 1000, m, NULL), 0);
    for (size_t i = 0; i < 1000; i++) {
        double sum = 0, scale = 1;
        for (size_t j = 0; j <= D; j++) {
            sum += c[i * (D + 1) + j];
            scale += fabs(c[i * (D + 1) + j]);
            mean_abs[j] += fabs(c[i * (D + 1) + j]) / 1000;
        }
        /* XGBoost adds the d + 1 float terms in float: a few float
         * epsilons (1.2e-7) of their magnitudes. */
        assert_near(sum, m[i], 1e-6 * scale);
    }
    /* The bias is the same for every row; the features that carry the
     * signal get far more than the noise column. */
    for (size_t i = 1; i < 1000; i++)
        assert_true(c[i * (D + 1) + D] == c[D]);
    assert_true(mean_abs[0] > 3 * mean_abs[3]);
    assert_true(mean_abs[2] > 3 * mean_abs[3]);
    churn__xgb_free(b);
}

/* A value that is missing exactly on the churners: XGBoost's learned
 * default direction separates them perfectly; a row of NaN only scores. */
static void test_missing_values(void **state)
{
    (void)state;
    enum { N = 400 };
    static double x[N * 2], y[N];
    lcg_state = 5;
    for (size_t i = 0; i < N; i++) {
        y[i] = i % 3 == 0;
        x[i * 2] = y[i] ? NAN : uniform();
        x[i * 2 + 1] = uniform();
    }
    churn__xgb_params p;
    churn__xgb_params_default(&p);
    p.early_stopping_rounds = 0;
    p.max_rounds = 5;
    churn__xgb *b = NULL;
    assert_int_equal(churn__xgb_fit(&p, x, y, N, 2, &b, NULL, NULL), 0);
    double m[N];
    assert_int_equal(churn__xgb_margins(b, x, N, m, NULL), 0);
    assert_near(tu_auc(m, y, N), 1, 0);
    double nan_row[2] = {NAN, NAN}, m1;
    assert_int_equal(churn__xgb_margins(b, nan_row, 1, &m1, NULL), 0);
    assert_true(m1 > 0);
    churn__xgb_free(b);
}

static void expect_fit_error(const churn__xgb_params *p, const double *x,
                             const double *y, size_t n, size_t d, int code,
                             const char *message)
{
    churn__xgb *b = (churn__xgb *)1;
    churn_error err = {0};
    assert_int_equal(churn__xgb_fit(p, x, y, n, d, &b, NULL, &err), code);
    assert_null(b);
    assert_string_equal(err.message, message);
}

static void test_bad_training_input(void **state)
{
    (void)state;
    double x[4 * 2] = {1, 2, 3, 4, 5, 6, 7, 8}, y[4] = {0, 1, 0, 1};
    double y1[4] = {1, 1, 1, 1}, y2[4] = {0, 1, 2, 0};
    expect_fit_error(NULL, x, y1, 4, 2, CHURN_EINVAL,
                     "gbdt: the training rows hold one class only");
    expect_fit_error(NULL, x, y2, 4, 2, CHURN_EINVAL,
                     "gbdt: label of row 3 is 2, not 0 or 1");
    expect_fit_error(NULL, x, y, 0, 2, CHURN_EINVAL,
                     "gbdt: no rows or no features to train on");
    x[5] = INFINITY;
    expect_fit_error(NULL, x, y, 4, 2, CHURN_EINVAL,
                     "xgboost: row 3, column 2: inf is beyond float's "
                     "range");
    x[5] = 1e39;
    expect_fit_error(NULL, x, y, 4, 2, CHURN_EINVAL,
                     "xgboost: row 3, column 2: 1e+39 is beyond float's "
                     "range");
    x[5] = 6;
    churn__xgb_params p;
    churn__xgb_params_default(&p);
    p.learning_rate = 0;
    expect_fit_error(&p, x, y, 4, 2, CHURN_EINVAL,
                     "gbdt: learning rate must be in (0, 1]");
    churn__xgb_params_default(&p);
    p.depth = 0;
    expect_fit_error(&p, x, y, 4, 2, CHURN_EINVAL,
                     "gbdt: depth must be 1..64");
    churn__xgb_params_default(&p);
    p.holdout = 0.7;
    expect_fit_error(&p, x, y, 4, 2, CHURN_EINVAL,
                     "gbdt: hold-out fraction must be in (0, 0.5]");
    churn__xgb_params_default(&p);
    p.max_rounds = 0;
    expect_fit_error(&p, x, y, 4, 2, CHURN_EINVAL,
                     "gbdt: rounds (--trees) must be 1..100000");
}

static void expect_load_error(const void *bytes, size_t len, size_t d,
                              const char *prefix)
{
    churn__xgb *b = (churn__xgb *)1;
    churn_error err = {0};
    assert_int_equal(churn__xgb_load(bytes, len, d, &b, &err),
                     CHURN_EFORMAT);
    assert_null(b);
    if (strncmp(err.message, prefix, strlen(prefix)) != 0)
        fail_msg("'%s' does not start with '%s'", err.message, prefix);
}

static void test_bad_bytes(void **state)
{
    (void)state;
    churn__xgb *a = fit(NULL, NULL);
    size_t len;
    const unsigned char *good = churn__xgb_bytes(a, &len);
    unsigned char *bytes = malloc(len);
    memcpy(bytes, good, len);
    expect_load_error("not a booster", 13, D, "xgboost: not a booster "
                      "(UBJSON byte 0 of 13: not a UBJSON object)");
    /* XGBoost 1.7 itself would read past the end of these bytes. */
    churn_error err = {0};
    churn__xgb *b = NULL;
    assert_int_equal(churn__xgb_load(bytes, len / 2, D, &b, &err),
                     CHURN_EFORMAT);
    assert_null(b);
    if (strncmp(err.message, "xgboost: not a booster (UBJSON byte ", 36))
        fail_msg("%s", err.message);
    expect_load_error(bytes, 0, D, "xgboost: no booster bytes");
    expect_load_error(bytes, len, D + 1,
                      "xgboost: the booster has 5 features, the model 6");
    /* Another objective of the same length, edited into the bytes. */
    unsigned char *at = NULL;
    for (size_t i = 0; !at && i + 15 <= len; i++)
        if (memcmp(bytes + i, "binary:logistic", 15) == 0)
            at = bytes + i;
    assert_non_null(at);
    memcpy(at, "binary:logitraw", 15);
    expect_load_error(bytes, len, D, "xgboost: the booster's objective is "
                      "'binary:logitraw', not binary:logistic");
    free(bytes);
    churn__xgb_free(a);
}

/* Edits the text form with fn and expects message from the reader. */
static void expect_text_error(const churn__xgb *a,
                              void (*fn)(char *text, size_t *len),
                              const char *message)
{
    size_t len;
    char *text = write_text(a, &len);
    fn(text, &len);
    churn__xgb *b = (churn__xgb *)1;
    churn_error err = {0};
    assert_int_equal(read_text(text, len, D, &b, &err), CHURN_EFORMAT);
    assert_null(b);
    if (strncmp(err.message, message, strlen(message)) != 0)
        fail_msg("'%s' does not start with '%s'", err.message, message);
    free(text);
}

static char *line_start(char *text, int line)
{
    for (int i = 1; i < line; i++)
        text = strchr(text, '\n') + 1;
    return text;
}

static void bad_char(char *t, size_t *len) { (void)len; line_start(t, 3)[9] = '*'; }
static void short_line(char *t, size_t *len)
{
    char *l = line_start(t, 2);
    memmove(l + 10, l + 11, *len - (size_t)(l + 11 - t));
    (*len)--;
}
static void early_pad(char *t, size_t *len) { (void)len; line_start(t, 2)[3] = '='; }
static void bad_header(char *t, size_t *len) { (void)len; t[0] = 'X'; }
static void truncated(char *t, size_t *len) { *len = (size_t)(line_start(t, 4) - t); }
static void more_bytes(char *t, size_t *len)
{
    /* "xgboost-ubj N L": announce one byte fewer; the line count holds. */
    size_t n = strtoul(t + 12, NULL, 10);
    char head[64];
    int k = snprintf(head, sizeof head, "xgboost-ubj %zu", n - 1);
    char *sp = strchr(t + 12, ' ');
    memmove(t + k, sp, *len - (size_t)(sp - t));
    *len -= (size_t)(sp - t) - (size_t)k;
    memcpy(t, head, (size_t)k);
}

static void test_bad_text(void **state)
{
    (void)state;
    churn__xgb *a = fit(NULL, NULL);
    expect_text_error(a, bad_char, "m.txt:3:10: xgboost-ubj: bad base64 "
                      "character '*'");
    expect_text_error(a, short_line, "m.txt:2:1: xgboost-ubj: line has 75 "
                      "characters, expected 76");
    expect_text_error(a, early_pad, "m.txt:2:4: xgboost-ubj: bad base64 "
                      "character '='");
    expect_text_error(a, bad_header, "m.txt:1:1: expected 'xgboost-ubj', "
                      "found 'Xgboost-ubj'");
    expect_text_error(a, truncated, "m.txt:1: xgboost-ubj: ");
    expect_text_error(a, more_bytes, "m.txt:");
    churn__xgb_free(a);
}

static void expect_small_text_error(const char *text, const char *message)
{
    char buf[64];
    size_t len = strlen(text);
    memcpy(buf, text, len + 1);
    churn__xgb *b = (churn__xgb *)1;
    churn_error err = {0};
    assert_int_equal(read_text(buf, len, D, &b, &err), CHURN_EFORMAT);
    assert_null(b);
    assert_string_equal(err.message, message);
}

/* Hand-made texts for the decoder's own rules. */
static void test_bad_base64(void **state)
{
    (void)state;
    expect_small_text_error("xgboost-ubj 1 1\nAB==\n", "m.txt:2:1: "
                            "xgboost-ubj: nonzero bits in base64 padding");
    expect_small_text_error("xgboost-ubj 4 1\nAAAAAAAA\n", "m.txt:2:5: "
                            "xgboost-ubj: more bytes than the 4 announced");
    expect_small_text_error("xgboost-ubj 5 1\nAAAAAA==\n", "m.txt:2: "
                            "xgboost-ubj: 5 bytes announced, 4 found");
    expect_small_text_error("xgboost-ubj 5 2\nAAAAAAAA\n", "m.txt:1: "
                            "xgboost-ubj: 5 bytes cannot take 2 lines");
    expect_small_text_error("xgboost-ubj 0 0\n", "m.txt:1: "
                            "xgboost-ubj: 0 bytes cannot take 0 lines");
    expect_small_text_error("xgboost-ubj 2 1\nA=A=\n", "m.txt:2:2: "
                            "xgboost-ubj: bad base64 character '='");
    /* Bytes that decode but are no booster: the header's line. */
    expect_small_text_error("xgboost-ubj 3 1\nAAAA\n",
                            "m.txt:1: xgboost: not a booster (UBJSON byte 0 "
                            "of 3: "
                            "not a UBJSON object)");
}

static void expect_ubj(const char *bytes, size_t len, const char *message)
{
    churn_error err = {0};
    int rc = churn__xgb_check_ubj(bytes, len, &err);
    if (!message) {
        assert_int_equal(rc, CHURN_OK);
        return;
    }
    assert_int_equal(rc, CHURN_EFORMAT);
    assert_string_equal(err.message, message);
}

/* The structural check's rules, on hand-made bytes; a valid object that
 * is no booster goes on to XGBoost, which says so. */
static void test_ubj_structure(void **state)
{
    (void)state;
    static const char key_a[] = "{L\0\0\0\0\0\0\0\1a";
    char buf[64];
    expect_ubj("{}", 2, NULL);
    expect_ubj("{L\0\0\0\0\0\0\0\1aSL\0\0\0\0\0\0\0\2xy}", 24, NULL);
    expect_ubj("{}}", 3, "xgboost: not a booster (UBJSON byte 2 of 3: bytes "
               "after the end)");
    expect_ubj("{L\0\0\0\0\0\0\0\5abc", 13, "xgboost: not a booster "
               "(UBJSON byte 10 of 13: truncated)");
    expect_ubj("{L\377\0\0\0\0\0\0\1a}", 12, "xgboost: not a booster "
               "(UBJSON byte 1 of 12: negative count)");
    /* "a": a typed float array announcing 2^40 items */
    memcpy(buf, key_a, 11);
    memcpy(buf + 11, "[$d#L\0\0\1\0\0\0\0\0}", 14);
    expect_ubj(buf, 25, "xgboost: not a booster (UBJSON byte 24 of 25: "
               "typed array longer than the bytes)");
    memcpy(buf + 11, "[$D#L\0\0\0\0\0\0\0\0}", 14);
    expect_ubj(buf, 25, "xgboost: not a booster (UBJSON byte 13 of 25: "
               "unsupported typed array)");
    memcpy(buf + 11, "X}", 2);
    expect_ubj(buf, 13, "xgboost: not a booster (UBJSON byte 11 of 13: "
               "unknown marker)");
    memcpy(buf + 11, "[#L\0\0\0\0\0\0\0\3ZZ", 13);
    expect_ubj(buf, 24, "xgboost: not a booster (UBJSON byte 22 of 24: "
               "array longer than the bytes)");
    /* a counted array whose int16 has one byte of two */
    memcpy(buf + 11, "[#L\0\0\0\0\0\0\0\2ZI\0", 14);
    expect_ubj(buf, 25, "xgboost: not a booster (UBJSON byte 24 of 25: "
               "truncated)");
    memcpy(buf, "{", 1);
    memcpy(buf + 1, key_a + 1, 10);
    memset(buf + 11, '[', 40);
    expect_ubj(buf, 51, "xgboost: not a booster (UBJSON byte 43 of 51: "
               "nested too deep)");
    churn__xgb *b = NULL;
    churn_error err = {0};
    assert_int_equal(churn__xgb_load("{}", 2, D, &b, &err), CHURN_EFORMAT);
    assert_null(b);
    const char *head = "xgboost: cannot load the booster (damaged, or not "
                       "an XGBoost UBJSON model): ";
    if (strncmp(err.message, head, strlen(head)) != 0)
        fail_msg("%s", err.message);
}

enum { N_THREADS = 8 };

typedef struct job {
    const churn__xgb *b;
    double m[1000];
    double c[1000 * (D + 1)];
    int rc;
} job;

static void *worker(void *arg)
{
    job *j = arg;
    fixture *f = data();
    for (int rep = 0; rep < 3 && !j->rc; rep++) {
        j->rc = churn__xgb_margins(j->b, f->xte, 1000, j->m, NULL);
        if (!j->rc)
            j->rc = churn__xgb_contributions(j->b, f->xte, 1000, j->c,
                                             NULL);
    }
    return NULL;
}

/* One booster, eight threads at once: every thread gets the bits one
 * thread alone gets (XGBoost 1.7's in-place prediction keeps its output
 * per thread and booster; the booster is configured before sharing). */
static void test_threads_share_a_booster(void **state)
{
    (void)state;
    fixture *f = data();
    churn__xgb *b = fit(NULL, NULL);
    static job jobs[N_THREADS];
    static double m[1000], c[1000 * (D + 1)];
    assert_int_equal(churn__xgb_margins(b, f->xte, 1000, m, NULL), 0);
    assert_int_equal(churn__xgb_contributions(b, f->xte, 1000, c, NULL), 0);
    pthread_t tid[N_THREADS];
    for (int t = 0; t < N_THREADS; t++) {
        jobs[t] = (job){.b = b};
        assert_int_equal(pthread_create(&tid[t], NULL, worker, &jobs[t]), 0);
    }
    for (int t = 0; t < N_THREADS; t++)
        assert_int_equal(pthread_join(tid[t], NULL), 0);
    for (int t = 0; t < N_THREADS; t++) {
        assert_int_equal(jobs[t].rc, 0);
        assert_memory_equal(jobs[t].m, m, sizeof m);
        assert_memory_equal(jobs[t].c, c, sizeof c);
    }
    churn__xgb_free(b);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_learns_known_structure),
        cmocka_unit_test(test_same_inputs_same_bytes),
        cmocka_unit_test(test_early_stopping_refits_on_all_rows),
        cmocka_unit_test(test_bytes_round_trip),
        cmocka_unit_test(test_text_round_trip),
        cmocka_unit_test(test_contributions_sum_to_margin),
        cmocka_unit_test(test_missing_values),
        cmocka_unit_test(test_bad_training_input),
        cmocka_unit_test(test_bad_bytes),
        cmocka_unit_test(test_bad_text),
        cmocka_unit_test(test_bad_base64),
        cmocka_unit_test(test_ubj_structure),
        cmocka_unit_test(test_threads_share_a_booster),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
