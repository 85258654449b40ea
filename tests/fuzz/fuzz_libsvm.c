/* fuzz_libsvm.c - libFuzzer target: the bytes as a libsvm-format file. */
#include "fuzz_util.h"

/* 1 when an index has six digits or more. Such a file is valid up to
 * 1048576 columns and costs time linear in its width (about 0.3 s for
 * 300,000 columns), which on a loaded machine trips libFuzzer's timeout
 * and ends the run; the corpus tests cover wide files instead. */
static int too_wide(const uint8_t *data, size_t size)
{
    size_t digits = 0;
    for (size_t i = 0; i < size; i++) {
        if (data[i] == ':' && digits >= 6)
            return 1;
        digits = data[i] >= '0' && data[i] <= '9' ? digits + 1 : 0;
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fuzz_file file;
    if (too_wide(data, size))
        return 0;
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
