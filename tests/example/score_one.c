/* score_one.c - scoring one customer from values held in memory, the
 * smallest use of libchurn: load a model, put the customer's values in
 * the model's input order, predict. make check builds it and compares its
 * answer with churn-score's (tests/cli/example.sh).
 *
 *   score_one MODEL.churn      (a model trained on datasets/mlc_churn.csv) */
#include <churn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The customer: the first row of datasets/mlc_churn.csv, as name = text,
 * the way an application might hold it. Inputs the model reads but the
 * customer lacks are missing (NaN). */
static const char *const customer[][2] = {
    {"state", "KS"},
    {"account_length", "128"},
    {"area_code", "area_code_415"},
    {"international_plan", "no"},
    {"voice_mail_plan", "yes"},
    {"number_vmail_messages", "25"},
    {"total_day_minutes", "265.1"},
    {"total_day_calls", "110"},
    {"total_day_charge", "45.07"},
    {"total_eve_minutes", "197.4"},
    {"total_eve_calls", "99"},
    {"total_eve_charge", "16.78"},
    {"total_night_minutes", "244.7"},
    {"total_night_calls", "91"},
    {"total_night_charge", "11.01"},
    {"total_intl_minutes", "10"},
    {"total_intl_calls", "3"},
    {"total_intl_charge", "2.7"},
    {"number_customer_service_calls", "1"},
};

static const char *value_of(const char *name)
{
    for (size_t i = 0; i < sizeof customer / sizeof customer[0]; i++)
        if (strcmp(customer[i][0], name) == 0)
            return customer[i][1];
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s MODEL.churn\n", argv[0]);
        return 2;
    }
    churn_error err;
    churn_model *model = NULL;
    int rc = churn_model_load(argv[1], &model, &err);
    size_t d = rc == CHURN_OK ? churn_model_n_inputs(model) : 0;
    double *x = malloc((d + 1) * sizeof *x);
    if (rc == CHURN_OK && !x)
        rc = CHURN_ENOMEM;
    /* One value per input, in the model's order: numbers as numbers,
     * categories as the model's code for their text. */
    for (size_t j = 0; rc == CHURN_OK && j < d; j++) {
        const char *text = value_of(churn_model_input_name(model, j));
        if (!text)
            x[j] = strtod("nan", NULL);
        else if (churn_model_input_kind(model, j) == CHURN_CATEGORICAL)
            x[j] = churn_model_category_code(model, j, text);
        else
            x[j] = strtod(text, NULL);
    }
    double prob = 0;
    if (rc == CHURN_OK)
        rc = churn_model_predict(model, x, 1, &prob, &err);
    if (rc == CHURN_OK)
        printf("%.17g\n", prob);
    else
        fprintf(stderr, "error: %s\n", x ? err.message : churn_strerror(rc));
    free(x);
    churn_model_free(model);
    return rc == CHURN_OK ? 0 : 1;
}
