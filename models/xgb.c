/* xgb.c - gradient-boosted trees by XGBoost's C library (1.7): training
 * with early stopping, UBJSON bytes, margins and TreeSHAP contributions.
 * The only file that includes <xgboost/c_api.h>; doubles become floats
 * in one place (to_floats). */
#include "models/xgb.h"
#include "models/xgb_lib.h"
#include "ml/rng.h"

#include <float.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "xgb.c hands XGBoost arrays typed '<f4' (little-endian floats)"
#endif

struct churn__xgb {
    BoosterHandle h;
    unsigned char *bytes; /* the booster as UBJSON */
    size_t len;
    size_t d;
    size_t rounds;
};

/* Rows converted and predicted at a time: bounds the float copy. */
#define BLOCK_ROWS 4096

/* A row or a few of floats on the stack: the gbdt family's per-row
 * decision and contributions cannot report an error, so the one-row
 * path allocates nothing of ours. */
#define SMALL_FLOATS 512

/* fx for rows x d floats: small when they fit, else the heap (NULL when
 * out of memory). */
static float *float_rows(size_t rows, size_t d, float *small)
{
    return rows * d <= SMALL_FLOATS ? small
                                    : malloc(rows * d * sizeof(float));
}

void churn__xgb_params_default(churn__xgb_params *p)
{
    *p = (churn__xgb_params){
        .max_rounds = 100, .depth = 6, .learning_rate = 0.3,
        .subsample = 1, .colsample = 1, .min_child_weight = 1,
        .lambda = 1, .scale_pos_weight = 1, .seed = 0, .threads = 1,
        .early_stopping_rounds = 20, .holdout = 0.2};
}

/* ---------------------------------------------------- XGBoost's state */

/* XGBoost keeps its verbosity and its log callback per thread (1.7:
 * GlobalConfigThreadLocalStore, LogCallbackRegistryStore), and by
 * default prints warnings to stderr. The library never prints, so every
 * thread that enters XGBoost through this file silences it first, once:
 * the flag is per thread for that reason. */
static _Thread_local int quiet_done;

/* An XGBoost function: every entry point of this file has opened the
 * library (xgb_ready) before any call. */
#define XGB(name) (churn__xgb_lib_open(NULL)->name)

static void log_nothing(const char *msg) { (void)msg; }

/* Opens XGBoost's library (the first time) and silences it in this
 * thread: CHURN_OK, or CHURN_EIO with err saying it is missing. */
static int xgb_ready(churn_error *err)
{
    if (!churn__xgb_lib_open(err))
        return CHURN_EIO;
    if (quiet_done)
        return CHURN_OK;
    XGB(XGBSetGlobalConfig)("{\"verbosity\": 0}");
    XGB(XGBRegisterLogCallback)(log_nothing);
    quiet_done = 1;
    return CHURN_OK;
}

/* Fills err from XGBoost's last error (kept per thread): its first line,
 * without the "[hh:mm:ss] file:line: " prefix. A std::bad_alloc becomes
 * CHURN_ENOMEM, anything else code. */
static int xgb_fail(churn_error *err, int code, const char *what)
{
    const char *msg = XGB(XGBGetLastError)();
    if (!msg)
        msg = "";
    if (strstr(msg, "bad_alloc"))
        return churn__fail_nomem(err);
    if (msg[0] == '[') {
        const char *close = strchr(msg, ']');
        if (close)
            msg = close + 1 + (close[1] == ' ');
    }
    const char *colon = strstr(msg, ": ");
    const char *space = strchr(msg, ' ');
    if (colon && (!space || colon < space)) /* a "file:line: " prefix */
        msg = colon + 2;
    size_t len = strcspn(msg, "\n");
    while (len > 0 && (msg[len - 1] == ' ' || msg[len - 1] == ':'))
        len--; /* "Check failed: ... : " with no reason after it */
    return churn__fail(err, code, "xgboost: %s: %.*s", what, (int)len, msg);
}

/* XGBoost's free functions report NULL as an error (and overwrite the
 * thread's last error); these take NULL as a no-op. */
static void free_booster(BoosterHandle h)
{
    if (h)
        XGB(XGBoosterFree)(h);
}

static void free_dmatrix(DMatrixHandle m)
{
    if (m)
        XGB(XGDMatrixFree)(m);
}

/* Converts rows [0, n) of x (d columns) to float, the type XGBoost
 * reads; NaN stays NaN (missing). A value that is infinite or beyond
 * float's range is refused (CHURN_EINVAL), as XGBoost would read it as
 * infinity. */
static int to_floats(const double *x, size_t n, size_t d, size_t row0,
                     float *out, churn_error *err)
{
    for (size_t i = 0; i < n * d; i++) {
        double v = x[i];
        if (!isnan(v) && !(fabs(v) <= FLT_MAX))
            return churn__fail(err, CHURN_EINVAL, "xgboost: row %zu, "
                               "column %zu: %g is beyond float's range",
                               row0 + i / d + 1, i % d + 1, v);
        out[i] = (float)v;
    }
    return CHURN_OK;
}

/* ------------------------------------------------------------ training */

static int check_params(const churn__xgb_params *p, churn_error *err)
{
    const char *bad =
        p->max_rounds < 1 || p->max_rounds > 100000 ? "rounds (--trees) "
                                                      "must be 1..100000"
        : p->depth < 1 || p->depth > 64 ? "depth must be 1..64"
        : !(p->learning_rate > 0 && p->learning_rate <= 1)
            ? "learning rate must be in (0, 1]"
        : !(p->subsample > 0 && p->subsample <= 1)
            ? "subsample must be in (0, 1]"
        : !(p->colsample > 0 && p->colsample <= 1)
            ? "colsample must be in (0, 1]"
        : !(p->min_child_weight >= 0 && isfinite(p->min_child_weight))
            ? "min child weight must be >= 0"
        : !(p->lambda >= 0 && isfinite(p->lambda)) ? "lambda must be >= 0"
        : !(p->scale_pos_weight > 0 && isfinite(p->scale_pos_weight))
            ? "scale_pos_weight must be > 0"
        : p->threads < 1 || p->threads > 1024 ? "threads must be 1..1024"
        : p->early_stopping_rounds > 0 &&
                !(p->holdout > 0 && p->holdout <= 0.5)
            ? "hold-out fraction must be in (0, 0.5]"
            : NULL;
    return bad ? churn__fail(err, CHURN_EINVAL, "gbdt: %s", bad) : CHURN_OK;
}

static int set_param(BoosterHandle h, const char *name, double v,
                     churn_error *err)
{
    char text[40];
    snprintf(text, sizeof text, "%.17g", v);
    if (XGB(XGBoosterSetParam)(h, name, text) != 0)
        return xgb_fail(err, CHURN_EINVAL, name);
    return CHURN_OK;
}

/* A new booster with the training parameters of p, caching dm[0..n_dm). */
static int new_booster(const churn__xgb_params *p, DMatrixHandle *dm,
                       size_t n_dm, BoosterHandle *out, churn_error *err)
{
    if (XGB(XGBoosterCreate)(dm, n_dm, out) != 0)
        return xgb_fail(err, CHURN_ENUMERIC, "creating a booster");
    static const char *const fixed[][2] = {
        {"objective", "binary:logistic"}, {"tree_method", "hist"},
        {"verbosity", "0"}, {"base_score", "0.5"}};
    for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
        if (XGB(XGBoosterSetParam)(*out, fixed[i][0], fixed[i][1]) != 0)
            return xgb_fail(err, CHURN_EINVAL, fixed[i][0]);
    int rc = set_param(*out, "max_depth", (double)p->depth, err);
    if (!rc) rc = set_param(*out, "eta", p->learning_rate, err);
    if (!rc) rc = set_param(*out, "subsample", p->subsample, err);
    if (!rc) rc = set_param(*out, "colsample_bytree", p->colsample, err);
    if (!rc) rc = set_param(*out, "min_child_weight", p->min_child_weight,
                            err);
    if (!rc) rc = set_param(*out, "lambda", p->lambda, err);
    if (!rc) rc = set_param(*out, "scale_pos_weight", p->scale_pos_weight,
                            err);
    if (!rc) rc = set_param(*out, "nthread", (double)p->threads, err);
    /* XGBoost's seed is an int64: ours is passed in two's complement,
     * as text, since a double would round it. */
    char seed[32];
    snprintf(seed, sizeof seed, "%" PRId64, (int64_t)p->seed);
    if (!rc && XGB(XGBoosterSetParam)(*out, "seed", seed) != 0)
        rc = xgb_fail(err, CHURN_EINVAL, "seed");
    return rc;
}

/* A DMatrix of the rows listed in rows (all n rows when rows is NULL). */
static int make_dmatrix(const double *x, const double *y, size_t d,
                        const size_t *rows, size_t n, DMatrixHandle *out,
                        churn_error *err)
{
    /* n and d are at least 1 here */
    float *fx = malloc(n * d * sizeof *fx);
    float *fy = malloc(n * sizeof *fy);
    int rc = CHURN_OK;
    if (!fx || !fy) {
        rc = churn__fail_nomem(err);
        goto done;
    }
    for (size_t i = 0; i < n && !rc; i++) {
        size_t r = rows ? rows[i] : i;
        rc = to_floats(x + r * d, 1, d, r, fx + i * d, err);
        fy[i] = (float)y[r];
    }
    if (rc)
        goto done;
    if (XGB(XGDMatrixCreateFromMat)(fx, n, d, NAN, out) != 0) {
        rc = xgb_fail(err, CHURN_EINVAL, "reading the rows");
        goto done;
    }
    if (XGB(XGDMatrixSetFloatInfo)(*out, "label", fy, n) != 0)
        rc = xgb_fail(err, CHURN_EINVAL, "setting the labels");
done:
    free(fx);
    free(fy);
    return rc;
}

/* Splits [0, n) into training and held-out rows: in each class, the
 * first round(fraction * count) rows of a shuffle by mt19937(seed) are
 * held out, at most all but one. train and held get the row numbers in
 * increasing order; returns the number held out. */
static int split_rows(const double *y, size_t n, double fraction,
                      uint64_t seed, size_t *train, size_t *n_train,
                      size_t *held, size_t *n_held, churn_error *err)
{
    size_t *idx = malloc(n * sizeof *idx);
    unsigned char *is_held = calloc(n ? n : 1, 1);
    gsl_rng *rng = churn__rng_alloc();
    int rc = CHURN_OK;
    if (!idx || !is_held || !rng) {
        rc = churn__fail_nomem(err);
        goto done;
    }
    gsl_rng_set(rng, (unsigned long)seed);
    for (int cls = 0; cls < 2; cls++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if ((y[i] > 0.5) == cls)
                idx[m++] = i;
        gsl_ran_shuffle(rng, idx, m, sizeof *idx);
        size_t k = (size_t)floor(fraction * (double)m + 0.5);
        if (k >= m)
            k = m ? m - 1 : 0;
        for (size_t i = 0; i < k; i++)
            is_held[idx[i]] = 1;
    }
    *n_train = *n_held = 0;
    for (size_t i = 0; i < n; i++) {
        if (is_held[i])
            held[(*n_held)++] = i;
        else
            train[(*n_train)++] = i;
    }
done:
    gsl_rng_free(rng);
    free(idx);
    free(is_held);
    return rc;
}

/* Mean log loss of margins m against 0/1 labels of rows, in double. */
static double log_loss(const float *m, const double *y, const size_t *rows,
                       size_t n)
{
    double s = 0;
    for (size_t i = 0; i < n; i++) {
        double z = m[i], t = y[rows[i]] > 0.5 ? 1 : 0;
        /* log(1 + e^z) - t z, written to stay finite for large |z| */
        s += (z > 0 ? z + log1p(exp(-z)) : log1p(exp(z))) - t * z;
    }
    return s / (double)n;
}

/* Grows trees on dtrain, watching the log loss on dheld after each
 * round; returns the best round count in *best. */
static int early_stop(const churn__xgb_params *p, DMatrixHandle dtrain,
                      DMatrixHandle dheld, const double *y,
                      const size_t *held, size_t n_held, size_t *best,
                      double *best_loss, churn_error *err)
{
    DMatrixHandle cache[2] = {dtrain, dheld};
    BoosterHandle h = NULL;
    int rc = new_booster(p, cache, 2, &h, err);
    /* dheld is in the booster's cache: its margins are updated by one
     * tree per round, not recomputed. */
    static const char margin_cfg[] =
        "{\"type\": 1, \"training\": false, \"iteration_begin\": 0, "
        "\"iteration_end\": 0, \"strict_shape\": false}";
    *best = 0;
    *best_loss = INFINITY;
    for (size_t r = 0; !rc && r < p->max_rounds; r++) {
        const bst_ulong *shape;
        bst_ulong dim;
        const float *m;
        if (XGB(XGBoosterUpdateOneIter)(h, (int)r, dtrain) != 0) {
            rc = xgb_fail(err, CHURN_ENUMERIC, "training");
            break;
        }
        if (XGB(XGBoosterPredictFromDMatrix)(h, dheld, margin_cfg, &shape, &dim,
                                        &m) != 0) {
            rc = xgb_fail(err, CHURN_ENUMERIC, "held-out margins");
            break;
        }
        double loss = log_loss(m, y, held, n_held);
        if (loss < *best_loss) {
            *best_loss = loss;
            *best = r + 1;
        } else if (r + 1 - *best >= p->early_stopping_rounds) {
            break;
        }
    }
    free_booster(h);
    return rc;
}

static int boost(const churn__xgb_params *p, DMatrixHandle dm,
                 size_t rounds, BoosterHandle *out, churn_error *err)
{
    int rc = new_booster(p, &dm, 1, out, err);
    for (size_t r = 0; !rc && r < rounds; r++)
        if (XGB(XGBoosterUpdateOneIter)(*out, (int)r, dm) != 0)
            rc = xgb_fail(err, CHURN_ENUMERIC, "training");
    return rc;
}

static int check_labels(const double *y, size_t n, churn_error *err)
{
    size_t pos = 0;
    for (size_t i = 0; i < n; i++) {
        if (y[i] != 0 && y[i] != 1)
            return churn__fail(err, CHURN_EINVAL, "gbdt: label of row %zu "
                               "is %g, not 0 or 1", i + 1, y[i]);
        pos += y[i] == 1;
    }
    if (pos == 0 || pos == n)
        return churn__fail(err, CHURN_EINVAL, "gbdt: the training rows "
                           "hold one class only");
    return CHURN_OK;
}

static int adopt(BoosterHandle h, size_t d, const void *bytes, size_t len,
                 churn__xgb **out, churn_error *err);

int churn__xgb_fit(const churn__xgb_params *p, const double *x,
                   const double *y, size_t n, size_t d, churn__xgb **out,
                   churn__xgb_info *info, churn_error *err)
{
    churn__xgb_params defaults;
    if (!p) {
        churn__xgb_params_default(&defaults);
        p = &defaults;
    }
    *out = NULL;
    if (info)
        *info = (churn__xgb_info){0, 0, NAN};
    if (!x || !y || n == 0 || d == 0)
        return churn__fail(err, CHURN_EINVAL, "gbdt: no rows or no "
                           "features to train on");
    if (n > INT32_MAX || d > INT32_MAX)
        return churn__fail(err, CHURN_EINVAL, "gbdt: too many rows or "
                           "features");
    int rc = check_params(p, err);
    if (!rc)
        rc = check_labels(y, n, err);
    if (!rc)
        rc = xgb_ready(err);
    if (rc)
        return rc;
    size_t *train = malloc(n * sizeof *train);
    size_t *held = malloc(n * sizeof *held);
    DMatrixHandle dall = NULL, dtrain = NULL, dheld = NULL;
    BoosterHandle h = NULL;
    size_t n_train = n, n_held = 0, rounds = p->max_rounds;
    double loss = NAN;
    if (!train || !held) {
        rc = churn__fail_nomem(err);
        goto done;
    }
    if (p->early_stopping_rounds > 0)
        rc = split_rows(y, n, p->holdout, p->seed, train, &n_train, held,
                        &n_held, err);
    if (!rc && n_held > 0) {
        rc = make_dmatrix(x, y, d, train, n_train, &dtrain, err);
        if (!rc)
            rc = make_dmatrix(x, y, d, held, n_held, &dheld, err);
        if (!rc)
            rc = early_stop(p, dtrain, dheld, y, held, n_held, &rounds,
                            &loss, err);
    }
    if (!rc)
        rc = make_dmatrix(x, y, d, NULL, n, &dall, err);
    if (!rc)
        rc = boost(p, dall, rounds, &h, err);
    if (!rc) {
        bst_ulong len;
        const char *bytes;
        if (XGB(XGBoosterSaveModelToBuffer)(h, "{\"format\": \"ubj\"}", &len,
                                       &bytes) != 0)
            rc = xgb_fail(err, CHURN_ENUMERIC, "saving the booster");
        else
            rc = adopt(h, d, bytes, len, out, err);
        h = NULL; /* adopt took it, or freed it */
    }
    if (!rc && info)
        *info = (churn__xgb_info){rounds, n_held, loss};
done:
    free_booster(h);
    free_dmatrix(dall);
    free_dmatrix(dtrain);
    free_dmatrix(dheld);
    free(train);
    free(held);
    return rc;
}

/* ------------------------------------------------- boosters we hold */

static int predict_block(const churn__xgb *b, const float *fx, size_t n,
                         const float **m, churn_error *err);

/* Wraps h (of d features) with a copy of its bytes into a new *out; on
 * failure frees h. Prediction is set to one thread per call (callers
 * spread rows over their own threads), then one row is predicted: that
 * runs XGBoost's lazy configuration now, under its lock, so that callers
 * sharing *out later only read it. */
static int adopt(BoosterHandle h, size_t d, const void *bytes, size_t len,
                 churn__xgb **out, churn_error *err)
{
    churn__xgb *b = calloc(1, sizeof *b);
    unsigned char *copy = malloc(len ? len : 1);
    float *probe = malloc(d * sizeof *probe);
    int rc = CHURN_OK;
    int rounds = 0;
    if (!b || !copy || !probe) {
        rc = churn__fail_nomem(err);
        goto done;
    }
    memcpy(copy, bytes, len);
    *b = (churn__xgb){h, copy, len, d, 0};
    if (XGB(XGBoosterSetParam)(h, "nthread", "1") != 0 ||
        XGB(XGBoosterBoostedRounds)(h, &rounds) != 0) {
        rc = xgb_fail(err, CHURN_ENUMERIC, "preparing the booster");
        goto done;
    }
    b->rounds = (size_t)rounds;
    for (size_t j = 0; j < d; j++)
        probe[j] = NAN;
    const float *m;
    rc = predict_block(b, probe, 1, &m, err);
done:
    free(probe);
    if (rc) {
        free_booster(h);
        free(copy);
        free(b);
        return rc;
    }
    *out = b;
    return CHURN_OK;
}

void churn__xgb_free(churn__xgb *b)
{
    if (!b)
        return;
    free_booster(b->h);
    free(b->bytes);
    free(b);
}

size_t churn__xgb_rounds(const churn__xgb *b) { return b->rounds; }
size_t churn__xgb_n_features(const churn__xgb *b) { return b->d; }

const unsigned char *churn__xgb_bytes(const churn__xgb *b, size_t *len)
{
    *len = b->len;
    return b->bytes;
}

/* The objective name in a booster's JSON configuration, checked to be
 * binary:logistic: our margins are log-odds only for that one. */
static int check_objective(BoosterHandle h, churn_error *err)
{
    bst_ulong len;
    const char *text;
    if (XGB(XGBoosterSaveJsonConfig)(h, &len, &text) != 0)
        return xgb_fail(err, CHURN_EFORMAT, "reading the booster");
    json_t *cfg = json_loadb(text, len, 0, NULL);
    const char *name = json_string_value(json_object_get(
        json_object_get(json_object_get(cfg, "learner"), "objective"),
        "name"));
    int rc = CHURN_OK;
    if (!cfg)
        rc = churn__fail_nomem(err);
    else if (!name || strcmp(name, "binary:logistic") != 0)
        rc = churn__fail(err, CHURN_EFORMAT, "xgboost: the booster's "
                         "objective is '%s', not binary:logistic",
                         name ? name : "?");
    json_decref(cfg);
    return rc;
}

int churn__xgb_load(const void *bytes, size_t len, size_t d,
                    churn__xgb **out, churn_error *err)
{
    *out = NULL;
    if (!bytes || len == 0)
        return churn__fail(err, CHURN_EFORMAT, "xgboost: no booster bytes");
    if (d == 0 || d > INT32_MAX)
        return churn__fail(err, CHURN_EINVAL, "gbdt: bad feature count");
    int rc = churn__xgb_check_ubj(bytes, len, err);
    if (!rc)
        rc = xgb_ready(err);
    if (rc)
        return rc;
    BoosterHandle h = NULL;
    bst_ulong n_features = 0;
    if (XGB(XGBoosterCreate)(NULL, 0, &h) != 0)
        return xgb_fail(err, CHURN_ENUMERIC, "creating a booster");
    if (XGB(XGBoosterSetParam)(h, "verbosity", "0") != 0 ||
        XGB(XGBoosterLoadModelFromBuffer)(h, bytes, len) != 0)
        rc = xgb_fail(err, CHURN_EFORMAT, "cannot load the booster "
                      "(damaged, or not an XGBoost UBJSON model)");
    else if (XGB(XGBoosterGetNumFeature)(h, &n_features) != 0)
        rc = xgb_fail(err, CHURN_EFORMAT, "loading the booster");
    else if (n_features != d)
        rc = churn__fail(err, CHURN_EFORMAT, "xgboost: the booster has %"
                         PRIu64 " features, the model %zu",
                         (uint64_t)n_features, d);
    if (!rc)
        rc = check_objective(h, err);
    if (rc) {
        free_booster(h);
        return rc;
    }
    return adopt(h, d, bytes, len, out, err);
}

/* ---------------------------------------------------------- prediction */

/* Margins of n float rows by in-place prediction; *m points to XGBoost's
 * output for this thread and booster, valid until its next call here. */
static int predict_block(const churn__xgb *b, const float *fx, size_t n,
                         const float **m, churn_error *err)
{
    /* 1.7 requires "cache_id": 0 ("Invalid cast, from Null to Integer"
     * without it) and "missing". */
    static const char cfg[] =
        "{\"type\": 1, \"training\": false, \"iteration_begin\": 0, "
        "\"iteration_end\": 0, \"strict_shape\": false, \"cache_id\": 0, "
        "\"missing\": NaN}";
    char array[160];
    snprintf(array, sizeof array,
             "{\"data\": [%" PRIuPTR ", true], \"shape\": [%zu, %zu], "
             "\"typestr\": \"<f4\", \"version\": 3}",
             (uintptr_t)fx, n, b->d);
    const bst_ulong *shape;
    bst_ulong dim;
    if (XGB(XGBoosterPredictFromDense)(b->h, array, cfg, NULL, &shape, &dim, m)
        != 0)
        return xgb_fail(err, CHURN_ENUMERIC, "predicting");
    if (dim < 1 || shape[0] != n)
        return churn__fail(err, CHURN_ENUMERIC, "xgboost: predicting: "
                           "unexpected output shape");
    return CHURN_OK;
}

int churn__xgb_margins(const churn__xgb *b, const double *x, size_t n,
                       double *out, churn_error *err)
{
    if (n == 0)
        return CHURN_OK;
    if (xgb_ready(err)) /* open already: the booster was made by it */
        return CHURN_EIO;
    size_t block = n < BLOCK_ROWS ? n : BLOCK_ROWS;
    float small[SMALL_FLOATS];
    float *fx = float_rows(block, b->d, small);
    if (!fx)
        return churn__fail_nomem(err);
    int rc = CHURN_OK;
    for (size_t i0 = 0; i0 < n && !rc; i0 += block) {
        size_t k = n - i0 < block ? n - i0 : block;
        const float *m;
        rc = to_floats(x + i0 * b->d, k, b->d, i0, fx, err);
        if (!rc)
            rc = predict_block(b, fx, k, &m, err);
        for (size_t i = 0; !rc && i < k; i++)
            out[i0 + i] = m[i];
    }
    if (fx != small)
        free(fx);
    return rc;
}

int churn__xgb_contributions(const churn__xgb *b, const double *x, size_t n,
                             double *out, churn_error *err)
{
    if (n == 0)
        return CHURN_OK;
    if (xgb_ready(err)) /* open already: the booster was made by it */
        return CHURN_EIO;
    static const char cfg[] =
        "{\"type\": 2, \"training\": false, \"iteration_begin\": 0, "
        "\"iteration_end\": 0, \"strict_shape\": false}";
    size_t d = b->d, block = n < BLOCK_ROWS ? n : BLOCK_ROWS;
    float small[SMALL_FLOATS];
    float *fx = float_rows(block, d, small);
    if (!fx)
        return churn__fail_nomem(err);
    int rc = CHURN_OK;
    for (size_t i0 = 0; i0 < n && !rc; i0 += block) {
        size_t k = n - i0 < block ? n - i0 : block;
        DMatrixHandle dm = NULL;
        const bst_ulong *shape;
        bst_ulong dim;
        const float *c;
        rc = to_floats(x + i0 * d, k, d, i0, fx, err);
        if (!rc && XGB(XGDMatrixCreateFromMat)(fx, k, d, NAN, &dm) != 0)
            rc = xgb_fail(err, CHURN_ENUMERIC, "contributions");
        if (!rc && XGB(XGBoosterPredictFromDMatrix)(b->h, dm, cfg, &shape, &dim,
                                               &c) != 0)
            rc = xgb_fail(err, CHURN_ENUMERIC, "contributions");
        if (!rc && (dim != 2 || shape[0] != k || shape[1] != d + 1))
            rc = churn__fail(err, CHURN_ENUMERIC, "xgboost: contributions: "
                             "unexpected output shape");
        for (size_t i = 0; !rc && i < k * (d + 1); i++)
            out[i0 * (d + 1) + i] = c[i];
        free_dmatrix(dm);
    }
    if (fx != small)
        free(fx);
    return rc;
}
