/* afile.c - output files that appear whole or not at all (temp + rename). */
#define _GNU_SOURCE /* sync_file_range, where there is one (Linux) */
#include "ml/internal.h"

#include <errno.h>
#include <fcntl.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ".tmp." and six digits, with the NUL. */
#define TMP_SUFFIX_MAX 16

struct churn__afile {
    FILE *stream;
    char *path;
    char *tmp_path;
    off_t behind; /* bytes already handed to churn__afile_write_behind */
};

int churn__afile_open(const char *path, churn__afile **out, churn_error *err)
{
    *out = NULL;
    if (!path || !*path)
        return churn__fail(err, CHURN_EINVAL, "no output path given");
    churn__afile *f = calloc(1, sizeof *f);
    size_t n = strlen(path);
    if (!f || !(f->path = churn__strdup(path)) ||
        !(f->tmp_path = malloc(n + TMP_SUFFIX_MAX))) {
        churn__afile_abort(f);
        return churn__fail_nomem(err);
    }
    /* Same folder as the target, so rename() never crosses file systems.
     * open() with mode 0666 rather than mkstemp(), which makes 0600 files:
     * the result should have the permissions the user's umask gives. */
    int fd = -1, e = 0;
    for (unsigned attempt = 0; fd < 0 && attempt < 100; attempt++) {
        struct timespec ts;
        clock_gettime(CLOCK_REALTIME, &ts);
        unsigned long tag = ((unsigned long)ts.tv_nsec ^
                             ((unsigned long)getpid() << 16) ^ attempt) %
                            1000000ul;
        snprintf(f->tmp_path, n + TMP_SUFFIX_MAX, "%s.tmp.%06lu", path, tag);
        fd = open(f->tmp_path, O_WRONLY | O_CREAT | O_EXCL, 0666);
        e = errno;
        if (fd < 0 && e != EEXIST)
            break;
    }
    if (fd < 0) {
        free(f->tmp_path);
        f->tmp_path = NULL;
        churn__afile_abort(f);
        return churn__fail_at(err, CHURN_EIO, path, 0, 0,
                              "cannot create output file: %s", strerror(e));
    }
    f->stream = fdopen(fd, "w");
    if (!f->stream) {
        close(fd);
        churn__afile_abort(f);
        return churn__fail_nomem(err);
    }
    *out = f;
    return CHURN_OK;
}

FILE *churn__afile_stream(churn__afile *f) { return f->stream; }

void churn__afile_write_behind(churn__afile *f)
{
#ifdef SYNC_FILE_RANGE_WRITE
    off_t at = fflush(f->stream) == 0 ? ftello(f->stream) : -1;
    /* Advice only: a failure here is the commit's fsync's to report. */
    if (at > f->behind &&
        sync_file_range(fileno(f->stream), f->behind, at - f->behind,
                        SYNC_FILE_RANGE_WRITE) == 0)
        f->behind = at;
#else
    (void)f;
#endif
}

int churn__afile_commit(churn__afile *f, churn_error *err)
{
    int e = 0;
    if (fflush(f->stream) != 0 || ferror(f->stream))
        e = errno ? errno : EIO;
    else if (fsync(fileno(f->stream)) != 0)
        e = errno;
    if (fclose(f->stream) != 0 && !e)
        e = errno ? errno : EIO;
    f->stream = NULL;
    if (!e && rename(f->tmp_path, f->path) != 0)
        e = errno;
    if (e) {
        int rc = churn__fail_at(err, CHURN_EIO, f->path, 0, 0,
                                "cannot write output file: %s", strerror(e));
        churn__afile_abort(f);
        return rc;
    }
    free(f->tmp_path);
    free(f->path);
    free(f);
    return CHURN_OK;
}

void churn__afile_abort(churn__afile *f)
{
    if (!f)
        return;
    if (f->stream)
        fclose(f->stream);
    if (f->tmp_path)
        unlink(f->tmp_path);
    free(f->tmp_path);
    free(f->path);
    free(f);
}
