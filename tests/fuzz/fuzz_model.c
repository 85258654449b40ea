/* fuzz_model.c - libFuzzer target: the model loader. Each input is loaded
 * twice: as it is (the envelope: version line, checksum line), and with a
 * correct checksum line appended, so that the fuzzer gets past the CRC
 * into the sections (pipeline, classifier, calibration, metrics). A model
 * that loads must score a row of missing values and a row of numbers to
 * probabilities in [0, 1]. */
#include "fuzz_util.h"

#include <zlib.h>

static void use(const churn_model *m)
{
    churn_error err;
    size_t d = churn_model_n_inputs(m);
    double *x = malloc(2 * (d ? d : 1) * sizeof *x), prob[2];
    if (!x)
        abort();
    for (size_t j = 0; j < d; j++) {
        x[j] = NAN;
        x[d + j] = churn_model_input_kind(m, j) == CHURN_CATEGORICAL
                       ? 0.0 : (double)j - 1.5;
        if (!churn_model_input_name(m, j))
            abort();
    }
    int rc = churn_model_predict(m, x, 2, prob, &err);
    fuzz_check_error(rc, &err);
    free(x);
}

static void load(const fuzz_file *f)
{
    churn_error err;
    churn_model *m = NULL;
    int rc = churn_model_load(f->path, &m, &err);
    fuzz_check_place(rc, &err, f->path);
    if (rc == CHURN_OK)
        use(m);
    churn_model_free(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static fuzz_file file;
    if (file.path[0] == '\0')
        fuzz_file_init(&file, "model.churn");
    fuzz_file_set(&file, data, size);
    load(&file);

    char line[32];
    unsigned long crc = crc32(0L, data, (uInt)size);
    int n = snprintf(line, sizeof line, "checksum %08lx\n", crc);
    uint8_t *body = malloc(size + (size_t)n);
    if (!body)
        abort();
    memcpy(body, data, size);
    memcpy(body + size, line, (size_t)n);
    fuzz_file_set(&file, body, size + (size_t)n);
    free(body);
    load(&file);
    return 0;
}
