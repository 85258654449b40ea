/* score_example.c - scoring customers in-process with the installed libchurn:
 * the example of README.md, compiled by tests/cli/install.sh. */
#include <churn.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: %s MODEL.churn FEATURES.csv\n", argv[0]);
        return 2;
    }
    churn_error err;
    churn_model *model = NULL;
    churn_dataset *customers = NULL;
    int rc = churn_model_load(argv[1], &model, &err);
    if (rc == CHURN_OK)
        rc = churn_dataset_read_csv(argv[2], NULL, &customers, &err);
    size_t n = rc == CHURN_OK ? churn_dataset_n_rows(customers) : 0;
    double *prob = malloc((n + 1) * sizeof *prob);
    if (rc == CHURN_OK)
        rc = churn_model_predict_dataset(model, customers, prob, &err);
    for (size_t i = 0; rc == CHURN_OK && i < n; i++)
        printf("%s,%.17g\n", churn_dataset_id(customers, i), prob[i]);
    if (rc != CHURN_OK)
        fprintf(stderr, "error: %s\n", err.message);
    free(prob);
    churn_dataset_free(customers);
    churn_model_free(model);
    return rc == CHURN_OK ? 0 : 1;
}
