/* fuzz_libsvm.c - libFuzzer target: the bytes as a libsvm-format file. */
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fuzz_file file;
    if (file.path[0] == '\0')
        fuzz_file_init(&file, "data.svm");
    fuzz_file_set(&file, data, size);
    churn_error err;
    churn_dataset *ds = NULL;
    int rc = churn_dataset_read_libsvm(file.path, &ds, &err);
    fuzz_check_place(rc, &err, file.path);
    if (rc == CHURN_OK && churn_dataset_n_rows(ds) == 0)
        abort(); /* no rows must be an error */
    churn_dataset_free(ds);
    return 0;
}
