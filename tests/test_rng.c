/* test_rng.c - churn__rng_alloc: the same generator as GSL's gsl_rng_alloc
 * (the same draws for a seed), made without GSL's error handler. */
#include "testutil.h"

#include "ml/rng.h"

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>

static int handler_calls;

static void record(const char *reason, const char *file, int line, int code)
{
    (void)reason;
    (void)file;
    (void)line;
    (void)code;
    handler_calls++;
}

/* For several seeds, including GSL's default 0, the draws of ours and of
 * GSL's own allocation agree bit for bit, as do the ones the library
 * uses (uniform, uniform_int, gaussian, shuffle). */
static void test_same_draws_as_gsl(void **state)
{
    (void)state;
    const unsigned long seeds[] = {0, 1, 42, 4357, 0xffffffffUL};
    for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
        gsl_rng *ours = churn__rng_alloc();
        gsl_rng *theirs = gsl_rng_alloc(gsl_rng_mt19937);
        assert_non_null(ours);
        assert_non_null(theirs);
        assert_string_equal(gsl_rng_name(ours), "mt19937");
        gsl_rng_set(ours, seeds[s]);
        gsl_rng_set(theirs, seeds[s]);
        for (int i = 0; i < 1000; i++) {
            assert_true(gsl_rng_uniform(ours) == gsl_rng_uniform(theirs));
            assert_int_equal(gsl_rng_uniform_int(ours, 97),
                             gsl_rng_uniform_int(theirs, 97));
            assert_true(gsl_ran_gaussian(ours, 2.0) ==
                        gsl_ran_gaussian(theirs, 2.0));
        }
        int a[50], b[50];
        for (int i = 0; i < 50; i++)
            a[i] = b[i] = i;
        gsl_ran_shuffle(ours, a, 50, sizeof *a);
        gsl_ran_shuffle(theirs, b, 50, sizeof *b);
        assert_memory_equal(a, b, sizeof a);
        gsl_rng_free(ours); /* frees what churn__rng_alloc allocated */
        gsl_rng_free(theirs);
    }
}

/* Unseeded, it starts where gsl_rng_alloc's generator starts (GSL's
 * default seed), and no call reached GSL's error handler. */
static void test_default_seed(void **state)
{
    (void)state;
    gsl_error_handler_t *old = gsl_set_error_handler(record);
    handler_calls = 0;
    gsl_rng *ours = churn__rng_alloc();
    gsl_rng *theirs = gsl_rng_alloc(gsl_rng_mt19937);
    assert_int_equal(gsl_rng_get(ours), gsl_rng_get(theirs));
    gsl_rng_free(ours);
    gsl_rng_free(theirs);
    assert_int_equal(handler_calls, 0);
    gsl_set_error_handler(old);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_draws_as_gsl),
        cmocka_unit_test(test_default_seed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
