/* test_drift.c - drift references and the population stability index:
 * decile edges, the model file's drift section, and PSI values checked
 * against a direct computation from counts made here. */
#include "testutil.h"

#include "ml/psi.h"
#include "models/drift.h"
#include "models/model.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define N 1000
#define FLOOR 1e-4

/* What a data set of the tests looks like. */
typedef struct shape {
    double shift;       /* added to x */
    size_t missing_every; /* x missing in rows i % it == 0; 0: never */
    int a, b;           /* tenths of rows on plan "a", then "b"; "c" rest */
    int levels_reversed; /* plan's level codes made in the order c, b, a */
    size_t rows;        /* 0: N */
} shape;

/* x = i (+ shift), z = (7 i) mod 13 (ties: merged decile edges), plan by
 * i mod 10; churn likelier with larger x mod N. Deterministic. */
static churn_dataset *make(const shape *s)
{
    static const char *const order[2][3] = {{"a", "b", "c"},
                                            {"c", "b", "a"}};
    churn_dataset *ds = churn_dataset_new(3);
    double code[3];
    assert_non_null(ds);
    assert_int_equal(churn_dataset_set_column(ds, 0, "x", CHURN_NUMERIC,
                                              NULL), CHURN_OK);
    assert_int_equal(churn_dataset_set_column(ds, 1, "z", CHURN_NUMERIC,
                                              NULL), CHURN_OK);
    assert_int_equal(churn_dataset_set_column(ds, 2, "plan",
                                              CHURN_CATEGORICAL, NULL),
                     CHURN_OK);
    assert_int_equal(churn_dataset_set_label_name(ds, "churned", NULL),
                     CHURN_OK);
    for (int k = 0; k < 3; k++) {
        const char *t = order[s->levels_reversed][k];
        assert_int_equal(churn_dataset_level_code(ds, 2, t,
                                                  &code[t[0] - 'a'], NULL),
                         CHURN_OK);
    }
    for (size_t i = 0; i < (s->rows ? s->rows : N); i++) {
        int tenth = (int)(i % 10);
        double v[3] = {(double)i + s->shift, (double)((7 * i) % 13),
                       code[tenth < s->a ? 0 : tenth < s->a + s->b ? 1 : 2]};
        if (s->missing_every && i % s->missing_every == 0)
            v[0] = NAN;
        double y = (double)((i * 7919) % 1000) < 250.0 + (double)(i % N) / 4;
        assert_int_equal(churn_dataset_add_row(ds, NULL, v, y, NULL),
                         CHURN_OK);
    }
    return ds;
}

static const shape TRAINING = {0, 0, 5, 3, 0, 0};

static churn_model *train_on(const shape *s)
{
    churn_dataset *ds = make(s);
    churn_train_opts *o = churn_train_opts_new();
    churn_model *m = NULL;
    churn_error err;
    churn_train_opts_set_validation(o, 0);
    int rc = churn_train(ds, o, &m, &err);
    if (rc != CHURN_OK)
        fail_msg("%s", err.message);
    churn_train_opts_free(o);
    churn_dataset_free(ds);
    return m;
}

static churn_model *train(void) { return train_on(&TRAINING); }

static churn_drift *measure(const churn_model *m, const shape *s)
{
    churn_dataset *ds = make(s);
    churn_drift *d = NULL;
    churn_error err;
    int rc = churn_drift_measure(m, ds, NULL, &d, &err);
    if (rc != CHURN_OK)
        fail_msg("%s", err.message);
    churn_dataset_free(ds);
    return d;
}

/* The PSI of an input by name, and its rank. */
static double psi_of(const churn_drift *d, const char *name, size_t *rank)
{
    for (size_t r = 0; r < churn_drift_n_inputs(d); r++)
        if (strcmp(churn_drift_input_name(d, r), name) == 0) {
            if (rank)
                *rank = r;
            return churn_drift_input_psi(d, r);
        }
    fail_msg("no input %s", name);
    return NAN;
}

/* The index written out: sum (a - e) ln(a / e), shares floored. */
static double direct_psi(const double *e, const double *a, size_t n)
{
    double sum = 0;
    for (size_t b = 0; b < n; b++) {
        double ee = e[b] < FLOOR ? FLOOR : e[b];
        double aa = a[b] < FLOOR ? FLOOR : a[b];
        sum += (aa - ee) * log(aa / ee);
    }
    return sum;
}

/* The shares of x = i + shift (i = 0..N-1; every k-th missing) in the
 * bins of the edges 99, 199, ..., 899 (the training deciles of 0..999),
 * counted here by comparison, and the missing share last. */
static void x_shares(double shift, size_t missing_every, double *a)
{
    memset(a, 0, 11 * sizeof *a);
    for (size_t i = 0; i < N; i++) {
        double v = (double)i + shift;
        size_t b = 0;
        if (missing_every && i % missing_every == 0)
            b = 10;
        else
            while (b < 9 && v > 100.0 * (double)(b + 1) - 1)
                b++;
        a[b] += 1.0 / N;
    }
}

static void test_decile_edges_merge_ties(void **state)
{
    (void)state;
    double v[10] = {0, 0, 0, 0, 0, 0, 1, 1, 1, 1}, e[CHURN__DECILES];
    /* ceil(q 10 / 10) - 1 = q - 1: edges v[0..8] = six 0s, three 1s. */
    assert_int_equal(churn__decile_edges(v, 10, e), 2);
    assert_true(e[0] == 0 && e[1] == 1);
    assert_int_equal(churn__edge_bin(e, 2, 0), 0);   /* (-inf, 0] */
    assert_int_equal(churn__edge_bin(e, 2, 0.5), 1); /* (0, 1] */
    assert_int_equal(churn__edge_bin(e, 2, 1), 1);
    assert_int_equal(churn__edge_bin(e, 2, 7), 2);   /* above the last */
    assert_int_equal(churn__decile_edges(v, 0, e), 0);
    double w[3] = {1, 2, 3}; /* ceil(0.3 q) - 1: 0,0,0,1,1,1,2,2,2 */
    assert_int_equal(churn__decile_edges(w, 3, e), 3);
    assert_true(e[0] == 1 && e[1] == 2 && e[2] == 3);
    /* An empty bin counts as the floor's share: 0.1 ln(0.1 / 1e-4). */
    assert_near(churn__psi_term(0, 0.1, FLOOR),
                (0.1 - 1e-4) * log(0.1 / 1e-4), 1e-15);
    assert_near(churn__psi_term(0, 0, FLOOR), 0, 0);
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The selection gives the edges a whole sort gives, on shuffled data with
 * many ties and on every small size. */
static void test_decile_edges_by_selection_equal_sorting(void **state)
{
    (void)state;
    enum { M = 5003 };
    static double v[M], s[M];
    uint64_t x = 88172645463325252u;
    for (size_t n = 0; n < M; n = n < 40 ? n + 1 : n * 3 + 1) {
        for (int levels = 3; levels <= 1 << 20; levels <<= 5) {
            for (size_t i = 0; i < n; i++) { /* xorshift64 */
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                v[i] = s[i] = (double)(x % (uint64_t)levels) - 1.5;
            }
            qsort(s, n, sizeof *s, cmp);
            double want[CHURN__DECILES], got[CHURN__DECILES];
            size_t k = 0;
            for (size_t q = 1; n && q <= 9; q++) {
                double e = s[(size_t)ceil((double)q * (double)n / 10) - 1];
                if (k == 0 || e > want[k - 1])
                    want[k++] = e;
            }
            assert_int_equal(churn__decile_edges(v, n, got), k);
            for (size_t q = 0; q < k; q++)
                assert_true(got[q] == want[q]);
        }
    }
}

/* The counts churn__decile_bins takes from the selection are those of
 * binning every value: smooth values, many ties, and far outliers that
 * make the selection narrow in more than one round, at sizes below and
 * above where it starts narrowing. */
static void test_decile_bins_count_every_value(void **state)
{
    (void)state;
    enum { M = 40000 };
    static double v[M], copy[M];
    uint64_t x = 2463534242u;
    for (size_t n = 0; n < M; n = n < 40 ? n + 1 : n * 3 + 1) {
        for (int shape = 0; shape < 3; shape++) {
            for (size_t i = 0; i < n; i++) { /* xorshift64 */
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                v[i] = shape == 1 ? (double)(x % 7)
                                  : (double)(x % 1000003) / 7.0;
                if (shape == 2 && i % 997 == 5) /* far outliers */
                    v[i] = i % 2 ? 1e300 : -1e290;
                copy[i] = v[i];
            }
            double edges[CHURN__DECILES];
            size_t tally[CHURN__DECILES + 1], want[CHURN__DECILES + 1] = {0};
            size_t k = churn__decile_bins(v, n, edges, tally);
            for (size_t i = 0; i < n; i++)
                want[churn__edge_bin(edges, k, copy[i])]++;
            for (size_t b = 0; b <= k; b++)
                assert_int_equal(tally[b], want[b]);
        }
    }
}

static void test_references_are_the_training_deciles(void **state)
{
    (void)state;
    churn_model *m = train();
    assert_true(churn_drift_has_references(m));
    const churn__drift_ref *r = m->drift;
    assert_true(r->rows == N);
    const churn__drift_col *x = &r->input[0];
    assert_int_equal(x->n_edges, 9);
    for (size_t q = 1; q <= 9; q++) /* sorted[100 q - 1] = 100 q - 1 */
        assert_true(x->edges[q - 1] == 100.0 * (double)q - 1);
    for (size_t b = 0; b < 10; b++)
        assert_true(x->count[b] == 100);
    assert_true(x->count[11] == 0); /* none missing */
    const churn__drift_col *plan = &r->input[2];
    assert_true(plan->categorical && plan->n_bins == 3);
    assert_true(plan->count[0] == 500 && plan->count[1] == 300 &&
                plan->count[2] == 200);
    /* z = 7 i mod 13 takes 13 values: the deciles hold ties, merged. */
    const churn__drift_col *z = &r->input[1];
    for (size_t k = 1; k < z->n_edges; k++)
        assert_true(z->edges[k] > z->edges[k - 1]);
    churn_model_free(m);
}

static void test_training_rows_scored_again_do_not_drift(void **state)
{
    (void)state;
    churn_model *m = train();
    churn_drift *d = measure(m, &TRAINING);
    assert_int_equal(churn_drift_n_inputs(d), 3);
    assert_int_equal(churn_drift_n_rows(d), N);
    assert_int_equal(churn_drift_n_reference_rows(d), N);
    for (size_t r = 0; r < 3; r++)
        assert_true(churn_drift_input_psi(d, r) < 0.01);
    assert_true(churn_drift_score_psi(d) < 0.01);
    churn_drift_free(d);
    churn_model_free(m);
}

static void test_one_sd_shift_is_major_and_first(void **state)
{
    (void)state;
    churn_model *m = train();
    /* The population deviation of 0..N-1: sqrt((N^2 - 1) / 12). */
    double sd = sqrt(((double)N * N - 1) / 12);
    shape s = TRAINING;
    s.shift = sd;
    churn_drift *d = measure(m, &s);
    size_t rank = 9;
    double got = psi_of(d, "x", &rank);
    double e[11], a[11];
    for (size_t b = 0; b < 10; b++)
        e[b] = 0.1;
    e[10] = 0;
    x_shares(sd, 0, a);
    assert_near(got, direct_psi(e, a, 11), 1e-12);
    assert_true(got >= 0.25);
    assert_int_equal(rank, 0);
    assert_true(psi_of(d, "plan", NULL) < 0.01);
    assert_true(churn_drift_score_psi(d) > 0.1); /* the score moved too */
    assert_near(churn_drift_max_psi(d), got > churn_drift_score_psi(d)
                ? got : churn_drift_score_psi(d), 0);
    churn_drift_free(d);
    churn_model_free(m);
}

static void test_category_shares_shift(void **state)
{
    (void)state;
    churn_model *m = train();
    /* a 50/30/20 -> 20/30/50, levels coded in another order here: they
     * are matched by text. */
    shape s = TRAINING;
    s.a = 2;
    s.levels_reversed = 1;
    churn_drift *d = measure(m, &s);
    double e[3] = {0.5, 0.3, 0.2}, a[3] = {0.2, 0.3, 0.5};
    size_t rank;
    double got = psi_of(d, "plan", &rank);
    assert_near(got, direct_psi(e, a, 3), 1e-12);
    assert_near(got, 0.6 * log(2.5), 1e-12); /* by hand */
    assert_int_equal(rank, 0);
    assert_true(psi_of(d, "x", NULL) < 0.01);
    churn_drift_free(d);
    churn_model_free(m);
}

static void test_rise_in_missing_values(void **state)
{
    (void)state;
    churn_model *m = train();
    shape s = TRAINING;
    s.missing_every = 5; /* 20% of x missing; none in training */
    churn_drift *d = measure(m, &s);
    double e[11], a[11];
    for (size_t b = 0; b < 10; b++)
        e[b] = 0.1;
    e[10] = 0;
    x_shares(0, 5, a);
    assert_near(a[10], 0.2, 1e-12);
    size_t rank;
    double got = psi_of(d, "x", &rank);
    assert_near(got, direct_psi(e, a, 11), 1e-12);
    assert_true(got >= 0.25);
    assert_int_equal(rank, 0);
    churn_drift_free(d);
    churn_model_free(m);
}

/* Rewrites the checksum line of text so that it matches again. */
static void fix_checksum(char *text)
{
    char *line = strstr(text, "checksum ");
    assert_non_null(line);
    unsigned long crc = crc32(0L, (const unsigned char *)text,
                              (uInt)(line - text));
    snprintf(line, 19, "checksum %08lx\n", crc);
}

/* Saves m, applies edit (the text of the drift section from 'from' to
 * 'to'; NULL: none) and loads it again; returns the status. */
static int reload(const churn_model *m, const char *from, const char *to,
                  churn_model **out, churn_error *err)
{
    char path[512];
    snprintf(path, sizeof path, "%s/drift.churn", tu_tmpdir());
    assert_int_equal(churn_model_save(m, path, NULL), CHURN_OK);
    size_t len;
    char *text = tu_read_file(path, &len);
    char *edited = malloc(len + 256);
    assert_non_null(edited);
    char *at = from ? strstr(text, from) : NULL;
    if (from)
        assert_non_null(at);
    if (at) {
        size_t head = (size_t)(at - text);
        memcpy(edited, text, head);
        snprintf(edited + head, len + 256 - head, "%s%s", to,
                 at + strlen(from));
    } else {
        memcpy(edited, text, len + 1);
    }
    fix_checksum(edited);
    const char *p = tu_write_text(1, "edited.churn", edited);
    free(text);
    free(edited);
    *out = NULL;
    return churn_model_load(p, out, err);
}

static void test_file_round_trip_and_old_files(void **state)
{
    (void)state;
    churn_model *m = train(), *back = NULL;
    churn_error err;
    assert_int_equal(reload(m, NULL, NULL, &back, &err), CHURN_OK);
    assert_true(churn_drift_has_references(back));
    shape s = TRAINING;
    s.shift = 100;
    churn_drift *d1 = measure(m, &s), *d2 = measure(back, &s);
    assert_true(psi_of(d1, "x", NULL) == psi_of(d2, "x", NULL));
    assert_true(churn_drift_score_psi(d1) == churn_drift_score_psi(d2));
    churn_drift_free(d1);
    churn_drift_free(d2);
    /* Saving the loaded model writes the same bytes. */
    char p1[512], p2[512];
    snprintf(p1, sizeof p1, "%s/a.churn", tu_tmpdir());
    snprintf(p2, sizeof p2, "%s/b.churn", tu_tmpdir());
    assert_int_equal(churn_model_save(m, p1, NULL), CHURN_OK);
    assert_int_equal(churn_model_save(back, p2, NULL), CHURN_OK);
    size_t l1, l2;
    char *t1 = tu_read_file(p1, &l1), *t2 = tu_read_file(p2, &l2);
    assert_true(l1 == l2 && memcmp(t1, t2, l1) == 0);
    /* A file without the section (from before) loads without references
     * and writes back without one. */
    char *start = strstr(t1, "drift "), *end = strstr(t1, "end drift\n");
    assert_non_null(start);
    assert_non_null(end);
    memmove(start, end + 10, strlen(end + 10) + 1);
    fix_checksum(t1);
    churn_model *old = NULL;
    assert_int_equal(churn_model_load(tu_write_text(2, "old.churn", t1),
                                      &old, &err), CHURN_OK);
    assert_false(churn_drift_has_references(old));
    churn_dataset *ds = make(&TRAINING);
    churn_drift *none = NULL;
    assert_int_equal(churn_drift_measure(old, ds, NULL, &none, &err),
                     CHURN_EINVAL);
    assert_null(none);
    assert_string_equal(err.message, "the model has no drift references "
                        "(trained before churn recorded them)");
    assert_int_equal(churn_model_save(old, p2, NULL), CHURN_OK);
    free(t2);
    t2 = tu_read_file(p2, &l2);
    assert_null(strstr(t2, "drift"));
    free(t1);
    free(t2);
    churn_dataset_free(ds);
    churn_model_free(old);
    churn_model_free(back);
    churn_model_free(m);
}

/* Above CHURN__DRIFT_SCORE_ROWS rows, the score's reference is the
 * deciles of every k-th row's probability (k = ceil(n / cap)), checked
 * against those probabilities sorted here; the inputs keep every row, the
 * PSI of each column is of its own total, and the file says how many rows
 * the score counts. */
static void test_score_reference_is_a_sample(void **state)
{
    (void)state;
    enum { ROWS = 2 * CHURN__DRIFT_SCORE_ROWS + 1 };
    size_t k = 3, n_sample = (ROWS + k - 1) / k; /* k = ceil(ROWS / cap) */
    shape big = TRAINING;
    big.rows = ROWS;
    churn_model *m = train_on(&big);
    const churn__drift_ref *r = m->drift;
    assert_true(r->rows == ROWS && r->score_rows == (double)n_sample);
    double sum = 0;
    for (size_t b = 0; b < r->input[0].n_bins + 2; b++)
        sum += r->input[0].count[b];
    assert_true(sum == ROWS);
    /* The sample's probabilities, sorted: edge q at ceil(q n / 10) - 1,
     * equal ones merged. */
    churn_dataset *ds = make(&big);
    double *prob = malloc(ROWS * sizeof *prob), *v = malloc(n_sample *
                                                            sizeof *v);
    assert_non_null(prob);
    assert_non_null(v);
    churn_error err;
    assert_int_equal(churn_model_predict_dataset(m, ds, prob, &err),
                     CHURN_OK);
    for (size_t i = 0; i < n_sample; i++)
        v[i] = prob[i * k];
    qsort(v, n_sample, sizeof *v, cmp);
    double want[CHURN__DECILES];
    size_t n_want = 0;
    for (size_t q = 1; q <= CHURN__DECILES; q++) {
        double e = v[(q * n_sample + 9) / 10 - 1];
        if (n_want == 0 || e > want[n_want - 1])
            want[n_want++] = e;
    }
    assert_int_equal(r->score.n_edges, n_want);
    for (size_t e = 0; e < n_want; e++)
        assert_true(r->score.edges[e] == want[e]);
    sum = 0;
    for (size_t b = 0; b < r->score.n_bins + 2; b++)
        sum += r->score.count[b];
    assert_true(sum == (double)n_sample);
    /* Its own training rows do not drift: the score's shares are of the
     * sample, not of every row. */
    churn_drift *d = measure(m, &big);
    assert_int_equal(churn_drift_n_reference_rows(d), ROWS);
    assert_true(churn_drift_score_psi(d) < 0.01);
    for (size_t j = 0; j < 3; j++)
        assert_true(churn_drift_input_psi(d, j) < 0.01);
    churn_drift_free(d);
    /* The file's "rows" line under the score, read back the same. */
    char p1[512], p2[512], want_line[64];
    snprintf(p1, sizeof p1, "%s/big.churn", tu_tmpdir());
    snprintf(p2, sizeof p2, "%s/big2.churn", tu_tmpdir());
    assert_int_equal(churn_model_save(m, p1, NULL), CHURN_OK);
    size_t l1, l2;
    char *t1 = tu_read_file(p1, &l1);
    snprintf(want_line, sizeof want_line, "\nscore %zu\nrows %zu\nedges ",
             n_want, n_sample);
    assert_non_null(strstr(t1, want_line));
    churn_model *back = NULL;
    assert_int_equal(churn_model_load(p1, &back, &err), CHURN_OK);
    assert_true(back->drift->score_rows == (double)n_sample);
    assert_int_equal(churn_model_save(back, p2, NULL), CHURN_OK);
    char *t2 = tu_read_file(p2, &l2);
    assert_true(l1 == l2 && memcmp(t1, t2, l1) == 0);
    free(t1);
    free(t2);
    free(prob);
    free(v);
    churn_dataset_free(ds);
    churn_model_free(back);
    churn_model_free(m);
}

/* A model file from before the sample (6,000 rows, every one in the
 * score's counts, no "rows" line) loads with the score counting every
 * row and saves back byte for byte. */
static void test_file_before_the_sample_is_kept(void **state)
{
    (void)state;
    const char *path = "tests/data/drift_before_sample.churn";
    churn_model *m = NULL;
    churn_error err;
    assert_int_equal(churn_model_load(path, &m, &err), CHURN_OK);
    assert_true(m->drift->rows == 6000 && m->drift->score_rows == 6000);
    char out[512];
    snprintf(out, sizeof out, "%s/before.churn", tu_tmpdir());
    assert_int_equal(churn_model_save(m, out, NULL), CHURN_OK);
    size_t l1, l2;
    char *t1 = tu_read_file(path, &l1), *t2 = tu_read_file(out, &l2);
    assert_true(l1 == l2 && memcmp(t1, t2, l1) == 0);
    free(t1);
    free(t2);
    churn_model_free(m);
}

/* A damaged drift section fails with the place and what is wrong. */
static void expect_damage(const churn_model *m, const char *from,
                          const char *to, const char *message)
{
    churn_model *back = NULL;
    churn_error err;
    assert_int_equal(reload(m, from, to, &back, &err), CHURN_EFORMAT);
    assert_null(back);
    const char *colon = strstr(err.message, ".churn:");
    assert_non_null(colon);
    assert_string_equal(colon + 7, message);
}

static void test_damaged_sections_are_refused(void **state)
{
    (void)state;
    churn_model *m = train();
    /* Line numbers: the drift section starts after the metrics. */
    char path[512];
    snprintf(path, sizeof path, "%s/lines.churn", tu_tmpdir());
    assert_int_equal(churn_model_save(m, path, NULL), CHURN_OK);
    size_t len, line = 1;
    char *text = tu_read_file(path, &len);
    for (char *p = text; p < strstr(text, "drift "); p++)
        line += *p == '\n';
    free(text);
    char want[256];
    snprintf(want, sizeof want, "%zu:7: drift section has 4 inputs, the "
             "model 3", line);
    expect_damage(m, "drift 3 ", "drift 4 ", want);
    snprintf(want, sizeof want, "%zu:1: drift counts of x add up to 1001, "
             "not the 1000 training rows", line + 4);
    expect_damage(m, "counts 100 ", "counts 101 ", want);
    snprintf(want, sizeof want, "%zu:10: drift edges must ascend", line + 2);
    expect_damage(m, "edges 99 199 ", "edges 99 99 ", want);
    snprintf(want, sizeof want, "%zu:15: drift input 2 is 'y', expected "
             "'z'", line + 5);
    expect_damage(m, "input numeric z ", "input numeric y ", want);
    snprintf(want, sizeof want, "%zu:7: drift count for level 'd', "
             "expected 'b'", line + 11);
    expect_damage(m, "count b ", "count d ", want);
    churn_model_free(m);
}

/* A damaged "rows" line of the score: out of range, not a number, or not
 * the sum of the score's counts. */
static void test_damaged_score_rows_are_refused(void **state)
{
    (void)state;
    shape big = TRAINING;
    big.rows = 2 * CHURN__DRIFT_SCORE_ROWS + 1; /* a sample of 3,334 */
    churn_model *m = train_on(&big);
    char path[512], want[256];
    snprintf(path, sizeof path, "%s/rows.churn", tu_tmpdir());
    assert_int_equal(churn_model_save(m, path, NULL), CHURN_OK);
    size_t len, line = 1;
    char *text = tu_read_file(path, &len);
    char *at = strstr(text, "\nrows 3334\n");
    assert_non_null(at);
    for (char *p = text; p <= at; p++)
        line += *p == '\n';
    free(text);
    snprintf(want, sizeof want, "%zu:1: drift counts of the score add up "
             "to 3334, not the 3335 scored rows", line + 2);
    expect_damage(m, "\nrows 3334\n", "\nrows 3335\n", want);
    snprintf(want, sizeof want, "%zu:6: drift score rows must be a count "
             "from 1 to the 10001 training rows", line);
    expect_damage(m, "\nrows 3334\n", "\nrows 10002\n", want);
    expect_damage(m, "\nrows 3334\n", "\nrows 0\n", want);
    expect_damage(m, "\nrows 3334\n", "\nrows 3333.5\n", want);
    snprintf(want, sizeof want, "%zu:6: expected a finite number", line);
    expect_damage(m, "\nrows 3334\n", "\nrows nan\n", want);
    snprintf(want, sizeof want, "%zu:11: unexpected '2' at end of line",
             line);
    expect_damage(m, "\nrows 3334\n", "\nrows 3334 2\n", want);
    churn_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decile_edges_merge_ties),
        cmocka_unit_test(test_decile_edges_by_selection_equal_sorting),
        cmocka_unit_test(test_decile_bins_count_every_value),
        cmocka_unit_test(test_references_are_the_training_deciles),
        cmocka_unit_test(test_training_rows_scored_again_do_not_drift),
        cmocka_unit_test(test_one_sd_shift_is_major_and_first),
        cmocka_unit_test(test_category_shares_shift),
        cmocka_unit_test(test_rise_in_missing_values),
        cmocka_unit_test(test_file_round_trip_and_old_files),
        cmocka_unit_test(test_damaged_sections_are_refused),
        cmocka_unit_test(test_score_reference_is_a_sample),
        cmocka_unit_test(test_file_before_the_sample_is_kept),
        cmocka_unit_test(test_damaged_score_rows_are_refused),
    };
    return cmocka_run_group_tests_name("drift", tests, NULL, NULL);
}
