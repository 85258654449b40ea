/* eval_json.c - the evaluation report as JSON (docs/REPORT_JSON.md) and
 * the regression gate that compares a report with a baseline JSON. */
#include "ml/eval.h"
#include "ml/survival_eval.h"

#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SCHEMA_NAME "churn-eval"
#define SCHEMA_VERSION 1

/* Figures that are counts print as JSON integers. */
static int is_count(int k)
{
    return k == CHURN__E_ROWS || k == CHURN__E_POSITIVES ||
           k == CHURN__E_TP || k == CHURN__E_FP || k == CHURN__E_TN ||
           k == CHURN__E_FN || k == CHURN__E_BEST_TARGETED;
}

/* A number, or null for NaN (JSON has no NaN). */
static json_t *number(double x, int integer)
{
    if (!isfinite(x))
        return json_null();
    return integer ? json_integer((json_int_t)x) : json_real(x);
}

/* Sets key of obj, stealing value; 0 on success. */
static int put(json_t *obj, const char *key, json_t *value)
{
    return value ? json_object_set_new(obj, key, value) : -1;
}

static json_t *metrics_object(const double *m)
{
    json_t *o = json_object();
    for (int k = 0; o && k < CHURN__E_COUNT; k++)
        if (put(o, churn__eval_names[k], number(m[k], is_count(k)))) {
            json_decref(o);
            return NULL;
        }
    return o;
}

static json_t *tables_json(const churn_eval *e, json_t *root)
{
    json_t *dec = json_array(), *cal = json_array();
    int bad = !dec || !cal;
    for (size_t d = 0; !bad && d < CHURN__EVAL_BINS; d++) {
        size_t rows, pos;
        double lift, gain, mean, observed;
        churn_eval_decile(e, d, &rows, &pos, &lift, &gain);
        bad |= json_array_append_new(dec, json_pack(
            "{s:I, s:I, s:I, s:o, s:o}", "decile", (json_int_t)d + 1,
            "rows", (json_int_t)rows, "positives", (json_int_t)pos, "lift",
            number(lift, 0), "cumulative_gains", number(gain, 0)));
        churn_eval_calibration(e, d, &rows, &mean, &observed);
        bad |= json_array_append_new(cal, json_pack(
            "{s:f, s:f, s:I, s:o, s:o}", "low", (double)d / 10, "high",
            (double)(d + 1) / 10, "rows", (json_int_t)rows,
            "mean_predicted", number(mean, 0), "observed",
            number(observed, 0)));
    }
    json_t *imp = json_array();
    bad |= !imp;
    for (size_t j = 0; !bad && j < e->n_imp; j++)
        bad |= json_array_append_new(imp, json_pack(
            "{s:s, s:o, s:o}", "feature", e->imp_names[j], "coefficient",
            number(e->imp_coef[j], 0), "permutation_auc_drop",
            number(e->imp_perm[j], 0)));
    /* Mean |SHAP|, where the family has exact Shapley values (gbdt). */
    for (size_t j = 0; !bad && e->imp_shap && j < e->n_imp; j++)
        bad |= json_object_set_new(json_array_get(imp, j), "mean_abs_shap",
                                   number(e->imp_shap[j], 0)) != 0;
    bad |= put(root, "importance", imp);
    bad |= put(root, "deciles", dec);
    bad |= put(root, "calibration", cal);
    return bad ? NULL : root;
}

/* The segment section: customers, labelled, churned and churn rate per
 * level of each grouping. */
static json_t *segments_json(const churn__eval_segments *s)
{
    static const char *const sources[] = {"none", "evaluated", "history"};
    json_t *groups = json_array();
    int bad = !groups;
    for (size_t g = 0; !bad && g < s->n_groups; g++) {
        const churn__eval_group *u = &s->group[g];
        json_t *levels = json_array();
        bad |= !levels;
        for (size_t k = 0; !bad && k < u->n; k++)
            bad |= json_array_append_new(levels, json_pack(
                "{s:s, s:o, s:o, s:o, s:o}", "level", u->level[k],
                "customers", number(u->customers[k], 1), "labelled",
                number(u->labelled[k], 1), "churned",
                number(u->churned[k], 1), "churn_rate",
                number(u->labelled[k] > 0 ? u->churned[k] / u->labelled[k]
                                          : NAN, 0)));
        bad |= json_array_append_new(groups, json_pack(
            "{s:s, s:o}", "column", u->column, "levels", levels));
    }
    if (bad) {
        json_decref(groups);
        return NULL;
    }
    return json_pack("{s:I, s:s, s:o, s:o}", "customers",
                     (json_int_t)s->customers, "labels", sources[s->labels],
                     "matched", s->labels == CHURN__SEG_EVALUATED
                                    ? json_integer((json_int_t)s->matched)
                                    : json_null(),
                     "groups", groups);
}

/* The KPIs (start and end as dates) and the cohort table. */
static json_t *kpi_json(const churn__eval_cohorts *c)
{
    json_t *o = json_object(), *rows = json_array();
    int bad = !o || !rows;
    for (size_t j = 0; !bad && j < CHURN__EVAL_KPIS; j++) {
        const char *name = churn__eval_kpi_names[j];
        char date[16];
        if (j < 2) { /* "start", "end" */
            churn_format_date(c->kpi[j], date, sizeof date);
            bad |= put(o, name, json_string(date));
        } else {
            bad |= put(o, name, number(c->kpi[j], j < 6));
        }
    }
    for (size_t i = 0; !bad && i < c->n_cohorts; i++) {
        json_t *cells = json_array();
        bad |= !cells;
        for (size_t m = 0; !bad && m < c->n_months; m++)
            bad |= json_array_append_new(
                cells, number(c->retention[i * c->n_months + m], 0));
        bad |= json_array_append_new(rows, json_pack(
            "{s:s, s:I, s:o}", "cohort", c->cohort[i], "size",
            (json_int_t)c->size[i], "retention", cells));
    }
    bad |= put(o, "cohorts", rows);
    if (bad) {
        json_decref(o);
        return NULL;
    }
    return o;
}

/* The drift section: {"rows", "reference_rows", "inputs": [{"name",
 * "psi"}, ...] by PSI, largest first, "score": {"psi"}}. */
static json_t *drift_json(const churn__eval_drift *d)
{
    json_t *inputs = json_array();
    int bad = !inputs;
    for (size_t r = 0; !bad && r < d->n; r++)
        bad |= json_array_append_new(inputs, json_pack(
            "{s:s, s:f}", "name", d->name[r], "psi", d->psi[r]));
    if (bad) {
        json_decref(inputs);
        return NULL;
    }
    return json_pack("{s:I, s:I, s:o, s:{s:f}}", "rows",
                     (json_int_t)d->rows, "reference_rows",
                     (json_int_t)d->reference_rows, "inputs", inputs,
                     "score", "psi", d->score_psi);
}

/* A Kaplan-Meier curve: one object per step (churn time). */
static json_t *km_json(const churn__steps *k, int with_variance)
{
    json_t *a = json_array();
    for (size_t i = 0; a && i < k->n; i++) {
        json_t *o = json_pack("{s:o, s:o, s:o, s:o}", "time",
                              number(k->time[i], 0), "at_risk",
                              number(k->at_risk[i], 1), "churned",
                              number(k->events[i], 1), "survival",
                              number(k->value[i], 0));
        if (o && with_variance &&
            put(o, "variance", number(k->var[i], 0))) {
            json_decref(o);
            o = NULL;
        }
        if (json_array_append_new(a, o)) {
            json_decref(a);
            return NULL;
        }
    }
    return a;
}

static json_t *horizon_json(const churn__surv_horizon *h)
{
    json_t *cal = json_array();
    for (size_t g = 0; cal && g < CHURN__SURV_GROUPS; g++)
        if (json_array_append_new(cal, json_pack(
                "{s:I, s:I, s:o, s:o}", "group", (json_int_t)g + 1, "rows",
                (json_int_t)h->cal_rows[g], "mean_predicted",
                number(h->cal_mean[g], 0), "km_observed",
                number(h->cal_observed[g], 0)))) {
            json_decref(cal);
            return NULL;
        }
    return json_pack("{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
                     "horizon", number(h->horizon, 0), "td_auc",
                     number(h->td_auc, 0), "brier", number(h->brier, 0),
                     "km_churn", number(h->km_churn, 0), "mean_predicted",
                     number(h->mean_predicted, 0), "calibration_error",
                     number(h->calibration_error, 0), "cases",
                     number(h->cases, 1), "controls",
                     number(h->controls, 1), "calibration", cal);
}

/* The survival section (docs/SURVIVAL_EVAL.md). */
static json_t *survival_json(const churn_survival_eval *s)
{
    json_t *hs = json_array(), *tiers = json_array();
    int bad = !hs || !tiers;
    for (size_t j = 0; !bad && j < s->k; j++)
        bad |= json_array_append_new(hs, horizon_json(&s->h[j]));
    for (size_t t = 0; !bad && t < s->n_tiers; t++)
        bad |= json_array_append_new(tiers, json_pack(
            "{s:s, s:I, s:I, s:o}", "tier", s->tier[t].name, "rows",
            (json_int_t)s->tier[t].rows, "churned",
            (json_int_t)s->tier[t].events, "km",
            km_json(&s->tier[t].km, 0)));
    if (bad) {
        json_decref(hs);
        json_decref(tiers);
        return NULL;
    }
    return json_pack("{s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o}",
                     "rows", (json_int_t)s->n, "churned",
                     (json_int_t)s->events, "c_index",
                     number(s->c_index, 0), "comparable_pairs",
                     number(s->comparable, 1), "concordant_pairs",
                     number(s->concordant, 1), "tied_risk_pairs",
                     number(s->tied_risk, 1), "horizons", hs, "km",
                     km_json(&s->km, 1), "tiers", tiers);
}

/* The training setup: numbers as JSON numbers (whole ones as integers),
 * the rest as strings. */
static json_t *training_json(const churn_eval *e)
{
    json_t *o = json_object();
    for (size_t i = 0; o && i < e->n_train; i++) {
        double v = e->train_num[i];
        int whole = isfinite(v) && v == floor(v) && fabs(v) < 9.0e15;
        if (put(o, e->train[2 * i], isnan(v) ? json_string(e->train[2 * i + 1])
                                             : number(v, whole))) {
            json_decref(o);
            return NULL;
        }
    }
    return o;
}

static json_t *report_json(const churn_eval *e)
{
    char reading[512];
    churn__eval_reading(e, reading, sizeof reading);
    json_t *root = json_object(), *info = json_object();
    json_t *features = json_array();
    int bad = !root || !info || !features;
    bad |= put(root, "schema", json_string(SCHEMA_NAME));
    bad |= put(root, "version", json_integer(SCHEMA_VERSION));
    bad |= put(root, "library", json_string(churn_version()));
    for (size_t i = 0; !bad && i < e->n_info; i++)
        bad |= put(info, e->info[2 * i], json_string(e->info[2 * i + 1]));
    for (size_t i = 0; !bad && i < e->n_features; i++)
        bad |= json_array_append_new(features, json_string(e->features[i]));
    bad |= put(root, "info", info);
    bad |= put(root, "training", training_json(e));
    bad |= put(root, "reading", json_string(reading));
    bad |= put(root, "features", features);
    bad |= put(root, "metrics", metrics_object(e->metrics));
    bad |= put(root, "bootstrap", json_pack("{s:I, s:I, s:f}", "resamples",
        (json_int_t)e->boot_resamples, "seed", (json_int_t)e->boot_seed,
        "level", e->ci_level));
    if (e->n_folds)
        bad |= put(root, "folds", json_pack("{s:I, s:o, s:o}", "k",
            (json_int_t)e->n_folds, "mean", metrics_object(e->fold_mean),
            "sd", metrics_object(e->fold_sd)));
    else
        bad |= put(root, "folds", json_null());
    if (e->segments)
        bad |= put(root, "segments", segments_json(e->segments));
    if (e->cohorts)
        bad |= put(root, "kpi", kpi_json(e->cohorts));
    if (e->drift)
        bad |= put(root, "drift", drift_json(e->drift));
    if (e->survival)
        bad |= put(root, "survival", survival_json(e->survival));
    if (e->board.n)
        bad |= put(root, "leaderboard", churn__eval_json_board(e));
    if (bad || !tables_json(e, root)) {
        json_decref(root);
        return NULL;
    }
    return root;
}

/* Writes jansson's text with every real number in its shortest
 * round-trip form: jansson writes %.17g (0.80000000000000004 for 0.8).
 * Numbers are the runs of [-+.0-9eE] outside strings; integers stay as
 * they are, reals keep a point or exponent (0.8, 1.0, 1e-05). */
int churn__json_put_shortest(FILE *f, const char *text)
{
    int in_string = 0;
    for (const char *p = text; *p; p++) {
        if (in_string) {
            if (*p == '\\' && p[1]) { /* the escaped byte goes as is */
                if (fputc(*p++, f) == EOF)
                    return -1;
            } else {
                in_string = *p != '"';
            }
        } else if (*p == '"') {
            in_string = 1;
        } else if (*p == '-' || (*p >= '0' && *p <= '9')) {
            size_t n = strspn(p, "+-.0123456789eE");
            if (strcspn(p, ".eE") < n) {
                char num[CHURN__NUM_BUF];
                churn__format_double(strtod(p, NULL), num);
                if (fputs(num, f) == EOF ||
                    (!strpbrk(num, ".e") && fputs(".0", f) == EOF))
                    return -1;
            } else if (fwrite(p, 1, n, f) != n) {
                return -1;
            }
            p += n - 1;
            continue;
        }
        if (fputc(*p, f) == EOF)
            return -1;
    }
    return 0;
}

int churn__json_write_file(json_t *root, size_t flags, const char *path,
                           churn_error *err)
{
    char *text = root ? json_dumps(root, JSON_INDENT(2) |
                                             JSON_REAL_PRECISION(17) | flags)
                      : NULL;
    json_decref(root);
    if (!text)
        return churn__fail_nomem(err);
    churn__afile *f;
    int rc = churn__afile_open(path, &f, err);
    if (rc == CHURN_OK) {
        FILE *s = churn__afile_stream(f);
        if (churn__json_put_shortest(s, text) || fputc('\n', s) == EOF) {
            churn__afile_abort(f);
            rc = churn__fail(err, CHURN_EIO, "%s: write failed", path);
        } else {
            rc = churn__afile_commit(f, err);
        }
    }
    free(text);
    return rc;
}

int churn_eval_write_json(const churn_eval *e, const char *path,
                          churn_error *err)
{
    if (!e || !path)
        return churn__fail(err, CHURN_EINVAL, "churn_eval_write_json: null "
                           "argument");
    return churn__json_write_file(report_json(e), 0, path, err);
}

/* Appends a line to reasons (bounded; truncated quietly when full). */
static void say(char *reasons, size_t size, const char *fmt, ...)
    CHURN__PRINTF(3, 4);
static void say(char *reasons, size_t size, const char *fmt, ...)
{
    if (!reasons || size == 0)
        return;
    size_t used = strlen(reasons);
    if (used + 1 >= size)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(reasons + used, size - used, fmt, ap);
    va_end(ap);
    used = strlen(reasons);
    if (used + 1 < size) {
        reasons[used] = '\n';
        reasons[used + 1] = '\0';
    }
}

/* Whether e's feature list equals the baseline's; says how it differs. */
static size_t check_features(const churn_eval *e, json_t *base,
                             char *reasons, size_t size)
{
    json_t *list = json_object_get(base, "features");
    size_t n = json_array_size(list);
    const char *missing = NULL, *added = NULL;
    for (size_t i = 0; i < n && !missing; i++) {
        const char *name = json_string_value(json_array_get(list, i));
        size_t j = 0;
        while (j < e->n_features && (!name || strcmp(e->features[j], name)))
            j++;
        if (j == e->n_features)
            missing = name ? name : "?";
    }
    for (size_t j = 0; j < e->n_features && !added; j++) {
        size_t i = 0;
        for (; i < n; i++) {
            const char *name = json_string_value(json_array_get(list, i));
            if (name && strcmp(e->features[j], name) == 0)
                break;
        }
        if (i == n)
            added = e->features[j];
    }
    if (!missing && !added && n == e->n_features)
        return 0;
    char detail[300] = "";
    if (missing)
        snprintf(detail, sizeof detail, "; missing '%.120s'", missing);
    if (added)
        snprintf(detail + strlen(detail), sizeof detail - strlen(detail),
                 "; new '%.120s'", added);
    say(reasons, size, "features differ: baseline has %zu, now %zu%s", n,
        e->n_features, detail);
    return 1;
}

/* Compares one named figure; returns 1 when it got worse beyond max_drop. */
static int check_metric(const churn_eval *e, json_t *base_metrics, int k,
                        double max_drop, char *reasons, size_t size,
                        const char *path, churn_error *err, int *rc)
{
    const char *name = churn__eval_names[k];
    json_t *v = json_object_get(base_metrics, name);
    if (!json_is_number(v)) {
        *rc = churn__fail_at(err, CHURN_EFORMAT, path, 0, 0, "baseline has "
                             "no number for metric '%s'", name);
        return 0;
    }
    double base = json_number_value(v), now = e->metrics[k];
    double worse = churn__eval_direction[k] > 0 ? base - now : now - base;
    if (!isnan(now) && !(worse > max_drop))
        return 0;
    say(reasons, size, "%s %s by %.4f (baseline %.4f, now %.4f; allowed "
        "%.4f)", name, churn__eval_direction[k] > 0 ? "dropped" : "rose",
        worse, base, now, max_drop);
    return 1;
}

/* Reads and checks the baseline's schema. */
static int load_baseline(const char *path, json_t **out, churn_error *err)
{
    json_error_t jerr;
    json_t *base = json_load_file(path, JSON_REJECT_DUPLICATES, &jerr);
    if (!base) {
        int code = jerr.line < 0 ? CHURN_EIO : CHURN_EPARSE;
        return churn__fail_at(err, code, path,
                              jerr.line > 0 ? (size_t)jerr.line : 0,
                              jerr.column > 0 ? (size_t)jerr.column : 0,
                              "%s", jerr.text);
    }
    const char *schema = json_string_value(json_object_get(base, "schema"));
    json_t *version = json_object_get(base, "version");
    int rc = CHURN_OK;
    if (!schema || strcmp(schema, SCHEMA_NAME) || !json_is_integer(version) ||
        json_integer_value(version) < 1)
        rc = churn__fail_at(err, CHURN_EFORMAT, path, 0, 0, "not a "
                            "churn-eval report (no \"schema\": \"churn-eval\" "
                            "and version)");
    else if (json_integer_value(version) > SCHEMA_VERSION)
        rc = churn__fail_at(err, CHURN_EVERSION, path, 0, 0, "report version "
                            "%lld is newer than this library's %d; upgrade "
                            "churn", (long long)json_integer_value(version),
                            SCHEMA_VERSION);
    if (rc != CHURN_OK) {
        json_decref(base);
        return rc;
    }
    *out = base;
    return CHURN_OK;
}

int churn_eval_gate(const churn_eval *e, const char *baseline_path,
                    const char *metrics, double max_drop, size_t *failed,
                    char *reasons, size_t size, churn_error *err)
{
    if (!e || !baseline_path || !failed || !(max_drop >= 0))
        return churn__fail(err, CHURN_EINVAL, "churn_eval_gate: bad "
                           "argument");
    *failed = 0;
    if (reasons && size)
        reasons[0] = '\0';
    json_t *base = NULL;
    int rc = load_baseline(baseline_path, &base, err);
    if (rc != CHURN_OK)
        return rc;
    json_t *base_metrics = json_object_get(base, "metrics");
    const char *p = metrics ? metrics : "auc";
    while (rc == CHURN_OK && *p) {
        size_t len = strcspn(p, ",");
        char name[64];
        if (len == 0 || len >= sizeof name) {
            rc = churn__fail(err, CHURN_EINVAL, "bad metric list '%s'",
                             metrics);
            break;
        }
        memcpy(name, p, len);
        name[len] = '\0';
        int k = churn__eval_index(name);
        if (k < 0 || churn__eval_direction[k] == 0)
            rc = churn__fail(err, CHURN_EINVAL, "'%s' is not a metric the "
                             "gate can compare (auc, pr_auc, log_loss, "
                             "brier, ece, f1, ...)", name);
        else
            *failed += (size_t)check_metric(e, base_metrics, k, max_drop,
                                            reasons, size, baseline_path,
                                            err, &rc);
        p += len + (p[len] == ',');
    }
    if (rc == CHURN_OK)
        *failed += check_features(e, base, reasons, size);
    json_decref(base);
    return rc;
}
