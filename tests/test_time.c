/* test_time.c - timestamps: ISO-8601 dates and date-times, Unix seconds,
 * rejects, and the date formatter. */
#include "testutil.h"

#include "churn.h"

#include <math.h>
#include <string.h>

static double parse_ok(const char *text)
{
    double t = -1;
    assert_int_equal(churn_parse_time(text, strlen(text), &t), CHURN_OK);
    return t;
}

static void parse_bad(const char *text)
{
    double t = 12345;
    int rc = churn_parse_time(text, strlen(text), &t);
    if (rc != CHURN_EPARSE)
        fail_msg("'%s' was accepted as %.17g", text, t);
    assert_true(t == 12345); /* untouched on failure */
}

/* Expected values from Python: calendar.timegm(datetime.strptime(s,
 * "%Y-%m-%d").timetuple()) for each date. */
static void test_dates(void **state)
{
    (void)state;
    assert_true(parse_ok("1970-01-01") == 0);
    assert_true(parse_ok("2024-03-01") == 1709251200);
    assert_true(parse_ok("2024-02-29") == 1709164800); /* leap year */
    assert_true(parse_ok("2000-02-29") == 951782400);  /* 400-year leap */
    assert_true(parse_ok("1900-01-01") == -2208988800.0);
    assert_true(parse_ok("2200-12-31") == 7289568000.0);
    assert_true(parse_ok("  2024-03-01\t") == 1709251200); /* trimmed */
}

/* 2024-03-01T12:00:00Z = 1709251200 + 12 * 3600 = 1709294400. */
static void test_date_times(void **state)
{
    (void)state;
    assert_true(parse_ok("2024-03-01T12:00:00") == 1709294400);
    assert_true(parse_ok("2024-03-01 12:00:00") == 1709294400);
    assert_true(parse_ok("2024-03-01T12:00:00Z") == 1709294400);
    assert_true(parse_ok("2024-03-01T12:00") == 1709294400);
    assert_true(parse_ok("2024-03-01T12:00:00.25Z") == 1709294400.25);
    assert_true(parse_ok("2024-03-01T12:00:00.5") == 1709294400.5);
    /* 12:00 at +02:00 is 10:00 UTC: 1709294400 - 7200. */
    assert_true(parse_ok("2024-03-01T12:00:00+02:00") == 1709287200);
    assert_true(parse_ok("2024-03-01T12:00:00+0200") == 1709287200);
    /* 12:00 at -05:30 is 17:30 UTC: 1709294400 + 19800. */
    assert_true(parse_ok("2024-03-01T12:00-05:30") == 1709314200);
    /* An offset that crosses midnight: 00:30+01:00 = previous day 23:30. */
    assert_true(parse_ok("2024-03-01T00:30:00+01:00") == 1709251200 - 1800);
}

static void test_unix_seconds(void **state)
{
    (void)state;
    assert_true(parse_ok("1709251200") == 1709251200);
    assert_true(parse_ok("1709251200.5") == 1709251200.5);
    assert_true(parse_ok("0") == 0);
    assert_true(parse_ok("-86400") == -86400);
    assert_true(parse_ok(" 1709251200 ") == 1709251200);
}

static void test_rejects(void **state)
{
    (void)state;
    parse_bad("2024-13-01");   /* month 13 */
    parse_bad("2024-00-10");   /* month 0 */
    parse_bad("2023-02-29");   /* not a leap year */
    parse_bad("1900-02-29");   /* century, not a leap year */
    parse_bad("2024-04-31");   /* April has 30 days */
    parse_bad("2024-01-00");
    parse_bad("1899-12-31");   /* before the years we accept */
    parse_bad("2201-01-01");   /* after them */
    parse_bad("garbage");
    parse_bad("");
    parse_bad("   ");
    parse_bad("2024-03-01x");
    parse_bad("2024-3-1");
    parse_bad("2024/03/01");
    parse_bad("2024-03-01T24:00:00");
    parse_bad("2024-03-01T12:60:00");
    parse_bad("2024-03-01T12:00:61");
    parse_bad("2024-03-01T12");
    parse_bad("2024-03-01T12:00:00+2");
    parse_bad("2024-03-01T12:00:00+24:00");
    parse_bad("2024-03-01T12:00:00Zjunk");
    parse_bad("1e12");          /* milliseconds, year ~33658 */
    parse_bad("1709251200000"); /* milliseconds */
    parse_bad("-2208988801");   /* a second before 1900 */
    parse_bad("nan");
    parse_bad("inf");
    parse_bad("0x10");
    parse_bad("12abc");
}

/* The strict parse of date options: the ISO forms give what
 * churn_parse_time gives; numbers, the 8-digit YYYYMMDD included, are
 * refused (20250101 as Unix seconds is 1970-08-23, the bug this guards). */
static void test_parse_date_strict(void **state)
{
    (void)state;
    static const char *const iso[] = {
        "2025-01-01", "2024-02-29", "2024-03-01T12:00:00",
        "2024-03-01 12:00", "2024-03-01T12:00:00.25Z",
        "2024-03-01T12:00:00+02:00", " 2024-03-01 "};
    for (size_t i = 0; i < sizeof iso / sizeof *iso; i++) {
        double t = -1;
        assert_int_equal(churn_parse_date(iso[i], strlen(iso[i]), &t),
                         CHURN_OK);
        assert_true(t == parse_ok(iso[i]));
    }
    static const char *const bad[] = {
        "20250101", "1735689600", "0", "-86400", "1709251200.5", "45352",
        "2025-13-01", "2025-1-1", "2025/01/01", "01-01-2025", "", "  ",
        "2025-01-01x", "2023-02-29"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        double t = 12345;
        int rc = churn_parse_date(bad[i], strlen(bad[i]), &t);
        if (rc != CHURN_EPARSE)
            fail_msg("'%s' was accepted as a date: %.17g", bad[i], t);
        assert_true(t == 12345);
    }
    /* The log parser still reads Unix seconds, as event logs need. */
    assert_true(parse_ok("20250101") == 20250101);
    double t;
    assert_int_equal(churn_parse_date(NULL, 0, &t), CHURN_EINVAL);
}

static void test_format_date(void **state)
{
    (void)state;
    char buf[16];
    churn_format_date(0, buf, sizeof buf);
    assert_string_equal(buf, "1970-01-01");
    churn_format_date(1709294400, buf, sizeof buf); /* 2024-03-01T12:00 */
    assert_string_equal(buf, "2024-03-01");
    churn_format_date(-1, buf, sizeof buf); /* floor, not truncation */
    assert_string_equal(buf, "1969-12-31");
    churn_format_date(-2208988800.0, buf, sizeof buf);
    assert_string_equal(buf, "1900-01-01");
    churn_format_date(NAN, buf, sizeof buf);
    assert_string_equal(buf, "");
}

/* Every day of the accepted range: format, parse, same midnight back; and
 * the next day is exactly 86400 seconds later (no gaps, no repeats). */
static void test_round_trip_every_day(void **state)
{
    (void)state;
    char buf[16];
    double prev = NAN;
    for (int64_t day = -25567; day <= 84370; day++) { /* 1900..2200 */
        double t = (double)day * 86400;
        churn_format_date(t + 43210.5, buf, sizeof buf);
        double back;
        assert_int_equal(churn_parse_time(buf, strlen(buf), &back),
                         CHURN_OK);
        if (back != t)
            fail_msg("day %lld: %s read back as %.17g", (long long)day, buf,
                     back);
        if (!isnan(prev))
            assert_true(back - prev == 86400);
        prev = back;
    }
    assert_string_equal(buf, "2200-12-31");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_date_times),
        cmocka_unit_test(test_unix_seconds),
        cmocka_unit_test(test_rejects),
        cmocka_unit_test(test_parse_date_strict),
        cmocka_unit_test(test_format_date),
        cmocka_unit_test(test_round_trip_every_day),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
