/* modelfile.c - the model file: versioned text, lossless numbers, a CRC-32
 * checksum last; written atomically, read with exact error places. */
#include "models/model.h"
#include "models/drift.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#define FORMAT_VERSION 1
/* Larger than any model we write by far; refuse before reading a huge
 * file that is surely something else. */
#define MAX_MODEL_BYTES ((long)1 << 30)

/* The label lines, each only when known, so that a model without them
 * (from an older library) writes back the very same bytes. */
static void write_label(const churn_model *m, FILE *f)
{
    if (m->label_name) {
        fputs("label ", f);
        churn__put_string(f, m->label_name);
        fputc('\n', f);
    }
    if (m->label_positive) {
        fputs("label_positive ", f);
        churn__put_string(f, m->label_positive);
        fputc('\n', f);
    }
}

static int write_body(const churn_model *m, FILE *f)
{
    const char **names = churn__model_output_names(m);
    if (!names)
        return CHURN_ENOMEM;
    fprintf(f, "churn-model %d\n", FORMAT_VERSION);
    fputs("library ", f);
    churn__put_string(f, m->library);
    fputs("\ncreated ", f);
    churn__put_string(f, m->created);
    fputs("\nfamily ", f);
    churn__put_string(f, churn_model_family(m));
    fputs("\nclass_weight ", f);
    churn__put_string(f, m->class_weight);
    fputc('\n', f);
    write_label(m, f);
    churn__pipeline_write(m->pipe, f);
    churn__classifier_write(&m->clf, m->n_outputs, names, f);
    churn__calibration_write(&m->cal, f);
    /* A figure the model has not got (NaN: gamma of a logistic model, the
     * validation of a model trained without one) is left out, so the file
     * holds only finite numbers; the reader takes absent figures as NaN. */
    size_t n_metrics = 0;
    const char *name;
    for (size_t k = 0; k < churn__model_n_figures(m); k++)
        n_metrics += !isnan(churn__model_figure_at(m, k, &name));
    fprintf(f, "metrics %zu\n", n_metrics);
    for (size_t k = 0; k < churn__model_n_figures(m); k++) {
        double v = churn__model_figure_at(m, k, &name);
        if (isnan(v))
            continue;
        fprintf(f, "metric %s ", name);
        churn__put_double(f, v);
        fputc('\n', f);
    }
    fputs("end metrics\n", f);
    if (m->drift) /* files without references stay as they were */
        churn__drift_write(m->drift, m, f);
    churn__board_write(&m->board, f);
    free(names);
    return CHURN_OK;
}

int churn_model_save(const churn_model *m, const char *path, churn_error *err)
{
    if (!m || !path)
        return churn__fail(err, CHURN_EINVAL, "save: null argument");
    /* The checksum covers the text before it, so build the text first. */
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem)
        return churn__fail_nomem(err);
    int body = write_body(m, mem);
    if (fclose(mem) != 0 || body != CHURN_OK) {
        free(text);
        return churn__fail_nomem(err);
    }
    unsigned long crc = crc32(0L, (const Bytef *)text, (uInt)len);
    churn__afile *af;
    int rc = churn__afile_open(path, &af, err);
    if (rc == CHURN_OK) {
        FILE *f = churn__afile_stream(af);
        fwrite(text, 1, len, f);
        fprintf(f, "checksum %08lx\n", crc);
        rc = churn__afile_commit(af, err);
    }
    free(text);
    return rc;
}

static int read_whole(const char *path, char **out, size_t *len,
                      churn_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return churn__fail_at(err, CHURN_EIO, path, 0, 0, "cannot open: %s",
                              strerror(errno));
    int rc = CHURN_OK;
    char *buf = NULL;
    long size = -1;
    if (fseek(f, 0, SEEK_END) == 0)
        size = ftell(f);
    if (size < 0 || fseek(f, 0, SEEK_SET) != 0) {
        rc = churn__fail_at(err, CHURN_EIO, path, 0, 0, "cannot read");
    } else if (size > MAX_MODEL_BYTES) {
        rc = churn__fail_at(err, CHURN_EFORMAT, path, 0, 0,
                            "too large for a model file (%ld bytes)", size);
    } else if (!(buf = malloc((size_t)size + 1))) {
        rc = churn__fail_nomem(err);
    } else if (fread(buf, 1, (size_t)size, f) != (size_t)size) {
        rc = churn__fail_at(err, CHURN_EIO, path, 0, 0, "read error");
    }
    fclose(f);
    if (rc != CHURN_OK) {
        free(buf);
        return rc;
    }
    buf[size] = '\0';
    *out = buf;
    *len = (size_t)size;
    return CHURN_OK;
}

/* Checks the first line and the checksum line; *body_len is the length
 * of the text the checksum covers. */
static int check_envelope(const char *path, const char *buf, size_t len,
                          size_t *body_len, churn_error *err)
{
    /* The first line is exactly "churn-model N", N a whole number. */
    static const char magic[] = "churn-model ";
    size_t m = sizeof magic - 1, digits = 0;
    long version = 0;
    if (len > m && memcmp(buf, magic, m) == 0)
        while (m + digits < len && buf[m + digits] >= '0' &&
               buf[m + digits] <= '9' && digits < 9)
            version = version * 10 + (buf[m + digits++] - '0');
    size_t eol = m + digits;
    if (eol < len && buf[eol] == '\r')
        eol++;
    if (digits == 0 || eol >= len || buf[eol] != '\n')
        return churn__fail_at(err, CHURN_EFORMAT, path, 1, 1,
                              "not a churn model file (the first line "
                              "should be 'churn-model %d')", FORMAT_VERSION);
    if (version < 1)
        return churn__fail_at(err, CHURN_EFORMAT, path, 1, 13,
                              "bad model format version %ld", version);
    if (version > FORMAT_VERSION)
        return churn__fail_at(err, CHURN_EVERSION, path, 1, 13,
                              "model format %ld is newer than this library "
                              "(churn %s reads format %d); upgrade churn",
                              version, churn_version(), FORMAT_VERSION);
    size_t end = len;
    while (end > 0 && (buf[end - 1] == '\n' || buf[end - 1] == '\r'))
        end--;
    size_t start = end;
    while (start > 0 && buf[start - 1] != '\n')
        start--;
    unsigned long stored;
    char hex[9];
    size_t line = 1;
    for (size_t i = 0; i < start; i++)
        line += buf[i] == '\n';
    if (end - start != 17 || sscanf(buf + start, "checksum %8[0-9a-f]", hex) != 1 ||
        strlen(hex) != 8)
        return churn__fail_at(err, CHURN_EFORMAT, path, line, 1,
                              "missing checksum line (file truncated?)");
    stored = strtoul(hex, NULL, 16);
    unsigned long crc = crc32(0L, (const Bytef *)buf, (uInt)start);
    if (crc != stored)
        return churn__fail_at(err, CHURN_ECHECKSUM, path, line, 10,
                              "checksum %08lx does not match the contents "
                              "(%08lx): the file was edited or damaged",
                              stored, crc);
    /* Text never holds NUL; the line reader would stop at one and skip
     * the rest of its line unseen. */
    const char *nul = memchr(buf, '\0', start);
    if (nul) {
        size_t at = (size_t)(nul - buf), ln = 1, col = 1;
        for (size_t i = 0; i < at; i++, col++)
            if (buf[i] == '\n') {
                ln++;
                col = 0;
            }
        return churn__fail_at(err, CHURN_EPARSE, path, ln, col,
                              "NUL byte in text");
    }
    *body_len = start;
    return CHURN_OK;
}

/* Reads "key value" into dst (a string token). */
static int read_field(churn__lines *r, const char *key, char *dst,
                      size_t size, churn_error *err)
{
    const char *v;
    int rc = churn__lines_next(r, key, err);
    if (rc == CHURN_OK)
        rc = churn__lines_expect(r, key, err);
    if (rc == CHURN_OK)
        rc = churn__lines_string(r, &v, err);
    if (rc == CHURN_OK)
        rc = churn__lines_done(r, err);
    if (rc == CHURN_OK)
        snprintf(dst, size, "%s", v);
    return rc;
}

/* Reads the optional line "key value" into a new string *dst; a file
 * without the line (written before churn recorded it) leaves *dst NULL. */
static int read_optional(churn__lines *r, const char *key, char **dst,
                         churn_error *err)
{
    size_t k = strlen(key);
    if (r->pos >= r->len || r->len - r->pos <= k ||
        strncmp(r->buf + r->pos, key, k) != 0 || r->buf[r->pos + k] != ' ')
        return CHURN_OK;
    const char *v;
    int rc = churn__lines_next(r, key, err);
    if (rc == CHURN_OK)
        rc = churn__lines_expect(r, key, err);
    if (rc == CHURN_OK)
        rc = churn__lines_string(r, &v, err);
    if (rc == CHURN_OK)
        rc = churn__lines_done(r, err);
    if (rc == CHURN_OK && !*v)
        rc = churn__fail_at(err, CHURN_EFORMAT, r->path, r->line,
                            k + 2, "empty %s", key);
    if (rc == CHURN_OK && !(*dst = churn__strdup(v)))
        rc = churn__fail_nomem(err);
    return rc;
}

static int read_classifier(churn__lines *r, churn_model *m,
                           const churn__family *family, churn_error *err)
{
    m->n_outputs = churn__pipeline_n_outputs(m->pipe);
    const char **names = churn__model_output_names(m);
    if (!names)
        return churn__fail_nomem(err);
    int rc = churn__classifier_read(r, &m->clf, m->n_outputs, names, err);
    free(names);
    if (rc == CHURN_OK && m->clf.family != family)
        rc = churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, 1,
                            "the classifier is not a %s model",
                            family->name);
    return rc;
}

/* Keeps metric name = v: a figure every model has, or one a family
 * records (or the old "iterations"). Names this version does not know
 * are skipped: a newer minor release may record more figures in the same
 * format. */
static void keep_metric(churn_model *m, const char *name, double v)
{
    for (size_t i = 0; i < CHURN__M_COUNT; i++)
        if (strcmp(name, churn__metric_names[i]) == 0) {
            m->metrics[i] = v;
            return;
        }
    const churn__figure *fig = churn__figure_find(name);
    for (size_t k = 0; fig && k < m->n_figures; k++)
        if (m->figure[k] == fig) {
            m->figure_value[k] = v;
            return;
        }
    if (fig && m->n_figures < CHURN__MAX_FIGURES) {
        m->figure[m->n_figures] = fig;
        m->figure_value[m->n_figures++] = v;
    }
}

static int read_metrics(churn__lines *r, churn_model *m, churn_error *err)
{
    size_t count;
    int rc = churn__calibration_read(r, &m->cal, err);
    if (rc == CHURN_OK)
        rc = churn__lines_next(r, "metrics", err);
    if (rc == CHURN_OK)
        rc = churn__lines_expect(r, "metrics", err);
    if (rc == CHURN_OK)
        rc = churn__lines_size(r, &count, err);
    for (size_t k = 0; rc == CHURN_OK && k < count; k++) {
        const char *name;
        double v;
        rc = churn__lines_next(r, "metric", err);
        if (rc == CHURN_OK)
            rc = churn__lines_expect(r, "metric", err);
        if (rc == CHURN_OK)
            rc = churn__lines_string(r, &name, err);
        if (rc == CHURN_OK)
            rc = churn__lines_double(r, &v, err);
        if (rc == CHURN_OK)
            keep_metric(m, name, v);
    }
    if (rc == CHURN_OK)
        rc = churn__lines_next(r, "end metrics", err);
    if (rc == CHURN_OK)
        rc = churn__lines_expect(r, "end", err);
    return rc;
}

static int parse_model(churn__lines *r, churn_model *m, churn_error *err)
{
    char name[16];
    const churn__family *family = NULL;
    int rc = churn__lines_next(r, "version", err); /* checked already */
    if (rc == CHURN_OK)
        rc = read_field(r, "library", m->library, sizeof m->library, err);
    if (rc == CHURN_OK)
        rc = read_field(r, "created", m->created, sizeof m->created, err);
    if (rc == CHURN_OK)
        rc = read_field(r, "family", name, sizeof name, err);
    /* A family that stores its state as another's never names a file. */
    if (rc == CHURN_OK && (!(family = churn__family_find(name)) ||
                           family->stored_as))
        rc = churn__fail_at(err, CHURN_EFORMAT, r->path, r->line, 8,
                            "unknown model family '%s'", name);
    if (rc == CHURN_OK)
        rc = read_field(r, "class_weight", m->class_weight,
                        sizeof m->class_weight, err);
    if (rc == CHURN_OK)
        rc = read_optional(r, "label", &m->label_name, err);
    if (rc == CHURN_OK)
        rc = read_optional(r, "label_positive", &m->label_positive, err);
    if (rc == CHURN_OK)
        rc = churn__pipeline_read(r, &m->pipe, err);
    if (rc == CHURN_OK)
        rc = read_classifier(r, m, family, err);
    if (rc == CHURN_OK)
        rc = read_metrics(r, m, err);
    /* The drift references, in files since churn recorded them. */
    if (rc == CHURN_OK && r->pos < r->len && r->len - r->pos > 6 &&
        strncmp(r->buf + r->pos, "drift ", 6) == 0)
        rc = churn__drift_read(r, m, err);
    if (rc == CHURN_OK)
        rc = churn__board_read(r, &m->board, err);
    if (rc == CHURN_OK && r->pos < r->len)
        rc = churn__fail_at(err, CHURN_EFORMAT, r->path, r->line + 1, 1,
                            "unexpected text after the %s section",
                            m->drift ? "drift" : "metrics");
    return rc;
}

int churn_model_load(const char *path, churn_model **out, churn_error *err)
{
    if (!path || !out)
        return churn__fail(err, CHURN_EINVAL, "load: null argument");
    *out = NULL;
    char *buf = NULL;
    size_t len = 0, body_len = 0;
    int rc = read_whole(path, &buf, &len, err);
    if (rc != CHURN_OK)
        return rc;
    churn_model *m = churn__model_new();
    if (!m)
        rc = churn__fail_nomem(err);
    if (rc == CHURN_OK)
        rc = check_envelope(path, buf, len, &body_len, err);
    if (rc == CHURN_OK) {
        churn__lines r = {.path = path, .buf = buf, .len = body_len};
        rc = parse_model(&r, m, err);
    }
    free(buf);
    if (rc != CHURN_OK) {
        churn_model_free(m);
        return rc;
    }
    *out = m;
    return CHURN_OK;
}
